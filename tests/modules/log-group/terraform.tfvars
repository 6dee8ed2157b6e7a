environment = "staging"
account_id  = "123456789012"
region      = "us-east-1"
