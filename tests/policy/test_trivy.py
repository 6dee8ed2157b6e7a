"""trivy, the second scanner: 0 failed on modules/, envs/, state-backend/ and ci-access/, on every
environment's plan (the real provider's: test_real_provider_scans.py) and every account's ci-access plan;
every exception inline, with a reason, as with checkov."""

from __future__ import annotations

import re

import pytest
from smartstack_tooling import paths
from smartstack_tooling.policy import trivy

from tests.conftest import ENVIRONMENTS, REPO

IGNORE = re.compile(r"#\s*trivy:ignore:(\S+)(.*)")


@pytest.fixture(scope="session")
def trivy_result() -> trivy.TrivyResult:
    return trivy.scan(report=paths.REPORTS / "trivy.json")


def test_trivy_zero_failed(trivy_result) -> None:
    assert trivy_result.files > 0 and trivy_result.passed > 0
    assert trivy_result.failed == []


def test_trivy_zero_failed_on_the_plans(env_plans) -> None:
    results = trivy.scan_plans({env: env_plans[env].plan_file for env in ENVIRONMENTS})
    for env, result in results.items():
        assert result.passed > 0, env
        assert result.failed == [], env


def test_trivy_zero_failed_on_the_ci_access_plans(ci_access_plans) -> None:
    results = trivy.scan_plans({f"ci-access-{env}": ci_access_plans[env].plan_file for env in ENVIRONMENTS})
    for name, result in results.items():
        assert result.passed > 0, name
        assert result.failed == [], name


def test_every_trivy_exception_is_inline_with_a_reason() -> None:
    found = 0
    for part in trivy.SCANNED:
        for path in (REPO / part).rglob("*.tf"):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                match = IGNORE.search(line)
                if match:
                    found += 1
                    assert re.fullmatch(r"AWS-\d{4}", match.group(1)), (path, number)
                    assert len(match.group(2).strip()) >= 20, f"{path}:{number}: the exception needs a reason"
    assert found > 0


def test_the_staged_copy_resolves_the_env_roots_links(tmp_path) -> None:
    staged = trivy.stage(tmp_path)
    linked = REPO / "envs" / "dev" / "main.tf"
    assert linked.is_symlink()
    copy = staged / "envs" / "dev" / "main.tf"
    assert not copy.is_symlink() and copy.read_text() == linked.read_text()
