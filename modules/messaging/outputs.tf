output "queue_name" {
  description = "Task queue name."
  value       = aws_sqs_queue.tasks.name
}

output "queue_arn" {
  description = "Task queue ARN (built from the name: known at plan)."
  value       = local.queue_arn
}

output "queue_url" {
  description = "Task queue URL (TASK_QUEUE_URL for the API function)."
  value       = aws_sqs_queue.tasks.url
}

output "dlq_name" {
  description = "Dead-letter queue name (alarmed on ApproximateNumberOfMessagesVisible > 0 by observability)."
  value       = aws_sqs_queue.dlq.name
}

output "dlq_arn" {
  description = "Dead-letter queue ARN (known at plan)."
  value       = local.dlq_arn
}

output "visibility_timeout_seconds" {
  description = "Effective visibility timeout of the task queue."
  value       = local.visibility_timeout_seconds
}

output "event_source_mapping_uuid" {
  description = "UUID of the SQS -> Lambda event source mapping."
  value       = aws_lambda_event_source_mapping.tasks.uuid
}
