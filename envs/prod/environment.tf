# What makes this root prod. Every common file (main.tf, variables.tf, outputs.tf, providers.tf: symlinks
# to ../common/, see ../common/README.md) derives from this name: resource names smartstack-prod-...,
# parameters /smartstack/prod/..., secrets smartstack-prod/..., the Environment tag, and the profile the
# validations read (its entry in ../profiles.json). The backend is in versions.tf, the values in
# terraform.tfvars.
locals {
  environment = "prod"
}
