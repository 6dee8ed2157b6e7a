variable "files_kms_user_role_arns" {
  description = "IAM role ARNs allowed to use the files-bucket KMS key through S3 (the compute module's role_arns of the functions that read or write the files bucket: api, worker, ai). Roles must exist before the key policy is written; pass the compute output, which carries that dependency."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.files_kms_user_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", a))])
    error_message = "files_kms_user_role_arns must contain IAM role ARNs (arn:aws:iam::<account>:role/<name>); pass module.compute.role_arns[<function>] for each function that uses the files bucket."
  }
}

variable "cloudfront_distribution_arn" {
  description = "ARN of the CloudFront distribution allowed to read the web bucket through OAC (edge module output distribution_arn). Null until edge exists: the web bucket then only carries the TLS-only statement."
  type        = string
  default     = null

  validation {
    condition     = var.cloudfront_distribution_arn == null || can(regex("^arn:aws[a-z-]*:cloudfront::[0-9]{12}:distribution/[A-Z0-9]+$", var.cloudfront_distribution_arn))
    error_message = "cloudfront_distribution_arn must be null or a distribution ARN (arn:aws:cloudfront::<account>:distribution/<ID>); pass module.edge.distribution_arn."
  }
}

variable "cloudfront_log_prefix" {
  description = "Key prefix in the log bucket under which CloudFront v2 access logs are delivered (must match the edge module's log prefix)."
  type        = string
  default     = "cloudfront"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]*$", var.cloudfront_log_prefix))
    error_message = "cloudfront_log_prefix must be lowercase letters, digits and hyphens without slashes, e.g. \"cloudfront\"."
  }
}

variable "ai_logs_transition_to_ia_days" {
  description = "Days after which objects under ai-logs/ move to STANDARD_IA (minimum 30)."
  type        = number
  default     = 30

  validation {
    condition     = var.ai_logs_transition_to_ia_days >= 30
    error_message = "ai_logs_transition_to_ia_days must be at least 30 (S3 minimum before STANDARD_IA)."
  }
}

variable "ai_logs_expiration_days" {
  description = "Days after which objects under ai-logs/ expire (must exceed the IA transition)."
  type        = number
  default     = 365

  validation {
    condition     = var.ai_logs_expiration_days > var.ai_logs_transition_to_ia_days
    error_message = "ai_logs_expiration_days must be greater than ai_logs_transition_to_ia_days; raise it (e.g. 365)."
  }
}

variable "noncurrent_version_expiration_days" {
  description = "Days a noncurrent (overwritten/deleted) attachment version is kept before permanent deletion (> 30, as it first moves to STANDARD_IA at 30)."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiration_days > 30
    error_message = "noncurrent_version_expiration_days must be greater than 30 (versions transition to STANDARD_IA at 30 days)."
  }
}

variable "access_log_retention_days" {
  description = "Days S3/CloudFront access logs are kept in the log bucket."
  type        = number
  default     = 365

  validation {
    condition     = var.access_log_retention_days >= 1
    error_message = "access_log_retention_days must be a positive number of days (e.g. 365)."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period before the files KMS key is deleted once scheduled (7-30 days)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}
