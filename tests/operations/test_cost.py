"""The monthly cost estimate moves the right way with what the plans create."""

from __future__ import annotations

import copy

import pytest
from smartstack_tooling.reports import cost

from ..conftest import REPO

NAT_ROOT = REPO / "tests" / "operations" / "roots" / "network_nat"


@pytest.fixture(scope="module")
def estimates(env_plans):
    return {env: cost.estimate(plan.json, env) for env, plan in env_plans.items()}


def test_price_table_records_region_date_and_source():
    prices = cost.load_prices("us-east-1")
    assert prices["region"] == "us-east-1"
    assert prices["as_of"] and "list prices" in prices["source"]
    assert prices["hours_per_month"] == 730


def test_prod_costs_more_than_staging_and_staging_at_least_dev(estimates):
    assert estimates["prod"].total > estimates["staging"].total >= estimates["dev"].total
    assert all(not e.unpriced for e in estimates.values()), {e.env: e.unpriced for e in estimates.values()}


def test_every_priced_type_of_the_issue_is_in_the_estimate(estimates):
    items = " | ".join(line.item for line in estimates["prod"].lines)
    assert "NAT gateway" not in items  # every AWS API through VPC endpoints (see test_nat_*)
    for expected in (
        "RDS db.m7g.large Multi-AZ",
        "RDS gp3 storage",
        "Interface VPC endpoints",
        "KMS",
        "CloudWatch alarms",
        "Secrets Manager",
        "WAF web ACLs",
        "WAF rules",
        "Route 53 hosted zones",
    ):
        assert expected in items
    assert any("CloudFront" in t for t in estimates["prod"].not_included)
    assert any("Lambda" in t for t in estimates["prod"].not_included)


def test_multi_az_doubles_the_instance_price(env_plans):
    plan = copy.deepcopy(env_plans["prod"].json)
    single = copy.deepcopy(plan)
    db = next(c for c in single["resource_changes"] if c["type"] == "aws_db_instance")
    db["change"]["after"]["multi_az"] = False
    line = lambda est: next(x for x in est.lines if x.item.startswith("RDS db."))  # noqa: E731
    assert line(cost.estimate(plan)).monthly == pytest.approx(
        2 * line(cost.estimate(single)).monthly, abs=0.02
    )


def test_a_missing_resource_drops_its_cost(env_plans):
    plan = copy.deepcopy(env_plans["prod"].json)
    full = cost.estimate(plan).total
    plan["resource_changes"] = [
        c for c in plan["resource_changes"] if c["address"] != "module.edge.aws_wafv2_web_acl.cdn"
    ]
    assert cost.estimate(plan).total == pytest.approx(full - 5 - 4, abs=0.01)


def test_nat_per_az_adds_cost_over_single(plan_root):
    single = cost.estimate(plan_root(NAT_ROOT, tf_vars={"nat_gateway_mode": "single"}).json)
    per_az = cost.estimate(plan_root(NAT_ROOT, tf_vars={"nat_gateway_mode": "per_az"}).json)
    nat = lambda est: next(x for x in est.lines if x.item == "NAT gateway hours")  # noqa: E731
    assert nat(single).quantity == 730 and nat(per_az).quantity == 3 * 730
    assert any(x.item.startswith("Public IPv4") for x in per_az.lines)
    # Two more gateways and their public IPv4 addresses, at the table's hourly prices.
    prices = cost.load_prices()["prices"]
    extra = 2 * 730 * (prices["nat_gateway_hour"] + prices["public_ipv4_address_hour"])
    assert per_az.total - single.total == pytest.approx(extra, abs=0.02)


def test_unknown_instance_class_is_reported_not_guessed(env_plans):
    plan = copy.deepcopy(env_plans["dev"].json)
    db = next(c for c in plan["resource_changes"] if c["type"] == "aws_db_instance")
    db["change"]["after"]["instance_class"] = "db.x99.huge"
    assert any("db.x99.huge" in u for u in cost.estimate(plan).unpriced)


def test_report_has_a_row_per_environment(estimates):
    text = cost.report(list(estimates.values()), cost.load_prices())
    for env, est in estimates.items():
        assert f"| {env} | {est.total:,.2f} |" in text
    assert "as of" in text and "Request-based charges (not included)" in text
