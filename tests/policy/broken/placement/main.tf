# BROKEN ON PURPOSE (policy suite twin): the real network module, with a Lambda attached to the
# public subnets and a publicly accessible RDS instance whose subnet group holds public subnets.
# Planned by tests/policy/test_policy_rules.py (its rules' root twins); the subnet-placement rules must fail on it.
terraform {
  required_version = ">= 1.10"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

module "network" {
  source = "../../../../modules/network"

  context = {
    environment = "dev"
    name_prefix = "smartstack-dev"
    account_id  = "111111111111"
    region      = "us-east-1"
  }
  availability_zones         = ["us-east-1a", "us-east-1b"]
  nat_gateway_mode           = "single"
  enable_interface_endpoints = false
}

resource "aws_lambda_function" "public" {
  function_name = "smartstack-dev-broken"
  role          = "arn:aws:iam::111111111111:role/smartstack-dev-broken"
  filename      = "${path.module}/../../../modules/compute/fixtures/api.zip"
  handler       = "app.lambda_handler"
  runtime       = "python3.12"

  vpc_config {
    subnet_ids         = module.network.public_subnet_ids
    security_group_ids = ["sg-0a1b2c3d4e5f60003"]
  }
}

resource "aws_db_subnet_group" "public" {
  name       = "smartstack-dev-broken"
  subnet_ids = module.network.public_subnet_ids
}

resource "aws_db_instance" "public" {
  identifier                          = "smartstack-dev-broken"
  engine                              = "postgres"
  instance_class                      = "db.t4g.micro"
  allocated_storage                   = 20
  db_subnet_group_name                = aws_db_subnet_group.public.name
  publicly_accessible                 = true
  multi_az                            = false
  username                            = "smartstack"
  manage_master_user_password         = true
  iam_database_authentication_enabled = true
}
