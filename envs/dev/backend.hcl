# State bucket of the dev account, created by the backend bootstrap. Replace the account id with yours.
bucket = "smartstack-dev-tfstate-111111111111" # PLACEHOLDER: smartstack-dev-tfstate-<your account id>
