"""CI for users: OIDC-only AWS access, real plans per env, SARIF and reports, protected prod; local hooks."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import yaml

from ..conftest import ENVIRONMENTS, REPO

WORKFLOWS = REPO / ".github" / "workflows"


def load(name: str) -> dict:
    return yaml.safe_load((WORKFLOWS / name).read_text())


def steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def uses(job: dict, action: str) -> list[dict]:
    return [s for s in steps(job) if str(s.get("uses", "")).startswith(action)]


# owner/repo[/path]@<commit SHA> # v<major>.<minor>.<patch>: a tag can be moved to other code, a commit
# cannot; the comment names the release the SHA was read from (the action repository's own tag).
PINNED_USE = re.compile(
    r"^\s*(?:-\s+)?uses:\s+[\w.-]+/[\w.-]+(?:/[\w./-]+)?@[0-9a-f]{40} # v\d+\.\d+\.\d+\s*$"
)


# A reusable workflow of this repository, at the caller's own commit.
LOCAL_USE = re.compile(r"^\s*(?:-\s+)?uses:\s+\$/\.github/workflows/[\w.-]+\.yml\s*$")


def test_every_action_is_pinned_to_a_commit_with_its_release_in_a_comment():
    lines = [
        (workflow.name, n, line)
        for workflow in sorted(WORKFLOWS.glob("*.yml"))
        for n, line in enumerate(workflow.read_text().splitlines(), start=1)
        if re.match(r"^\s*(?:-\s+)?uses:", line) and not LOCAL_USE.match(line)
    ]
    assert {name for name, _, _ in lines} == {"ci.yml", "deploy-env.yml", "drift.yml"}
    unpinned = [f"{name}:{n}: {line.strip()}" for name, n, line in lines if not PINNED_USE.match(line)]
    assert unpinned == []
    # One release per action across the workflows, so an update moves every use together.
    releases: dict[str, set[str]] = {}
    for _, _, line in lines:
        action, pin = line.split("uses:", 1)[1].strip().split("@", 1)
        releases.setdefault(action, set()).add(pin)
    assert {action: pins for action, pins in releases.items() if len(pins) > 1} == {}
    dependabot = yaml.safe_load((REPO / ".github" / "dependabot.yml").read_text())
    updates = dependabot["updates"][0]
    assert (updates["package-ecosystem"], updates["directory"]) == ("github-actions", "/")


def test_no_stored_aws_keys_anywhere():
    for path in WORKFLOWS.glob("*.yml"):
        text = path.read_text()
        assert "aws-access-key-id" not in text and "AWS_SECRET_ACCESS_KEY" not in text, path.name


# ---- the workflow linters: actionlint (its shellcheck integration on) and zizmor, with 0 findings ----------
LINTERS = REPO / ".venv" / "bin"


def shellcheck() -> str:
    found = shutil.which("shellcheck")
    assert found, (
        "shellcheck is missing: apt-get install -y shellcheck (actionlint checks run: scripts with it)"
    )
    return found


def actionlint(*workflows: Path) -> subprocess.CompletedProcess[str]:
    command = [
        str(LINTERS / "actionlint"),
        "-no-color",
        "-oneline",
        f"-shellcheck={shellcheck()}",
        "-pyflakes=",
    ]
    return subprocess.run([*command, *map(str, workflows)], cwd=REPO, capture_output=True, text=True)


def zizmor(*inputs: Path) -> subprocess.CompletedProcess[str]:
    # Offline: the audits that need GitHub's API (e.g. impostor-commit) cannot run here.
    command = [
        str(LINTERS / "zizmor"),
        "--offline",
        "--persona",
        "auditor",
        "--format",
        "plain",
        "--no-progress",
    ]
    return subprocess.run([*command, *map(str, inputs)], cwd=REPO, capture_output=True, text=True)


def test_actionlint_finds_nothing_in_the_workflows():
    result = actionlint(*sorted(WORKFLOWS.glob("*.yml")))
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr


def test_zizmor_finds_nothing_as_an_auditor_with_no_suppression():
    result = zizmor(REPO / ".github")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr
    assert "suppressed" not in result.stdout + result.stderr


BROKEN_WORKFLOW = """
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: echo ${{ github.event.head_commit.message }} $UNQUOTED
"""


def test_the_linters_fail_a_broken_workflow(tmp_path):
    """Their broken twin: a tag-pinned action, an injectable expression and an unquoted variable."""
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(BROKEN_WORKFLOW)
    linted = actionlint(broken)
    assert linted.returncode == 1 and "SC2086" in linted.stdout, "shellcheck runs inside actionlint"
    assert "potentially untrusted" in linted.stdout
    audited = zizmor(broken)
    assert audited.returncode != 0
    assert all(
        f"[{audit}]" in audited.stdout for audit in ("unpinned-uses", "template-injection", "artipacked")
    )


def test_pull_requests_test_then_review_one_plan_of_every_env_with_oidc_roles():
    ci = load("ci.yml")
    assert "pull_request" in ci[True]  # YAML 1.1 reads the key `on` as True
    assert any(s.get("run") == "make test" for s in steps(ci["jobs"]["test"]))
    plan = ci["jobs"]["plan"]
    assert plan["permissions"]["id-token"] == "write"
    assert [m["env"] for m in plan["strategy"]["matrix"]["include"]] == list(ENVIRONMENTS)
    assert plan["env"]["SMARTSTACK_PROVIDER"] == "real"
    (creds,) = uses(plan, "aws-actions/configure-aws-credentials")
    assert creds["with"]["role-to-assume"] == "${{ matrix.role }}"
    runs = [s["run"] for s in steps(plan) if "run" in s]
    makes = [r.split("\\")[0].strip() for r in runs if r.startswith("make ")]
    assert makes == ['make review ENV="$ENV"', 'make -C base plan ENV="$ENV"'], "one plan, reviewed once"
    (comment,) = [s for s in steps(plan) if "pr-comment" in s.get("run", "")]
    assert '--base "base/build/plans/$ENV.json"' in comment["run"] and "PATCH" in comment["run"]
    assert plan["permissions"]["pull-requests"] == "write"
    # One SARIF file per upload, each with its own category (code scanning refuses two runs of one).
    sarif = [s["with"] for s in uses(plan, "github/codeql-action/upload-sarif")]
    assert [(w["sarif_file"].endswith(".sarif"), w["category"]) for w in sarif] == [
        (True, "checkov-plan-${{ matrix.env }}"),
        (True, "checkov-hcl"),
    ]
    (artifact,) = uses(plan, "actions/upload-artifact")
    assert "build/reports/" in artifact["with"]["path"]


def test_make_review_plans_once_and_runs_every_review_even_after_a_failure():
    makefile = (REPO / "Makefile").read_text()
    recipe = makefile.split("\nreview:", 1)[1].split("\n\n", 1)[0]
    assert recipe.startswith(" plan checkov-bootstrap")
    for tool in (
        "smartstack_tooling check",
        "smartstack_tooling checkov",
        "smartstack_tooling trivy",
        "smartstack_tooling cost",
        "diagrams",
    ):
        assert f"{tool} $(ENV) || status=1" in recipe, tool
    assert "exit $$status" in recipe


def test_merge_to_main_plans_then_applies_that_plan_per_env_behind_its_gate():
    deploy = load("deploy.yml")
    assert deploy[True]["push"]["branches"] == ["main"]
    assert deploy[True]["workflow_dispatch"]["inputs"]["delegated"]["type"] == "boolean"
    jobs = deploy["jobs"]
    assert list(jobs) == list(ENVIRONMENTS)
    assert [jobs[env].get("needs") for env in ENVIRONMENTS] == [None, "dev", "staging"]
    assert jobs["dev"]["if"] == "github.ref == 'refs/heads/main'", "a dispatch from a branch deploys nothing"
    for env in ENVIRONMENTS:
        assert jobs[env]["uses"] == "$/.github/workflows/deploy-env.yml"
        assert jobs[env]["with"]["env"] == env
        assert jobs[env]["with"]["plan_role"] == f"${{{{ vars.AWS_PLAN_ROLE_ARN_{env.upper()} }}}}"
    per_env = load("deploy-env.yml")["jobs"]
    plan, apply = per_env["plan"], per_env["apply"]
    assert "environment" not in plan, "the plan exists before anyone is asked to approve"
    assert apply["environment"] == "${{ inputs.env }}" and apply["needs"] == "plan"
    assert [s["run"] for s in steps(plan) if str(s.get("run", "")).startswith("make")] == [
        'make deploy-plan ENV="$ENV"'
    ]
    (upload,) = uses(plan, "actions/upload-artifact")
    (download,) = uses(apply, "actions/download-artifact")
    assert (
        upload["with"]["name"]
        == download["with"]["name"]
        == "deploy-plan-${{ inputs.env }}-${{ github.sha }}"
    )
    (applying,) = [s for s in steps(apply) if str(s.get("run", "")).startswith("make")]
    assert applying["run"] == 'make deploy-apply ENV="$ENV"'
    assert applying["env"]["CONFIRM"] == "${{ inputs.env }}"
    assert all(job["timeout-minutes"] for job in per_env.values())
    assert "ALLOW_DESTROY" not in (WORKFLOWS / "deploy-env.yml").read_text().split("\njobs:")[1]
    assert "role-to-assume" in uses(apply, "aws-actions/configure-aws-credentials")[0]["with"]


def test_drift_is_planned_daily_per_env_and_tracked_in_one_issue_each():
    workflow = load("drift.yml")
    assert workflow[True]["schedule"][0]["cron"].split()[2:] == ["*", "*", "*"], "daily"
    job = workflow["jobs"]["drift"]
    assert [m["env"] for m in job["strategy"]["matrix"]["include"]] == list(ENVIRONMENTS)
    assert job["permissions"] == {"contents": "read", "id-token": "write", "issues": "write"}
    detect, track = [s for s in steps(job) if "run" in s]
    assert 'make drift ENV="$ENV" || status=$?' in detect["run"]
    assert '[ "$status" -ne 2 ]' in detect["run"] and "an error, not drift" in detect["run"]
    assert track["env"]["STATUS"] == "${{ steps.drift.outputs.status }}"
    for command in ("gh issue create", "gh issue edit", "gh issue close"):
        assert command in track["run"], command


def test_deploying_installs_no_test_dependencies():
    makefile = (REPO / "Makefile").read_text()
    for target in ("apply", "deploy-plan", "deploy-apply", "drift", "migrate", "publish-web"):
        prerequisites = makefile.split(f"\n{target}:", 1)[1].split("##", 1)[0]
        assert "$(VENV)/.bootstrapped-deploy" in prerequisites and " bootstrap" not in prerequisites, target


def test_pre_commit_uses_local_hooks_only():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    assert {repo["repo"] for repo in config["repos"]} == {"local"}
    ids = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    assert {
        "terraform-fmt",
        "terraform-validate",
        "module-docs",
        "ruff",
        "checkov",
        "actionlint",
        "zizmor",
        "lint-imports",
    } <= ids
