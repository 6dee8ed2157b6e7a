# Module test root: plans modules/secrets with representative inputs.
locals {
  name_prefix = "smartstack-${var.environment}"
}

module "secrets" {
  source = "../../../modules/secrets"

  context = local.context

  secrets = {
    "api-signing-key"      = "Token signing key used by the authorizer"
    "third-party/payments" = "Payments provider API key"
  }
  generated_secrets = ["api-signing-key"]
  parameters = {
    "ai/model-id"                   = "anthropic.claude-3-5-sonnet-20240620-v1:0"
    "ai/max-output-tokens"          = "1024"
    "api/presigned-url-ttl-seconds" = "900"
    "api/max-page-size"             = "100"
    "auth/token-issuer"             = "https://staging.smartstack.example.com"
    "auth/token-audience"           = "smartstack-api"
    "email/sender"                  = "no-reply@staging.smartstack.example.com"
  }
  reader_role_arns = [
    "arn:aws:iam::${var.account_id}:role/${local.name_prefix}-api-lambda",
    "arn:aws:iam::${var.account_id}:role/${local.name_prefix}-authorizer-lambda",
  ]
  recovery_window_in_days = 30
  rotation_function_arn   = "arn:aws:lambda:${var.region}:${var.account_id}:function:${local.name_prefix}-rotate:3"
  rotation_role_arn       = "arn:aws:iam::${var.account_id}:role/${local.name_prefix}-rotate-lambda"
  rotation_days           = 30
}

output "parameter_path" {
  value = module.secrets.parameter_path
}

# The module context every module takes (modules/*/context.tf).
locals {
  context = {
    environment = var.environment
    name_prefix = "smartstack-${var.environment}"
    account_id  = var.account_id
    region      = var.region
  }
}
