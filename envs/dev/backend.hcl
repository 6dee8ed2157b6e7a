# State bucket of the dev account, created by `make state-backend`. Replace the account id with yours.
bucket = "smartstack-dev-tfstate-111111111111" # PLACEHOLDER: smartstack-dev-tfstate-<your account id>
