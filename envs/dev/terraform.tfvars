# dev environment. account_id is a placeholder: set the real dev account id before applying.
account_id         = "111111111111"
region             = "us-east-1"
owner              = "platform"
vpc_cidr           = "10.0.0.0/16" # the seed layout; each environment has its own account and VPC
availability_zones = ["us-east-1a", "us-east-1b"]
nat_gateway_mode   = "single"
log_retention_days = 30
