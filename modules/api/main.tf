locals {
  api_name        = "${var.context.name_prefix}-api"
  api_domain_name = "api.${var.domain_name}"
  access_log_name = "/aws/apigateway/${var.context.name_prefix}-api/access"

  tags = merge(var.context.tags, { Tier = "api" })

  # Regional WAF logs: same region as the ACL, name required to start with aws-waf-logs-; the observability
  # key's policy already admits aws-waf-logs-<name_prefix>* log groups of this region.
  waf_log_group_name = "aws-waf-logs-${var.context.name_prefix}-api"
}

# ===========================================================================
# REST API (regional) with a Lambda proxy on / and /{proxy+}
# ===========================================================================
resource "aws_api_gateway_rest_api" "this" {
  #checkov:skip=CKV_AWS_237:replacing the API would move its ARN, mapping and permissions (README "Lifecycle")
  name                         = local.api_name
  description                  = "SmartStack ${var.context.environment} REST API"
  disable_execute_api_endpoint = var.disable_execute_api_endpoint

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = local.tags
}

locals {
  # What a deployment of the API is made of, as configured here (never as read back from AWS): the
  # deployment's trigger hashes these, so only a change to them redeploys.
  authorizer = {
    type                           = "TOKEN"
    uri                            = var.authorizer_function_invoke_arn
    identity_source                = "method.request.header.Authorization"
    identity_validation_expression = "^Bearer [-0-9A-Za-z._~+/]+=*$"
    result_ttl_in_seconds          = var.authorizer_cache_ttl_seconds
  }
  integration = {
    type                 = "AWS_PROXY"
    http_method          = "POST"
    uri                  = var.api_function_invoke_arn
    timeout_milliseconds = 29000
  }
}

resource "aws_api_gateway_authorizer" "token" {
  name                             = "${var.context.name_prefix}-token"
  rest_api_id                      = aws_api_gateway_rest_api.this.id
  type                             = local.authorizer.type
  authorizer_uri                   = local.authorizer.uri
  identity_source                  = local.authorizer.identity_source
  identity_validation_expression   = local.authorizer.identity_validation_expression
  authorizer_result_ttl_in_seconds = local.authorizer.result_ttl_in_seconds
}

resource "aws_api_gateway_resource" "proxy" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "{proxy+}"
}

locals {
  # root "/" and "/{proxy+}" get the same ANY method + Lambda proxy integration.
  proxy_resources = {
    root  = aws_api_gateway_rest_api.this.root_resource_id
    proxy = aws_api_gateway_resource.proxy.id
  }
  # Each method's settings as configured: the deployment's trigger hashes these, not the read-back
  # attributes (root's empty request_parameters is null after the apply, {} once refreshed).
  methods = {
    for key in keys(local.proxy_resources) : key => {
      authorization      = "CUSTOM"
      request_parameters = key == "proxy" ? { "method.request.path.proxy" = true } : {}
    }
  }
}

resource "aws_api_gateway_method" "any" {
  #checkov:skip=CKV2_AWS_53:ANY Lambda proxy; the API function validates every body against its own schemas
  for_each = toset(["root", "proxy"])

  rest_api_id        = aws_api_gateway_rest_api.this.id
  resource_id        = local.proxy_resources[each.key]
  http_method        = "ANY"
  authorization      = local.methods[each.key].authorization
  authorizer_id      = aws_api_gateway_authorizer.token.id
  request_parameters = local.methods[each.key].request_parameters
}

resource "aws_api_gateway_integration" "lambda" {
  for_each = toset(["root", "proxy"])

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = local.proxy_resources[each.key]
  http_method             = aws_api_gateway_method.any[each.key].http_method
  type                    = local.integration.type
  integration_http_method = local.integration.http_method
  uri                     = local.integration.uri
  timeout_milliseconds    = local.integration.timeout_milliseconds
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  description = "SmartStack ${var.context.environment}"

  # Redeploy when the API's shape changes: the ids of its parts and their configured settings. Whole
  # resource objects would also hash every attribute AWS reads back, so a provider upgrade that adds
  # or normalises one would redeploy the API for nothing.
  triggers = {
    redeployment = sha1(jsonencode({
      resources    = local.proxy_resources
      authorizer   = merge(local.authorizer, { id = aws_api_gateway_authorizer.token.id })
      integration  = local.integration
      methods      = { for key, method in aws_api_gateway_method.any : key => merge(local.methods[key], { id = method.id }) }
      integrations = { for key, integration in aws_api_gateway_integration.lambda : key => integration.id }
    }))
  }

  lifecycle {
    create_before_destroy = true
  }
}

# ===========================================================================
# Stage: access logs, X-Ray, throttling
# ===========================================================================
module "access_logs" {
  source = "../log-group"

  name              = local.access_log_name
  retention_in_days = var.log_retention_days
  kms_key_arn       = var.logs_kms_key_arn
  context           = var.context
  tags              = local.tags
}

# Execution logs go to a group API Gateway names itself; create it first so
# it has retention and KMS.
module "execution_logs" {
  source = "../log-group"

  name              = "API-Gateway-Execution-Logs_${aws_api_gateway_rest_api.this.id}/${var.stage_name}"
  retention_in_days = var.log_retention_days
  kms_key_arn       = var.logs_kms_key_arn
  context           = var.context
  tags              = local.tags
}

# Into modules/log-group: the groups stay as they are in the state.
moved {
  from = aws_cloudwatch_log_group.access
  to   = module.access_logs.aws_cloudwatch_log_group.this
}

moved {
  from = aws_cloudwatch_log_group.execution
  to   = module.execution_logs.aws_cloudwatch_log_group.this
}

resource "aws_api_gateway_stage" "this" {
  #checkov:skip=CKV_AWS_120:per-user authenticated responses: no cache, so no caller gets another's response
  #checkov:skip=CKV2_AWS_51:browser clients authenticate with JWTs (TOKEN authorizer), not client certificates
  rest_api_id          = aws_api_gateway_rest_api.this.id
  deployment_id        = aws_api_gateway_deployment.this.id
  stage_name           = var.stage_name
  xray_tracing_enabled = true

  access_log_settings {
    destination_arn = module.access_logs.arn
    format = jsonencode({
      requestId          = "$context.requestId"
      extendedRequestId  = "$context.extendedRequestId"
      ip                 = "$context.identity.sourceIp"
      requestTime        = "$context.requestTime"
      httpMethod         = "$context.httpMethod"
      resourcePath       = "$context.resourcePath"
      path               = "$context.path"
      status             = "$context.status"
      protocol           = "$context.protocol"
      responseLength     = "$context.responseLength"
      responseLatency    = "$context.responseLatency"
      integrationLatency = "$context.integrationLatency"
      integrationStatus  = "$context.integration.status"
      authorizerError    = "$context.authorizer.error"
      principalId        = "$context.authorizer.principalId"
      xrayTraceId        = "$context.xrayTraceId"
    })
  }

  tags = local.tags

  depends_on = [module.execution_logs, aws_api_gateway_account.this]
}

resource "aws_api_gateway_method_settings" "all" {
  #checkov:skip=CKV_AWS_225:per-user authenticated responses: caching is off on purpose
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "*/*"

  settings {
    metrics_enabled        = true
    logging_level          = var.execution_logging_level
    data_trace_enabled     = false
    throttling_burst_limit = var.throttling_burst_limit
    throttling_rate_limit  = var.throttling_rate_limit
    #trivy:ignore:AWS-0190 responses are per caller (authorizer principal) and change on every write: no stage cache
    caching_enabled = false
  }
}

resource "aws_api_gateway_usage_plan" "this" {
  name        = "${var.context.name_prefix}-default"
  description = "Default throttle and quota for ${local.api_name}"

  api_stages {
    api_id = aws_api_gateway_rest_api.this.id
    stage  = aws_api_gateway_stage.this.stage_name
  }

  throttle_settings {
    burst_limit = var.throttling_burst_limit
    rate_limit  = var.throttling_rate_limit
  }

  quota_settings {
    limit  = var.usage_plan_daily_quota
    period = "DAY"
  }

  tags = local.tags
}

# ===========================================================================
# Account-level CloudWatch role (one per account and region). Optional: turn
# off where another stack already manages it.
# ===========================================================================
resource "aws_iam_role" "cloudwatch" {
  count = var.manage_account_cloudwatch_role ? 1 : 0

  name        = "${var.context.name_prefix}-apigw-cloudwatch"
  description = "Lets API Gateway write execution and access logs in ${var.context.region}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # No aws:SourceAccount/SourceArn conditions: AWS does not document that API Gateway sends them
        # when it assumes this role, and a refused AssumeRole fails UpdateAccount (the whole API's logging).
        Sid       = "ApiGatewayAssumesRole"
        Effect    = "Allow"
        Principal = { Service = "apigateway.amazonaws.com" }
        Action    = "sts:AssumeRole"
      },
    ]
  })
  tags = local.tags
}

resource "aws_iam_role_policy" "cloudwatch" {
  count = var.manage_account_cloudwatch_role ? 1 : 0

  name = "write-api-gateway-logs"
  role = aws_iam_role.cloudwatch[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "ApiGatewayLogGroups"
        Effect = "Allow"
        Action = [
          "logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogGroups", "logs:DescribeLogStreams",
          "logs:PutLogEvents", "logs:GetLogEvents", "logs:FilterLogEvents",
        ]
        Resource = "arn:${var.context.partition}:logs:${var.context.region}:${var.context.account_id}:log-group:*"
      },
    ]
  })
}

resource "aws_api_gateway_account" "this" {
  count = var.manage_account_cloudwatch_role ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.cloudwatch[0].arn

  depends_on = [aws_iam_role_policy.cloudwatch]
}

# ---------------------------------------------------------------------------
# ISOLATED, APPLY-TIME: Lambda permissions scoped to this API's execution ARN
# (the REST API id is only known after apply).
# ---------------------------------------------------------------------------
resource "aws_lambda_permission" "api" {
  statement_id   = "AllowInvokeFrom${replace(title(replace(local.api_name, "-", " ")), " ", "")}"
  action         = "lambda:InvokeFunction"
  function_name  = var.api_function_name
  qualifier      = var.function_alias_name
  principal      = "apigateway.amazonaws.com"
  source_arn     = "${aws_api_gateway_rest_api.this.execution_arn}/*/*"
  source_account = var.context.account_id
}

resource "aws_lambda_permission" "authorizer" {
  statement_id   = "AllowInvokeAsAuthorizerOf${replace(title(replace(local.api_name, "-", " ")), " ", "")}"
  action         = "lambda:InvokeFunction"
  function_name  = var.authorizer_function_name
  qualifier      = var.function_alias_name
  principal      = "apigateway.amazonaws.com"
  source_arn     = "${aws_api_gateway_rest_api.this.execution_arn}/authorizers/${aws_api_gateway_authorizer.token.id}"
  source_account = var.context.account_id
}

# ===========================================================================
# Custom domain api.<domain> with its own regional certificate
# ===========================================================================
resource "aws_acm_certificate" "api" {
  domain_name       = local.api_domain_name
  validation_method = "DNS"
  key_algorithm     = "RSA_2048"
  tags              = merge(local.tags, { Name = local.api_domain_name })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "api_validation" {
  zone_id         = var.hosted_zone_id
  name            = one(aws_acm_certificate.api.domain_validation_options).resource_record_name
  type            = one(aws_acm_certificate.api.domain_validation_options).resource_record_type
  records         = [one(aws_acm_certificate.api.domain_validation_options).resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "api" {
  certificate_arn         = aws_acm_certificate.api.arn
  validation_record_fqdns = [aws_route53_record.api_validation.fqdn]
}

resource "aws_api_gateway_domain_name" "api" {
  domain_name              = local.api_domain_name
  regional_certificate_arn = aws_acm_certificate_validation.api.certificate_arn
  security_policy          = "TLS_1_2"

  endpoint_configuration {
    types = ["REGIONAL"]
  }

  tags = local.tags
}

resource "aws_api_gateway_base_path_mapping" "api" {
  api_id      = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  domain_name = aws_api_gateway_domain_name.api.domain_name
  base_path   = var.base_path
}

# IPv4 alias only: the regional endpoint is IPv4 (no dualstack ip_address_type).
resource "aws_route53_record" "api_alias" {
  zone_id = var.hosted_zone_id
  name    = local.api_domain_name
  type    = "A"

  alias {
    name                   = aws_api_gateway_domain_name.api.regional_domain_name
    zone_id                = aws_api_gateway_domain_name.api.regional_zone_id
    evaluate_target_health = false
  }
}

# ===========================================================================
# Regional WAF on the stage. api.<domain> is publicly resolvable, so callers
# can bypass CloudFront and its ACL; this ACL inspects every request that
# reaches the stage, whichever way it came.
# ===========================================================================
resource "aws_wafv2_web_acl" "api" {
  count = var.waf_enabled ? 1 : 0

  name        = "${var.context.name_prefix}-api"
  description = "SmartStack ${var.context.environment} API Gateway stage protection"
  scope       = "REGIONAL"

  default_action {
    allow {}
  }

  # Per source IP. Requests forwarded by CloudFront arrive from CloudFront's edge addresses (many viewers per
  # address; each viewer is already rate limited by the CDN ACL), hence a limit well above the CDN's.
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
      metric_name                = "${var.context.name_prefix}-api-rate-limit"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "AWSManagedRulesCommonRuleSet"
    priority = 10

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"

        # CRS blocks bodies over 8 KB; the API accepts bodies up to smartstack_api.limits.MAX_BODY_BYTES
        # and answers 413 beyond it, so this rule only counts.
        rule_action_override {
          name = "SizeRestrictions_BODY"

          action_to_use {
            count {}
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.context.name_prefix}-api-common"
      sampled_requests_enabled   = true
    }
  }

  # Includes Log4JRCE (Log4j CVE-2021-44228 probes in headers, URI and body).
  rule {
    name     = "AWSManagedRulesKnownBadInputsRuleSet"
    priority = 20

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.context.name_prefix}-api-known-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  # Anonymizers (VPN, Tor, proxies) calling the API directly are blocked. HostingProviderIPList only counts:
  # CloudFront forwards from AWS addresses, which a hosting-provider block could match.
  rule {
    name     = "AWSManagedRulesAnonymousIpList"
    priority = 30

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesAnonymousIpList"

        rule_action_override {
          name = "HostingProviderIPList"

          action_to_use {
            count {}
          }
        }
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.context.name_prefix}-api-anonymous-ip"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${var.context.name_prefix}-api"
    sampled_requests_enabled   = true
  }

  tags = local.tags
}

resource "aws_wafv2_web_acl_association" "api" {
  count = var.waf_enabled ? 1 : 0

  resource_arn = aws_api_gateway_stage.this.arn
  web_acl_arn  = aws_wafv2_web_acl.api[0].arn
}

module "waf_logs" {
  source = "../log-group"
  count  = var.waf_enabled ? 1 : 0

  name              = local.waf_log_group_name
  retention_in_days = var.log_retention_days
  kms_key_arn       = var.logs_kms_key_arn
  context           = var.context
  tags              = local.tags
  # Managed here so WAF does not write an account-wide AWSWAF-LOGS policy at apply.
  log_delivery = {
    policy_name     = "${var.context.name_prefix}-api-waf-logs"
    sid             = "WafLogDeliveryOfThisAccount"
    service         = "delivery.logs.amazonaws.com"
    streams         = "log-stream:*"
    source_arn_like = "arn:${var.context.partition}:logs:${var.context.region}:${var.context.account_id}:*"
  }
}

# Into modules/log-group: the group and its resource policy stay as they are in the state.
moved {
  from = aws_cloudwatch_log_group.api_waf[0]
  to   = module.waf_logs[0].aws_cloudwatch_log_group.this
}

moved {
  from = aws_cloudwatch_log_resource_policy.api_waf[0]
  to   = module.waf_logs[0].aws_cloudwatch_log_resource_policy.this[0]
}

resource "aws_wafv2_web_acl_logging_configuration" "api" {
  count = var.waf_enabled ? 1 : 0

  resource_arn            = aws_wafv2_web_acl.api[0].arn
  log_destination_configs = [module.waf_logs[0].arn] # once WAF may write it

  redacted_fields {
    single_header {
      name = "authorization"
    }
  }

}
