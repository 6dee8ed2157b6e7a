"""SmartStack API Gateway TOKEN authorizer: verifies HS256 bearer tokens with the signing key."""
