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
