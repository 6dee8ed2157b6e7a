# Module test root: plans modules/messaging with representative inputs.
locals {
  name_prefix = "smartstack-${var.environment}"
}

module "messaging" {
  source = "../../../modules/messaging"

  context = local.context

  producer_role_arns       = ["arn:aws:iam::${var.account_id}:role/${local.name_prefix}-api-lambda"]
  consumer_role_arns       = ["arn:aws:iam::${var.account_id}:role/${local.name_prefix}-api-lambda"]
  consumer_function_arn    = "arn:aws:lambda:${var.region}:${var.account_id}:function:${local.name_prefix}-worker:live"
  consumer_timeout_seconds = 29
  max_receive_count        = 5
  batch_size               = 10
  maximum_concurrency      = 5
}

output "queue_name" {
  value = module.messaging.queue_name
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
