# Module test root: plans modules/release with representative inputs.
locals {
  name_prefix = "smartstack-${var.environment}"
}

module "release" {
  source = "../../../modules/release"

  context = local.context

  functions = {
    for key in ["api", "ai"] : key => {
      function_name = "${local.name_prefix}-${key}"
      alias_name    = "live"
      alarm_names   = ["${local.name_prefix}-lambda-${key}-errors", "${local.name_prefix}-lambda-${key}-throttles"]
    }
  }
  deployment_config_name = "CodeDeployDefault.LambdaCanary10Percent5Minutes"
}

output "deployment_group_names" {
  value = module.release.deployment_group_names
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
