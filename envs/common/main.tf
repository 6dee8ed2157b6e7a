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

  context = local.context
  # The functions that read or write the files bucket use its KMS key through S3.
  files_kms_user_role_arns    = [for key in ["api", "worker", "ai"] : module.compute.role_arns[key]]
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
  consumer_timeout_seconds = var.worker_timeout_seconds # the worker entry's timeout_seconds (an output of compute would be a cycle: compute reads the queue)
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

# The functions, one entry each (modules/compute, variable functions): what each runs, may do and who calls it.
locals {
  lambda_arn_prefix = "arn:aws:lambda:${var.region}:${var.account_id}:function:${local.name_prefix}"
  secret_arn_prefix = "arn:aws:secretsmanager:${var.region}:${var.account_id}:secret:${local.name_prefix}"

  # The secrets each function reads, without the <name_prefix>/ prefix.
  link_signing_key_secret_name = "link-signing-key" # signs the job links in completion emails (API)
  ai_log_hmac_key_secret_name  = "ai-log-hmac-key"  # pseudonymises caller ids in the AI logs
  signing_key_secret_name      = "api-signing-key"  # the token signing key (authorizer)

  release_alias_name = "live" # what every caller invokes; releases move it between published versions
  ai_timeout_seconds = 120    # Bedrock calls can be slow; the API application waits up to this long

  # The API application's settings: the HTTP function and the queue consumer run the same code.
  api_application = {
    handler      = "smartstack_api.handler.lambda_handler"
    package_path = "${local.function_packages_dir}/api.zip"
    memory_mb    = 1024
    secret_names = [local.link_signing_key_secret_name]
    database     = { user = "smartstack_api" }
    environment = {
      FILES_BUCKET          = module.storage.files_bucket_name
      TASK_QUEUE_URL        = module.messaging.queue_url
      AI_FUNCTION_NAME      = "${local.name_prefix}-ai"
      AI_FUNCTION_QUALIFIER = local.release_alias_name
      AI_TIMEOUT_SECONDS    = tostring(local.ai_timeout_seconds)
      SES_SENDER            = var.ses_sender_address
      SES_CONFIGURATION_SET = module.email.configuration_set_name
      APP_BASE_URL          = "https://${var.domain_name}"

      LINK_SIGNING_KEY_SECRET_NAME = "${local.name_prefix}/${local.link_signing_key_secret_name}"
    }
    release = { alias = true }
  }
  list_attachments = jsonencode({
    Sid       = "ListAttachmentsPrefix"
    Effect    = "Allow"
    Action    = "s3:ListBucket"
    Resource  = module.storage.files_bucket_arn
    Condition = { StringLike = { "s3:prefix" = ["attachments/*"] } }
  })

  functions = {
    api = merge(local.api_application, {
      description          = "SmartStack API application"
      timeout_seconds      = var.api_timeout_seconds
      reserved_concurrency = var.lambda_reserved_concurrency["api"]
      release              = { alias = true, async_on_failure = true }
      policy_statements = [
        jsonencode({
          Sid      = "AttachmentsObjects"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:PutObject"] # presigned downloads and uploads; nothing deletes
          Resource = "${module.storage.files_bucket_arn}/attachments/*"
        }),
        local.list_attachments,
        jsonencode({
          Sid      = "ProduceTasks"
          Effect   = "Allow"
          Action   = ["sqs:SendMessage", "sqs:GetQueueAttributes"]
          Resource = module.messaging.queue_arn
        }),
      ]
    })
    # The API application's task-queue consumer: the API's code and zip as its own function, so it can
    # wait for the AI function (up to its timeout) while the HTTP function stays within API Gateway's 29 s.
    # Invoked synchronously by the event source mapping only (modules/messaging): no async failure queue.
    worker = merge(local.api_application, {
      description          = "SmartStack API application: task queue consumer"
      timeout_seconds      = var.worker_timeout_seconds
      reserved_concurrency = var.lambda_reserved_concurrency["worker"]
      policy_statements = [
        local.list_attachments,
        jsonencode({
          # Needed by the SQS event source mapping that invokes this function.
          Sid      = "ConsumeTasks"
          Effect   = "Allow"
          Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]
          Resource = module.messaging.queue_arn
        }),
        jsonencode({
          Sid       = "SendEmailFromIdentity"
          Effect    = "Allow"
          Action    = "ses:SendEmail"
          Resource  = [module.email.identity_arn, module.email.configuration_set_arn]
          Condition = { StringEquals = { "ses:FromAddress" = var.ses_sender_address } }
        }),
        jsonencode({
          Sid      = "InvokeAiFunctionAliasOnly"
          Effect   = "Allow"
          Action   = "lambda:InvokeFunction"
          Resource = "${local.lambda_arn_prefix}-ai:${local.release_alias_name}"
        }),
      ]
    })
    ai = {
      description          = "SmartStack AI service (Bedrock)"
      handler              = "smartstack_ai.handler.lambda_handler"
      package_path         = "${local.function_packages_dir}/ai.zip"
      memory_mb            = 1024
      timeout_seconds      = local.ai_timeout_seconds
      reserved_concurrency = var.lambda_reserved_concurrency["ai"]
      secret_names         = [local.ai_log_hmac_key_secret_name]
      database             = { user = "smartstack_ai" }
      environment = {
        FILES_BUCKET = module.storage.files_bucket_name

        AI_LOG_HMAC_KEY_SECRET_NAME = "${local.name_prefix}/${local.ai_log_hmac_key_secret_name}"
      }
      policy_statements = [
        jsonencode({
          Sid      = "WriteAiLogs"
          Effect   = "Allow"
          Action   = "s3:PutObject" # write-only: the AI function never reads its logs back
          Resource = "${module.storage.files_bucket_arn}/ai-logs/*"
        }),
        jsonencode({
          Sid      = "InvokeApprovedFoundationModels"
          Effect   = "Allow"
          Action   = "bedrock:InvokeModel" # Converse, not streamed
          Resource = ["arn:aws:bedrock:${var.region}::foundation-model/${var.bedrock_model_id}"]
        }),
      ]
      release = { alias = true, async_on_failure = true }
    }
    authorizer = {
      description          = "SmartStack API Gateway request authorizer"
      handler              = "smartstack_authorizer.handler.lambda_handler"
      package_path         = "${local.function_packages_dir}/authorizer.zip"
      memory_mb            = 256
      timeout_seconds      = 5
      reserved_concurrency = var.lambda_reserved_concurrency["authorizer"]
      secret_names         = [local.signing_key_secret_name]
      environment          = { SIGNING_KEY_SECRET_NAME = "${local.name_prefix}/${local.signing_key_secret_name}" }
    }
    # The schema migrations, invoked by the deploy tooling after apply and before a release shifts
    # traffic. Not released through an alias: the tooling invokes the version the apply just published.
    # Unreserved: migrations queue on an advisory lock.
    migrate = {
      description     = "SmartStack schema migrations, run on every deploy as the schema owner"
      handler         = "smartstack_migrate.handler.handler"
      package_path    = "${local.function_packages_dir}/migrate.zip"
      timeout_seconds = 300 # the longest migration must fit in it
      parameters      = false
      # Password login as the schema owner; only this role may read its RDS-managed secret.
      database = { auth = "owner" }
      release  = { alias = false }
    }
    # Secrets Manager's rotation of the generated application keys (modules/secrets), one step per invoke,
    # on the version the apply published. Its role alone writes their values (policy rule
    # iam-only.generated-secrets-written-by-rotate-only).
    rotate = {
      description  = "SmartStack rotation of the generated application keys (Secrets Manager)"
      handler      = "smartstack_rotate.handler.handler"
      package_path = "${local.function_packages_dir}/rotate.zip"
      parameters   = false # the secret comes in each event from Secrets Manager
      policy_statements = [
        jsonencode({
          Sid    = "RotateGeneratedSecrets"
          Effect = "Allow"
          Action = [
            "secretsmanager:DescribeSecret",           # rotation enabled, the versions' labels
            "secretsmanager:GetSecretValue",           # the pending value (createSecret, testSecret)
            "secretsmanager:PutSecretValue",           # the new value as AWSPENDING
            "secretsmanager:UpdateSecretVersionStage", # AWSCURRENT to the new version
          ]
          Resource = [for s in module.secrets.generated_secret_names : "${local.secret_arn_prefix}/${s}-??????"]
        }),
        jsonencode({
          # GetRandomPassword reads and writes no secret: it has no resource to scope. The secrets key's
          # policy lets this role encrypt and decrypt through Secrets Manager (modules/secrets).
          Sid      = "GenerateKeys"
          Effect   = "Allow"
          Action   = "secretsmanager:GetRandomPassword"
          Resource = "*"
        }),
      ]
      invokers = {
        for s in module.secrets.generated_secret_names : "SecretsManagerRotates-${replace(s, "/", "-")}" => {
          principal  = "secretsmanager.amazonaws.com"
          source_arn = "${local.secret_arn_prefix}/${s}-??????"
        }
      }
      release = { alias = false }
    }
  }
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
  architecture = var.lambda_architecture
  database = {
    address     = module.data.db_address
    name        = module.data.db_name
    resource_id = module.data.db_resource_id
  }
  database_owner = {
    username    = module.data.master_username
    secret_arn  = module.data.master_user_secret_arn
    kms_key_arn = module.data.kms_key_arn
  }
  functions          = local.functions
  release_alias_name = local.release_alias_name
  logs_kms_key_arn   = module.observability.logs_kms_key_arn
  log_retention_days = var.log_retention_days
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
