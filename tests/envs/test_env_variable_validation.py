"""Wrong values for an environment fail at `variable` validation, with a message that names the fix.

Every case plans one env root through the offline stand-in with a `-var` override (the env's
terraform.tfvars supplies the rest) and reads Terraform's JSON diagnostics (`terraform plan -json`): the
plan must fail, every error must be "Invalid value for variable" (so nothing got past validation), and one
of them must point at the overridden variable with the expected message. Cases of one env are batched
into a few plans (see `rounds`); a failing plan stops at validation, before any resource is planned.
"""

from __future__ import annotations

import json
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from smartstack_tooling.harness import roots as staging
from smartstack_tooling.harness.plan_store import PlanOutput

from tests.conftest import ENVIRONMENTS, REPO, diagnostics, plan_json

PARAMS = {
    "api/presigned-url-ttl-seconds": "900",
    "api/max-page-size": "100",
    "ai/max-output-tokens": "512",
    "auth/token-issuer": "https://auth.smartstack.example.com",
    "auth/token-audience": "smartstack-api",
}


def hcl_map(values: dict[str, Any]) -> str:
    return "{" + ", ".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in values.items()) + "}"


@dataclass(frozen=True)
class Case:
    family: str
    env: str
    variable: str
    value: str  # HCL literal as given to -var
    message: str  # part of the error message, which names the fix

    @property
    def id(self) -> str:
        return f"{self.env}-{self.variable}={self.value}"[:90]


CASES = [
    # High availability and protection: what staging/prod must never lose.
    Case("ha", "staging", "rds_multi_az", "false", "staging must run RDS Multi-AZ"),
    Case("ha", "prod", "rds_multi_az", "false", "set rds_multi_az = true"),
    Case("ha", "prod", "nat_gateway_mode", "single", 'set nat_gateway_mode = "per_az"'),
    Case(
        "ha",
        "staging",
        "nat_gateway_mode",
        "single",
        "staging must not hang its egress on one zone's NAT gateway",
    ),
    Case("ha", "staging", "rds_instance_class", "db.t4g.medium", "non-burstable instance class"),
    Case("protection", "prod", "deletion_protection", "false", "set deletion_protection = true"),
    Case("protection", "prod", "waf_managed_rules_enabled", "false", "set waf_managed_rules_enabled = true"),
    Case("protection", "prod", "api_waf_enabled", "false", "set api_waf_enabled = true"),
    Case(
        "protection", "prod", "rds_final_snapshot_enabled", "false", "set rds_final_snapshot_enabled = true"
    ),
    Case(
        "protection",
        "prod",
        "rds_backup_retention_days",
        "7",
        "set rds_backup_retention_days between 30 and 35",
    ),
    Case("protection", "prod", "secret_recovery_window_days", "7", "set secret_recovery_window_days = 30"),
    # Account, region and network shape.
    Case("account", "dev", "account_id", "12345", "AWS account id of the dev account as a quoted string"),
    Case("account", "prod", "account_id", "33333333333a", "12-digit AWS account id of the prod account"),
    Case("account", "staging", "account_id", "2222-2222-2222", "12-digit AWS account id"),
    Case("network", "staging", "availability_zones", '["us-east-1a"]', "at least two distinct zones"),
    Case(
        "network", "dev", "availability_zones", '["us-east-1a", "us-east-1a"]', "at least two distinct zones"
    ),
    Case("network", "dev", "availability_zones", '["use1-az1", "use1-az2"]', "zone names inside var.region"),
    Case(
        "network",
        "prod",
        "availability_zones",
        '["us-west-2a", "us-west-2b"]',
        "zone names inside var.region",
    ),
    Case("network", "dev", "vpc_cidr", "10.0.0.0/8", "prefix between /16 and /24"),
    Case("network", "dev", "nat_gateway_mode", "zonal", 'must be "none"'),
    # With interface endpoints a NAT is only a path out.
    Case("network", "staging", "nat_gateway_mode", "per_az", 'set nat_gateway_mode = "none"'),
    # Retention windows.
    Case("retention", "dev", "log_retention_days", "45", "CloudWatch Logs retention value"),
    Case("retention", "staging", "log_retention_days", "0", "CloudWatch Logs retention value"),
    Case("retention", "prod", "log_retention_days", "30", "set log_retention_days = 90 or more"),
    Case("retention", "dev", "access_log_retention_days", "0", "whole number of days >= 1"),
    Case("retention", "dev", "rds_backup_retention_days", "0", "0 would disable backups"),
    Case("retention", "dev", "kms_deletion_window_days", "3", "between 7 and 30"),
    Case("retention", "prod", "kms_deletion_window_days", "7", "set kms_deletion_window_days = 30"),
    Case("retention", "staging", "secret_rotation_days", "3", "rotate at most weekly"),
    # Domain, mail and the functions' configuration.
    Case(
        "config", "dev", "domain_name", "smartstack.example.com", 'domain_name = "dev.smartstack.example.com"'
    ),
    Case("config", "prod", "domain_name", "staging.smartstack.example.com", "not a dev./staging. subdomain"),
    Case("config", "staging", "ses_sender_address", "no-reply@example.org", "an address at domain_name"),
    Case(
        "config",
        "prod",
        "bedrock_model_id",
        "us.anthropic.claude-3-haiku-20240307-v1:0",
        "cross-region prefix",
    ),
    Case("config", "dev", "bedrock_model_id", "arn:aws:bedrock:us-east-1::foundation-model/x", "not an ARN"),
    Case(
        "config", "dev", "parameters", hcl_map({**PARAMS, "ai/model-id": "x"}), "set bedrock_model_id instead"
    ),
    Case(
        "config",
        "staging",
        "parameters",
        hcl_map({k: v for k, v in PARAMS.items() if k != "auth/token-issuer"}),
        "must set every key the functions read",
    ),
    Case(
        "config",
        "prod",
        "parameters",
        hcl_map({**PARAMS, "db/password": "x"}),
        "put secret values in Secrets Manager",
    ),
    Case(
        "config",
        "dev",
        "parameters",
        hcl_map({**PARAMS, "api/presigned-url-ttl-seconds": "10"}),
        "between 60 and 43200",
    ),
    # Lambda sizing.
    Case(
        "lambda",
        "dev",
        "lambda_reserved_concurrency",
        "{ api = 0, worker = -1, ai = -1, authorizer = -1 }",
        "0 would throttle",
    ),
    Case(
        "lambda",
        "prod",
        "lambda_reserved_concurrency",
        "{ api = -1, worker = 10, ai = 20, authorizer = 20 }",
        "set each of api, worker, ai, authorizer to >= 1",
    ),
    Case(
        "lambda",
        "staging",
        "lambda_reserved_concurrency",
        "{ api = 1, ai = 1 }",
        "exactly the keys api, worker, ai and authorizer",
    ),
    Case("lambda", "dev", "api_timeout_seconds", "60", "between 3 and 29 seconds"),
    Case("lambda", "dev", "worker_timeout_seconds", "901", "between 30 and 900 seconds"),
    # 1,000 reserved in staging's quota of 1,000: Lambda would refuse (it keeps 100 unreserved).
    Case(
        "lambda",
        "staging",
        "lambda_reserved_concurrency",
        "{ api = 500, worker = 100, ai = 200, authorizer = 200 }",
        "request a higher quota",
    ),
    Case("lambda", "prod", "lambda_concurrency_quota", "5", "at least 10"),
    Case("lambda", "staging", "function_packages_dir", "/nonexistent/functions", "run `make package`"),
    Case("lambda", "dev", "lambda_architecture", "arm", 'must be "arm64" or "x86_64"'),
    # Admission: the API's throttle within the profile, and what it and the task queue admit within the
    # functions' concurrency (policy rule contract.admission-fits-capacity).
    Case(
        "admission",
        "dev",
        "api_throttling_rate_limit",
        "20",
        "dev throttles each API method between 1 and 10",
    ),
    Case("admission", "prod", "api_throttling_rate_limit", "10", "between 50 and 1000 requests per second"),
    Case(
        "admission",
        "prod",
        "api_throttling_rate_limit",
        "100",
        "raise lambda_reserved_concurrency.api to 300",
    ),
    Case("admission", "staging", "api_throttling_burst_limit", "2001", "bursts of at most 2000"),
    Case(
        "admission",
        "prod",
        "lambda_reserved_concurrency",
        "{ api = 200, worker = 10, ai = 4, authorizer = 20 }",
        "and .ai to at least 5",
    ),
    Case(
        "admission",
        "staging",
        "lambda_reserved_concurrency",
        "{ api = 200, worker = 4, ai = 20, authorizer = 20 }",
        "set lambda_reserved_concurrency.worker to at least 5",
    ),
    # Releases: staging and prod shift traffic gradually, so an alarm can stop a bad version.
    Case(
        "release",
        "prod",
        "release_deployment_config",
        "CodeDeployDefault.LambdaAllAtOnce",
        "prod releases gradually",
    ),
    Case("release", "dev", "release_deployment_config", "Canary10Percent5Minutes", "predefined CodeDeploy"),
    Case(
        "release",
        "staging",
        "release_deployment_config",
        "CodeDeployDefault.LambdaAllAtOnce",
        "use a canary or linear configuration",
    ),
]


Roots = dict[str, staging.TerraformRoot]


@pytest.fixture(scope="module")
def roots() -> Roots:
    """Each env root staged for the offline stand-in and initialised once, before any plan runs."""
    staged: Roots = {}
    for env in ENVIRONMENTS:
        staged[env] = staging.prepare(REPO / "envs" / env, "offline")
        staged[env].init()
    return staged


def plan_with(roots: Roots, env: str, overrides: list[str]) -> PlanOutput:
    return plan_json(roots[env], [f"-var={override}" for override in overrides])


# Variables whose rules read each other's value never share a round.
COUPLED = {
    "ses_sender_address": "domain_name",
    # function_packages_dir's rule reads lambda_architecture (the zips are built per architecture).
    "lambda_architecture": "function_packages_dir",
    # lambda_reserved_concurrency's rule reads the account quota; the API throttle's admission rule reads
    # both, and the burst.
    "lambda_concurrency_quota": "lambda_reserved_concurrency",
    "api_throttling_rate_limit": "lambda_reserved_concurrency",
    "api_throttling_burst_limit": "lambda_reserved_concurrency",
}


def rounds(cases: list[Case]) -> list[list[Case]]:
    """Group cases into plans: per env, each variable (and its coupled variables) at most once per plan.

    A variable's validation reads only that variable (and its COUPLED partner), so one plan with several
    unrelated bad values reports each of them exactly as a plan with that value alone would; batching cuts
    the run from one stand-in start per case (~3-5 s each) to a handful. SMARTSTACK_VALIDATION_ISOLATED=1
    plans every case on its own instead.
    """
    if os.environ.get("SMARTSTACK_VALIDATION_ISOLATED") == "1":
        return [[case] for case in cases]
    grouped: list[tuple[str, set[str], list[Case]]] = []
    for case in cases:
        key = COUPLED.get(case.variable, case.variable)
        for env, used, members in grouped:
            if env == case.env and key not in used:
                used.add(key)
                members.append(case)
                break
        else:
            grouped.append((case.env, {key}, [case]))
    return [members for _, _, members in grouped]


@pytest.fixture(scope="module")
def outcomes(roots: Roots) -> dict[Case, tuple[int, list[dict[str, Any]]]]:
    """Plan every round of cases and keep, per case, the exit code and the round's diagnostics."""

    def run(members: list[Case]) -> tuple[int, list[dict[str, Any]]]:
        proc = plan_with(roots, members[0].env, [f"{c.variable}={c.value}" for c in members])
        return proc.returncode, diagnostics(proc.stdout)

    batches = rounds(CASES)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(run, batches))
    return {case: result for members, result in zip(batches, results, strict=True) for case in members}


def test_at_least_three_cases_per_family():
    families: dict[str, int] = {}
    for case in CASES:
        families[case.family] = families.get(case.family, 0) + 1
    assert all(n >= 3 for n in families.values()), families


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_value_fails_variable_validation(outcomes, case: Case):
    code, diags = outcomes[case]
    assert code != 0, f"{case.env} accepted {case.variable}={case.value}"
    errors = [d for d in diags if d["severity"] == "error"]
    assert errors and all(d["summary"] == "Invalid value for variable" for d in errors), errors
    on_variable = [
        d for d in errors if d.get("snippet", {}).get("code", "").startswith(f'variable "{case.variable}"')
    ]
    assert on_variable, f"no error on variable {case.variable}: {errors}"
    assert any(case.message in d["detail"] for d in on_variable), [d["detail"] for d in on_variable]
    assert all(d["range"]["filename"] == "variables.tf" for d in on_variable)  # the env root's own rule


def test_dev_may_turn_off_what_staging_and_prod_may_not(roots: Roots):
    """The rules are per env: dev plans with every cheap setting that staging/prod reject."""
    cheap = [
        "rds_multi_az=false",
        "nat_gateway_mode=single",
        "enable_interface_endpoints=false",
        "deletion_protection=false",
        "waf_managed_rules_enabled=false",
        "api_waf_enabled=false",
        "rds_final_snapshot_enabled=false",
        "rds_instance_class=db.t4g.small",
    ]
    proc = plan_with(roots, "dev", cheap)
    errors = [d for d in diagnostics(proc.stdout) if d["severity"] == "error"]
    assert proc.returncode == 0 and not errors, errors
    events = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    planned = {e["change"]["resource"]["resource_type"] for e in events if e.get("type") == "planned_change"}
    assert {"aws_db_instance", "aws_nat_gateway", "aws_wafv2_web_acl"} <= planned


def test_an_architecture_without_built_packages_fails_at_validation(roots: Roots, tmp_path: Path):
    """Switching lambda_architecture without repackaging stops the plan, naming `make package`."""
    packages = tmp_path / "functions"
    for name in ("api", "ai", "authorizer", "migrate", "rotate"):  # only arm64 is built
        (packages / "arm64").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(
            REPO / "build" / "functions" / "arm64" / f"{name}.zip", packages / "arm64" / f"{name}.zip"
        )
    built = plan_with(roots, "dev", [f"function_packages_dir={packages}", "lambda_architecture=arm64"])
    assert built.returncode == 0, [d for d in diagnostics(built.stdout) if d["severity"] == "error"]
    switched = plan_with(roots, "dev", [f"function_packages_dir={packages}", "lambda_architecture=x86_64"])
    assert switched.returncode != 0
    details = [d["detail"] for d in diagnostics(switched.stdout) if d["severity"] == "error"]
    assert any('lambda_architecture = "x86_64" are not built' in d and "make package" in d for d in details)
