locals {
  # Globally unique, deterministic bucket names (so ARNs are known at plan).
  web_bucket_name   = "${var.context.name_prefix}-web-${var.context.account_id}-${var.context.region}"
  files_bucket_name = "${var.context.name_prefix}-files-${var.context.account_id}-${var.context.region}"
  logs_bucket_name  = "${var.context.name_prefix}-logs-${var.context.account_id}-${var.context.region}"

  web_bucket_arn   = "arn:${var.context.partition}:s3:::${local.web_bucket_name}"
  files_bucket_arn = "arn:${var.context.partition}:s3:::${local.files_bucket_name}"
  logs_bucket_arn  = "arn:${var.context.partition}:s3:::${local.logs_bucket_name}"


  tags = merge(var.context.tags, { Tier = "storage" })
}

# ===========================================================================
# KMS key for the files bucket (attachments + AI logs)
# ===========================================================================
module "files_key" {
  source = "../kms-key"

  alias                   = "${var.context.name_prefix}-files"
  description             = "${var.context.name_prefix} files bucket (attachments, AI logs) SSE-KMS"
  context                 = var.context
  deletion_window_in_days = var.kms_deletion_window_days
  tags                    = local.tags
  usage_statements = length(var.files_kms_user_role_arns) == 0 ? [] : [
    {
      # The Lambda roles get data-key use only through S3, for this bucket.
      Sid       = "LambdaRolesUseKeyThroughS3"
      Effect    = "Allow"
      Principal = { AWS = var.files_kms_user_role_arns }
      Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource  = "*"
      Condition = {
        StringEquals = {
          "kms:ViaService"    = "s3.${var.context.region}.amazonaws.com"
          "kms:CallerAccount" = var.context.account_id
        }
        StringLike = {
          "kms:EncryptionContext:aws:s3:arn" = [local.files_bucket_arn, "${local.files_bucket_arn}/*"]
        }
      }
    },
  ]
}

moved {
  from = aws_kms_key.files
  to   = module.files_key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.files
  to   = module.files_key.aws_kms_alias.this
}

# ===========================================================================
# Access-log bucket (target of S3 server access logs and CloudFront v2 logs)
# SSE-S3: S3 server access logging cannot write to an SSE-KMS target bucket.
# ===========================================================================
module "logs_bucket" {
  source = "../s3-bucket"

  name       = local.logs_bucket_name
  context    = var.context
  tags       = merge(local.tags, { Name = local.logs_bucket_name, DataClass = "logs" })
  encryption = { sse_algorithm = "AES256" }
  log_target = { expiration_days = var.access_log_retention_days }
  policy_statements = [
    {
      Sid       = "S3ServerAccessLogsFromThisAccountsBuckets"
      Effect    = "Allow"
      Principal = { Service = "logging.s3.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "${local.logs_bucket_arn}/s3/*"
      Condition = {
        StringEquals = { "aws:SourceAccount" = var.context.account_id }
        ArnLike      = { "aws:SourceArn" = [local.web_bucket_arn, local.files_bucket_arn] }
      }
    },
    {
      # CloudFront standard logging v2 (CloudWatch Logs vended delivery).
      Sid       = "CloudFrontV2LogDelivery"
      Effect    = "Allow"
      Principal = { Service = "delivery.logs.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "${local.logs_bucket_arn}/${var.cloudfront_log_prefix}/*"
      Condition = {
        StringEquals = {
          "aws:SourceAccount" = var.context.account_id
          "s3:x-amz-acl"      = "bucket-owner-full-control"
        }
        ArnLike = {
          "aws:SourceArn" = "arn:${var.context.partition}:logs:us-east-1:${var.context.account_id}:delivery-source:${var.context.name_prefix}-*"
        }
      }
    },
  ]
}

# ===========================================================================
# Files bucket: attachments/ and ai-logs/ (SSE-KMS with the customer key)
# ===========================================================================
module "files_bucket" {
  source = "../s3-bucket"

  name       = local.files_bucket_name
  context    = var.context
  tags       = merge(local.tags, { Name = local.files_bucket_name, DataClass = "customer-content" })
  encryption = { sse_algorithm = "aws:kms", kms_key_arn = module.files_key.arn }
  logging = {
    target_bucket           = module.logs_bucket.logging_target_bucket
    target_prefix           = "s3/${local.files_bucket_name}/"
    partition_by_event_time = true
  }
  lifecycle_rules = [
    {
      id                            = "ai-logs-retention"
      prefix                        = "ai-logs/"
      transition                    = { days = var.ai_logs_transition_to_ia_days, storage_class = "STANDARD_IA" }
      expiration_days               = var.ai_logs_expiration_days
      noncurrent_version_expiration = { days = 7 }
    },
    {
      id                            = "attachments-noncurrent-versions"
      prefix                        = "attachments/"
      noncurrent_version_transition = { days = 30, storage_class = "STANDARD_IA" }
      noncurrent_version_expiration = { days = var.noncurrent_version_expiration_days }
    },
    {
      id                                     = "abort-incomplete-multipart-uploads"
      abort_incomplete_multipart_upload_days = 7
    },
  ]
}

# ===========================================================================
# Web bucket: Next.js static export, served only through CloudFront (OAC).
# SSE-S3 (see README: avoids a KMS key policy that must embed the
# apply-time distribution ARN, and KMS calls on every cache miss).
# ISOLATED, APPLY-TIME: its policy embeds the CloudFront distribution ARN
# (known only after the edge module creates it). Everything else in this
# module is known at plan time.
# ===========================================================================
module "web_bucket" {
  source = "../s3-bucket"

  name       = local.web_bucket_name
  context    = var.context
  tags       = merge(local.tags, { Name = local.web_bucket_name, DataClass = "public-static" })
  encryption = { sse_algorithm = "AES256" }
  logging = {
    target_bucket           = module.logs_bucket.logging_target_bucket
    target_prefix           = "s3/${local.web_bucket_name}/"
    partition_by_event_time = true
  }
  lifecycle_rules = [
    {
      id                                     = "expire-old-builds"
      noncurrent_version_expiration          = { days = 30, newer_versions = 3 }
      abort_incomplete_multipart_upload_days = 1
    },
  ]
  policy_statements = var.cloudfront_distribution_arn == null ? [] : [
    {
      Sid       = "CloudFrontOacReadOnly"
      Effect    = "Allow"
      Principal = { Service = "cloudfront.amazonaws.com" }
      Action    = "s3:GetObject"
      Resource  = "${local.web_bucket_arn}/*"
      Condition = {
        StringEquals = { "AWS:SourceArn" = var.cloudfront_distribution_arn }
      }
    },
    {
      # Lets S3 answer unknown keys with 404 rather than 403 (the edge has no custom error pages).
      Sid       = "CloudFrontOacNotFound"
      Effect    = "Allow"
      Principal = { Service = "cloudfront.amazonaws.com" }
      Action    = "s3:ListBucket"
      Resource  = local.web_bucket_arn
      Condition = {
        StringEquals = { "AWS:SourceArn" = var.cloudfront_distribution_arn }
      }
    },
  ]
}
