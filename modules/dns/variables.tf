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

# ---------------------------------------------------------------------------
# Context shared by every SmartStack module (same names, types and rules).
# ---------------------------------------------------------------------------

variable "environment" {
  description = "Name of the environment (the env root's local.environment): names, tags, parameter paths. Protections are inputs of their own."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.environment))
    error_message = "environment must be the env root's environment name (lowercase letters and digits, e.g. \"dev\"); pass local.environment."
  }
}

variable "name_prefix" {
  description = "Prefix for every resource name: \"smartstack-<environment>\" (e.g. smartstack-dev)."
  type        = string

  validation {
    condition     = var.name_prefix == "smartstack-${var.environment}"
    error_message = "name_prefix must be exactly \"smartstack-<environment>\" (e.g. \"smartstack-dev\"); set it to \"smartstack-${var.environment}\"."
  }
}

variable "account_id" {
  description = "12-digit AWS account id the environment deploys into; used to build ARNs that are known at plan time."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be the 12-digit AWS account id as a string (quote it to keep leading zeros), e.g. \"123456789012\"."
  }
}

variable "region" {
  description = "AWS region of the default provider (e.g. us-east-1); used to build ARNs and service names."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region code such as \"us-east-1\"; pass the same value the aws provider is configured with."
  }
}

variable "partition" {
  description = "AWS partition used in ARNs: \"aws\" (commercial), \"aws-us-gov\" or \"aws-cn\"."
  type        = string
  default     = "aws"

  validation {
    condition     = contains(["aws", "aws-us-gov", "aws-cn"], var.partition)
    error_message = "partition must be \"aws\", \"aws-us-gov\" or \"aws-cn\"; SmartStack runs in \"aws\"."
  }
}

variable "tags" {
  description = "Extra tags merged onto every taggable resource (the provider's default_tags should carry Project/Environment)."
  type        = map(string)
  default     = {}
}
