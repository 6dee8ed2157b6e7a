locals {
  queue_name = "${var.context.name_prefix}-tasks"
  dlq_name   = "${var.context.name_prefix}-tasks-dlq"
  queue_arn  = "arn:${var.context.partition}:sqs:${var.context.region}:${var.context.account_id}:${local.queue_name}"
  dlq_arn    = "arn:${var.context.partition}:sqs:${var.context.region}:${var.context.account_id}:${local.dlq_name}"

  # AWS guidance for Lambda consumers: visibility >= 6 x function timeout
  # (+ batching window).
  visibility_timeout_seconds = max(var.minimum_visibility_timeout_seconds, 6 * var.consumer_timeout_seconds + var.maximum_batching_window_seconds)

  tags = merge(var.context.tags, { Tier = "messaging" })
}

resource "aws_sqs_queue" "dlq" {
  name                      = local.dlq_name
  message_retention_seconds = 1209600 # 14 days, the maximum: time to inspect and redrive
  sqs_managed_sse_enabled   = true
  tags                      = local.tags
}

resource "aws_sqs_queue" "tasks" {
  name                       = local.queue_name
  visibility_timeout_seconds = local.visibility_timeout_seconds
  message_retention_seconds  = var.message_retention_seconds
  receive_wait_time_seconds  = 20
  sqs_managed_sse_enabled    = true

  # The DLQ's ARN written out (it is known from its name) keeps the policy known at plan, so the
  # receive count can be checked against the time budget; depends_on keeps the creation order.
  redrive_policy = jsonencode({
    deadLetterTargetArn = local.dlq_arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = local.tags

  depends_on = [aws_sqs_queue.dlq]
}

resource "aws_sqs_queue_redrive_allow_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [local.queue_arn]
  })
}

locals {
  deny_insecure = {
    for name, arn in { tasks = local.queue_arn, dlq = local.dlq_arn } : name => {
      Sid                    = "DenyInsecureTransport"
      Effect                 = "Deny"
      Principal              = "*"
      Action                 = "sqs:*"
      Resource               = arn
      Condition              = { Bool = { "aws:SecureTransport" = "false" } }
    }
  }
}

resource "aws_sqs_queue_policy" "tasks" {
  queue_url = aws_sqs_queue.tasks.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      local.deny_insecure["tasks"],
      {
        Sid       = "ProducerSendsTasks"
        Effect    = "Allow"
        Principal = { AWS = var.producer_role_arns }
        Action    = ["sqs:SendMessage", "sqs:GetQueueAttributes"]
        Resource  = local.queue_arn
      },
      {
        Sid       = "ConsumerReceivesTasks"
        Effect    = "Allow"
        Principal = { AWS = var.consumer_role_arns }
        Action    = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]
        Resource  = local.queue_arn
      },
    ]
  })
}

resource "aws_sqs_queue_policy" "dlq" {
  queue_url = aws_sqs_queue.dlq.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [local.deny_insecure["dlq"]]
  })
}

resource "aws_lambda_event_source_mapping" "tasks" {
  event_source_arn                   = aws_sqs_queue.tasks.arn
  function_name                      = var.consumer_function_arn
  enabled                            = true
  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = var.maximum_batching_window_seconds
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = var.maximum_concurrency
  }

  tags = local.tags

  depends_on = [aws_sqs_queue_policy.tasks]
}
