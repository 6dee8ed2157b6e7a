# What makes this root dev. Every shared file (main.tf, variables.tf, outputs.tf, providers.tf: symlinks
# to ../shared/, see ../shared/README.md) derives from this name: resource names smartstack-dev-...,
# parameters /smartstack/dev/..., secrets smartstack-dev/..., the Environment tag, and which validation
# rules apply (dev stays cheap but architecturally identical: it may opt out of the HA rules of staging
# and prod). The backend is in versions.tf, the values in terraform.tfvars.
locals {
  environment = "dev"
}
