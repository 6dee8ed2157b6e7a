# State bucket of the prod account, created by the backend bootstrap. Replace the account id with yours.
bucket = "smartstack-prod-tfstate-333333333333" # PLACEHOLDER: smartstack-prod-tfstate-<your account id>
