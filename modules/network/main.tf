locals {
  # Subnet layout: zone i gets netnums 1+3i (public), 2+3i (app), 3+3i (data), so the first zone
  # holds the seed's 10.0.1.0/24, 10.0.2.0/24 and 10.0.3.0/24 and every zone adds three more.
  zones = { for index, az in var.availability_zones : az => index }
  tiers = { public = 1, app = 2, data = 3 }
  subnet_cidrs = {
    for tier, offset in local.tiers : tier => {
      for az, index in local.zones : az => cidrsubnet(var.vpc_cidr, var.subnet_newbits, offset + 3 * index)
    }
  }

  # NAT gateways: none, every zone ("per_az") or only the first ("single"); app subnets route to the
  # NAT of their own zone when there is one, else to the shared one.
  nat_zones = (
    var.nat_gateway_mode == "per_az" ? var.availability_zones :
    var.nat_gateway_mode == "single" ? [var.availability_zones[0]] : []
  )
  nat_for_zone = {
    for az in var.availability_zones : az => contains(local.nat_zones, az) ? az : var.availability_zones[0]
  }

  flow_log_group_name = "/aws/vpc/${var.context.name_prefix}/flow-logs"
  flow_log_group_arn  = "arn:${var.context.partition}:logs:${var.context.region}:${var.context.account_id}:log-group:${local.flow_log_group_name}"
}

resource "aws_vpc" "this" {
  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true # interface endpoints with private DNS need both

  tags = merge(var.context.tags, { Name = "${var.context.name_prefix}-vpc" })
}

# Nothing may use the default security group: adopt it and strip every rule.
resource "aws_default_security_group" "this" {
  vpc_id  = aws_vpc.this.id
  ingress = []
  egress  = []

  tags = merge(var.context.tags, { Name = "${var.context.name_prefix}-default-deny" })
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.context.tags, { Name = "${var.context.name_prefix}-igw" })
}

resource "aws_subnet" "public" {
  for_each = local.zones

  vpc_id                  = aws_vpc.this.id
  availability_zone       = each.key
  cidr_block              = local.subnet_cidrs.public[each.key]
  map_public_ip_on_launch = false # only NAT gateways live here, with their own Elastic IPs

  tags = merge(var.context.tags, { Name = "${var.context.name_prefix}-public-${each.key}", Tier = "public" })
}

resource "aws_subnet" "app" {
  for_each = local.zones

  vpc_id                  = aws_vpc.this.id
  availability_zone       = each.key
  cidr_block              = local.subnet_cidrs.app[each.key]
  map_public_ip_on_launch = false

  tags = merge(var.context.tags, { Name = "${var.context.name_prefix}-app-${each.key}", Tier = "app" })
}

resource "aws_subnet" "data" {
  for_each = local.zones

  vpc_id                  = aws_vpc.this.id
  availability_zone       = each.key
  cidr_block              = local.subnet_cidrs.data[each.key]
  map_public_ip_on_launch = false

  tags = merge(var.context.tags, { Name = "${var.context.name_prefix}-data-${each.key}", Tier = "data" })
}

# ---- public routing -------------------------------------------------------------------------

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.context.tags, { Name = "${var.context.name_prefix}-public" })
}

resource "aws_route" "public_internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  for_each = aws_subnet.public

  subnet_id      = each.value.id
  route_table_id = aws_route_table.public.id
}

# ---- NAT egress for the app tier, only where no interface endpoints serve the AWS APIs ----------

resource "aws_eip" "nat" {
  for_each = toset(local.nat_zones)

  domain = "vpc"

  tags = merge(var.context.tags, { Name = "${var.context.name_prefix}-nat-${each.key}" })

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  for_each = toset(local.nat_zones)

  allocation_id     = aws_eip.nat[each.key].id
  subnet_id         = aws_subnet.public[each.key].id
  connectivity_type = "public"

  tags = merge(var.context.tags, { Name = "${var.context.name_prefix}-nat-${each.key}" })

  depends_on = [aws_internet_gateway.this]
}

# ---- private routing: app subnets route to a NAT only if there is one; data subnets never -------

resource "aws_route_table" "app" {
  for_each = local.zones

  vpc_id = aws_vpc.this.id

  tags = merge(var.context.tags, { Name = "${var.context.name_prefix}-app-${each.key}", Tier = "app" })
}

resource "aws_route" "app_nat" {
  for_each = var.nat_gateway_mode == "none" ? {} : local.zones

  route_table_id         = aws_route_table.app[each.key].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[local.nat_for_zone[each.key]].id
}

resource "aws_route_table_association" "app" {
  for_each = aws_subnet.app

  subnet_id      = each.value.id
  route_table_id = aws_route_table.app[each.key].id
}

resource "aws_route_table" "data" {
  vpc_id = aws_vpc.this.id

  tags = merge(var.context.tags, { Name = "${var.context.name_prefix}-data", Tier = "data" })
}

resource "aws_route_table_association" "data" {
  for_each = aws_subnet.data

  subnet_id      = each.value.id
  route_table_id = aws_route_table.data.id
}
