# Module test root: plans modules/compute with representative inputs.
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

locals {
  name_prefix = "smartstack-${var.environment}"
}

module "compute" {
  source = "../../../modules/compute"

  context = local.context

  vpc_id                  = "vpc-0a1b2c3d4e5f60718"
  app_subnet_ids          = ["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012"]
  data_subnet_cidr_blocks = ["10.0.3.0/24", "10.0.4.0/24"]

  runtime                 = "python3.12"
  architecture            = "arm64"
  api_package_path        = "${path.module}/fixtures/api.zip"
  ai_package_path         = "${path.module}/fixtures/ai.zip"
  authorizer_package_path = "${path.module}/fixtures/authorizer.zip"
  migrate_package_path    = "${path.module}/fixtures/migrate.zip"
  rotate_package_path     = "${path.module}/fixtures/rotate.zip"
  rotated_secret_names    = ["api-signing-key"]

  files_bucket_name          = "${local.name_prefix}-files-${var.account_id}-${var.region}"
  files_bucket_arn           = "arn:aws:s3:::${local.name_prefix}-files-${var.account_id}-${var.region}"
  task_queue_arn             = "arn:aws:sqs:${var.region}:${var.account_id}:${local.name_prefix}-tasks"
  task_queue_url             = "https://sqs.${var.region}.amazonaws.com/${var.account_id}/${local.name_prefix}-tasks"
  ses_identity_arn           = "arn:aws:ses:${var.region}:${var.account_id}:identity/smartstack.example.com"
  ses_configuration_set_arn  = "arn:aws:ses:${var.region}:${var.account_id}:configuration-set/${local.name_prefix}-default"
  ses_configuration_set_name = "${local.name_prefix}-default"
  ses_sender_address         = "no-reply@smartstack.example.com"

  api_secret_names        = ["api-signing-key", "third-party/payments"]
  ai_secret_names         = []
  authorizer_secret_names = ["api-signing-key"]
  bedrock_model_ids       = ["anthropic.claude-3-5-sonnet-20240620-v1:0"]

  db_address     = "smartstack-staging-postgres.abcdefghijkl.us-east-1.rds.amazonaws.com"
  db_name        = "smartstack"
  db_resource_id = "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
  db_schema_owner = {
    username    = "smartstack_admin"
    secret_arn  = "arn:aws:secretsmanager:${var.region}:${var.account_id}:secret:rds!db-0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9-AbCdEf"
    kms_key_arn = "arn:aws:kms:${var.region}:${var.account_id}:key/66666666-7777-8888-9999-000000000000"
  }

  logs_kms_key_arn   = "arn:aws:kms:${var.region}:${var.account_id}:key/11111111-2222-3333-4444-555555555555"
  log_retention_days = 30

  https_egress = { vpc = { cidr = "10.0.0.0/16", reason = "the test VPC" } }

  reserved_concurrency = {
    api        = 10
    worker     = 5
    ai         = 5
    authorizer = 5
  }
}

output "function_names" {
  value = module.compute.function_names
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
