# State backend: the S3 bucket holding one environment's Terraform state (S3-native locking, so no
# DynamoDB table). Run once per environment account with `make state-backend ENV=<env>`.
locals {
  # Must equal `bucket` in envs/<env>/backend.hcl (a test checks every environment).
  bucket_name      = "smartstack-${var.environment}-tfstate-${var.account_id}"
  bucket_arn       = "arn:${data.aws_partition.current.partition}:s3:::${local.bucket_name}"
  logs_bucket_name = "smartstack-${var.environment}-tfstate-logs-${var.account_id}"
  logs_bucket_arn  = "arn:${data.aws_partition.current.partition}:s3:::${local.logs_bucket_name}"
  account_root_arn = "arn:${data.aws_partition.current.partition}:iam::${var.account_id}:root"
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

resource "aws_s3_bucket" "state" {
  #checkov:skip=CKV2_AWS_62:nothing reacts to state writes; CloudTrail records who wrote them
  #checkov:skip=CKV_AWS_144:single-region state; versioning and prevent_destroy keep every revision
  bucket = local.bucket_name

  # Losing the state bucket orphans every resource of the environment.
  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_versioning" "state" {
  bucket = aws_s3_bucket.state.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.kms_encryption ? "aws:kms" : "AES256"
      kms_master_key_id = var.kms_encryption ? aws_kms_key.state[0].arn : null
    }
    bucket_key_enabled = var.kms_encryption
  }
}

resource "aws_s3_bucket_public_access_block" "state" {
  bucket = aws_s3_bucket.state.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "state" {
  bucket = aws_s3_bucket.state.id

  rule {
    id     = "expire-old-state-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_retention_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.state]
}

resource "aws_s3_bucket_policy" "state" {
  bucket = aws_s3_bucket.state.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [local.bucket_arn, "${local.bucket_arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyTlsOlderThan12"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [local.bucket_arn, "${local.bucket_arn}/*"]
        Condition = { NumericLessThan = { "s3:TlsVersion" = "1.2" } }
      },
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.state]
}

# ===========================================================================
# Access logs of the state bucket (who read or wrote the state), SSE-S3: S3
# server access logging cannot deliver to an SSE-KMS bucket.
# ===========================================================================
#trivy:ignore:AWS-0089 the access-log target itself: logging it would log its own deliveries
resource "aws_s3_bucket" "state_logs" {
  #checkov:skip=CKV2_AWS_62:nothing consumes object events from the access-log bucket
  #checkov:skip=CKV_AWS_144:single-region state; the logs are an audit trail, not state to restore
  #checkov:skip=CKV_AWS_145:S3 server access logging cannot deliver to an SSE-KMS bucket, so this bucket uses SSE-S3
  bucket = local.logs_bucket_name

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_versioning" "state_logs" {
  bucket = aws_s3_bucket.state_logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

#trivy:ignore:AWS-0132 S3 server access logging cannot deliver to an SSE-KMS bucket, so this bucket uses SSE-S3
resource "aws_s3_bucket_server_side_encryption_configuration" "state_logs" {
  bucket = aws_s3_bucket.state_logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "state_logs" {
  bucket = aws_s3_bucket.state_logs.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "state_logs" {
  bucket = aws_s3_bucket.state_logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "state_logs" {
  bucket = aws_s3_bucket.state_logs.id

  rule {
    id     = "expire-access-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.access_log_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 7
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.state_logs]
}

resource "aws_s3_bucket_policy" "state_logs" {
  bucket = aws_s3_bucket.state_logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [local.logs_bucket_arn, "${local.logs_bucket_arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
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
  })

  depends_on = [aws_s3_bucket_public_access_block.state_logs]
}

resource "aws_s3_bucket_logging" "state" {
  bucket        = aws_s3_bucket.state.id
  target_bucket = aws_s3_bucket.state_logs.id
  target_prefix = "state/"

  depends_on = [aws_s3_bucket_policy.state_logs]
}
