terraform {
  required_version = ">= 1.10"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7.0"
    }
  }

  # State in the environment's own state bucket, which state-backend/ created first, beside the
  # environment's state (smartstack/<env>/terraform.tfstate): one bucket per account, so one key serves
  # every environment. Partial configuration: `make ci-access` passes envs/<env>/backend.hcl's bucket.
  backend "s3" {
    key          = "smartstack/ci-access/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}
