variable "name" {
  description = "Bucket name, globally unique and deterministic so its ARN is known at plan, e.g. \"smartstack-dev-files-123456789012-us-east-1\"."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.name)) && !can(regex("\\.\\.|^xn--|-s3alias$", var.name))
    error_message = "name must be a valid S3 bucket name: 3-63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, e.g. \"smartstack-dev-files-123456789012-us-east-1\"."
  }
}

variable "encryption" {
  description = "Default encryption of new objects: { sse_algorithm = \"aws:kms\", kms_key_arn = <customer managed key ARN> } (SSE-KMS with an S3 Bucket Key), or { sse_algorithm = \"AES256\" } (SSE-S3: for S3 server access log targets, which cannot be SSE-KMS, and content read only through CloudFront)."
  type = object({
    sse_algorithm = string
    kms_key_arn   = optional(string)
  })

  validation {
    condition     = contains(["aws:kms", "AES256"], var.encryption.sse_algorithm)
    error_message = "encryption.sse_algorithm must be \"aws:kms\" (with kms_key_arn) or \"AES256\" (SSE-S3)."
  }

  validation {
    condition     = (var.encryption.sse_algorithm == "aws:kms") == (var.encryption.kms_key_arn != null)
    error_message = "encryption.kms_key_arn goes with sse_algorithm \"aws:kms\" only: pass the key's ARN (e.g. module.files_key.arn) with \"aws:kms\", none with \"AES256\"."
  }
}

variable "lifecycle_rules" {
  description = "Lifecycle rules, each enabled: id, prefix (null for the whole bucket), and what happens to the objects: transition { days, storage_class }, expiration_days, noncurrent_version_transition { days, storage_class }, noncurrent_version_expiration { days, newer_versions }, abort_incomplete_multipart_upload_days."
  type = list(object({
    id                                     = string
    prefix                                 = optional(string)
    transition                             = optional(object({ days = number, storage_class = string }))
    expiration_days                        = optional(number)
    noncurrent_version_transition          = optional(object({ days = number, storage_class = string }))
    noncurrent_version_expiration          = optional(object({ days = number, newer_versions = optional(number) }))
    abort_incomplete_multipart_upload_days = optional(number)
  }))

  default = []

  validation {
    condition     = length(var.lifecycle_rules) > 0 || var.log_target != null
    error_message = "lifecycle_rules needs at least one rule (log_target brings its own), so no object or upload stays forever, e.g. [{ id = \"abort-incomplete-multipart-uploads\", abort_incomplete_multipart_upload_days = 7 }]."
  }

  validation {
    condition     = var.log_target != null || anytrue([for r in var.lifecycle_rules : r.prefix == null && r.abort_incomplete_multipart_upload_days != null])
    error_message = "lifecycle_rules needs a whole-bucket rule (prefix null) with abort_incomplete_multipart_upload_days, so no failed upload is stored forever, e.g. { id = \"abort-incomplete-multipart-uploads\", abort_incomplete_multipart_upload_days = 7 }."
  }

  validation {
    condition     = length(distinct([for r in var.lifecycle_rules : r.id])) == length(var.lifecycle_rules)
    error_message = "lifecycle_rules ids must be unique within the bucket."
  }
}

variable "logging" {
  description = "Server access logging: target_bucket (the log bucket module's logging_target_bucket output), target_prefix (e.g. \"s3/<bucket>/\") and partition_by_event_time (date-partitioned keys). Required, except of a log_target bucket."
  type = object({
    target_bucket           = string
    target_prefix           = string
    partition_by_event_time = optional(bool, false)
  })
  default = null
}

variable "policy_statements" {
  description = "Bucket policy statements after the TLS-only deny (which always comes first): who else may do what, e.g. a log delivery service or CloudFront's origin access control."
  type        = any
  default     = []
}

variable "versioning_enabled" {
  description = "true: every overwrite or delete keeps the former version (the lifecycle rules expire them); false suspends versioning."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags of the bucket (e.g. Name and DataClass); null for the provider's default tags only."
  type        = map(string)
  default     = null
}

variable "log_target" {
  description = "Makes the bucket an S3 server access log target: expiration_days of the logs (rule expire-access-logs, before lifecycle_rules; former versions go after 7 days, incomplete uploads after 1). A target has no logging of its own and SSE-S3 (encryption AES256): S3 cannot deliver access logs to an SSE-KMS bucket. null for any other bucket."
  type = object({
    expiration_days = number
  })
  default = null

  validation {
    condition     = var.log_target == null || try(var.log_target.expiration_days >= 1, false)
    error_message = "log_target.expiration_days must be a positive number of days, e.g. 365."
  }

  # The checks between logging, log_target and encryption stand here, in one variable: validations that
  # name each other's variables would form a cycle.
  validation {
    condition     = var.log_target != null || var.logging != null
    error_message = "logging is required (who read or wrote what): pass logging = { target_bucket = module.<log bucket>.logging_target_bucket, target_prefix = \"s3/<bucket>/\" }; only a log_target bucket goes without."
  }

  validation {
    condition     = var.log_target == null || (var.encryption.sse_algorithm == "AES256" && var.logging == null)
    error_message = "A log_target bucket takes encryption = { sse_algorithm = \"AES256\" } (S3 cannot deliver access logs to SSE-KMS) and logging = null (it would log its own deliveries)."
  }
}
