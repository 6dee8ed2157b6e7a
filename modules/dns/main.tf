# Public hosted zone of one environment's domain (e.g. smartstack.example.com
# for prod, dev.smartstack.example.com for dev). Delegation from the parent
# zone / registrar is done once, outside this module, with name_servers.
resource "aws_route53_zone" "this" {
  name          = var.domain_name
  comment       = "SmartStack ${var.environment} (${var.name_prefix})"
  force_destroy = false
  tags          = merge(var.tags, { Tier = "dns" })

  lifecycle {
    prevent_destroy = true
  }
}
