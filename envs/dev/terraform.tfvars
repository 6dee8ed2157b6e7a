# dev environment. Lines marked PLACEHOLDER must be replaced before a real apply (make apply refuses).
# No secret values here: secrets are created empty and filled with put-secret-value.
account_id         = "111111111111" # PLACEHOLDER: the dev AWS account id (12 digits)
region             = "us-east-1"
owner              = "platform"
vpc_cidr           = "10.0.0.0/16" # the seed layout; each environment has its own account and VPC
availability_zones = ["us-east-1a", "us-east-1b"]
nat_gateway_mode   = "none" # every AWS API through VPC endpoints: no route to the internet

log_retention_days        = 30
access_log_retention_days = 90
kms_deletion_window_days  = 7

domain_name           = "dev.smartstack.example.com"          # PLACEHOLDER: the dev domain you own (Route 53 refuses example.com)
ses_sender_address    = "no-reply@dev.smartstack.example.com" # PLACEHOLDER: an address at your domain_name
alarm_email_addresses = ["oncall@smartstack.example.com"]     # PLACEHOLDER: your on-call addresses

# Database
rds_instance_class         = "db.t4g.medium"
rds_multi_az               = true
rds_backup_retention_days  = 7
deletion_protection        = false
rds_final_snapshot_enabled = false

# Functions and API
lambda_reserved_concurrency = { api = -1, worker = -1, ai = -1, authorizer = -1 }
lambda_concurrency_quota    = 10 # nothing reserved: fits even a new account's quota
api_throttling_rate_limit   = 2  # per method; 2 methods x (3 + 2/s x 1 s) = 10: the whole unreserved quota
api_throttling_burst_limit  = 3
release_deployment_config   = "CodeDeployDefault.LambdaAllAtOnce" # releases shift all traffic at once
waf_managed_rules_enabled   = false
api_waf_enabled             = true

# Configuration read by the functions (functions/README.md "Configuration contract").
# /smartstack/dev/ai/model-id is written from bedrock_model_id.
bedrock_model_id = "anthropic.claude-3-haiku-20240307-v1:0"
parameters = {
  "api/presigned-url-ttl-seconds" = "900"
  "api/max-page-size"             = "100"
  "ai/max-output-tokens"          = "512"
  "auth/token-issuer"             = "https://auth.dev.smartstack.example.com" # PLACEHOLDER: your token issuer's https:// URL
  "auth/token-audience"           = "smartstack-api"
}
secret_recovery_window_days = 7
secret_rotation_days        = 30 # the generated keys' rotation (README "Rotation"); at least 7
