output "oidc_provider_arn" {
  description = "ARN of GitHub's OIDC provider in this account (created here, or existing_oidc_provider_arn)."
  value       = var.existing_oidc_provider_arn == null ? aws_iam_openid_connect_provider.github[0].arn : var.existing_oidc_provider_arn
}

output "plan_role_arn" {
  description = "ARN of the read-only plan role: the repository variable AWS_PLAN_ROLE_ARN_<ENV> (ci.yml, deploy.yml)."
  value       = aws_iam_role.plan.arn
}

output "deploy_role_arn" {
  description = "ARN of the deploy role: the variable AWS_DEPLOY_ROLE_ARN of the GitHub environment <env> (deploy-env.yml's apply job)."
  value       = aws_iam_role.deploy.arn
}

output "github_variables" {
  description = "Where each ARN goes in the repository's settings: repository variable, and the environment's variable."
  value = {
    repository  = { "AWS_PLAN_ROLE_ARN_${upper(var.environment)}" = aws_iam_role.plan.arn }
    environment = { (var.environment) = { AWS_DEPLOY_ROLE_ARN = aws_iam_role.deploy.arn } }
  }
}
