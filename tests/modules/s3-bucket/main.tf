# Module test root: plans modules/s3-bucket as storage and state-backend use it: an access-log target
# (SSE-S3, a log delivery grant, no logging of its own) and a data bucket under a customer managed key
# that logs to it, with prefix lifecycle rules.
locals {
  name_prefix = "smartstack-${var.environment}"
  logs_bucket = "${local.name_prefix}-logs-${var.account_id}-${var.region}"
  data_bucket = "${local.name_prefix}-files-${var.account_id}-${var.region}"
}

module "logs_bucket" {
  source = "../../../modules/s3-bucket"

  name       = local.logs_bucket
  context    = local.context
  tags       = { DataClass = "logs" }
  encryption = { sse_algorithm = "AES256" }
  log_target = { expiration_days = 365 }
  policy_statements = [
    {
      Sid       = "S3ServerAccessLogs"
      Effect    = "Allow"
      Principal = { Service = "logging.s3.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "arn:aws:s3:::${local.logs_bucket}/s3/*"
      Condition = {
        StringEquals = { "aws:SourceAccount" = var.account_id }
        ArnLike      = { "aws:SourceArn" = "arn:aws:s3:::${local.data_bucket}" }
      }
    },
  ]
}

module "data_bucket" {
  source = "../../../modules/s3-bucket"

  name       = local.data_bucket
  context    = local.context
  tags       = { DataClass = "customer-content" }
  encryption = { sse_algorithm = "aws:kms", kms_key_arn = "arn:aws:kms:${var.region}:${var.account_id}:key/11111111-2222-3333-4444-555555555555" }
  logging = {
    target_bucket           = module.logs_bucket.logging_target_bucket
    target_prefix           = "s3/${local.data_bucket}/"
    partition_by_event_time = true
  }
  lifecycle_rules = [
    {
      id                            = "ai-logs-retention"
      prefix                        = "ai-logs/"
      transition                    = { days = 30, storage_class = "STANDARD_IA" }
      expiration_days               = 365
      noncurrent_version_expiration = { days = 7 }
    },
    {
      id                                     = "abort-incomplete-multipart-uploads"
      abort_incomplete_multipart_upload_days = 7
    },
  ]
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
