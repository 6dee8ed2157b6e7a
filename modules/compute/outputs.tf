output "lambda_security_group_id" {
  description = "Security group of the Lambdas; the data module admits 5432 from it."
  value       = aws_security_group.lambda.id
}

output "function_names" {
  description = "Function names by key (api, ai, authorizer)."
  value       = { for k, f in aws_lambda_function.this : k => f.function_name }
}

output "function_arns" {
  description = "Unqualified function ARNs by key."
  value       = { for k, f in aws_lambda_function.this : k => f.arn }
}

output "api_function_name" {
  description = "Name of the API function."
  value       = try(aws_lambda_function.this["api"].function_name, null)
}

output "api_function_arn" {
  description = "Unqualified ARN of the API function."
  value       = try(aws_lambda_function.this["api"].arn, null)
}

output "api_function_invoke_arn" {
  description = "Invoke ARN of the API function's release alias (API Gateway integration URI)."
  value       = try(aws_lambda_alias.live["api"].invoke_arn, null)
}

output "worker_function_arn" {
  description = "ARN of the task-queue consumer's release alias (the event source mapping's target)."
  value       = try(aws_lambda_alias.live["worker"].arn, null)
}

output "worker_role_arn" {
  description = "Execution role of the task-queue consumer (the queue policy's consumer)."
  value       = try(local.role_arns["worker"], null)
}

output "worker_timeout_seconds" {
  description = "Timeout of the task-queue consumer; the queue's visibility timeout derives from it."
  value       = try(var.functions["worker"].timeout_seconds, null)
}

output "ai_function_name" {
  description = "Name of the AI function."
  value       = try(aws_lambda_function.this["ai"].function_name, null)
}

output "authorizer_function_name" {
  description = "Name of the authorizer function."
  value       = try(aws_lambda_function.this["authorizer"].function_name, null)
}

output "authorizer_function_invoke_arn" {
  description = "Invoke ARN of the authorizer function's release alias (API Gateway authorizer URI)."
  value       = try(aws_lambda_alias.live["authorizer"].invoke_arn, null)
}

# The outputs named after one function (api_*, worker_*, ai_*, authorizer_*, migrate_*, rotation_*) are the
# SmartStack callers' inputs (api, messaging, secrets, the deploy tooling); null when the map has no such key.

# Role ARNs are built from names (known at plan) but carry a dependency on
# the roles, so resource policies that name them (KMS keys, SQS) are written
# only after the roles exist (AWS rejects policies naming missing principals).
output "role_arns" {
  description = "Execution role ARNs by key (api, ai, authorizer); plan-time known, ordered after role creation."
  value       = local.role_arns
  depends_on  = [aws_iam_role.this]
}

output "api_role_arn" {
  description = "Execution role ARN of the API function (the task queue's producer)."
  value       = try(local.role_arns["api"], null)
  depends_on  = [aws_iam_role.this]
}

output "secret_reader_role_arns" {
  description = "Roles that read Secrets Manager secrets (those with at least one secret name)."
  value       = [for k, f in local.functions : local.role_arns[k] if length(f.secret_names) > 0]
  depends_on  = [aws_iam_role.this]
}

output "async_dlq_name" {
  description = "Name of the on-failure queue for asynchronous invocations (alarmed by observability)."
  value       = aws_sqs_queue.async_dlq.name
}

output "async_dlq_arn" {
  description = "ARN of the asynchronous on-failure queue."
  value       = aws_sqs_queue.async_dlq.arn
}

output "log_group_names" {
  description = "Lambda log group names by key."
  value       = { for k, g in module.log_group : k => g.name }
}

output "migrate_function_name" {
  description = "Name of the migrate function the deploy tooling invokes after apply, before any release."
  value       = try(aws_lambda_function.this["migrate"].function_name, null)
}

output "rotation_function_arn" {
  description = "Qualified ARN of the rotate function's published version, which Secrets Manager invokes (secrets module input rotation_function_arn); ordered after the permissions that let it."
  value       = try(aws_lambda_function.this["rotate"].qualified_arn, null)
  depends_on  = [aws_lambda_permission.invoke]
}

output "rotation_role_arn" {
  description = "Execution role of the rotate function (the secrets key policy lets it encrypt and decrypt through Secrets Manager)."
  value       = try(local.role_arns["rotate"], null)
  depends_on  = [aws_iam_role.this]
}

output "release_alias_name" {
  description = "Name of the alias every caller invokes (the qualifier of their Lambda permissions)."
  value       = var.release_alias_name
}

output "aliases" {
  description = "Release alias of each function by key: name, ARN, invoke ARN and the function it points to (CodeDeploy deployment groups, the release tooling)."
  value = {
    for k, a in aws_lambda_alias.live : k => {
      name          = a.name
      arn           = a.arn
      invoke_arn    = a.invoke_arn
      function_name = a.function_name
    }
  }
}

output "published_versions" {
  description = "The version each function published in this apply: what the next release shifts its alias to."
  value       = { for k, f in aws_lambda_function.this : k => f.version }
}

output "timeouts_seconds" {
  description = "Timeout of each function by key (observability's duration alarms)."
  value       = { for k, f in local.functions : k => f.timeout_seconds }
}
