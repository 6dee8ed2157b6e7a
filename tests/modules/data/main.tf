# Module test root: plans modules/data with representative inputs.
module "data" {
  source = "../../../modules/data"

  context = local.context

  vpc_id                = "vpc-0a1b2c3d4e5f60718"
  data_subnet_ids       = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
  app_security_group_id = "sg-0a1b2c3d4e5f60003"
  logs_kms_key_arn      = "arn:aws:kms:${var.region}:${var.account_id}:key/11111111-2222-3333-4444-555555555555"

  multi_az              = true
  instance_class        = "db.t4g.medium"
  backup_retention_days = 14
  deletion_protection   = true
  log_retention_days    = 30
}

output "db_instance_identifier" {
  value = module.data.db_instance_identifier
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
