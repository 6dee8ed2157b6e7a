locals {
  account_root_arn = "arn:${var.context.partition}:iam::${var.context.account_id}:root"
  topic_name       = "${var.context.name_prefix}-alarms"
  topic_arn        = "arn:${var.context.partition}:sns:${var.context.region}:${var.context.account_id}:${local.topic_name}"
  log_group_arn    = "arn:${var.context.partition}:logs:${var.context.region}:${var.context.account_id}:log-group"


  # Log groups of this environment that may be encrypted with the key.
  encrypted_log_groups = [
    "${local.log_group_arn}:/aws/lambda/${var.context.name_prefix}-*",
    "${local.log_group_arn}:/aws/rds/instance/${var.context.name_prefix}-*",
    "${local.log_group_arn}:/aws/apigateway/${var.context.name_prefix}-*",
    "${local.log_group_arn}:API-Gateway-Execution-Logs_*",
    "${local.log_group_arn}:aws-waf-logs-${var.context.name_prefix}*",
  ]

  alarm_actions = [aws_sns_topic.alarms.arn]

  tags = merge(var.context.tags, { Tier = "observability" })
}

# ===========================================================================
# KMS key for CloudWatch Logs and the alarm topic
# ===========================================================================
module "observability_key" {
  source = "../kms-key"

  alias                   = "${var.context.name_prefix}-observability"
  description             = "${var.context.name_prefix} CloudWatch Logs and alarm topic"
  context                 = var.context
  deletion_window_in_days = var.kms_deletion_window_days
  tags                    = local.tags
  log_group_arns          = local.encrypted_log_groups
  usage_statements = [
    {
      Sid       = "CloudWatchAlarmsPublishToEncryptedTopic"
      Effect    = "Allow"
      Principal = { Service = "cloudwatch.amazonaws.com" }
      Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource  = "*"
      Condition = {
        StringEquals = { "aws:SourceAccount" = var.context.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:${var.context.partition}:cloudwatch:${var.context.region}:${var.context.account_id}:alarm:${var.context.name_prefix}-*" }
      }
    },
  ]
}

moved {
  from = aws_kms_key.observability
  to   = module.observability_key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.observability
  to   = module.observability_key.aws_kms_alias.this
}

# ===========================================================================
# Alarm topic
# ===========================================================================
resource "aws_sns_topic" "alarms" {
  name              = local.topic_name
  kms_master_key_id = module.observability_key.arn
  tags              = local.tags
}

resource "aws_sns_topic_policy" "alarms" {
  #checkov:skip=CKV_AWS_385:the only principal is this account's root; services bound by aws:SourceAccount
  arn = aws_sns_topic.alarms.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sns:Publish"
        Resource  = local.topic_arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "AccountManagesTopic"
        Effect    = "Allow"
        Principal = { AWS = local.account_root_arn }
        Action = [
          "sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:AddPermission", "sns:RemovePermission",
          "sns:DeleteTopic", "sns:Subscribe", "sns:ListSubscriptionsByTopic",
        ]
        Resource = local.topic_arn
      },
      {
        Sid       = "CloudWatchAlarmsOfThisEnvironmentPublish"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = local.topic_arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = var.context.account_id }
          ArnLike      = { "aws:SourceArn" = "arn:${var.context.partition}:cloudwatch:${var.context.region}:${var.context.account_id}:alarm:${var.context.name_prefix}-*" }
        }
      },
    ]
  })
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_email_addresses)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

# ===========================================================================
# Alarms, as data: one spec per alarm, keyed by the alarm name without the
# prefix. A spec states only what differs from alarm_defaults. The list keeps
# the order of the alarm_names output; the map feeds for_each.
# ===========================================================================
locals {
  alarm_defaults = {
    statistic           = "Sum"
    extended_statistic  = null
    period              = 300
    evaluation_periods  = 1
    comparison_operator = "GreaterThanThreshold"
    treat_missing_data  = "notBreaching"
  }

  # Lambda: errors and throttles per function.
  lambda_error_alarms = [for key, function_name in var.lambda_function_names : {
    key         = "lambda-${key}-errors"
    description = "Lambda ${function_name} reported errors (sum over 5 minutes > ${var.lambda_error_threshold})."
    namespace   = "AWS/Lambda"
    metric_name = "Errors"
    dimensions  = { FunctionName = function_name }
    threshold   = var.lambda_error_threshold
  }]
  lambda_throttle_alarms = [for key, function_name in var.lambda_function_names : {
    key         = "lambda-${key}-throttles"
    description = "Lambda ${function_name} was throttled (reserved concurrency exhausted)."
    namespace   = "AWS/Lambda"
    metric_name = "Throttles"
    dimensions  = { FunctionName = function_name }
    threshold   = 0
  }]

  # Lambda: a maximum duration near the timeout (90 %) means calls are about to time out.
  lambda_duration_alarms = [for key, timeout_s in var.lambda_timeouts_seconds : {
    key         = "lambda-${key}-duration-near-timeout"
    description = "Lambda ${var.lambda_function_names[key]} ran for more than 90 % of its ${timeout_s} s timeout (maximum over 1 minute)."
    namespace   = "AWS/Lambda"
    metric_name = "Duration"
    dimensions  = { FunctionName = var.lambda_function_names[key] }
    statistic   = "Maximum"
    period      = 60
    threshold   = timeout_s * 1000 * 0.9
  }]

  # The alarms that judge a function's release (CodeDeploy rolls back when one fires).
  function_alarm_keys = {
    for key in keys(var.lambda_function_names) : key => [
      for suffix in ["errors", "throttles", "duration-near-timeout"] : "lambda-${key}-${suffix}"
      if suffix != "duration-near-timeout" || contains(keys(var.lambda_timeouts_seconds), key)
    ]
  }

  # Dead-letter queues: any message is an incident.
  dlq_alarms = [for key, queue_name in var.dlq_names : {
    key         = "sqs-${key}-not-empty"
    description = "Dead-letter queue ${queue_name} holds messages: inspect and redrive."
    namespace   = "AWS/SQS"
    metric_name = "ApproximateNumberOfMessagesVisible"
    dimensions  = { QueueName = queue_name }
    statistic   = "Maximum"
    period      = 60
    threshold   = 0
  }]

  # API Gateway (REST): latency percentiles.
  api_dimensions = { ApiName = var.api_name, Stage = var.api_stage_name }
  api_latency_alarms = [for percentile, threshold_ms in var.api_latency_thresholds_ms : {
    key                = "api-latency-${percentile}"
    description        = "API ${var.api_name}/${var.api_stage_name} ${percentile} latency above ${threshold_ms} ms for 15 minutes."
    namespace          = "AWS/ApiGateway"
    metric_name        = "Latency"
    dimensions         = local.api_dimensions
    statistic          = null
    extended_statistic = percentile
    evaluation_periods = 3
    threshold          = threshold_ms
  }]

  # RDS, and the API's 5xx responses.
  rds_dimensions = { DBInstanceIdentifier = var.db_instance_identifier }
  single_alarms = [
    {
      key                = "rds-cpu-high"
      description        = "RDS ${var.db_instance_identifier} CPU above ${var.rds_cpu_threshold_percent}% for 15 minutes."
      namespace          = "AWS/RDS"
      metric_name        = "CPUUtilization"
      dimensions         = local.rds_dimensions
      statistic          = "Average"
      evaluation_periods = 3
      threshold          = var.rds_cpu_threshold_percent
      treat_missing_data = "breaching"
    },
    {
      key                 = "rds-free-storage-low"
      description         = "RDS ${var.db_instance_identifier} free storage below ${var.rds_free_storage_threshold_gb} GiB."
      namespace           = "AWS/RDS"
      metric_name         = "FreeStorageSpace"
      dimensions          = local.rds_dimensions
      statistic           = "Minimum"
      threshold           = var.rds_free_storage_threshold_gb * 1073741824
      comparison_operator = "LessThanThreshold"
      treat_missing_data  = "breaching"
    },
    {
      key                = "rds-connections-high"
      description        = "RDS ${var.db_instance_identifier} has more than ${var.rds_connections_threshold} connections (Lambda fan-out?)."
      namespace          = "AWS/RDS"
      metric_name        = "DatabaseConnections"
      dimensions         = local.rds_dimensions
      statistic          = "Maximum"
      evaluation_periods = 2
      threshold          = var.rds_connections_threshold
    },
    {
      key         = "api-5xx"
      description = "API ${var.api_name}/${var.api_stage_name} returned more than ${var.api_5xx_threshold} 5xx responses in 5 minutes."
      namespace   = "AWS/ApiGateway"
      metric_name = "5XXError"
      dimensions  = local.api_dimensions
      threshold   = var.api_5xx_threshold
    },
  ]

  alarm_list = [
    for spec in concat(local.lambda_error_alarms, local.lambda_throttle_alarms, local.lambda_duration_alarms, local.dlq_alarms, local.api_latency_alarms, local.single_alarms) :
    merge(local.alarm_defaults, spec, { dimensions = tomap(spec.dimensions) })
  ]
  alarms = { for spec in local.alarm_list : spec.key => spec }
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = local.alarms

  alarm_name          = "${var.context.name_prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  extended_statistic  = each.value.extended_statistic
  period              = each.value.period
  evaluation_periods  = each.value.evaluation_periods
  threshold           = each.value.threshold
  comparison_operator = each.value.comparison_operator
  treat_missing_data  = each.value.treat_missing_data
  alarm_actions       = local.alarm_actions
  ok_actions          = local.alarm_actions
  tags                = local.tags
}

# ===========================================================================
# Dashboard: one page per environment, generated from the alarm specs above
# (each alarm's metric with its threshold) plus what no alarm watches: API
# 4xx, concurrency, the task queue's age, WAF blocks and each alias's traffic
# per version (a canary shows as two lines).
# ===========================================================================
locals {
  region = var.context.region

  alarm_widgets = [for spec in local.alarm_list : {
    title   = spec.key
    metrics = [concat([spec.namespace, spec.metric_name], flatten([for k, v in spec.dimensions : [k, v]]))]
    stat    = coalesce(spec.extended_statistic, spec.statistic)
    period  = spec.period
    alarm   = spec.threshold
  }]

  extra_widgets = concat(
    [{
      title   = "api-4xx"
      metrics = [["AWS/ApiGateway", "4XXError", "ApiName", var.api_name, "Stage", var.api_stage_name]]
      stat    = "Sum"
      period  = 300
      alarm   = null
    }],
    [for key, name in var.lambda_function_names : {
      title   = "lambda-${key}-concurrency"
      metrics = [["AWS/Lambda", "ConcurrentExecutions", "FunctionName", name]]
      stat    = "Maximum"
      period  = 60
      alarm   = null
    }],
    var.task_queue_name == null ? [] : [{
      title   = "sqs-tasks-oldest-message-age"
      metrics = [["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", var.task_queue_name]]
      stat    = "Maximum"
      period  = 60
      alarm   = null
    }],
    [for label, acl in var.waf_web_acls : {
      title = "waf-${label}-blocked"
      # CloudFront ACLs report in us-east-1 without a Region dimension; regional ones carry it.
      metrics = [concat(
        ["AWS/WAFV2", "BlockedRequests", "WebACL", acl.name],
        acl.scope == "CLOUDFRONT" ? [] : ["Region", acl.region],
        ["Rule", "ALL", { region = acl.region }],
      )]
      stat   = "Sum"
      period = 300
      alarm  = null
    }],
  )

  release_widgets = [for key, name in var.lambda_function_names : {
    type   = "metric"
    width  = 12
    height = 6
    properties = {
      title  = "release-${key}: ${var.release_alias_name} invocations per version"
      region = local.region
      period = 60
      stat   = "Sum"
      metrics = [[{
        expression = "SEARCH('{AWS/Lambda,FunctionName,Resource,ExecutedVersion} FunctionName=\"${name}\" Resource=\"${name}:${var.release_alias_name}\" MetricName=\"Invocations\"', 'Sum', 60)"
        id         = "versions"
      }]]
    }
  }]

  dashboard_widgets = concat(
    [for w in concat(local.alarm_widgets, local.extra_widgets) : {
      type   = "metric"
      width  = 12
      height = 6
      properties = merge(
        { title = w.title, region = local.region, metrics = w.metrics, stat = w.stat, period = w.period },
        { for k, v in { annotations = { horizontal = [{ label = "alarm", value = w.alarm }] } } : k => v if w.alarm != null },
      )
    }],
    local.release_widgets,
  )
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = "${var.context.name_prefix}-overview"
  dashboard_body = jsonencode({ widgets = local.dashboard_widgets })
}
