# Module test root: plans modules/email with representative inputs.
locals {
  name_prefix = "smartstack-${var.environment}"
}

module "email" {
  source = "../../../modules/email"

  context = local.context

  domain_name    = "staging.smartstack.example.com"
  hosted_zone_id = "Z0123456789ABCDEFGHIJ"
}

output "identity_arn" {
  value = module.email.identity_arn
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
