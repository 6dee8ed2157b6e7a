output "secret_names" {
  description = "Full secret names by short name (smartstack-<env>/<name>)."
  value       = { for k, s in aws_secretsmanager_secret.this : k => s.name }
}

output "secret_arns" {
  description = "Secret ARNs by short name (apply-time: Secrets Manager appends a random suffix)."
  value       = { for k, s in aws_secretsmanager_secret.this : k => s.arn }
}

output "generated_secret_arns" {
  description = "ARNs of the secrets the deploy tooling fills from GetRandomPassword when they have no value, by short name."
  value       = { for k in var.generated_secrets : k => aws_secretsmanager_secret.this[k].arn }
}

output "generated_secret_names" {
  description = "Short names of the generated secrets (plan-time): the ones the rotation function rotates (the env root's rotate entry of compute's functions: its invokers and RotateGeneratedSecrets)."
  value       = sort(tolist(var.generated_secrets))
}

output "secret_arn_patterns" {
  description = "Plan-time ARN patterns (…:secret:smartstack-<env>/<name>-??????) matching each secret, for IAM policies."
  value       = { for k in keys(var.secrets) : k => "arn:${var.context.partition}:secretsmanager:${var.context.region}:${var.context.account_id}:secret:${var.context.name_prefix}/${k}-??????" }
}

output "parameter_path" {
  description = "Parameter Store hierarchy root (/smartstack/<env>/)."
  value       = "${local.parameter_prefix}/"
}

output "parameter_names" {
  description = "Full parameter names by relative name."
  value       = { for k, p in aws_ssm_parameter.this : k => p.name }
}

output "kms_key_arn" {
  description = "ARN of the customer managed key encrypting the secrets."
  value       = module.secrets_key.arn
}
