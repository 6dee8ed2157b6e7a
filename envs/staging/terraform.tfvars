# staging environment. Lines marked PLACEHOLDER must be replaced before a real apply (make apply refuses).
# No secret values here: secrets are created empty and filled with put-secret-value.
account_id         = "222222222222" # PLACEHOLDER: the staging AWS account id (12 digits)
region             = "us-east-1"
owner              = "platform"
vpc_cidr           = "10.0.0.0/16" # the seed layout; each environment has its own account and VPC
availability_zones = ["us-east-1a", "us-east-1b", "us-east-1c"]
nat_gateway_mode   = "none" # every AWS API through VPC endpoints: no route to the internet

log_retention_days        = 90
access_log_retention_days = 365
kms_deletion_window_days  = 30

domain_name           = "staging.smartstack.example.com"          # PLACEHOLDER: the staging domain you own (Route 53 refuses example.com)
ses_sender_address    = "no-reply@staging.smartstack.example.com" # PLACEHOLDER: an address at your domain_name
alarm_email_addresses = ["oncall@smartstack.example.com"]         # PLACEHOLDER: your on-call addresses

# Database
rds_instance_class         = "db.m7g.large"
rds_multi_az               = true
rds_backup_retention_days  = 14
deletion_protection        = true
rds_final_snapshot_enabled = true

# Functions and API
lambda_reserved_concurrency = { api = 200, worker = 10, ai = 20, authorizer = 20 }
lambda_concurrency_quota    = 1000 # PLACEHOLDER: the account's Lambda 'Concurrent executions' quota (Service Quotas)
api_throttling_rate_limit   = 50   # per method; 2 methods x (50 + 50/s x 1 s) = 200 = the API reservation
api_throttling_burst_limit  = 50
release_deployment_config   = "CodeDeployDefault.LambdaCanary10Percent5Minutes" # 10 % for 5 minutes, then all; rolled back on alarm
waf_managed_rules_enabled   = true
api_waf_enabled             = true

# Configuration read by the functions (functions/README.md "Configuration contract").
# /smartstack/staging/ai/model-id is written from bedrock_model_id.
bedrock_model_id = "anthropic.claude-3-haiku-20240307-v1:0"
parameters = {
  "api/presigned-url-ttl-seconds" = "900"
  "api/max-page-size"             = "100"
  "ai/max-output-tokens"          = "512"
  "auth/token-issuer"             = "https://auth.staging.smartstack.example.com" # PLACEHOLDER: your token issuer's https:// URL
  "auth/token-audience"           = "smartstack-api"
}
secret_recovery_window_days = 30
secret_rotation_days        = 30 # the generated keys' rotation (README "Rotation"); at least 7
