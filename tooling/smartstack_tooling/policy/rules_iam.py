"""IAM-only access: no long-lived credentials, no secret values, least-privilege policy statements."""

from __future__ import annotations

import fnmatch
import re
from typing import Any

from . import source
from .engine import POLICY_TYPES, PolicyContext, PolicyDoc, as_list, policy_documents, rule
from .twins import (
    Plan,
    add_resource,
    append_to,
    config_edit,
    output,
    plan_twin,
    setting,
    statement,
    tree_twin,
    variables,
    without_address,
)

# ---------------------------------------------------------------------- reviewed allow-lists
# Actions that may use Resource "*" in identity policies, each with the reason AWS forces it.
RESOURCE_STAR_ALLOWED: dict[str, str] = {
    "xray:PutTraceSegments": "X-Ray trace ingestion has no resource-level permissions",
    "xray:PutTelemetryRecords": "X-Ray telemetry has no resource-level permissions",
    "ec2:CreateNetworkInterface": "VPC Lambda ENI management; Lambda calls it without resource scoping "
    "(AWSLambdaVPCAccessExecutionRole)",
    "ec2:DescribeNetworkInterfaces": "Describe* calls do not support resource-level permissions",
    "ec2:DescribeSubnets": "Describe* calls do not support resource-level permissions",
    "ec2:DeleteNetworkInterface": "VPC Lambda ENI management (AWSLambdaVPCAccessExecutionRole)",
    "ec2:AssignPrivateIpAddresses": "VPC Lambda ENI management (AWSLambdaVPCAccessExecutionRole)",
    "ec2:UnassignPrivateIpAddresses": "VPC Lambda ENI management (AWSLambdaVPCAccessExecutionRole)",
    "secretsmanager:GetRandomPassword": "generates a random string; it reads and writes no secret, so it "
    "has no resource",
}
KEY_POLICY_STAR_REASON = 'in a KMS key policy Resource "*" means this key (self-reference)'

BANNED_IAM_TYPES = (
    "aws_iam_user",
    "aws_iam_group",
    "aws_iam_access_key",
    "aws_iam_user_login_profile",
    "aws_iam_user_policy",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy",
    "aws_iam_group_policy_attachment",
    "aws_iam_group_membership",
    "aws_iam_user_group_membership",
    "aws_iam_user_ssh_key",
    "aws_iam_service_specific_credential",
    "aws_iam_signing_certificate",
)

# Condition keys that tie a service principal to this account's own resources.
SOURCE_CONDITION_KEYS = (
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceorgid",
    "aws:sourcevpce",
    "kms:encryptioncontext:",
    "kms:viaservice",
)

BEDROCK_MODEL_ARN = re.compile(r"^arn:aws[a-z-]*:bedrock:[a-z0-9-]+::foundation-model/[A-Za-z0-9._:-]+$")


# ---------------------------------------------------------------------- statement helpers
def principals(stmt: dict[str, Any]) -> list[tuple[str, str]]:
    raw = stmt.get("Principal")
    if raw is None:
        return []
    if raw == "*":
        return [("*", "*")]
    return [(kind, value) for kind, values in raw.items() for value in as_list(values)]


def condition_keys(stmt: dict[str, Any]) -> set[str]:
    return {key.lower() for block in (stmt.get("Condition") or {}).values() for key in block}


def is_tls_deny(stmt: dict[str, Any]) -> bool:
    """The accepted bare-"*" pattern: Deny any principal when aws:SecureTransport is false."""
    cond = stmt.get("Condition") or {}
    secure = {k.lower(): v for k, v in (cond.get("Bool") or {}).items()}.get("aws:securetransport")
    return stmt.get("Effect") == "Deny" and str(secure).lower() == "false" and set(cond) == {"Bool"}


def _same_account_principal(value: str, account: str | None) -> bool:
    if account and re.fullmatch(rf"arn:aws[a-z-]*:iam::{account}:(root|role/[\w+=,.@/-]+)", value):
        return True
    return bool(account) and value == account


# ---------------------------------------------------------------------- rules
def _deployer_with_access_key(plan: Plan) -> None:
    add_resource(plan, "aws_iam_user.deployer", "aws_iam_user", {"name": "smartstack-prod-deployer"})
    add_resource(
        plan, "aws_iam_access_key.deployer", "aws_iam_access_key", {"user": "smartstack-prod-deployer"}
    )


def _login_profile_counted_out(plan: Plan) -> None:
    """count = 0 in this env: absent from resource_changes, still in the configuration."""
    plan["configuration"]["root_module"].setdefault("resources", []).append(
        {
            "address": "aws_iam_user_login_profile.ops",
            "mode": "managed",
            "type": "aws_iam_user_login_profile",
            "name": "ops",
            "expressions": {},
            "count_expression": {"constant_value": 0},
        }
    )


@rule(
    "iam-only.no-iam-users-or-keys",
    "IAM-only access",
    "No IAM users, groups, access keys or login profiles anywhere (roles only)",
    severity="critical",
    resource_types=BANNED_IAM_TYPES,
    twins=(
        plan_twin("user-with-access-key", "aws_iam_access_key", "prod", _deployer_with_access_key),
        plan_twin(
            "login-profile-in-configuration", "aws_iam_user_login_profile", "dev", _login_profile_counted_out
        ),
    ),
)
def no_users(ctx: PolicyContext) -> list[str]:
    problems = [f"{i.address}: {i.type} is planned" for i in ctx.of_type(*BANNED_IAM_TYPES)]
    problems += [
        f"{addr}: {cfg['type']} is configured"
        for addr, cfg in ctx.config_resources.items()
        if cfg.get("type") in BANNED_IAM_TYPES and cfg.get("mode") == "managed"
    ]
    return sorted(set(problems))


SECRET_WORD = re.compile(
    r"(passw(or)?d|secret|token(?!s)|private[_-]?key|api[_-]?key|access[_-]?key|credential|"
    r"signing[_-]?key|client[_-]?secret)",
    re.I,
)
NAME_LIKE_SUFFIX = re.compile(
    r"(names?|arns?|ids?|prefix|path|url|mode|issuer|audience|ttl|seconds|"
    r"header|type|enabled|days|window)$",
    re.I,
)
SECRET_VALUE = [
    (re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"), "an AWS access key id"),
    (re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"), "a PEM private key"),
    (re.compile(r"\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\."), "a JWT"),
    (re.compile(r"(?i)\b(password|passwd|pwd|secret)\s*[=:]\s*\S+"), "an inline password"),
    (re.compile(r"^[A-Za-z0-9+/]{40}$"), "an AWS secret access key"),
    (re.compile(r"://[^/\s:@]+:[^/\s@]+@"), "credentials in a URL"),
]


def secret_findings(where: str, key: str, value: Any) -> list[str]:
    """Findings for one key/value: a secret-looking key holding a value, or a secret-looking value."""
    found = []
    if isinstance(value, dict):
        for k, v in value.items():
            found += secret_findings(where, f"{key}.{k}" if key else str(k), v)
        return found
    if isinstance(value, list):
        for n, v in enumerate(value):
            found += secret_findings(where, f"{key}[{n}]", v)
        return found
    if not isinstance(value, str) or not value:
        return found
    leaf = re.split(r"[./\[]", key)[-1] if key else ""
    if SECRET_WORD.search(leaf) and not NAME_LIKE_SUFFIX.search(leaf) and not value.startswith("arn:"):
        found.append(f"{where}: {key} looks like a secret and holds a value")
    if value.startswith("arn:"):  # a resource's name, known once it exists: "secret:" is its resource type
        return found
    for pattern, what in SECRET_VALUE:
        if pattern.search(value):
            found.append(f"{where}: {key} holds what looks like {what}")
    return found


@rule(
    "iam-only.no-secret-values",
    "IAM-only access",
    "No secret values in Lambda environment variables, tfvars, variables, outputs or SSM (names/ARNs only)",
    severity="critical",
    resource_types=(
        "aws_db_instance",
        "aws_lambda_function",
        "aws_rds_cluster",
        "aws_secretsmanager_secret_version",
        "aws_ssm_parameter",
    ),
    twins=(
        plan_twin(
            "password-in-lambda-env",
            "looks like a secret",
            "prod",
            variables("api", lambda v: v.update(DB_PASSWORD="hunter2-but-longer")),
        ),
        tree_twin(
            "secret-in-tfvars",
            "looks like a secret",
            "dev",
            append_to(
                "envs/dev/terraform.tfvars",
                '\nsigning_key = "c2VjcmV0LXNpZ25pbmcta2V5LXZhbHVlLW9uLXB1cnBvc2U="\n',
            ),
            parts=("envs/dev",),
        ),
        plan_twin(
            "access-key-in-output", "AWS access key id", "staging", output("debug", "AKIAIOSFODNN7EXAMPLE")
        ),
        plan_twin(
            "secret-version-managed",
            "lands in state",
            "prod",
            lambda p: add_resource(
                p,
                "module.secrets.aws_secretsmanager_secret_version.x",
                "aws_secretsmanager_secret_version",
                {"secret_string": "x"},
                module="module.secrets",
            ),
        ),
    ),
)
def no_secret_values(ctx: PolicyContext) -> list[str]:
    problems = []
    for fn in ctx.of_type("aws_lambda_function"):
        for env_block in fn.get("environment") or []:
            problems += secret_findings(f"{fn.address} environment", "", env_block.get("variables") or {})
    problems += secret_findings(f"{ctx.root_dir.name}/terraform.tfvars", "", source.tfvars(ctx.root_dir))
    for name, var in ctx.plan.get("variables", {}).items():
        problems += secret_findings("root variable", name, var.get("value"))
    for name, change in ctx.plan.get("output_changes", {}).items():
        if SECRET_WORD.search(name) and not NAME_LIKE_SUFFIX.search(name):
            problems.append(f"output {name}: named like a secret (outputs carry names/ARNs only)")
        problems += secret_findings("output", name, change.get("after"))
    for param in ctx.of_type("aws_ssm_parameter"):
        if param.get("type") == "SecureString" and ctx.is_configured(param, "value"):
            problems.append(f"{param.address}: SecureString value set in Terraform (it would sit in state)")
        problems += secret_findings(param.address, str(param.get("name")), param.get("value"))
    problems += [
        f"{v.address}: secret value managed by Terraform (lands in state)"
        for v in ctx.of_type("aws_secretsmanager_secret_version")
    ]
    for db in ctx.of_type("aws_db_instance", "aws_rds_cluster"):
        for attr in ("password", "master_password", "password_wo"):
            if ctx.is_configured(db, attr) or db.get(attr):
                problems.append(f"{db.address}: {attr} is set in the configuration")
    return sorted(set(problems))


@rule(
    "iam-only.rds-iam-auth-managed-password",
    "IAM-only access",
    "RDS: IAM database authentication on, master password generated and held by RDS",
    severity="high",
    resource_types=("aws_db_instance",),
    twins=(
        plan_twin(
            "password-auth",
            "manage_master_user_password",
            "prod",
            setting(
                "module.data.aws_db_instance.this",
                manage_master_user_password=None,
                iam_database_authentication_enabled=False,
            ),
        ),
    ),
)
def rds_iam_auth(ctx: PolicyContext) -> list[str]:
    dbs = ctx.of_type("aws_db_instance")
    problems = [] if dbs else ["no aws_db_instance planned"]
    for db in dbs:
        if db.get("iam_database_authentication_enabled") is not True:
            problems.append(f"{db.address}: iam_database_authentication_enabled is not true")
        if db.get("manage_master_user_password") is not True:
            problems.append(f"{db.address}: manage_master_user_password is not true")
    return problems


def _check_principals(doc: PolicyDoc, account: str | None) -> list[str]:
    problems = []
    for n, stmt in enumerate(doc.statements()):
        sid = stmt.get("Sid") or f"#{n}"
        if "NotPrincipal" in stmt:
            problems.append(f"{doc.label} {sid}: NotPrincipal")
        for kind, value in principals(stmt):
            if kind == "*" or value == "*":
                if not is_tls_deny(stmt):
                    problems.append(f'{doc.label} {sid}: bare "*" principal outside the TLS-deny pattern')
            elif kind == "AWS":
                if not _same_account_principal(value, account):
                    problems.append(
                        f"{doc.label} {sid}: principal {value} is not a role/root of account {account}"
                    )
            elif kind == "Service":
                if (
                    doc.kind != "trust"
                    and stmt.get("Effect") == "Allow"
                    and not any(k.startswith(SOURCE_CONDITION_KEYS) for k in condition_keys(stmt))
                ):
                    problems.append(
                        f"{doc.label} {sid}: service principal {value} without a source condition "
                        "(aws:SourceArn/SourceAccount or kms:EncryptionContext/ViaService)"
                    )
            else:
                problems.append(f"{doc.label} {sid}: {kind} principal {value} (only AWS roles and services)")
        if (
            doc.kind in ("resource", "key", "trust")
            and "Principal" not in stmt
            and "NotPrincipal" not in stmt
        ):
            problems.append(f"{doc.label} {sid}: resource policy statement without a Principal")
    return problems


@rule(
    "iam-only.resource-policy-principals",
    "IAM-only access",
    "Resource and trust policies name specific principals; services carry source conditions; "
    'bare "*" only in the Deny-unless-TLS pattern',
    severity="critical",
    resource_types=POLICY_TYPES,
    twins=(
        plan_twin(
            "sqs-star-principal",
            'bare "*" principal',
            "prod",
            statement(
                "module.messaging.aws_sqs_queue_policy.tasks",
                "ProducerSendsTasks",
                lambda s: s.update(Principal="*"),
            ),
        ),
        plan_twin(
            "sns-service-without-source",
            "without a source condition",
            "dev",
            statement(
                "module.observability.aws_sns_topic_policy.alarms",
                "CloudWatchAlarmsOfThisEnvironmentPublish",
                lambda s: s.pop("Condition"),
            ),
        ),
        plan_twin(
            "kms-foreign-account",
            "is not a role/root of account",
            "staging",
            statement(
                "module.storage.module.files_key.aws_kms_key.this",
                "KeyAdministrationByAccount",
                lambda s: s.update(Principal={"AWS": "arn:aws:iam::999999999999:root"}),
            ),
        ),
        plan_twin(
            "tls-deny-turned-allow",
            'bare "*" principal',
            "prod",
            statement(
                "module.storage.module.files_bucket.aws_s3_bucket_policy.this",
                "DenyInsecureTransport",
                lambda s: s.update(Effect="Allow"),
            ),
        ),
        plan_twin(
            "lambda-permission-any-principal",
            "is not specific",
            "prod",
            setting("module.api.aws_lambda_permission.api", principal="*"),
        ),
    ),
)
def resource_policy_principals(ctx: PolicyContext) -> list[str]:
    problems = []
    for doc in policy_documents(ctx, include_unknown=False):
        if doc.kind in ("resource", "key", "trust"):
            problems += _check_principals(doc, ctx.account_id)
    for perm in ctx.of_type("aws_lambda_permission"):
        principal = perm.get("principal")
        if principal in (None, "*") or "*" in str(principal):
            problems.append(f"{perm.address}: principal {principal!r} is not specific")
        if not ctx.is_configured(perm, "source_arn"):
            problems.append(f"{perm.address}: no source_arn (any {principal} resource could invoke)")
        if (
            principal
            and principal.endswith(".amazonaws.com")
            and perm.get("source_account") != ctx.account_id
        ):
            problems.append(
                f"{perm.address}: source_account {perm.get('source_account')!r} != {ctx.account_id}"
            )
    return problems


def _actions(stmt: dict[str, Any]) -> list[str]:
    return [str(a) for a in as_list(stmt.get("Action"))]


@rule(
    "iam-only.no-wildcard-actions",
    "IAM-only access",
    'No Allow statement grants an action pattern ("*", "kms:*", "kms:Get*"...) nor uses '
    "NotAction/NotResource",
    severity="high",
    resource_types=POLICY_TYPES,
    twins=(
        plan_twin(
            "service-star",
            "Allow s3:*",
            "prod",
            statement(
                'module.compute.aws_iam_role_policy.this["api"]',
                "AttachmentsObjects",
                lambda s: s.update(Action="s3:*"),
            ),
        ),
        plan_twin(
            "star-action",
            "Allow *",
            "dev",
            statement(
                "module.network.aws_iam_role_policy.flow_logs",
                "WriteThisLogGroup",
                lambda s: s.update(Action=["*"]),
            ),
        ),
        plan_twin(
            "key-admin-by-prefix",
            "Allow kms:Get*",
            "staging",
            statement(
                "module.network.module.flow_logs.module.key[0].aws_kms_key.this",
                "KeyAdministrationByAccount",
                lambda s: s.update(Action=[*s["Action"], "kms:Get*"]),
            ),
        ),
    ),
)
def no_wildcard_actions(ctx: PolicyContext) -> list[str]:
    """A pattern also grants the actions AWS adds later: every allowed action is written out."""
    problems = []
    for doc in policy_documents(ctx, include_unknown=False):
        if doc.kind == "endpoint":  # a filter (contract.network-reachability checks it), never a grant
            continue
        for n, stmt in enumerate(doc.statements()):
            if stmt.get("Effect") != "Allow":
                continue
            sid = stmt.get("Sid") or f"#{n}"
            for key in ("NotAction", "NotResource"):
                if key in stmt:
                    problems.append(f"{doc.label} {sid}: Allow with {key}")
            for action in _actions(stmt):
                if "*" in action or "?" in action:
                    problems.append(f"{doc.label} {sid}: Allow {action}")
    return problems


@rule(
    "iam-only.resource-star-allow-list",
    "IAM-only access",
    'Resource "*" only for allow-listed actions that AWS cannot scope (or a key policy\'s self-reference)',
    severity="high",
    resource_types=POLICY_TYPES,
    exemptions={**RESOURCE_STAR_ALLOWED, "KMS key policies": 'Resource "*" is the key itself'},
    twins=(
        plan_twin(
            "s3-on-star",
            "not in the allow-list",
            "prod",
            statement(
                'module.compute.aws_iam_role_policy.this["ai"]',
                "WriteAiLogs",
                lambda s: s.update(Resource="*"),
            ),
        ),
        plan_twin(
            "star-in-queue-policy",
            "in a resource policy",
            "staging",
            statement(
                "module.messaging.aws_sqs_queue_policy.tasks",
                "ConsumerReceivesTasks",
                lambda s: s.update(Resource="*"),
            ),
        ),
    ),
)
def resource_star(ctx: PolicyContext) -> list[str]:
    problems = []
    for doc in policy_documents(ctx, include_unknown=False):
        if doc.kind == "endpoint":  # a filter (contract.network-reachability checks it), never a grant
            continue
        for n, stmt in enumerate(doc.statements()):
            if stmt.get("Effect") != "Allow" or "*" not in as_list(stmt.get("Resource")):
                continue
            sid = stmt.get("Sid") or f"#{n}"
            if doc.kind == "key":
                others = [a for a in _actions(stmt) if not a.startswith("kms:")]
                if others:
                    problems.append(f'{doc.label} {sid}: non-KMS actions {others} on Resource "*"')
                continue
            if doc.kind != "identity":
                problems.append(f'{doc.label} {sid}: Resource "*" in a resource policy')
                continue
            unlisted = [a for a in _actions(stmt) if a not in RESOURCE_STAR_ALLOWED]
            if unlisted:
                problems.append(f'{doc.label} {sid}: Resource "*" for {unlisted} (not in the allow-list)')
    return problems


@rule(
    "iam-only.apigw-permission-scoped-to-api",
    "IAM-only access",
    "API Gateway may invoke a Lambda only from this API's execution ARN, in this account",
    severity="high",
    resource_types=("aws_api_gateway_rest_api", "aws_lambda_function", "aws_lambda_permission"),
    twins=(
        plan_twin(
            "source-arn-wildcard-api",
            "source_arn",
            "prod",
            setting(
                "module.api.aws_lambda_permission.api",
                source_arn="arn:aws:execute-api:us-east-1:333333333333:*/*/*",
            ),
        ),
        plan_twin(
            "source-arn-from-variable",
            "execution_arn",
            "dev",
            config_edit(
                "module.api.aws_lambda_permission.api",
                lambda e: e.update(source_arn={"references": ["var.account_id"]}),
            ),
        ),
        plan_twin(
            "foreign-source-account",
            "source_account",
            "staging",
            setting("module.api.aws_lambda_permission.authorizer", source_account="999999999999"),
        ),
    ),
)
def apigw_permission(ctx: PolicyContext) -> list[str]:
    problems = []
    perms = [
        p for p in ctx.of_type("aws_lambda_permission") if p.get("principal") == "apigateway.amazonaws.com"
    ]
    if ctx.of_type("aws_api_gateway_rest_api") and not perms:
        problems.append("a REST API is planned but no aws_lambda_permission lets it invoke anything")
    for perm in perms:
        refs = ctx.attr_refs(perm, "source_arn")
        if perm.is_unknown("source_arn") or perm.get("source_arn") is None:
            if "aws_api_gateway_rest_api" not in ctx.resolved_types(perm, "source_arn") or not any(
                r.endswith(".execution_arn") for r in refs
            ):
                problems.append(
                    f"{perm.address}: source_arn is not built from an aws_api_gateway_rest_api's "
                    f"execution_arn (references {sorted(refs)})"
                )
        else:
            arn = perm.get("source_arn")
            if not re.match(rf"^arn:aws[a-z-]*:execute-api:[a-z0-9-]+:{ctx.account_id}:[a-z0-9]+/", arn):
                problems.append(
                    f"{perm.address}: source_arn {arn} is not an execution ARN of an API in this account"
                )
        if perm.get("source_account") != ctx.account_id:
            problems.append(
                f"{perm.address}: source_account {perm.get('source_account')!r} != {ctx.account_id}"
            )
        if "aws_lambda_function" not in ctx.resolved_types(perm, "function_name") and not str(
            perm.get("function_name") or ""
        ).startswith(f"smartstack-{ctx.env}-"):
            problems.append(f"{perm.address}: function_name is not a function of this configuration")
    return problems


@rule(
    "iam-only.bedrock-named-models",
    "IAM-only access",
    "Lambda -> Bedrock is limited to named foundation-model ARNs",
    severity="medium",
    resource_types=POLICY_TYPES,
    twins=(
        plan_twin(
            "any-model",
            "not a named model ARN",
            "prod",
            statement(
                'module.compute.aws_iam_role_policy.this["ai"]',
                "InvokeApprovedFoundationModels",
                lambda s: s.update(Resource=["arn:aws:bedrock:us-east-1::foundation-model/*"]),
            ),
        ),
    ),
)
def bedrock_models(ctx: PolicyContext) -> list[str]:
    problems = []
    for doc in policy_documents(ctx, include_unknown=False):
        if doc.kind == "endpoint":  # a filter, never a grant
            continue
        for n, stmt in enumerate(doc.statements()):
            actions = [a for a in _actions(stmt) if a.lower().startswith("bedrock:")]
            if not actions or stmt.get("Effect") != "Allow":
                continue
            sid = stmt.get("Sid") or f"#{n}"
            for resource in as_list(stmt.get("Resource")):
                if "*" in resource or not BEDROCK_MODEL_ARN.match(resource):
                    problems.append(f"{doc.label} {sid}: {actions} on {resource!r}, not a named model ARN")
    return problems


# ---------------------------------------------------------------------- the schema owner's secret
MIGRATE_PACKAGE = "migrate"  # the packaging spec whose code runs the migrations
# An RDS-managed secret is named rds!db-<uuid>: a grant whose pattern matches this ARN reaches it.
MASTER_SECRET_SAMPLE = "arn:{partition}:secretsmanager:{region}:{account}:secret:rds!db-{uuid}-AbCdEf"
_ROLE_KEY = re.compile(r'^aws_iam_role\.[A-Za-z0-9_-]+\["(?P<key>[^"]+)"\]')


def _names_master_secret(ctx: PolicyContext, doc: PolicyDoc) -> bool:
    """The document is built from an instance's master_user_secret (followed through module outputs)."""
    seen: set[tuple[str, str]] = set()
    ctx.resolve(doc.owner.module, ctx.attr_refs(doc.owner, doc.attribute), seen)
    return any(ref.startswith("aws_db_instance.") and ".master_user_secret" in ref for _, ref in seen)


def _grants_master_secret(doc: PolicyDoc, sample: str) -> bool:
    for stmt in doc.statements():
        actions = as_list(stmt.get("Action"))
        if stmt.get("Effect") != "Allow" or not any(
            fnmatch.fnmatchcase("secretsmanager:getsecretvalue", str(a).lower()) for a in actions
        ):
            continue
        if any(fnmatch.fnmatchcase(sample, str(r)) for r in as_list(stmt.get("Resource"))):
            return True
    return False


def _role_key(ctx: PolicyContext, policy: Any) -> Any:
    """The role (its for_each key) a role policy attaches to: a literal key in its reference, else its own."""
    for ref in ctx.attr_refs(policy, "role"):
        if match := _ROLE_KEY.match(ref):
            return match.group("key")
    return policy.index


def _migrate_functions(ctx: PolicyContext) -> list[Any]:
    return [
        f
        for f in ctx.of_type("aws_lambda_function")
        if str(f.get("filename") or "").rsplit("/", 1)[-1] == f"{MIGRATE_PACKAGE}.zip"
    ]


@rule(
    "iam-only.schema-owner-secret-read-by-migrate-only",
    "IAM-only access",
    "The RDS-managed master secret (the schema owner's password) is readable by the migrate function's "
    "role, and by no other role",
    severity="critical",
    resource_types=(*POLICY_TYPES, "aws_db_instance", "aws_lambda_function"),
    twins=(
        plan_twin(
            "api-reads-every-rds-secret",
            "to a role other than the migrate function's",
            "dev",
            statement(
                'module.compute.aws_iam_role_policy.this["api"]',
                "ReadNamedSecrets",
                lambda s: s.update(
                    Resource=[*s["Resource"], "arn:aws:secretsmanager:us-east-1:111111111111:secret:rds!*"]
                ),
            ),
        ),
        plan_twin(
            "secret-policy-on-the-api-role",
            "to a role other than the migrate function's",
            "prod",
            config_edit(
                "module.compute.aws_iam_role_policy.schema_owner_secret",
                lambda e: e.update(
                    role={"references": ['aws_iam_role.this["api"].id', 'aws_iam_role.this["api"]']}
                ),
            ),
        ),
        plan_twin(
            "migrate-cannot-read-it",
            "cannot read the master secret, so the migrations cannot run",
            "staging",
            without_address('module.compute.aws_iam_role_policy.schema_owner_secret["migrate"]'),
        ),
    ),
)
def schema_owner_secret_read_by_migrate_only(ctx: PolicyContext) -> list[str]:
    """The schema owner creates tables and roles: its password is the database. Every function but one
    logs in with an IAM token as a least-privilege user; the migrate function alone needs the owner."""
    if not any(db.get("manage_master_user_password") for db in ctx.of_type("aws_db_instance")):
        return []
    sample = MASTER_SECRET_SAMPLE.format(
        partition="aws", region="us-east-1", account=ctx.account_id or "*", uuid="0" * 8
    )
    migrate = _migrate_functions(ctx)
    owners = {(f.module, f.index) for f in migrate}
    problems = [] if migrate else ["no migrate function: nothing runs the migrations as the schema owner"]
    readers = set()
    for doc in policy_documents(ctx):
        if doc.kind != "identity" or not (
            _names_master_secret(ctx, doc) or _grants_master_secret(doc, sample)
        ):
            continue
        reader = (doc.owner.module, _role_key(ctx, doc.owner))
        readers.add(reader)
        if reader not in owners:
            problems.append(
                f"{doc.label}: grants secretsmanager:GetSecretValue on the RDS master secret (the schema "
                "owner's password) to a role other than the migrate function's"
            )
    problems += [
        f"{f.address}: its role cannot read the master secret, so the migrations cannot run"
        for f in migrate
        if (f.module, f.index) not in readers
    ]
    return problems


# ---------------------------------------------------------------------- the generated keys' writers
ROTATE_PACKAGE = "rotate"  # the packaging spec whose code rotates the generated secrets
SECRET_WRITES = ("secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage")


def functions_of_package(ctx: PolicyContext, package: str) -> list[Any]:
    """The planned functions that deploy ``package``'s zip."""
    return [
        f
        for f in ctx.of_type("aws_lambda_function")
        if str(f.get("filename") or "").rsplit("/", 1)[-1] == f"{package}.zip"
    ]


def rotated_secret_names(ctx: PolicyContext) -> list[str]:
    """Names of the planned secrets a rotation schedule rotates (its key is the secret's key)."""
    rotated = {(r.module, r.index) for r in ctx.of_type("aws_secretsmanager_secret_rotation")}
    secrets = ctx.of_type("aws_secretsmanager_secret")
    return sorted(str(s.get("name")) for s in secrets if (s.module, s.index) in rotated)


def _granted_on(doc: PolicyDoc, actions: tuple[str, ...], resource: str) -> set[str]:
    """Which of ``actions`` the document's Allow statements grant on ``resource`` (wildcards matched)."""
    granted = set()
    for stmt in doc.statements():
        if stmt.get("Effect") != "Allow" or not any(
            fnmatch.fnmatchcase(resource, str(r)) for r in as_list(stmt.get("Resource"))
        ):
            continue
        granted |= {a for a in actions for g in _actions(stmt) if fnmatch.fnmatchcase(a.lower(), g.lower())}
    return granted


_ROTATE_POLICY = 'module.compute.aws_iam_role_policy.this["rotate"]'


@rule(
    "iam-only.generated-secrets-written-by-rotate-only",
    "IAM-only access",
    "The rotated keys' values (PutSecretValue, UpdateSecretVersionStage) are written by the rotate "
    "function's role, and by no other role of the environment",
    severity="critical",
    resource_types=(
        *POLICY_TYPES,
        "aws_lambda_function",
        "aws_secretsmanager_secret",
        "aws_secretsmanager_secret_rotation",
    ),
    twins=(
        plan_twin(
            "api-writes-the-link-key",
            "to a role other than the rotate function's",
            "dev",
            statement(
                'module.compute.aws_iam_role_policy.this["api"]',
                "ReadNamedSecrets",
                lambda s: s.update(Action=[s["Action"], "secretsmanager:PutSecretValue"]),
            ),
        ),
        plan_twin(
            "worker-moves-labels-of-every-secret",
            "to a role other than the rotate function's",
            "prod",
            statement(
                'module.compute.aws_iam_role_policy.this["worker"]',
                "ReadNamedSecrets",
                lambda s: s.update(
                    Action=["secretsmanager:GetSecretValue", "secretsmanager:UpdateSecret*"],
                    Resource=["arn:aws:secretsmanager:us-east-1:333333333333:secret:smartstack-prod/*"],
                ),
            ),
        ),
        plan_twin(
            "rotate-cannot-put-the-new-value",
            "cannot write secretsmanager:PutSecretValue",
            "staging",
            statement(
                _ROTATE_POLICY,
                "RotateGeneratedSecrets",
                lambda s: s.update(Action=[a for a in s["Action"] if a != "secretsmanager:PutSecretValue"]),
            ),
        ),
    ),
)
def generated_secrets_written_by_rotate_only(ctx: PolicyContext) -> list[str]:
    """A key's value decides who is authenticated (api-signing-key) and whose links open (link-signing-key):
    a role that can write it can mint tokens. The deploy's first value comes from outside the environment
    (set-secrets, by the deploy role); inside it, only the rotation writes."""
    names = rotated_secret_names(ctx)
    if not names:
        return []
    region = (ctx.plan.get("variables", {}).get("region") or {}).get("value", "us-east-1")
    samples = {n: f"arn:aws:secretsmanager:{region}:{ctx.account_id or '*'}:secret:{n}-AbCdEf" for n in names}
    owners = {(f.module, f.index) for f in functions_of_package(ctx, ROTATE_PACKAGE)}
    problems = [] if owners else ["no rotate function: nothing writes the rotated secrets' new values"]
    written: dict[tuple[Any, Any], dict[str, set[str]]] = {}
    for doc in policy_documents(ctx, include_unknown=False):
        if doc.kind != "identity":
            continue
        role = (doc.owner.module, _role_key(ctx, doc.owner))
        for name, sample in samples.items():
            granted = _granted_on(doc, SECRET_WRITES, sample)
            if granted and role not in owners:
                problems.append(
                    f"{doc.label}: grants {sorted(granted)} on {name} to a role other than the rotate "
                    "function's"
                )
            written.setdefault(role, {}).setdefault(name, set()).update(granted)
    return problems + [
        f"{owner[0]} function {owner[1]}: its role cannot write {action} on {name}, so rotating it fails"
        for owner in sorted(owners, key=str)
        for name in names
        for action in SECRET_WRITES
        if action not in written.get(owner, {}).get(name, set())
    ]
