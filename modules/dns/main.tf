# Public hosted zone of one environment's domain (e.g. smartstack.example.com
# for prod, dev.smartstack.example.com for dev). Delegation from the parent
# zone / registrar is done once, outside this module, with name_servers (and,
# with DNSSEC, the DS record: see README "DNSSEC").
locals {
  tags = merge(var.context.tags, { Tier = "dns" })

  # Route 53 query logs must go to a log group in us-east-1, whatever the home region.
  query_log_group_name = "/aws/route53/${var.domain_name}"
  # Hosted zone ARNs carry no account id and the zone id exists only after apply:
  # aws:SourceAccount confines the service to this environment's own account.
  hosted_zones_arn = "arn:${var.context.partition}:route53:::hostedzone/*"

}

resource "aws_route53_zone" "this" {
  name          = var.domain_name
  comment       = "SmartStack ${var.context.environment} (${var.context.name_prefix})"
  force_destroy = false
  tags          = local.tags

  lifecycle {
    prevent_destroy = true
  }
}

# ===========================================================================
# Query logging: every DNS query Route 53 answers for the zone, to a
# KMS-encrypted us-east-1 log group with retention.
# ===========================================================================
module "query_logs" {
  source    = "../log-group"
  providers = { aws = aws.us_east_1 }

  name              = local.query_log_group_name
  log_group_region  = "us-east-1"
  retention_in_days = var.query_log_retention_days
  context           = var.context
  tags              = local.tags
  kms_key = {
    alias                   = "${var.context.name_prefix}-route53-query-logs"
    description             = "${var.context.name_prefix} Route 53 query logs (us-east-1)"
    deletion_window_in_days = var.kms_deletion_window_days
  }
  # Route 53 of this account may write the zone's query log group only.
  log_delivery = {
    policy_name     = "${var.context.name_prefix}-route53-query-logs"
    sid             = "Route53QueryLogsOfThisAccount"
    service         = "route53.amazonaws.com"
    streams         = "*"
    source_arn_like = local.hosted_zones_arn
  }
}

moved {
  from = aws_kms_key.query_logs
  to   = module.query_logs_key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.query_logs
  to   = module.query_logs_key.aws_kms_alias.this
}

# Into modules/log-group: the key, group and resource policy stay as they are in the state.
moved {
  from = module.query_logs_key
  to   = module.query_logs.module.key[0]
}

moved {
  from = aws_cloudwatch_log_group.query_logs
  to   = module.query_logs.aws_cloudwatch_log_group.this
}

moved {
  from = aws_cloudwatch_log_resource_policy.query_logs
  to   = module.query_logs.aws_cloudwatch_log_resource_policy.this[0]
}

resource "aws_route53_query_log" "this" {
  zone_id                  = aws_route53_zone.this.zone_id
  cloudwatch_log_group_arn = module.query_logs.arn # once Route 53 may write it
}

# ===========================================================================
# DNSSEC signing: a key-signing key backed by an asymmetric KMS key
# (ECC_NIST_P256, SIGN_VERIFY, us-east-1 as Route 53 requires); Route 53
# manages the zone-signing keys. The chain of trust is complete only once the
# DS record is published at the parent (README "DNSSEC").
# ===========================================================================
module "dnssec_key" {
  source    = "../kms-key"
  providers = { aws = aws.us_east_1 }
  count     = var.dnssec_enabled ? 1 : 0

  alias                   = "${var.context.name_prefix}-dnssec-ksk"
  description             = "${var.context.name_prefix} Route 53 DNSSEC key-signing key for ${var.domain_name}"
  key_spec                = "ECC_NIST_P256"
  key_usage               = "SIGN_VERIFY"
  extra_admin_actions     = ["kms:GetPublicKey"]
  context                 = var.context
  deletion_window_in_days = var.kms_deletion_window_days
  tags                    = local.tags
  usage_statements = [
    {
      Sid       = "Route53DnssecSignsThisAccountsZones"
      Effect    = "Allow"
      Principal = { Service = "dnssec-route53.amazonaws.com" }
      Action    = ["kms:DescribeKey", "kms:GetPublicKey", "kms:Sign"]
      Resource  = "*"
      Condition = {
        StringEquals = { "aws:SourceAccount" = var.context.account_id }
        ArnLike      = { "aws:SourceArn" = local.hosted_zones_arn }
      }
    },
    {
      Sid       = "Route53DnssecCreatesGrantsForItsOwnUse"
      Effect    = "Allow"
      Principal = { Service = "dnssec-route53.amazonaws.com" }
      Action    = "kms:CreateGrant"
      Resource  = "*"
      Condition = {
        Bool         = { "kms:GrantIsForAWSResource" = "true" }
        StringEquals = { "aws:SourceAccount" = var.context.account_id }
        ArnLike      = { "aws:SourceArn" = local.hosted_zones_arn }
      }
    },
  ]
}

# From 0cb2607 until d045577 the key and alias had `count`, so every state holds them at [0]: the move
# must name that instance (a whole-resource move finds nothing to move and plans a destroy).
moved {
  from = aws_kms_key.dnssec[0]
  to   = module.dnssec_key[0].aws_kms_key.this
}

moved {
  from = aws_kms_alias.dnssec[0]
  to   = module.dnssec_key[0].aws_kms_alias.this
}

resource "aws_route53_key_signing_key" "this" {
  count = var.dnssec_enabled ? 1 : 0

  # KSK names allow only letters, digits and underscores (no "-").
  name                       = replace("${var.context.name_prefix}_ksk", "-", "_")
  hosted_zone_id             = aws_route53_zone.this.id
  key_management_service_arn = module.dnssec_key[0].arn
  status                     = "ACTIVE"
}

resource "aws_route53_hosted_zone_dnssec" "this" {
  count = var.dnssec_enabled ? 1 : 0

  hosted_zone_id = aws_route53_key_signing_key.this[0].hosted_zone_id
  signing_status = "SIGNING"
}
