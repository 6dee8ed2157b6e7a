# Module test root: plans modules/email with representative inputs.
terraform {
  required_version = ">= 1.10"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}

variable "environment" { type = string }
variable "account_id" { type = string }
variable "region" { type = string }

provider "aws" {
  region = var.region
}

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
