variable "lambda_function_names" {
  description = "Function names to alarm on, keyed by a static short name (compute output function_names: api, ai, authorizer)."
  type        = map(string)
  default     = {}
}

variable "lambda_timeouts_seconds" {
  description = "Timeout of each function of lambda_function_names, by the same key (compute output timeouts_seconds): each gets a duration alarm at 90 % of it, one of the alarms a release rolls back on."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for k, t in var.lambda_timeouts_seconds : contains(keys(var.lambda_function_names), k) && t >= 1 && t <= 900])
    error_message = "lambda_timeouts_seconds must use the keys of lambda_function_names with Lambda timeouts of 1-900 seconds; pass module.compute.timeouts_seconds."
  }
}

variable "dlq_names" {
  description = "Dead-letter queue names keyed by a static short name, e.g. { tasks = module.messaging.dlq_name, lambda-async = module.compute.async_dlq_name }."
  type        = map(string)
  default     = {}
}

variable "db_instance_identifier" {
  description = "RDS instance identifier (data module output db_instance_identifier)."
  type        = string
}

variable "api_name" {
  description = "API Gateway REST API name (api module output rest_api_name) — the ApiName metric dimension."
  type        = string
}

variable "api_stage_name" {
  description = "API Gateway stage name (api module output stage_name)."
  type        = string
}

variable "alarm_email_addresses" {
  description = "Email addresses subscribed to the alarm topic (each must confirm the subscription)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$", e))])
    error_message = "alarm_email_addresses must contain valid email addresses, e.g. [\"oncall@smartstack.example.com\"]."
  }
}

variable "lambda_error_threshold" {
  description = "Lambda Errors (sum over 5 minutes) above which the per-function alarm fires."
  type        = number
  default     = 0

  validation {
    condition     = var.lambda_error_threshold >= 0
    error_message = "lambda_error_threshold must be >= 0."
  }
}

variable "rds_cpu_threshold_percent" {
  description = "Average RDS CPU utilisation (%) over 15 minutes that fires the alarm."
  type        = number
  default     = 80

  validation {
    condition     = var.rds_cpu_threshold_percent > 0 && var.rds_cpu_threshold_percent <= 100
    error_message = "rds_cpu_threshold_percent must be in (0, 100]."
  }
}

variable "rds_free_storage_threshold_gb" {
  description = "Free storage (GiB) below which the alarm fires."
  type        = number
  default     = 5

  validation {
    condition     = var.rds_free_storage_threshold_gb > 0
    error_message = "rds_free_storage_threshold_gb must be a positive number of GiB."
  }
}

variable "rds_connections_threshold" {
  description = "DatabaseConnections above which the alarm fires (size it from the instance's max_connections)."
  type        = number
  default     = 100

  validation {
    condition     = var.rds_connections_threshold > 0
    error_message = "rds_connections_threshold must be positive."
  }
}

variable "api_5xx_threshold" {
  description = "Count of 5xx responses in 5 minutes above which the alarm fires."
  type        = number
  default     = 5

  validation {
    condition     = var.api_5xx_threshold >= 0
    error_message = "api_5xx_threshold must be >= 0."
  }
}

variable "api_latency_thresholds_ms" {
  description = "Latency alarm thresholds in milliseconds by percentile statistic (keys p90, p99, ...)."
  type        = map(number)
  default = {
    p90 = 1000
    p99 = 5000
  }

  validation {
    condition     = alltrue([for k, v in var.api_latency_thresholds_ms : can(regex("^p[0-9]{1,2}(\\.[0-9]+)?$", k)) && v > 0])
    error_message = "api_latency_thresholds_ms keys must be percentile statistics such as \"p90\" or \"p99\" and values positive milliseconds."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period before the observability KMS key is deleted once scheduled (7-30 days)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}

variable "task_queue_name" {
  description = "The task queue (messaging output queue_name): the dashboard shows the age of its oldest message. null: no queue row."
  type        = string
  default     = null
}

variable "waf_web_acls" {
  description = "Web ACLs whose blocked requests the dashboard shows, by label: name, region and scope (CLOUDFRONT ACLs live in us-east-1)."
  type = map(object({
    name   = string
    region = string
    scope  = string
  }))
  default = {}

  validation {
    condition     = alltrue([for acl in values(var.waf_web_acls) : contains(["REGIONAL", "CLOUDFRONT"], acl.scope)])
    error_message = "waf_web_acls scopes must be \"REGIONAL\" or \"CLOUDFRONT\", as on the aws_wafv2_web_acl."
  }
}

variable "release_alias_name" {
  description = "The alias the functions release through (compute output release_alias_name): the dashboard shows its traffic per version."
  type        = string
  default     = "live"
}
