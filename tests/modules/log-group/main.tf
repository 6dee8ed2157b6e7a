# Module test root: plans modules/log-group as the tier modules use it: a group with its own key and the
# resource policy a delivering service needs (WAF logs), and one under a shared key (a Lambda's).
locals {
  name_prefix = "smartstack-${var.environment}"
}

module "waf_logs" {
  source = "../../../modules/log-group"

  name              = "aws-waf-logs-${local.name_prefix}"
  retention_in_days = 90
  context           = local.context
  tags              = { Tier = "edge" }
  kms_key = {
    alias                   = "${local.name_prefix}-waf-logs"
    description             = "${local.name_prefix} WAF logs"
    deletion_window_in_days = 30
  }
  log_delivery = {
    policy_name     = "${local.name_prefix}-waf-logs"
    sid             = "WafLogDeliveryOfThisAccount"
    service         = "delivery.logs.amazonaws.com"
    streams         = "log-stream:*"
    source_arn_like = "arn:aws:logs:${var.region}:${var.account_id}:*"
  }
}

module "function_logs" {
  source = "../../../modules/log-group"

  name              = "/aws/lambda/${local.name_prefix}-api"
  retention_in_days = 90
  kms_key_arn       = "arn:aws:kms:${var.region}:${var.account_id}:key/11111111-2222-3333-4444-555555555555"
  context           = local.context
  tags              = { Tier = "compute" }
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
