variable "secrets" {
  description = "Secrets to create, name (without the smartstack-<env>/ prefix) => description. Values are put outside Terraform."
  type        = map(string)
  default = {
    "api-signing-key"  = "Token signing key used by the authorizer (HS256); set on first deploy from GetRandomPassword"
    "link-signing-key" = "HMAC key the API signs job links in completion emails with (>= 32 bytes); set on first deploy from GetRandomPassword"
    "ai-log-hmac-key"  = "HMAC key the AI function pseudonymises caller ids in ai-logs/ with (>= 32 bytes); set on first deploy from GetRandomPassword"
  }

  validation {
    condition     = alltrue([for k in keys(var.secrets) : can(regex("^[a-z0-9][a-z0-9/_-]{0,200}$", k))])
    error_message = "secrets keys must be lowercase names without the smartstack-<env>/ prefix, e.g. \"api-signing-key\" or \"third-party/payments\"."
  }
}

variable "generated_secrets" {
  description = "Secrets whose value the deploy tooling sets on first deploy from Secrets Manager's GetRandomPassword (keys the application owns) and the rotation function replaces every rotation_days. The others (a vendor's API key) are put by a person."
  type        = set(string)
  default     = ["api-signing-key", "link-signing-key", "ai-log-hmac-key"]

  validation {
    condition     = alltrue([for name in var.generated_secrets : contains(keys(var.secrets), name)])
    error_message = "generated_secrets must name secrets of var.secrets (without the smartstack-<env>/ prefix); remove the others or add them to secrets."
  }
}

variable "rotation_function_arn" {
  description = "ARN of the function Secrets Manager invokes to rotate the generated secrets (compute output rotation_function_arn: its published version)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$", var.rotation_function_arn))
    error_message = "rotation_function_arn must be a Lambda function ARN, optionally qualified; pass module.compute.rotation_function_arn."
  }
}

variable "rotation_role_arn" {
  description = "Execution role of the rotation function: the key policy lets it encrypt and decrypt the generated secrets through Secrets Manager (compute output rotation_role_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.rotation_role_arn))
    error_message = "rotation_role_arn must be an IAM role ARN; pass module.compute.rotation_role_arn."
  }
}

variable "rotation_days" {
  description = "Days between two rotations of each generated secret. At least 7: a job link lives 7 days and is verified with AWSCURRENT or AWSPREVIOUS, so it must survive one rotation, not two."
  type        = number
  default     = 30

  validation {
    condition     = var.rotation_days >= 7 && var.rotation_days <= 365
    error_message = "rotation_days must be between 7 (a job link lives 7 days and outlives only one rotation) and 365; e.g. 30."
  }
}

variable "parameters" {
  description = "String parameters under /smartstack/<env>/, relative name => value (e.g. \"ai/model-id\"). Non-secret values only."
  type        = map(string)

  validation {
    condition     = alltrue([for k in keys(var.parameters) : can(regex("^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$", k))])
    error_message = "parameters keys must be relative lowercase paths without a leading slash, e.g. \"ai/model-id\" (the /smartstack/<env>/ prefix is added)."
  }

  validation {
    condition     = alltrue([for v in values(var.parameters) : length(v) >= 1 && length(v) <= 4096])
    error_message = "parameters values must be 1-4096 characters (Standard tier); move larger or secret values to Secrets Manager."
  }
}

variable "reader_role_arns" {
  description = "Lambda role ARNs that may decrypt the secrets through Secrets Manager (compute output secret_reader_role_arns). Pass the compute output so the key policy is written after the roles exist."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.reader_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", a))])
    error_message = "reader_role_arns must contain IAM role ARNs; pass module.compute.secret_reader_role_arns."
  }
}

variable "secret_writer_role_arns" {
  description = "Role ARNs (operators/CI) allowed to encrypt new secret values through Secrets Manager. Empty = any principal of the account with Secrets Manager permissions (IAM decides)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.secret_writer_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", a))])
    error_message = "secret_writer_role_arns must contain IAM role ARNs (no users)."
  }
}

variable "recovery_window_in_days" {
  description = "Days a deleted secret can be restored (7-30). Use 30 in prod; the prod env root enforces it."
  type        = number
  default     = 30

  validation {
    condition     = var.recovery_window_in_days >= 7 && var.recovery_window_in_days <= 30
    error_message = "recovery_window_in_days must be between 7 and 30 (0 = immediate deletion is not allowed)."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period before the secrets KMS key is deleted once scheduled (7-30 days)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}
