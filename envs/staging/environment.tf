# What makes this root staging. Every shared file (main.tf, variables.tf, outputs.tf, providers.tf:
# symlinks to ../shared/, see ../shared/README.md) derives from this name: resource names
# smartstack-staging-..., parameters /smartstack/staging/..., secrets smartstack-staging/..., the
# Environment tag, and which validation rules apply (staging is highly available like prod: per-AZ NAT,
# Multi-AZ non-burstable RDS, reserved Lambda concurrency, logs kept 90+ days). The backend is in
# versions.tf, the values in terraform.tfvars.
locals {
  environment = "staging"
}
