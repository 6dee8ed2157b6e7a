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

output "function_alarm_names" {
  description = "The alarms of each function of lambda_function_names, by its key: errors, throttles and (with a timeout given) duration near the timeout. CodeDeploy rolls a release back when one fires."
  value       = { for key, alarm_keys in local.function_alarm_keys : key => [for k in alarm_keys : aws_cloudwatch_metric_alarm.this[k].alarm_name] }
}

output "dashboard_name" {
  description = "The environment's CloudWatch dashboard (one page: every alarm's metric, API, functions, queue, WAF and releases)."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}
