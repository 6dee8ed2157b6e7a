# What every account's CI access shares; per environment, `make ci-access ENV=<env>` passes environment,
# account_id (envs/<env>/terraform.tfvars) and state_bucket (envs/<env>/backend.hcl).
github_repository = "your-org/smartstack" # PLACEHOLDER: the GitHub repository as GitHub spells it, owner/name
