# Module test root: plans modules/storage with representative inputs.
module "storage" {
  source = "../../../modules/storage"

  context = local.context

  files_kms_user_role_arns = [
    "arn:aws:iam::${var.account_id}:role/smartstack-${var.environment}-api-lambda",
    "arn:aws:iam::${var.account_id}:role/smartstack-${var.environment}-ai-lambda",
  ]
  cloudfront_distribution_arn = "arn:aws:cloudfront::${var.account_id}:distribution/E1ABCDEFGHIJKL"
  ai_logs_expiration_days     = 365
}

output "files_bucket_name" {
  value = module.storage.files_bucket_name
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
