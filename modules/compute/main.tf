locals {
  arn_prefix = "arn:${var.context.partition}"

  parameter_path      = "/smartstack/${var.context.environment}/"
  parameter_path_arns = ["${local.arn_prefix}:ssm:${var.context.region}:${var.context.account_id}:parameter/smartstack/${var.context.environment}/*"]

  # One entry per function (var.functions); its key names everything, so every ARN, and with it every role
  # policy written at plan, is known at plan.
  functions = {
    for k, f in var.functions : k => merge(f, {
      function_name = "${var.context.name_prefix}-${k}"
      role_name     = "${var.context.name_prefix}-${k}-lambda"
      iam_db_user   = try(f.database.auth, null) == "iam" ? f.database.user : null
    })
  }

  role_arns     = { for k, f in local.functions : k => "${local.arn_prefix}:iam::${var.context.account_id}:role/${f.role_name}" }
  log_group_arn = { for k, f in local.functions : k => "${local.arn_prefix}:logs:${var.context.region}:${var.context.account_id}:log-group:/aws/lambda/${f.function_name}" }

  # Secrets are named <name_prefix>/<name>; Secrets Manager appends "-XXXXXX".
  secret_arns = {
    for k, f in local.functions : k => [
      for s in f.secret_names : "${local.arn_prefix}:secretsmanager:${var.context.region}:${var.context.account_id}:secret:${var.context.name_prefix}/${s}-??????"
    ]
  }

  # Who may invoke which function, by "<function>/<statement id>".
  invokers = merge([
    for k, f in local.functions : { for id, i in f.invokers : "${k}/${id}" => merge(i, { function = k, statement_id = id }) }
  ]...)

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
      f.release.async_on_failure ? [
        {
          Sid      = "AsyncOnFailureDestination"
          Effect   = "Allow"
          Action   = "sqs:SendMessage"
          Resource = local.async_dlq_arn
        },
      ] : [],
    )
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
    Statement = concat(local.base_statements[each.key], [for s in each.value.policy_statements : jsondecode(s)])
  })
}

# ---------------------------------------------------------------------------
# ISOLATED, APPLY-TIME: rds-db:connect needs the instance's DbiResourceId,
# known only after the data module applies. Kept out of the main policy so
# that every other statement stays known at plan.
# ---------------------------------------------------------------------------
resource "aws_iam_role_policy" "rds_connect" {
  for_each = { for k, f in local.functions : k => f if f.iam_db_user != null }

  name = "rds-iam-connect"
  role = aws_iam_role.this[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ConnectAsOwnDbUser"
        Effect   = "Allow"
        Action   = "rds-db:connect"
        Resource = "${local.arn_prefix}:rds-db:${var.context.region}:${var.context.account_id}:dbuser:${var.database.resource_id}/${each.value.iam_db_user}"
      },
    ]
  })
}

# ISOLATED, APPLY-TIME: the RDS-managed master secret exists once the instance does. Only the functions
# that log in as the owner (the migrations) read it (policy rule
# iam-only.schema-owner-secret-read-by-migrate-only).
resource "aws_iam_role_policy" "schema_owner_secret" {
  for_each = { for k, f in local.functions : k => f if try(f.database.auth, null) == "owner" }

  name = "read-schema-owner-secret"
  role = aws_iam_role.this[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadSchemaOwnerSecret"
        Effect   = "Allow"
        Action   = "secretsmanager:GetSecretValue"
        Resource = var.database_owner.secret_arn
      },
      {
        Sid       = "DecryptSchemaOwnerSecret"
        Effect    = "Allow"
        Action    = "kms:Decrypt"
        Resource  = var.database_owner.kms_key_arn
        Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.${var.context.region}.amazonaws.com" } }
      },
    ]
  })
}

moved {
  from = aws_iam_role_policy.schema_owner_secret
  to   = aws_iam_role_policy.schema_owner_secret["migrate"]
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

  # The functions verify the server (sslmode verify-full) against the RDS CA bundle in every zip.
  db_env = var.database == null ? {} : {
    DB_HOST      = var.database.address
    DB_PORT      = tostring(var.database.port)
    DB_NAME      = var.database.name
    DB_AUTH_MODE = "iam"
    DB_CA_BUNDLE = "/var/task/certs/${var.database.ca_bundle_file}"
  }

  function_env = {
    for k, f in local.functions : k => merge(
      local.powertools_env,
      f.parameters ? { PARAMETER_PATH = local.parameter_path } : {},
      f.database == null ? {} : merge(local.db_env, { DB_USER = f.database.user }),
      try(f.database.auth, null) == "owner" ? { DB_USER = var.database_owner.username, DB_AUTH_MODE = "secret", DB_SECRET_ARN = var.database_owner.secret_arn } : {},
      f.environment,
    )
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
  timeout                        = each.value.timeout_seconds
  reserved_concurrent_executions = each.value.reserved_concurrency

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
  for_each = { for k, f in local.functions : k => f if f.release.alias }

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
  for_each = { for k, f in local.functions : k => f if f.release.async_on_failure }

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
# Invokers: the services each entry lets invoke it, on its alias or, unreleased, its published version
# ===========================================================================
resource "aws_lambda_permission" "invoke" {
  for_each = local.invokers

  statement_id   = each.value.statement_id
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this[each.value.function].function_name
  qualifier      = lookup({ for k, a in aws_lambda_alias.live : k => a.name }, each.value.function, aws_lambda_function.this[each.value.function].version)
  principal      = each.value.principal
  source_account = coalesce(each.value.source_account, var.context.account_id)
  source_arn     = each.value.source_arn
}

moved {
  from = aws_lambda_permission.rotation["api-signing-key"]
  to   = aws_lambda_permission.invoke["rotate/SecretsManagerRotates-api-signing-key"]
}

moved {
  from = aws_lambda_permission.rotation["link-signing-key"]
  to   = aws_lambda_permission.invoke["rotate/SecretsManagerRotates-link-signing-key"]
}

moved {
  from = aws_lambda_permission.rotation["ai-log-hmac-key"]
  to   = aws_lambda_permission.invoke["rotate/SecretsManagerRotates-ai-log-hmac-key"]
}
