variable "domain_name" {
  description = "Site domain served by CloudFront (apex, plus www.<domain_name>), e.g. smartstack.example.com."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name must be a lowercase DNS name without a trailing dot, e.g. \"smartstack.example.com\"."
  }
}

variable "hosted_zone_id" {
  description = "Route 53 hosted zone serving domain_name (dns module output zone_id)."
  type        = string

  validation {
    condition     = can(regex("^Z[A-Z0-9]{1,31}$", var.hosted_zone_id))
    error_message = "hosted_zone_id must be a Route 53 zone id such as \"Z0123456789ABCDEFGHIJ\"."
  }
}

variable "web_bucket_regional_domain_name" {
  description = "Regional domain name of the web bucket (storage output web_bucket_regional_domain_name)."
  type        = string
}

variable "api_origin_domain_name" {
  description = "Hostname CloudFront forwards /api/* to: the API custom domain (api module output custom_domain_name)."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.api_origin_domain_name))
    error_message = "api_origin_domain_name must be a hostname without scheme or path, e.g. \"api.smartstack.example.com\"; pass module.api.custom_domain_name."
  }
}

variable "log_bucket_arn" {
  description = "ARN of the access-log bucket (storage output logs_bucket_arn); its policy admits delivery.logs.amazonaws.com."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", var.log_bucket_arn))
    error_message = "log_bucket_arn must be a bucket ARN (arn:aws:s3:::<bucket>); pass module.storage.logs_bucket_arn."
  }
}

variable "log_prefix" {
  description = "Prefix in the log bucket for CloudFront logs (storage output cloudfront_log_prefix)."
  type        = string
  default     = "cloudfront"
}

variable "static_cache_policy_id" {
  description = "Cache policy for the static site (default: AWS managed CachingOptimized)."
  type        = string
  default     = "658327ea-f89d-4fab-a63d-7e88639e58f6"
}

variable "api_cache_policy_id" {
  description = "Cache policy for /api/* (default: AWS managed CachingDisabled)."
  type        = string
  default     = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
}

variable "api_origin_request_policy_id" {
  description = "Origin request policy for /api/* (default: AWS managed AllViewerExceptHostHeader, so API Gateway sees its own Host)."
  type        = string
  default     = "b689b0a8-53d0-40ab-baf2-68738e2966ac"
}

variable "price_class" {
  description = "CloudFront price class."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "content_security_policy" {
  description = "Content-Security-Policy header value sent with every response."
  type        = string
  default     = "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
}

variable "waf_managed_rules_enabled" {
  description = "Enable the AWS managed rule groups (Common, KnownBadInputs, IpReputation). The env roots turn it on in prod."
  type        = bool
  default     = true
}

variable "waf_rate_limit_per_5_minutes" {
  description = "Requests per client IP per 5 minutes above which WAF blocks the IP."
  type        = number
  default     = 2000

  validation {
    condition     = var.waf_rate_limit_per_5_minutes >= 10 && var.waf_rate_limit_per_5_minutes <= 2000000000
    error_message = "waf_rate_limit_per_5_minutes must be between 10 and 2,000,000,000 (WAF limits)."
  }
}
variable "waf_log_retention_days" {
  description = "Retention in days of the WAF log group aws-waf-logs-<name_prefix> (us-east-1); a value CloudWatch accepts, at least 90."
  type        = number
  default     = 365

  validation {
    condition     = var.waf_log_retention_days >= 90 && contains([90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.waf_log_retention_days)
    error_message = "waf_log_retention_days must be one of CloudWatch's allowed values from 90 up: 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period before the WAF log KMS key is deleted once scheduled (7-30 days)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}
