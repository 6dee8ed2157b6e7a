# One hardened S3 bucket: every object owned by the bucket owner (no ACLs), all public access blocked,
# versioned, encrypted by default, a lifecycle on every object, TLS required by the bucket policy, and,
# where the caller names a target, server access logs. What differs per bucket (encryption, lifecycle,
# logging target, the policy statements after the TLS deny) is the caller's data.

locals {
  # Built from the name, so the ARN is known at plan (the callers' policies name it before apply).
  arn     = "arn:${var.context.partition}:s3:::${var.name}"
  sse_kms = var.encryption.sse_algorithm == "aws:kms"

  # How an access-log target keeps its logs: for log_target.expiration_days, and no longer.
  lifecycle_rules = concat(var.log_target == null ? [] : [
    {
      id                                     = "expire-access-logs"
      prefix                                 = null
      transition                             = null
      expiration_days                        = var.log_target.expiration_days
      noncurrent_version_transition          = null
      noncurrent_version_expiration          = { days = 7, newer_versions = null }
      abort_incomplete_multipart_upload_days = 1
    },
  ], var.lifecycle_rules)

  # Deny any request that is not over TLS (the accepted Principal "*" + Deny pattern), always first.
  tls_only_statement = {
    Sid       = "DenyInsecureTransport"
    Effect    = "Deny"
    Principal = "*"
    Action    = "s3:*"
    Resource  = [local.arn, "${local.arn}/*"]
    Condition = { Bool = { "aws:SecureTransport" = "false" } }
  }
}

#trivy:ignore:AWS-0089 only a log_target bucket has no logging (it would log its own deliveries); var.log_target's validation requires it of every other
resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV2_AWS_62:no caller reacts to object events (static export, uploads, logs, state)
  #checkov:skip=CKV_AWS_144:single-region design (us-east-1); versioning and prevent_destroy protect the objects
  #checkov:skip=CKV_AWS_145:SSE-S3 where the caller chooses it; rule encryption.s3-sse-kms-for-sensitive-data
  #checkov:skip=CKV_AWS_18:only a log_target goes without logging; var.log_target's validation requires it
  bucket        = var.name
  force_destroy = false
  tags          = var.tags

  # Always on, as for the KMS keys (modules/kms-key): a plan never deletes a bucket's objects. A bucket
  # the caller wants gone is removed from the state and emptied by hand (README "Protection").
  lifecycle {
    prevent_destroy = true
  }
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = var.versioning_enabled ? "Enabled" : "Suspended"
  }
}

#trivy:ignore:AWS-0132 SSE-S3 only where the caller sets it (access-log targets, CloudFront-read static content); policy rule encryption.s3-sse-kms-for-sensitive-data requires SSE-KMS for sensitive data
resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.encryption.sse_algorithm
      kms_master_key_id = local.sse_kms ? var.encryption.kms_key_arn : null
    }
    # An S3 Bucket Key cuts the KMS requests (and their cost) of SSE-KMS; SSE-S3 has no use for one.
    bucket_key_enabled = local.sse_kms ? true : null
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  #checkov:skip=CKV_AWS_300:the HCL scan cannot read dynamic rules; var.lifecycle_rules' validation requires it
  bucket = aws_s3_bucket.this.id

  dynamic "rule" {
    for_each = local.lifecycle_rules
    content {
      id     = rule.value.id
      status = "Enabled"

      # A null prefix is the whole bucket (filter {}).
      filter {
        prefix = rule.value.prefix
      }

      dynamic "transition" {
        for_each = rule.value.transition == null ? [] : [rule.value.transition]
        content {
          days          = transition.value.days
          storage_class = transition.value.storage_class
        }
      }

      dynamic "expiration" {
        for_each = rule.value.expiration_days == null ? [] : [rule.value.expiration_days]
        content {
          days = expiration.value
        }
      }

      dynamic "noncurrent_version_transition" {
        for_each = rule.value.noncurrent_version_transition == null ? [] : [rule.value.noncurrent_version_transition]
        content {
          noncurrent_days = noncurrent_version_transition.value.days
          storage_class   = noncurrent_version_transition.value.storage_class
        }
      }

      dynamic "noncurrent_version_expiration" {
        for_each = rule.value.noncurrent_version_expiration == null ? [] : [rule.value.noncurrent_version_expiration]
        content {
          noncurrent_days           = noncurrent_version_expiration.value.days
          newer_noncurrent_versions = noncurrent_version_expiration.value.newer_versions
        }
      }

      dynamic "abort_incomplete_multipart_upload" {
        for_each = rule.value.abort_incomplete_multipart_upload_days == null ? [] : [rule.value.abort_incomplete_multipart_upload_days]
        content {
          days_after_initiation = abort_incomplete_multipart_upload.value
        }
      }
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = concat([local.tls_only_statement], var.policy_statements)
  })

  depends_on = [aws_s3_bucket_public_access_block.this]
}

# The bucket's own reference (aws_s3_bucket.this), not a for_each over callers: checkov (CKV_AWS_18)
# proves logging on a plan only from a direct reference to the bucket.
resource "aws_s3_bucket_logging" "this" {
  count = var.logging == null ? 0 : 1

  bucket        = aws_s3_bucket.this.id
  target_bucket = var.logging.target_bucket
  target_prefix = var.logging.target_prefix

  dynamic "target_object_key_format" {
    for_each = var.logging.partition_by_event_time ? [true] : []
    content {
      partitioned_prefix {
        partition_date_source = "EventTime"
      }
    }
  }
}
