# staging environment. account_id is a placeholder: set the real staging account id before applying.
account_id         = "222222222222"
region             = "us-east-1"
owner              = "platform"
vpc_cidr           = "10.0.0.0/16" # the seed layout; each environment has its own account and VPC
availability_zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
nat_gateway_mode   = "per_az"
log_retention_days = 90
