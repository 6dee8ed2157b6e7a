# Non-secret outputs only: names, ids, ARNs, URLs.
output "vpc_id" {
  description = "VPC of this environment."
  value       = module.network.vpc_id
}

output "app_subnet_ids" {
  description = "Private app subnets (Lambda)."
  value       = module.network.app_subnet_ids
}

output "data_subnet_ids" {
  description = "Private data subnets (RDS)."
  value       = module.network.data_subnet_ids
}

output "nat_gateway_ids" {
  description = "NAT gateways (one per zone in staging/prod, one shared in dev)."
  value       = module.network.nat_gateway_ids
}

output "api_url" {
  description = "Public base URL of the REST API on its custom domain (also reachable through CloudFront at https://<domain>/api)."
  value       = module.api.base_url
}

output "site_urls" {
  description = "HTTPS URLs of the static site served by CloudFront."
  value       = module.edge.site_urls
}

output "cloudfront_domain_name" {
  description = "CloudFront distribution hostname (*.cloudfront.net)."
  value       = module.edge.distribution_domain_name
}

output "cloudfront_distribution_id" {
  description = "CloudFront distribution id (for cache invalidations after a web deploy)."
  value       = module.edge.distribution_id
}

output "web_bucket_name" {
  description = "Bucket holding the Next.js static export (served only through CloudFront)."
  value       = module.storage.web_bucket_name
}

output "files_bucket_name" {
  description = "Bucket holding attachments and AI logs."
  value       = module.storage.files_bucket_name
}

output "logs_bucket_name" {
  description = "Bucket receiving S3 and CloudFront access logs."
  value       = module.storage.logs_bucket_name
}

output "task_queue_url" {
  description = "URL of the SQS task queue."
  value       = module.messaging.queue_url
}

output "task_dlq_name" {
  description = "Dead-letter queue of the task queue."
  value       = module.messaging.dlq_name
}

output "db_endpoint" {
  description = "PostgreSQL endpoint address and port (IAM authentication; no password output)."
  value       = "${module.data.db_address}:${module.data.db_port}"
}

output "db_master_user_secret_arn" {
  description = "ARN of the RDS-managed master user secret (the ARN only, never the value)."
  value       = module.data.master_user_secret_arn
}

output "function_names" {
  description = "Lambda function names by key (api, ai, authorizer)."
  value       = module.compute.function_names
}

output "release" {
  description = "What a release moves, by function key: the alias ARN callers invoke, the version this apply published, and the CodeDeploy application, group and configuration that shift the alias to it."
  value = {
    application_name       = module.release.application_name
    deployment_config_name = module.release.deployment_config_name
    functions = {
      for key, alias in module.compute.aliases : key => {
        function_name     = alias.function_name
        alias_name        = alias.name
        alias_arn         = alias.arn
        published_version = module.compute.published_versions[key]
        deployment_group  = module.release.deployment_group_names[key]
      }
    }
  }
}

output "migrate" {
  description = "The migrate function the deploy tooling invokes after apply and before a release, and the database it migrates (the emulator's deploy runs its handler in-process against a local PostgreSQL)."
  value = {
    function_name = module.compute.migrate_function_name
    db_address    = module.data.db_address
    db_name       = module.data.db_name
  }
}

output "generated_secret_arns" {
  description = "The secrets the deploy fills from Secrets Manager's GetRandomPassword when they have no value (ARNs only)."
  value       = module.secrets.generated_secret_arns
}

output "secret_arns" {
  description = "ARNs of the Secrets Manager secrets to fill with put-secret-value (ARNs only)."
  value       = module.secrets.secret_arns
}

output "parameter_path" {
  description = "SSM Parameter Store path of this environment's configuration."
  value       = module.secrets.parameter_path
}

output "alarm_topic_arn" {
  description = "SNS topic the CloudWatch alarms notify."
  value       = module.observability.alarm_topic_arn
}

output "name_servers" {
  description = "Name servers of the environment's hosted zone, to delegate from the parent domain."
  value       = module.dns.name_servers
}

output "dnssec_ds_record" {
  description = "The DS record to publish at the parent (null without DNSSEC); see modules/dns/README.md."
  value       = module.dns.dnssec_ds_record
}
