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
