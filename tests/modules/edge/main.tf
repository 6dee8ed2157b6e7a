# Module test root: plans modules/edge with representative inputs.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

locals {
  name_prefix = "smartstack-${var.environment}"
}

module "edge" {
  source = "../../../modules/edge"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  context = local.context

  domain_name                     = "staging.smartstack.example.com"
  hosted_zone_id                  = "Z0123456789ABCDEFGHIJ"
  web_bucket_regional_domain_name = "${local.name_prefix}-web-${var.account_id}-${var.region}.s3.${var.region}.amazonaws.com"
  api_origin_domain_name          = "api.staging.smartstack.example.com"
  log_bucket_arn                  = "arn:aws:s3:::${local.name_prefix}-logs-${var.account_id}-${var.region}"
  waf_managed_rules_enabled       = true
}

output "site_urls" {
  value = module.edge.site_urls
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
