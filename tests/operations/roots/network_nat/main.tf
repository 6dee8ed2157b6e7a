# Operations test root: modules/network alone, so the cost estimate can compare NAT modes on one plan.
terraform {
  required_version = ">= 1.10"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}

variable "nat_gateway_mode" {
  type = string
}

provider "aws" {
  region              = "us-east-1"
  allowed_account_ids = ["111111111111"]
}

module "network" {
  source = "../../../../modules/network"

  context = {
    environment = "dev"
    name_prefix = "smartstack-dev"
    account_id  = "111111111111"
    region      = "us-east-1"
  }
  availability_zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
  nat_gateway_mode   = var.nat_gateway_mode
}
