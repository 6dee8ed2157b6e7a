# Module test root: plans modules/dns with representative inputs.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

module "dns" {
  source = "../../../modules/dns"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  context = local.context

  domain_name = "staging.smartstack.example.com"
}

output "zone_id" {
  value = module.dns.zone_id
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
