output "rest_api_id" {
  description = "REST API id."
  value       = aws_api_gateway_rest_api.this.id
}

output "rest_api_name" {
  description = "REST API name (ApiName metric dimension)."
  value       = aws_api_gateway_rest_api.this.name
}

output "execution_arn" {
  description = "Execution ARN of the REST API (apply-time)."
  value       = aws_api_gateway_rest_api.this.execution_arn
}

output "stage_name" {
  description = "Deployed stage name."
  value       = aws_api_gateway_stage.this.stage_name
}

output "stage_invoke_url" {
  description = "Invoke URL of the stage on the execute-api hostname (disabled when disable_execute_api_endpoint is true)."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "custom_domain_name" {
  description = "Custom domain of the API (api.<domain>); known at plan. Use it as the CloudFront /api/* origin."
  value       = local.api_domain_name
}

output "custom_domain_regional_domain_name" {
  description = "Regional target hostname of the custom domain."
  value       = aws_api_gateway_domain_name.api.regional_domain_name
}

output "access_log_group_name" {
  description = "CloudWatch log group of the stage access logs."
  value       = module.access_logs.name
}

output "base_url" {
  description = "Public base URL of the API on its custom domain (https://api.<domain>/<base_path>); known at plan."
  value       = "https://${local.api_domain_name}/${var.base_path}"
}
