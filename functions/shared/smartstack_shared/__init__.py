"""Code shared by the SmartStack Lambda functions: configuration, PostgreSQL, AWS clients, contracts."""
