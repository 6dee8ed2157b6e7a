# Composition test root: every SmartStack module wired as an env root would (stub network ids); proves the graph has no cycle and plans.
terraform {
  required_version = ">= 1.10"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}
variable "environment" { type = string }
variable "account_id" { type = string }
variable "region" { type = string }
provider "aws" { region = var.region }
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}
locals {
  name_prefix = "smartstack-${var.environment}"
  domain_name = "staging.smartstack.example.com"
  ctx         = { environment = var.environment, name_prefix = local.name_prefix, account_id = var.account_id, region = var.region, partition = "aws" }
  network = {
    vpc_id          = "vpc-0a1b2c3d4e5f60718", app_subnet_ids = ["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012"],
    data_subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"], data_subnet_cidr_blocks = ["10.0.3.0/24", "10.0.4.0/24"]
  }
}
module "dns" {
  source      = "../../../modules/dns"
  environment = local.ctx.environment
  name_prefix = local.ctx.name_prefix
  account_id  = local.ctx.account_id
  region      = local.ctx.region
  domain_name = local.domain_name
}
module "observability" {
  source                 = "../../../modules/observability"
  environment            = local.ctx.environment
  name_prefix            = local.ctx.name_prefix
  account_id             = local.ctx.account_id
  region                 = local.ctx.region
  lambda_function_names  = module.compute.function_names
  dlq_names              = { tasks = module.messaging.dlq_name, lambda-async = module.compute.async_dlq_name }
  db_instance_identifier = module.data.db_instance_identifier
  api_name               = module.api.rest_api_name
  api_stage_name         = module.api.stage_name
}
module "storage" {
  source                      = "../../../modules/storage"
  environment                 = local.ctx.environment
  name_prefix                 = local.ctx.name_prefix
  account_id                  = local.ctx.account_id
  region                      = local.ctx.region
  files_kms_user_role_arns    = module.compute.files_kms_user_role_arns
  cloudfront_distribution_arn = module.edge.distribution_arn
}
module "secrets" {
  source           = "../../../modules/secrets"
  environment      = local.ctx.environment
  name_prefix      = local.ctx.name_prefix
  account_id       = local.ctx.account_id
  region           = local.ctx.region
  reader_role_arns = module.compute.secret_reader_role_arns
  parameters       = { "ai/model-id" = "anthropic.claude-3-5-sonnet-20240620-v1:0" }
}
module "email" {
  source         = "../../../modules/email"
  environment    = local.ctx.environment
  name_prefix    = local.ctx.name_prefix
  account_id     = local.ctx.account_id
  region         = local.ctx.region
  domain_name    = local.domain_name
  hosted_zone_id = module.dns.zone_id
}
module "messaging" {
  source                   = "../../../modules/messaging"
  environment              = local.ctx.environment
  name_prefix              = local.ctx.name_prefix
  account_id               = local.ctx.account_id
  region                   = local.ctx.region
  producer_role_arns       = [module.compute.api_role_arn]
  consumer_role_arns       = [module.compute.api_role_arn]
  consumer_function_arn    = module.compute.api_function_arn
  consumer_timeout_seconds = 29
}
module "data" {
  source                = "../../../modules/data"
  environment           = local.ctx.environment
  name_prefix           = local.ctx.name_prefix
  account_id            = local.ctx.account_id
  region                = local.ctx.region
  vpc_id                = local.network.vpc_id
  data_subnet_ids       = local.network.data_subnet_ids
  app_security_group_id = module.compute.lambda_security_group_id
  logs_kms_key_arn      = module.observability.logs_kms_key_arn
}
module "compute" {
  source                     = "../../../modules/compute"
  environment                = local.ctx.environment
  name_prefix                = local.ctx.name_prefix
  account_id                 = local.ctx.account_id
  region                     = local.ctx.region
  vpc_id                     = local.network.vpc_id
  app_subnet_ids             = local.network.app_subnet_ids
  data_subnet_cidr_blocks    = local.network.data_subnet_cidr_blocks
  api_package_path           = "${path.module}/fixtures/api.zip"
  ai_package_path            = "${path.module}/fixtures/ai.zip"
  authorizer_package_path    = "${path.module}/fixtures/authorizer.zip"
  files_bucket_name          = module.storage.files_bucket_name
  files_bucket_arn           = module.storage.files_bucket_arn
  task_queue_arn             = module.messaging.queue_arn
  task_queue_url             = module.messaging.queue_url
  ses_identity_arn           = module.email.identity_arn
  ses_configuration_set_arn  = module.email.configuration_set_arn
  ses_configuration_set_name = module.email.configuration_set_name
  ses_sender_address         = "no-reply@${local.domain_name}"
  bedrock_model_ids          = ["anthropic.claude-3-5-sonnet-20240620-v1:0"]
  db_address                 = module.data.db_address
  db_name                    = module.data.db_name
  db_resource_id             = module.data.db_resource_id
  logs_kms_key_arn           = module.observability.logs_kms_key_arn
}
module "api" {
  source                         = "../../../modules/api"
  environment                    = local.ctx.environment
  name_prefix                    = local.ctx.name_prefix
  account_id                     = local.ctx.account_id
  region                         = local.ctx.region
  api_function_name              = module.compute.api_function_name
  api_function_invoke_arn        = module.compute.api_function_invoke_arn
  authorizer_function_name       = module.compute.authorizer_function_name
  authorizer_function_invoke_arn = module.compute.authorizer_function_invoke_arn
  domain_name                    = local.domain_name
  hosted_zone_id                 = module.dns.zone_id
  logs_kms_key_arn               = module.observability.logs_kms_key_arn
}
module "edge" {
  source = "../../../modules/edge"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }
  environment                     = local.ctx.environment
  name_prefix                     = local.ctx.name_prefix
  account_id                      = local.ctx.account_id
  region                          = local.ctx.region
  domain_name                     = local.domain_name
  hosted_zone_id                  = module.dns.zone_id
  web_bucket_regional_domain_name = module.storage.web_bucket_regional_domain_name
  api_origin_domain_name          = module.api.custom_domain_name
  log_bucket_arn                  = module.storage.logs_bucket_arn
  log_prefix                      = module.storage.cloudfront_log_prefix
}
