# Module test root: plans modules/compute with representative inputs.
locals {
  name_prefix  = "smartstack-${var.environment}"
  files_bucket = "arn:aws:s3:::${local.name_prefix}-files-${var.account_id}-${var.region}"
  task_queue   = "arn:aws:sqs:${var.region}:${var.account_id}:${local.name_prefix}-tasks"
  secret       = "arn:aws:secretsmanager:${var.region}:${var.account_id}:secret:${local.name_prefix}"

  # Representative entries: the six SmartStack functions, each exercising a part of the entry's type. The
  # API application runs as two functions (HTTP and queue consumer) from one zip.
  api_application = {
    handler      = "smartstack_api.handler.lambda_handler"
    package_path = "${path.module}/fixtures/api.zip"
    memory_mb    = 1024
    secret_names = ["api-signing-key", "third-party/payments"]
    database     = { user = "smartstack_api" }
    environment = {
      FILES_BUCKET                 = "${local.name_prefix}-files-${var.account_id}-${var.region}"
      LINK_SIGNING_KEY_SECRET_NAME = "${local.name_prefix}/link-signing-key"
    }
  }
  functions = {
    api = merge(local.api_application, {
      description          = "SmartStack API application"
      timeout_seconds      = 29
      reserved_concurrency = 10
      policy_statements = [
        jsonencode({ Sid = "AttachmentsObjects", Effect = "Allow", Action = ["s3:GetObject", "s3:PutObject"], Resource = "${local.files_bucket}/attachments/*" }),
        jsonencode({ Sid = "ProduceTasks", Effect = "Allow", Action = ["sqs:SendMessage", "sqs:GetQueueAttributes"], Resource = local.task_queue }),
      ]
      release = { alias = true, async_on_failure = true }
    })
    worker = merge(local.api_application, {
      description          = "SmartStack API application: task queue consumer"
      timeout_seconds      = 300
      reserved_concurrency = 5
      policy_statements = [
        jsonencode({ Sid = "ConsumeTasks", Effect = "Allow", Action = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"], Resource = local.task_queue }),
      ]
      release = { alias = true, async_on_failure = false }
    })
    ai = {
      description          = "SmartStack AI service (Bedrock)"
      handler              = "smartstack_ai.handler.lambda_handler"
      package_path         = "${path.module}/fixtures/ai.zip"
      memory_mb            = 1024
      timeout_seconds      = 120
      reserved_concurrency = 5
      secret_names         = ["ai-log-hmac-key"]
      database             = { user = "smartstack_ai" }
      policy_statements = [
        jsonencode({ Sid = "InvokeApprovedFoundationModels", Effect = "Allow", Action = "bedrock:InvokeModel", Resource = ["arn:aws:bedrock:${var.region}::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0"] }),
      ]
      release = { alias = true, async_on_failure = true }
    }
    authorizer = {
      description          = "SmartStack API Gateway request authorizer"
      handler              = "smartstack_authorizer.handler.lambda_handler"
      package_path         = "${path.module}/fixtures/authorizer.zip"
      timeout_seconds      = 5
      reserved_concurrency = 5
      secret_names         = ["api-signing-key"]
      environment          = { SIGNING_KEY_SECRET_NAME = "${local.name_prefix}/api-signing-key" }
    }
    migrate = {
      description     = "SmartStack schema migrations, run on every deploy as the schema owner"
      handler         = "smartstack_migrate.handler.handler"
      package_path    = "${path.module}/fixtures/migrate.zip"
      timeout_seconds = 300
      parameters      = false
      database        = { auth = "owner" }
      release         = { alias = false }
    }
    rotate = {
      description  = "SmartStack rotation of the generated application keys (Secrets Manager)"
      handler      = "smartstack_rotate.handler.handler"
      package_path = "${path.module}/fixtures/rotate.zip"
      parameters   = false
      policy_statements = [
        jsonencode({ Sid = "RotateGeneratedSecrets", Effect = "Allow", Action = ["secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"], Resource = ["${local.secret}/api-signing-key-??????"] }),
      ]
      invokers = {
        SecretsManagerRotates-api-signing-key = { principal = "secretsmanager.amazonaws.com", source_arn = "${local.secret}/api-signing-key-??????" }
      }
      release = { alias = false }
    }
  }
}

module "compute" {
  source = "../../../modules/compute"

  context = local.context

  vpc_id                  = "vpc-0a1b2c3d4e5f60718"
  app_subnet_ids          = ["subnet-0a1b2c3d4e5f60011", "subnet-0a1b2c3d4e5f60012"]
  data_subnet_cidr_blocks = ["10.0.3.0/24", "10.0.4.0/24"]
  https_egress            = { vpc = { cidr = "10.0.0.0/16", reason = "the test VPC" } }

  runtime      = "python3.12"
  architecture = "arm64"

  database = {
    address     = "smartstack-staging-postgres.abcdefghijkl.us-east-1.rds.amazonaws.com"
    name        = "smartstack"
    resource_id = "db-ABCDEFGHIJKLMNOPQRSTUVWXYZ"
  }
  database_owner = {
    username    = "smartstack_admin"
    secret_arn  = "arn:aws:secretsmanager:${var.region}:${var.account_id}:secret:rds!db-0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f9-AbCdEf"
    kms_key_arn = "arn:aws:kms:${var.region}:${var.account_id}:key/66666666-7777-8888-9999-000000000000"
  }

  functions = local.functions

  logs_kms_key_arn   = "arn:aws:kms:${var.region}:${var.account_id}:key/11111111-2222-3333-4444-555555555555"
  log_retention_days = 30
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
