locals {
  account_root_arn = "arn:${var.context.partition}:iam::${var.context.account_id}:root"
  parameter_prefix = "/smartstack/${var.context.environment}"


  writer_principals = length(var.secret_writer_role_arns) > 0 ? var.secret_writer_role_arns : [local.account_root_arn]

  # Plan-time patterns of the secrets the rotate function rotates (Secrets Manager appends "-XXXXXX").
  generated_secret_arn_patterns = [for k in sort(tolist(var.generated_secrets)) : "arn:${var.context.partition}:secretsmanager:${var.context.region}:${var.context.account_id}:secret:${var.context.name_prefix}/${k}-??????"]

  tags = merge(var.context.tags, { Tier = "secrets" })
}

module "secrets_key" {
  source = "../kms-key"

  alias                   = "${var.context.name_prefix}-secrets"
  description             = "${var.context.name_prefix} Secrets Manager secrets"
  context                 = var.context
  deletion_window_in_days = var.kms_deletion_window_days
  tags                    = local.tags
  usage_statements = concat(
    [
      {
        # Operators/CI set secret values outside Terraform (PutSecretValue).
        Sid       = "SecretWritersThroughSecretsManager"
        Effect    = "Allow"
        Principal = { AWS = local.writer_principals }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
        Resource  = "*"
        Condition = {
          StringEquals = {
            "kms:ViaService"    = "secretsmanager.${var.context.region}.amazonaws.com"
            "kms:CallerAccount" = var.context.account_id
          }
        }
      },
    ],
    length(var.generated_secrets) == 0 ? [] : [
      {
        # Rotation puts each new value (GenerateDataKey/Encrypt) and reads the pending one (Decrypt).
        Sid       = "RotationFunctionThroughSecretsManager"
        Effect    = "Allow"
        Principal = { AWS = var.rotation_role_arn }
        Action    = ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"]
        Resource  = "*"
        Condition = {
          StringEquals = {
            "kms:ViaService"    = "secretsmanager.${var.context.region}.amazonaws.com"
            "kms:CallerAccount" = var.context.account_id
          }
          StringLike = {
            "kms:EncryptionContext:SecretARN" = local.generated_secret_arn_patterns
          }
        }
      },
    ],
    length(var.reader_role_arns) == 0 ? [] : [
      {
        Sid       = "LambdaRolesDecryptThroughSecretsManager"
        Effect    = "Allow"
        Principal = { AWS = var.reader_role_arns }
        Action    = "kms:Decrypt"
        Resource  = "*"
        Condition = {
          StringEquals = {
            "kms:ViaService"    = "secretsmanager.${var.context.region}.amazonaws.com"
            "kms:CallerAccount" = var.context.account_id
          }
          StringLike = {
            "kms:EncryptionContext:SecretARN" = "arn:${var.context.partition}:secretsmanager:${var.context.region}:${var.context.account_id}:secret:${var.context.name_prefix}/*"
          }
        }
      },
    ],
  )
}

moved {
  from = aws_kms_key.secrets
  to   = module.secrets_key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.secrets
  to   = module.secrets_key.aws_kms_alias.this
}

# Secret containers only: values are set outside Terraform (no
# aws_secretsmanager_secret_version here), so they never reach state.
resource "aws_secretsmanager_secret" "this" {
  for_each = var.secrets

  name                    = "${var.context.name_prefix}/${each.key}"
  description             = each.value
  kms_key_id              = module.secrets_key.arn
  recovery_window_in_days = var.recovery_window_in_days
  tags                    = merge(local.tags, { SecretName = each.key })

  lifecycle {
    prevent_destroy = true
  }
}

# The generated keys rotate on a schedule through the rotate function (compute module). Not now: the
# first value is set by make apply's set-secrets step after the apply, and the first rotation follows
# the schedule (Secrets Manager only runs the function's testSecret step to check the configuration).
resource "aws_secretsmanager_secret_rotation" "generated" {
  for_each = var.generated_secrets

  secret_id           = aws_secretsmanager_secret.this[each.key].id
  rotation_lambda_arn = var.rotation_function_arn
  rotate_immediately  = false

  rotation_rules {
    automatically_after_days = var.rotation_days
  }
}

# Non-secret configuration under /smartstack/<env>/ (String only; secrets go
# to Secrets Manager).
resource "aws_ssm_parameter" "this" {
  #checkov:skip=CKV2_AWS_34:non-secret configuration only; validation rejects secret-looking keys
  for_each = var.parameters

  name        = "${local.parameter_prefix}/${each.key}"
  description = "SmartStack ${var.context.environment} configuration: ${each.key}"
  type        = "String"
  tier        = "Standard"
  value       = each.value
  tags        = local.tags
}
