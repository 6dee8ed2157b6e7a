"""SmartStack policy suite: security and availability rules evaluated on Terraform plan JSON.

Used by the tests (tests/policy), `make plan` (verdict line per environment) and `make check`
(build/reports/policy.md and policy-junit.xml). See engine.py for how rules read a plan.
"""

from __future__ import annotations

from . import rules_contracts, rules_delivery, rules_iam, rules_network, rules_protection, rules_release  # noqa: F401  (registers rules)
from .engine import (
    ENVIRONMENTS,
    RULES,
    PolicyContext,
    Result,
    Rule,
    context_for_env,
    evaluate,
    policy_documents,
    verdict,
)

__all__ = [
    "ENVIRONMENTS",
    "RULES",
    "PolicyContext",
    "Result",
    "Rule",
    "context_for_env",
    "evaluate",
    "policy_documents",
    "verdict",
]
