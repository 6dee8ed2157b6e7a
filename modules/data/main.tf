locals {
  identifier       = "${var.context.name_prefix}-postgres"
  account_root_arn = "arn:${var.context.partition}:iam::${var.context.account_id}:root"
  major_version    = split(".", var.engine_version)[0]

  tags = merge(var.context.tags, { Tier = "data" })
}

# ---------------------------------------------------------------------------
# Customer managed KMS key: RDS storage, Performance Insights and the
# RDS-managed master user secret. Used only through RDS / Secrets Manager.
# ---------------------------------------------------------------------------
module "rds_key" {
  source = "../kms-key"

  alias                   = "${var.context.name_prefix}-rds"
  description             = "${var.context.name_prefix} RDS PostgreSQL storage, Performance Insights and master secret"
  context                 = var.context
  deletion_window_in_days = var.kms_deletion_window_days
  tags                    = local.tags
  usage_statements = [
    {
      # Same shape as the AWS managed aws/rds key: any principal of this
      # account may use the key, but only through RDS or Secrets Manager.
      Sid       = "UseThroughRdsAndSecretsManagerOnly"
      Effect    = "Allow"
      Principal = { AWS = local.account_root_arn }
      Action = [
        "kms:Encrypt", "kms:Decrypt", "kms:ReEncryptFrom", "kms:ReEncryptTo",
        "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant", "kms:DescribeKey",
      ]
      Resource = "*"
      Condition = {
        StringEquals = {
          "kms:CallerAccount" = var.context.account_id
          "kms:ViaService" = [
            "rds.${var.context.region}.amazonaws.com",
            "secretsmanager.${var.context.region}.amazonaws.com",
          ]
        }
      }
    },
  ]
}

moved {
  from = aws_kms_key.rds
  to   = module.rds_key.aws_kms_key.this
}

moved {
  from = aws_kms_alias.rds
  to   = module.rds_key.aws_kms_alias.this
}

# ---------------------------------------------------------------------------
# Network placement
# ---------------------------------------------------------------------------
resource "aws_db_subnet_group" "this" {
  name        = "${var.context.name_prefix}-data"
  description = "${var.context.name_prefix} PostgreSQL in the isolated data subnets"
  subnet_ids  = var.data_subnet_ids
  tags        = local.tags
}

resource "aws_security_group" "db" {
  # A prefix, not a name: create_before_destroy needs the replacement to coexist with the old group.
  name_prefix = "${var.context.name_prefix}-postgres-"
  description = "PostgreSQL ${local.identifier}: 5432 from the Lambda security group only"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${var.context.name_prefix}-postgres" })

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_vpc_security_group_ingress_rule" "postgres_from_app" {
  security_group_id            = aws_security_group.db.id
  description                  = "PostgreSQL from the SmartStack Lambda security group"
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
  referenced_security_group_id = var.app_security_group_id
  tags                         = local.tags
}

# No egress rule: the instance never initiates connections (an SG with no
# egress rules denies all outbound; RDS needs none for replication/backups).

# ---------------------------------------------------------------------------
# Parameter group: TLS forced, sane logging
# ---------------------------------------------------------------------------
resource "aws_db_parameter_group" "this" {
  # A prefix, not a name: create_before_destroy needs the replacement to coexist with the old group.
  name_prefix = "${var.context.name_prefix}-postgres${local.major_version}-"
  family      = "postgres${local.major_version}"
  description = "${var.context.name_prefix} PostgreSQL ${local.major_version}: TLS required"
  tags        = local.tags

  parameter {
    name         = "rds.force_ssl"
    value        = "1"
    apply_method = "immediate"
  }

  parameter {
    name         = "ssl_min_protocol_version"
    value        = "TLSv1.2"
    apply_method = "immediate"
  }

  parameter {
    name         = "log_min_duration_statement"
    value        = tostring(var.log_min_duration_statement_ms)
    apply_method = "immediate"
  }

  parameter {
    name         = "log_connections"
    value        = "1"
    apply_method = "immediate"
  }

  lifecycle {
    create_before_destroy = true
  }
}

# ---------------------------------------------------------------------------
# Log groups for the exported PostgreSQL logs, created before the instance so
# that retention and KMS apply from the first line.
# ---------------------------------------------------------------------------
module "export_logs" {
  source   = "../log-group"
  for_each = toset(var.cloudwatch_logs_exports)

  name              = "/aws/rds/instance/${local.identifier}/${each.key}"
  retention_in_days = var.log_retention_days
  kms_key_arn       = var.logs_kms_key_arn
  context           = var.context
  tags              = local.tags
}

# Into modules/log-group, for every log type the variable allows: the groups stay as they are.
moved {
  from = aws_cloudwatch_log_group.exports["postgresql"]
  to   = module.export_logs["postgresql"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_cloudwatch_log_group.exports["upgrade"]
  to   = module.export_logs["upgrade"].aws_cloudwatch_log_group.this
}

moved {
  from = aws_cloudwatch_log_group.exports["iam-db-auth-error"]
  to   = module.export_logs["iam-db-auth-error"].aws_cloudwatch_log_group.this
}

# ---------------------------------------------------------------------------
# The database
# ---------------------------------------------------------------------------
# The final snapshot's name, one per life of the instance: a fixed name collides (DBSnapshotAlreadyExists)
# with the snapshot an earlier teardown or replacement left. A new id comes with each new instance: a
# re-created environment creates this anew, and the arguments that make AWS replace the instance
# (ForceNew in hashicorp/aws) replace this too. Unchanged, it plans nothing. `terraform apply -replace`
# of the instance alone keeps the name: replace this with it (module README "Protection").
resource "terraform_data" "final_snapshot_name" {
  triggers_replace = {
    identifier        = local.identifier
    engine            = "postgres"
    db_name           = var.database_name
    username          = var.master_username
    kms_key_id        = module.rds_key.arn
    storage_encrypted = true
  }
}

resource "aws_db_instance" "this" {
  #checkov:skip=CKV_AWS_293:set by the env profile: on in prod (policy rule isolation.prod-deletion-protection)
  identifier     = local.identifier
  engine         = "postgres"
  engine_version = var.engine_version
  instance_class = var.instance_class

  db_name  = var.database_name
  username = var.master_username
  port     = 5432

  # The master password is generated and rotated by RDS and stored in Secrets
  # Manager; it never appears in code, variables or state.
  manage_master_user_password         = true
  master_user_secret_kms_key_id       = module.rds_key.arn
  iam_database_authentication_enabled = true

  multi_az               = var.multi_az
  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.db.id]
  publicly_accessible    = false
  network_type           = "IPV4"
  ca_cert_identifier     = var.ca_cert_identifier

  storage_type          = "gp3"
  allocated_storage     = var.allocated_storage_gb
  max_allocated_storage = var.max_allocated_storage_gb
  storage_encrypted     = true
  kms_key_id            = module.rds_key.arn

  parameter_group_name = aws_db_parameter_group.this.name

  backup_retention_period  = var.backup_retention_days
  backup_window            = var.backup_window
  maintenance_window       = var.maintenance_window
  copy_tags_to_snapshot    = true
  delete_automated_backups = false

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false
  apply_immediately           = var.apply_immediately

  performance_insights_enabled          = true
  performance_insights_kms_key_id       = module.rds_key.arn
  performance_insights_retention_period = var.performance_insights_retention_days

  enabled_cloudwatch_logs_exports = var.cloudwatch_logs_exports

  # Enhanced Monitoring: OS metrics (per-process CPU/memory, disk I/O, swap) every
  # monitoring_interval_seconds, published by RDS through the monitoring role below.
  monitoring_interval = var.monitoring_interval_seconds
  monitoring_role_arn = var.monitoring_interval_seconds > 0 ? aws_iam_role.monitoring[0].arn : null

  #trivy:ignore:AWS-0177 required true in prod (variable validation, isolation.prod-deletion-protection); dev may be torn down
  deletion_protection       = var.deletion_protection
  skip_final_snapshot       = !var.final_snapshot_enabled
  final_snapshot_identifier = var.final_snapshot_enabled ? "${local.identifier}-final-${replace(terraform_data.final_snapshot_name.id, "-", "")}" : null

  tags = merge(local.tags, { Name = local.identifier })

  depends_on = [module.export_logs, aws_iam_role_policy_attachment.monitoring]

  lifecycle {
    # Always on (see README "Protection"): an RDS instance is never destroyed
    # by a plan. Escape hatch documented in the README.
    prevent_destroy = true
  }
}

# ---------------------------------------------------------------------------
# Enhanced Monitoring role: assumed only by RDS monitoring, for this account's
# <name_prefix>-postgres instance (confused-deputy conditions on the trust).
# Permissions: the AWS managed AmazonRDSEnhancedMonitoringRole policy. It is
# acceptable here because it grants nothing but log writes to the fixed
# RDSOSMetrics log group (logs:CreateLogGroup/PutRetentionPolicy on
# log-group:RDS*, CreateLogStream/PutLogEvents/DescribeLogStreams/GetLogEvents
# on log-group:RDSOSMetrics:log-stream:*), no Resource "*"; RDS picks that
# group name, so an inline copy could not be narrower, and AWS keeps the
# managed policy in step with what the monitoring agent needs.
# ---------------------------------------------------------------------------
resource "aws_iam_role" "monitoring" {
  count = var.monitoring_interval_seconds > 0 ? 1 : 0

  name        = "${var.context.name_prefix}-rds-monitoring"
  description = "RDS Enhanced Monitoring for ${local.identifier}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "RdsMonitoringOfThisInstance"
        Effect    = "Allow"
        Principal = { Service = "monitoring.rds.amazonaws.com" }
        Action    = "sts:AssumeRole"
        Condition = {
          StringEquals = { "aws:SourceAccount" = var.context.account_id }
          ArnLike      = { "aws:SourceArn" = "arn:${var.context.partition}:rds:${var.context.region}:${var.context.account_id}:db:${local.identifier}" }
        }
      },
    ]
  })
  tags = local.tags
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  count = var.monitoring_interval_seconds > 0 ? 1 : 0

  role       = aws_iam_role.monitoring[0].name
  policy_arn = "arn:${var.context.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}
