"""The environments and what makes each one dev, staging or prod, read from envs/profiles.json: the same
file the env roots' variable validations read (envs/common/main.tf, local.profile). Nothing in the
package is imported here, so everything may import this."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path

PROFILES_FILE = Path(__file__).resolve().parents[2] / "envs" / "profiles.json"


@dataclass(frozen=True)
class Profile:
    name: str
    multi_az_required: bool
    nat_per_az_required: bool  # where NAT gateways exist: one per zone, never a single shared one
    non_burstable_db_required: bool
    reserved_concurrency_required: bool
    gradual_release_required: bool  # releases shift traffic by canary or linear steps, never all at once
    log_retention_floor_days: int
    access_log_retention_floor_days: int
    rds_backup_retention_floor_days: int
    kms_deletion_window_floor_days: int
    secret_recovery_window_floor_days: int
    database_protected: bool  # RDS deletion protection and a final snapshot
    prevent_destroy_required: bool  # stateful resources carry lifecycle { prevent_destroy = true }
    waf_required: bool  # CloudFront managed rule groups and the API stage's web ACL
    apply_confirmation_required: bool  # `make apply` asks for the environment's name first
    apex_domain: bool  # owns the apex domain; the others live on <env>.<apex>
    # The API stage's throttle (every method's rate and burst) must lie within these bounds (policy rule
    # contract.api-throttled-within-profile): above the load the environment must serve, below what it
    # is sized and paid for.
    api_throttling_rate_floor_rps: int
    api_throttling_rate_ceiling_rps: int
    api_throttling_burst_ceiling: int
    # The API function's mean duration the admission is sized for (Little's law, policy rule
    # contract.admission-fits-capacity); the API's p90 latency alarm threshold, not its 29 s timeout.
    api_design_duration_ms: int


def load(path: Path = PROFILES_FILE) -> dict[str, Profile]:
    """The profiles in file order; a missing or extra key is an error naming the environment."""
    document = json.loads(path.read_text())
    expected = {f.name for f in fields(Profile)} - {"name"}
    profiles = {}
    for name, values in document["environments"].items():
        if set(values) != expected:
            raise ValueError(
                f"{path}: {name} has keys {sorted(set(values) - expected)} unknown"
                f" and {sorted(expected - set(values))} missing"
            )
        profiles[name] = Profile(name=name, **values)
    return profiles


PROFILES = load()
ENVIRONMENTS: tuple[str, ...] = tuple(PROFILES)


def profile(env: str) -> Profile:
    return PROFILES[env]


def environments_where(requirement: str) -> tuple[str, ...]:
    """The environments whose profile sets ``requirement`` (a boolean field), in file order."""
    return tuple(name for name, values in PROFILES.items() if getattr(values, requirement) is True)
