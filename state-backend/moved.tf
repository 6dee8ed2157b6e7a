# Where the buckets' resources stood before modules/s3-bucket owned the hardening: Terraform moves them in
# the state, so neither bucket nor any of its settings is destroyed or replaced.

moved {
  from = aws_s3_bucket.state
  to   = module.state_bucket.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_ownership_controls.state
  to   = module.state_bucket.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_public_access_block.state
  to   = module.state_bucket.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_versioning.state
  to   = module.state_bucket.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.state
  to   = module.state_bucket.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.state
  to   = module.state_bucket.aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket_policy.state
  to   = module.state_bucket.aws_s3_bucket_policy.this
}

moved {
  from = aws_s3_bucket.state_logs
  to   = module.state_logs_bucket.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_ownership_controls.state_logs
  to   = module.state_logs_bucket.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_public_access_block.state_logs
  to   = module.state_logs_bucket.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_versioning.state_logs
  to   = module.state_logs_bucket.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.state_logs
  to   = module.state_logs_bucket.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.state_logs
  to   = module.state_logs_bucket.aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket_policy.state_logs
  to   = module.state_logs_bucket.aws_s3_bucket_policy.this
}

moved {
  from = aws_s3_bucket_logging.state
  to   = module.state_bucket.aws_s3_bucket_logging.this[0]
}
