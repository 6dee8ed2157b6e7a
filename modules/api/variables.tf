variable "api_function_name" {
  description = "Name of the API Lambda function (compute output api_function_name); receives the lambda:InvokeFunction permission."
  type        = string
}

variable "api_function_invoke_arn" {
  description = "Invoke ARN of the API Lambda function (compute output api_function_invoke_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path/2015-03-31/functions/.+/invocations$", var.api_function_invoke_arn))
    error_message = "api_function_invoke_arn must be a Lambda invoke ARN (arn:aws:apigateway:<region>:lambda:path/2015-03-31/functions/<fn-arn>/invocations); pass module.compute.api_function_invoke_arn."
  }
}

variable "function_alias_name" {
  description = "Release alias the API and authorizer functions are invoked through (compute output release_alias_name); the invoke ARNs must be the alias's, and the Lambda permissions are granted on it."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z_-][a-zA-Z0-9_-]{0,127}$", var.function_alias_name))
    error_message = "function_alias_name must be a Lambda alias name (letters, digits, '-' or '_'); pass module.compute.release_alias_name."
  }
}

variable "authorizer_function_name" {
  description = "Name of the TOKEN authorizer Lambda function (compute output authorizer_function_name)."
  type        = string
}

variable "authorizer_function_invoke_arn" {
  description = "Invoke ARN of the authorizer Lambda function (compute output authorizer_function_invoke_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path/2015-03-31/functions/.+/invocations$", var.authorizer_function_invoke_arn))
    error_message = "authorizer_function_invoke_arn must be a Lambda invoke ARN; pass module.compute.authorizer_function_invoke_arn."
  }
}

variable "authorizer_cache_ttl_seconds" {
  description = "Seconds API Gateway caches an authorizer decision per token (0 disables caching)."
  type        = number
  default     = 300

  validation {
    condition     = var.authorizer_cache_ttl_seconds >= 0 && var.authorizer_cache_ttl_seconds <= 3600
    error_message = "authorizer_cache_ttl_seconds must be between 0 and 3600."
  }
}

variable "stage_name" {
  description = "Stage name (the base path mapping serves it at the root of api.<domain>)."
  type        = string
  default     = "v1"

  validation {
    condition     = can(regex("^[a-zA-Z0-9_]{1,128}$", var.stage_name))
    error_message = "stage_name may only contain letters, digits and underscores (e.g. \"v1\")."
  }
}

variable "base_path" {
  description = "Base path of the custom-domain mapping. \"api\" makes https://<domain>/api/* (via CloudFront) and https://api.<domain>/api/* reach the same routes, which are defined without the /api prefix."
  type        = string
  default     = "api"

  validation {
    condition     = can(regex("^[a-zA-Z0-9._-]+$", var.base_path))
    error_message = "base_path must be a single path segment without slashes, e.g. \"api\" (must equal the CloudFront path pattern prefix)."
  }
}

variable "domain_name" {
  description = "Environment domain (e.g. smartstack.example.com); the API is served at api.<domain_name>."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name must be a lowercase DNS name without a trailing dot, e.g. \"smartstack.example.com\"."
  }
}

variable "hosted_zone_id" {
  description = "Route 53 hosted zone serving domain_name (certificate validation and the api. alias record)."
  type        = string

  validation {
    condition     = can(regex("^Z[A-Z0-9]{1,31}$", var.hosted_zone_id))
    error_message = "hosted_zone_id must be a Route 53 zone id such as \"Z0123456789ABCDEFGHIJ\"."
  }
}

variable "disable_execute_api_endpoint" {
  description = "Disable the default execute-api hostname so clients must use api.<domain> or CloudFront."
  type        = bool
  default     = true
}

variable "throttling_rate_limit" {
  description = "Steady-state requests per second for every method of the stage (and the usage plan)."
  type        = number
  default     = 100

  validation {
    condition     = var.throttling_rate_limit > 0 && var.throttling_rate_limit <= 10000
    error_message = "throttling_rate_limit must be between 1 and 10000 (the regional account default)."
  }
}

variable "throttling_burst_limit" {
  description = "Burst requests for every method of the stage (and the usage plan)."
  type        = number
  default     = 200

  validation {
    condition     = var.throttling_burst_limit >= 1 && var.throttling_burst_limit <= 5000
    error_message = "throttling_burst_limit must be between 1 and 5000."
  }
}

variable "usage_plan_daily_quota" {
  description = "Daily request quota of the default usage plan (applies to API-keyed clients)."
  type        = number
  default     = 1000000

  validation {
    condition     = var.usage_plan_daily_quota >= 1
    error_message = "usage_plan_daily_quota must be a positive number of requests."
  }
}

variable "execution_logging_level" {
  description = "API Gateway execution logging level (OFF, ERROR, INFO). Request/response bodies are never logged."
  type        = string
  default     = "ERROR"

  validation {
    condition     = contains(["OFF", "ERROR", "INFO"], var.execution_logging_level)
    error_message = "execution_logging_level must be OFF, ERROR or INFO."
  }
}

variable "manage_account_cloudwatch_role" {
  description = "Create the account/region-wide API Gateway CloudWatch role (aws_api_gateway_account). Set false where another stack in the same account and region manages it."
  type        = bool
  default     = true
}

variable "logs_kms_key_arn" {
  description = "KMS key ARN for the API log groups (observability module output logs_kms_key_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN; pass module.observability.logs_kms_key_arn."
  }
}

variable "log_retention_days" {
  description = "CloudWatch Logs retention in days for the log groups this module creates (must be a value CloudWatch accepts)."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of CloudWatch's allowed values: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653 (0 = never expire is not allowed here)."
  }
}
variable "waf_enabled" {
  description = "Associate a REGIONAL WAF web ACL (AWS managed Common, KnownBadInputs and AnonymousIpList rule groups, per-IP rate limit; logged to aws-waf-logs-<name_prefix>-api) with the stage. Must be true in prod."
  type        = bool
  default     = true
}

variable "waf_rate_limit_per_5_minutes" {
  description = "Requests per source IP per 5 minutes above which the API web ACL blocks; high because CloudFront forwards many viewers from each edge address."
  type        = number
  default     = 10000

  validation {
    condition     = var.waf_rate_limit_per_5_minutes >= 100 && var.waf_rate_limit_per_5_minutes <= 2000000000 && floor(var.waf_rate_limit_per_5_minutes) == var.waf_rate_limit_per_5_minutes
    error_message = "waf_rate_limit_per_5_minutes must be a whole number between 100 (the WAF minimum) and 2000000000."
  }
}
