"""The rotate function: Secrets Manager's rotation of the application keys it generates."""
