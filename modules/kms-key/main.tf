# One customer managed KMS key with its alias, for the tier modules: administration by the account (IAM
# decides who; the actions written out, since a wildcard such as kms:Get* also grants actions AWS adds
# later) and the data-plane statements the caller passes, nothing else.

locals {
  symmetric = var.key_spec == null || var.key_spec == "SYMMETRIC_DEFAULT"

  admin_actions = concat([
    "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:CreateGrant", "kms:DeleteAlias", "kms:DescribeKey",
    "kms:DisableKey", "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus", "kms:ListAliases", "kms:ListGrants", "kms:ListKeyPolicies",
    "kms:ListKeyRotations", "kms:ListResourceTags", "kms:PutKeyPolicy", "kms:RevokeGrant",
    "kms:RetireGrant", "kms:RotateKeyOnDemand", "kms:ScheduleKeyDeletion", "kms:TagResource",
    "kms:UntagResource", "kms:UpdateAlias", "kms:UpdateKeyDescription",
  ], var.extra_admin_actions)

  # CloudWatch Logs encrypts through its regional service principal, bound to the named log groups by the
  # encryption context it always sends (aws:logs:arn).
  log_groups_usage = [
    for region in distinct([for arn in var.log_group_arns : split(":", arn)[3]]) : {
      Sid       = "CloudWatchLogsEncryptsTheseLogGroups"
      Effect    = "Allow"
      Principal = { Service = "logs.${region}.amazonaws.com" }
      Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:DescribeKey"]
      Resource  = "*"
      Condition = { ArnLike = { "kms:EncryptionContext:aws:logs:arn" = var.log_group_arns } }
    }
  ]
}

resource "aws_kms_key" "this" {
  description              = var.description
  customer_master_key_spec = var.key_spec
  key_usage                = var.key_usage
  # Asymmetric keys cannot rotate automatically (a DNSSEC KSK is rolled by a new key-signing key).
  enable_key_rotation     = local.symmetric ? true : null
  rotation_period_in_days = local.symmetric ? 365 : null
  deletion_window_in_days = var.deletion_window_in_days
  tags                    = var.tags

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid       = "KeyAdministrationByAccount"
        Effect    = "Allow"
        Principal = { AWS = "arn:${var.context.partition}:iam::${var.context.account_id}:root" }
        Action    = local.admin_actions
        Resource  = "*" # in a key policy, "*" is this key
      },
    ], local.log_groups_usage, var.usage_statements)
  })

  # Deleting a key makes everything it encrypted unreadable.
  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.alias}"
  target_key_id = aws_kms_key.this.key_id
}
