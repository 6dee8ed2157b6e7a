"""hypothesis explores the network module: generated layouts keep the placement rules; bad inputs are
rejected by `validation` blocks with a clear message.

Every layout is planned for real through the offline stand-in: one plan of tests/policy/roots/network-layouts
carries a batch of layouts (the module once per layout, called as tests/modules/network calls it), and is
split into one plan per layout before the rules read it. The split is proven equal to the single-layout
root's own plan, so a batch checks exactly what one plan per layout would, at a fifth of the plans.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from smartstack_tooling import policy
from smartstack_tooling.policy import PolicyContext
from smartstack_tooling.policy.rules_network import tier

from tests.conftest import REPO, validation_diagnostics

ROOT = REPO / "tests" / "modules" / "network"
ZONES = [f"us-east-1{c}" for c in "abcdef"]
LAYOUT_RULES = [
    "subnet-placement.private-subnets-no-igw-no-public-ip",
    "subnet-placement.nat-in-public-subnets",
    "subnet-placement.tiers-span-two-azs",
    "subnet-placement.cidrs-inside-vpc-no-overlap",
]


@st.composite
def layouts(draw):
    prefix = draw(st.integers(16, 22))
    base = draw(st.sampled_from(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]))
    base_net = ipaddress.ip_network(base)
    prefix = max(prefix, base_net.prefixlen)
    index = draw(st.integers(0, 2 ** (prefix - base_net.prefixlen) - 1))
    vpc = list(base_net.subnets(new_prefix=prefix))[index] if prefix - base_net.prefixlen <= 12 else None
    if vpc is None:
        vpc = ipaddress.ip_network(f"{base_net.network_address + index * 2 ** (32 - prefix)}/{prefix}")
    zones = draw(st.lists(st.sampled_from(ZONES), min_size=2, max_size=4, unique=True))
    needed = 3 * len(zones) + 1  # netnums 1 .. 3n
    min_bits = max(2, needed.bit_length())
    newbits = draw(st.integers(min_bits, min(12, 28 - prefix)))
    mode = draw(st.sampled_from(["per_az", "single"]))
    return {
        "vpc_cidr": str(vpc),
        "availability_zones": zones,
        "subnet_newbits": newbits,
        "nat_gateway_mode": mode,
    }


LAYOUTS_ROOT = REPO / "tests" / "policy" / "roots" / "network-layouts"
BATCH = 5  # layouts per plan: 3 examples x 5 = the 15 layouts this test has always planned
LAYOUT_VARIABLES = ("vpc_cidr", "availability_zones", "subnet_newbits", "nat_gateway_mode")


# What a plan holds about its values rather than its configuration: taken from the layout's instance.
VALUE_KEYS = ("resource_changes", "variables", "planned_values", "output_changes", "relevant_attributes")


def layout_plan(batch_plan: dict[str, Any], key: str, single_plan: dict[str, Any]) -> dict[str, Any]:
    """The layout ``key`` of a network-layouts plan as a plan of tests/modules/network: that root's
    configuration (``single_plan``'s, which no variable changes), the instance's resources moved to
    ``module.network``, and the layout as the root's variables."""
    prefix = f'module.network["{key}"]'

    def moved(address: str) -> str:
        return "module.network" + address[len(prefix) :]

    def of_layout(change: dict[str, Any]) -> bool:
        module = change.get("module_address", "")
        return module == prefix or module.startswith(prefix + ".")

    changes = [
        {**c, "address": moved(c["address"]), "module_address": moved(c["module_address"])}
        for c in batch_plan["resource_changes"]
        if of_layout(c)
    ]
    layout = batch_plan["variables"]["layouts"]["value"][key]
    variables = {k: v for k, v in batch_plan["variables"].items() if k != "layouts"}
    variables.update({name: {"value": layout[name]} for name in LAYOUT_VARIABLES})
    configuration = {k: v for k, v in single_plan.items() if k not in VALUE_KEYS}
    return {**configuration, "resource_changes": changes, "variables": variables}


def test_a_batched_layout_plans_exactly_as_the_single_layout_root(plan_root) -> None:
    """The batch's split is faithful: the tfvars layout of tests/modules/network, planned in a batch beside
    another layout, is that root's own plan resource for resource, value for value."""
    single = plan_root(ROOT).json
    layout = {name: single["variables"][name]["value"] for name in LAYOUT_VARIABLES}
    other = {**layout, "nat_gateway_mode": "single", "availability_zones": ZONES[3:5]}
    batch = plan_root(LAYOUTS_ROOT, {"layouts": {"tfvars": layout, "other": other}}).json
    split = layout_plan(batch, "tfvars", single)
    assert split["resource_changes"] == single["resource_changes"]
    assert split["variables"] == single["variables"]


@settings(
    max_examples=15 // BATCH,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(batch=st.lists(layouts(), min_size=BATCH, max_size=BATCH))
def test_generated_layouts_keep_placement(batch, plan_root) -> None:
    keyed = {f"layout{index}": layout for index, layout in enumerate(batch)}
    planned = plan_root(LAYOUTS_ROOT, {"layouts": keyed}).json
    single = plan_root(ROOT).json  # the configuration every layout is read with
    for key, layout in keyed.items():
        check_layout(PolicyContext(layout_plan(planned, key, single), "staging", ROOT), layout)


def check_layout(ctx: PolicyContext, layout: dict[str, Any]) -> None:
    for result in policy.evaluate(ctx, LAYOUT_RULES):
        assert result.passed and result.error is None, (
            layout,
            result.rule.id,
            result.violations,
            result.error,
        )
    vpc = ipaddress.ip_network(layout["vpc_cidr"])
    subnets = ctx.of_type("aws_subnet")
    assert len(subnets) == 3 * len(layout["availability_zones"])
    for subnet in subnets:
        # per-tier placement: Tier tag matches the resource, the for_each key is the zone, CIDR in the VPC
        assert tier(subnet) == subnet.name
        assert subnet.get("availability_zone") == subnet.index
        net = ipaddress.ip_network(subnet.get("cidr_block"))
        assert net.subnet_of(vpc) and net.prefixlen == vpc.prefixlen + layout["subnet_newbits"]
    nats = ctx.of_type("aws_nat_gateway")
    assert len(nats) == (len(layout["availability_zones"]) if layout["nat_gateway_mode"] == "per_az" else 1)


# ---------------------------------------------------------------------- variable validation


# One strategy per variable: a bad value and the part of the message that names the fix. Each example sets
# every variable bad at once: a variable's validation reads that variable only, so one plan reports each
# as a plan with that value alone would, and each is matched to its own diagnostic (the argument it names).
BAD_BY_VARIABLE = {
    "vpc_cidr": st.sampled_from([8, 12, 15, 25, 28]).map(
        lambda p: (f"10.0.0.0/{p}", "vpc_cidr must be an IPv4 CIDR with a prefix between /16 and /24")
    ),
    "availability_zones": st.one_of(
        st.one_of(
            st.lists(st.sampled_from(ZONES), min_size=1, max_size=1),
            st.sampled_from(ZONES).map(lambda z: [z, z]),
        ).map(lambda z: (z, "availability_zones must list at least two distinct zones")),
        st.lists(
            st.sampled_from(["use1-az1", "use1-az2", "us-east-1", "US-EAST-1A"]),
            min_size=2,
            max_size=3,
            unique=True,
        ).map(lambda z: (z, "must be zone names such as")),
    ),
    "nat_gateway_mode": st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12)
    .filter(lambda m: m not in ("none", "per_az", "single"))
    .map(lambda m: (m, "nat_gateway_mode must be")),
    "subnet_newbits": st.one_of(st.integers(-3, 1), st.integers(13, 24)).map(
        lambda n: (n, "subnet_newbits must be between 2 and 12")
    ),
}


@settings(
    max_examples=3,  # x 4 variables: 12 bad inputs in 3 plans (it was 8 inputs in 8 plans)
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@given(cases=st.fixed_dictionaries(BAD_BY_VARIABLE))
def test_bad_inputs_rejected_by_validation(cases) -> None:
    errors = validation_diagnostics(ROOT, {name: value for name, (value, _) in cases.items()})
    assert {d["summary"] for d in errors} == {"Invalid value for variable"}, errors
    for name, (value, message) in cases.items():
        on_variable = [
            d["detail"] for d in errors if d.get("snippet", {}).get("code", "").strip().startswith(name)
        ]
        assert any(message in detail for detail in on_variable), (name, value, errors)
