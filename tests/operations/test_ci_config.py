"""CI for users: OIDC-only AWS access, real plans per env, SARIF and reports, protected prod; local hooks."""

from __future__ import annotations

import re

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


def test_every_action_is_pinned_to_a_commit_with_its_release_in_a_comment():
    lines = [
        (workflow.name, n, line)
        for workflow in sorted(WORKFLOWS.glob("*.yml"))
        for n, line in enumerate(workflow.read_text().splitlines(), start=1)
        if re.match(r"^\s*(?:-\s+)?uses:", line)
    ]
    assert len(lines) >= 20
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


def test_pull_requests_test_then_plan_every_env_with_oidc_roles():
    ci = load("ci.yml")
    assert "pull_request" in ci[True]  # YAML 1.1 reads the key `on` as True
    assert any(s.get("run") == "make test" for s in steps(ci["jobs"]["test"]))
    plan = ci["jobs"]["plan"]
    assert plan["permissions"]["id-token"] == "write"
    assert [m["env"] for m in plan["strategy"]["matrix"]["include"]] == list(ENVIRONMENTS)
    assert plan["env"]["SMARTSTACK_PROVIDER"] == "real"
    (creds,) = uses(plan, "aws-actions/configure-aws-credentials")
    assert "role-to-assume" in creds["with"]
    runs = " ".join(s.get("run", "") for s in steps(plan))
    assert "make plan ENV=${{ matrix.env }}" in runs and "make check" in runs and "make scan" in runs
    assert uses(plan, "github/codeql-action/upload-sarif")
    (artifact,) = uses(plan, "actions/upload-artifact")
    assert "build/reports/" in artifact["with"]["path"]


def test_merge_to_main_applies_each_env_with_prod_behind_environment_protection():
    deploy = load("deploy.yml")
    assert deploy[True]["push"]["branches"] == ["main"]
    jobs = deploy["jobs"]
    assert [jobs[f"apply-{env}"]["environment"] for env in ENVIRONMENTS] == list(ENVIRONMENTS)
    assert jobs["apply-prod"]["needs"] == "apply-staging"
    prod_apply = [s for s in steps(jobs["apply-prod"]) if "make apply" in s.get("run", "")]
    assert prod_apply[0]["env"]["CONFIRM"] == "prod"
    for env in ENVIRONMENTS:
        assert (
            "role-to-assume" in uses(jobs[f"apply-{env}"], "aws-actions/configure-aws-credentials")[0]["with"]
        )
        assert "ALLOW_DESTROY" not in (WORKFLOWS / "deploy.yml").read_text().split("\njobs:")[1]


def test_pre_commit_uses_local_hooks_only():
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text())
    assert {repo["repo"] for repo in config["repos"]} == {"local"}
    ids = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    assert {"terraform-fmt", "terraform-validate", "module-docs", "ruff", "checkov"} <= ids
