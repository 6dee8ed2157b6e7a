# Inputs of every environment root (envs/<env>/variables.tf links here); values live in envs/<env>/terraform.tfvars.
# Rules that differ by environment read local.profile, this environment's entry in envs/profiles.json: dev
# stays cheap but architecturally identical; staging and prod stay highly available; prod is also protected
# against loss. Every message names the environment and the fix.
variable "account_id" {
  description = "AWS account id of this environment; the provider refuses any other account."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be the 12-digit AWS account id of the ${local.environment} account as a quoted string, e.g. account_id = \"123456789012\"."
  }
}

variable "region" {
  description = "Home region of this environment (CloudFront certificates and WAF always use us-east-1)."
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
    error_message = "owner must name the owning team, e.g. owner = \"platform\"."
  }
}

variable "vpc_cidr" {
  description = "IPv4 CIDR of this environment's VPC (/16 to /24)."
  type        = string

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && can(regex("^[0-9.]+/(1[6-9]|2[0-4])$", var.vpc_cidr))
    error_message = "vpc_cidr must be an IPv4 CIDR with a prefix between /16 and /24, e.g. vpc_cidr = \"10.0.0.0/16\"."
  }
}

variable "availability_zones" {
  description = "Availability zones of var.region this environment spans (at least two, for Multi-AZ RDS and the DB subnet group)."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 2 && length(distinct(var.availability_zones)) == length(var.availability_zones)
    error_message = "availability_zones must list at least two distinct zones so RDS Multi-AZ and the subnets span zones, e.g. [\"us-east-1a\", \"us-east-1b\"]."
  }

  validation {
    condition     = alltrue([for az in var.availability_zones : can(regex("^${var.region}[a-z]$", az))])
    error_message = "availability_zones must be zone names inside var.region, e.g. \"us-east-1a\" for region us-east-1 (not zone ids like \"use1-az1\")."
  }
}

variable "nat_gateway_mode" {
  description = "\"none\" (no route to the internet: every AWS API through the VPC endpoints), or, only without interface endpoints, \"per_az\" (one NAT gateway per zone, HA) or \"single\" (one shared, dev only)."
  type        = string

  validation {
    condition     = contains(["none", "per_az", "single"], var.nat_gateway_mode)
    error_message = "nat_gateway_mode must be \"none\" (no internet route), \"single\" (one shared NAT, cheaper) or \"per_az\" (one per zone)."
  }

  validation {
    condition     = var.nat_gateway_mode != "single" || !local.profile.nat_per_az_required
    error_message = "${local.environment} must not hang its egress on one zone's NAT gateway: set nat_gateway_mode = \"per_az\" (or \"none\" with interface endpoints)."
  }

  validation {
    condition     = var.nat_gateway_mode == "none" || !var.enable_interface_endpoints
    error_message = "With interface endpoints every AWS API the functions call is reached privately and their security group admits no internet: set nat_gateway_mode = \"none\" (a NAT would only add a path out)."
  }

  validation {
    condition     = var.nat_gateway_mode != "none" || var.enable_interface_endpoints
    error_message = "Without interface endpoints the functions reach AWS APIs only through a NAT gateway: set nat_gateway_mode = \"per_az\" (\"single\" in dev) or enable_interface_endpoints = true."
  }
}

variable "enable_interface_endpoints" {
  description = "Interface VPC endpoints for the AWS APIs the Lambdas call (so the app subnets need no route to the internet)."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of this environment's CloudWatch log groups (Lambda, API Gateway, RDS, VPC flow logs), in days."
  type        = number

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a CloudWatch Logs retention value: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653."
  }

  validation {
    condition     = var.log_retention_days >= local.profile.log_retention_floor_days
    error_message = "${local.environment} keeps logs at least ${local.profile.log_retention_floor_days} days for incident review: set log_retention_days = ${local.profile.log_retention_floor_days} or more."
  }
}

variable "access_log_retention_days" {
  description = "Days S3/CloudFront access logs are kept in the log bucket."
  type        = number

  validation {
    condition     = var.access_log_retention_days >= 1 && floor(var.access_log_retention_days) == var.access_log_retention_days
    error_message = "access_log_retention_days must be a whole number of days >= 1, e.g. 365."
  }

  validation {
    condition     = var.access_log_retention_days >= local.profile.access_log_retention_floor_days
    error_message = "${local.environment} keeps S3/CloudFront access logs at least ${local.profile.access_log_retention_floor_days} days: set access_log_retention_days = ${local.profile.access_log_retention_floor_days} or more."
  }
}

variable "kms_deletion_window_days" {
  description = "Waiting period before a scheduled KMS key deletion takes effect (every module's CMK), 7-30 days."
  type        = number

  validation {
    condition     = var.kms_deletion_window_days >= 7 && var.kms_deletion_window_days <= 30
    error_message = "kms_deletion_window_days must be between 7 and 30 (AWS limits)."
  }

  validation {
    condition     = var.kms_deletion_window_days >= local.profile.kms_deletion_window_floor_days
    error_message = "${local.environment} keeps deleted KMS keys recoverable at least ${local.profile.kms_deletion_window_floor_days} days: set kms_deletion_window_days = ${local.profile.kms_deletion_window_floor_days}."
  }
}

variable "domain_name" {
  description = "Public domain of this environment: Route 53 zone, CloudFront (apex and www), api.<domain>, SES identity."
  type        = string

  # prod owns the apex; every other environment lives on its own <env>. subdomain.
  validation {
    condition     = !local.profile.apex_domain || (can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain_name)) && !can(regex("^(${join("|", local.subdomain_environments)})\\.", var.domain_name)))
    error_message = "domain_name must be the ${local.environment} domain in lowercase, not a ${join("/", [for name in local.subdomain_environments : "${name}."])} subdomain, e.g. domain_name = \"smartstack.example.com\"."
  }

  validation {
    condition     = local.profile.apex_domain || can(regex("^${local.environment}\\.([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}$", var.domain_name))
    error_message = "domain_name must be the ${local.environment} subdomain in lowercase so it cannot collide with another environment, e.g. domain_name = \"${local.environment}.smartstack.example.com\"."
  }
}

variable "ses_sender_address" {
  description = "From address of notification emails; must be at domain_name (the verified SES identity)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9._+-]+@", var.ses_sender_address)) && endswith(var.ses_sender_address, "@${var.domain_name}")
    error_message = "ses_sender_address must be an address at domain_name (the SES identity), e.g. ses_sender_address = \"no-reply@${local.profile.apex_domain ? "" : "${local.environment}."}smartstack.example.com\"."
  }
}

variable "alarm_email_addresses" {
  description = "Addresses subscribed to the alarm SNS topic (each confirms the subscription)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.alarm_email_addresses : can(regex("^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$", e))])
    error_message = "alarm_email_addresses must contain email addresses, e.g. [\"oncall@smartstack.example.com\"]."
  }
}

variable "rds_instance_class" {
  description = "RDS PostgreSQL instance class of this environment's database."
  type        = string

  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.rds_instance_class))
    error_message = "rds_instance_class must be an RDS instance class such as \"db.t4g.medium\" (dev) or \"db.m7g.large\" (prod)."
  }

  validation {
    condition     = !startswith(var.rds_instance_class, "db.t") || !local.profile.non_burstable_db_required
    error_message = "${local.environment} runs on a non-burstable instance class so CPU credits cannot run out: set rds_instance_class to e.g. \"db.m7g.large\"."
  }
}

variable "rds_multi_az" {
  description = "Run the RDS standby in a second zone. true by default as in every environment; dev may set false explicitly to save cost, staging and prod reject false so a wrong override fails loudly."
  type        = bool
  default     = true

  validation {
    condition     = var.rds_multi_az || !local.profile.multi_az_required
    error_message = "${local.environment} must run RDS Multi-AZ (the diagram's standby in a second zone): set rds_multi_az = true or remove the override."
  }
}

variable "rds_backup_retention_days" {
  description = "Automated RDS backup retention in days (also the point-in-time recovery window)."
  type        = number

  validation {
    condition     = var.rds_backup_retention_days >= 7 && var.rds_backup_retention_days <= 35 && floor(var.rds_backup_retention_days) == var.rds_backup_retention_days
    error_message = "rds_backup_retention_days must be a whole number of days between 7 and 35 (0 would disable backups and point-in-time recovery)."
  }

  validation {
    condition     = var.rds_backup_retention_days >= local.profile.rds_backup_retention_floor_days
    error_message = "${local.environment} keeps at least ${local.profile.rds_backup_retention_floor_days} days of point-in-time recovery: set rds_backup_retention_days between ${local.profile.rds_backup_retention_floor_days} and 35."
  }
}

variable "deletion_protection" {
  description = "RDS deletion protection. Always true in prod; may be false in dev so the environment can be torn down."
  type        = bool

  validation {
    condition     = var.deletion_protection || !local.profile.database_protected
    error_message = "${local.environment} must keep RDS deletion protection on: set deletion_protection = true."
  }
}

variable "rds_final_snapshot_enabled" {
  description = "Take a final snapshot <name_prefix>-postgres-final when the RDS instance is deleted."
  type        = bool

  validation {
    condition     = var.rds_final_snapshot_enabled || !local.profile.database_protected
    error_message = "${local.environment} must take a final RDS snapshot on deletion: set rds_final_snapshot_enabled = true."
  }
}

variable "lambda_architecture" {
  description = "Instruction set of every function: arm64 (Graviton, cheaper) or x86_64. `make package` builds the zips for each architecture the environments declare (this value, from every env's tfvars), into build/functions/<architecture>/."
  type        = string
  default     = "arm64"

  validation {
    condition     = contains(["arm64", "x86_64"], var.lambda_architecture)
    error_message = "lambda_architecture must be \"arm64\" or \"x86_64\"."
  }
}

variable "function_packages_dir" {
  description = "Directory holding <architecture>/api.zip, <architecture>/ai.zip and <architecture>/authorizer.zip; null = <repo>/build/functions built by `make package` (python -m smartstack_tooling.operations.package_functions)."
  type        = string
  default     = null

  validation {
    condition     = var.function_packages_dir == null || length(trimspace(coalesce(var.function_packages_dir, "x"))) > 0
    error_message = "function_packages_dir must be null (use build/functions) or a directory path containing <architecture>/api.zip, ai.zip and authorizer.zip."
  }

  validation {
    condition     = alltrue([for n in ["api", "ai", "authorizer"] : fileexists("${coalesce(var.function_packages_dir, "${path.module}/../../build/functions")}/${var.lambda_architecture}/${n}.zip")])
    error_message = "the function zips for lambda_architecture = \"${var.lambda_architecture}\" are not built (<packages dir>/${var.lambda_architecture}/{api,ai,authorizer}.zip): run `make package`, which builds every architecture the environments declare."
  }
}

variable "api_timeout_seconds" {
  description = "Timeout of the API function (HTTP requests); API Gateway ends requests at 29 s. The queue consumer has its own, worker_timeout_seconds."
  type        = number
  default     = 29

  validation {
    condition     = var.api_timeout_seconds >= 3 && var.api_timeout_seconds <= 29
    error_message = "api_timeout_seconds must be between 3 and 29 seconds (API Gateway's integration timeout), e.g. 29."
  }
}

variable "worker_timeout_seconds" {
  description = "Timeout of the task-queue consumer (the API application's code as its own function). It waits for the AI function, so it must cover one batch's worst case (policy rule contract.time-budget-chain); the task queue's visibility timeout is 6 times it."
  type        = number
  default     = 300

  validation {
    condition     = var.worker_timeout_seconds >= 30 && var.worker_timeout_seconds <= 900
    error_message = "worker_timeout_seconds must be between 30 and 900 seconds (Lambda's maximum), e.g. 300."
  }
}

variable "lambda_reserved_concurrency" {
  description = "Reserved concurrency per function (keys api, worker, ai, authorizer); -1 = unreserved (small dev accounts). Their sum must leave 100 unreserved within lambda_concurrency_quota."
  type        = map(number)

  validation {
    condition     = length(setsubtract(["api", "worker", "ai", "authorizer"], keys(var.lambda_reserved_concurrency))) == 0 && length(setsubtract(keys(var.lambda_reserved_concurrency), ["api", "worker", "ai", "authorizer"])) == 0
    error_message = "lambda_reserved_concurrency must have exactly the keys api, worker, ai and authorizer, e.g. { api = 50, worker = 10, ai = 20, authorizer = 20 }."
  }

  validation {
    condition     = alltrue([for c in values(var.lambda_reserved_concurrency) : c == -1 || c >= 1])
    error_message = "lambda_reserved_concurrency values must be -1 (unreserved) or >= 1; 0 would throttle the function completely."
  }

  validation {
    condition     = alltrue([for c in values(var.lambda_reserved_concurrency) : c >= 1]) || !local.profile.reserved_concurrency_required
    error_message = "${local.environment} reserves concurrency for every function so one cannot starve another: set each of api, worker, ai, authorizer to >= 1."
  }

  validation {
    # Lambda refuses reservations that leave fewer than 100 unreserved executions in the account.
    condition     = alltrue([for c in values(var.lambda_reserved_concurrency) : c == -1]) || sum(concat([0], [for c in values(var.lambda_reserved_concurrency) : c if c > 0])) + 100 <= var.lambda_concurrency_quota
    error_message = "lambda_reserved_concurrency reserves ${sum(concat([0], [for c in values(var.lambda_reserved_concurrency) : c if c > 0]))}, but Lambda keeps 100 of the account's lambda_concurrency_quota (${var.lambda_concurrency_quota}) unreserved: request a higher quota (Service Quotas, Lambda 'Concurrent executions') and set lambda_concurrency_quota to it, or reserve less (-1 = unreserved)."
  }

  validation {
    # The task queue's consumer: maximum_concurrency worker invocations, each waiting for the AI function
    # on up to batch_size records (policy rule contract.admission-fits-capacity).
    condition     = try((var.lambda_reserved_concurrency["worker"] >= 1 ? var.lambda_reserved_concurrency["worker"] : (var.lambda_concurrency_quota - sum(concat([0], [for r in values(var.lambda_reserved_concurrency) : r if r > 0])))) >= local.task_queue_consumer.maximum_concurrency && (var.lambda_reserved_concurrency["ai"] >= 1 ? var.lambda_reserved_concurrency["ai"] : (var.lambda_concurrency_quota - sum(concat([0], [for r in values(var.lambda_reserved_concurrency) : r if r > 0])))) >= local.task_queue_consumer.batch_size * local.task_queue_consumer.maximum_concurrency, true)
    error_message = "The task queue runs up to ${local.task_queue_consumer.maximum_concurrency} worker invocations of ${local.task_queue_consumer.batch_size} record(s) each, every record waiting for one AI invocation: set lambda_reserved_concurrency.worker to at least ${local.task_queue_consumer.maximum_concurrency} and .ai to at least ${local.task_queue_consumer.batch_size * local.task_queue_consumer.maximum_concurrency} (-1 = unreserved, then lambda_concurrency_quota minus the reservations must cover them)."
  }
}

variable "release_deployment_config" {
  description = "How a release shifts each function's alias to its new version: a predefined CodeDeploy Lambda configuration (modules/release). dev goes all at once; staging and prod shift gradually, rolling back when an alarm fires."
  type        = string

  validation {
    condition     = startswith(var.release_deployment_config, "CodeDeployDefault.Lambda")
    error_message = "release_deployment_config must be a predefined CodeDeploy Lambda configuration, e.g. \"CodeDeployDefault.LambdaCanary10Percent5Minutes\" or \"CodeDeployDefault.LambdaAllAtOnce\"."
  }

  validation {
    condition     = var.release_deployment_config != "CodeDeployDefault.LambdaAllAtOnce" || !local.profile.gradual_release_required
    error_message = "${local.environment} releases gradually so an alarm can stop a bad version before it takes all traffic: use a canary or linear configuration, e.g. \"CodeDeployDefault.LambdaCanary10Percent5Minutes\"."
  }
}

variable "lambda_concurrency_quota" {
  description = "The account's Lambda 'Concurrent executions' quota in this region (Service Quotas; new accounts often have 10, the usual default is 1000). Checked against lambda_reserved_concurrency, which must leave 100 unreserved."
  type        = number

  validation {
    condition     = var.lambda_concurrency_quota >= 10
    error_message = "lambda_concurrency_quota must be the account's regional quota (at least 10, Lambda's smallest)."
  }
}

variable "api_throttling_rate_limit" {
  description = "Steady-state requests per second of each method of the API stage (API Gateway throttles each method on its own), within the profile's api_throttling_rate_floor_rps and _ceiling_rps. With the burst it must fit the API function's concurrency (policy rule contract.admission-fits-capacity), so API Gateway answers 429 before Lambda throttles."
  type        = number

  validation {
    condition     = var.api_throttling_rate_limit >= 1 && var.api_throttling_rate_limit <= 10000
    error_message = "api_throttling_rate_limit must be between 1 and 10000 requests per second, e.g. 50."
  }

  validation {
    condition     = var.api_throttling_rate_limit >= local.profile.api_throttling_rate_floor_rps && var.api_throttling_rate_limit <= local.profile.api_throttling_rate_ceiling_rps
    error_message = "${local.environment} throttles each API method between ${local.profile.api_throttling_rate_floor_rps} and ${local.profile.api_throttling_rate_ceiling_rps} requests per second (envs/profiles.json): set api_throttling_rate_limit within them."
  }

  validation {
    # Little's law per method, plus the burst admitted at once: concurrency = methods x (burst + rate x
    # the API function's mean duration). Above the function's concurrency, Lambda throttles (502/500).
    condition     = try(local.api_methods * (var.api_throttling_burst_limit + var.api_throttling_rate_limit * local.profile.api_design_duration_ms / 1000) <= local.concurrency_of["api"], true)
    error_message = "The API admits up to ${local.api_methods * (var.api_throttling_burst_limit + var.api_throttling_rate_limit * local.profile.api_design_duration_ms / 1000)} concurrent requests (${local.api_methods} methods x (api_throttling_burst_limit ${var.api_throttling_burst_limit} + api_throttling_rate_limit ${var.api_throttling_rate_limit}/s x ${local.profile.api_design_duration_ms} ms)) but the API function can run ${try(local.concurrency_of["api"], "?")}: raise lambda_reserved_concurrency.api to ${ceil(local.api_methods * (var.api_throttling_burst_limit + var.api_throttling_rate_limit * local.profile.api_design_duration_ms / 1000))} (or lambda_concurrency_quota where unreserved), or lower api_throttling_rate_limit and api_throttling_burst_limit."
  }
}

variable "api_throttling_burst_limit" {
  description = "Burst requests of each method of the API stage, at most the profile's api_throttling_burst_ceiling; admitted at once, so it counts against the API function's concurrency (see api_throttling_rate_limit)."
  type        = number

  validation {
    condition     = var.api_throttling_burst_limit >= 1 && var.api_throttling_burst_limit <= 5000
    error_message = "api_throttling_burst_limit must be between 1 and 5000, e.g. 50."
  }

  validation {
    condition     = var.api_throttling_burst_limit <= local.profile.api_throttling_burst_ceiling
    error_message = "${local.environment} admits bursts of at most ${local.profile.api_throttling_burst_ceiling} requests per API method (envs/profiles.json): set api_throttling_burst_limit = ${local.profile.api_throttling_burst_ceiling} or less."
  }
}

variable "waf_managed_rules_enabled" {
  description = "Enable the AWS managed WAF rule groups on CloudFront (the rate limit rule is always on)."
  type        = bool

  validation {
    condition     = var.waf_managed_rules_enabled || !local.profile.waf_required
    error_message = "${local.environment} must run the WAF managed rule groups: set waf_managed_rules_enabled = true."
  }
}

variable "api_waf_enabled" {
  description = "Associate the regional WAF web ACL with the API stage (api.<domain> is reachable without CloudFront)."
  type        = bool

  validation {
    condition     = var.api_waf_enabled || !local.profile.waf_required
    error_message = "${local.environment} must protect the API stage with its regional web ACL: set api_waf_enabled = true."
  }
}

variable "bedrock_model_id" {
  description = "Bedrock foundation model the AI function invokes: written to /smartstack/<env>/ai/model-id and granted in its IAM policy."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9-]+\\.[a-z0-9.-]+(:[0-9]+)?$", var.bedrock_model_id))
    error_message = "bedrock_model_id must be a Bedrock foundation-model id such as \"anthropic.claude-3-haiku-20240307-v1:0\" (not an ARN or an inference profile id)."
  }

  validation {
    condition     = !can(regex("^(us|eu|apac|global)\\.", var.bedrock_model_id))
    error_message = "bedrock_model_id must be a foundation-model id without a cross-region prefix (us./eu./apac./global.): the compute policy grants foundation-model ARNs only, e.g. \"anthropic.claude-3-haiku-20240307-v1:0\"."
  }
}

variable "parameters" {
  description = "Non-secret SSM parameters under /smartstack/<env>/ read by the functions (functions/README.md); ai/model-id is derived from bedrock_model_id."
  type        = map(string)

  validation {
    condition     = length(setsubtract(["api/presigned-url-ttl-seconds", "api/max-page-size", "ai/max-output-tokens", "auth/token-issuer", "auth/token-audience"], keys(var.parameters))) == 0
    error_message = "parameters must set every key the functions read: api/presigned-url-ttl-seconds, api/max-page-size, ai/max-output-tokens, auth/token-issuer and auth/token-audience."
  }

  validation {
    condition     = !contains(keys(var.parameters), "ai/model-id")
    error_message = "parameters must not set ai/model-id: set bedrock_model_id instead, which also grants the model in the AI function's IAM policy."
  }

  validation {
    condition     = alltrue([for k in keys(var.parameters) : !can(regex("(password|secret|private|credential|signing-key|api-key)", k))])
    error_message = "parameters hold non-secret configuration only: put secret values in Secrets Manager (smartstack-<env>/<name>, set with put-secret-value), not in parameters."
  }

  validation {
    condition     = can(tonumber(var.parameters["api/presigned-url-ttl-seconds"])) && try(tonumber(var.parameters["api/presigned-url-ttl-seconds"]) >= 60 && tonumber(var.parameters["api/presigned-url-ttl-seconds"]) <= 43200, false)
    error_message = "parameters[\"api/presigned-url-ttl-seconds\"] must be a number of seconds between 60 and 43200, e.g. \"900\"."
  }

  validation {
    condition     = try(tonumber(var.parameters["api/max-page-size"]) >= 1 && tonumber(var.parameters["api/max-page-size"]) <= 1000, false)
    error_message = "parameters[\"api/max-page-size\"] must be a number between 1 and 1000, e.g. \"100\"."
  }

  validation {
    condition     = try(tonumber(var.parameters["ai/max-output-tokens"]) >= 1 && tonumber(var.parameters["ai/max-output-tokens"]) <= 8192, false)
    error_message = "parameters[\"ai/max-output-tokens\"] must be a number between 1 and 8192, e.g. \"512\"."
  }

  validation {
    condition     = try(startswith(var.parameters["auth/token-issuer"], "https://"), false)
    error_message = "parameters[\"auth/token-issuer\"] must be the https:// URL of the token issuer, e.g. \"https://auth.smartstack.example.com\"."
  }
}

variable "secret_rotation_days" {
  description = "Days between two rotations of each generated application key (api-signing-key, link-signing-key, ai-log-hmac-key) by the rotate function."
  type        = number

  validation {
    condition     = var.secret_rotation_days >= 7 && var.secret_rotation_days <= 365
    error_message = "secret_rotation_days must be between 7 and 365: a job link lives 7 days and is verified with the current or the previous key only, so rotate at most weekly (e.g. 30)."
  }
}

variable "secret_recovery_window_days" {
  description = "Days a deleted Secrets Manager secret can be restored."
  type        = number

  validation {
    condition     = var.secret_recovery_window_days >= 7 && var.secret_recovery_window_days <= 30
    error_message = "secret_recovery_window_days must be between 7 and 30 days (immediate deletion is not allowed)."
  }

  validation {
    condition     = var.secret_recovery_window_days >= local.profile.secret_recovery_window_floor_days
    error_message = "${local.environment} keeps deleted secrets recoverable at least ${local.profile.secret_recovery_window_floor_days} days: set secret_recovery_window_days = ${local.profile.secret_recovery_window_floor_days}."
  }
}

