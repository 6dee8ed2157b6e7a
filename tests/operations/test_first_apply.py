"""A first apply on a fresh account: the dns tier, a stop that says what to delegate, then the rest."""

from __future__ import annotations

import json

import pytest
from smartstack_tooling import paths
from smartstack_tooling.operations import apply
from smartstack_tooling.profiles import ENVIRONMENTS, profile

from .test_apply_guards import REAL, RecordingTerraform, crafted_plan

NAME_SERVERS = ["ns-1.awsdns-01.org", "ns-2.awsdns-02.com"]
OUTPUTS = {"name_servers": NAME_SERVERS, "dnssec_ds_record": "12345 13 2 ABCDEF"}


def no_release(*_args: object) -> int:
    """These tests are about the DNS sequence; the release has its own (test_apply_guards, test_release)."""
    return 0


def fresh_account_plan(domain: str) -> dict:
    plan = crafted_plan(
        (apply.ZONE_ADDRESS, "aws_route53_zone", ["create"]),
        ("module.edge.aws_acm_certificate_validation.cdn", "aws_acm_certificate_validation", ["create"]),
        ("module.edge.aws_cloudfront_distribution.this", "aws_cloudfront_distribution", ["create"]),
    )
    plan["variables"] = {"domain_name": {"value": domain}}
    return plan


def zone_exists_plan(domain: str) -> dict:
    plan = fresh_account_plan(domain)
    plan["resource_changes"] = plan["resource_changes"][1:]
    return plan


def run(env: str, plan: dict, extra: dict | None = None) -> tuple[int, RecordingTerraform, str]:
    terraform, lines = RecordingTerraform(plan, OUTPUTS), []
    code = apply.run(
        env,
        environ={**REAL, "CONFIRM": env, **(extra or {})},
        caller=lambda: apply.tfvars_account_id(env),
        terraform=terraform,
        package=lambda: None,
        ask=None,
        interactive=False,
        out=lines.append,
        find_placeholders=lambda _env: [],  # the repo's tfvars are placeholders: tested on their own
        judge=lambda _env, _plan: [],  # crafted plans: the policy guard is tested on its own
        deploy_steps=[no_release],
    )
    return code, terraform, "\n".join(lines)


# One environment on a subdomain (delegated from its parent zone) and the one on the apex (registrar).
DELEGATION_CASES = [
    next(env for env in ENVIRONMENTS if not profile(env).apex_domain),
    next(env for env in ENVIRONMENTS if profile(env).apex_domain),
]


@pytest.mark.parametrize("env", DELEGATION_CASES)
def test_a_fresh_account_gets_the_dns_tier_then_a_delegation_stop(env):
    domain = "smartstack.example.com" if profile(env).apex_domain else f"{env}.smartstack.example.com"
    code, terraform, output = run(env, fresh_account_plan(domain))
    assert code == apply.EXIT_DELEGATE, output
    targeted = [c for c in terraform.calls if "-target=module.dns" in c]
    assert [c[0] for c in targeted] == ["plan"], "only the dns tier is planned for the first apply"
    applied = [c[-1] for c in terraform.calls if c[0] == "apply"]
    assert applied == [targeted[0][-1].removeprefix("-out=")], "the targeted plan, never the full one"
    assert "STOPPED FOR DELEGATION" in output and f"DELEGATED=1 make apply ENV={env}" in output
    for ns in NAME_SERVERS:
        assert ns in output
    assert "12345 13 2 ABCDEF" in output


def test_dev_is_delegated_from_its_parent_zone_and_prod_at_the_registrar():
    dev = apply.delegation_records("dev", "dev.smartstack.example.com", OUTPUTS)
    assert "parent zone smartstack.example.com" in dev
    assert "dev.smartstack.example.com. 300 IN NS ns-1.awsdns-01.org." in dev
    prod = apply.delegation_records("prod", "smartstack.example.com", OUTPUTS)
    assert "registrar of smartstack.example.com" in prod and "  ns-2.awsdns-02.com." in prod


def test_the_rest_waits_for_the_delegation_to_be_confirmed():
    code, terraform, output = run("dev", zone_exists_plan("dev.smartstack.example.com"))
    assert code == apply.EXIT_REFUSED and "DELEGATION GUARD" in output
    assert "apply" not in terraform.commands


def test_once_delegated_the_saved_full_plan_is_applied():
    code, terraform, output = run("dev", zone_exists_plan("dev.smartstack.example.com"), {"DELEGATED": "1"})
    assert code == apply.EXIT_APPLIED, output
    assert [c[-1] for c in terraform.calls if c[0] == "apply"] == [str(apply.APPLY_DIR / "dev.tfplan")]


def test_later_applies_need_no_delegation_flag():
    plan = crafted_plan(("module.compute.aws_lambda_function.this", "aws_lambda_function", ["create"]))
    code, _, output = run("staging", plan)
    assert code == apply.EXIT_APPLIED, output


@pytest.mark.parametrize("mode", ["offline", "local"])
def test_the_dns_tier_plans_on_its_own_with_both_providers(mode, request):
    """What the first apply applies: -target=module.dns plans the zone, its logging and signing only."""
    from smartstack_tooling.harness import plan_store, roots

    endpoint = None
    if mode == "local":
        endpoint = request.getfixturevalue("local_emulators")["dev"].url
    root = roots.prepare(paths.ENVS / "dev", mode, endpoint=endpoint, label="test-dns-tier")
    planned = plan_store.plan(root, ["-target=module.dns"]).plan
    addresses = {c["address"] for c in planned["resource_changes"]}
    assert apply.ZONE_ADDRESS in addresses
    assert {a.split(".")[1] for a in addresses} == {"dns"}, "nothing outside the dns tier"
    assert "name_servers" in planned["planned_values"]["outputs"]


class PropagationRace(RecordingTerraform):
    """The first apply fails as Route 53 does when the query-log resource policy has not propagated."""

    def __init__(self, plan: dict, outputs: dict | None = None, error: str = "") -> None:
        super().__init__(plan, outputs)
        self.error, self.applies = error, 0

    def __call__(self, args, cwd, env, capture):
        if args[0] == "apply":
            self.applies += 1
            if self.applies == 1:
                super().__call__(args, cwd, env, capture)
                raise apply.planning.TerraformFailed(f"terraform apply failed\nError: {self.error}")
        return super().__call__(args, cwd, env, capture)


def run_racing(error: str, plan: dict) -> tuple[int, PropagationRace, str, list[float]]:
    terraform, lines, slept = PropagationRace(plan, OUTPUTS, error), [], []
    code = apply.run(
        "dev",
        environ={**REAL, "CONFIRM": "dev", "DELEGATED": "1"},
        caller=lambda: apply.tfvars_account_id("dev"),
        terraform=terraform,
        package=lambda: None,
        ask=None,
        interactive=False,
        out=lines.append,
        find_placeholders=lambda _env: [],
        judge=lambda _env, _plan: [],
        sleep=slept.append,
        deploy_steps=[no_release],
    )
    return code, terraform, "\n".join(lines), slept


def test_a_query_logging_propagation_race_is_planned_again_and_applied_once_more():
    error = "creating Route53 query logging: InsufficientCloudWatchLogsResourcePolicy: ..."
    code, terraform, output, slept = run_racing(error, zone_exists_plan("dev.smartstack.example.com"))
    assert code == apply.EXIT_APPLIED, output
    assert terraform.commands.count("apply") == 2 and terraform.commands.count("plan") == 2
    assert slept == [apply.RETRY_DELAY_SECONDS] and "had not propagated yet" in output


def test_any_other_apply_error_is_not_retried():
    code, terraform, _, slept = run_racing("AccessDenied", zone_exists_plan("dev.smartstack.example.com"))
    assert code == apply.EXIT_TERRAFORM and terraform.commands.count("apply") == 1 and slept == []


def test_a_retry_never_applies_what_was_not_confirmed(monkeypatch):
    first = zone_exists_plan("dev.smartstack.example.com")
    grown = json.loads(json.dumps(first))
    grown["resource_changes"].append(
        {"address": "module.x.aws_s3_bucket.new", "type": "aws_s3_bucket", "mode": "managed",
         "change": {"actions": ["create"], "after": {}, "after_unknown": {}}}
    )  # fmt: skip
    terraform = PropagationRace(first, OUTPUTS, "InsufficientCloudWatchLogsResourcePolicy")
    shows = iter([first, grown])  # the confirmed plan, then the re-plan after the race
    original = terraform.__call__

    def answer(args, cwd, env, capture):
        if args[0] == "show":
            terraform.calls.append(args)
            return json.dumps(next(shows, grown))
        return original(args, cwd, env, capture)

    lines: list[str] = []
    code = apply.run(
        "dev", environ={**REAL, "CONFIRM": "dev", "DELEGATED": "1"},
        caller=lambda: apply.tfvars_account_id("dev"), terraform=answer, package=lambda: None, ask=None,
        interactive=False, out=lines.append, find_placeholders=lambda _env: [], sleep=lambda _s: None,
        judge=lambda _env, _plan: [],
    )  # fmt: skip
    assert code == apply.EXIT_REFUSED and "module.x.aws_s3_bucket.new" in "\n".join(lines)
    assert terraform.commands.count("apply") == 1
