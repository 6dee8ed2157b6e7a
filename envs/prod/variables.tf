variable "account_id" {
  description = "AWS account id of the prod environment; the provider refuses any other account."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be the 12-digit AWS account id of the prod account, e.g. \"333333333333\"."
  }
}

variable "region" {
  description = "Home region of the prod environment."
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
  description = "IPv4 CIDR of the prod VPC."
  type        = string
}

variable "availability_zones" {
  description = "Availability zones the prod environment spans (at least two)."
  type        = list(string)
}

variable "nat_gateway_mode" {
  description = "\"per_az\" (one NAT gateway per zone) or \"single\" (one shared)."
  type        = string

  validation {
    condition     = var.nat_gateway_mode == "per_az"
    error_message = "prod must keep one NAT gateway per availability zone: set nat_gateway_mode = \"per_az\"."
  }
}

variable "enable_interface_endpoints" {
  description = "Interface VPC endpoints for AWS APIs used by the Lambdas."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of CloudWatch log groups in prod, in days."
  type        = number
}
