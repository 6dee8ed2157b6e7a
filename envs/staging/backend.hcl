# State bucket of the staging account, created by the backend bootstrap. Replace the account id with yours.
bucket = "smartstack-staging-tfstate-222222222222" # PLACEHOLDER: smartstack-staging-tfstate-<your account id>
