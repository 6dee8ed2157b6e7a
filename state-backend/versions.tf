terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }

  # Its state lives in the bucket it creates (the bucket from envs/<env>/backend.hcl at init). Until that
  # bucket exists, `make state-backend` runs it with local state and then pushes that state here. README.md.
  backend "s3" {
    key          = "smartstack/state-backend/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}
