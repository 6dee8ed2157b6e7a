"""checkov over modules/, envs/ and the three plan JSONs: zero failed checks, every skip inline with a reason.

checkov runs from .venv-checkov (bootstrapped here when `make checkov-bootstrap` has not run yet);
JUnit and SARIF reports land in build/reports/checkov-{hcl,plan}/.
"""

from __future__ import annotations

import json
import re

import pytest
from smartstack_tooling import paths
from smartstack_tooling.policy import checkov

from tests.conftest import ENVIRONMENTS, REPO

SKIP_LINE = re.compile(r"#\s*checkov:skip=([^\s:]+)(?::(.*))?")


@pytest.fixture(scope="session")
def checkov_results(env_raw_plans, tmp_path_factory):
    plans_dir = tmp_path_factory.mktemp("plans")
    files = []
    for env in ENVIRONMENTS:
        path = plans_dir / f"{env}.json"
        path.write_text(json.dumps(env_raw_plans[env]))
        files.append(path)
    return {r.name: r for r in checkov.scan(paths.REPORTS, files)}


@pytest.fixture(scope="session")
def checkov_real_plan_results(local_env_plans, tmp_path_factory):
    """The real provider's plans (local mode) scanned on their own: it fills defaults the stand-in cannot."""
    plans_dir = tmp_path_factory.mktemp("real-plans")
    files = []
    for env in ENVIRONMENTS:
        path = plans_dir / f"{env}.json"
        path.write_text(json.dumps(local_env_plans[env]._raw))
        files.append(path)
    (result,) = checkov.scan(paths.REPORTS, files, hcl=False, plan_name="real-plan")
    return result


def test_checkov_zero_failed_on_the_real_provider_plans(checkov_real_plan_results) -> None:
    result = checkov_real_plan_results
    assert result.parsing_errors == 0
    assert result.passed > 0
    assert result.failed == 0, "\n".join(result.failures)


@pytest.mark.parametrize("scan", ["hcl", "plan"])
def test_checkov_zero_failed(scan: str, checkov_results) -> None:
    result = checkov_results[scan]
    assert result.parsing_errors == 0
    assert result.passed > 0
    assert result.failed == 0, "\n".join(result.failures)


@pytest.mark.parametrize("scan", ["hcl", "plan"])
def test_checkov_reports_written(scan: str, checkov_results) -> None:
    target = paths.REPORTS / f"checkov-{scan}"
    assert (target / "results_junitxml.xml").stat().st_size > 0
    sarif = json.loads((target / "results_sarif.sarif").read_text())
    assert sarif["version"].startswith("2.1")


def test_every_skip_is_inline_with_a_reason(checkov_results) -> None:
    for scan in ("hcl", "plan"):
        for check_id, resource, reason in checkov_results[scan].skips:
            assert re.fullmatch(r"CKV2?_AWS_\d+", check_id), (check_id, resource)
            assert len(reason.strip()) >= 30, f"{check_id} on {resource}: reason {reason!r} too thin"


def test_skip_comments_name_a_check_and_a_reason() -> None:
    found = 0
    for path in sorted((REPO / "modules").rglob("*.tf")) + sorted((REPO / "envs").rglob("*.tf")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = SKIP_LINE.search(line)
            if not match:
                continue
            found += 1
            assert re.fullmatch(r"CKV2?_AWS_\d+", match.group(1)), f"{path}:{number}"
            assert match.group(2) and len(match.group(2).strip()) >= 30, f"{path}:{number}: no reason"
    assert found > 0
    assert not (REPO / ".checkov.yaml").exists() or "skip-check" not in (REPO / ".checkov.yaml").read_text()
