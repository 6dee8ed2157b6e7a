environment        = "staging"
account_id         = "123456789012"
region             = "us-east-1"
vpc_cidr           = "10.0.0.0/16"
subnet_newbits     = 8
availability_zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
nat_gateway_mode   = "per_az"
