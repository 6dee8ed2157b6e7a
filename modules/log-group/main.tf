# One CloudWatch log group, encrypted with a customer managed key and kept for a set retention from its
# first line: either its own key (modules/kms-key, usable by CloudWatch Logs for this group only) or a key
# the caller shares between groups (the observability key). Where an AWS service delivers to the group
# through a CloudWatch Logs resource policy (Route 53 query logs, WAF logs), that policy too, so the
# service does not write an account-wide one at apply (10 resource policies per region at most).

locals {
  region = coalesce(var.log_group_region, var.context.region)
  # Built from the name, so the key policy can name the group before it exists.
  arn = "arn:${var.context.partition}:logs:${local.region}:${var.context.account_id}:log-group:${var.name}"
}

module "key" {
  source = "../kms-key"
  count  = var.kms_key == null ? 0 : 1

  alias                   = var.kms_key.alias
  description             = var.kms_key.description
  context                 = var.context
  deletion_window_in_days = var.kms_key.deletion_window_in_days
  tags                    = var.kms_key.tags == null ? var.tags : var.kms_key.tags
  log_group_arns          = [local.arn]
}

resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:retention is the env's log_retention_days: 365 in prod, shorter in dev/staging
  #checkov:skip=CKV_AWS_158:a CMK ARN unknown at plan; policy rule encryption.log-groups-encrypted proves it
  name              = var.name
  retention_in_days = var.retention_in_days
  kms_key_id        = var.kms_key == null ? var.kms_key_arn : module.key[0].arn
  tags              = var.tags
}

resource "aws_cloudwatch_log_resource_policy" "this" {
  count = var.log_delivery == null ? 0 : 1

  policy_name = var.log_delivery.policy_name
  policy_document = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = var.log_delivery.sid
        Effect    = "Allow"
        Principal = { Service = var.log_delivery.service }
        Action    = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource  = "${local.arn}:${var.log_delivery.streams}"
        # The service writes here only for this account's own resources (confused deputy).
        Condition = {
          StringEquals = { "aws:SourceAccount" = var.context.account_id }
          ArnLike      = { "aws:SourceArn" = var.log_delivery.source_arn_like }
        }
      },
    ]
  })
}
