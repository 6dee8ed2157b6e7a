output "db_instance_identifier" {
  description = "RDS instance identifier (<name_prefix>-postgres); CloudWatch dimension DBInstanceIdentifier."
  value       = aws_db_instance.this.identifier
}

output "db_instance_arn" {
  description = "ARN of the RDS instance."
  value       = aws_db_instance.this.arn
}

output "db_resource_id" {
  description = "DbiResourceId (db-XXXX) used in rds-db:connect ARNs. Known only after apply."
  value       = aws_db_instance.this.resource_id
}

output "db_address" {
  description = "DNS name of the instance endpoint (no port)."
  value       = aws_db_instance.this.address
}

output "db_port" {
  description = "PostgreSQL port."
  value       = aws_db_instance.this.port
}

output "db_name" {
  description = "Application database name."
  value       = aws_db_instance.this.db_name
}

output "master_username" {
  description = "The RDS master user: the schema owner the migrate function connects as."
  value       = aws_db_instance.this.username
}

output "master_user_secret_arn" {
  description = "ARN of the RDS-managed Secrets Manager secret that holds the master credentials (for break-glass/migrations only, never for Lambdas)."
  value       = try(aws_db_instance.this.master_user_secret[0].secret_arn, null)
}

output "db_security_group_id" {
  description = "Security group attached to the instance."
  value       = aws_security_group.db.id
}

output "kms_key_arn" {
  description = "ARN of the customer managed key encrypting storage, Performance Insights and the master secret."
  value       = module.rds_key.arn
}
