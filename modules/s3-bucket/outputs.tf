output "id" {
  description = "Name of the bucket, from the bucket resource (known after apply: consumers wait for the bucket)."
  value       = aws_s3_bucket.this.id
}

output "arn" {
  description = "ARN of the bucket (built from the name: known at plan)."
  value       = local.arn
}

output "bucket_regional_domain_name" {
  description = "Regional domain name of the bucket (e.g. a CloudFront S3 origin)."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}

output "logging_target_bucket" {
  description = "Name of the bucket for another bucket's logging.target_bucket: given out once this bucket's policy, which grants the log delivery, is in place."
  value       = aws_s3_bucket.this.id

  depends_on = [aws_s3_bucket_policy.this]
}

output "name" {
  description = "Name of the bucket, as configured (known at plan)."
  value       = aws_s3_bucket.this.bucket
}
