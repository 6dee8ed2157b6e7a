variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC. The seed layout is 10.0.0.0/16."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 24
    error_message = "vpc_cidr must be an IPv4 CIDR with a prefix between /16 and /24 (AWS VPC limits), e.g. \"10.0.0.0/16\"."
  }
}

variable "subnet_newbits" {
  description = "Bits added to the VPC prefix for each subnet (8 turns a /16 into /24 subnets, as in the seed)."
  type        = number
  default     = 8

  validation {
    condition     = var.subnet_newbits >= 2 && var.subnet_newbits <= 12
    error_message = "subnet_newbits must be between 2 and 12; 8 gives the seed's /24 subnets in a /16."
  }
}

variable "availability_zones" {
  description = "Availability zones to span, in order; the first gets the seed's 10.0.1-3.0/24 subnets. At least two."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 2 && length(distinct(var.availability_zones)) == length(var.availability_zones)
    error_message = "availability_zones must list at least two distinct zones, e.g. [\"us-east-1a\", \"us-east-1b\"]."
  }

  validation {
    condition     = alltrue([for az in var.availability_zones : can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9][a-z]$", az))])
    error_message = "availability_zones must be zone names such as \"us-east-1a\" (not zone ids like \"use1-az1\")."
  }
}

variable "nat_gateway_mode" {
  description = "\"none\": no NAT, the app subnets have no route to the internet (every AWS API through the VPC endpoints); \"per_az\": one NAT gateway per zone (HA); \"single\": one shared NAT gateway (cheaper)."
  type        = string
  default     = "none"

  validation {
    condition     = contains(["none", "per_az", "single"], var.nat_gateway_mode)
    error_message = "nat_gateway_mode must be \"none\" (no internet route), \"per_az\" (one NAT per zone) or \"single\" (one shared NAT)."
  }

  validation {
    condition     = var.nat_gateway_mode != "none" || var.enable_interface_endpoints
    error_message = "Without interface endpoints the functions reach AWS APIs only through a NAT gateway: set nat_gateway_mode = \"single\" or \"per_az\", or enable_interface_endpoints = true."
  }
}

variable "enable_interface_endpoints" {
  description = "Create interface VPC endpoints so Lambda reaches AWS APIs without any route to the internet."
  type        = bool
  default     = true
}

variable "interface_endpoint_services" {
  description = "Service short names for interface endpoints (com.amazonaws.<region>.<name>)."
  type        = set(string)
  default     = ["secretsmanager", "ssm", "sqs", "lambda", "bedrock-runtime", "logs", "kms", "sts", "email", "xray"]

  validation {
    condition     = alltrue([for s in var.interface_endpoint_services : can(regex("^[a-z0-9.-]+$", s))])
    error_message = "interface_endpoint_services must be service short names such as \"secretsmanager\" or \"bedrock-runtime\"."
  }
}

variable "flow_log_retention_days" {
  description = "Retention of the VPC flow log group, in days (a CloudWatch Logs allowed value)."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.flow_log_retention_days)
    error_message = "flow_log_retention_days must be a CloudWatch Logs retention value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }
}

variable "flow_log_traffic_type" {
  description = "Traffic captured by the VPC flow log: ALL, ACCEPT or REJECT."
  type        = string
  default     = "ALL"

  validation {
    condition     = contains(["ALL", "ACCEPT", "REJECT"], var.flow_log_traffic_type)
    error_message = "flow_log_traffic_type must be ALL, ACCEPT or REJECT."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period before the flow-log KMS key is deleted after destroy (7-30 days)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}
