variable "environment" {
  description = "Environment whose state bucket this creates: one of envs/profiles.json."
  type        = string

  validation {
    condition     = contains(keys(jsondecode(file("${path.module}/../envs/profiles.json")).environments), var.environment)
    error_message = "environment must be one of ${join(", ", keys(jsondecode(file("${path.module}/../envs/profiles.json")).environments))} (envs/profiles.json)."
  }
}

variable "account_id" {
  description = "AWS account id of the environment (envs/<env>/terraform.tfvars account_id); the provider refuses any other account."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be the 12-digit AWS account id as a quoted string, e.g. \"111111111111\"."
  }
}

variable "region" {
  description = "Region of the state bucket; must match the region in envs/<env>/versions.tf's backend block."
  type        = string
  default     = "us-east-1"
}

variable "kms_encryption" {
  description = "true: SSE-KMS with a customer managed key (rotation on); false: SSE-S3 (AES256)."
  type        = bool
  default     = true
}

variable "noncurrent_version_retention_days" {
  description = "Days old state versions are kept (the undo history of the state)."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_retention_days >= 30
    error_message = "noncurrent_version_retention_days must be at least 30 so a bad state write can be rolled back."
  }
}

variable "access_log_retention_days" {
  description = "Days the state bucket's access logs are kept (the audit trail of who read or wrote the state)."
  type        = number
  default     = 365

  validation {
    condition     = var.access_log_retention_days >= 90
    error_message = "access_log_retention_days must be at least 90 so state access stays auditable, e.g. 365."
  }
}
