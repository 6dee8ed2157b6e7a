terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }

  # No backend block: this root creates the bucket every other root's backend needs, so its own state is
  # local, one workspace per environment (terraform.tfstate.d/<env>/, never committed). See README.md.
}
