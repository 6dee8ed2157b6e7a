# Module test root: plans modules/observability with representative inputs.
locals {
  name_prefix = "smartstack-${var.environment}"
}

module "observability" {
  source = "../../../modules/observability"

  context = local.context

  lambda_function_names = {
    api        = "${local.name_prefix}-api"
    ai         = "${local.name_prefix}-ai"
    authorizer = "${local.name_prefix}-authorizer"
  }
  lambda_timeouts_seconds = { api = 29, ai = 120 }
  dlq_names = {
    tasks        = "${local.name_prefix}-tasks-dlq"
    lambda-async = "${local.name_prefix}-lambda-async-dlq"
  }
  db_instance_identifier = "${local.name_prefix}-postgres"
  api_name               = "${local.name_prefix}-api"
  api_stage_name         = "v1"
  alarm_email_addresses  = ["oncall@smartstack.example.com"]
}

output "alarm_topic_arn" {
  value = module.observability.alarm_topic_arn
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
