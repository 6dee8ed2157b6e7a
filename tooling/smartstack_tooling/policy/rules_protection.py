"""Encryption & exposure, environment isolation, and what a plan cannot show (reviewed unknowns)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ..planview import PlanView
from ..profiles import environments_where
from ..stateful import PREVENT_DESTROY_REQUIRED
from . import source
from .engine import (
    ENVIRONMENTS,
    EVERY_TYPE,
    PolicyContext,
    _collect_refs,
    policy_documents,
    rule,
)
from .rules_iam import is_tls_deny
from .twins import (
    Mutation,
    Plan,
    change,
    config_edit,
    module_call,
    plan_twin,
    replace_in,
    set_policy,
    setting,
    swapped_twin,
    tree_twin,
    unconfigured,
    variables,
    without_address,
)


# ---------------------------------------------------------------------- reviewed plan-time unknowns
@dataclass(frozen=True)
class ReviewedUnknown:
    feeders: frozenset[str]  # the only apply-time resources whose attributes may feed the policy
    what: str  # which attribute is unknown and why
    verified_by: str  # where its content is proven


# compute's per-function role policies are for_each over its one `functions` input, and references are
# followed per input, not per map entry: each of them is also "fed" by whatever any entry names (the files
# bucket, the task queue, the SES configuration set in the env roots' entries). Those are plan-time ARNs
# (the role policies this[...] built from them are known); what stays unknown is named above each entry.
COMPUTE_FUNCTIONS_FEEDERS = frozenset(
    {
        "module.email.aws_sesv2_configuration_set.this",
        "module.messaging.aws_sqs_queue.tasks",
        "module.storage.module.files_bucket.aws_s3_bucket.this",
    }
)

REVIEWED_UNKNOWN_POLICIES: dict[str, ReviewedUnknown] = {
    "module.storage.module.web_bucket.aws_s3_bucket_policy.this.policy": ReviewedUnknown(
        frozenset({"module.edge.aws_cloudfront_distribution.this"}),
        "the CloudFront distribution ARN (AWS:SourceArn of the OAC read statement) exists only after apply",
        "tests/policy/test_policy_unknowns.py plans tests/modules/storage with a literal distribution "
        "ARN and "
        "runs the principal/action/resource/TLS rules on the then-known document",
    ),
    "module.compute.aws_iam_role_policy.rds_connect.policy": ReviewedUnknown(
        frozenset({"module.data.aws_db_instance.this", *COMPUTE_FUNCTIONS_FEEDERS}),
        "rds-db:connect needs the instance's DbiResourceId (aws_db_instance.resource_id), known after apply",
        "tests/policy/test_policy_unknowns.py plans tests/modules/compute with a literal db_resource_id "
        "and checks "
        "the statement is rds-db:connect on exactly dbuser:<id>/<own user>",
    ),
    "module.compute.aws_iam_role_policy.schema_owner_secret.policy": ReviewedUnknown(
        frozenset(
            {
                "module.data.aws_db_instance.this",
                "module.data.module.rds_key.aws_kms_key.this",
                *COMPUTE_FUNCTIONS_FEEDERS,
            }
        ),
        "the RDS-managed master secret's ARN and its KMS key's ARN exist once the instance and key do",
        "tests/policy/test_policy_unknowns.py plans tests/modules/compute with literal ARNs and checks the "
        "migrate role reads exactly that secret and decrypts with that key only through Secrets Manager; "
        "rule iam-only.schema-owner-secret-read-by-migrate-only follows the references",
    ),
    "module.api.aws_lambda_permission.api.source_arn": ReviewedUnknown(
        frozenset({"module.api.aws_api_gateway_rest_api.this"}),
        "the REST API's execution_arn (its id is assigned by AWS at apply)",
        "rule iam-only.apigw-permission-scoped-to-api: source_arn is built from "
        "aws_api_gateway_rest_api.execution_arn "
        "(configuration references), source_account is this account",
    ),
    "module.api.aws_lambda_permission.authorizer.source_arn": ReviewedUnknown(
        frozenset(
            {"module.api.aws_api_gateway_rest_api.this", "module.api.aws_api_gateway_authorizer.token"}
        ),
        "the REST API's execution_arn and the authorizer id (both assigned at apply)",
        "rule iam-only.apigw-permission-scoped-to-api (configuration references), as for the api permission",
    ),
}


def config_label(inst_address_module: str, inst_type: str, inst_name: str, attr: str) -> str:
    prefix = f"{inst_address_module}." if inst_address_module else ""
    return f"{prefix}{inst_type}.{inst_name}.{attr}"


def unknown_policies(ctx: PolicyContext) -> dict[str, set[str]]:
    """Configured policy attributes whose value is unknown at plan, with the resources that feed them."""
    out: dict[str, set[str]] = {}
    for doc in policy_documents(ctx):
        if doc.document is not None:
            continue
        inst = doc.owner
        label = config_label(inst.module, inst.type, inst.name, doc.attribute)
        feeders = {a for a in ctx.resolve_attr(inst, doc.attribute) if ":" not in a}
        out.setdefault(label, set()).update(feeders)
    return out


def _queue_policy_unknown(plan: Plan) -> None:
    rc = change(plan, "module.messaging.aws_sqs_queue_policy.tasks")
    rc["after"].pop("policy")
    rc["after_unknown"]["policy"] = True


def _module_input_also(call: str, name: str, reference: str) -> Mutation:
    """Let input ``name`` of the env root's call to ``call`` also take ``reference``."""

    return lambda plan: module_call(plan, call)["expressions"][name]["references"].append(reference)


@rule(
    "plan-visibility.unknown-policies-reviewed",
    "What a plan can show",
    "Policies unknown at plan time are exactly the reviewed list, fed only by reviewed apply-time attributes",
    severity="high",
    resource_types=EVERY_TYPE,  # policy documents, fed by any resource
    exemptions={
        label: f"{reviewed.what}; fed only by {', '.join(sorted(reviewed.feeders))}; "
        f"verified by {reviewed.verified_by}"
        for label, reviewed in REVIEWED_UNKNOWN_POLICIES.items()
    },
    twins=(
        plan_twin("new-unknown-queue-policy", "not in the reviewed list", "prod", _queue_policy_unknown),
        plan_twin(
            "web-policy-fed-by-db",
            "beyond the reviewed feeders",
            "staging",
            _module_input_also("storage", "cloudfront_distribution_arn", "module.data.db_resource_id"),
        ),
        plan_twin(
            "reviewed-policy-now-known",
            "now known or gone",
            "dev",
            setting(
                "module.storage.module.web_bucket.aws_s3_bucket_policy.this",
                policy=json.dumps({"Statement": []}),
            ),
        ),
    ),
)
def unknowns_reviewed(ctx: PolicyContext) -> list[str]:
    problems = []
    found = unknown_policies(ctx)
    for label, feeders in sorted(found.items()):
        reviewed = REVIEWED_UNKNOWN_POLICIES.get(label)
        if reviewed is None:
            problems.append(
                f"{label}: unknown at plan time and not in the reviewed list (fed by {sorted(feeders)})"
            )
        elif not feeders <= reviewed.feeders:
            problems.append(
                f"{label}: fed by {sorted(feeders - reviewed.feeders)} beyond the reviewed feeders"
            )
    # Only a resource being created shows its policy unknown: once it exists, the policy is known.
    created = {r.config_address for r in PlanView(ctx.plan).changes if "create" in r.actions}
    stale = sorted(
        label for label in set(REVIEWED_UNKNOWN_POLICIES) - set(found) if label.rsplit(".", 1)[0] in created
    )
    problems += [
        f"{label}: reviewed as unknown but now known or gone: update the reviewed list" for label in stale
    ]
    return problems


# ---------------------------------------------------------------------- encryption & exposure
def _attached(ctx: PolicyContext, rtype: str, attr: str, target: str) -> list:
    """Instances of ``rtype`` whose ``attr`` refers to the resource at config address ``target``."""
    return [i for i in ctx.of_type(rtype) if target in ctx.resolve_attr(i, attr)]


@rule(
    "encryption.s3-public-access-blocked",
    "Encryption & exposure",
    "Every S3 bucket blocks all public access",
    severity="critical",
    resource_types=("aws_s3_bucket", "aws_s3_bucket_public_access_block"),
    twins=(
        plan_twin(
            "files-bucket-without-block",
            "no aws_s3_bucket_public_access_block",
            "prod",
            without_address("module.storage.module.files_bucket.aws_s3_bucket_public_access_block.this"),
        ),
        plan_twin(
            "public-policy-allowed",
            "block_public_policy",
            "dev",
            setting(
                "module.storage.module.web_bucket.aws_s3_bucket_public_access_block.this",
                block_public_policy=False,
            ),
        ),
    ),
)
def s3_public_access(ctx: PolicyContext) -> list[str]:
    problems = []
    flags = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")
    for bucket in ctx.of_type("aws_s3_bucket"):
        blocks = _attached(ctx, "aws_s3_bucket_public_access_block", "bucket", bucket.config_address)
        if not blocks:
            problems.append(f"{bucket.address}: no aws_s3_bucket_public_access_block")
        for block in blocks:
            off = [f for f in flags if block.get(f) is not True]
            if off:
                problems.append(f"{block.address}: {off} not true")
    return problems


def _without_tls_deny(doc: dict) -> None:
    doc["Statement"] = [s for s in doc["Statement"] if s.get("Sid") != "DenyInsecureTransport"]


@rule(
    "encryption.s3-tls-only",
    "Encryption & exposure",
    "Every S3 bucket policy denies requests without TLS",
    severity="high",
    resource_types=("aws_s3_bucket", "aws_s3_bucket_policy"),
    twins=(
        plan_twin(
            "files-policy-without-tls-deny",
            "aws:SecureTransport",
            "staging",
            lambda p: set_policy(
                p, "module.storage.module.files_bucket.aws_s3_bucket_policy.this", _without_tls_deny
            ),
        ),
    ),
)
def s3_tls_only(ctx: PolicyContext) -> list[str]:
    problems = []
    for bucket in ctx.of_type("aws_s3_bucket"):
        policies = _attached(ctx, "aws_s3_bucket_policy", "bucket", bucket.config_address)
        if not policies:
            problems.append(f"{bucket.address}: no bucket policy (no TLS-only deny)")
        for pol in policies:
            if pol.is_unknown("policy"):
                label = config_label(pol.module, pol.type, pol.name, "policy")
                if label not in REVIEWED_UNKNOWN_POLICIES:
                    problems.append(f"{pol.address}: policy unknown at plan and not reviewed")
                continue
            doc = json.loads(pol.get("policy") or "{}")
            stmts = doc.get("Statement", [])
            stmts = stmts if isinstance(stmts, list) else [stmts]
            if not any(is_tls_deny(s) and {"s3:*"} & set(_as_list(s.get("Action"))) for s in stmts):
                problems.append(f"{pol.address}: no Deny s3:* when aws:SecureTransport is false")
    return problems


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else ([] if value is None else [value])


SENSITIVE_DATA_CLASSES = {"customer-content"}


def _files_bucket_on_sse_s3(plan: Plan) -> None:
    after = change(
        plan, "module.storage.module.files_bucket.aws_s3_bucket_server_side_encryption_configuration.this"
    )["after"]
    after["rule"][0]["apply_server_side_encryption_by_default"][0]["sse_algorithm"] = "AES256"


@rule(
    "encryption.s3-sse-kms-for-sensitive-data",
    "Encryption & exposure",
    "Every bucket is encrypted; sensitive data (the files bucket) with SSE-KMS under a customer key",
    severity="high",
    resource_types=("aws_kms_key", "aws_s3_bucket", "aws_s3_bucket_server_side_encryption_configuration"),
    twins=(plan_twin("files-bucket-sse-s3", "not SSE-KMS", "prod", _files_bucket_on_sse_s3),),
)
def s3_sse(ctx: PolicyContext) -> list[str]:
    problems = []
    for bucket in ctx.of_type("aws_s3_bucket"):
        configs = _attached(
            ctx, "aws_s3_bucket_server_side_encryption_configuration", "bucket", bucket.config_address
        )
        if not configs:
            problems.append(f"{bucket.address}: no server-side encryption configuration")
            continue
        sensitive = bucket.tags().get("DataClass") in SENSITIVE_DATA_CLASSES or "-files-" in str(
            bucket.get("bucket")
        )
        for cfg in configs:
            for rule_block in cfg.get("rule") or []:
                for default in rule_block.get("apply_server_side_encryption_by_default") or []:
                    algo = default.get("sse_algorithm")
                    if algo not in ("aws:kms", "aws:kms:dsse", "AES256"):
                        problems.append(f"{cfg.address}: sse_algorithm {algo!r}")
                    if sensitive and algo not in ("aws:kms", "aws:kms:dsse"):
                        problems.append(
                            f"{cfg.address}: sensitive bucket {bucket.address} uses {algo}, not SSE-KMS"
                        )
                    if sensitive and "aws_kms_key" not in ctx.resolved_types(
                        cfg, "rule.apply_server_side_encryption_by_default.kms_master_key_id"
                    ):
                        problems.append(f"{cfg.address}: sensitive bucket without a customer managed KMS key")
    return problems


def _kms_backed(ctx: PolicyContext, inst, attr: str) -> bool:
    value = inst.get(attr)
    if isinstance(value, str) and value.startswith("arn:aws") and ":kms:" in value:
        return True
    return "aws_kms_key" in ctx.resolved_types(inst, attr)


@rule(
    "encryption.rds-encrypted",
    "Encryption & exposure",
    "RDS storage (and Performance Insights) is encrypted with a customer managed KMS key",
    severity="high",
    resource_types=("aws_db_instance", "aws_kms_key"),
    twins=(
        plan_twin(
            "rds-unencrypted",
            "storage not encrypted",
            "staging",
            setting("module.data.aws_db_instance.this", storage_encrypted=False),
        ),
    ),
)
def rds_encrypted(ctx: PolicyContext) -> list[str]:
    problems = []
    for db in ctx.of_type("aws_db_instance"):
        if db.get("storage_encrypted") is not True or not _kms_backed(ctx, db, "kms_key_id"):
            problems.append(f"{db.address}: storage not encrypted with a customer managed KMS key")
        if db.get("performance_insights_enabled") and not _kms_backed(
            ctx, db, "performance_insights_kms_key_id"
        ):
            problems.append(f"{db.address}: Performance Insights without a customer managed KMS key")
    return problems


@rule(
    "encryption.sqs-encrypted",
    "Encryption & exposure",
    "SQS queues use SQS-managed SSE or a KMS key",
    severity="medium",
    resource_types=("aws_sqs_queue",),
    twins=(
        plan_twin(
            "plain-queue",
            "neither SQS-managed SSE",
            "prod",
            setting("module.messaging.aws_sqs_queue.tasks", sqs_managed_sse_enabled=False),
        ),
    ),
)
def sqs_encrypted(ctx: PolicyContext) -> list[str]:
    return [
        f"{queue.address}: neither SQS-managed SSE nor a KMS key"
        for queue in ctx.of_type("aws_sqs_queue")
        if queue.get("sqs_managed_sse_enabled") is not True
        and not ctx.is_configured(queue, "kms_master_key_id")
    ]


@rule(
    "encryption.log-groups-encrypted",
    "Encryption & exposure",
    "CloudWatch log groups are encrypted with a customer managed KMS key",
    severity="medium",
    resource_types=("aws_cloudwatch_log_group", "aws_kms_key"),
    twins=(
        plan_twin(
            "log-group-without-kms",
            "log group without a KMS key",
            "dev",
            unconfigured("module.api.module.access_logs.aws_cloudwatch_log_group.this", "kms_key_id"),
        ),
    ),
)
def log_groups_encrypted(ctx: PolicyContext) -> list[str]:
    return [
        f"{group.address}: log group without a KMS key"
        for group in ctx.of_type("aws_cloudwatch_log_group")
        if not ctx.is_configured(group, "kms_key_id") or not _kms_backed(ctx, group, "kms_key_id")
    ]


@rule(
    "encryption.secrets-encrypted",
    "Encryption & exposure",
    "Secrets Manager secrets are encrypted with a customer managed KMS key",
    severity="high",
    resource_types=("aws_kms_key", "aws_secretsmanager_secret"),
    twins=(
        plan_twin(
            "secret-on-aws-managed-key",
            "without a customer managed",
            "prod",
            unconfigured(
                "module.secrets.aws_secretsmanager_secret.this",
                "kms_key_id",
                'module.secrets.aws_secretsmanager_secret.this["api-signing-key"]',
            ),
        ),
    ),
)
def secrets_encrypted(ctx: PolicyContext) -> list[str]:
    return [
        f"{secret.address}: secret without a customer managed KMS key"
        for secret in ctx.of_type("aws_secretsmanager_secret")
        if not _kms_backed(ctx, secret, "kms_key_id")
    ]


@rule(
    "encryption.sns-encrypted",
    "Encryption & exposure",
    "SNS topics are encrypted with a KMS key",
    severity="medium",
    resource_types=("aws_kms_key", "aws_sns_topic"),
    twins=(
        plan_twin(
            "plain-alarm-topic",
            "SNS topic without a KMS key",
            "staging",
            unconfigured(
                "module.observability.aws_sns_topic.alarms",
                "kms_master_key_id",
                "module.observability.aws_sns_topic.alarms",
            ),
        ),
    ),
)
def sns_encrypted(ctx: PolicyContext) -> list[str]:
    return [
        f"{topic.address}: SNS topic without a KMS key"
        for topic in ctx.of_type("aws_sns_topic")
        if not ctx.is_configured(topic, "kms_master_key_id")
    ]


@rule(
    "encryption.kms-keys-rotate",
    "Encryption & exposure",
    "Customer managed KMS keys that AWS can rotate (symmetric encryption keys) rotate",
    severity="medium",
    resource_types=("aws_kms_key",),
    twins=(
        plan_twin(
            "rds-key-not-rotating",
            "enable_key_rotation is not true",
            "dev",
            setting("module.data.module.rds_key.aws_kms_key.this", enable_key_rotation=False),
        ),
    ),
)
def kms_keys_rotate(ctx: PolicyContext) -> list[str]:
    problems = []
    for key in ctx.of_type("aws_kms_key"):
        spec = str(key.get("customer_master_key_spec") or "SYMMETRIC_DEFAULT")
        signing = key.get("key_usage") == "SIGN_VERIFY"
        if signing and spec != "SYMMETRIC_DEFAULT" and not spec.startswith("HMAC"):
            # AWS rotates only symmetric encryption keys; a signing key (the DNSSEC KSK's) encrypts no data
            # and is rolled by replacing it (modules/dns/README.md "DNSSEC").
            continue
        if key.get("enable_key_rotation") is not True:
            problems.append(f"{key.address}: enable_key_rotation is not true")
    return problems


def _origins_without_oac(expressions: dict) -> None:
    for origin in expressions["origin"]:
        origin.pop("origin_access_control_id", None)


@rule(
    "encryption.cloudfront-s3-only-via-oac",
    "Encryption & exposure",
    "CloudFront reaches S3 only through an Origin Access Control (SigV4 always), never OAI or website",
    severity="high",
    resource_types=(
        "aws_cloudfront_distribution",
        "aws_cloudfront_origin_access_control",
        "aws_s3_bucket",
        "aws_s3_bucket_website_configuration",
    ),
    twins=(
        plan_twin(
            "s3-origin-without-oac",
            "without an origin access control",
            "prod",
            config_edit("module.edge.aws_cloudfront_distribution.this", _origins_without_oac),
        ),
        plan_twin(
            "oac-never-signs",
            "signing_behavior",
            "dev",
            setting("module.edge.aws_cloudfront_origin_access_control.web", signing_behavior="never"),
        ),
    ),
)
def cloudfront_oac(ctx: PolicyContext) -> list[str]:
    problems = []
    for oac in ctx.of_type("aws_cloudfront_origin_access_control"):
        want = {
            "origin_access_control_origin_type": "s3",
            "signing_behavior": "always",
            "signing_protocol": "sigv4",
        }
        for key, value in want.items():
            if oac.get(key) != value:
                problems.append(f"{oac.address}: {key} = {oac.get(key)!r}, want {value!r}")
    for dist in ctx.of_type("aws_cloudfront_distribution"):
        cfg = ctx.config_of(dist)
        for origin in cfg.get("expressions", {}).get("origin", []):
            feeders = ctx.resolve(dist.module, _collect_refs(origin.get("domain_name", {})))
            domain = str((origin.get("domain_name") or {}).get("constant_value", ""))
            if not any(".aws_s3_bucket." in f".{f}" for f in feeders) and ".s3." not in domain:
                continue
            oid = (origin.get("origin_id") or {}).get("constant_value") or sorted(
                _collect_refs(origin.get("origin_id", {}))
            )
            oac_refs = ctx.resolve(dist.module, _collect_refs(origin.get("origin_access_control_id", {})))
            if not any(".aws_cloudfront_origin_access_control." in f".{r}" for r in oac_refs):
                problems.append(f"{dist.address}: S3 origin {oid} without an origin access control")
            if origin.get("s3_origin_config") or origin.get("custom_origin_config"):
                problems.append(f"{dist.address}: S3 origin {oid} uses s3_origin_config/custom_origin_config")
        for bucket_site in ctx.of_type("aws_s3_bucket_website_configuration"):
            problems.append(f"{bucket_site.address}: S3 website endpoint (public HTTP) is configured")
    return problems


HTTPS_VIEWER_POLICIES = {"https-only", "redirect-to-https"}
# Terraform's own provider (terraform_data): it calls no API, so it has no account to guard.
BUILTIN_PROVIDER = "terraform.io/builtin/terraform"


def _viewers_allowed_http(plan: Plan) -> None:
    after = change(plan, "module.edge.aws_cloudfront_distribution.this")["after"]
    after["default_cache_behavior"][0]["viewer_protocol_policy"] = "allow-all"


@rule(
    "encryption.https-only-viewers",
    "Encryption & exposure",
    "Viewers use HTTPS only (https-only/redirect-to-https, TLS >= 1.2); origins and API domain on TLS 1.2",
    severity="high",
    resource_types=("aws_api_gateway_domain_name", "aws_cloudfront_distribution"),
    twins=(
        plan_twin("allow-all-viewers", "viewer_protocol_policy 'allow-all'", "prod", _viewers_allowed_http),
    ),
)
def https_only(ctx: PolicyContext) -> list[str]:
    problems = []
    for dist in ctx.of_type("aws_cloudfront_distribution"):
        behaviors = list(dist.get("default_cache_behavior") or []) + list(
            dist.get("ordered_cache_behavior") or []
        )
        if not behaviors:
            problems.append(f"{dist.address}: no cache behaviour planned")
        for b in behaviors:
            if b.get("viewer_protocol_policy") not in HTTPS_VIEWER_POLICIES:
                problems.append(
                    f"{dist.address}: behaviour {b.get('path_pattern', 'default')} viewer_protocol_policy "
                    f"{b.get('viewer_protocol_policy')!r}"
                )
        for cert in dist.get("viewer_certificate") or []:
            if not str(cert.get("minimum_protocol_version")).startswith("TLSv1.2"):
                problems.append(
                    f"{dist.address}: minimum_protocol_version {cert.get('minimum_protocol_version')!r}"
                )
            if cert.get("cloudfront_default_certificate"):
                problems.append(f"{dist.address}: default *.cloudfront.net certificate (TLSv1 allowed)")
        for origin in dist.get("origin") or []:
            for custom in origin.get("custom_origin_config") or []:
                if custom.get("origin_protocol_policy") != "https-only":
                    problems.append(f"{dist.address}: origin {origin.get('origin_id')} not https-only")
    for domain in ctx.of_type("aws_api_gateway_domain_name"):
        if domain.get("security_policy") not in ("TLS_1_2", "SecurityPolicy_TLS13_1_2_2021_06"):
            problems.append(f"{domain.address}: security_policy {domain.get('security_policy')!r}")
    return problems


# ---------------------------------------------------------------------- environment isolation
NAME_KEYS = (
    "name",
    "function_name",
    "bucket",
    "identifier",
    "alarm_name",
    "configuration_set_name",
    "name_prefix",
)
NAME_EXEMPT_TYPES = {
    "aws_iam_role_policy": "inline policy names are scoped by their (prefixed) role",
    "aws_route53_record": "DNS names follow the environment's domain",
    "aws_route53_zone": "the zone is the environment's domain",
    "aws_api_gateway_stage": "stage names live inside the prefixed API",
    "aws_lambda_alias": "alias names live inside the prefixed function (its ARN is function:<name>:<alias>)",
    "aws_route53_key_signing_key": "KSK names allow only [A-Za-z0-9_]; unique within the env's own zone",
    "aws_default_security_group": "EC2 names every VPC's default group 'default'; the VPC is prefixed",
}
# API Gateway writes execution logs only to API-Gateway-Execution-Logs_<rest api id>/<stage>.
API_EXECUTION_LOG_GROUP = re.compile(r"API-Gateway-Execution-Logs_[a-z0-9]+/[\w-]+")


def _env_prefix_ok(value: str, env: str) -> bool:
    return f"smartstack-{env}" in value or f"/smartstack/{env}/" in value


@rule(
    "isolation.names-prefixed-per-env",
    "Environment isolation",
    "Every known resource name carries the prefix smartstack-<env>; every resource is tagged Environment",
    severity="high",
    resource_types=EVERY_TYPE,
    twins=(
        plan_twin(
            "unprefixed-bucket",
            "lacks smartstack-prod",
            "prod",
            setting(
                "module.storage.module.files_bucket.aws_s3_bucket.this",
                bucket="smartstack-files-333333333333",
            ),
        ),
        swapped_twin("staging-plan-applied-as-prod", "lacks smartstack-prod", "prod", plan_of="staging"),
    ),
)
def names_prefixed(ctx: PolicyContext) -> list[str]:
    problems = []
    # Route 53 query log groups are named after the zone they log (/aws/route53/<zone>), and the zone is the
    # environment's own domain (see NAME_EXEMPT_TYPES).
    zones = [z.get("name") for z in ctx.of_type("aws_route53_zone") if z.get("name")]
    zone_log_groups = {f"/aws/route53/{zone}" for zone in zones}
    for inst in ctx.instances:
        if inst.type in NAME_EXEMPT_TYPES:
            continue
        for key in NAME_KEYS:
            value = inst.get(key)
            if inst.type == "aws_cloudwatch_log_group" and key == "name" and value in zone_log_groups:
                continue
            if inst.type == "aws_cloudwatch_log_group" and API_EXECUTION_LOG_GROUP.fullmatch(str(value)):
                continue
            if isinstance(value, str) and value and not _env_prefix_ok(value, ctx.env):
                problems.append(f"{inst.address}: {key} {value!r} lacks smartstack-{ctx.env}")
        tags = inst.values.get("tags_all")
        if isinstance(tags, dict) and tags.get("Environment") != ctx.env:
            problems.append(f"{inst.address}: tags_all.Environment = {tags.get('Environment')!r}")
    return problems


def _env_roots(ctx: PolicyContext) -> dict[str, Any]:
    return {e: ctx.repo / "envs" / e for e in ENVIRONMENTS if (ctx.repo / "envs" / e).is_dir()}


@rule(
    "isolation.backend-and-account-guard",
    "Environment isolation",
    "Distinct state key and bucket per environment; every provider pinned to this environment's own account",
    severity="critical",
    resource_types=(),  # reads the backend and provider configuration, no resource
    twins=(
        tree_twin(
            "staging-shares-prod-state-key",
            "shared with prod",
            "staging",
            replace_in("envs/staging/versions.tf", "smartstack/staging/", "smartstack/prod/"),
        ),
        plan_twin(
            "provider-without-account-guard",
            "allowed_account_ids",
            "dev",
            lambda p: p["configuration"]["provider_config"]["aws"]["expressions"].pop("allowed_account_ids"),
        ),
    ),
)
def backend_and_account(ctx: PolicyContext) -> list[str]:
    problems = []
    mine = source.backend(ctx.root_dir)
    key, bucket = str(mine.get("key", "")), str(mine.get("bucket", ""))
    if f"/{ctx.env}/" not in f"/{key}":
        problems.append(f"backend key {key!r} does not name {ctx.env}")
    if ctx.env not in bucket or (ctx.account_id or "?") not in bucket:
        problems.append(f"backend bucket {bucket!r} is not {ctx.env}'s own (account {ctx.account_id})")
    for other, root in _env_roots(ctx).items():
        if other == ctx.env:
            continue
        theirs = source.backend(root)
        if theirs.get("key") == key or theirs.get("bucket") == bucket:
            problems.append(f"backend key/bucket shared with {other}")
        if source.tfvars(root).get("account_id") == ctx.account_id:
            problems.append(f"account_id {ctx.account_id} is also {other}'s")
    providers = ctx.plan.get("configuration", {}).get("provider_config", {})
    if not providers:
        problems.append("no provider configuration")
    for name, prov in providers.items():
        if prov.get("full_name") == BUILTIN_PROVIDER:  # terraform_data: reaches no account
            continue
        refs = _collect_refs(prov.get("expressions", {}).get("allowed_account_ids", {}))
        constant = (prov.get("expressions", {}).get("allowed_account_ids") or {}).get("constant_value")
        if refs != ["var.account_id"] and constant != [ctx.account_id]:
            problems.append(
                f"provider {name}: allowed_account_ids is not [var.account_id] ({refs or constant})"
            )
    return problems


def _dns_module_from(module_source: str) -> Mutation:
    return lambda plan: module_call(plan, "dns").update(source=module_source)


@rule(
    "isolation.no-cross-env-references",
    "Environment isolation",
    "No module source, name, ARN or account id of another environment appears in this environment's plan",
    severity="critical",
    resource_types=EVERY_TYPE,
    twins=(
        plan_twin(
            "prod-reads-staging-parameters",
            "refers to staging",
            "prod",
            variables("api", lambda v: v.update(PARAMETER_PATH="/smartstack/staging/")),
        ),
        plan_twin(
            "module-from-another-env",
            "reaches another environment",
            "prod",
            _dns_module_from("../../envs/staging/dns"),
        ),
        plan_twin(
            "module-from-outside-modules",
            "resolves outside modules/",
            "prod",
            _dns_module_from("git::https://example.com/dns.git"),
        ),
    ),
)
def no_cross_env(ctx: PolicyContext) -> list[str]:
    problems = _module_source_problems(ctx)
    tokens = _other_env_tokens(ctx)
    values = [(inst.address, inst.values) for inst in ctx.instances]
    values += [(f"var.{name}", var.get("value")) for name, var in ctx.plan.get("variables", {}).items()]
    for where, value in values:
        for text in _strings(value):
            problems += [
                f"{where}: {text[:120]!r} refers to {other} ({token})"
                for token, other in tokens.items()
                if token in text
            ]
    return sorted(set(problems))


def _module_source_problems(ctx: PolicyContext) -> list[str]:
    problems = []
    shared_modules = (ctx.repo / "modules").resolve()
    for path, call in ctx.module_calls.items():
        src = call.get("source", "")
        # A tier module may call another shared module (modules/kms-key) by its sibling path.
        if not ctx.module_dir(path).resolve().is_relative_to(shared_modules):
            problems.append(f"{path}: source {src!r} is not a shared module (it resolves outside modules/)")
        if any(f"envs/{o}" in src for o in ENVIRONMENTS if o != ctx.env):
            problems.append(f"{path}: source {src!r} reaches another environment")
    return problems


def _other_env_tokens(ctx: PolicyContext) -> dict[str, str]:
    """What names another environment in a value (its name prefix, parameter path, account) -> it."""
    tokens = {}
    for other, root in _env_roots(ctx).items():
        if other == ctx.env:
            continue
        tokens[f"smartstack-{other}"] = other
        tokens[f"/smartstack/{other}/"] = other
        account = source.tfvars(root).get("account_id")
        if account and account != ctx.account_id:
            tokens[str(account)] = other
    return tokens


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a planned value, however deeply nested."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, str):
        yield value


@rule(
    "isolation.prod-deletion-protection",
    "Environment isolation",
    "RDS deletion protection on and a final snapshot on delete",
    severity="critical",
    resource_types=("aws_db_instance",),
    envs=environments_where("database_protected"),
    twins=(
        plan_twin(
            "prod-rds-unprotected",
            "deletion_protection",
            "prod",
            setting("module.data.aws_db_instance.this", deletion_protection=False, skip_final_snapshot=True),
        ),
    ),
)
def prod_deletion_protection(ctx: PolicyContext) -> list[str]:
    problems = []
    dbs = ctx.of_type("aws_db_instance")
    if not dbs:
        problems.append("no aws_db_instance planned")
    for db in dbs:
        if db.get("deletion_protection") is not True:
            problems.append(f"{db.address}: deletion_protection is not true")
        if db.get("skip_final_snapshot") is not False:
            problems.append(f"{db.address}: skip_final_snapshot is not false")
    return problems


# None: modules/s3-bucket protects every bucket, the web bucket's static export too.
PREVENT_DESTROY_EXEMPT: dict[str, str] = {}


@rule(
    "isolation.prod-prevent-destroy",
    "Environment isolation",
    "Every stateful resource has lifecycle { prevent_destroy = true } in its module source",
    severity="critical",
    resource_types=PREVENT_DESTROY_REQUIRED,
    envs=environments_where("prevent_destroy_required"),
    exemptions=PREVENT_DESTROY_EXEMPT,
    twins=(
        tree_twin(
            "rds-without-prevent-destroy",
            "aws_db_instance.this: no prevent_destroy",
            "prod",
            replace_in("modules/data/main.tf", "prevent_destroy = true", "prevent_destroy = false"),
        ),
    ),
)
def prod_prevent_destroy(ctx: PolicyContext) -> list[str]:
    problems = []
    seen = set()
    for inst in ctx.instances:
        if inst.type not in PREVENT_DESTROY_REQUIRED or inst.config_address in seen:
            continue
        seen.add(inst.config_address)
        if inst.config_address in PREVENT_DESTROY_EXEMPT:
            continue
        directory = ctx.module_dir(inst.module)
        if not source.prevent_destroy(directory, f"{inst.type}.{inst.name}"):
            lost = PREVENT_DESTROY_REQUIRED[inst.type]
            problems.append(f"{inst.config_address}: no prevent_destroy in {directory} ({lost})")
    return problems
