variable "domain_name" {
  description = "Domain of the hosted zone, e.g. smartstack.example.com (prod) or dev.smartstack.example.com."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name must be a lowercase DNS name without a trailing dot, e.g. \"smartstack.example.com\"."
  }
}
variable "dnssec_enabled" {
  description = "Sign the zone with DNSSEC (KSK on an ECC_NIST_P256 KMS key in us-east-1). After the first apply, publish the dnssec_ds_record output at the parent zone; see README \"DNSSEC\" before turning it off."
  type        = bool
  default     = true
}

variable "query_log_retention_days" {
  description = "Retention in days of the us-east-1 query log group /aws/route53/<domain_name>; a value CloudWatch accepts, at least 90."
  type        = number
  default     = 365

  validation {
    condition     = contains([90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.query_log_retention_days)
    error_message = "query_log_retention_days must be one of CloudWatch's allowed values from 90 up: 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period before the query-log and DNSSEC KMS keys are deleted once scheduled (7-30 days)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}
