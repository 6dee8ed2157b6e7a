output "distribution_id" {
  description = "CloudFront distribution id (for cache invalidations by CI)."
  value       = aws_cloudfront_distribution.this.id
}

output "distribution_arn" {
  description = "CloudFront distribution ARN (apply-time); pass to storage's cloudfront_distribution_arn."
  value       = aws_cloudfront_distribution.this.arn
}

output "distribution_domain_name" {
  description = "CloudFront domain name (dxxxx.cloudfront.net)."
  value       = aws_cloudfront_distribution.this.domain_name
}

output "certificate_arn" {
  description = "ARN of the validated us-east-1 certificate."
  value       = aws_acm_certificate_validation.cdn.certificate_arn
}

output "web_acl_arn" {
  description = "ARN of the CLOUDFRONT-scope WAF web ACL."
  value       = aws_wafv2_web_acl.cdn.arn
}

output "site_urls" {
  description = "HTTPS URLs served by the distribution."
  value       = [for d in local.cert_domains : "https://${d}"]
}
