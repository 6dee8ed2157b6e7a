# Module test root: plans modules/api with representative inputs.
locals {
  name_prefix = "smartstack-${var.environment}"
  fn_arn      = "arn:aws:lambda:${var.region}:${var.account_id}:function:${local.name_prefix}"
}

module "api" {
  source = "../../../modules/api"

  context = local.context

  api_function_name              = "${local.name_prefix}-api"
  api_function_invoke_arn        = "arn:aws:apigateway:${var.region}:lambda:path/2015-03-31/functions/${local.fn_arn}-api:live/invocations"
  authorizer_function_name       = "${local.name_prefix}-authorizer"
  authorizer_function_invoke_arn = "arn:aws:apigateway:${var.region}:lambda:path/2015-03-31/functions/${local.fn_arn}-authorizer:live/invocations"
  function_alias_name            = "live"

  domain_name      = "staging.smartstack.example.com"
  hosted_zone_id   = "Z0123456789ABCDEFGHIJ"
  logs_kms_key_arn = "arn:aws:kms:${var.region}:${var.account_id}:key/11111111-2222-3333-4444-555555555555"

  throttling_rate_limit  = 50
  throttling_burst_limit = 100
}

output "custom_domain_name" {
  value = module.api.custom_domain_name
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
