"""roots.prepare(): one staging for every mode; local-only settings live in generated override files."""

from __future__ import annotations

import pytest
from smartstack_tooling.harness import roots, toolchain

from ..conftest import ENVIRONMENTS, REPO

# Resource/data type prefix -> the provider's endpoint key for the AWS API it calls (longest prefix wins).
SERVICE_OF_PREFIX = {
    "aws_acm_": "acm",
    "aws_api_gateway_": "apigateway",
    "aws_cloudfront_": "cloudfront",
    "aws_cloudwatch_log_": "logs",
    "aws_cloudwatch_metric_alarm": "cloudwatch",
    "aws_cloudwatch_dashboard": "cloudwatch",
    "aws_codedeploy_": "codedeploy",
    "aws_db_": "rds",
    "aws_iam_": "iam",
    "aws_kms_": "kms",
    "aws_lambda_": "lambda",
    "aws_route53_": "route53",
    "aws_s3_": "s3",
    "aws_secretsmanager_": "secretsmanager",
    "aws_sesv2_": "sesv2",
    "aws_sns_": "sns",
    "aws_sqs_": "sqs",
    "aws_ssm_": "ssm",
    "aws_wafv2_": "wafv2",
    "aws_caller_identity": "sts",
    "aws_availability_zones": "ec2",
    **{f"aws_{p}": "ec2" for p in ("vpc", "subnet", "route", "eip", "nat_", "internet_", "flow_log")},
    **{f"aws_{p}": "ec2" for p in ("security_group", "default_security_group")},
}
NO_API = {"aws_iam_policy_document", "aws_region", "aws_partition"}  # computed by the provider itself
NOT_AWS = {"terraform_data"}  # Terraform's builtin provider: no API at all


def service_of(rtype: str) -> str | None:
    if rtype in NO_API or rtype in NOT_AWS:
        return None
    matches = [p for p in SERVICE_OF_PREFIX if rtype.startswith(p)]
    assert matches, f"{rtype}: which AWS API does it call? add it to SERVICE_OF_PREFIX"
    return SERVICE_OF_PREFIX[max(matches, key=len)]


def configured_types(module: dict) -> set[str]:
    """Resource and data source types of a plan's configuration, through every module call."""
    found = {r["type"] for r in module.get("resources", [])}
    for call in module.get("module_calls", {}).values():
        found |= configured_types(call["module"])
    return found


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_local_mode_points_every_service_the_plan_uses_at_the_emulator(env, env_plans):
    types = configured_types(env_plans[env].json["configuration"]["root_module"])
    assert "aws_s3_bucket" in types and "aws_lambda_function" in types
    services = {service_of(t) for t in types} - {None}
    assert services - set(roots.LOCAL_SERVICES) == set()


def test_modes_are_named_and_unknown_ones_refused():
    assert roots.provider_mode({}) == "offline"
    assert roots.provider_mode({roots.MODE_ENV: "local"}) == "local"
    with pytest.raises(roots.ModeUnavailable, match="offline, local, real"):
        roots.provider_mode({roots.MODE_ENV: "localstack"})


def test_a_mirror_without_hashicorp_aws_is_no_mirror(tmp_path):
    assert roots.real_provider_mirror({roots.MIRROR_ENV: str(tmp_path)}) is None
    binary = tmp_path / roots.AWS_PROVIDER / "5.100.0" / toolchain.platform_name()
    binary.mkdir(parents=True)
    (binary / "terraform-provider-aws_v5.100.0_x5").write_text("")
    assert roots.real_provider_mirror({roots.MIRROR_ENV: str(tmp_path)}) == tmp_path
    assert roots.mirror_versions(tmp_path) == ["5.100.0"]


def test_local_mode_without_a_mirror_says_how_to_get_one(tmp_path):
    with pytest.raises(roots.ModeUnavailable, match="terraform providers mirror"):
        roots.prepare(REPO / "envs" / "dev", "local", endpoint="http://127.0.0.1:1",
                      environ={roots.MIRROR_ENV: str(tmp_path)})  # fmt: skip


def test_local_mode_overrides_every_provider_block_and_touches_no_product_file(real_provider_mirror):
    before = {p: p.read_bytes() for p in (REPO / "envs").rglob("*.tf")}
    staged = roots.prepare(REPO / "envs" / "dev", "local", endpoint="http://127.0.0.1:9", label="test-roots")
    override = (staged.workdir / "smartstack_local_provider_override.tf").read_text()
    assert roots.provider_aliases(staged.workdir) == [None, "us_east_1"]
    assert override.count('provider "aws" {') == 2 and 'alias = "us_east_1"' in override
    assert override.count('"http://127.0.0.1:9"') == 2 * len(roots.LOCAL_SERVICES)
    assert 'backend "local"' in (staged.workdir / "smartstack_backend_override.tf").read_text()
    assert staged.workdir.is_relative_to(roots.LOCAL)
    assert {p: p.read_bytes() for p in (REPO / "envs").rglob("*.tf")} == before
    assert not any(name.startswith("AWS_ACCESS_KEY") or name == "AWS_PROFILE" for name in staged.env)


def test_only_the_emulator_applies_and_destroys_with_more_in_flight(real_provider_mirror, monkeypatch):
    monkeypatch.delenv("TF_CLI_ARGS_apply", raising=False)
    local = roots.prepare(REPO / "envs" / "dev", "local", endpoint="http://127.0.0.1:9", label="test-roots")
    wanted = f"-parallelism={roots.LOCAL_PARALLELISM}"
    assert (local.env["TF_CLI_ARGS_apply"], local.env["TF_CLI_ARGS_destroy"]) == (wanted, wanted)
    assert roots.LOCAL_PARALLELISM > 10  # Terraform's default, which AWS (real mode) keeps
    for mode in ("offline", "real"):
        assert "TF_CLI_ARGS_apply" not in roots.prepare(REPO / "envs" / "dev", mode).env


def test_real_mode_runs_in_place_with_the_backend_config():
    real = roots.prepare(REPO / "envs" / "prod", "real")
    assert real.workdir == REPO / "envs" / "prod"
    assert real.init_args() == ["init", "-input=false", "-no-color", f"-backend-config={real.backend_config}"]
    assert real.init_args(backend=False)[-1] == "-backend=false"


def test_expected_warnings_are_hidden_and_every_other_warning_shown():
    meaningful, expected = roots.classify_warnings(
        ["Incomplete lock file information for providers", "Argument is deprecated"]
    )
    assert meaningful == ["Argument is deprecated"]
    assert expected == ["Incomplete lock file information for providers"]
