locals {
  arn_prefix = "arn:${var.context.partition}"

  parameter_path      = "/smartstack/${var.context.environment}/"
  parameter_path_arns = ["${local.arn_prefix}:ssm:${var.context.region}:${var.context.account_id}:parameter/smartstack/${var.context.environment}/*"]

  # One definition per function; names drive every ARN, so all role policies
  # are known at plan time.
  functions = {
    api = {
      function_name = "${var.context.name_prefix}-api"
      role_name     = "${var.context.name_prefix}-api-lambda"
      description   = "SmartStack API application"
      package_path  = var.api_package_path
      handler       = var.api_handler
      memory_mb     = var.api_memory_mb
      timeout_s     = var.api_timeout_seconds
      reserved      = var.reserved_concurrency["api"]
      secret_names  = distinct(concat([var.link_signing_key_secret_name], var.api_secret_names))
      db_user       = var.api_db_user
      async_dlq     = true
      released      = true
      parameters    = true
    }
    # The API application's task-queue consumer: the API's code and zip as its own function, so it can
    # wait for the AI function (up to its timeout) while the HTTP function stays within API Gateway's 29 s.
    worker = {
      function_name = "${var.context.name_prefix}-worker"
      role_name     = "${var.context.name_prefix}-worker-lambda"
      description   = "SmartStack API application: task queue consumer"
      package_path  = var.api_package_path
      handler       = var.api_handler
      memory_mb     = var.api_memory_mb
      timeout_s     = var.worker_timeout_seconds
      reserved      = var.reserved_concurrency["worker"]
      secret_names  = distinct(concat([var.link_signing_key_secret_name], var.api_secret_names))
      db_user       = var.api_db_user
      async_dlq     = false # invoked synchronously by the event source mapping only
      released      = true
      parameters    = true
    }
    ai = {
      function_name = "${var.context.name_prefix}-ai"
      role_name     = "${var.context.name_prefix}-ai-lambda"
      description   = "SmartStack AI service (Bedrock)"
      package_path  = var.ai_package_path
      handler       = var.ai_handler
      memory_mb     = var.ai_memory_mb
      timeout_s     = var.ai_timeout_seconds
      reserved      = var.reserved_concurrency["ai"]
      secret_names  = distinct(concat([var.ai_log_hmac_key_secret_name], var.ai_secret_names))
      db_user       = var.ai_db_user
      async_dlq     = true
      released      = true
      parameters    = true
    }
    authorizer = {
      function_name = "${var.context.name_prefix}-authorizer"
      role_name     = "${var.context.name_prefix}-authorizer-lambda"
      description   = "SmartStack API Gateway request authorizer"
      package_path  = var.authorizer_package_path
      handler       = var.authorizer_handler
      memory_mb     = var.authorizer_memory_mb
      timeout_s     = var.authorizer_timeout_seconds
      reserved      = var.reserved_concurrency["authorizer"]
      secret_names  = var.authorizer_secret_names
      db_user       = null
      async_dlq     = false
      released      = true
      parameters    = true
    }
    # The schema migrations, invoked by the deploy tooling after apply and before a release shifts
    # traffic. Not released through an alias: the tooling invokes the version the apply just published.
    migrate = {
      function_name = "${var.context.name_prefix}-migrate"
      role_name     = "${var.context.name_prefix}-migrate-lambda"
      description   = "SmartStack schema migrations, run on every deploy as the schema owner"
      package_path  = var.migrate_package_path
      handler       = var.migrate_handler
      memory_mb     = var.migrate_memory_mb
      timeout_s     = var.migrate_timeout_seconds
      reserved      = lookup(var.reserved_concurrency, "migrate", -1)
      secret_names  = []
      db_user       = null # password login as the schema owner (isolated policy schema_owner_secret)
      async_dlq     = false
      released      = false
      parameters    = false
    }
    # Secrets Manager's rotation of the generated application keys (modules/secrets), one step per invoke.
    # Not released through an alias: Secrets Manager invokes the version the apply published.
    rotate = {
      function_name = "${var.context.name_prefix}-rotate"
      role_name     = "${var.context.name_prefix}-rotate-lambda"
      description   = "SmartStack rotation of the generated application keys (Secrets Manager)"
      package_path  = var.rotate_package_path
      handler       = var.rotate_handler
      memory_mb     = var.rotate_memory_mb
      timeout_s     = var.rotate_timeout_seconds
      reserved      = lookup(var.reserved_concurrency, "rotate", -1)
      secret_names  = [] # reads and writes the rotated secrets: statement RotateGeneratedSecrets
      db_user       = null
      async_dlq     = false # invoked synchronously by Secrets Manager, which records each step's failure
      released      = false
      parameters    = false
    }
  }

  function_arns = { for k, f in local.functions : k => "${local.arn_prefix}:lambda:${var.context.region}:${var.context.account_id}:function:${f.function_name}" }
  role_arns     = { for k, f in local.functions : k => "${local.arn_prefix}:iam::${var.context.account_id}:role/${f.role_name}" }
  log_group_arn = { for k, f in local.functions : k => "${local.arn_prefix}:logs:${var.context.region}:${var.context.account_id}:log-group:/aws/lambda/${f.function_name}" }

  # Secrets are named smartstack-<env>/<name>; Secrets Manager appends "-XXXXXX".
  secret_arns = {
    for k, f in local.functions : k => [
      for s in f.secret_names : "${local.arn_prefix}:secretsmanager:${var.context.region}:${var.context.account_id}:secret:${var.context.name_prefix}/${s}-??????"
    ]
  }

  # The secrets the rotate function rotates: it alone may write their values (policy rule
  # iam-only.generated-secrets-written-by-rotate-only).
  rotated_secret_arns = {
    for s in var.rotated_secret_names : s => "${local.arn_prefix}:secretsmanager:${var.context.region}:${var.context.account_id}:secret:${var.context.name_prefix}/${s}-??????"
  }

  bedrock_model_arns = [for m in var.bedrock_model_ids : "${local.arn_prefix}:bedrock:${var.context.region}::foundation-model/${m}"]

  async_dlq_name = "${var.context.name_prefix}-lambda-async-dlq"
  async_dlq_arn  = "${local.arn_prefix}:sqs:${var.context.region}:${var.context.account_id}:${local.async_dlq_name}"

  tags = merge(var.context.tags, { Tier = "compute" })
}

# ===========================================================================
# Network: one security group for all SmartStack Lambdas
# ===========================================================================
resource "aws_security_group" "lambda" {
  # A prefix, not a name: create_before_destroy needs the replacement to coexist with the old group.
  name_prefix = "${var.context.name_prefix}-lambda-"
  description = "SmartStack Lambdas: egress HTTPS to the AWS API endpoints and PostgreSQL to the data subnets only"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${var.context.name_prefix}-lambda" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_egress_rule" "https" {
  for_each = var.https_egress

  security_group_id            = aws_security_group.lambda.id
  description                  = "HTTPS to ${each.key}: ${each.value.reason}"
  ip_protocol                  = "tcp"
  from_port                    = 443
  to_port                      = 443
  referenced_security_group_id = each.value.security_group_id
  prefix_list_id               = each.value.prefix_list_id
  cidr_ipv4                    = each.value.cidr
  tags                         = local.tags
}

resource "aws_vpc_security_group_egress_rule" "postgres" {
  for_each = toset(var.data_subnet_cidr_blocks)

  security_group_id = aws_security_group.lambda.id
  description       = "PostgreSQL to the data subnets"
  ip_protocol       = "tcp"
  from_port         = 5432
  to_port           = 5432
  cidr_ipv4         = each.value
  tags              = local.tags
}

# ===========================================================================
# Async failure queue (on-failure destination for asynchronous invokes)
# ===========================================================================
resource "aws_sqs_queue" "async_dlq" {
  name                      = local.async_dlq_name
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
  tags                      = local.tags
}

resource "aws_sqs_queue_policy" "async_dlq" {
  queue_url = aws_sqs_queue.async_dlq.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sqs:*"
        Resource  = local.async_dlq_arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

# ===========================================================================
# Log groups (created before the functions: retention + KMS from line one)
# ===========================================================================
module "log_group" {
  source   = "../log-group"
  for_each = local.functions

  name              = "/aws/lambda/${each.value.function_name}"
  retention_in_days = var.log_retention_days
  kms_key_arn       = var.logs_kms_key_arn
  context           = var.context
  tags              = local.tags
}

moved {
  from = aws_cloudwatch_log_group.this["api"]
  to   = module.log_group["api"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_cloudwatch_log_group.this["worker"]
  to   = module.log_group["worker"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_cloudwatch_log_group.this["ai"]
  to   = module.log_group["ai"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_cloudwatch_log_group.this["authorizer"]
  to   = module.log_group["authorizer"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_cloudwatch_log_group.this["migrate"]
  to   = module.log_group["migrate"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_cloudwatch_log_group.this["rotate"]
  to   = module.log_group["rotate"].aws_cloudwatch_log_group.this
}

# ===========================================================================
# IAM: one role per function, inline least-privilege policies
# ===========================================================================
resource "aws_iam_role" "this" {
  for_each = local.functions

  name                 = each.value.role_name
  description          = "Execution role of ${each.value.function_name}"
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "LambdaServiceAssumesRole"
        Effect    = "Allow"
        Principal = { Service = "lambda.amazonaws.com" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
  tags = local.tags
}

locals {
  # Statements every function needs. Resource "*" only where AWS requires it.
  base_statements = {
    for k, f in local.functions : k => concat(
      [
        {
          Sid      = "WriteOwnLogGroup"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = "${local.log_group_arn[k]}:*"
        },
        {
          # X-Ray trace APIs have no resource-level permissions.
          Sid      = "XRayTracing"
          Effect   = "Allow"
          Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
          Resource = "*"
        },
        {
          # VPC-attached Lambda ENI management; these EC2 actions do not
          # support resource-level scoping for Lambda's use (same actions as
          # AWSLambdaVPCAccessExecutionRole, written inline).
          Sid    = "VpcNetworkInterfaces"
          Effect = "Allow"
          Action = [
            "ec2:CreateNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets",
            "ec2:DeleteNetworkInterface",
            "ec2:AssignPrivateIpAddresses",
            "ec2:UnassignPrivateIpAddresses",
          ]
          Resource = "*"
        },
      ],
      f.parameters ? [
        {
          Sid      = "ReadEnvironmentParameters"
          Effect   = "Allow"
          Action   = "ssm:GetParametersByPath" # how Powertools reads a section; nothing else is called
          Resource = local.parameter_path_arns
        },
      ] : [],
      length(f.secret_names) == 0 ? [] : [
        {
          Sid      = "ReadNamedSecrets"
          Effect   = "Allow"
          Action   = "secretsmanager:GetSecretValue"
          Resource = local.secret_arns[k]
        },
      ],
      f.async_dlq ? [
        {
          Sid      = "AsyncOnFailureDestination"
          Effect   = "Allow"
          Action   = "sqs:SendMessage"
          Resource = local.async_dlq_arn
        },
      ] : [],
    )
  }

  specific_statements = {
    api = [
      {
        Sid      = "AttachmentsObjects"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject"] # presigned downloads and uploads; nothing deletes
        Resource = "${var.files_bucket_arn}/attachments/*"
      },
      {
        Sid       = "ListAttachmentsPrefix"
        Effect    = "Allow"
        Action    = "s3:ListBucket"
        Resource  = var.files_bucket_arn
        Condition = { StringLike = { "s3:prefix" = ["attachments/*"] } }
      },
      {
        Sid      = "ProduceTasks"
        Effect   = "Allow"
        Action   = ["sqs:SendMessage", "sqs:GetQueueAttributes"]
        Resource = var.task_queue_arn
      },
    ]
    worker = [
      {
        Sid       = "ListAttachmentsPrefix"
        Effect    = "Allow"
        Action    = "s3:ListBucket"
        Resource  = var.files_bucket_arn
        Condition = { StringLike = { "s3:prefix" = ["attachments/*"] } }
      },
      {
        # Needed by the SQS event source mapping that invokes this function.
        Sid      = "ConsumeTasks"
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"]
        Resource = var.task_queue_arn
      },
      {
        Sid       = "SendEmailFromIdentity"
        Effect    = "Allow"
        Action    = "ses:SendEmail"
        Resource  = [var.ses_identity_arn, var.ses_configuration_set_arn]
        Condition = { StringEquals = { "ses:FromAddress" = var.ses_sender_address } }
      },
      {
        Sid      = "InvokeAiFunctionAliasOnly"
        Effect   = "Allow"
        Action   = "lambda:InvokeFunction"
        Resource = "${local.function_arns["ai"]}:${var.release_alias_name}"
      },
    ]
    ai = [
      {
        Sid      = "WriteAiLogs"
        Effect   = "Allow"
        Action   = "s3:PutObject" # write-only: the AI function never reads its logs back
        Resource = "${var.files_bucket_arn}/ai-logs/*"
      },
      {
        Sid      = "InvokeApprovedFoundationModels"
        Effect   = "Allow"
        Action   = "bedrock:InvokeModel" # Converse, not streamed
        Resource = local.bedrock_model_arns
      },
    ]
    authorizer = []
    migrate    = []
    rotate = [
      {
        Sid    = "RotateGeneratedSecrets"
        Effect = "Allow"
        Action = [
          "secretsmanager:DescribeSecret",           # rotation enabled, the versions' labels
          "secretsmanager:GetSecretValue",           # the pending value (createSecret, testSecret)
          "secretsmanager:PutSecretValue",           # the new value as AWSPENDING
          "secretsmanager:UpdateSecretVersionStage", # AWSCURRENT to the new version
        ]
        Resource = values(local.rotated_secret_arns)
      },
      {
        # GetRandomPassword reads and writes no secret: it has no resource to scope. The secrets key's
        # policy lets this role encrypt and decrypt through Secrets Manager (modules/secrets).
        Sid      = "GenerateKeys"
        Effect   = "Allow"
        Action   = "secretsmanager:GetRandomPassword"
        Resource = "*"
      },
    ]
  }
}

resource "aws_iam_role_policy" "this" {
  #checkov:skip=CKV_AWS_290:X-Ray and ENI actions have no resource ARNs (iam-only.resource-star-allow-list)
  #checkov:skip=CKV_AWS_355:X-Ray and ENI actions have no resource ARNs (iam-only.resource-star-allow-list)
  for_each = local.functions

  name = "least-privilege"
  role = aws_iam_role.this[each.key].id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat(local.base_statements[each.key], local.specific_statements[each.key])
  })
}

# ---------------------------------------------------------------------------
# ISOLATED, APPLY-TIME: rds-db:connect needs the instance's DbiResourceId,
# known only after the data module applies. Kept out of the main policy so
# that every other statement stays known at plan.
# ---------------------------------------------------------------------------
resource "aws_iam_role_policy" "rds_connect" {
  for_each = { for k, f in local.functions : k => f if f.db_user != null }

  name = "rds-iam-connect"
  role = aws_iam_role.this[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ConnectAsOwnDbUser"
        Effect   = "Allow"
        Action   = "rds-db:connect"
        Resource = "${local.arn_prefix}:rds-db:${var.context.region}:${var.context.account_id}:dbuser:${var.db_resource_id}/${each.value.db_user}"
      },
    ]
  })
}

# ISOLATED, APPLY-TIME: the RDS-managed master secret exists once the instance does. Only the migrate
# function reads it (policy rule iam-only.schema-owner-secret-read-by-migrate-only).
resource "aws_iam_role_policy" "schema_owner_secret" {
  name = "read-schema-owner-secret"
  role = aws_iam_role.this["migrate"].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadSchemaOwnerSecret"
        Effect   = "Allow"
        Action   = "secretsmanager:GetSecretValue"
        Resource = var.db_schema_owner.secret_arn
      },
      {
        Sid       = "DecryptSchemaOwnerSecret"
        Effect    = "Allow"
        Action    = "kms:Decrypt"
        Resource  = var.db_schema_owner.kms_key_arn
        Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.${var.context.region}.amazonaws.com" } }
      },
    ]
  })
}

# ===========================================================================
# Functions
# ===========================================================================
locals {
  # Exactly what the code reads (policy rule contract.names-the-code-reads-exist), plus Powertools'.
  powertools_env = {
    POWERTOOLS_LOG_LEVEL         = var.application_log_level
    POWERTOOLS_SERVICE_NAME      = "smartstack"
    POWERTOOLS_METRICS_NAMESPACE = "SmartStack"
  }
  common_env = merge(local.powertools_env, { PARAMETER_PATH = local.parameter_path })

  # The functions verify the server (sslmode verify-full) against the RDS CA bundle in every zip.
  db_env = {
    DB_HOST      = var.db_address
    DB_PORT      = tostring(var.db_port)
    DB_NAME      = var.db_name
    DB_AUTH_MODE = "iam"
    DB_CA_BUNDLE = "/var/task/certs/${var.db_ca_bundle_file}"
  }

  app_base_url = coalesce(var.app_base_url, "https://${split("@", var.ses_sender_address)[1]}")

  # The API application's settings: the HTTP function and the queue consumer run the same code.
  api_application_env = merge(local.common_env, local.db_env, {
    DB_USER               = var.api_db_user
    FILES_BUCKET          = var.files_bucket_name
    TASK_QUEUE_URL        = var.task_queue_url
    AI_FUNCTION_NAME      = local.functions["ai"].function_name
    AI_FUNCTION_QUALIFIER = var.release_alias_name
    AI_TIMEOUT_SECONDS    = tostring(var.ai_timeout_seconds)
    SES_SENDER            = var.ses_sender_address
    SES_CONFIGURATION_SET = var.ses_configuration_set_name
    APP_BASE_URL          = local.app_base_url

    LINK_SIGNING_KEY_SECRET_NAME = "${var.context.name_prefix}/${var.link_signing_key_secret_name}"
  })

  function_env = {
    api    = local.api_application_env
    worker = local.api_application_env
    ai = merge(local.common_env, local.db_env, {
      DB_USER      = var.ai_db_user
      FILES_BUCKET = var.files_bucket_name

      AI_LOG_HMAC_KEY_SECRET_NAME = "${var.context.name_prefix}/${var.ai_log_hmac_key_secret_name}"
    })
    authorizer = merge(local.common_env, {
      SIGNING_KEY_SECRET_NAME = "${var.context.name_prefix}/${var.signing_key_secret_name}"
    })
    migrate = merge(local.powertools_env, local.db_env, {
      DB_USER       = var.db_schema_owner.username
      DB_AUTH_MODE  = "secret"
      DB_SECRET_ARN = var.db_schema_owner.secret_arn
    })
    rotate = local.powertools_env # the secret comes in each event from Secrets Manager
  }
}

resource "aws_lambda_function" "this" {
  #checkov:skip=CKV_AWS_116:failures go to an SQS on-failure destination; the authorizer is invoked synchronously
  #checkov:skip=CKV_AWS_272:zips deploy from local files, Lambda verifies signed S3 objects (README "Code signing")
  #checkov:skip=CKV_AWS_173:holds names, ARNs and endpoints only (policy rule iam-only.no-secret-values)
  for_each = local.functions

  function_name = each.value.function_name
  description   = each.value.description
  role          = aws_iam_role.this[each.key].arn

  filename         = each.value.package_path
  source_code_hash = filebase64sha256(each.value.package_path)
  publish          = true # every code or configuration change is a version a release can shift to
  package_type     = "Zip"
  handler          = each.value.handler
  runtime          = var.runtime
  architectures    = [var.architecture]

  memory_size                    = each.value.memory_mb
  timeout                        = each.value.timeout_s
  reserved_concurrent_executions = each.value.reserved

  vpc_config {
    subnet_ids         = var.app_subnet_ids
    security_group_ids = [aws_security_group.lambda.id]
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format            = "JSON"
    log_group             = module.log_group[each.key].name
    application_log_level = var.application_log_level
    system_log_level      = var.system_log_level
  }

  environment {
    variables = local.function_env[each.key]
  }

  tags = merge(local.tags, { Name = each.value.function_name })

  depends_on = [
    aws_iam_role_policy.this,
    module.log_group,
  ]
}

# ===========================================================================
# Releases: every caller invokes the alias; CodeDeploy moves it between versions
# ===========================================================================
resource "aws_lambda_alias" "live" {
  for_each = { for k, f in local.functions : k => f if f.released }

  name             = var.release_alias_name
  description      = "What callers invoke. Releases move it to a new version (CodeDeploy, canary and rollback)."
  function_name    = aws_lambda_function.this[each.key].function_name
  function_version = aws_lambda_function.this[each.key].version

  lifecycle {
    # Terraform sets the first version; afterwards CodeDeploy owns the version and the traffic split, so
    # a plan after a release is empty (functions/README.md "Releases").
    ignore_changes = [function_version, routing_config]
  }
}

resource "aws_lambda_function_event_invoke_config" "this" {
  for_each = { for k, f in local.functions : k => f if f.async_dlq }

  function_name                = aws_lambda_function.this[each.key].function_name
  qualifier                    = aws_lambda_alias.live[each.key].name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 3600

  destination_config {
    on_failure {
      destination = aws_sqs_queue.async_dlq.arn
    }
  }
}

# ===========================================================================
# Rotation: Secrets Manager invokes the rotate function's published version
# ===========================================================================
resource "aws_lambda_permission" "rotation" {
  for_each = local.rotated_secret_arns

  statement_id   = "SecretsManagerRotates-${replace(each.key, "/", "-")}"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this["rotate"].function_name
  qualifier      = aws_lambda_function.this["rotate"].version
  principal      = "secretsmanager.amazonaws.com"
  source_account = var.context.account_id
  source_arn     = each.value
}
