output "zone_id" {
  description = "Hosted zone id, passed to edge, api and email as hosted_zone_id."
  value       = aws_route53_zone.this.zone_id
}

output "name_servers" {
  description = "Name servers to delegate to from the parent zone or registrar."
  value       = aws_route53_zone.this.name_servers
}

output "domain_name" {
  description = "Domain of the zone."
  value       = aws_route53_zone.this.name
}

output "dnssec_ds_record" {
  description = "DS record to publish at the parent zone (or registrar) to complete the DNSSEC chain of trust; null when dnssec_enabled is false. Known after apply."
  value       = try(aws_route53_key_signing_key.this[0].ds_record, null)
}

output "query_log_group_name" {
  description = "us-east-1 CloudWatch log group receiving the zone's Route 53 query logs."
  value       = module.query_logs.name
}
