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

# Deny any request that is not over TLS (the accepted Principal "*" + Deny pattern).
locals {
  tls_only_statement = {
    for name, arn in {
      web   = local.web_bucket_arn
      files = local.files_bucket_arn
      logs  = local.logs_bucket_arn
    } :
    name => {
      Sid       = "DenyInsecureTransport"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [arn, "${arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }
  }
}

# ===========================================================================
# Settings every bucket shares: owner-enforced objects (no ACLs). What differs
# per bucket (encryption, lifecycle, policy) stays with each bucket below. The
# public access blocks, versioning and access logging also stay one block per
# bucket: the policy engine (public access) and checkov (CKV_AWS_21
# versioning, CKV_AWS_18 logging) prove them per bucket from a direct
# reference to that bucket, which a for_each over a map would hide.
# ===========================================================================
locals {
  buckets = {
    web   = aws_s3_bucket.web
    files = aws_s3_bucket.files
    logs  = aws_s3_bucket.logs
  }
}

resource "aws_s3_bucket_ownership_controls" "this" {
  for_each = local.buckets

  bucket = each.value.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

# One logging block per bucket, like the public access blocks: checkov (CKV_AWS_18) proves logging on a
# plan only from a direct bucket reference. The real provider plans the bucket's own `logging` as unknown,
# so with a for_each the check fails on every bucket (the stand-in's `logging = []` hid that).
resource "aws_s3_bucket_logging" "web" {
  bucket        = aws_s3_bucket.web.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "s3/${aws_s3_bucket.web.bucket}/"

  target_object_key_format {
    partitioned_prefix {
      partition_date_source = "EventTime"
    }
  }

  depends_on = [aws_s3_bucket_policy.logs]
}

resource "aws_s3_bucket_logging" "files" {
  bucket        = aws_s3_bucket.files.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "s3/${aws_s3_bucket.files.bucket}/"

  target_object_key_format {
    partitioned_prefix {
      partition_date_source = "EventTime"
    }
  }

  depends_on = [aws_s3_bucket_policy.logs]
}

moved {
  from = aws_s3_bucket_logging.this["web"]
  to   = aws_s3_bucket_logging.web
}

moved {
  from = aws_s3_bucket_logging.this["files"]
  to   = aws_s3_bucket_logging.files
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
#trivy:ignore:AWS-0089 the access-log target itself: logging it would log its own deliveries
resource "aws_s3_bucket" "logs" {
  #checkov:skip=CKV2_AWS_62:nothing consumes object events from the access-log bucket
  #checkov:skip=CKV_AWS_144:single-region design (us-east-1); versioning and prevent_destroy protect the objects
  #checkov:skip=CKV_AWS_145:S3 server access logging cannot deliver to an SSE-KMS bucket, so this bucket uses SSE-S3
  bucket        = local.logs_bucket_name
  force_destroy = false
  tags          = merge(local.tags, { Name = local.logs_bucket_name, DataClass = "logs" })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id
  versioning_configuration {
    status = "Enabled"
  }
}

#trivy:ignore:AWS-0132 S3 server access logging cannot deliver to an SSE-KMS bucket: SSE-S3 here
resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

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

  depends_on = [aws_s3_bucket_versioning.logs]
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      local.tls_only_statement["logs"],
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
  })

  depends_on = [aws_s3_bucket_public_access_block.logs]
}

# ===========================================================================
# Files bucket: attachments/ and ai-logs/ (SSE-KMS with the customer key)
# ===========================================================================
resource "aws_s3_bucket" "files" {
  #checkov:skip=CKV2_AWS_62:no consumer reacts to uploads; tasks are queued through SQS by the API
  #checkov:skip=CKV_AWS_144:single-region design (us-east-1); versioning and prevent_destroy protect the objects
  bucket        = local.files_bucket_name
  force_destroy = false
  tags          = merge(local.tags, { Name = local.files_bucket_name, DataClass = "customer-content" })

  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_public_access_block" "files" {
  bucket                  = aws_s3_bucket.files.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "files" {
  bucket = aws_s3_bucket.files.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "files" {
  bucket = aws_s3_bucket.files.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = module.files_key.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "files" {
  bucket = aws_s3_bucket.files.id

  rule {
    id     = "ai-logs-retention"
    status = "Enabled"
    filter {
      prefix = "ai-logs/"
    }
    transition {
      days          = var.ai_logs_transition_to_ia_days
      storage_class = "STANDARD_IA"
    }
    expiration {
      days = var.ai_logs_expiration_days
    }
    noncurrent_version_expiration {
      noncurrent_days = 7
    }
  }

  rule {
    id     = "attachments-noncurrent-versions"
    status = "Enabled"
    filter {
      prefix = "attachments/"
    }
    noncurrent_version_transition {
      noncurrent_days = 30
      storage_class   = "STANDARD_IA"
    }
    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiration_days
    }
  }

  rule {
    id     = "abort-incomplete-multipart-uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.files]
}

resource "aws_s3_bucket_policy" "files" {
  bucket = aws_s3_bucket.files.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      local.tls_only_statement["files"],
    ]
  })

  depends_on = [aws_s3_bucket_public_access_block.files]
}

# ===========================================================================
# Web bucket: Next.js static export, served only through CloudFront (OAC).
# SSE-S3 (see README: avoids a KMS key policy that must embed the
# apply-time distribution ARN, and KMS calls on every cache miss).
# ===========================================================================
resource "aws_s3_bucket" "web" {
  #checkov:skip=CKV2_AWS_62:static export uploaded by the web deploy; nothing reacts to object events
  #checkov:skip=CKV_AWS_144:the static export is rebuilt by every deploy; nothing to replicate
  #checkov:skip=CKV_AWS_145:read only through CloudFront OAC; SSE-KMS would cost a KMS call per cache miss
  bucket        = local.web_bucket_name
  force_destroy = false
  tags          = merge(local.tags, { Name = local.web_bucket_name, DataClass = "public-static" })
}

resource "aws_s3_bucket_public_access_block" "web" {
  bucket                  = aws_s3_bucket.web.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "web" {
  bucket = aws_s3_bucket.web.id
  versioning_configuration {
    status = "Enabled"
  }
}

#trivy:ignore:AWS-0132 public static content read only through CloudFront OAC; SSE-KMS would put the apply-time distribution ARN in a key policy
resource "aws_s3_bucket_server_side_encryption_configuration" "web" {
  bucket = aws_s3_bucket.web.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "web" {
  bucket = aws_s3_bucket.web.id

  rule {
    id     = "expire-old-builds"
    status = "Enabled"
    filter {}
    noncurrent_version_expiration {
      noncurrent_days           = 30
      newer_noncurrent_versions = 3
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.web]
}

# ---------------------------------------------------------------------------
# ISOLATED, APPLY-TIME: the web bucket policy embeds the CloudFront
# distribution ARN (known only after the edge module creates it). Everything
# else in this module is known at plan time.
# ---------------------------------------------------------------------------
resource "aws_s3_bucket_policy" "web" {
  bucket = aws_s3_bucket.web.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [local.tls_only_statement["web"]],
      var.cloudfront_distribution_arn == null ? [] : [
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
      ],
    )
  })

  depends_on = [aws_s3_bucket_public_access_block.web]
}
