"""Subnet placement and Multi-AZ: where things run, read from planned values and references."""

from __future__ import annotations

import ipaddress
from collections import defaultdict

from .. import paths
from ..profiles import environments_where, profile
from .engine import Instance, PolicyContext, rule
from .twins import (
    Plan,
    TwinInputs,
    built_twin,
    config_edit,
    context,
    drop,
    module_input,
    plan_twin,
    root_twin,
    setting,
)

PRIVATE_TIERS = {"app", "data"}


def tier(subnet: Instance) -> str:
    """A subnet's tier: its Tier tag (set by modules/network), else its resource name."""
    return subnet.tags().get("Tier") or subnet.name


def subnets_behind(ctx: PolicyContext, inst: Instance, attr: str) -> tuple[list[Instance], set[str]]:
    """The aws_subnet instances an attribute refers to, and the other sources of subnet ids it takes.

    Root variables count as other sources only when they hold ``subnet-`` ids (a zone list that an
    output iterates over is not a subnet source).
    """
    resolved = ctx.resolve_attr(inst, attr)
    subnets = [s for a in sorted(resolved) for s in ctx.instances_of(a) if s.type == "aws_subnet"]
    subnet_addresses = {s.config_address for s in subnets}
    others = set()
    for leaf in resolved - subnet_addresses:
        if leaf.startswith(("var:", "default:")):
            value = (
                ctx.plan.get("variables", {}).get(leaf[4:], {}).get("value")
                if leaf.startswith("var:")
                else None
            )
            if "subnet-" in str(value):
                others.add(leaf)
        else:
            others.add(leaf)
    return subnets, others


def _subnets_in_one_zone(only_tier: str | None = None):
    """A twin mutation: every subnet (of one tier) planned in us-east-1a."""

    def mutate(plan: Plan) -> None:
        for rc in plan["resource_changes"]:
            if rc["type"] == "aws_subnet" and (only_tier is None or rc["name"] == only_tier):
                rc["change"]["after"]["availability_zone"] = "us-east-1a"

    return mutate


def _placement(ctx: PolicyContext, inst: Instance, attr: str, wanted: str) -> list[str]:
    subnets, others = subnets_behind(ctx, inst, attr)
    problems = []
    if not subnets:
        problems.append(
            f"{inst.address}: {attr} does not come from any aws_subnet of this configuration "
            f"(references: {sorted(others) or 'none'})"
        )
    if others:
        problems.append(f"{inst.address}: {attr} also takes {sorted(others)}, not only {wanted} subnets")
    wrong = sorted({f"{s.config_address} (tier {tier(s)})" for s in subnets if tier(s) != wanted})
    if wrong:
        problems.append(f"{inst.address}: {attr} reaches non-{wanted} subnets {wrong}")
    return problems


@rule(
    "subnet-placement.lambda-private-app-subnets",
    "Subnet placement",
    "Every Lambda runs in a VPC, attached only to private app subnets",
    severity="high",
    resource_types=("aws_lambda_function", "aws_subnet"),
    twins=(
        root_twin("lambda-on-public-subnets-root", "non-app subnets", "placement"),
        plan_twin(
            "compute-wired-to-public-subnets",
            "non-app subnets",
            "prod",
            module_input("compute", "app_subnet_ids", "module.network.public_subnet_ids", "module.network"),
        ),
        plan_twin(
            "lambda-without-vpc-config",
            "no vpc_config",
            "staging",
            config_edit("module.compute.aws_lambda_function.this", lambda e: e.pop("vpc_config")),
        ),
    ),
)
def lambda_subnets(ctx: PolicyContext) -> list[str]:
    """`vpc_config.subnet_ids` of every function resolves (through module outputs) to aws_subnet.app only."""
    problems = []
    functions = ctx.of_type("aws_lambda_function")
    if not functions:
        problems.append("no aws_lambda_function planned")
    for fn in functions:
        if not ctx.is_configured(fn, "vpc_config"):
            problems.append(f"{fn.address}: no vpc_config (runs outside the VPC)")
            continue
        problems += _placement(ctx, fn, "vpc_config.subnet_ids", "app")
    return problems


@rule(
    "subnet-placement.rds-private-data-subnets",
    "Subnet placement",
    "RDS subnet groups hold only private data subnets; every instance uses one",
    severity="critical",
    resource_types=("aws_db_instance", "aws_db_subnet_group", "aws_rds_cluster", "aws_subnet"),
    twins=(
        root_twin("db-subnet-group-on-public-subnets-root", "non-data subnets", "placement"),
        plan_twin(
            "data-wired-to-app-subnets",
            "non-data subnets",
            "prod",
            module_input("data", "data_subnet_ids", "module.network.app_subnet_ids"),
        ),
    ),
)
def rds_subnets(ctx: PolicyContext) -> list[str]:
    problems = []
    groups = ctx.of_type("aws_db_subnet_group")
    for group in groups:
        problems += _placement(ctx, group, "subnet_ids", "data")
    for db in ctx.of_type("aws_db_instance", "aws_rds_cluster"):
        types = ctx.resolved_types(db, "db_subnet_group_name")
        if "aws_db_subnet_group" not in types:
            problems.append(
                f"{db.address}: db_subnet_group_name does not reference an aws_db_subnet_group "
                "(would land in the default VPC's subnets)"
            )
    return problems


@rule(
    "subnet-placement.rds-not-publicly-accessible",
    "Subnet placement",
    "RDS `publicly_accessible = false`, set explicitly",
    severity="critical",
    resource_types=("aws_db_instance",),
    twins=(root_twin("publicly-accessible-root", "publicly_accessible = True", "placement"),),
)
def rds_private(ctx: PolicyContext) -> list[str]:
    dbs = ctx.of_type("aws_db_instance")
    problems = [] if dbs else ["no aws_db_instance planned"]
    for db in dbs:
        if db.get("publicly_accessible") is not False:
            problems.append(
                f"{db.address}: publicly_accessible = {db.get('publicly_accessible')!r}, want false"
            )
    return problems


def _igw_route_tables(ctx: PolicyContext) -> set[str]:
    """Config addresses of route tables holding a route to an internet gateway."""
    tables = set()
    for route in ctx.of_type("aws_route"):
        if "aws_internet_gateway" in ctx.resolved_types(route, "gateway_id") or str(
            route.get("gateway_id") or ""
        ).startswith("igw-"):
            tables |= {a for a in ctx.resolve_attr(route, "route_table_id") if ".aws_route_table." in f".{a}"}
    for table in ctx.of_type("aws_route_table"):
        if "aws_internet_gateway" in ctx.resolved_types(table, "route.gateway_id"):
            tables.add(table.config_address)
    return tables


def _associated_subnets(ctx: PolicyContext, table_address: str) -> list[Instance]:
    subnets = []
    for assoc in ctx.of_type("aws_route_table_association"):
        if table_address in ctx.resolve_attr(assoc, "route_table_id"):
            subnets += [s for s in ctx.resolved_instances(assoc, "subnet_id") if s.type == "aws_subnet"]
    return subnets


@rule(
    "subnet-placement.private-subnets-no-igw-no-public-ip",
    "Subnet placement",
    "Private subnets: no route to an internet gateway, no public IP on launch",
    severity="high",
    resource_types=("aws_route", "aws_route_table", "aws_route_table_association", "aws_subnet"),
    twins=(
        plan_twin(
            "app-subnet-public-ip",
            "map_public_ip_on_launch",
            "prod",
            setting('module.network.aws_subnet.app["us-east-1b"]', map_public_ip_on_launch=True),
        ),
        plan_twin(
            "data-table-routes-to-igw",
            "internet gateway",
            "dev",
            config_edit(
                "module.network.aws_route.public_internet",
                lambda e: e.update(
                    route_table_id={"references": ["aws_route_table.data.id", "aws_route_table.data"]}
                ),
            ),
        ),
    ),
)
def private_subnets(ctx: PolicyContext) -> list[str]:
    problems = []
    subnets = ctx.of_type("aws_subnet")
    if not subnets:
        return ["no aws_subnet planned"]
    for subnet in subnets:
        if tier(subnet) in PRIVATE_TIERS and subnet.get("map_public_ip_on_launch") is not False:
            problems.append(
                f"{subnet.address}: map_public_ip_on_launch = "
                f"{subnet.get('map_public_ip_on_launch')!r} on a private subnet, want false"
            )
    for table in sorted(_igw_route_tables(ctx)):
        for subnet in _associated_subnets(ctx, table):
            if tier(subnet) != "public":
                problems.append(
                    f"{table} routes to an internet gateway and is associated with "
                    f"{subnet.config_address} (tier {tier(subnet)})"
                )
    return problems


# No env plans a NAT gateway (the VPC endpoints serve every AWS API): the NAT rules' twins are envs
# planned the way a VPC without interface endpoints must be.
def _nat_plan(inputs: TwinInputs, env: str, mode: str) -> Plan:
    return inputs.plan_root(
        paths.REPO / "envs" / env, {"enable_interface_endpoints": False, "nat_gateway_mode": mode}
    )


def _nat_in_app_subnet(inputs: TwinInputs) -> PolicyContext:
    plan = _nat_plan(inputs, "staging", "per_az")
    config_edit(
        "module.network.aws_nat_gateway.this",
        lambda e: e.update(subnet_id={"references": ["aws_subnet.app", "each.key"]}),
    )(plan)
    return context("staging", plan)


def _prod_with_one_nat(inputs: TwinInputs) -> PolicyContext:
    plan = _nat_plan(inputs, "prod", "per_az")
    drop(plan, lambda rc: rc["type"] == "aws_nat_gateway" and rc["index"] != "us-east-1a")
    return context("prod", plan)


@rule(
    "subnet-placement.nat-in-public-subnets",
    "Subnet placement",
    "NAT gateways, where there are any, live only in public subnets",
    severity="high",
    resource_types=("aws_nat_gateway", "aws_subnet"),
    twins=(built_twin("nat-in-app-subnet", "non-public subnets", _nat_in_app_subnet),),
)
def nat_public(ctx: PolicyContext) -> list[str]:
    problems = []
    for nat in ctx.of_type("aws_nat_gateway"):
        problems += _placement(ctx, nat, "subnet_id", "public")
    return problems


@rule(
    "subnet-placement.tiers-span-two-azs",
    "Subnet placement",
    "Every subnet tier (public, app, data) spans at least two availability zones",
    severity="medium",
    resource_types=("aws_subnet",),
    twins=(plan_twin("data-tier-in-one-zone", "tier 'data' spans", "prod", _subnets_in_one_zone("data")),),
)
def tiers_two_azs(ctx: PolicyContext) -> list[str]:
    zones: dict[str, set[str]] = defaultdict(set)
    for subnet in ctx.of_type("aws_subnet"):
        zones[tier(subnet)].add(subnet.get("availability_zone"))
    problems = [f"tier {t!r} spans {sorted(z)} only" for t, z in sorted(zones.items()) if len(z) < 2]
    missing = {"public", "app", "data"} - set(zones)
    problems += [f"no {t} subnets planned" for t in sorted(missing)]
    return problems


@rule(
    "subnet-placement.cidrs-inside-vpc-no-overlap",
    "Subnet placement",
    "Subnet CIDRs lie inside their VPC CIDR and never overlap",
    severity="medium",
    resource_types=("aws_subnet", "aws_vpc"),
    twins=(
        plan_twin(
            "overlapping-subnets",
            "overlaps",
            "dev",
            setting('module.network.aws_subnet.data["us-east-1a"]', cidr_block="10.0.2.128/25"),
        ),
        plan_twin(
            "subnet-outside-vpc",
            "outside the VPC",
            "prod",
            setting('module.network.aws_subnet.app["us-east-1c"]', cidr_block="10.1.8.0/24"),
        ),
    ),
)
def cidrs(ctx: PolicyContext) -> list[str]:
    problems = []
    vpcs = ctx.of_type("aws_vpc")
    if not vpcs:
        return ["no aws_vpc planned"]
    vpc_nets = {v.config_address: ipaddress.ip_network(v.get("cidr_block")) for v in vpcs}
    nets = []
    for subnet in ctx.of_type("aws_subnet"):
        net = ipaddress.ip_network(subnet.get("cidr_block"))
        owners = [a for a in ctx.resolve_attr(subnet, "vpc_id") if a in vpc_nets]
        if not owners:
            problems.append(f"{subnet.address}: vpc_id is not an aws_vpc of this configuration")
        for owner in owners:
            if not net.subnet_of(vpc_nets[owner]):
                problems.append(f"{subnet.address}: {net} is outside the VPC {vpc_nets[owner]}")
        nets.append((subnet.address, net))
    for i, (a, na) in enumerate(nets):
        for b, nb in nets[i + 1 :]:
            if na.overlaps(nb):
                problems.append(f"{a} ({na}) overlaps {b} ({nb})")
    return problems


# ---------------------------------------------------------------------- Multi-AZ
@rule(
    "multi-az.rds-multi-az",
    "Multi-AZ",
    "RDS runs Multi-AZ where the environment requires it (staging, prod); set explicitly everywhere",
    severity="high",
    resource_types=("aws_db_instance",),
    twins=tuple(
        plan_twin(
            f"{env}-single-az",
            "multi_az = false",
            env,
            setting("module.data.aws_db_instance.this", multi_az=False),
        )
        for env in environments_where("multi_az_required")
    ),
)
def rds_multi_az(ctx: PolicyContext) -> list[str]:
    problems = []
    dbs = ctx.of_type("aws_db_instance")
    if not dbs:
        problems.append("no aws_db_instance planned")
    for db in dbs:
        value = db.get("multi_az")
        if not isinstance(value, bool):
            problems.append(f"{db.address}: multi_az is not set explicitly ({value!r})")
        elif profile(ctx.env).multi_az_required and not value:
            problems.append(f"{db.address}: multi_az = false in {ctx.env}, which requires a standby")
    return problems


@rule(
    "multi-az.db-and-lambda-subnets-two-azs",
    "Multi-AZ",
    "The DB subnet group and every Lambda's subnets span at least two availability zones",
    severity="high",
    resource_types=("aws_db_subnet_group", "aws_lambda_function", "aws_subnet"),
    twins=(plan_twin("app-and-data-subnets-one-zone", "< 2 zones", "staging", _subnets_in_one_zone()),),
)
def subnets_two_azs(ctx: PolicyContext) -> list[str]:
    problems = []
    targets = [(g, "subnet_ids") for g in ctx.of_type("aws_db_subnet_group")]
    targets += [(f, "vpc_config.subnet_ids") for f in ctx.of_type("aws_lambda_function")]
    if not targets:
        problems.append("no DB subnet group or Lambda planned")
    for inst, attr in targets:
        subnets, _ = subnets_behind(ctx, inst, attr)
        zones = {s.get("availability_zone") for s in subnets}
        if len(zones) < 2:
            problems.append(f"{inst.address}: {attr} spans {sorted(z for z in zones if z)} (< 2 zones)")
    return problems


@rule(
    "multi-az.prod-nat-per-az",
    "Multi-AZ",
    "NAT gateways, where there are any, are one per availability zone, each app route table "
    "using its own zone's NAT",
    severity="medium",
    resource_types=("aws_nat_gateway", "aws_subnet"),
    envs=environments_where("nat_per_az_required"),
    twins=(
        built_twin("prod-single-nat", "without their own NAT", _prod_with_one_nat),
        built_twin(
            "dev-layout-as-prod",
            "NAT gateway(s) for 2 zones",
            lambda inputs: context("prod", _nat_plan(inputs, "dev", "single")),
        ),
    ),
)
def nat_per_az(ctx: PolicyContext) -> list[str]:
    nats = ctx.of_type("aws_nat_gateway")
    if not nats:
        return []
    app_zones = {s.get("availability_zone") for s in ctx.of_type("aws_subnet") if tier(s) == "app"}
    problems = []
    if len(nats) < len(app_zones):
        problems.append(f"{len(nats)} NAT gateway(s) for {len(app_zones)} zones {sorted(app_zones)}")
    nat_zones = set()
    for nat in nats:
        zones = {s.get("availability_zone") for s in subnets_behind(ctx, nat, "subnet_id")[0]}
        # subnet_id = aws_subnet.public[each.key]: the for_each key names the NAT's zone.
        if nat.index in zones:
            nat_zones.add(nat.index)
        elif len(zones) == 1:
            nat_zones |= zones
        else:
            problems.append(
                f"{nat.address}: cannot tell its zone (key {nat.index!r}, subnets in {sorted(zones)})"
            )
    missing = app_zones - nat_zones
    if missing:
        problems.append(f"zones without their own NAT gateway: {sorted(missing)}")
    return problems
