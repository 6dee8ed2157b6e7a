# ---------------------------------------------------------------------------
# Placement
# ---------------------------------------------------------------------------
variable "vpc_id" {
  description = "VPC id that holds the data subnets (network module output vpc_id)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must look like \"vpc-0123456789abcdef0\"; pass module.network.vpc_id."
  }
}

variable "data_subnet_ids" {
  description = "Private data subnet ids (no route to the internet) in at least two AZs, for the DB subnet group."
  type        = list(string)

  validation {
    condition     = length(var.data_subnet_ids) >= 2 && alltrue([for s in var.data_subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "data_subnet_ids needs at least two \"subnet-...\" ids in different AZs (Multi-AZ and the DB subnet group require it); pass module.network.data_subnet_ids."
  }
}

variable "app_security_group_id" {
  description = "Security group of the Lambda functions (compute module output lambda_security_group_id); the only source admitted on 5432."
  type        = string

  validation {
    condition     = can(regex("^sg-[0-9a-f]{8,17}$", var.app_security_group_id))
    error_message = "app_security_group_id must look like \"sg-0123456789abcdef0\"; pass module.compute.lambda_security_group_id."
  }
}

# ---------------------------------------------------------------------------
# Engine and size
# ---------------------------------------------------------------------------
variable "engine_version" {
  description = "PostgreSQL version. A major version alone (\"17\") lets RDS pick the default minor and auto-upgrade minors."
  type        = string
  default     = "17"

  validation {
    condition     = can(regex("^1[7-9](\\.[0-9]+)?$", var.engine_version))
    error_message = "engine_version must be PostgreSQL 17 or newer, as \"17\" or \"17.<minor>\" (e.g. \"17.4\")."
  }
}

variable "instance_class" {
  description = "RDS instance class, e.g. db.t4g.medium (dev) or db.m7g.large (prod)."
  type        = string
  default     = "db.t4g.medium"

  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.instance_class))
    error_message = "instance_class must be an RDS class such as \"db.t4g.medium\" or \"db.m7g.large\"."
  }
}

variable "database_name" {
  description = "Name of the application database created in the instance."
  type        = string
  default     = "smartstack"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must start with a letter and contain only lowercase letters, digits and underscores (max 63), e.g. \"smartstack\"."
  }
}

variable "master_username" {
  description = "Master user name (not a secret; the password is managed by RDS in Secrets Manager). Applications connect as their own IAM-authenticated users."
  type        = string
  default     = "smartstack_admin"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.master_username)) && !contains(["postgres", "admin", "rdsadmin", "user", "public"], var.master_username)
    error_message = "master_username must be lowercase letters/digits/underscores starting with a letter and must not be a reserved name (postgres, admin, rdsadmin, user, public); e.g. \"smartstack_admin\"."
  }
}

variable "allocated_storage_gb" {
  description = "Initial gp3 storage in GiB."
  type        = number
  default     = 20

  validation {
    condition     = var.allocated_storage_gb >= 20 && var.allocated_storage_gb <= 65536
    error_message = "allocated_storage_gb must be between 20 and 65536 GiB (gp3 minimum is 20)."
  }
}

variable "max_allocated_storage_gb" {
  description = "Upper bound for storage autoscaling in GiB (must be greater than allocated_storage_gb)."
  type        = number
  default     = 100

  validation {
    condition     = var.max_allocated_storage_gb > var.allocated_storage_gb && var.max_allocated_storage_gb <= 65536
    error_message = "max_allocated_storage_gb must be greater than allocated_storage_gb and at most 65536; raise it or lower allocated_storage_gb."
  }
}

variable "ca_cert_identifier" {
  description = "Server certificate authority for TLS connections."
  type        = string
  default     = "rds-ca-rsa2048-g1"

  validation {
    condition     = contains(["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"], var.ca_cert_identifier)
    error_message = "ca_cert_identifier must be one of rds-ca-rsa2048-g1, rds-ca-rsa4096-g1 or rds-ca-ecc384-g1 (rds-ca-2019 is retired)."
  }
}

# ---------------------------------------------------------------------------
# Availability, backup and protection
# ---------------------------------------------------------------------------
variable "multi_az" {
  description = "Run a synchronous standby in a second AZ. The env roots reject false in staging and prod."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Automated backup retention (days); also the point-in-time-recovery window."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 7 and 35 (0 would disable backups and PITR); use 35 in prod."
  }
}

variable "backup_window" {
  description = "Daily UTC backup window (hh24:mi-hh24:mi); must not overlap maintenance_window."
  type        = string
  default     = "03:00-04:00"

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.backup_window))
    error_message = "backup_window must be \"hh24:mi-hh24:mi\" in UTC, at least 30 minutes long, e.g. \"03:00-04:00\"."
  }
}

variable "maintenance_window" {
  description = "Weekly UTC maintenance window (ddd:hh24:mi-ddd:hh24:mi)."
  type        = string
  default     = "sun:04:30-sun:05:30"

  validation {
    condition     = can(regex("^(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]-(mon|tue|wed|thu|fri|sat|sun):([01][0-9]|2[0-3]):[0-5][0-9]$", var.maintenance_window))
    error_message = "maintenance_window must be \"ddd:hh24:mi-ddd:hh24:mi\" in UTC with lowercase days, e.g. \"sun:04:30-sun:05:30\"."
  }
}

variable "deletion_protection" {
  description = "RDS deletion protection. Must be true in prod (the env roots enforce it); dev may turn it off to allow teardown."
  type        = bool
  default     = true
}

variable "final_snapshot_enabled" {
  description = "Take a final snapshot named <name_prefix>-postgres-final-<id of this instance's life> when the instance is deleted. Must be true in prod."
  type        = bool
  default     = true
}

variable "apply_immediately" {
  description = "Apply modifications immediately instead of in the maintenance window. Keep false in prod."
  type        = bool
  default     = false
}

variable "kms_deletion_window_days" {
  description = "Waiting period before the RDS KMS key is deleted once scheduled (7-30 days)."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30."
  }
}

# ---------------------------------------------------------------------------
# Observability
# ---------------------------------------------------------------------------
variable "performance_insights_retention_days" {
  description = "Performance Insights retention: 7 (free tier) or a multiple of 31 up to 731."
  type        = number
  default     = 7

  validation {
    condition     = var.performance_insights_retention_days == 7 || (var.performance_insights_retention_days % 31 == 0 && var.performance_insights_retention_days <= 731) || var.performance_insights_retention_days == 731
    error_message = "performance_insights_retention_days must be 7, 731, or a multiple of 31 (31, 62, ... 713)."
  }
}

variable "monitoring_interval_seconds" {
  description = "Enhanced Monitoring interval in seconds (OS metrics published to CloudWatch Logs RDSOSMetrics through the module's monitoring role); 0 turns it off and creates no role."
  type        = number
  default     = 60

  validation {
    condition     = contains([0, 1, 5, 10, 15, 30, 60], var.monitoring_interval_seconds)
    error_message = "monitoring_interval_seconds must be one of the values RDS accepts: 0 (off), 1, 5, 10, 15, 30 or 60."
  }
}

variable "cloudwatch_logs_exports" {
  description = "PostgreSQL log types exported to CloudWatch Logs."
  type        = list(string)
  default     = ["postgresql", "upgrade"]

  validation {
    condition     = alltrue([for t in var.cloudwatch_logs_exports : contains(["postgresql", "upgrade", "iam-db-auth-error"], t)])
    error_message = "cloudwatch_logs_exports may only contain \"postgresql\", \"upgrade\" and \"iam-db-auth-error\"."
  }
}

variable "log_min_duration_statement_ms" {
  description = "Log statements slower than this many milliseconds (-1 disables)."
  type        = number
  default     = 1000

  validation {
    condition     = var.log_min_duration_statement_ms >= -1
    error_message = "log_min_duration_statement_ms must be -1 (off) or a duration in milliseconds >= 0."
  }
}

variable "logs_kms_key_arn" {
  description = "KMS key ARN for the exported-log CloudWatch log groups (observability module output logs_kms_key_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", var.logs_kms_key_arn))
    error_message = "logs_kms_key_arn must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>); pass module.observability.logs_kms_key_arn."
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
