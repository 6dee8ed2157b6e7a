output "application_name" {
  description = "CodeDeploy application of the environment's functions (the release tooling deploys into it)."
  value       = aws_codedeploy_app.this.name
}

output "deployment_group_names" {
  description = "Deployment group of each function by key (named after the function)."
  value       = { for k, g in aws_codedeploy_deployment_group.this : k => g.deployment_group_name }
}

output "deployment_config_name" {
  description = "How a release shifts traffic in this environment."
  value       = var.deployment_config_name
}

output "service_role_arn" {
  description = "Role CodeDeploy assumes to move the aliases and read the alarms."
  value       = aws_iam_role.codedeploy.arn
}
