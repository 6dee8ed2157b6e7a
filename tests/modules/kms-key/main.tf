# Module test root: plans modules/kms-key as the tier modules use it: a key for roles through a service (the
# storage tier's files key), a key for CloudWatch log groups (flow logs) and a signing key (DNSSEC).
locals {
  name_prefix = "smartstack-${var.environment}"
}

module "files_key" {
  source = "../../../modules/kms-key"

  alias                   = "${local.name_prefix}-files"
  description             = "${local.name_prefix} files bucket (attachments, AI logs) SSE-KMS"
  context                 = local.context
  deletion_window_in_days = 30
  tags                    = { Tier = "storage" }
  usage_statements = [
    {
      Sid       = "LambdaRolesUseKeyThroughS3"
      Effect    = "Allow"
      Principal = { AWS = ["arn:aws:iam::${var.account_id}:role/${local.name_prefix}-api-lambda"] }
      Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource  = "*"
      Condition = { StringEquals = { "kms:ViaService" = "s3.${var.region}.amazonaws.com" } }
    },
  ]
}

module "flow_logs_key" {
  source = "../../../modules/kms-key"

  alias                   = "${local.name_prefix}-flow-logs"
  description             = "${local.name_prefix} VPC flow logs"
  context                 = local.context
  deletion_window_in_days = 30
  log_group_arns          = ["arn:aws:logs:${var.region}:${var.account_id}:log-group:/aws/vpc/${local.name_prefix}/flow-logs"]
}

module "signing_key" {
  source = "../../../modules/kms-key"

  alias                   = "${local.name_prefix}-dnssec-ksk"
  description             = "${local.name_prefix} DNSSEC key-signing key"
  key_spec                = "ECC_NIST_P256"
  key_usage               = "SIGN_VERIFY"
  extra_admin_actions     = ["kms:GetPublicKey"]
  context                 = local.context
  deletion_window_in_days = 7
  usage_statements = [
    {
      Sid       = "Route53DnssecSigns"
      Effect    = "Allow"
      Principal = { Service = "dnssec-route53.amazonaws.com" }
      Action    = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"]
      Resource  = "*"
    },
  ]
}

# The module context every module takes (modules/*/context.tf).
locals {
  context = {
    environment = var.environment
    name_prefix = "smartstack-${var.environment}"
    account_id  = var.account_id
    region      = var.region
  }
}
