locals {
  www_domain   = "www.${var.domain_name}"
  cert_domains = [var.domain_name, local.www_domain]
  s3_origin_id = "web-s3"
  api_origin   = "api-gateway"

  managed_rule_groups = var.waf_managed_rules_enabled ? {
    AWSManagedRulesCommonRuleSet          = 10
    AWSManagedRulesKnownBadInputsRuleSet  = 20
    AWSManagedRulesAmazonIpReputationList = 30
  } : {}
  # Managed rules that only count: CRS blocks bodies over 8 KB, but the API behind /api/* accepts bodies
  # up to its own limit (smartstack_api.limits.MAX_BODY_BYTES) and answers 413 beyond it.
  counted_managed_rules = { AWSManagedRulesCommonRuleSet = ["SizeRestrictions_BODY"] }

  tags = merge(var.context.tags, { Tier = "edge" })

  # WAF logs of the CLOUDFRONT-scope ACL: log group in us-east-1 (where the ACL lives), name required to
  # start with aws-waf-logs-. ARNs are written out so the key and resource policies are known at plan.
  waf_log_group_name = "aws-waf-logs-${var.context.name_prefix}"
}

# ===========================================================================
# TLS certificate for CloudFront (must live in us-east-1)
# ===========================================================================
resource "aws_acm_certificate" "cdn" {
  provider = aws.us_east_1

  domain_name               = var.domain_name
  subject_alternative_names = [local.www_domain]
  validation_method         = "DNS"
  key_algorithm             = "RSA_2048"
  tags                      = merge(local.tags, { Name = var.domain_name })

  lifecycle {
    create_before_destroy = true
  }
}

# Keyed by the (plan-known) domain names; values looked up in the apply-time
# validation options.
resource "aws_route53_record" "cdn_validation" {
  for_each = toset(local.cert_domains)

  zone_id         = var.hosted_zone_id
  name            = one([for o in aws_acm_certificate.cdn.domain_validation_options : o.resource_record_name if o.domain_name == each.key])
  type            = one([for o in aws_acm_certificate.cdn.domain_validation_options : o.resource_record_type if o.domain_name == each.key])
  records         = [one([for o in aws_acm_certificate.cdn.domain_validation_options : o.resource_record_value if o.domain_name == each.key])]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "cdn" {
  provider = aws.us_east_1

  certificate_arn         = aws_acm_certificate.cdn.arn
  validation_record_fqdns = [for r in aws_route53_record.cdn_validation : r.fqdn]
}

# ===========================================================================
# WAFv2 web ACL (CLOUDFRONT scope, us-east-1)
# ===========================================================================
resource "aws_wafv2_web_acl" "cdn" {
  #checkov:skip=CKV_AWS_192:KnownBadInputs (Log4JRCE) is a dynamic rule checkov cannot read; on in prod
  provider = aws.us_east_1

  name        = "${var.context.name_prefix}-cdn"
  description = "SmartStack ${var.context.environment} CloudFront protection"
  scope       = "CLOUDFRONT"

  default_action {
    allow {}
  }

  rule {
    name     = "rate-limit-per-ip"
    priority = 1

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit                 = var.waf_rate_limit_per_5_minutes
        evaluation_window_sec = 300
        aggregate_key_type    = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.context.name_prefix}-rate-limit"
      sampled_requests_enabled   = true
    }
  }

  dynamic "rule" {
    for_each = local.managed_rule_groups

    content {
      name     = rule.key
      priority = rule.value

      override_action {
        none {}
      }

      statement {
        managed_rule_group_statement {
          vendor_name = "AWS"
          name        = rule.key

          dynamic "rule_action_override" {
            for_each = lookup(local.counted_managed_rules, rule.key, [])

            content {
              name = rule_action_override.value

              action_to_use {
                count {}
              }
            }
          }
        }
      }

      visibility_config {
        cloudwatch_metrics_enabled = true
        metric_name                = "${var.context.name_prefix}-${rule.key}"
        sampled_requests_enabled   = true
      }
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${var.context.name_prefix}-cdn"
    sampled_requests_enabled   = true
  }

  tags = local.tags
}

# ===========================================================================
# WAF logging: every request the CloudFront ACL evaluates (action, matched
# rule, client IP, URI, headers) to CloudWatch Logs in us-east-1, encrypted
# with a us-east-1 customer managed key (a log group's key must be in its own
# region; the observability key lives in the home region). The Authorization
# header (bearer JWTs) is redacted before logging.
# ===========================================================================
module "waf_logs" {
  source    = "../log-group"
  providers = { aws = aws.us_east_1 }

  name              = local.waf_log_group_name
  log_group_region  = "us-east-1"
  retention_in_days = var.waf_log_retention_days
  context           = var.context
  tags              = local.tags
  kms_key = {
    alias                   = "${var.context.name_prefix}-waf-logs"
    description             = "${var.context.name_prefix} WAF logs (CloudFront web ACL, us-east-1)"
    deletion_window_in_days = var.kms_deletion_window_days
  }
  # Managed here so WAF does not write its own account-wide AWSWAF-LOGS policy at apply.
  log_delivery = {
    policy_name     = "${var.context.name_prefix}-waf-logs"
    sid             = "WafLogDeliveryOfThisAccount"
    service         = "delivery.logs.amazonaws.com"
    streams         = "log-stream:*"
    source_arn_like = "arn:${var.context.partition}:logs:us-east-1:${var.context.account_id}:*"
  }
}

moved {
  from = aws_kms_key.waf_logs
  to   = module.waf_logs_key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.waf_logs
  to   = module.waf_logs_key.aws_kms_alias.this
}

# Into modules/log-group: the key, group and resource policy stay as they are in the state.
moved {
  from = module.waf_logs_key
  to   = module.waf_logs.module.key[0]
}

moved {
  from = aws_cloudwatch_log_group.waf
  to   = module.waf_logs.aws_cloudwatch_log_group.this
}

moved {
  from = aws_cloudwatch_log_resource_policy.waf
  to   = module.waf_logs.aws_cloudwatch_log_resource_policy.this[0]
}

resource "aws_wafv2_web_acl_logging_configuration" "cdn" {
  provider = aws.us_east_1

  resource_arn            = aws_wafv2_web_acl.cdn.arn
  log_destination_configs = [module.waf_logs.arn] # once WAF may write it

  redacted_fields {
    single_header {
      name = "authorization"
    }
  }

}

# ===========================================================================
# CloudFront
# ===========================================================================
resource "aws_cloudfront_origin_access_control" "web" {
  name                              = "${var.context.name_prefix}-web"
  description                       = "SigV4 access from CloudFront to the ${var.context.name_prefix} web bucket"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_response_headers_policy" "security" {
  name    = "${var.context.name_prefix}-security-headers"
  comment = "Security headers for SmartStack ${var.context.environment}"

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 63072000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }

    content_type_options {
      override = true
    }

    frame_options {
      frame_option = "DENY"
      override     = true
    }

    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }

    xss_protection {
      protection = true
      mode_block = true
      override   = true
    }

    content_security_policy {
      content_security_policy = var.content_security_policy
      override                = true
    }
  }
}

# Clean URLs for the static export (/tasks -> /tasks.html, / -> /index.html): on the default behaviour
# only, so /api/* reaches API Gateway with the path the client sent. The mapping is in the file.
resource "aws_cloudfront_function" "clean_urls" {
  name    = "${var.context.name_prefix}-clean-urls"
  comment = "SmartStack ${var.context.environment}: clean URLs to the static export's keys"
  runtime = "cloudfront-js-2.0"
  publish = true
  code    = file("${path.module}/functions/clean-urls.js")
}

resource "aws_cloudfront_distribution" "this" {
  #checkov:skip=CKV_AWS_86:CloudFront standard logging v2 (aws_cloudwatch_log_delivery), unseen by this check
  #checkov:skip=CKV_AWS_374:a public web application for every country; no geographic restriction needed
  #checkov:skip=CKV_AWS_310:single-region design: an origin group needs a second-region bucket and API
  #checkov:skip=CKV2_AWS_47:the Log4j rule group is a dynamic block, on whenever waf_managed_rules_enabled
  enabled             = true
  comment             = "SmartStack ${var.context.environment}"
  aliases             = local.cert_domains
  default_root_object = "index.html"
  http_version        = "http2and3"
  is_ipv6_enabled     = true
  price_class         = var.price_class
  web_acl_id          = aws_wafv2_web_acl.cdn.arn

  origin {
    origin_id                = local.s3_origin_id
    domain_name              = var.web_bucket_regional_domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.web.id
  }

  origin {
    origin_id   = local.api_origin
    domain_name = var.api_origin_domain_name

    custom_origin_config {
      http_port              = 80
      https_port             = 443
      origin_protocol_policy = "https-only"
      origin_ssl_protocols   = ["TLSv1.2"]
    }
  }

  default_cache_behavior {
    target_origin_id           = local.s3_origin_id
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = var.static_cache_policy_id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id

    function_association {
      event_type   = "viewer-request"
      function_arn = aws_cloudfront_function.clean_urls.arn
    }
  }

  ordered_cache_behavior {
    path_pattern               = "/api/*"
    target_origin_id           = local.api_origin
    viewer_protocol_policy     = "https-only"
    allowed_methods            = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = var.api_cache_policy_id
    origin_request_policy_id   = var.api_origin_request_policy_id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
  }

  # No custom_error_response: it applies to every behaviour, so it would turn the API's 403/404s and
  # WAF blocks into the web bucket's page, cached. S3 answers unknown keys with 404 itself (the
  # distribution may list the web bucket, see modules/storage).

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate_validation.cdn.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }

  tags = local.tags
}

# ===========================================================================
# Access logs: CloudFront standard logging v2 -> S3 log bucket (us-east-1
# delivery objects; works with BucketOwnerEnforced buckets, unlike legacy
# logging which needs ACLs).
# ===========================================================================
resource "aws_cloudwatch_log_delivery_source" "cdn" {
  provider = aws.us_east_1

  name         = "${var.context.name_prefix}-cdn-access"
  log_type     = "ACCESS_LOGS"
  resource_arn = aws_cloudfront_distribution.this.arn
  tags         = local.tags
}

resource "aws_cloudwatch_log_delivery_destination" "s3" {
  provider = aws.us_east_1

  name          = "${var.context.name_prefix}-cdn-access-s3"
  output_format = "parquet"

  delivery_destination_configuration {
    destination_resource_arn = "${var.log_bucket_arn}/${var.log_prefix}"
  }

  tags = local.tags
}

resource "aws_cloudwatch_log_delivery" "cdn" {
  provider = aws.us_east_1

  delivery_source_name     = aws_cloudwatch_log_delivery_source.cdn.name
  delivery_destination_arn = aws_cloudwatch_log_delivery_destination.s3.arn

  s3_delivery_configuration {
    suffix_path                 = "{DistributionId}/{yyyy}/{MM}/{dd}/{HH}"
    enable_hive_compatible_path = false
  }

  tags = local.tags
}

# ===========================================================================
# DNS: apex and www -> CloudFront (IPv4 and IPv6)
# ===========================================================================
resource "aws_route53_record" "cdn_alias" {
  for_each = {
    for pair in setproduct(local.cert_domains, ["A", "AAAA"]) : "${pair[0]}/${pair[1]}" => { name = pair[0], type = pair[1] }
  }

  zone_id = var.hosted_zone_id
  name    = each.value.name
  type    = each.value.type

  alias {
    name                   = aws_cloudfront_distribution.this.domain_name
    zone_id                = aws_cloudfront_distribution.this.hosted_zone_id
    evaluate_target_health = false
  }
}
