# Policy test root: modules/network once per generated layout, so one plan carries many hypothesis
# examples (tests/policy/test_policy_hypothesis.py). Each instance is called exactly as
# tests/modules/network calls the module; the test splits the plan into one plan per instance.
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
variable "layouts" {
  type = map(object({
    vpc_cidr           = string
    subnet_newbits     = number
    availability_zones = list(string)
    nat_gateway_mode   = string
  }))
}

provider "aws" {
  region = var.region
}

module "network" {
  source   = "../../../../modules/network"
  for_each = var.layouts

  context                    = local.context
  vpc_cidr                   = each.value.vpc_cidr
  subnet_newbits             = each.value.subnet_newbits
  availability_zones         = each.value.availability_zones
  nat_gateway_mode           = each.value.nat_gateway_mode
  enable_interface_endpoints = false
  flow_log_retention_days    = 30
  kms_deletion_window_days   = 7
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
