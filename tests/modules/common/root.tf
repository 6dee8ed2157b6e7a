# What every module test root shares: the provider constraint the env roots declare, the inputs the
# suite passes (tests/conftest.py's plan fixture) and the provider. Linked as root.tf beside each test
# root's main.tf, as envs/common is for the env roots; the staging copies the content.
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
