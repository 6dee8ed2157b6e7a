output "vpc_id" {
  description = "ID of the VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "IPv4 CIDR of the VPC."
  value       = aws_vpc.this.cidr_block
}

output "availability_zones" {
  description = "Zones the VPC spans, in input order."
  value       = var.availability_zones
}

output "public_subnet_ids" {
  description = "Public subnet IDs, one per zone in zone order (NAT gateways only)."
  value       = [for az in var.availability_zones : aws_subnet.public[az].id]
}

output "app_subnet_ids" {
  description = "Private app subnet IDs (Lambda), one per zone in zone order."
  value       = [for az in var.availability_zones : aws_subnet.app[az].id]
}

output "data_subnet_ids" {
  description = "Private data subnet IDs (RDS), one per zone in zone order."
  value       = [for az in var.availability_zones : aws_subnet.data[az].id]
}

output "public_subnet_cidr_blocks" {
  description = "Public subnet CIDRs in zone order."
  value       = [for az in var.availability_zones : local.subnet_cidrs.public[az]]
}

output "app_subnet_cidr_blocks" {
  description = "App subnet CIDRs in zone order (known at plan time, for security group rules)."
  value       = [for az in var.availability_zones : local.subnet_cidrs.app[az]]
}

output "data_subnet_cidr_blocks" {
  description = "Data subnet CIDRs in zone order (known at plan time, for security group rules)."
  value       = [for az in var.availability_zones : local.subnet_cidrs.data[az]]
}

output "private_route_table_ids" {
  description = "Route tables of the app and data subnets (no internet gateway route)."
  value       = concat([for az in var.availability_zones : aws_route_table.app[az].id], [aws_route_table.data.id])
}

output "nat_gateway_ids" {
  description = "NAT gateway IDs keyed by zone."
  value       = { for az, nat in aws_nat_gateway.this : az => nat.id }
}

output "vpc_endpoint_security_group_id" {
  description = "Security group of the interface endpoints (null when they are disabled)."
  value       = var.enable_interface_endpoints ? aws_security_group.endpoints[0].id : null
}

output "s3_prefix_list_id" {
  description = "Prefix list of the S3 gateway endpoint: the destination of HTTPS to S3 from the app subnets."
  value       = aws_vpc_endpoint.s3.prefix_list_id
}

output "s3_gateway_endpoint_id" {
  description = "ID of the S3 gateway endpoint (for aws:SourceVpce conditions in bucket policies)."
  value       = aws_vpc_endpoint.s3.id
}
