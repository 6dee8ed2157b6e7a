# Root for modules/kms-key's log_group_arns as a variable, so tests/modules/test_kms_key.py can plan any
# value and read the validation errors (the test root above uses literal values, as a caller does).
terraform {
  required_version = ">= 1.10"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}

variable "log_group_arns" { type = list(string) }

provider "aws" {
  region = "us-east-1"
}

module "key" {
  source = "../../../../modules/kms-key"

  alias                   = "smartstack-staging-validation"
  description             = "smartstack-staging validation of log_group_arns"
  deletion_window_in_days = 7
  log_group_arns          = var.log_group_arns
  context = {
    environment = "staging"
    name_prefix = "smartstack-staging"
    account_id  = "123456789012"
    region      = "us-east-1"
  }
}
