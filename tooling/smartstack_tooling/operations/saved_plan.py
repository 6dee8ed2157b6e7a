"""The reviewed plan, kept so that exactly it is applied (`make deploy-plan` / `make deploy-apply`).

A bundle is a directory: the binary plan ``<env>.tfplan``, its JSON, a job summary, and a manifest that
ties them to what was planned: the environment and provider mode, the commit, a hash of the Terraform
sources and tfvars of that environment, the plan's SHA-256 and the SHA-256 of every Lambda zip the plan
uploads. The apply side refuses a bundle that does not match the checkout it runs in, or whose plan or
zips differ from those planned; Terraform itself refuses a plan made against an older state ("Saved plan
is stale").
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import paths
from ..harness import content_hash
from ..harness.placeholders import Refused

BUNDLES = paths.BUILD / "deploy"
MANIFEST = "manifest.json"
SUMMARY = "summary.md"
STALE = "Saved plan is stale"
STALE_HINT = (
    "STALE PLAN: the state changed after this plan was made (another apply ran since). Nothing was "
    "applied. Plan again and review the new plan: make deploy-plan ENV={env} (CI: re-run the deploy "
    "workflow)."
)
_SKIPPED_PARTS = frozenset({".terraform", "__pycache__"})
_SKIPPED_SUFFIXES = (".tfstate", ".tfstate.backup", ".tfplan", ".terraform.lock.hcl.bak")


@dataclass(frozen=True)
class Manifest:
    env: str
    mode: str
    commit: str
    sources: str
    plan_sha256: str
    packages: dict[str, str]
    policy: str


def bundle_dir(env: str) -> Path:
    return BUNDLES / env


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def commit(repo: Path = paths.REPO) -> str:
    """The commit checked out: GITHUB_SHA in Actions, else git's HEAD ("unknown" outside a clone)."""
    if os.environ.get("GITHUB_SHA"):
        return os.environ["GITHUB_SHA"]
    try:
        return subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def sources_hash(env: str, repo: Path = paths.REPO) -> str:
    """What the plan was made from: the modules and the environment's root (tfvars and backend included)."""
    digest = hashlib.sha256()

    def skipped(relative: Path) -> bool:
        return bool(_SKIPPED_PARTS & set(relative.parts)) or relative.name.endswith(_SKIPPED_SUFFIXES)

    for label, tree in (("modules", repo / "modules"), (f"envs/{env}", repo / "envs" / env)):
        content_hash.feed_tree(digest, label, tree, skipped)
    return digest.hexdigest()


def packages(functions: Path = paths.BUILD / "functions") -> dict[str, str]:
    """Every Lambda zip the roots upload, by its path under build/functions."""
    return {
        zip_file.relative_to(functions).as_posix(): sha256(zip_file)
        for zip_file in sorted(functions.rglob("*.zip"))
    }


def save(
    bundle: Path, env: str, mode: str, plan_file: Path, plan_json: str, summary: str, policy: str
) -> Manifest:
    """Write the bundle of a reviewed plan; returns its manifest."""
    if bundle.exists():
        shutil.rmtree(bundle)
    bundle.mkdir(parents=True)
    saved = bundle / f"{env}.tfplan"
    shutil.copyfile(plan_file, saved)
    (bundle / f"{env}.json").write_text(plan_json)
    manifest = Manifest(env, mode, commit(), sources_hash(env), sha256(saved), packages(), policy)
    (bundle / MANIFEST).write_text(json.dumps(asdict(manifest), indent=2, sort_keys=True) + "\n")
    (bundle / SUMMARY).write_text(summary)
    return manifest


def load(bundle: Path) -> Manifest:
    path = bundle / MANIFEST
    if not path.exists():
        raise Refused(
            f"SAVED PLAN: no {MANIFEST} in {bundle}: make one with make deploy-plan ENV=<env> (CI: the "
            "deploy workflow's plan job uploads it)."
        )
    return Manifest(**json.loads(path.read_text()))


def mismatches(manifest: Manifest, plan_file: Path, env: str, mode: str) -> list[str]:
    """Each way the bundle differs from this checkout, in words."""
    current = commit()
    plan_digest = sha256(plan_file) if plan_file.exists() else "<missing>"
    checks = [
        (manifest.env == env, f"it is a plan of {manifest.env}, not {env}"),
        (manifest.mode == mode, f"it was made with provider mode {manifest.mode}, this run is {mode}"),
        (
            manifest.commit == current,
            f"it was planned at commit {manifest.commit}, this checkout is {current}",
        ),
        (manifest.sources == sources_hash(env), "the Terraform sources or tfvars differ from those planned"),
        (plan_digest == manifest.plan_sha256, f"{plan_file.name} is not the plan reviewed (SHA-256 differs)"),
    ]
    found = packages()
    checks += [
        (found.get(name) == digest, f"the function package {name} built here differs from the one planned")
        for name, digest in sorted(manifest.packages.items())
    ]
    return [reason for passed, reason in checks if not passed]


def verify(bundle: Path, env: str, mode: str) -> tuple[Manifest, Path]:
    """The manifest and plan file of ``bundle``, once every check passes; else Refused with each reason."""
    manifest = load(bundle)
    plan_file = bundle.resolve() / f"{manifest.env}.tfplan"  # Terraform runs in the root's directory
    reasons = mismatches(manifest, plan_file, env, mode)
    if reasons:
        listing = "\n".join(f"  - {reason}" for reason in reasons)
        raise Refused(
            f"SAVED PLAN: {bundle} does not match this checkout, nothing applied:\n{listing}\n"
            f"Plan again from this commit (make deploy-plan ENV={env}) and review that plan."
        )
    return manifest, plan_file
