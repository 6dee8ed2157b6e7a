output "name" {
  description = "Name of the log group."
  value       = aws_cloudwatch_log_group.this.name
}

output "arn" {
  description = "ARN of the log group, given out once the delivery's resource policy (log_delivery) is in place: a service pointed at it can write from the start."
  value       = aws_cloudwatch_log_group.this.arn

  depends_on = [aws_cloudwatch_log_resource_policy.this]
}
