"""SmartStack policy suite: security and availability rules evaluated on Terraform plan JSON.

Used by the tests (tests/policy), `make plan` (verdict line per environment) and `make check`
(build/reports/policy.md and policy-junit.xml). See engine.py for how rules read a plan.
"""

from __future__ import annotations

from . import rules_contracts, rules_iam, rules_network, rules_protection  # noqa: F401  (registers rules)
from .engine import ENVIRONMENTS, RULES, PolicyContext, Result, Rule, evaluate, policy_documents

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


def context_for_env(env: str, plan: dict) -> PolicyContext:
    from .engine import REPO

    return PolicyContext(plan, env, REPO / "envs" / env)


def verdict(results: list[Result]) -> str:
    failed = [r.rule.id for r in results if not r.passed]
    line = f"policy: {len(results) - len(failed)}/{len(results)} rules passed"
    return line + (f", FAILED: {', '.join(failed)}" if failed else "")
