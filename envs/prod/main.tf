locals {
  environment = "prod"
  name_prefix = "smartstack-${local.environment}"
  default_tags = {
    Environment = local.environment
    Service     = "smartstack"
    Owner       = var.owner
    ManagedBy   = "terraform"
  }
}

module "network" {
  source = "../../modules/network"

  name_prefix                = local.name_prefix
  account_id                 = var.account_id
  region                     = var.region
  vpc_cidr                   = var.vpc_cidr
  availability_zones         = var.availability_zones
  nat_gateway_mode           = var.nat_gateway_mode
  enable_interface_endpoints = var.enable_interface_endpoints
  flow_log_retention_days    = var.log_retention_days
}
