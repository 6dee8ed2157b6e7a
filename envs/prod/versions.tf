# The prod state: S3 backend with S3-native locking (no DynamoDB table). A backend cannot use variables or
# locals, so the key is written out here, once per environment. Partial configuration: the state bucket
# comes from backend.hcl (terraform init -backend-config=backend.hcl). Terraform and provider version
# requirements are common to every env: ../common/providers.tf.
terraform {
  backend "s3" {
    key          = "smartstack/prod/terraform.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}
