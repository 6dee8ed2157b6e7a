variable "account_id" {
  description = "AWS account id of the staging environment; the provider refuses any other account."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be the 12-digit AWS account id of the staging account, e.g. \"222222222222\"."
  }
}

variable "region" {
  description = "Home region of the staging environment."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as \"us-east-1\"."
  }
}

variable "owner" {
  description = "Team that owns the environment (default tag Owner)."
  type        = string

  validation {
    condition     = length(trimspace(var.owner)) > 0
    error_message = "owner must name the owning team, e.g. \"platform\"."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR of the staging VPC."
  type        = string
}

variable "availability_zones" {
  description = "Availability zones the staging environment spans (at least two)."
  type        = list(string)
}

variable "nat_gateway_mode" {
  description = "\"per_az\" (one NAT gateway per zone) or \"single\" (one shared)."
  type        = string

  validation {
    condition     = var.nat_gateway_mode == "per_az"
    error_message = "staging must keep one NAT gateway per availability zone: set nat_gateway_mode = \"per_az\"."
  }
}

variable "enable_interface_endpoints" {
  description = "Interface VPC endpoints for AWS APIs used by the Lambdas."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of CloudWatch log groups in staging, in days."
  type        = number
}
