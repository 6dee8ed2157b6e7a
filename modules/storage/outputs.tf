output "web_bucket_name" {
  description = "Name of the web (Next.js static) bucket."
  value       = module.web_bucket.id
}

output "web_bucket_arn" {
  description = "ARN of the web bucket (built from the name: known at plan)."
  value       = local.web_bucket_arn
}

output "web_bucket_regional_domain_name" {
  description = "Regional domain name of the web bucket, used as the CloudFront S3 origin."
  value       = module.web_bucket.bucket_regional_domain_name
}

output "files_bucket_name" {
  description = "Name of the files bucket (attachments/ and ai-logs/ prefixes)."
  value       = module.files_bucket.id
}

output "files_bucket_arn" {
  description = "ARN of the files bucket (built from the name: known at plan)."
  value       = local.files_bucket_arn
}

output "files_kms_key_arn" {
  description = "ARN of the customer managed key for the files bucket."
  value       = module.files_key.arn
}

output "logs_bucket_name" {
  description = "Name of the access-log bucket."
  value       = module.logs_bucket.id
}

output "logs_bucket_arn" {
  description = "ARN of the access-log bucket (known at plan); CloudFront v2 logs go to <arn>/<cloudfront_log_prefix>."
  value       = local.logs_bucket_arn
}

output "cloudfront_log_prefix" {
  description = "Prefix in the log bucket reserved for CloudFront access logs."
  value       = var.cloudfront_log_prefix
}
