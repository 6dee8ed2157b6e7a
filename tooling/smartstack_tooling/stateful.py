"""The resource types whose destroy loses something, and what: one fact with two readers. The apply
destroy guard refuses a plan that deletes or replaces any of them (apply.stateful_destroys); the
environments whose profile sets prevent_destroy_required need ``lifecycle { prevent_destroy = true }``
in the module source of those marked ``prevent_destroy`` (policy rule isolation.prod-prevent-destroy).
Nothing in the package is imported here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Stateful:
    loses: str  # what a destroy or replace loses; the policy rule's violation message quotes it
    prevent_destroy: bool  # the module source must protect it where the profile requires it


STATEFUL = {
    "aws_db_instance": Stateful("the database", prevent_destroy=True),
    "aws_rds_cluster": Stateful("the database cluster", prevent_destroy=False),
    "aws_rds_cluster_instance": Stateful("a database cluster member", prevent_destroy=False),
    "aws_db_snapshot": Stateful("the snapshot", prevent_destroy=False),
    "aws_s3_bucket": Stateful("objects (attachments, AI logs, access logs)", prevent_destroy=True),
    "aws_kms_key": Stateful("a deleted key makes everything it encrypted unreadable", prevent_destroy=True),
    "aws_secretsmanager_secret": Stateful("secret values set outside Terraform", prevent_destroy=True),
    "aws_route53_zone": Stateful(
        "a new zone gets new name servers (breaks delegation)", prevent_destroy=True
    ),
    "aws_dynamodb_table": Stateful("the table's items", prevent_destroy=False),
    "aws_efs_file_system": Stateful("the files", prevent_destroy=False),
    "aws_ebs_volume": Stateful("the volume's data", prevent_destroy=False),
    "aws_sqs_queue": Stateful("messages waiting in the queue", prevent_destroy=False),
    "aws_cloudwatch_log_group": Stateful("the logs kept", prevent_destroy=False),
    "aws_elasticache_replication_group": Stateful("the cached data", prevent_destroy=False),
    "aws_backup_vault": Stateful("the recovery points", prevent_destroy=False),
}
DESTROY_GUARDED = frozenset(STATEFUL)  # apply refuses to delete or replace these without ALLOW_DESTROY=1
PREVENT_DESTROY_REQUIRED = {rtype: s.loses for rtype, s in STATEFUL.items() if s.prevent_destroy}
