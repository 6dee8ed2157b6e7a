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
