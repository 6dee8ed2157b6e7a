# Module test root: plans modules/network with representative inputs (the policy suite's hypothesis
# tests plan it with generated vpc_cidr / availability_zones / nat_gateway_mode).
variable "vpc_cidr" { type = string }
variable "subnet_newbits" { type = number }
variable "availability_zones" { type = list(string) }
variable "nat_gateway_mode" { type = string }

module "network" {
  source = "../../../modules/network"

  context                    = local.context
  vpc_cidr                   = var.vpc_cidr
  subnet_newbits             = var.subnet_newbits
  availability_zones         = var.availability_zones
  nat_gateway_mode           = var.nat_gateway_mode
  enable_interface_endpoints = false
  flow_log_retention_days    = 30
  kms_deletion_window_days   = 7
}

output "app_subnet_ids" {
  value = module.network.app_subnet_ids
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
