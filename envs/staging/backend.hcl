# State bucket of the staging account, created by `make state-backend`. Replace the account id with yours.
bucket = "smartstack-staging-tfstate-222222222222" # PLACEHOLDER: smartstack-staging-tfstate-<your account id>
