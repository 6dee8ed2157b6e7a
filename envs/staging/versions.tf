terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }

  # Partial configuration: the state bucket comes from backend.hcl
  # (terraform init -backend-config=backend.hcl). S3-native locking, no DynamoDB table.
  backend "s3" {
    key          = "smartstack/staging/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}
