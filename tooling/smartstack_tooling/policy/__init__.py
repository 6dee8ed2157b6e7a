"""SmartStack policy suite: security and availability rules evaluated on Terraform plan JSON.

Used by the tests (tests/policy), `make plan` (verdict line per environment) and `make check`
(build/reports/policy.md and policy-junit.xml). See engine.py for how rules read a plan.
"""

from __future__ import annotations

from . import (  # noqa: F401  (registers rules)
    rules_ci_access,
    rules_contracts,
    rules_delivery,
    rules_iam,
    rules_network,
    rules_protection,
    rules_release,
    rules_throughput,
)
from .engine import (
    ENV_ROOT,
    ENVIRONMENTS,
    RULES,
    PolicyContext,
    Result,
    Rule,
    context_for_env,
    context_for_root,
    evaluate,
    policy_documents,
    rules_of,
    verdict,
)

__all__ = [
    "ENVIRONMENTS",
    "ENV_ROOT",
    "RULES",
    "PolicyContext",
    "Result",
    "Rule",
    "context_for_env",
    "context_for_root",
    "evaluate",
    "policy_documents",
    "rules_of",
    "verdict",
]
