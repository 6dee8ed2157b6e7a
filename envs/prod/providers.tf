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
