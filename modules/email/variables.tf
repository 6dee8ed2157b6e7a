variable "domain_name" {
  description = "Domain verified as the SES identity and used for DKIM/MAIL FROM (e.g. smartstack.example.com or dev.smartstack.example.com)."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name must be a lowercase DNS name without a trailing dot, e.g. \"smartstack.example.com\"."
  }
}

variable "hosted_zone_id" {
  description = "Route 53 public hosted zone id that serves domain_name (dns module output zone_id or an existing zone)."
  type        = string

  validation {
    condition     = can(regex("^Z[A-Z0-9]{1,31}$", var.hosted_zone_id))
    error_message = "hosted_zone_id must be a Route 53 zone id such as \"Z0123456789ABCDEFGHIJ\" (without the /hostedzone/ prefix)."
  }
}

variable "mail_from_subdomain" {
  description = "Label of the custom MAIL FROM domain (<label>.<domain_name>), which aligns SPF for DMARC."
  type        = string
  default     = "mail"

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$", var.mail_from_subdomain))
    error_message = "mail_from_subdomain must be a single lowercase DNS label such as \"mail\"."
  }
}

variable "dmarc_record" {
  description = "Value of the _dmarc TXT record, or null to leave DMARC to whoever owns the zone apex policy."
  type        = string
  default     = "v=DMARC1; p=quarantine; adkim=r; aspf=r"

  validation {
    condition     = var.dmarc_record == null || startswith(coalesce(var.dmarc_record, "x"), "v=DMARC1;")
    error_message = "dmarc_record must be null or start with \"v=DMARC1;\", e.g. \"v=DMARC1; p=quarantine\"."
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
