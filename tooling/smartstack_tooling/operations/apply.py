"""`make apply ENV=<env>`: the guarded apply of one environment.

Steps, in order; any guard that refuses stops the run before anything is changed:

0. real mode: no placeholder left in envs/<env>/terraform.tfvars or backend.hcl (placeholders.py);
1. package the Lambda zips (byte-identical for identical sources);
2. account guard, BEFORE planning: the caller's account (real mode: STS GetCallerIdentity through
   boto3; offline: ``SMARTSTACK_OFFLINE_ACCOUNT_ID`` or the environment's own account, as the stand-in
   does) must equal ``account_id`` in envs/<env>/terraform.tfvars;
3. init (real mode: in place with the S3 backend, ``-backend-config=backend.hcl``; offline: the staged
   copy with a local backend) and plan to a saved plan file, build/apply/<env>.tfplan;
4. show the summary, the cost line and the policy verdict;
5. destroy guard: refuse a plan that deletes or replaces a stateful resource (RDS, S3 buckets, KMS keys,
   secrets, hosted zones, queues, log groups, ...) unless ``ALLOW_DESTROY=1``;
6. offline (the default provider mode): stop here, exit 3, with OFFLINE_STOP;
7. confirmation for protected environments (prod): ``CONFIRM=prod`` or the environment's name typed at
   the prompt;
8. ``terraform apply <saved plan>``: exactly the plan shown, nothing re-planned;
9. the deploy steps, in order, each stopping the ones after it when it fails:
   a. set-secrets (set_secrets.py): each application key without a value gets one from Secrets
      Manager's GetRandomPassword;
   b. migrate (migrate.py): the migrate function applies the pending schema migrations (exit 6 if one
      fails: nothing is released);
   c. publish-web (publish_web.py): on a first deploy, the placeholder site web/, so the site answers;
   d. release (release.py): each function alias whose version the apply replaced is shifted to it by a
      CodeDeploy deployment (canary in staging and prod) that rolls back when the function's alarms fire.

After the confirmation, a plan that creates the hosted zone (a fresh account) applies the dns tier only
(``-target=module.dns``) and stops with the records to delegate (exit 4); once delegated,
``DELEGATED=1`` lets a plan that still validates ACM certificates through (the delegation guard).

Exit codes: 0 applied and released, 1 Terraform or the release failed, 2 refused by a guard, 3 stopped
before apply (offline), 4 stopped for delegation (first apply), 5 applied but the release was rolled back
by an alarm (the aliases stay on their previous versions), 6 applied but a migration failed (nothing
released).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from smartstack_offline_provider import OFFLINE_ACCOUNT_ENV

from .. import paths, policy
from ..harness import placeholders, roots
from ..harness.placeholders import Refused, tfvars_account_id
from ..planview import PlanView
from ..profiles import environments_where, profile
from ..reports import cost
from ..reports import plan as planning
from ..stateful import DESTROY_GUARDED
from . import migrate, publish_web, release, saved_plan, set_secrets
from .package_functions import main as package_main

APPLY_DIR = paths.BUILD / "apply"
PROTECTED = frozenset(environments_where("apply_confirmation_required"))  # asked to confirm by name
OFFLINE_STOP = (
    "STOPPED BEFORE APPLY: the offline stand-in provider is in use (SMARTSTACK_PROVIDER=offline, the "
    "default). Offline plans create nothing, so there is nothing to apply. The plan above is saved at "
    "{plan_file}. To apply for real, use credentials for account {account} and run: "
    "SMARTSTACK_PROVIDER=real make apply ENV={env}"
)
EXIT_APPLIED, EXIT_TERRAFORM, EXIT_REFUSED, EXIT_OFFLINE, EXIT_DELEGATE, EXIT_ROLLED_BACK = 0, 1, 2, 3, 4, 5
EXIT_MIGRATION_FAILED = migrate.EXIT_MIGRATION_FAILED
# A step after the apply: (env, mode, environ, read the root's outputs, out) -> its exit code (0: go on).
DeployStep = Callable[
    [str, str, Mapping[str, str], Callable[[], Mapping[str, Any]], Callable[[str], None]], int
]
DEPLOY_STEPS: tuple[DeployStep, ...] = (
    set_secrets.after_apply,
    migrate.after_apply,
    publish_web.after_apply,
    release.after_apply,
)
DELEGATED_ENV = "DELEGATED"
ZONE_ADDRESS = "module.dns.aws_route53_zone.this"
DELEGATION_STOP = (
    "STOPPED FOR DELEGATION: first apply of {env} in this account. The dns tier is applied: the hosted "
    "zone {domain} exists, but ACM can validate the certificates (and everything behind them: the "
    "distribution, the API domain, the alias records) only once the zone is delegated to it.\n"
    "{records}\n"
    "When `dig +short NS {domain}` answers with these servers, run the rest: "
    "DELEGATED=1 make apply ENV={env}"
)
DELEGATION_NEEDED = (
    "DELEGATION GUARD: this plan validates ACM certificates by DNS in the zone {domain}, which waits up "
    "to 75 minutes and fails unless the zone is delegated. Delegate it (the records: make apply's "
    "earlier stop, or `terraform output name_servers`), then re-run with DELEGATED=1."
)

CallerIdentity = Callable[[], str]
Terraform = Callable[[list[str], Path, dict[str, str], bool], str]

# Apply errors that a second attempt a little later resolves (AWS propagation), with why.
TRANSIENT_APPLY_ERRORS = {
    "InsufficientCloudWatchLogsResourcePolicy": (
        "Route 53 query logging was created right after its CloudWatch Logs resource policy, which "
        "had not propagated yet"
    ),
}
RETRY_DELAY_SECONDS = 30


def changed_addresses(plan: Mapping[str, Any]) -> set[str]:
    # Every entry of resource_changes, data source reads included (PlanView has managed ones only).
    return {c["address"] for c in plan.get("resource_changes", []) if c["change"]["actions"] != ["no-op"]}


def apply_retrying_once(
    terraform: Terraform,
    plan_args: list[str],
    plan_file: Path,
    workdir: Path,
    tf_env: dict[str, str],
    confirmed: set[str],
    out: Callable[[str], None],
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Apply ``plan_file``; after a known propagation error, plan again and apply once more what is left,
    provided it is part of what was ``confirmed`` (the reviewed plan's changes), and nothing else."""
    try:
        terraform(["apply", "-input=false", "-no-color", str(plan_file)], workdir, tf_env, False)
    except planning.TerraformFailed as err:
        reason = next((why for code, why in TRANSIENT_APPLY_ERRORS.items() if code in str(err)), None)
        if reason is None:
            raise
        out(f"   {reason}: planning what is left and applying it again in {RETRY_DELAY_SECONDS} s")
        sleep(RETRY_DELAY_SECONDS)
        terraform([*plan_args, f"-out={plan_file}"], workdir, tf_env, False)
        left = changed_addresses(
            json.loads(terraform(["show", "-json", str(plan_file)], workdir, tf_env, True))
        )
        if left - confirmed:
            raise Refused(
                f"the retry would also change {sorted(left - confirmed)}, which the confirmed plan did "
                "not: run make apply again to review it"
            ) from err
        terraform(["apply", "-input=false", "-no-color", str(plan_file)], workdir, tf_env, False)


def boto3_caller_account() -> str:
    """The account of the credentials in the environment (AWS_PROFILE, OIDC role, ...)."""
    try:
        import boto3
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError as err:  # boto3 is in the test extra, not the package's dependencies
        raise Refused("boto3 is needed to check the caller's account: run `make bootstrap`") from err
    try:
        return boto3.client("sts").get_caller_identity()["Account"]
    except (BotoCoreError, ClientError) as err:
        raise Refused(
            f"cannot determine the caller's AWS account (sts get-caller-identity): {err}. "
            "Log in first, e.g. `aws sso login --profile <profile>` and export AWS_PROFILE."
        ) from err


def offline_caller_account(env: str) -> CallerIdentity:
    """The stand-in's caller: SMARTSTACK_OFFLINE_ACCOUNT_ID, else the environment's own account."""
    return lambda: os.environ.get(OFFLINE_ACCOUNT_ENV) or tfvars_account_id(env)


def local_caller_account(environ: Mapping[str, str]) -> CallerIdentity:
    """The emulator's caller (STS GetCallerIdentity at SMARTSTACK_LOCAL_ENDPOINT, fake credentials)."""

    def caller() -> str:
        from .local_env import emulator_session  # local_env builds on this module

        endpoint = environ.get(roots.ENDPOINT_ENV)
        if not endpoint:
            raise Refused(f"local mode needs {roots.ENDPOINT_ENV} (make up starts the emulator and sets it)")
        sts = emulator_session().client("sts", endpoint_url=endpoint)
        return sts.get_caller_identity()["Account"]

    return caller


def caller_for(mode: str, env: str, environ: Mapping[str, str]) -> CallerIdentity:
    if mode == "real":
        return boto3_caller_account
    if mode == "local":
        return local_caller_account(environ)
    return offline_caller_account(env)


def local_label(env: str) -> str:
    """The local workspace of `make up ENV=<env>` (build/local/up-<env>), apart from the test plans'."""
    return f"up-{env}"


def check_account(env: str, caller: CallerIdentity, repo: Path = paths.REPO) -> str:
    expected = tfvars_account_id(env, repo)
    actual = caller()
    if actual != expected:
        raise Refused(
            f"ACCOUNT MISMATCH: refusing to plan or apply {env}. Your credentials are for AWS account "
            f"{actual}, "
            f'but envs/{env}/terraform.tfvars sets account_id = "{expected}". Switch to the {env} account\'s '
            f"credentials (AWS_PROFILE, SSO or the CI role), or fix account_id if it is wrong."
        )
    return actual


def planned_domain(plan: Mapping[str, Any]) -> str:
    return str(PlanView(plan).variables.get("domain_name", "<domain_name>"))


def creates(plan: Mapping[str, Any], address: str | None = None, rtype: str | None = None) -> bool:
    """Whether the plan creates the resource at ``address`` (or any resource of type ``rtype``)."""
    return any(
        "create" in r.actions and (r.address == address or r.type == rtype) for r in PlanView(plan).changes
    )


def delegation_records(env: str, domain: str, outputs: Mapping[str, Any]) -> str:
    """What to publish where, so that the environment's zone answers for its domain."""
    servers = [f"{ns}." for ns in outputs.get("name_servers") or []]
    if profile(env).apex_domain:
        lines = [f"At the registrar of {domain}, set its name servers to:", *(f"  {ns}" for ns in servers)]
    else:
        parent = domain.split(".", 1)[1]
        lines = [f"In the parent zone {parent}, add:", *(f"  {domain}. 300 IN NS {ns}" for ns in servers)]
    ds = outputs.get("dnssec_ds_record")
    if ds:
        lines.append(f"and, for DNSSEC, the DS record at the same place: {domain}. 300 IN DS {ds}")
    return "\n".join(lines)


def stateful_destroys(plan: Mapping[str, Any]) -> list[str]:
    """Addresses of stateful resources the plan deletes or replaces, with the action."""
    found = []
    for resource in PlanView(plan).changes:
        if resource.type in DESTROY_GUARDED and "delete" in resource.actions:
            what = "replace" if "create" in resource.actions else "destroy"
            found.append(f"{what} {resource.address}")
    return found


def check_destroys(plan: Mapping[str, Any], environ: Mapping[str, str]) -> list[str]:
    found = stateful_destroys(plan)
    if found and environ.get("ALLOW_DESTROY") != "1":
        listing = "\n".join(f"  - {item}" for item in found)
        raise Refused(
            f"DESTROY GUARD: the plan destroys or replaces {len(found)} stateful resource(s):\n{listing}\n"
            "Data would be lost. Change the configuration, or re-run with ALLOW_DESTROY=1 if intended."
        )
    return found


def confirm(
    env: str, environ: Mapping[str, str], ask: Callable[[str], str] | None, interactive: bool
) -> None:
    """Protected environments need CONFIRM=<env> or the name typed at the prompt."""
    if env not in PROTECTED:
        return
    given = environ.get("CONFIRM")
    if given is not None:
        if given != env:
            raise Refused(f"CONFIRMATION: CONFIRM={given!r} does not match {env!r}; nothing applied.")
        return
    if not interactive or ask is None:
        raise Refused(
            f"CONFIRMATION: applying {env} needs explicit confirmation. Review the plan above, then "
            f"re-run with CONFIRM={env} (non-interactive) or in a terminal and type {env!r}."
        )
    typed = ask(f"Apply this plan to {env}? Type the environment name ({env}) to confirm: ").strip()
    if typed != env:
        raise Refused(f"CONFIRMATION: you typed {typed!r}, not {env!r}; nothing applied.")


def policy_verdict(env: str, plan: dict[str, Any]) -> str:
    """The policy suite's verdict line (owned by the policy suite)."""
    try:
        return policy.verdict(policy.evaluate(policy.context_for_env(env, plan)))
    except Exception as err:  # the policy suite evolves independently; never hide the plan because of it
        return f"policy: verdict unavailable ({type(err).__name__}: {err})"


def cost_line(env: str, plan: dict[str, Any]) -> str:
    try:
        return cost.one_line(cost.estimate(plan, env))
    except Exception as err:
        return f"   cost: unavailable ({type(err).__name__}: {err})"


def shown_path(path: Path) -> Path:
    """``path`` relative to the repository when it is inside it."""
    return path.relative_to(paths.REPO) if path.is_relative_to(paths.REPO) else path


def _package() -> None:
    if package_main([]) != 0:
        raise planning.TerraformFailed("packaging the functions failed")


# The policy suite's judgement of a plan: the ids of the rules that failed (a rule that errors fails).
Judge = Callable[[str, dict[str, Any]], list[str]]


def policy_failures(env: str, plan: dict[str, Any]) -> list[str]:
    return [r.rule.id for r in policy.evaluate(policy.context_for_env(env, plan)) if not r.passed]


def check_policy(env: str, plan: dict[str, Any], judge: Judge) -> None:
    """A plan the policy suite fails is never applied, by anyone: fix the configuration instead."""
    failed = judge(env, plan)
    if failed:
        listing = "\n".join(f"  - {rule}" for rule in failed)
        raise Refused(
            f"POLICY: {len(failed)} rule(s) failed on this plan, nothing applied:\n{listing}\n"
            f"Each rule's violations: make check ENV={env} (build/reports/policy.md). Fix the configuration; "
            "there is no override."
        )


@dataclass
class Reviewed:
    """A plan shown and passed by every guard that reads it, ready to apply."""

    env: str
    mode: str
    workdir: Path
    tf_env: dict[str, str]
    plan_file: Path
    plan: dict[str, Any]
    summary: str


@dataclass
class Hooks:
    """What a run calls out to (injected by the tests)."""

    environ: Mapping[str, str]
    terraform: Terraform
    out: Callable[[str], None]
    caller: CallerIdentity | None = None
    package: Callable[[], None] | None = None
    find_placeholders: Callable[[str], list[str]] = placeholders.find
    judge: Judge = policy_failures


def checked_root(env: str, mode: str, hooks: Hooks) -> roots.TerraformRoot:
    """Placeholders, packages and the account guard, then the initialised root."""
    if mode == "real" and (found := hooks.find_placeholders(env)):
        raise Refused(placeholders.refusal(env, found))
    (hooks.package or _package)()
    account = check_account(env, hooks.caller or caller_for(mode, env, hooks.environ))
    hooks.out(f"== {env}: caller account {account} matches envs/{env}/terraform.tfvars (provider: {mode})")
    root = roots.prepare(paths.ENVS / env, mode, label=local_label(env), environ=hooks.environ)
    hooks.terraform(root.init_args(), root.workdir, dict(root.env), True)
    return root


def _show(env: str, plan: dict[str, Any], plan_json: Path, seconds: float) -> str:
    try:
        shown = planning.summary(planning.EnvPlan(env, plan_json, seconds, plan))
    except Exception as err:  # the summary gains lines from other packages (policy); keep the guards going
        shown = f"== {env}: summary unavailable ({type(err).__name__}: {err})"
    # The summary carries the cost line and the policy verdict once plan.py has them; add what it lacks.
    for marker, line in (("cost:", cost_line), ("policy:", policy_verdict)):
        text = line(env, plan) if marker not in shown else None
        if text:
            shown += "\n" + (text if text.startswith("   ") else f"   {text}")
    return shown


def _guarded(
    env: str, mode: str, root: roots.TerraformRoot, plan_file: Path, hooks: Hooks, started: float
) -> Reviewed:
    """Show ``plan_file`` and pass it through the guards that read a plan: policy, then destroys."""
    workdir, tf_env = root.workdir, dict(root.env)
    shown = hooks.terraform(["show", "-json", str(plan_file)], workdir, tf_env, True)
    plan = json.loads(shown)
    plan_json = plan_file.with_suffix(".json")
    plan_json.write_text(shown)
    summary = _show(env, plan, plan_json, time.perf_counter() - started)
    hooks.out(summary)
    check_policy(env, plan, hooks.judge)
    allowed = check_destroys(plan, hooks.environ)
    if allowed:
        hooks.out(f"   ALLOW_DESTROY=1: proceeding although the plan will {', '.join(allowed)}")
    return Reviewed(env, mode, workdir, tf_env, plan_file, plan, summary)


def review(env: str, mode: str, hooks: Hooks) -> Reviewed:
    """Steps 0-5: the guards before the plan, the plan saved to a file, and the guards that read it."""
    root = checked_root(env, mode, hooks)
    APPLY_DIR.mkdir(parents=True, exist_ok=True)
    plan_file = APPLY_DIR / (f"{env}-local.tfplan" if mode == "local" else f"{env}.tfplan")
    started = time.perf_counter()
    hooks.terraform([*FULL_PLAN_ARGS, f"-out={plan_file}"], root.workdir, dict(root.env), False)
    return _guarded(env, mode, root, plan_file, hooks, started)


FULL_PLAN_ARGS = ["plan", "-input=false", "-no-color"]


def deliver(
    reviewed: Reviewed,
    hooks: Hooks,
    ask: Callable[[str], str] | None,
    interactive: bool,
    sleep: Callable[[float], None],
    deploy_steps: Sequence[DeployStep],
) -> int:
    """Steps 7-9: confirmation, the apply of exactly the reviewed plan (DNS first on a fresh account),
    then the deploy steps."""
    env, plan, plan_file = reviewed.env, reviewed.plan, reviewed.plan_file
    workdir, tf_env, terraform, out = reviewed.workdir, reviewed.tf_env, hooks.terraform, hooks.out
    confirm(env, hooks.environ, ask, interactive)

    def read_outputs() -> dict[str, Any]:
        shown = json.loads(terraform(["output", "-json"], workdir, tf_env, True))
        return {k: v["value"] for k, v in shown.items()}

    changes = changed_addresses(plan)
    domain = planned_domain(plan)
    if creates(plan, ZONE_ADDRESS):  # a fresh account: the zone first, then delegation, then the rest
        dns_plan = plan_file.with_name(f"{plan_file.stem}-dns.tfplan")
        dns_args = [*FULL_PLAN_ARGS, "-target=module.dns"]
        terraform([*dns_args, f"-out={dns_plan}"], workdir, tf_env, False)
        apply_retrying_once(terraform, dns_args, dns_plan, workdir, tf_env, changes, out, sleep)
        records = delegation_records(env, domain, read_outputs())
        out(DELEGATION_STOP.format(env=env, domain=domain, records=records))
        return EXIT_DELEGATE
    if creates(plan, rtype="aws_acm_certificate_validation") and hooks.environ.get(DELEGATED_ENV) != "1":
        raise Refused(DELEGATION_NEEDED.format(domain=domain))
    try:
        apply_retrying_once(terraform, FULL_PLAN_ARGS, plan_file, workdir, tf_env, changes, out, sleep)
    except planning.TerraformFailed as err:
        if saved_plan.STALE in str(err):
            raise Refused(f"{err}\n{saved_plan.STALE_HINT.format(env=env)}") from err
        raise
    out(f"== {env}: applied {shown_path(plan_file)}")
    deployed = EXIT_APPLIED
    for step in deploy_steps:
        deployed = step(env, reviewed.mode, hooks.environ, read_outputs, out)
        if deployed != EXIT_APPLIED:
            break
    return deployed  # the steps' codes are apply's: 0 deployed, 1 failed, 5 rolled back, 6 migration failed


def _guarded_run(
    env: str, environ: Mapping[str, str], out: Callable[[str], None], body: Callable[[str], int]
) -> int:
    """The environment and provider mode checked, ``body(mode)`` run, and its refusals turned into codes."""
    if env not in planning.ENVIRONMENTS:
        out(f"unknown environment {env!r}; choose from {', '.join(planning.ENVIRONMENTS)} (ENV=<env>)")
        return EXIT_REFUSED
    try:
        return body(roots.provider_mode(environ))
    except (Refused, roots.ModeUnavailable) as err:
        out(str(err))
        return EXIT_REFUSED
    except planning.TerraformFailed as err:
        out(str(err))
        return EXIT_TERRAFORM


def run(
    env: str,
    *,
    environ: Mapping[str, str] | None = None,
    caller: CallerIdentity | None = None,
    terraform: Terraform | None = None,
    package: Callable[[], None] | None = None,
    ask: Callable[[str], str] | None = input,
    interactive: bool | None = None,
    out: Callable[[str], None] = print,
    find_placeholders: Callable[[str], list[str]] = placeholders.find,
    sleep: Callable[[float], None] = time.sleep,
    deploy_steps: Sequence[DeployStep] = DEPLOY_STEPS,
    judge: Judge = policy_failures,
    save_to: Path | None = None,
    saved: Path | None = None,
) -> int:
    """Plan and (when every guard agrees) apply ``env``; see the module docstring for the steps.

    ``save_to``: review the plan and keep it as a bundle there (saved_plan.py) instead of applying it.
    ``saved``: apply the bundle there, once it matches this checkout, instead of planning again."""
    environ = os.environ if environ is None else environ
    hooks = Hooks(
        environ, terraform or planning.run_terraform, out, caller, package, find_placeholders, judge
    )
    interactive = sys.stdin.isatty() if interactive is None else interactive

    def body(mode: str) -> int:
        reviewed = review_saved(env, mode, saved, hooks) if saved else review(env, mode, hooks)
        if save_to is not None:
            keep(reviewed, save_to, hooks)
            return EXIT_APPLIED
        if mode == "offline":
            plan_file = shown_path(reviewed.plan_file)
            account = tfvars_account_id(env)
            out(OFFLINE_STOP.format(plan_file=plan_file, account=account, env=env))
            return EXIT_OFFLINE
        return deliver(reviewed, hooks, ask, interactive, sleep, deploy_steps)

    return _guarded_run(env, environ, out, body)


def shown_verdict(summary: str) -> str:
    """The policy line the summary showed (_show always adds one): the suite is not run again for it."""
    return next(line.strip() for line in summary.splitlines() if line.strip().startswith("policy:"))


def keep(reviewed: Reviewed, bundle: Path, hooks: Hooks) -> None:
    manifest = saved_plan.save(
        bundle,
        reviewed.env,
        reviewed.mode,
        reviewed.plan_file,
        json.dumps(reviewed.plan),
        reviewed.summary,
        shown_verdict(reviewed.summary),
    )
    hooks.out(
        f"== {reviewed.env}: reviewed plan saved to {bundle} (commit {manifest.commit}, plan sha256 "
        f"{manifest.plan_sha256[:12]}); apply exactly it with make deploy-apply ENV={reviewed.env}"
    )


def review_saved(env: str, mode: str, bundle: Path, hooks: Hooks) -> Reviewed:
    """The guards before planning, the bundle checked against this checkout, and the plan guards again."""
    (hooks.package or _package)()  # byte-identical zips: verify compares them with the planned ones
    manifest, plan_file = saved_plan.verify(bundle, env, mode)
    hooks.out(f"== {env}: the saved plan {plan_file} matches commit {manifest.commit} and its hashes")
    root = checked_root(env, mode, replace(hooks, package=lambda: None))
    return _guarded(env, mode, root, plan_file, hooks, time.perf_counter())


USAGE = (
    "usage: python -m smartstack_tooling apply <env> [--save-plan <dir> | --saved-plan <dir>]\n"
    "  (make apply ENV=<env>; make deploy-plan ENV=<env>; make deploy-apply ENV=<env>)"
)


def main(argv: list[str]) -> int:
    options = {"--save-plan": "save_to", "--saved-plan": "saved"}
    if len(argv) not in (1, 3) or (len(argv) == 3 and argv[1] not in options):
        print(USAGE, file=sys.stderr)
        return EXIT_REFUSED
    bundle = {options[argv[1]]: Path(argv[2]).resolve()} if len(argv) == 3 else {}
    return run(argv[0], **bundle)
