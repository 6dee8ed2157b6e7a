variable "producer_role_arns" {
  description = "Role ARNs allowed to send tasks (compute output api_role_arn, as a list). Pass the compute output so the policy is written after the role exists."
  type        = list(string)

  validation {
    condition     = length(var.producer_role_arns) >= 1 && alltrue([for a in var.producer_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", a))])
    error_message = "producer_role_arns must list at least one IAM role ARN; pass [module.compute.api_role_arn]."
  }
}

variable "consumer_role_arns" {
  description = "Role ARNs of the consuming function (the API function consumes through the event source mapping)."
  type        = list(string)

  validation {
    condition     = length(var.consumer_role_arns) >= 1 && alltrue([for a in var.consumer_role_arns : can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", a))])
    error_message = "consumer_role_arns must list at least one IAM role ARN; pass [module.compute.api_role_arn]."
  }
}

variable "consumer_function_arn" {
  description = "ARN (or name) of the Lambda function that consumes the queue (compute output worker_function_arn: its release alias)."
  type        = string
}

variable "consumer_timeout_seconds" {
  description = "Timeout of the consumer function; the visibility timeout is set to at least 6x this value plus the batching window."
  type        = number

  validation {
    condition     = var.consumer_timeout_seconds >= 1 && var.consumer_timeout_seconds <= 900
    error_message = "consumer_timeout_seconds must be the consumer Lambda timeout (1-900); pass compute's worker_timeout_seconds output."
  }
}

variable "minimum_visibility_timeout_seconds" {
  description = "Lower bound for the queue visibility timeout (the effective value is max(this, 6 x consumer timeout + batching window))."
  type        = number
  default     = 30

  validation {
    condition     = var.minimum_visibility_timeout_seconds >= 0 && var.minimum_visibility_timeout_seconds <= 43200
    error_message = "minimum_visibility_timeout_seconds must be between 0 and 43200 (12 hours)."
  }
}

variable "max_receive_count" {
  description = "Receives before a message moves to the DLQ."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be between 1 and 1000 (5 is typical)."
  }
}

variable "message_retention_seconds" {
  description = "Retention of task messages (the DLQ always keeps 14 days, which must exceed this)."
  type        = number
  default     = 345600

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds < 1209600
    error_message = "message_retention_seconds must be between 60 and 1209599 so that the 14-day DLQ retention exceeds it."
  }
}

variable "batch_size" {
  description = "Maximum messages per Lambda invocation. Each message can keep the consumer busy for its worst case (it waits for the AI function), so the consumer's timeout must cover batch_size times that (policy rule contract.time-budget-chain)."
  type        = number
  default     = 1

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10000
    error_message = "batch_size must be between 1 and 10000 (above 10 requires maximum_batching_window_seconds >= 1)."
  }
}

variable "maximum_batching_window_seconds" {
  description = "Seconds to gather a batch before invoking (0 = invoke as soon as messages arrive)."
  type        = number
  default     = 0

  validation {
    condition     = var.maximum_batching_window_seconds >= 0 && var.maximum_batching_window_seconds <= 300
    error_message = "maximum_batching_window_seconds must be between 0 and 300."
  }
}

variable "maximum_concurrency" {
  description = "Maximum concurrent invocations by the event source mapping (2-1000); keep it below the consumer's reserved concurrency so API traffic is never starved."
  type        = number
  default     = 5

  validation {
    condition     = var.maximum_concurrency >= 2 && var.maximum_concurrency <= 1000
    error_message = "maximum_concurrency must be between 2 and 1000 (SQS event source scaling limits)."
  }
}
