variable "name" {
  description = "Name of the log group, e.g. \"/aws/vpc/smartstack-dev/flow-logs\" (some services fix it: /aws/lambda/<function>, aws-waf-logs-*)."
  type        = string

  validation {
    condition     = can(regex("^[.\\-_/#A-Za-z0-9]{1,512}$", var.name))
    error_message = "name must be 1-512 of A-Z a-z 0-9 . - _ / #, e.g. \"/aws/vpc/smartstack-dev/flow-logs\"."
  }
}

variable "retention_in_days" {
  description = "Days the events are kept: one of CloudWatch Logs' values (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653); the env's log_retention_days."
  type        = number

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.retention_in_days)
    error_message = "retention_in_days must be a value CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 (never 0: that keeps the events forever)."
  }
}

variable "kms_key" {
  description = "The group's own key (modules/kms-key, usable by CloudWatch Logs for this group only): alias without alias/, description, deletion_window_in_days (7-30) and tags (default: the group's). null when kms_key_arn passes a shared key."
  type = object({
    alias                   = string
    description             = string
    deletion_window_in_days = number
    tags                    = optional(map(string))
  })
  default = null
}

variable "kms_key_arn" {
  description = "ARN of a key shared between log groups (e.g. the observability module's logs_kms_key_arn), whose policy already lets CloudWatch Logs use it for this group; null when kms_key creates the group's own."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>), e.g. module.observability.logs_kms_key_arn, or null with kms_key."
  }

  validation {
    condition     = (var.kms_key_arn == null) != (var.kms_key == null)
    error_message = "Pass exactly one of kms_key (the group's own key) and kms_key_arn (a shared key): every log group is encrypted with a customer managed key."
  }
}

variable "log_delivery" {
  description = "The AWS service that delivers to the group through a CloudWatch Logs resource policy: policy_name, sid, service (principal, e.g. \"delivery.logs.amazonaws.com\"), streams (what it writes after the group ARN: \"log-stream:*\" or \"*\") and source_arn_like (aws:SourceArn of this account's resources it writes for). null for a service that writes with its own role (Lambda, RDS, VPC flow logs)."
  type = object({
    policy_name     = string
    sid             = string
    service         = string
    streams         = string
    source_arn_like = string
  })
  default = null

  validation {
    condition     = var.log_delivery == null || contains(["log-stream:*", "*"], try(var.log_delivery.streams, ""))
    error_message = "log_delivery.streams must be \"log-stream:*\" (the group's streams) or \"*\"."
  }
}

variable "log_group_region" {
  description = "Region of the group when the caller passes a provider of another region (us-east-1 for Route 53 query logs and CloudFront's WAF logs); null for the context's region."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags of the log group (and of its own key unless kms_key.tags)."
  type        = map(string)
  default     = {}
}
