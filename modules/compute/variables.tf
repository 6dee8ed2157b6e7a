# ---------------------------------------------------------------------------
# Network
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
# Runtime and packages
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

variable "api_package_path" {
  description = "Path to the deterministic zip of the API function (built from functions/)."
  type        = string

  validation {
    condition     = endswith(var.api_package_path, ".zip")
    error_message = "api_package_path must point to the built .zip (e.g. \"../../build/api.zip\"); run the functions build first."
  }
}

variable "ai_package_path" {
  description = "Path to the deterministic zip of the AI service function."
  type        = string

  validation {
    condition     = endswith(var.ai_package_path, ".zip")
    error_message = "ai_package_path must point to the built .zip (e.g. \"../../build/ai.zip\"); run the functions build first."
  }
}

variable "authorizer_package_path" {
  description = "Path to the deterministic zip of the API Gateway authorizer function."
  type        = string

  validation {
    condition     = endswith(var.authorizer_package_path, ".zip")
    error_message = "authorizer_package_path must point to the built .zip (e.g. \"../../build/authorizer.zip\"); run the functions build first."
  }
}

variable "migrate_package_path" {
  description = "Path of the migrate function's deployment zip (build/functions/<arch>/migrate.zip from `make package`)."
  type        = string

  validation {
    condition     = endswith(var.migrate_package_path, ".zip")
    error_message = "migrate_package_path must point to the built .zip (e.g. \"../../build/functions/arm64/migrate.zip\"); run `make package` first."
  }
}

variable "migrate_handler" {
  description = "Handler of the migrate function."
  type        = string
  default     = "smartstack_migrate.handler.handler"
}

variable "rotate_package_path" {
  description = "Path of the rotate function's deployment zip (build/functions/<arch>/rotate.zip from `make package`)."
  type        = string

  validation {
    condition     = endswith(var.rotate_package_path, ".zip")
    error_message = "rotate_package_path must point to the built .zip (e.g. \"../../build/functions/arm64/rotate.zip\"); run `make package` first."
  }
}

variable "rotate_handler" {
  description = "Handler of the rotate function."
  type        = string
  default     = "smartstack_rotate.handler.handler"
}

variable "rotated_secret_names" {
  description = "Secrets the rotate function rotates, without the smartstack-<env>/ prefix (secrets module output generated_secret_names): its role may write exactly these, and Secrets Manager may invoke it for them."
  type        = list(string)

  validation {
    condition     = length(var.rotated_secret_names) > 0 && alltrue([for s in var.rotated_secret_names : can(regex("^[a-z0-9][a-z0-9/_-]{0,200}$", s))])
    error_message = "rotated_secret_names must list at least one secret name without the smartstack-<env>/ prefix, e.g. [\"api-signing-key\"]; pass module.secrets.generated_secret_names."
  }
}

variable "api_handler" {
  description = "Handler of the API function (module.function)."
  type        = string
  default     = "smartstack_api.handler.lambda_handler"
}

variable "ai_handler" {
  description = "Handler of the AI function (module.function)."
  type        = string
  default     = "smartstack_ai.handler.lambda_handler"
}

variable "authorizer_handler" {
  description = "Handler of the authorizer function (module.function)."
  type        = string
  default     = "smartstack_authorizer.handler.lambda_handler"
}

# ---------------------------------------------------------------------------
# Sizing
# ---------------------------------------------------------------------------
variable "api_memory_mb" {
  description = "Memory of the API function in MB."
  type        = number
  default     = 1024

  validation {
    condition     = var.api_memory_mb >= 128 && var.api_memory_mb <= 10240
    error_message = "api_memory_mb must be between 128 and 10240."
  }
}

variable "ai_memory_mb" {
  description = "Memory of the AI function in MB."
  type        = number
  default     = 1024

  validation {
    condition     = var.ai_memory_mb >= 128 && var.ai_memory_mb <= 10240
    error_message = "ai_memory_mb must be between 128 and 10240."
  }
}

variable "authorizer_memory_mb" {
  description = "Memory of the authorizer function in MB."
  type        = number
  default     = 256

  validation {
    condition     = var.authorizer_memory_mb >= 128 && var.authorizer_memory_mb <= 10240
    error_message = "authorizer_memory_mb must be between 128 and 10240."
  }
}

variable "api_timeout_seconds" {
  description = "Timeout of the API function (HTTP). Synchronous API Gateway requests end at 29 s, so keep it at or below 29. The queue consumer has its own worker_timeout_seconds."
  type        = number
  default     = 29

  validation {
    condition     = var.api_timeout_seconds >= 3 && var.api_timeout_seconds <= 29
    error_message = "api_timeout_seconds must be between 3 and 29 (API Gateway's integration limit)."
  }
}

variable "worker_timeout_seconds" {
  description = "Timeout of the task-queue consumer (the API application's code). It waits for the AI function, so it must cover a batch's worst case: policy rule contract.time-budget-chain checks it against the functions' call bounds. The queue's visibility timeout is derived from it."
  type        = number
  default     = 300

  validation {
    condition     = var.worker_timeout_seconds >= 30 && var.worker_timeout_seconds <= 900
    error_message = "worker_timeout_seconds must be between 30 and 900 (Lambda's maximum)."
  }
}

variable "ai_timeout_seconds" {
  description = "Timeout of the AI function (Bedrock calls can be slow)."
  type        = number
  default     = 120

  validation {
    condition     = var.ai_timeout_seconds >= 3 && var.ai_timeout_seconds <= 900
    error_message = "ai_timeout_seconds must be between 3 and 900."
  }
}

variable "authorizer_timeout_seconds" {
  description = "Timeout of the authorizer function."
  type        = number
  default     = 5

  validation {
    condition     = var.authorizer_timeout_seconds >= 1 && var.authorizer_timeout_seconds <= 29
    error_message = "authorizer_timeout_seconds must be between 1 and 29."
  }
}

variable "migrate_timeout_seconds" {
  description = "Timeout of the migrate function: the longest migration must fit in it."
  type        = number
  default     = 300

  validation {
    condition     = var.migrate_timeout_seconds >= 30 && var.migrate_timeout_seconds <= 900
    error_message = "migrate_timeout_seconds must be between 30 and 900 (Lambda's limit); split a longer migration."
  }
}

variable "migrate_memory_mb" {
  description = "Memory of the migrate function in MB."
  type        = number
  default     = 256

  validation {
    condition     = var.migrate_memory_mb >= 128 && var.migrate_memory_mb <= 10240
    error_message = "migrate_memory_mb must be between 128 and 10240."
  }
}

variable "rotate_timeout_seconds" {
  description = "Timeout of the rotate function: one rotation step is a few Secrets Manager calls."
  type        = number
  default     = 30

  validation {
    condition     = var.rotate_timeout_seconds >= 5 && var.rotate_timeout_seconds <= 900
    error_message = "rotate_timeout_seconds must be between 5 and 900 (Lambda's limit); a step makes at most four Secrets Manager calls, 30 is ample."
  }
}

variable "rotate_memory_mb" {
  description = "Memory of the rotate function in MB."
  type        = number
  default     = 256

  validation {
    condition     = var.rotate_memory_mb >= 128 && var.rotate_memory_mb <= 10240
    error_message = "rotate_memory_mb must be between 128 and 10240."
  }
}

variable "reserved_concurrency" {
  description = "Reserved concurrent executions per function (keys api, worker, ai, authorizer; migrate and rotate optional, unreserved by default: migrations queue on an advisory lock, rotations are rare). -1 = unreserved (use in small dev accounts whose regional limit is 10)."
  type        = map(number)
  default = {
    api        = 50
    worker     = 10
    ai         = 20
    authorizer = 20
  }

  validation {
    condition     = alltrue([for k in ["api", "worker", "ai", "authorizer"] : contains(keys(var.reserved_concurrency), k)]) && alltrue([for v in values(var.reserved_concurrency) : v == -1 || v >= 1])
    error_message = "reserved_concurrency must have the keys api, worker, ai and authorizer, each -1 (unreserved) or >= 1 (0 would throttle the function completely)."
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

# ---------------------------------------------------------------------------
# What the code uses (all names/ARNs; no secret values)
# ---------------------------------------------------------------------------
variable "files_bucket_name" {
  description = "Files bucket name (storage module output files_bucket_name)."
  type        = string
}

variable "files_bucket_arn" {
  description = "Files bucket ARN (storage module output files_bucket_arn); the API gets attachments/*, the AI function ai-logs/*."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9.-]+$", var.files_bucket_arn))
    error_message = "files_bucket_arn must be a bucket ARN (arn:aws:s3:::<bucket>) without a key path; pass module.storage.files_bucket_arn."
  }
}

variable "task_queue_arn" {
  description = "ARN of the SQS task queue (messaging module output queue_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:.+$", var.task_queue_arn))
    error_message = "task_queue_arn must be an SQS queue ARN; pass module.messaging.queue_arn."
  }
}

variable "task_queue_url" {
  description = "URL of the SQS task queue (messaging module output queue_url)."
  type        = string
}

variable "ses_identity_arn" {
  description = "ARN of the SES domain identity the API may send from (email module output identity_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ses:[a-z0-9-]+:[0-9]{12}:identity/.+$", var.ses_identity_arn))
    error_message = "ses_identity_arn must be an SES identity ARN; pass module.email.identity_arn."
  }
}

variable "ses_configuration_set_arn" {
  description = "ARN of the SES configuration set (email module output configuration_set_arn)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ses:[a-z0-9-]+:[0-9]{12}:configuration-set/.+$", var.ses_configuration_set_arn))
    error_message = "ses_configuration_set_arn must be an SES configuration-set ARN; pass module.email.configuration_set_arn."
  }
}

variable "ses_configuration_set_name" {
  description = "Name of the SES configuration set (email module output configuration_set_name)."
  type        = string
}

variable "ses_sender_address" {
  description = "From address the API sends as (e.g. no-reply@smartstack.example.com); the SES statement is conditioned on it."
  type        = string

  validation {
    condition     = can(regex("^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$", var.ses_sender_address))
    error_message = "ses_sender_address must be an email address in the SES identity's domain, e.g. \"no-reply@smartstack.example.com\"."
  }
}

variable "api_secret_names" {
  description = "Extra secret names (without the smartstack-<env>/ prefix) the API function may read besides link_signing_key_secret_name, e.g. [\"third-party/stripe\"]."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for s in var.api_secret_names : can(regex("^[a-z0-9][a-z0-9/_-]*$", s))])
    error_message = "api_secret_names entries must be lowercase names without the smartstack-<env>/ prefix, e.g. \"api-signing-key\"."
  }
}

variable "ai_secret_names" {
  description = "Extra secret names (without prefix) the AI function may read besides ai_log_hmac_key_secret_name."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for s in var.ai_secret_names : can(regex("^[a-z0-9][a-z0-9/_-]*$", s))])
    error_message = "ai_secret_names entries must be lowercase names without the smartstack-<env>/ prefix."
  }
}

variable "link_signing_key_secret_name" {
  description = "Name (without prefix) of the secret holding the HMAC key that signs the job links in completion emails; the API reads it (LINK_SIGNING_KEY_SECRET_NAME) and its role may read exactly this secret plus api_secret_names."
  type        = string
  default     = "link-signing-key"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9/_-]*$", var.link_signing_key_secret_name))
    error_message = "link_signing_key_secret_name must be a lowercase secret name without the smartstack-<env>/ prefix, e.g. \"link-signing-key\"."
  }
}

variable "ai_log_hmac_key_secret_name" {
  description = "Name (without prefix) of the secret holding the HMAC key that pseudonymises caller ids in the AI logs; the AI function reads it at cold start (AI_LOG_HMAC_KEY_SECRET_NAME) and its role may read exactly this secret plus ai_secret_names."
  type        = string
  default     = "ai-log-hmac-key"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9/_-]*$", var.ai_log_hmac_key_secret_name))
    error_message = "ai_log_hmac_key_secret_name must be a lowercase secret name without the smartstack-<env>/ prefix, e.g. \"ai-log-hmac-key\"."
  }
}

variable "app_base_url" {
  description = "Web app origin used in the job links of completion emails (APP_BASE_URL), e.g. \"https://smartstack.example.com\". Null = https:// plus the domain of ses_sender_address."
  type        = string
  default     = null

  validation {
    condition     = var.app_base_url == null || can(regex("^https://[a-z0-9.-]+(:[0-9]+)?$", coalesce(var.app_base_url, "x")))
    error_message = "app_base_url must be an https origin without a path, e.g. \"https://smartstack.example.com\"."
  }
}

variable "signing_key_secret_name" {
  description = "Name (without prefix) of the secret holding the token signing key; passed to the authorizer as SIGNING_KEY_SECRET_NAME and must be in authorizer_secret_names."
  type        = string
  default     = "api-signing-key"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9/_-]*$", var.signing_key_secret_name))
    error_message = "signing_key_secret_name must be a lowercase secret name without the smartstack-<env>/ prefix, e.g. \"api-signing-key\"."
  }
}

variable "authorizer_secret_names" {
  description = "Secret names (without prefix) the authorizer may read (the token signing key)."
  type        = list(string)
  default     = ["api-signing-key"]

  validation {
    condition     = alltrue([for s in var.authorizer_secret_names : can(regex("^[a-z0-9][a-z0-9/_-]*$", s))]) && contains(var.authorizer_secret_names, var.signing_key_secret_name)
    error_message = "authorizer_secret_names entries must be lowercase names without the smartstack-<env>/ prefix and must include signing_key_secret_name (default \"api-signing-key\")."
  }
}

variable "bedrock_model_ids" {
  description = "Bedrock foundation-model ids the AI function may invoke in this region, e.g. [\"anthropic.claude-3-5-sonnet-20240620-v1:0\"]."
  type        = list(string)

  validation {
    condition     = length(var.bedrock_model_ids) >= 1 && alltrue([for m in var.bedrock_model_ids : can(regex("^[a-z0-9-]+\\.[A-Za-z0-9.:_-]+$", m)) && !strcontains(m, "*")])
    error_message = "bedrock_model_ids must list at least one exact model id such as \"anthropic.claude-3-5-sonnet-20240620-v1:0\" (no wildcards)."
  }
}

# ---------------------------------------------------------------------------
# Database (IAM authentication; no password anywhere)
# ---------------------------------------------------------------------------
variable "db_address" {
  description = "PostgreSQL endpoint address (data module output db_address)."
  type        = string
}

variable "db_port" {
  description = "PostgreSQL port."
  type        = number
  default     = 5432
}

variable "db_name" {
  description = "Application database name (data module output db_name)."
  type        = string
}

variable "db_ca_bundle_file" {
  description = "File name of the RDS CA bundle that packaging puts at certs/<file> in every zip (functions/certs/<file>, from `make rds-ca-bundle`). The functions get DB_CA_BUNDLE=/var/task/certs/<file> and verify the server against it (verify-full)."
  type        = string
  default     = "rds-ca-bundle.pem"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9._-]*\\.pem$", var.db_ca_bundle_file))
    error_message = "db_ca_bundle_file must be a bare .pem file name such as \"rds-ca-bundle.pem\" (the zip path certs/<file> is added)."
  }
}

variable "db_resource_id" {
  description = "RDS DbiResourceId (data module output db_resource_id), used in the isolated rds-db:connect policy. Apply-time value."
  type        = string
}

variable "db_schema_owner" {
  description = "The schema owner the migrate function connects as: the RDS master user name, its RDS-managed secret (data module output master_user_secret_arn) and the KMS key encrypting that secret. Only the migrate function's role may read the secret."
  type = object({
    username    = string
    secret_arn  = string
    kms_key_arn = string
  })
}

variable "api_db_user" {
  description = "PostgreSQL role the API function logs in as with IAM auth (must be GRANTed rds_iam by a migration)."
  type        = string
  default     = "smartstack_api"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.api_db_user))
    error_message = "api_db_user must be a lowercase PostgreSQL role name, e.g. \"smartstack_api\"."
  }
}

variable "ai_db_user" {
  description = "PostgreSQL role the AI function logs in as with IAM auth."
  type        = string
  default     = "smartstack_ai"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.ai_db_user))
    error_message = "ai_db_user must be a lowercase PostgreSQL role name, e.g. \"smartstack_ai\"."
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
