# S3 is reached through a gateway endpoint (free, no NAT traffic) from the app and data route tables.
# Its policy, like the interface endpoints', admits this account's principals only, and only towards
# this environment's buckets in this account: every bucket of the environment is named
# <name_prefix>-... (modules/storage; the state bucket, smartstack-<env>-tfstate-<account>, too), and a
# bucket name alone proves nothing, since anyone may create one in their own account.
# No AWS-owned bucket is admitted: none is needed. The functions call S3 only for the files bucket;
# Lambda fetches code and layers outside the VPC; nothing here installs packages (yum/dnf repositories
# are AWS-owned buckets) or pulls ECR images (whose layers are in an AWS-owned bucket).
locals {
  s3_endpoint_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "ThisEnvironmentsBucketsOnly"
        Effect    = "Allow"
        Principal = { AWS = "*" }
        Action    = "s3:*"
        Resource = [
          "arn:${var.context.partition}:s3:::${var.context.name_prefix}-*",
          "arn:${var.context.partition}:s3:::${var.context.name_prefix}-*/*",
        ]
        Condition = {
          StringEquals = {
            "aws:PrincipalAccount" = var.context.account_id
            "aws:ResourceAccount"  = var.context.account_id
          }
        }
      },
    ]
  })
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id            = aws_vpc.this.id
  service_name      = "com.amazonaws.${var.context.region}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = concat([for rt in aws_route_table.app : rt.id], [aws_route_table.data.id])
  policy            = local.s3_endpoint_policy

  tags = merge(var.context.tags, { Name = "${var.context.name_prefix}-s3" })
}

resource "aws_security_group" "endpoints" {
  count = var.enable_interface_endpoints ? 1 : 0

  name        = "${var.context.name_prefix}-vpc-endpoints"
  description = "HTTPS from the app subnets to the interface VPC endpoints"
  vpc_id      = aws_vpc.this.id

  tags = merge(var.context.tags, { Name = "${var.context.name_prefix}-vpc-endpoints" })
}

resource "aws_vpc_security_group_ingress_rule" "endpoints_https" {
  for_each = var.enable_interface_endpoints ? local.zones : {}

  security_group_id = aws_security_group.endpoints[0].id
  description       = "HTTPS from app subnet in ${each.key}"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = local.subnet_cidrs.app[each.key]
}

# Where each service offers its endpoint: not every service is in every zone of a region.
data "aws_vpc_endpoint_service" "interface" {
  for_each = var.enable_interface_endpoints ? var.interface_endpoint_services : toset([])

  service      = each.key
  service_type = "Interface"
}

locals {
  # The endpoints reach only this account: its principals, and its resources except where the service's
  # resources are AWS-owned (Bedrock foundation models have no account in their ARN).
  aws_owned_resources = ["bedrock-runtime"]
  endpoint_policies = {
    for service in var.interface_endpoint_services : service => jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Sid       = "ThisAccountOnly"
          Effect    = "Allow"
          Principal = { AWS = "*" }
          Action    = "${service == "bedrock-runtime" ? "bedrock" : service == "email" ? "ses" : service}:*"
          Resource  = "*"
          Condition = merge(
            { StringEquals = merge(
              { "aws:PrincipalAccount" = var.context.account_id },
              contains(local.aws_owned_resources, service) ? {} : { "aws:ResourceAccount" = var.context.account_id },
            ) },
          )
        },
      ]
    })
  }
}

resource "aws_vpc_endpoint" "interface" {
  for_each = var.enable_interface_endpoints ? var.interface_endpoint_services : toset([])

  vpc_id              = aws_vpc.this.id
  service_name        = data.aws_vpc_endpoint_service.interface[each.key].service_name
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids = [
    for zone, subnet in aws_subnet.app : subnet.id
    if contains(data.aws_vpc_endpoint_service.interface[each.key].availability_zones, zone)
  ]
  security_group_ids = [aws_security_group.endpoints[0].id]
  policy             = local.endpoint_policies[each.key]

  tags = merge(var.context.tags, { Name = "${var.context.name_prefix}-${each.key}" })
}
