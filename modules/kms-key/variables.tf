variable "alias" {
  description = "Alias of the key without the alias/ prefix, e.g. \"smartstack-dev-rds\"."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9/_-]{1,250}$", var.alias)) && !startswith(var.alias, "aws/") && !startswith(var.alias, "alias/")
    error_message = "alias must be 1-250 of A-Z a-z 0-9 / _ - without the alias/ prefix and not under aws/, e.g. \"smartstack-dev-rds\"."
  }
}

variable "description" {
  description = "What the key encrypts (or signs), shown in the KMS console."
  type        = string
}

variable "deletion_window_in_days" {
  description = "Days a deleted key stays recoverable (the env root's kms_deletion_window_days)."
  type        = number

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

variable "log_group_arns" {
  description = "CloudWatch log groups the key encrypts: ARNs or ArnLike patterns, all in one region (the key's). CloudWatch Logs of that region may use the key for exactly these; [] for a key no log group uses."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.log_group_arns : can(regex("^arn:[a-z-]+:logs:[a-z0-9-]+:[0-9]{12}:log-group:.+", arn))])
    error_message = "log_group_arns must be log group ARNs such as \"arn:aws:logs:us-east-1:123456789012:log-group:/aws/route53/example.com\" (a * pattern is allowed after log-group:)."
  }

  validation {
    condition     = length(distinct([for arn in var.log_group_arns : split(":", arn)[3]])) <= 1
    error_message = "log_group_arns must all be in one region, the key's: a log group's key must be in the log group's region. Use one key per region."
  }
}

variable "usage_statements" {
  description = "Key policy statements after the account's administration and the log_group_arns grant: who else may use the key, and how."
  type        = any
  default     = []
}

variable "extra_admin_actions" {
  description = "Actions the account's administration needs beyond the standard list (e.g. kms:GetPublicKey for a signing key)."
  type        = list(string)
  default     = []
}

variable "key_spec" {
  description = "null or SYMMETRIC_DEFAULT (rotated yearly), or an asymmetric spec such as ECC_NIST_P256 (never rotated)."
  type        = string
  default     = null
}

variable "key_usage" {
  description = "null (ENCRYPT_DECRYPT, the provider's default), or SIGN_VERIFY for a signing key."
  type        = string
  default     = null

  validation {
    condition     = var.key_usage == null || contains(["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC"], coalesce(var.key_usage, "-"))
    error_message = "key_usage must be ENCRYPT_DECRYPT, SIGN_VERIFY or GENERATE_VERIFY_MAC."
  }
}

variable "tags" {
  description = "Tags of the key."
  type        = map(string)
  default     = {}
}
