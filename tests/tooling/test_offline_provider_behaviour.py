"""What the stand-in answers at plan time, and what it refuses."""

from __future__ import annotations

import json

import pytest
from smartstack_offline_provider import OFFLINE_ACCOUNT_ENV
from smartstack_tooling.harness import toolchain

from .offline_roots import OfflineRoot, make_root

BODY = """
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}
data "aws_partition" "current" {}
data "aws_availability_zones" "available" {
  state = "available"
}

resource "aws_vpc" "x" {
  cidr_block = "10.0.0.0/16"
  tags       = { Name = "x" }
}

resource "aws_subnet" "x" {
  vpc_id            = aws_vpc.x.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = data.aws_availability_zones.available.names[0]
}

output "facts" {
  value = {
    account   = data.aws_caller_identity.current.account_id
    region    = data.aws_region.current.region
    partition = data.aws_partition.current.partition
    zones     = data.aws_availability_zones.available.names
  }
}
"""


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> OfflineRoot:
    root = make_root(tmp_path_factory.mktemp("behaviour"), toolchain.terraform_cli())
    root.write(BODY)
    return root


@pytest.fixture(scope="module")
def plan(root: OfflineRoot) -> dict:
    result = root.run("plan", "-input=false", "-no-color", "-out=tfplan")
    assert result.returncode == 0, result.stderr
    shown = root.run("show", "-json", "tfplan")
    return json.loads(shown.stdout)


def _after(plan: dict, address: str) -> tuple[dict, dict]:
    change = next(c for c in plan["resource_changes"] if c["address"] == address)["change"]
    return change["after"], change["after_unknown"]


def test_data_sources_answer_realistic_values(plan):
    facts = plan["planned_values"]["outputs"]["facts"]["value"]
    assert facts == {
        "account": "111111111111",  # the account the provider block allows
        "region": "us-east-1",
        "partition": "aws",
        "zones": ["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d", "us-east-1e", "us-east-1f"],
    }


def test_create_keeps_configuration_and_leaves_computed_values_unknown(plan):
    after, unknown = _after(plan, "aws_vpc.x")
    assert after["cidr_block"] == "10.0.0.0/16"
    assert unknown["id"] is True and unknown["arn"] is True
    assert "cidr_block" not in unknown
    subnet, subnet_unknown = _after(plan, "aws_subnet.x")
    assert subnet["availability_zone"] == "us-east-1a"
    assert subnet_unknown["vpc_id"] is True  # depends on the VPC's unknown id


def test_plan_time_values_the_real_provider_also_knows(plan):
    after, _ = _after(plan, "aws_vpc.x")
    assert after["region"] == "us-east-1"  # v6: resource region defaults to the provider's
    assert after["tags_all"] == {"Environment": "test", "Name": "x"}  # default_tags merged


def test_configuration_references_are_recorded(plan):
    subnet = next(
        r for r in plan["configuration"]["root_module"]["resources"] if r["address"] == "aws_subnet.x"
    )
    assert subnet["expressions"]["vpc_id"]["references"] == ["aws_vpc.x.id", "aws_vpc.x"]


def test_apply_is_refused_with_a_clear_message(root, plan):
    result = root.run("apply", "-input=false", "-no-color", "tfplan")
    assert result.returncode != 0
    assert "Offline plans create nothing" in " ".join((result.stderr + result.stdout).split())


def test_account_guard_rejects_another_account(root):
    result = root.run("plan", "-input=false", "-no-color", extra_env={OFFLINE_ACCOUNT_ENV: "999999999999"})
    assert result.returncode != 0
    assert "AWS account ID not allowed: 999999999999" in result.stderr
