"""Monthly cost estimate of an environment from its plan JSON and a price table (`pricing/<region>.json`).

Only what the plan decides is priced: hourly resources (NAT gateways, public IPv4 addresses, the RDS
instance, interface endpoints per zone), per-resource monthly fees (KMS keys, alarms, secrets, WAF,
hosted zones), RDS storage, and two baseline-usage items whose assumptions are stated in the price file
and identical for every environment (log ingestion/retention, RDS backup storage beyond the free
allowance). Request-based charges are listed with their unit prices and not added to the total.

`make cost` prints the table per environment and writes build/reports/cost.md; `make plan` prints one
line per environment (``one_line``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..paths import PLANS, PRICING, REPO, REPORTS
from ..planview import PlannedResource, PlanView
from ..profiles import ENVIRONMENTS

DEFAULT_REGION = "us-east-1"


@dataclass(frozen=True)
class Line:
    item: str
    quantity: float
    unit: str
    unit_price: float
    monthly: float


@dataclass
class Estimate:
    env: str
    region: str
    as_of: str
    lines: list[Line] = field(default_factory=list)
    unpriced: list[str] = field(default_factory=list)  # things in the plan the table has no price for
    not_included: list[str] = field(default_factory=list)  # request-based charges, listed only

    @property
    def total(self) -> float:
        return round(sum(line.monthly for line in self.lines), 2)


def load_prices(region: str = DEFAULT_REGION, path: Path | None = None) -> dict[str, Any]:
    path = path or PRICING / f"{region}.json"
    if not path.exists():
        raise FileNotFoundError(f"no price table for region {region}: expected {path.relative_to(REPO)}")
    return json.loads(path.read_text())


def _zones(resources: Sequence[PlannedResource]) -> int:
    zones = {r.after.get("availability_zone") for r in resources if r.type == "aws_subnet"}
    zones.discard(None)
    return len(zones) or 1


def _plan_region(view: PlanView) -> str:
    config = view.raw.get("configuration", {})
    region = config.get("provider_config", {}).get("aws", {}).get("expressions", {}).get("region", {})
    if "constant_value" in region:
        return region["constant_value"]
    return view.variable("region") or DEFAULT_REGION


def estimate(plan: Mapping[str, Any], env: str = "", prices: dict[str, Any] | None = None) -> Estimate:
    """Price one plan. ``prices`` defaults to the table of the plan's region."""
    view = PlanView(plan)
    prices = prices or load_prices(_plan_region(view))
    p, usage, hours = prices["prices"], prices["baseline_usage"], prices["hours_per_month"]
    est = Estimate(env=env, region=prices["region"], as_of=prices["as_of"])
    resources = view.resources
    by_type: dict[str, list[PlannedResource]] = {}
    for r in resources:
        by_type.setdefault(r.type, []).append(r)

    def add(item: str, quantity: float, unit: str, unit_price: float) -> None:
        if quantity:
            est.lines.append(Line(item, quantity, unit, unit_price, round(quantity * unit_price, 2)))

    nats = by_type.get("aws_nat_gateway", [])
    public_nats = [n for n in nats if n.after.get("connectivity_type") in (None, "public")]
    add("NAT gateway hours", len(nats) * hours, "gateway-hour", p["nat_gateway_hour"])
    eips = len(by_type.get("aws_eip", [])) or len(public_nats)
    add("Public IPv4 addresses (Elastic IPs)", eips * hours, "address-hour", p["public_ipv4_address_hour"])

    az_hours = 0
    for endpoint in by_type.get("aws_vpc_endpoint", []):
        after = endpoint.after
        if after.get("vpc_endpoint_type") != "Interface":
            continue  # gateway endpoints (S3, DynamoDB) are free
        subnets = after.get("subnet_ids")
        az_hours += (len(subnets) if isinstance(subnets, list) else _zones(resources)) * hours
    add("Interface VPC endpoints", az_hours, "endpoint-AZ-hour", p["vpc_interface_endpoint_az_hour"])

    rds_instance_prices = p["rds_postgres_single_az_instance_hour"]
    managed_secrets = 0
    for db in by_type.get("aws_db_instance", []):
        after = db.after
        klass, multi_az = after.get("instance_class"), bool(after.get("multi_az"))
        factor = p["rds_multi_az_factor"] if multi_az else 1
        label = f"{'Multi-AZ' if multi_az else 'Single-AZ'}"
        if klass in rds_instance_prices:
            add(f"RDS {klass} {label}", hours, "instance-hour", round(rds_instance_prices[klass] * factor, 4))
        else:
            est.unpriced.append(f"RDS instance class {klass} (add it to pricing/{est.region}.json)")
        storage_type = after.get("storage_type") or "gp2"
        gb = after.get("allocated_storage") or 0
        storage_prices = p["rds_storage_gb_month_single_az"]
        if storage_type in storage_prices:
            add(
                f"RDS {storage_type} storage {label}",
                gb,
                "GB-month",
                round(storage_prices[storage_type] * factor, 4),
            )
        else:
            est.unpriced.append(f"RDS storage type {storage_type}")
        retention = after.get("backup_retention_period") or 0
        # Backup storage up to the database size is free; the rest grows with daily changes x retention.
        backup_gb = round(gb * usage["rds_backup_daily_change_fraction"] * retention, 2)
        add(
            f"RDS backup storage ({retention} days, baseline)",
            backup_gb,
            "GB-month",
            p["rds_backup_storage_gb_month"],
        )
        if (after.get("performance_insights_retention_period") or 7) > 7:
            est.unpriced.append("RDS Performance Insights retention beyond the free 7 days")
        if after.get("manage_master_user_password"):
            managed_secrets += 1

    add("KMS customer managed keys", len(by_type.get("aws_kms_key", [])), "key-month", p["kms_key_month"])
    alarms = by_type.get("aws_cloudwatch_metric_alarm", [])
    high_res = sum(1 for a in alarms if (a.after.get("period") or 60) < 60)
    add(
        "CloudWatch alarms (standard resolution)",
        len(alarms) - high_res,
        "alarm-month",
        p["cloudwatch_alarm_month"]["standard"],
    )
    add(
        "CloudWatch alarms (high resolution)",
        high_res,
        "alarm-month",
        p["cloudwatch_alarm_month"]["high_resolution"],
    )
    secrets = len(by_type.get("aws_secretsmanager_secret", [])) + managed_secrets
    add(
        "Secrets Manager secrets (incl. RDS-managed master secret)"
        if managed_secrets
        else "Secrets Manager secrets",
        secrets,
        "secret-month",
        p["secretsmanager_secret_month"],
    )
    acls = by_type.get("aws_wafv2_web_acl", [])
    add("WAF web ACLs", len(acls), "ACL-month", p["wafv2_web_acl_month"])
    add(
        "WAF rules and managed rule groups",
        sum(len(a.after.get("rule") or []) for a in acls),
        "rule-month",
        p["wafv2_rule_month"],
    )
    add(
        "Route 53 hosted zones",
        len(by_type.get("aws_route53_zone", [])),
        "zone-month",
        p["route53_hosted_zone_month"],
    )

    log_groups = by_type.get("aws_cloudwatch_log_group", [])
    ingest = usage["log_ingest_gb_per_log_group_month"]
    add(
        f"CloudWatch Logs ingestion ({len(log_groups)} groups x {ingest:g} GB, baseline)",
        len(log_groups) * ingest,
        "GB",
        p["cloudwatch_logs_ingest_gb"],
    )
    # Steady state: a group keeps retention/30.4 months of ingestion (never-expiring groups: one year).
    stored = sum(ingest * min(g.after.get("retention_in_days") or 365, 3653) / 30.4 for g in log_groups)
    add(
        "CloudWatch Logs storage at steady state (baseline)",
        round(stored, 2),
        "GB-month",
        p["cloudwatch_logs_storage_gb_month"],
    )

    for key, text in prices.get("usage_based_not_included", {}).items():
        if not key.startswith("aws_") or key in by_type:
            est.not_included.append(text)
    return est


def one_line(est: Estimate) -> str:
    extra = f"; unpriced: {', '.join(est.unpriced)}" if est.unpriced else ""
    return (
        f"   cost: ~${est.total:,.2f}/month fixed + baseline ({est.region} list prices as of {est.as_of}; "
        f"request-based charges not included{extra})"
    )


def table(est: Estimate) -> str:
    lines = [
        f"### {est.env}: ~${est.total:,.2f} per month",
        "",
        "| item | quantity | unit | unit price (USD) | monthly (USD) |",
        "|---|---:|---|---:|---:|",
    ]
    for line in est.lines:
        lines.append(
            f"| {line.item} | {line.quantity:,.2f} | {line.unit} | {line.unit_price:g} "
            f"| {line.monthly:,.2f} |"
        )
    lines.append(f"| **total** | | | | **{est.total:,.2f}** |")
    if est.unpriced:
        lines += ["", "Not priced (no entry in the table): " + "; ".join(est.unpriced)]
    return "\n".join(lines)


def report(estimates: list[Estimate], prices: dict[str, Any]) -> str:
    usage = prices["baseline_usage"]
    head = [
        "# Monthly cost estimate per environment",
        "",
        f"Region {prices['region']}, {prices['currency']}, on-demand list prices as of {prices['as_of']} "
        f"(`pricing/{prices['region']}.json`, {prices['hours_per_month']} hours per month). "
        "List prices to verify; no free tier, Savings Plans or Reserved Instances.",
        "",
        "Baseline usage, the same for every environment: "
        f"{usage['log_ingest_gb_per_log_group_month']:g} GB of logs per log group per month; "
        f"RDS backups change {usage['rds_backup_daily_change_fraction']:.0%} of "
        "the allocated storage per day (backup storage up to the database size is free).",
        "",
        "| environment | monthly (USD) |",
        "|---|---:|",
    ]
    head += [f"| {e.env} | {e.total:,.2f} |" for e in estimates]
    body = [table(e) for e in estimates]
    excluded = sorted({t for e in estimates for t in e.not_included})
    tail = ["## Request-based charges (not included)", ""] + [f"- {t}" for t in excluded]
    return "\n".join(head) + "\n\n" + "\n\n".join(body) + "\n\n" + "\n".join(tail) + "\n"


def write_report(estimates: list[Estimate], prices: dict[str, Any]) -> Path:
    """build/reports/cost.md (the policy report links or embeds it when present)."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    path = REPORTS / "cost.md"
    path.write_text(report(estimates, prices))
    return path


def main(argv: list[str]) -> int:
    """`make cost`: price build/plans/<env>.json (run `make plan` first)."""
    envs = argv or list(ENVIRONMENTS)
    estimates = []
    for env in envs:
        path = PLANS / f"{env}.json"
        if not path.exists():
            print(
                f"{path.relative_to(REPO)} is missing: run `make plan` (or ENV={env} make plan) first",
                file=sys.stderr,
            )
            return 1
        estimates.append(estimate(json.loads(path.read_text()), env))
    prices = load_prices(estimates[0].region)
    text = report(estimates, prices)
    print(text)
    print(f"written to {write_report(estimates, prices).relative_to(REPO)}")
    return 0
