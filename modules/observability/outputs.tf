output "logs_kms_key_arn" {
  description = "KMS key for this environment's CloudWatch log groups (Lambda, RDS exports, API Gateway, WAF in the same region)."
  value       = module.observability_key.arn
}

output "alarm_topic_arn" {
  description = "SNS topic receiving every alarm."
  value       = aws_sns_topic.alarms.arn
}

output "alarm_names" {
  description = "Names of all alarms created."
  value       = [for spec in local.alarm_list : aws_cloudwatch_metric_alarm.this[spec.key].alarm_name]
}
