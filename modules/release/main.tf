locals {
  arn_prefix = "arn:${var.context.partition}"
  app_name   = "${var.context.name_prefix}-functions"
  role_name  = "${var.context.name_prefix}-codedeploy"

  alias_arns = [
    for f in values(var.functions) :
    "${local.arn_prefix}:lambda:${var.context.region}:${var.context.account_id}:function:${f.function_name}:${f.alias_name}"
  ]
  alarm_arns = distinct(flatten([
    for f in values(var.functions) : [
      for name in f.alarm_names : "${local.arn_prefix}:cloudwatch:${var.context.region}:${var.context.account_id}:alarm:${name}"
    ]
  ]))

  tags = merge(var.context.tags, { Tier = "release" })
}

# ===========================================================================
# One CodeDeploy application for the environment's functions; one group per
# function, named after it. A deployment names the alias and the two versions
# in its AppSpec (the release tooling writes it); the group brings the traffic
# shifting and the rollback.
# ===========================================================================
resource "aws_codedeploy_app" "this" {
  name             = local.app_name
  compute_platform = "Lambda"
  tags             = local.tags
}

resource "aws_iam_role" "codedeploy" {
  name                 = local.role_name
  description          = "CodeDeploy shifting the release aliases of ${var.context.name_prefix}'s functions"
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "CodeDeployOfThisAccount"
        Effect    = "Allow"
        Principal = { Service = "codedeploy.amazonaws.com" }
        Action    = "sts:AssumeRole"
        Condition = { StringEquals = { "aws:SourceAccount" = var.context.account_id } }
      },
    ]
  })
  tags = local.tags
}

# What the AWSCodeDeployRoleForLambda managed policy grants for alias shifting, scoped to these aliases
# and alarms (no S3: the AppSpec travels inline; no hooks, so no lambda:InvokeFunction).
resource "aws_iam_role_policy" "codedeploy" {
  name = "shift-release-aliases"
  role = aws_iam_role.codedeploy.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ShiftReleaseAliases"
        Effect   = "Allow"
        Action   = ["lambda:GetAlias", "lambda:UpdateAlias", "lambda:GetProvisionedConcurrencyConfig"]
        Resource = local.alias_arns
      },
      {
        Sid      = "WatchRollbackAlarms"
        Effect   = "Allow"
        Action   = "cloudwatch:DescribeAlarms"
        Resource = local.alarm_arns
      },
    ]
  })
}

resource "aws_codedeploy_deployment_group" "this" {
  for_each = var.functions

  app_name               = aws_codedeploy_app.this.name
  deployment_group_name  = each.value.function_name
  service_role_arn       = aws_iam_role.codedeploy.arn
  deployment_config_name = var.deployment_config_name

  deployment_style {
    deployment_type   = "BLUE_GREEN"
    deployment_option = "WITH_TRAFFIC_CONTROL"
  }

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]
  }

  alarm_configuration {
    enabled = true
    alarms  = each.value.alarm_names
  }

  tags = merge(local.tags, { Function = each.value.function_name, Alias = each.value.alias_name })

  depends_on = [aws_iam_role_policy.codedeploy]
}
