# State backend: the S3 bucket holding one environment's Terraform state (S3-native locking, so no
# DynamoDB table). Run once per environment account with `make state-backend ENV=<env>`.
locals {
  # Must equal `bucket` in envs/<env>/backend.hcl (a test checks every environment).
  bucket_name      = "smartstack-${var.environment}-tfstate-${var.account_id}"
  bucket_arn       = "arn:${data.aws_partition.current.partition}:s3:::${local.bucket_name}"
  logs_bucket_name = "smartstack-${var.environment}-tfstate-logs-${var.account_id}"
  logs_bucket_arn  = "arn:${data.aws_partition.current.partition}:s3:::${local.logs_bucket_name}"
  account_root_arn = "arn:${data.aws_partition.current.partition}:iam::${var.account_id}:root"
  # What modules/s3-bucket needs to know of where it runs (modules/_context/context.tf).
  context = {
    environment = var.environment
    name_prefix = "smartstack-${var.environment}"
    account_id  = var.account_id
    region      = var.region
    partition   = data.aws_partition.current.partition
  }
  tags = {
    Environment = var.environment
    Service     = "smartstack"
    Purpose     = "terraform-state"
    ManagedBy   = "terraform"
  }
}

provider "aws" {
  region              = var.region
  allowed_account_ids = [var.account_id]

  default_tags {
    tags = local.tags
  }
}

data "aws_partition" "current" {}

resource "aws_kms_key" "state" {
  count = var.kms_encryption ? 1 : 0

  description             = "Terraform state of smartstack-${var.environment}"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  # Its own policy instead of the default: administration by the account (IAM decides who), and data
  # use only through S3 in this account, i.e. for reading and writing the state objects.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministration"
        Effect    = "Allow"
        Principal = { AWS = local.account_root_arn }
        Action = [
          "kms:CancelKeyDeletion", "kms:CreateAlias", "kms:DeleteAlias", "kms:DescribeKey", "kms:DisableKey",
          "kms:DisableKeyRotation", "kms:EnableKey", "kms:EnableKeyRotation", "kms:GetKeyPolicy",
          "kms:GetKeyRotationStatus", "kms:ListAliases", "kms:ListKeyPolicies", "kms:ListResourceTags",
          "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource",
          "kms:UpdateAlias", "kms:UpdateKeyDescription",
        ]
        Resource = "*" # in a key policy, "*" is this key
      },
      {
        Sid       = "StateThroughS3"
        Effect    = "Allow"
        Principal = { AWS = local.account_root_arn }
        Action    = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
        Resource  = "*"
        Condition = {
          StringEquals = {
            "kms:ViaService"    = "s3.${var.region}.amazonaws.com"
            "kms:CallerAccount" = var.account_id
          }
        }
      },
    ]
  })
}

resource "aws_kms_alias" "state" {
  count = var.kms_encryption ? 1 : 0

  name          = "alias/smartstack-${var.environment}-tfstate"
  target_key_id = aws_kms_key.state[0].key_id
}

# Losing the state bucket orphans every resource of the environment (modules/s3-bucket: prevent_destroy).
module "state_bucket" {
  source = "../modules/s3-bucket"

  name    = local.bucket_name
  context = local.context
  encryption = {
    sse_algorithm = var.kms_encryption ? "aws:kms" : "AES256"
    kms_key_arn   = var.kms_encryption ? aws_kms_key.state[0].arn : null
  }
  logging = {
    target_bucket = module.state_logs_bucket.logging_target_bucket
    target_prefix = "state/"
  }
  lifecycle_rules = [
    {
      id                                     = "expire-old-state-versions"
      noncurrent_version_expiration          = { days = var.noncurrent_version_retention_days }
      abort_incomplete_multipart_upload_days = 7
    },
  ]
  policy_statements = [
    {
      Sid       = "DenyTlsOlderThan12"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [local.bucket_arn, "${local.bucket_arn}/*"]
      Condition = { NumericLessThan = { "s3:TlsVersion" = "1.2" } }
    },
  ]
}

# ===========================================================================
# Access logs of the state bucket (who read or wrote the state), SSE-S3: S3
# server access logging cannot deliver to an SSE-KMS bucket.
# ===========================================================================
module "state_logs_bucket" {
  source = "../modules/s3-bucket"

  name       = local.logs_bucket_name
  context    = local.context
  encryption = { sse_algorithm = "AES256" }
  log_target = { expiration_days = var.access_log_retention_days }
  policy_statements = [
    {
      Sid       = "StateBucketAccessLogs"
      Effect    = "Allow"
      Principal = { Service = "logging.s3.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "${local.logs_bucket_arn}/state/*"
      Condition = {
        StringEquals = { "aws:SourceAccount" = var.account_id }
        ArnLike      = { "aws:SourceArn" = local.bucket_arn }
      }
    },
  ]
}
