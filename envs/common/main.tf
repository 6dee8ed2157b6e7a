# Composition of the SmartStack tier modules, common to every environment root (envs/<env>/main.tf links
# here). The environment comes from local.environment in envs/<env>/environment.tf; sizing comes from
# envs/<env>/terraform.tfvars; every resource lives in a module.
locals {
  # What this environment must meet, read by the variable validations (envs/profiles.json, the one home
  # of these facts, shared with the Python tooling).
  profiles               = jsondecode(file("${path.module}/../profiles.json")).environments
  profile                = local.profiles[local.environment]
  subdomain_environments = [for name, profile in local.profiles : name if !profile.apex_domain]

  name_prefix = "smartstack-${local.environment}"

  # The module context, passed to every module (modules/*/context.tf).
  context = {
    environment = local.environment
    name_prefix = local.name_prefix
    account_id  = var.account_id
    region      = var.region
  }

  default_tags = {
    Environment = local.environment
    Service     = "smartstack"
    Owner       = var.owner
    ManagedBy   = "terraform"
  }

  # Deterministic zips from `make package`, built per architecture (build/functions/<arch>/<name>.zip):
  # their native wheels match the functions' instruction set.
  function_packages_dir = "${coalesce(var.function_packages_dir, "${path.root}/../../build/functions")}/${var.lambda_architecture}"

  # The AI model id is configuration (SSM) and permission (IAM) at once: one variable feeds both.
  parameters = merge(var.parameters, { "ai/model-id" = var.bedrock_model_id })

  # Admission against capacity (policy rule contract.admission-fits-capacity), read by the validation of
  # lambda_reserved_concurrency and api_throttling_rate_limit so a wrong tfvars value fails at plan:
  # - The API: API Gateway applies the stage's throttle to each method on its own, and modules/api has
  #   two (ANY on / and on /{proxy+}). Each admits its burst at once plus its rate over one mean duration
  #   of the API function (Little's law, with the profile's api_design_duration_ms).
  # - The task queue's consumer: maximum_concurrency invocations of the worker, each holding up to
  #   batch_size records; each record waits for one AI invocation (records run one after another today,
  #   but batch_size x maximum_concurrency stays true if they ever run side by side).
  api_methods         = 2
  task_queue_consumer = { batch_size = 1, maximum_concurrency = 5 }
  # What each function can count on: its reservation, or, unreserved (-1), the account's unreserved pool
  # (shared by every unreserved function, so an upper bound). The validations of the variables these
  # read restate it inline (a variable's validation cannot go through a local that reads the variable).
  concurrency_of = {
    for key, c in var.lambda_reserved_concurrency :
    key => c >= 1 ? c : var.lambda_concurrency_quota - sum(concat([0], [for r in values(var.lambda_reserved_concurrency) : r if r > 0]))
  }
}

module "network" {
  source = "../../modules/network"

  context                    = local.context
  vpc_cidr                   = var.vpc_cidr
  availability_zones         = var.availability_zones
  nat_gateway_mode           = var.nat_gateway_mode
  enable_interface_endpoints = var.enable_interface_endpoints
  flow_log_retention_days    = var.log_retention_days
  kms_deletion_window_days   = var.kms_deletion_window_days
}

module "dns" {
  source = "../../modules/dns"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  context     = local.context
  domain_name = var.domain_name

  kms_deletion_window_days = var.kms_deletion_window_days
}

module "observability" {
  source = "../../modules/observability"

  context                 = local.context
  lambda_function_names   = module.compute.function_names
  lambda_timeouts_seconds = module.compute.timeouts_seconds
  release_alias_name      = module.compute.release_alias_name
  task_queue_name         = module.messaging.queue_name
  waf_web_acls = merge(
    { cdn = { name = "${local.context.name_prefix}-cdn", region = "us-east-1", scope = "CLOUDFRONT" } },
    var.api_waf_enabled ? { api = { name = "${local.context.name_prefix}-api", region = var.region, scope = "REGIONAL" } } : {},
  )
  dlq_names                = { tasks = module.messaging.dlq_name, lambda-async = module.compute.async_dlq_name }
  db_instance_identifier   = module.data.db_instance_identifier
  api_name                 = module.api.rest_api_name
  api_stage_name           = module.api.stage_name
  alarm_email_addresses    = var.alarm_email_addresses
  kms_deletion_window_days = var.kms_deletion_window_days
}

module "storage" {
  source = "../../modules/storage"

  context                     = local.context
  files_kms_user_role_arns    = module.compute.files_kms_user_role_arns
  cloudfront_distribution_arn = module.edge.distribution_arn
  access_log_retention_days   = var.access_log_retention_days
  kms_deletion_window_days    = var.kms_deletion_window_days
}

module "secrets" {
  source = "../../modules/secrets"

  context                  = local.context
  reader_role_arns         = module.compute.secret_reader_role_arns
  parameters               = local.parameters
  recovery_window_in_days  = var.secret_recovery_window_days
  kms_deletion_window_days = var.kms_deletion_window_days
  rotation_function_arn    = module.compute.rotation_function_arn
  rotation_role_arn        = module.compute.rotation_role_arn
  rotation_days            = var.secret_rotation_days
}

module "email" {
  source = "../../modules/email"

  context        = local.context
  domain_name    = var.domain_name
  hosted_zone_id = module.dns.zone_id
}

module "messaging" {
  source = "../../modules/messaging"

  context                  = local.context
  producer_role_arns       = [module.compute.api_role_arn]
  consumer_role_arns       = [module.compute.worker_role_arn]
  consumer_function_arn    = module.compute.worker_function_arn
  consumer_timeout_seconds = module.compute.worker_timeout_seconds
  batch_size               = local.task_queue_consumer.batch_size
  maximum_concurrency      = local.task_queue_consumer.maximum_concurrency
}

module "data" {
  source = "../../modules/data"

  context                  = local.context
  vpc_id                   = module.network.vpc_id
  data_subnet_ids          = module.network.data_subnet_ids
  app_security_group_id    = module.compute.lambda_security_group_id
  logs_kms_key_arn         = module.observability.logs_kms_key_arn
  instance_class           = var.rds_instance_class
  multi_az                 = var.rds_multi_az
  backup_retention_days    = var.rds_backup_retention_days
  deletion_protection      = var.deletion_protection
  final_snapshot_enabled   = var.rds_final_snapshot_enabled
  log_retention_days       = var.log_retention_days
  kms_deletion_window_days = var.kms_deletion_window_days
}

module "compute" {
  source = "../../modules/compute"

  context                 = local.context
  vpc_id                  = module.network.vpc_id
  app_subnet_ids          = module.network.app_subnet_ids
  data_subnet_cidr_blocks = module.network.data_subnet_cidr_blocks
  # Every AWS API the code calls has an interface endpoint (or S3's gateway endpoint): no internet.
  https_egress = var.enable_interface_endpoints ? {
    interface-endpoints = { security_group_id = module.network.vpc_endpoint_security_group_id, reason = "AWS APIs through the interface VPC endpoints" }
    s3-gateway-endpoint = { prefix_list_id = module.network.s3_prefix_list_id, reason = "S3 through its gateway endpoint" }
    } : {
    internet-via-nat = { cidr = "0.0.0.0/0", reason = "no interface endpoints in this env: AWS APIs through the NAT gateway" }
  }
  architecture            = var.lambda_architecture
  api_package_path        = "${local.function_packages_dir}/api.zip"
  ai_package_path         = "${local.function_packages_dir}/ai.zip"
  authorizer_package_path = "${local.function_packages_dir}/authorizer.zip"
  migrate_package_path    = "${local.function_packages_dir}/migrate.zip"
  rotate_package_path     = "${local.function_packages_dir}/rotate.zip"
  rotated_secret_names    = module.secrets.generated_secret_names
  db_schema_owner = {
    username    = module.data.master_username
    secret_arn  = module.data.master_user_secret_arn
    kms_key_arn = module.data.kms_key_arn
  }
  api_timeout_seconds        = var.api_timeout_seconds
  worker_timeout_seconds     = var.worker_timeout_seconds
  reserved_concurrency       = var.lambda_reserved_concurrency
  files_bucket_name          = module.storage.files_bucket_name
  files_bucket_arn           = module.storage.files_bucket_arn
  task_queue_arn             = module.messaging.queue_arn
  task_queue_url             = module.messaging.queue_url
  ses_identity_arn           = module.email.identity_arn
  ses_configuration_set_arn  = module.email.configuration_set_arn
  ses_configuration_set_name = module.email.configuration_set_name
  ses_sender_address         = var.ses_sender_address
  bedrock_model_ids          = [var.bedrock_model_id]
  db_address                 = module.data.db_address
  db_name                    = module.data.db_name
  db_resource_id             = module.data.db_resource_id
  logs_kms_key_arn           = module.observability.logs_kms_key_arn
  log_retention_days         = var.log_retention_days
  app_base_url               = "https://${var.domain_name}"
}

module "release" {
  source = "../../modules/release"

  context = local.context
  functions = {
    for key, alias in module.compute.aliases : key => {
      function_name = alias.function_name
      alias_name    = alias.name
      alarm_names   = module.observability.function_alarm_names[key]
    }
  }
  deployment_config_name = var.release_deployment_config
}

module "api" {
  source = "../../modules/api"

  context                        = local.context
  api_function_name              = module.compute.api_function_name
  api_function_invoke_arn        = module.compute.api_function_invoke_arn
  authorizer_function_name       = module.compute.authorizer_function_name
  authorizer_function_invoke_arn = module.compute.authorizer_function_invoke_arn
  function_alias_name            = module.compute.release_alias_name
  domain_name                    = var.domain_name
  hosted_zone_id                 = module.dns.zone_id
  throttling_rate_limit          = var.api_throttling_rate_limit
  throttling_burst_limit         = var.api_throttling_burst_limit
  logs_kms_key_arn               = module.observability.logs_kms_key_arn
  log_retention_days             = var.log_retention_days
  waf_enabled                    = var.api_waf_enabled
}

module "edge" {
  source = "../../modules/edge"
  providers = {
    aws           = aws
    aws.us_east_1 = aws.us_east_1
  }

  context                         = local.context
  domain_name                     = var.domain_name
  hosted_zone_id                  = module.dns.zone_id
  web_bucket_regional_domain_name = module.storage.web_bucket_regional_domain_name
  api_origin_domain_name          = module.api.custom_domain_name
  log_bucket_arn                  = module.storage.logs_bucket_arn
  log_prefix                      = module.storage.cloudfront_log_prefix
  waf_managed_rules_enabled       = var.waf_managed_rules_enabled
  kms_deletion_window_days        = var.kms_deletion_window_days
}
