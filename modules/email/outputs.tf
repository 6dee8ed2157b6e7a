output "identity_arn" {
  description = "ARN of the SES domain identity (built from inputs: known at plan); compute scopes ses:SendEmail to it."
  value       = local.identity_arn
  depends_on  = [aws_sesv2_email_identity.domain]
}

output "configuration_set_name" {
  description = "Name of the default configuration set (SES_CONFIGURATION_SET)."
  value       = aws_sesv2_configuration_set.this.configuration_set_name
}

output "configuration_set_arn" {
  description = "ARN of the configuration set (known at plan); sending through it needs ses:SendEmail on this ARN too."
  value       = local.configuration_set_arn
}

output "mail_from_domain" {
  description = "Custom MAIL FROM domain."
  value       = local.mail_from_domain
}
