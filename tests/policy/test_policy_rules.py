"""Every policy rule on every environment's plan, and every rule's broken twin.

The rules live in smartstack_tooling.policy (shared with `make plan` and `make check`). Each rule must
pass on dev, staging and prod, and must FAIL on at least one deliberately broken input: a mutated copy
of an environment's plan JSON (planned values or `configuration` references), a mutated copy of the
source tree, or a small broken root under tests/policy/broken/ planned through the offline stand-in.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from smartstack_tooling import policy
from smartstack_tooling.policy import PolicyContext

from tests.conftest import ENVIRONMENTS
from tests.policy.conftest import (
    BROKEN,
    add_resource,
    change,
    config_resource,
    context,
    copy_plan,
    drop,
    set_after,
    set_policy,
)

RULE_IDS = list(policy.RULES)


@pytest.mark.parametrize("env", ENVIRONMENTS)
@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_rule(rule_id: str, env: str, env_results) -> None:
    result = env_results[env][rule_id]
    assert result.error is None, result.error
    assert result.passed, "\n".join(result.violations)


# ---------------------------------------------------------------------- broken twins
@dataclass(frozen=True)
class Twin:
    rule_id: str
    name: str
    build: Callable[..., PolicyContext]  # (raw_plans, plan_root, tmp_path) -> broken context
    expect: str  # a fragment the rule's violation must contain

    @property
    def id(self) -> str:
        return f"{self.rule_id}--{self.name}"


TWINS: list[Twin] = []


def twin(rule_id: str, name: str, expect: str):
    def register(fn: Callable[..., PolicyContext]) -> Callable[..., PolicyContext]:
        TWINS.append(Twin(rule_id, name, fn, expect))
        return fn

    return register


def mutated(raw: dict[str, dict], env: str, *mutations: Callable[[dict], Any], **kw: Any) -> PolicyContext:
    plan = copy_plan(raw[env])
    for mutate in mutations:
        mutate(plan)
    return context(env, plan, **kw)


def broken_root(plan_root, name: str, env: str = "dev", account: str = "111111111111") -> PolicyContext:
    out = plan_root(BROKEN / name)
    return context(env, out._raw, root=BROKEN / name, account=account)


# ---- subnet placement
@twin("subnet-placement.lambda-private-app-subnets", "lambda-on-public-subnets-root", "non-app subnets")
def _(raw, plan_root, tmp_path):
    return broken_root(plan_root, "placement")


@twin("subnet-placement.lambda-private-app-subnets", "compute-wired-to-public-subnets", "non-app subnets")
def _(raw, plan_root, tmp_path):
    def rewire(plan):
        call = plan["configuration"]["root_module"]["module_calls"]["compute"]
        call["expressions"]["app_subnet_ids"] = {
            "references": ["module.network.public_subnet_ids", "module.network"]
        }

    return mutated(raw, "prod", rewire)


@twin("subnet-placement.lambda-private-app-subnets", "lambda-without-vpc-config", "no vpc_config")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "staging",
        lambda p: config_resource(p, "module.compute.aws_lambda_function.this")["expressions"].pop(
            "vpc_config"
        ),
    )


@twin(
    "subnet-placement.rds-private-data-subnets", "db-subnet-group-on-public-subnets-root", "non-data subnets"
)
def _(raw, plan_root, tmp_path):
    return broken_root(plan_root, "placement")


@twin("subnet-placement.rds-private-data-subnets", "data-wired-to-app-subnets", "non-data subnets")
def _(raw, plan_root, tmp_path):
    def rewire(plan):
        call = plan["configuration"]["root_module"]["module_calls"]["data"]
        call["expressions"]["data_subnet_ids"] = {"references": ["module.network.app_subnet_ids"]}

    return mutated(raw, "prod", rewire)


@twin(
    "subnet-placement.rds-not-publicly-accessible", "publicly-accessible-root", "publicly_accessible = True"
)
def _(raw, plan_root, tmp_path):
    return broken_root(plan_root, "placement")


@twin(
    "subnet-placement.private-subnets-no-igw-no-public-ip", "app-subnet-public-ip", "map_public_ip_on_launch"
)
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "prod",
        lambda p: set_after(p, 'module.network.aws_subnet.app["us-east-1b"]', map_public_ip_on_launch=True),
    )


@twin("subnet-placement.private-subnets-no-igw-no-public-ip", "data-table-routes-to-igw", "internet gateway")
def _(raw, plan_root, tmp_path):
    def reroute(plan):
        config_resource(plan, "module.network.aws_route.public_internet")["expressions"]["route_table_id"] = {
            "references": ["aws_route_table.data.id", "aws_route_table.data"]
        }

    return mutated(raw, "dev", reroute)


@twin("subnet-placement.nat-in-public-subnets", "nat-in-app-subnet", "non-public subnets")
def _(raw, plan_root, tmp_path):
    def move(plan):
        config_resource(plan, "module.network.aws_nat_gateway.this")["expressions"]["subnet_id"] = {
            "references": ["aws_subnet.app", "each.key"]
        }

    return mutated(raw, "staging", move)


@twin("subnet-placement.tiers-span-two-azs", "data-tier-in-one-zone", "tier 'data' spans")
def _(raw, plan_root, tmp_path):
    def squeeze(plan):
        for rc in plan["resource_changes"]:
            if rc["address"].startswith("module.network.aws_subnet.data["):
                rc["change"]["after"]["availability_zone"] = "us-east-1a"

    return mutated(raw, "prod", squeeze)


@twin("subnet-placement.cidrs-inside-vpc-no-overlap", "overlapping-subnets", "overlaps")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "dev",
        lambda p: set_after(p, 'module.network.aws_subnet.data["us-east-1a"]', cidr_block="10.0.2.128/25"),
    )


@twin("subnet-placement.cidrs-inside-vpc-no-overlap", "subnet-outside-vpc", "outside the VPC")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "prod",
        lambda p: set_after(p, 'module.network.aws_subnet.app["us-east-1c"]', cidr_block="10.1.8.0/24"),
    )


# ---- Multi-AZ
@twin("multi-az.rds-multi-az", "staging-single-az", "multi_az = false")
def _(raw, plan_root, tmp_path):
    return mutated(raw, "staging", lambda p: set_after(p, "module.data.aws_db_instance.this", multi_az=False))


@twin("multi-az.rds-multi-az", "prod-single-az", "multi_az = false")
def _(raw, plan_root, tmp_path):
    return mutated(raw, "prod", lambda p: set_after(p, "module.data.aws_db_instance.this", multi_az=False))


@twin("multi-az.db-and-lambda-subnets-two-azs", "app-and-data-subnets-one-zone", "< 2 zones")
def _(raw, plan_root, tmp_path):
    def squeeze(plan):
        for rc in plan["resource_changes"]:
            if rc["type"] == "aws_subnet":
                rc["change"]["after"]["availability_zone"] = "us-east-1a"

    return mutated(raw, "staging", squeeze)


@twin("multi-az.prod-nat-per-az", "prod-single-nat", "without their own NAT")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "prod",
        lambda p: drop(p, lambda rc: rc["type"] == "aws_nat_gateway" and rc["index"] != "us-east-1a"),
    )


@twin("multi-az.prod-nat-per-az", "dev-layout-as-prod", "NAT gateway(s) for 2 zones")
def _(raw, plan_root, tmp_path):
    return context("prod", copy_plan(raw["dev"]))


# ---- IAM-only access
@twin("iam-only.no-iam-users-or-keys", "user-with-access-key", "aws_iam_access_key")
def _(raw, plan_root, tmp_path):
    def add(plan):
        add_resource(plan, "aws_iam_user.deployer", "aws_iam_user", {"name": "smartstack-prod-deployer"})
        add_resource(
            plan, "aws_iam_access_key.deployer", "aws_iam_access_key", {"user": "smartstack-prod-deployer"}
        )

    return mutated(raw, "prod", add)


@twin("iam-only.no-iam-users-or-keys", "login-profile-in-configuration", "aws_iam_user_login_profile")
def _(raw, plan_root, tmp_path):
    def add(plan):  # count = 0 in this env: absent from resource_changes, still in the configuration
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

    return mutated(raw, "dev", add)


@twin("iam-only.no-secret-values", "password-in-lambda-env", "looks like a secret")
def _(raw, plan_root, tmp_path):
    def leak(plan):
        after = change(plan, 'module.compute.aws_lambda_function.this["api"]')["after"]
        after["environment"][0]["variables"]["DB_PASSWORD"] = "hunter2-but-longer"

    return mutated(raw, "prod", leak)


@twin("iam-only.no-secret-values", "secret-in-tfvars", "looks like a secret")
def _(raw, plan_root, tmp_path):
    import shutil

    root = tmp_path / "envs" / "dev"
    shutil.copytree(context("dev", raw["dev"]).root_dir, root)
    with (root / "terraform.tfvars").open("a") as handle:
        handle.write('\nsigning_key = "c2VjcmV0LXNpZ25pbmcta2V5LXZhbHVlLW9uLXB1cnBvc2U="\n')
    return context("dev", copy_plan(raw["dev"]), root=root)


@twin("iam-only.no-secret-values", "access-key-in-output", "AWS access key id")
def _(raw, plan_root, tmp_path):
    def leak(plan):
        plan["output_changes"]["debug"] = {
            "actions": ["create"],
            "before": None,
            "after": "AKIAIOSFODNN7EXAMPLE",
            "after_unknown": False,
        }

    return mutated(raw, "staging", leak)


@twin("iam-only.no-secret-values", "secret-version-managed", "lands in state")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "prod",
        lambda p: add_resource(
            p,
            "module.secrets.aws_secretsmanager_secret_version.x",
            "aws_secretsmanager_secret_version",
            {"secret_string": "x"},
            module="module.secrets",
        ),
    )


@twin("iam-only.rds-iam-auth-managed-password", "password-auth", "manage_master_user_password")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "prod",
        lambda p: set_after(
            p,
            "module.data.aws_db_instance.this",
            manage_master_user_password=None,
            iam_database_authentication_enabled=False,
        ),
    )


def _stmt(plan: dict, address: str, sid: str, mutate: Callable[[dict], None]) -> None:
    def apply(doc: dict) -> None:
        stmts = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
        mutate(next(s for s in stmts if s.get("Sid") == sid))

    set_policy(plan, address, apply)


@twin("iam-only.resource-policy-principals", "sqs-star-principal", 'bare "*" principal')
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "prod",
        lambda p: _stmt(
            p,
            "module.messaging.aws_sqs_queue_policy.tasks",
            "ProducerSendsTasks",
            lambda s: s.update(Principal="*"),
        ),
    )


@twin("iam-only.resource-policy-principals", "sns-service-without-source", "without a source condition")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "dev",
        lambda p: _stmt(
            p,
            "module.observability.aws_sns_topic_policy.alarms",
            "CloudWatchAlarmsOfThisEnvironmentPublish",
            lambda s: s.pop("Condition"),
        ),
    )


@twin("iam-only.resource-policy-principals", "kms-foreign-account", "is not a role/root of account")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "staging",
        lambda p: _stmt(
            p,
            "module.storage.aws_kms_key.files",
            "KeyAdministrationByAccount",
            lambda s: s.update(Principal={"AWS": "arn:aws:iam::999999999999:root"}),
        ),
    )


@twin("iam-only.resource-policy-principals", "tls-deny-turned-allow", 'bare "*" principal')
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "prod",
        lambda p: _stmt(
            p,
            "module.storage.aws_s3_bucket_policy.files",
            "DenyInsecureTransport",
            lambda s: s.update(Effect="Allow"),
        ),
    )


@twin("iam-only.resource-policy-principals", "lambda-permission-any-principal", "is not specific")
def _(raw, plan_root, tmp_path):
    return mutated(raw, "prod", lambda p: set_after(p, "module.api.aws_lambda_permission.api", principal="*"))


@twin("iam-only.no-wildcard-actions", "service-star", "Allow s3:*")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "prod",
        lambda p: _stmt(
            p,
            'module.compute.aws_iam_role_policy.this["api"]',
            "AttachmentsObjects",
            lambda s: s.update(Action="s3:*"),
        ),
    )


@twin("iam-only.no-wildcard-actions", "star-action", "Allow *")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "dev",
        lambda p: _stmt(
            p,
            "module.network.aws_iam_role_policy.flow_logs",
            "WriteThisLogGroup",
            lambda s: s.update(Action=["*"]),
        ),
    )


@twin("iam-only.resource-star-allow-list", "s3-on-star", "not in the allow-list")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "prod",
        lambda p: _stmt(
            p,
            'module.compute.aws_iam_role_policy.this["ai"]',
            "WriteAiLogs",
            lambda s: s.update(Resource="*"),
        ),
    )


@twin("iam-only.resource-star-allow-list", "star-in-queue-policy", "in a resource policy")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "staging",
        lambda p: _stmt(
            p,
            "module.messaging.aws_sqs_queue_policy.tasks",
            "ConsumerReceivesTasks",
            lambda s: s.update(Resource="*"),
        ),
    )


@twin("iam-only.apigw-permission-scoped-to-api", "source-arn-wildcard-api", "source_arn")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "prod",
        lambda p: set_after(
            p,
            "module.api.aws_lambda_permission.api",
            source_arn="arn:aws:execute-api:us-east-1:333333333333:*/*/*",
        ),
    )


@twin("iam-only.apigw-permission-scoped-to-api", "source-arn-from-variable", "execution_arn")
def _(raw, plan_root, tmp_path):
    def rewire(plan):
        config_resource(plan, "module.api.aws_lambda_permission.api")["expressions"]["source_arn"] = {
            "references": ["var.account_id"]
        }

    return mutated(raw, "dev", rewire)


@twin("iam-only.apigw-permission-scoped-to-api", "foreign-source-account", "source_account")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "staging",
        lambda p: set_after(p, "module.api.aws_lambda_permission.authorizer", source_account="999999999999"),
    )


@twin("iam-only.bedrock-named-models", "any-model", "not a named model ARN")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "prod",
        lambda p: _stmt(
            p,
            'module.compute.aws_iam_role_policy.this["ai"]',
            "InvokeApprovedFoundationModels",
            lambda s: s.update(Resource=["arn:aws:bedrock:us-east-1::foundation-model/*"]),
        ),
    )


# ---- encryption & exposure
def _copy_tree(raw: dict, tmp_path, env: str, edit: Callable[[Any], None]) -> PolicyContext:
    """The repository's envs/ and modules/ copied under tmp_path, edited, with the env plan pointed there."""
    import shutil

    from tests.conftest import REPO

    for part in ("envs", "modules"):
        shutil.copytree(REPO / part, tmp_path / part, ignore=shutil.ignore_patterns(".terraform*"))
    edit(tmp_path)
    return context(env, copy_plan(raw[env]), root=tmp_path / "envs" / env, repo=tmp_path)


@twin(
    "encryption.s3-public-access-blocked",
    "files-bucket-without-block",
    "no aws_s3_bucket_public_access_block",
)
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "prod",
        lambda p: drop(
            p, lambda rc: rc["address"] == "module.storage.aws_s3_bucket_public_access_block.files"
        ),
    )


@twin("encryption.s3-public-access-blocked", "public-policy-allowed", "block_public_policy")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "dev",
        lambda p: set_after(
            p, "module.storage.aws_s3_bucket_public_access_block.web", block_public_policy=False
        ),
    )


@twin("encryption.s3-tls-only", "files-policy-without-tls-deny", "aws:SecureTransport")
def _(raw, plan_root, tmp_path):
    def strip(doc):
        doc["Statement"] = [s for s in doc["Statement"] if s.get("Sid") != "DenyInsecureTransport"]

    return mutated(
        raw, "staging", lambda p: set_policy(p, "module.storage.aws_s3_bucket_policy.files", strip)
    )


@twin("encryption.s3-sse-kms-for-sensitive-data", "files-bucket-sse-s3", "not SSE-KMS")
def _(raw, plan_root, tmp_path):
    def downgrade(plan):
        after = change(plan, "module.storage.aws_s3_bucket_server_side_encryption_configuration.files")[
            "after"
        ]
        after["rule"][0]["apply_server_side_encryption_by_default"][0]["sse_algorithm"] = "AES256"

    return mutated(raw, "prod", downgrade)


@twin("encryption.data-at-rest-encrypted", "plain-queue", "neither SQS-managed SSE")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "prod",
        lambda p: set_after(p, "module.messaging.aws_sqs_queue.tasks", sqs_managed_sse_enabled=False),
    )


@twin("encryption.data-at-rest-encrypted", "log-group-without-kms", "log group without a KMS key")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "dev",
        lambda p: config_resource(p, "module.api.aws_cloudwatch_log_group.access")["expressions"].pop(
            "kms_key_id"
        ),
    )


@twin("encryption.data-at-rest-encrypted", "rds-unencrypted", "storage not encrypted")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw, "staging", lambda p: set_after(p, "module.data.aws_db_instance.this", storage_encrypted=False)
    )


@twin("encryption.cloudfront-s3-only-via-oac", "s3-origin-without-oac", "without an origin access control")
def _(raw, plan_root, tmp_path):
    def strip(plan):
        for origin in config_resource(plan, "module.edge.aws_cloudfront_distribution.this")["expressions"][
            "origin"
        ]:
            origin.pop("origin_access_control_id", None)

    return mutated(raw, "prod", strip)


@twin("encryption.cloudfront-s3-only-via-oac", "oac-never-signs", "signing_behavior")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "dev",
        lambda p: set_after(
            p, "module.edge.aws_cloudfront_origin_access_control.web", signing_behavior="never"
        ),
    )


@twin("encryption.https-only-viewers", "allow-all-viewers", "viewer_protocol_policy 'allow-all'")
def _(raw, plan_root, tmp_path):
    def downgrade(plan):
        after = change(plan, "module.edge.aws_cloudfront_distribution.this")["after"]
        after["default_cache_behavior"][0]["viewer_protocol_policy"] = "allow-all"

    return mutated(raw, "prod", downgrade)


# ---- environment isolation
@twin("isolation.names-prefixed-per-env", "unprefixed-bucket", "lacks smartstack-prod")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "prod",
        lambda p: set_after(p, "module.storage.aws_s3_bucket.files", bucket="smartstack-files-333333333333"),
    )


@twin("isolation.names-prefixed-per-env", "staging-plan-applied-as-prod", "lacks smartstack-prod")
def _(raw, plan_root, tmp_path):
    return context("prod", copy_plan(raw["staging"]))


@twin("isolation.backend-and-account-guard", "staging-shares-prod-state-key", "shared with prod")
def _(raw, plan_root, tmp_path):
    def edit(root):
        versions = root / "envs" / "staging" / "versions.tf"
        versions.write_text(versions.read_text().replace("smartstack/staging/", "smartstack/prod/"))

    return _copy_tree(raw, tmp_path, "staging", edit)


@twin("isolation.backend-and-account-guard", "provider-without-account-guard", "allowed_account_ids")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "dev",
        lambda p: p["configuration"]["provider_config"]["aws"]["expressions"].pop("allowed_account_ids"),
    )


@twin("isolation.no-cross-env-references", "prod-reads-staging-parameters", "refers to staging")
def _(raw, plan_root, tmp_path):
    def leak(plan):
        after = change(plan, 'module.compute.aws_lambda_function.this["api"]')["after"]
        after["environment"][0]["variables"]["PARAMETER_PATH"] = "/smartstack/staging/"

    return mutated(raw, "prod", leak)


@twin("isolation.no-cross-env-references", "module-from-another-env", "reaches another environment")
def _(raw, plan_root, tmp_path):
    def rewire(plan):
        plan["configuration"]["root_module"]["module_calls"]["dns"]["source"] = "../../envs/staging/dns"

    return mutated(raw, "prod", rewire)


@twin("isolation.prod-deletion-protection", "prod-rds-unprotected", "deletion_protection")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "prod",
        lambda p: set_after(
            p, "module.data.aws_db_instance.this", deletion_protection=False, skip_final_snapshot=True
        ),
    )


@twin(
    "isolation.prod-prevent-destroy",
    "rds-without-prevent-destroy",
    "aws_db_instance.this: no prevent_destroy",
)
def _(raw, plan_root, tmp_path):
    def edit(root):
        main = root / "modules" / "data" / "main.tf"
        main.write_text(main.read_text().replace("prevent_destroy = true", "prevent_destroy = false"))

    return _copy_tree(raw, tmp_path, "prod", edit)


# ---- what a plan can show
@twin("plan-visibility.unknown-policies-reviewed", "new-unknown-queue-policy", "not in the reviewed list")
def _(raw, plan_root, tmp_path):
    def hide(plan):
        rc = change(plan, "module.messaging.aws_sqs_queue_policy.tasks")
        rc["after"].pop("policy")
        rc["after_unknown"]["policy"] = True

    return mutated(raw, "prod", hide)


@twin("plan-visibility.unknown-policies-reviewed", "web-policy-fed-by-db", "beyond the reviewed feeders")
def _(raw, plan_root, tmp_path):
    def rewire(plan):
        call = plan["configuration"]["root_module"]["module_calls"]["storage"]
        call["expressions"]["cloudfront_distribution_arn"]["references"].append("module.data.db_resource_id")

    return mutated(raw, "staging", rewire)


@twin("plan-visibility.unknown-policies-reviewed", "reviewed-policy-now-known", "now known or gone")
def _(raw, plan_root, tmp_path):
    return mutated(
        raw,
        "dev",
        lambda p: set_after(
            p, "module.storage.aws_s3_bucket_policy.web", policy=json.dumps({"Statement": []})
        ),
    )


@pytest.mark.parametrize("twin_case", TWINS, ids=lambda t: t.id)
def test_broken_twin_fails(twin_case: Twin, env_raw_plans, plan_root, tmp_path) -> None:
    ctx = twin_case.build(env_raw_plans, plan_root, tmp_path)
    result = policy.evaluate(ctx, [twin_case.rule_id])[0]
    assert result.error is None, result.error
    assert not result.passed, f"{twin_case.rule_id} passed on a broken input ({twin_case.name})"
    assert any(twin_case.expect in v for v in result.violations), result.violations


def test_every_rule_has_a_broken_twin() -> None:
    assert set(RULE_IDS) - {t.rule_id for t in TWINS} == set()


def test_twin_inputs_are_copies(env_raw_plans, env_results) -> None:
    """Twins mutate deep copies: the environment plans still pass every rule afterwards."""
    for env, plan in env_raw_plans.items():
        fresh = policy.evaluate(policy.context_for_env(env, json.loads(json.dumps(plan))))
        assert [r.rule.id for r in fresh if not r.passed] == []
