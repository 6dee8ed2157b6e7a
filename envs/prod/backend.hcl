# State bucket of the prod account, created by `make state-backend`. Replace the account id with yours.
bucket = "smartstack-prod-tfstate-333333333333" # PLACEHOLDER: smartstack-prod-tfstate-<your account id>
