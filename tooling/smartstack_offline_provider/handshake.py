"""What Terraform and the tooling agree on with the stand-in, importable without its server's dependencies."""

# go-plugin's handshake for Terraform providers (hashicorp/terraform-plugin-go).
MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE"
MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2"
# The account id the stand-in reports as the caller's (default: the provider's allowed_account_ids[0]).
OFFLINE_ACCOUNT_ENV = "SMARTSTACK_OFFLINE_ACCOUNT_ID"
