# Where each bucket's resources stood before modules/s3-bucket owned the hardening: Terraform moves them
# in the state, so no bucket, policy or configuration is destroyed or replaced in an existing environment.

moved {
  from = aws_s3_bucket.logs
  to   = module.logs_bucket.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_ownership_controls.this["logs"]
  to   = module.logs_bucket.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_public_access_block.logs
  to   = module.logs_bucket.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_versioning.logs
  to   = module.logs_bucket.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.logs
  to   = module.logs_bucket.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.logs
  to   = module.logs_bucket.aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket_policy.logs
  to   = module.logs_bucket.aws_s3_bucket_policy.this
}

moved {
  from = aws_s3_bucket.files
  to   = module.files_bucket.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_ownership_controls.this["files"]
  to   = module.files_bucket.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_public_access_block.files
  to   = module.files_bucket.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_versioning.files
  to   = module.files_bucket.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.files
  to   = module.files_bucket.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.files
  to   = module.files_bucket.aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket_policy.files
  to   = module.files_bucket.aws_s3_bucket_policy.this
}

moved {
  from = aws_s3_bucket_logging.this["files"]
  to   = aws_s3_bucket_logging.files
}

moved {
  from = aws_s3_bucket_logging.files
  to   = module.files_bucket.aws_s3_bucket_logging.this[0]
}

moved {
  from = aws_s3_bucket.web
  to   = module.web_bucket.aws_s3_bucket.this
}

moved {
  from = aws_s3_bucket_ownership_controls.this["web"]
  to   = module.web_bucket.aws_s3_bucket_ownership_controls.this
}

moved {
  from = aws_s3_bucket_public_access_block.web
  to   = module.web_bucket.aws_s3_bucket_public_access_block.this
}

moved {
  from = aws_s3_bucket_versioning.web
  to   = module.web_bucket.aws_s3_bucket_versioning.this
}

moved {
  from = aws_s3_bucket_server_side_encryption_configuration.web
  to   = module.web_bucket.aws_s3_bucket_server_side_encryption_configuration.this
}

moved {
  from = aws_s3_bucket_lifecycle_configuration.web
  to   = module.web_bucket.aws_s3_bucket_lifecycle_configuration.this
}

moved {
  from = aws_s3_bucket_policy.web
  to   = module.web_bucket.aws_s3_bucket_policy.this
}

moved {
  from = aws_s3_bucket_logging.this["web"]
  to   = aws_s3_bucket_logging.web
}

moved {
  from = aws_s3_bucket_logging.web
  to   = module.web_bucket.aws_s3_bucket_logging.this[0]
}
