# Terraform and provider requirements and the provider configuration, common to every environment root
# (envs/<env>/providers.tf links here). The backend is the one terraform setting that differs per
# environment and cannot be a variable: it lives in envs/<env>/versions.tf.
terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}

provider "aws" {
  region = var.region

  # The account guard: the provider refuses to plan or apply in any other account.
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = local.default_tags
  }
}

# CloudFront certificates and WAF web ACLs live in us-east-1 whatever the home region.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  allowed_account_ids = [var.account_id]

  default_tags {
    tags = local.default_tags
  }
}
