"""Where things are in the repository and under build/. Nothing in the package is imported here, so every
module may import this (tests/tooling/test_import_graph.py keeps it so)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ENVS = REPO / "envs"
MODULES = REPO / "modules"
STATE_BACKEND = REPO / "state-backend"  # the root that creates each environment's state bucket
CI_ACCESS = REPO / "ci-access"  # the root that creates each environment's CI roles (GitHub OIDC)
# The Terraform the product ships, as the scanners and source checks read it (test roots are not shipped).
TERRAFORM_SOURCES = (MODULES, ENVS, STATE_BACKEND, CI_ACCESS)
FUNCTIONS = REPO / "functions"
DOCS = REPO / "docs"
PRICING = REPO / "pricing"
CACHE = REPO / ".cache"  # downloads kept between runs (wheels, npm, pip, the offline schema)

BUILD = REPO / "build"
OFFLINE = BUILD / "offline"  # the stand-in's mirror, CLI config and staged workspace
LOCAL = BUILD / "local"  # local-mode workspaces and emulator logs
PLANS = BUILD / "plans"  # `make plan`: <env>.tfplan and <env>.json
REPORTS = BUILD / "reports"
