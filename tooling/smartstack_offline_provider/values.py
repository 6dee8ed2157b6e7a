"""Terraform values on the wire (cty msgpack) and what the stand-in plans and reads.

The stand-in behaves like a provider that has never created anything: a planned create keeps every
configured value, leaves computed values unknown, and fills the few values the real AWS provider v6
knows at plan time (``region`` from the provider, ``tags_all`` from ``default_tags`` + ``tags``).
Data sources answer with type-correct values, realistic for the identity/region/partition/AZ ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import msgpack

# cty's msgpack encoding marks an unknown value with extension type 0.
UNKNOWN = msgpack.ExtType(0, b"")


def is_unknown(value: Any) -> bool:
    return isinstance(value, msgpack.ExtType) and value.code == 0


def decode(raw: bytes) -> Any:
    if not raw:
        return None
    return msgpack.unpackb(raw, raw=False, strict_map_key=False)


def encode(value: Any) -> bytes:
    return msgpack.packb(value, use_bin_type=True)


@dataclass
class ProviderSettings:
    """What ConfigureProvider learned, used to fill plan-time-known values."""

    region: str = "us-east-1"
    account_id: str = "123456789012"
    default_tags: dict[str, str] = field(default_factory=dict)

    @property
    def partition(self) -> str:
        if self.region.startswith("cn-"):
            return "aws-cn"
        if self.region.startswith("us-gov-"):
            return "aws-us-gov"
        return "aws"

    @property
    def dns_suffix(self) -> str:
        return "amazonaws.com.cn" if self.partition == "aws-cn" else "amazonaws.com"


def _known_string_map(value: Any) -> dict[str, str] | None:
    if value is None:
        return {}
    if is_unknown(value) or not isinstance(value, dict):
        return None
    if any(is_unknown(v) or v is None for v in value.values()):
        return None
    return dict(value)


def plan_block(block: dict[str, Any], proposed: Any, settings: ProviderSettings, top: bool) -> Any:
    """Planned new state for a create: computed-and-unset becomes unknown, recursively."""
    if proposed is None or is_unknown(proposed):
        return proposed
    planned = dict(proposed)
    for name, attr in block.get("attributes", {}).items():
        if planned.get(name) is not None or not attr.get("computed"):
            continue
        if top and name == "region" and attr.get("optional"):
            planned[name] = settings.region
        else:
            planned[name] = UNKNOWN
    if top and "tags_all" in block.get("attributes", {}) and planned.get("tags_all") is UNKNOWN:
        tags = _known_string_map(proposed.get("tags"))
        if tags is not None:
            planned["tags_all"] = {**settings.default_tags, **tags}
    for name, spec in block.get("block_types", {}).items():
        value = planned.get(name)
        if value is None or is_unknown(value):
            continue
        inner = spec["block"]
        if spec["nesting_mode"] == "single":
            planned[name] = plan_block(inner, value, settings, top=False)
        elif spec["nesting_mode"] == "map":
            planned[name] = {k: plan_block(inner, v, settings, False) for k, v in value.items()}
        else:
            planned[name] = [plan_block(inner, v, settings, top=False) for v in value]
    return planned


# ---- data sources -----------------------------------------------------------------------------

_AZ_COUNTS = {"us-east-1": 6, "us-west-1": 2, "ap-northeast-1": 3}
_REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "Europe (Ireland)",
    "eu-central-1": "Europe (Frankfurt)",
}
_AZ_ID_PREFIX = {
    "us-east-1": "use1",
    "us-east-2": "use2",
    "us-west-2": "usw2",
    "eu-west-1": "euw1",
    "eu-central-1": "euc1",
}


def placeholder(cty_type: Any, name: str, settings: ProviderSettings, data_type: str) -> Any:
    """A type-correct, recognisably offline value for a computed attribute of a data source."""
    if cty_type == "string":
        if name == "arn" or name.endswith("_arn"):
            service = data_type.removeprefix("aws_").split("_", 1)[0]
            return (
                f"arn:{settings.partition}:{service}:{settings.region}:{settings.account_id}:offline/{name}"
            )
        if name in ("region", "region_name"):
            return settings.region
        if name in ("account_id", "owner_id"):
            return settings.account_id
        if name == "id":
            return f"offline-{data_type.removeprefix('aws_')}"
        return f"offline-{name}"
    if cty_type == "number":
        return 0
    if cty_type == "bool":
        return False
    if cty_type == "dynamic":
        return None
    kind, inner = cty_type
    if kind in ("list", "set"):
        return []
    if kind == "map":
        return {}
    if kind == "object":
        return {k: placeholder(t, k, settings, data_type) for k, t in inner.items()}
    if kind == "tuple":
        return [placeholder(t, name, settings, data_type) for t in inner]
    raise ValueError(f"unknown cty type {cty_type!r}")


def _special_values(data_type: str, config: dict[str, Any], settings: ProviderSettings) -> dict[str, Any]:
    account, region, partition = settings.account_id, settings.region, settings.partition
    if data_type == "aws_caller_identity":
        return {
            "id": account,
            "account_id": account,
            "arn": f"arn:{partition}:sts::{account}:assumed-role/offline-plan/smartstack",
            "user_id": "AROAOFFLINEPLANSTANDIN:smartstack",
        }
    if data_type == "aws_region":
        name = config.get("region") or config.get("name") or region
        return {
            "id": name,
            "name": name,
            "region": name,
            "description": _REGION_NAMES.get(name, name),
            "endpoint": f"ec2.{name}.{settings.dns_suffix}",
        }
    if data_type == "aws_partition":
        return {
            "id": partition,
            "partition": partition,
            "dns_suffix": settings.dns_suffix,
            "reverse_dns_prefix": ".".join(reversed(settings.dns_suffix.split("."))),
        }
    if data_type == "aws_availability_zones":
        count = _AZ_COUNTS.get(region, 3)
        letters = "abcdefghij"[:count]
        prefix = _AZ_ID_PREFIX.get(region, region.replace("-", "")[:4])
        return {
            "id": region,
            "names": [f"{region}{x}" for x in letters],
            "zone_ids": [f"{prefix}-az{i + 1}" for i in range(count)],
            "group_names": [region],
        }
    if data_type == "aws_vpc_endpoint_service":
        # AWS services offer their interface endpoints in every zone of the regions modelled here.
        short = config.get("service") or str(config.get("service_name") or "").rsplit(".", 1)[-1]
        name = config.get("service_name") or f"com.amazonaws.{region}.{short}"
        zones = _special_values("aws_availability_zones", {}, settings)["names"]
        return {
            "id": name,
            "service_name": name,
            "service": short,
            "service_type": config.get("service_type") or "Interface",
            "availability_zones": zones,
            "base_endpoint_dns_names": [f"{short}.{region}.{settings.dns_suffix}"],
            "private_dns_name": f"{short}.{region}.{settings.dns_suffix}",
            "owner": "amazon",
            "acceptance_required": False,
            "manages_vpc_endpoints": False,
            "vpc_endpoint_policy_supported": True,
            "region": region,
        }
    return {}


def read_data_source(
    data_type: str, block: dict[str, Any], config: dict[str, Any], settings: ProviderSettings
) -> dict[str, Any]:
    state = dict(config)
    special = _special_values(data_type, config, settings)
    for name, attr in block.get("attributes", {}).items():
        if state.get(name) is not None or not attr.get("computed"):
            continue
        state[name] = special.get(name, placeholder(attr["type"], name, settings, data_type))
    if "tags" in block.get("attributes", {}) and state.get("tags") is None:
        state["tags"] = {}
    return state
