# The module context: one file, linked as context.tf into every module of modules/ (tests/tooling/
# test_module_context.py keeps it so): which environment, account and region the resources belong to and
# how they are named. The env root builds it once (envs/common/main.tf, local.context) and passes it on.
variable "context" {
  description = "Environment name, resource-name prefix (smartstack-<env>), account id, region, partition and extra tags."
  type = object({
    environment = string
    name_prefix = string
    account_id  = string
    region      = string
    partition   = optional(string, "aws")
    tags        = optional(map(string), {})
  })

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,15}$", var.context.environment))
    error_message = "context.environment must be the env root's environment name (lowercase letters and digits, e.g. \"dev\")."
  }

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,38}[a-z0-9]$", var.context.name_prefix))
    error_message = "context.name_prefix must be lowercase letters, digits and hyphens (AWS name limits), e.g. \"smartstack-dev\"."
  }

  validation {
    condition     = can(regex("^[0-9]{12}$", var.context.account_id))
    error_message = "context.account_id must be the 12-digit AWS account id as a string (quote it to keep leading zeros), e.g. \"123456789012\"."
  }

  validation {
    condition     = can(regex("^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$", var.context.region))
    error_message = "context.region must be an AWS region code such as \"us-east-1\"; pass the same value the aws provider is configured with."
  }

  validation {
    condition     = contains(["aws", "aws-us-gov", "aws-cn"], var.context.partition)
    error_message = "context.partition must be \"aws\", \"aws-us-gov\" or \"aws-cn\"."
  }
}
