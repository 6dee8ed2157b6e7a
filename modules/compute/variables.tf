# ---------------------------------------------------------------------------
# Network: shared by every function
# ---------------------------------------------------------------------------
variable "vpc_id" {
  description = "VPC id (network module output vpc_id)."
  type        = string

  validation {
    condition     = can(regex("^vpc-[0-9a-f]{8,17}$", var.vpc_id))
    error_message = "vpc_id must look like \"vpc-0123456789abcdef0\"; pass module.network.vpc_id."
  }
}

variable "app_subnet_ids" {
  description = "Private application subnet ids, at least two AZs (network module output app_subnet_ids)."
  type        = list(string)

  validation {
    condition     = length(var.app_subnet_ids) >= 2 && alltrue([for s in var.app_subnet_ids : can(regex("^subnet-[0-9a-f]{8,17}$", s))])
    error_message = "app_subnet_ids needs at least two \"subnet-...\" ids in different AZs; pass module.network.app_subnet_ids."
  }
}

variable "data_subnet_cidr_blocks" {
  description = "CIDR blocks of the data subnets; the Lambda SG allows egress 5432 to these only (network module output data_subnet_cidr_blocks)."
  type        = list(string)

  validation {
    condition     = length(var.data_subnet_cidr_blocks) >= 1 && alltrue([for c in var.data_subnet_cidr_blocks : can(cidrhost(c, 0))])
    error_message = "data_subnet_cidr_blocks must be a non-empty list of IPv4 CIDRs such as \"10.0.3.0/24\"; pass module.network.data_subnet_cidr_blocks."
  }
}

variable "https_egress" {
  description = "Where the functions may open HTTPS (443), by name: each entry is exactly one of security_group_id (interface VPC endpoints), prefix_list_id (gateway endpoints, e.g. S3) or cidr, with the reason. The env roots pass the endpoints; a cidr such as 0.0.0.0/0 (through a NAT) is an exfiltration path and must be a reviewed exception."
  type = map(object({
    security_group_id = optional(string)
    prefix_list_id    = optional(string)
    cidr              = optional(string)
    reason            = string
  }))

  validation {
    condition     = length(var.https_egress) > 0 && alltrue([for d in values(var.https_egress) : length([for v in [d.security_group_id, d.prefix_list_id, d.cidr] : v if v != null]) == 1])
    error_message = "https_egress needs at least one destination, each with exactly one of security_group_id, prefix_list_id or cidr, e.g. { interface-endpoints = { security_group_id = module.network.vpc_endpoint_security_group_id, reason = \"AWS APIs\" } }."
  }

  validation {
    condition     = alltrue([for d in values(var.https_egress) : d.cidr == null || can(cidrhost(coalesce(d.cidr, "0.0.0.0/0"), 0))])
    error_message = "https_egress cidr values must be IPv4 CIDRs such as 10.0.0.0/16."
  }
}

# ---------------------------------------------------------------------------
# Runtime and logging: shared by every function
# ---------------------------------------------------------------------------
variable "runtime" {
  description = "Python runtime for all functions (python3.12 or newer)."
  type        = string
  default     = "python3.12"

  validation {
    condition     = contains(["python3.12", "python3.13", "python3.14"], var.runtime)
    error_message = "runtime must be \"python3.12\", \"python3.13\" or \"python3.14\"; older Python runtimes are deprecated or near end of support."
  }
}

variable "architecture" {
  description = "Instruction set: arm64 (Graviton, cheaper) or x86_64. The packages' native wheels must be built for it (the packaging reads the env roots' lambda_architecture)."
  type        = string

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be \"arm64\" or \"x86_64\" and must match the platform the packages were built for."
  }
}

variable "application_log_level" {
  description = "Lambda advanced logging application log level (JSON format)."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"], var.application_log_level)
    error_message = "application_log_level must be one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL."
  }
}

variable "system_log_level" {
  description = "Lambda advanced logging system log level."
  type        = string
  default     = "WARN"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN"], var.system_log_level)
    error_message = "system_log_level must be one of DEBUG, INFO, WARN."
  }
}

variable "logs_kms_key_arn" {
  description = "KMS key ARN for the Lambda log groups (observability module output logs_kms_key_arn)."
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

variable "release_alias_name" {
  description = "Alias every caller invokes (API Gateway, the authorizer, the queue mapping, the API's AI calls); releases move it between published versions."
  type        = string
  default     = "live"

  validation {
    condition     = can(regex("^[a-zA-Z_-][a-zA-Z0-9_-]{0,127}$", var.release_alias_name)) && var.release_alias_name != "$LATEST"
    error_message = "release_alias_name must be 1-128 letters, digits, '-' or '_', not starting with a digit (a Lambda alias name), e.g. \"live\"."
  }
}

# ---------------------------------------------------------------------------
# Database: the PostgreSQL instance the functions with a `database` entry reach
# ---------------------------------------------------------------------------
variable "database" {
  description = "The PostgreSQL instance (data module outputs db_address, db_name, db_resource_id): every function whose entry has `database` gets DB_HOST, DB_PORT, DB_NAME, DB_AUTH_MODE and DB_CA_BUNDLE (verify-full against certs/<ca_bundle_file>, which packaging puts in every zip), and with IAM auth an isolated rds-db:connect policy on dbuser:<resource_id>/<user> (resource_id is an apply-time value). Null when no function uses a database."
  type = object({
    address        = string
    port           = optional(number, 5432)
    name           = string
    resource_id    = string
    ca_bundle_file = optional(string, "rds-ca-bundle.pem")
  })
  default = null

  validation {
    condition     = var.database == null || can(regex("^[A-Za-z0-9][A-Za-z0-9._-]*\\.pem$", var.database.ca_bundle_file))
    error_message = "database.ca_bundle_file must be a bare .pem file name such as \"rds-ca-bundle.pem\" (the zip path certs/<file> is added)."
  }

  validation {
    condition     = var.database == null || try(var.database.port >= 1 && var.database.port <= 65535, true)
    error_message = "database.port must be a TCP port (1-65535), e.g. 5432."
  }
}

variable "database_owner" {
  description = "The schema owner (data module outputs master_username, master_user_secret_arn, kms_key_arn): the functions with database.auth = \"owner\" (the migrations) log in as it with the password in its RDS-managed secret, and only their roles may read that secret (isolated policy read-schema-owner-secret, apply-time). Its own variable, not a function entry's, so that only those policies are built from the secret."
  type = object({
    username    = string
    secret_arn  = string
    kms_key_arn = string
  })
  default = null
}

# ---------------------------------------------------------------------------
# The functions: one entry each. A new function is one entry.
# ---------------------------------------------------------------------------
variable "functions" {
  description = "The functions by key; the key names the function <name_prefix>-<key>, its role <name_prefix>-<key>-lambda and its log group. Each entry: description, handler, package_path (the built zip), memory_mb, timeout_seconds, reserved_concurrency (-1 = unreserved); environment (merged over POWERTOOLS_*, PARAMETER_PATH and DB_*); parameters (reads /smartstack/<env>/ from SSM); secret_names (read, without the <name_prefix>/ prefix); database ({ user } logs in with an IAM token, { auth = \"owner\" } as database_owner); policy_statements (each a jsonencode()d IAM statement with a Sid); invokers (aws_lambda_permission by statement id: principal, source_arn, source_account); release.alias (callers invoke the release alias) and release.async_on_failure (failed asynchronous invokes go to the on-failure queue). README \"Choices\" has an example."
  type = map(object({
    description          = string
    handler              = string
    package_path         = string
    memory_mb            = optional(number, 256)
    timeout_seconds      = optional(number, 30)
    reserved_concurrency = optional(number, -1)
    environment          = optional(map(string), {})
    parameters           = optional(bool, true)
    secret_names         = optional(list(string), [])
    database = optional(object({
      user = optional(string)
      auth = optional(string, "iam")
    }))
    policy_statements = optional(list(string), [])
    invokers = optional(map(object({
      principal      = string
      source_arn     = string
      source_account = optional(string)
    })), {})
    release = optional(object({
      alias            = optional(bool, true)
      async_on_failure = optional(bool, false)
    }), {})
  }))

  validation {
    condition     = length(var.functions) > 0 && alltrue([for k in keys(var.functions) : can(regex("^[a-z][a-z0-9-]{0,20}$", k))])
    error_message = "functions needs at least one entry, each key lowercase letters, digits and '-' (at most 21, it names the function <name_prefix>-<key>), e.g. { api = { ... } }."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : endswith(f.package_path, ".zip")])
    error_message = "functions.<key>.package_path must point to the built .zip (build/functions/<arch>/<name>.zip): run `make package` first."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : can(regex("^[A-Za-z_][A-Za-z0-9_.]*\\.[A-Za-z_][A-Za-z0-9_]*$", f.handler))])
    error_message = "functions.<key>.handler must be <module path>.<function>, e.g. \"smartstack_api.handler.lambda_handler\"."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.memory_mb >= 128 && f.memory_mb <= 10240])
    error_message = "functions.<key>.memory_mb must be between 128 and 10240 (Lambda's limits)."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.timeout_seconds >= 1 && f.timeout_seconds <= 900])
    error_message = "functions.<key>.timeout_seconds must be between 1 and 900 (Lambda's maximum); split longer work."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.reserved_concurrency == -1 || f.reserved_concurrency >= 1])
    error_message = "functions.<key>.reserved_concurrency must be -1 (unreserved) or >= 1 (0 would throttle the function completely)."
  }

  validation {
    condition     = alltrue(flatten([for f in values(var.functions) : [for s in f.secret_names : can(regex("^[a-z0-9][a-z0-9/_-]{0,200}$", s))]]))
    error_message = "functions.<key>.secret_names entries must be lowercase names without the <name_prefix>/ prefix, e.g. \"api-signing-key\"."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.database == null || try(f.database.auth == "owner" || can(regex("^[a-z][a-z0-9_]{0,62}$", f.database.user)), false)])
    error_message = "functions.<key>.database.user must be a lowercase PostgreSQL role name, e.g. { user = \"smartstack_api\" } (IAM auth), or set auth = \"owner\" to log in as database_owner."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.database == null || try(contains(["iam", "owner"], f.database.auth), false)])
    error_message = "functions.<key>.database.auth must be \"iam\" (an IAM token as database.user, the default) or \"owner\" (the password of database_owner)."
  }

  validation {
    condition     = alltrue(flatten([for f in values(var.functions) : [for s in f.policy_statements : try(length(jsondecode(s).Sid) > 0 && contains(["Allow", "Deny"], jsondecode(s).Effect) && length(jsondecode(s).Action) > 0 && length(jsondecode(s).Resource) > 0, false)]]))
    error_message = "functions.<key>.policy_statements entries must each be jsonencode({ Sid = \"...\", Effect = \"Allow\", Action = ..., Resource = ... }) (Condition optional)."
  }

  validation {
    condition     = var.database != null || alltrue([for f in values(var.functions) : f.database == null])
    error_message = "functions.<key>.database needs the database input: pass database = { address, name, resource_id } (module.data outputs)."
  }

  validation {
    condition     = var.database_owner != null || alltrue([for f in values(var.functions) : try(f.database.auth, null) != "owner"])
    error_message = "functions.<key>.database.auth = \"owner\" needs the database_owner input: pass { username, secret_arn, kms_key_arn } (module.data outputs)."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : f.release.alias || !f.release.async_on_failure])
    error_message = "functions.<key>.release.async_on_failure configures the release alias's asynchronous invokes: set release.alias = true as well, or async_on_failure = false."
  }

  validation {
    condition     = alltrue(flatten([for f in values(var.functions) : [for id in keys(f.invokers) : can(regex("^[A-Za-z0-9_-]{1,100}$", id))]]))
    error_message = "functions.<key>.invokers keys are the permissions' statement ids: letters, digits, '-' and '_' only, e.g. \"SecretsManagerRotates-api-signing-key\"."
  }
}
