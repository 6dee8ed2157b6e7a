variable "environment" {
  description = "Environment whose account this gives CI access to: one of envs/profiles.json (make ci-access passes it)."
  type        = string

  validation {
    condition     = contains(keys(jsondecode(file("${path.module}/../envs/profiles.json")).environments), var.environment)
    error_message = "environment must be one of ${join(", ", keys(jsondecode(file("${path.module}/../envs/profiles.json")).environments))} (envs/profiles.json)."
  }
}

variable "account_id" {
  description = "AWS account id of the environment (envs/<env>/terraform.tfvars account_id); the provider refuses any other account."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.account_id))
    error_message = "account_id must be the 12-digit AWS account id as a quoted string, e.g. \"111111111111\" (envs/<env>/terraform.tfvars)."
  }
}

variable "github_repository" {
  description = "The GitHub repository whose workflows may assume the CI roles, \"owner/name\" exactly as GitHub spells it (the OIDC subject compares case-sensitively)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$", var.github_repository)) && !contains([".", ".."], split("/", var.github_repository)[1])
    error_message = "github_repository must be one repository, \"owner/name\" as GitHub spells it (no URL, no wildcard, no trailing .git), e.g. \"acme/smartstack\": set it in ci-access/terraform.tfvars."
  }
}

variable "state_bucket" {
  description = "The environment's state bucket, created by state-backend/ (envs/<env>/backend.hcl bucket): the plan role reads the state and takes the lock there, the deploy role may not reconfigure it."
  type        = string

  validation {
    condition     = var.state_bucket == "smartstack-${var.environment}-tfstate-${var.account_id}"
    error_message = "state_bucket must be the bucket state-backend/ created for this environment, smartstack-<environment>-tfstate-<account_id>, as envs/<env>/backend.hcl names it (make ci-access passes it from there)."
  }
}

variable "state_kms_encryption" {
  description = "The state bucket uses SSE-KMS with state-backend's key (its kms_encryption, default true): the plan role may then decrypt and generate data keys with that key (alias/smartstack-<env>-tfstate), through S3 only."
  type        = bool
  default     = true
}

variable "region" {
  description = "Region of the state bucket and its key; must match the region in envs/<env>/versions.tf's backend block."
  type        = string
  default     = "us-east-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as \"us-east-1\" (the region of envs/<env>/versions.tf's backend block)."
  }
}

variable "existing_oidc_provider_arn" {
  description = "An account holds one OIDC provider per issuer: when it already has GitHub's (another stack made it), its ARN, and this root trusts it instead of creating one. null: create it."
  type        = string
  default     = null

  validation {
    condition     = var.existing_oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.existing_oidc_provider_arn))
    error_message = "existing_oidc_provider_arn must be null (create the provider) or the ARN of this account's GitHub provider, arn:aws:iam::<account_id>:oidc-provider/token.actions.githubusercontent.com (IAM console, Identity providers)."
  }

  validation {
    condition     = var.existing_oidc_provider_arn == null || try(split(":", var.existing_oidc_provider_arn)[4], "") == var.account_id
    error_message = "existing_oidc_provider_arn must be a provider of this environment's account (account_id): the roles trust only their own account's provider."
  }
}

variable "attachable_managed_policies" {
  description = "AWS managed policies (the path and name after arn:aws:iam::aws:policy/) the deploy role may attach to the environment's roles: those the modules attach (aws_iam_role_policy_attachment), nothing more."
  type        = list(string)
  default     = ["service-role/AmazonRDSEnhancedMonitoringRole"]

  validation {
    condition = alltrue([
      for policy in var.attachable_managed_policies :
      can(regex("^([A-Za-z0-9+=,.@_-]+/)*[A-Za-z0-9+=,.@_-]+$", policy)) && !strcontains(policy, "*")
    ])
    error_message = "attachable_managed_policies must name AWS managed policies without wildcards, as path/name after arn:aws:iam::aws:policy/, e.g. \"service-role/AmazonRDSEnhancedMonitoringRole\"."
  }

  validation {
    condition = length(setintersection(
      [for policy in var.attachable_managed_policies : element(split("/", policy), length(split("/", policy)) - 1)],
      ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AWSOrganizationsFullAccess"],
    )) == 0
    error_message = "attachable_managed_policies must not contain AdministratorAccess, PowerUserAccess, IAMFullAccess or AWSOrganizationsFullAccess: the deploy role could attach them to a role it passes to Lambda and so give itself that access. Remove them."
  }
}
