# Public hosted zone of one environment's domain (e.g. smartstack.example.com
# for prod, dev.smartstack.example.com for dev). Delegation from the parent
# zone / registrar is done once, outside this module, with name_servers.
resource "aws_route53_zone" "this" {
  #checkov:skip=CKV2_AWS_39:public zone of the app; query logging needs a us-east-1 log group with a Route 53 resource policy, a follow-up
  #checkov:skip=CKV2_AWS_38:DNSSEC needs an asymmetric KMS key in us-east-1 and DS records at the registrar, a follow-up
  name          = var.domain_name
  comment       = "SmartStack ${var.environment} (${var.name_prefix})"
  force_destroy = false
  tags          = merge(var.tags, { Tier = "dns" })

  lifecycle {
    prevent_destroy = true
  }
}
