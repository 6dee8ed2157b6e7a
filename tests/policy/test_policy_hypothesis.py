"""hypothesis explores the network module: generated layouts keep the placement rules; bad inputs are
rejected by `validation` blocks with a clear message.

Every layout example is a real `terraform plan` of tests/modules/network through the offline stand-in
(~8 s each), so the example count is bounded.
"""

from __future__ import annotations

import ipaddress

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from smartstack_tooling import policy
from smartstack_tooling.policy import PolicyContext
from smartstack_tooling.policy.rules_network import tier

from tests.conftest import REPO, validation_errors

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


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(layout=layouts())
def test_generated_layouts_keep_placement(layout, plan_root) -> None:
    ctx = PolicyContext(plan_root(ROOT, layout)._raw, "staging", ROOT)
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


BAD_INPUTS = st.one_of(
    st.builds(
        lambda p: (
            {"vpc_cidr": f"10.0.0.0/{p}"},
            "vpc_cidr must be an IPv4 CIDR with a prefix between /16 and /24",
        ),
        st.sampled_from([8, 12, 15, 25, 28]),
    ),
    st.builds(
        lambda z: ({"availability_zones": z}, "availability_zones must list at least two distinct zones"),
        st.one_of(
            st.lists(st.sampled_from(ZONES), min_size=1, max_size=1),
            st.sampled_from(ZONES).map(lambda z: [z, z]),
        ),
    ),
    st.builds(
        lambda z: ({"availability_zones": z}, "must be zone names such as"),
        st.lists(
            st.sampled_from(["use1-az1", "use1-az2", "us-east-1", "US-EAST-1A"]),
            min_size=2,
            max_size=3,
            unique=True,
        ),
    ),
    st.builds(
        lambda m: ({"nat_gateway_mode": m}, "nat_gateway_mode must be"),
        st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=12).filter(
            lambda m: m not in ("none", "per_az", "single")
        ),
    ),
    st.builds(
        lambda n: ({"subnet_newbits": n}, "subnet_newbits must be between 2 and 12"),
        st.one_of(st.integers(-3, 1), st.integers(13, 24)),
    ),
)


@settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
@given(case=BAD_INPUTS)
def test_bad_inputs_rejected_by_validation(case) -> None:
    variables, message = case
    errors = validation_errors(ROOT, variables)
    assert any("Invalid value for variable" in e and message in e for e in errors), (variables, errors)
