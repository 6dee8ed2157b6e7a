# VPC flow logs go to a KMS-encrypted CloudWatch log group written by a dedicated role.

module "flow_logs" {
  source = "../log-group"

  name              = local.flow_log_group_name
  retention_in_days = var.flow_log_retention_days
  context           = var.context
  tags              = var.context.tags
  kms_key = {
    alias                   = "${var.context.name_prefix}-flow-logs"
    description             = "${var.context.name_prefix} VPC flow logs"
    deletion_window_in_days = var.kms_deletion_window_days
    tags                    = merge(var.context.tags, { Name = "${var.context.name_prefix}-flow-logs" })
  }
}

moved {
  from = aws_kms_key.flow_logs
  to   = module.flow_logs_key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.flow_logs
  to   = module.flow_logs_key.aws_kms_alias.this
}

# Into modules/log-group: the key and the group stay as they are in the state.
moved {
  from = module.flow_logs_key
  to   = module.flow_logs.module.key[0]
}

moved {
  from = aws_cloudwatch_log_group.flow_logs
  to   = module.flow_logs.aws_cloudwatch_log_group.this
}

resource "aws_iam_role" "flow_logs" {
  name        = "${var.context.name_prefix}-vpc-flow-logs"
  description = "Lets VPC Flow Logs deliver to ${local.flow_log_group_name}"

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = {
        StringEquals = { "aws:SourceAccount" = var.context.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:${var.context.partition}:ec2:${var.context.region}:${var.context.account_id}:vpc-flow-log/*" }
      }
    }]
  })

  tags = var.context.tags
}

resource "aws_iam_role_policy" "flow_logs" {
  name = "deliver-flow-logs"
  role = aws_iam_role.flow_logs.id

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "WriteThisLogGroup"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
      Resource = ["${local.flow_log_group_arn}:*"]
    }]
  })
}

resource "aws_flow_log" "vpc" {
  vpc_id                   = aws_vpc.this.id
  traffic_type             = var.flow_log_traffic_type
  log_destination_type     = "cloud-watch-logs"
  log_destination          = module.flow_logs.arn
  iam_role_arn             = aws_iam_role.flow_logs.arn
  max_aggregation_interval = 60

  tags = merge(var.context.tags, { Name = "${var.context.name_prefix}-vpc" })
}
