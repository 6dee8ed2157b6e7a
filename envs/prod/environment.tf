# What makes this root prod. Every shared file (main.tf, variables.tf, outputs.tf, providers.tf: symlinks
# to ../shared/, see ../shared/README.md) derives from this name: resource names smartstack-prod-...,
# parameters /smartstack/prod/..., secrets smartstack-prod/..., the Environment tag, and which validation
# rules apply (prod is highly available like staging and also protected: deletion protection, final
# snapshot, 30+ days of backups, 30-day KMS and secret windows, WAF managed rules). The backend is in
# versions.tf, the values in terraform.tfvars.
locals {
  environment = "prod"
}
