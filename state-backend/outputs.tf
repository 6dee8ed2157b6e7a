output "state_bucket" {
  description = "Name of the state bucket; envs/<env>/backend.hcl's bucket."
  value       = module.state_bucket.name
}

output "state_kms_key_arn" {
  description = "ARN of the key encrypting the state (null with SSE-S3)."
  value       = var.kms_encryption ? aws_kms_key.state[0].arn : null
}
