"""checkov over the Terraform sources (paths.TERRAFORM_SOURCES: modules/, envs/, state-backend/, ci-access/)
and the plan JSONs (every environment's, every account's ci-access plan): zero failed checks, every skip
inline with a reason.

checkov runs from .venv-checkov (bootstrapped here when `make checkov-bootstrap` has not run yet);
JUnit and SARIF reports land in build/reports/checkov-{hcl,plan}/.
"""

from __future__ import annotations

import json
import re

import pytest
from smartstack_tooling import paths
from smartstack_tooling.policy import checkov
from smartstack_tooling.policy.engine import RULES
from smartstack_tooling.reports import guarantees

from tests.conftest import REPO


@pytest.fixture(scope="session")
def checkov_results(env_raw_plans, ci_access_raw_plans, tmp_path_factory):
    """One scan of the sources, one of every plan: the environments' and each account's ci-access plan."""
    plans_dir = tmp_path_factory.mktemp("plans")
    files = []
    for name, plan in [
        *env_raw_plans.items(),
        *((f"ci-access-{env}", plan) for env, plan in ci_access_raw_plans.items()),
    ]:
        path = plans_dir / f"{name}.json"
        path.write_text(json.dumps(plan))
        files.append(path)
    return {r.name: r for r in checkov.scan(paths.REPORTS, files)}


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


SKIP_LINE_LIMIT = 120  # a skip reason fits on one line; the long why goes into the module README
CITED_SECTION = re.compile(r'README "([^"]+)"')


def skip_comments() -> list[tuple[str, str, str]]:
    """(file:line, check id, reason) of every checkov skip in the Terraform source (guarantees.py reads
    them for docs/guarantees.md the same way)."""
    found = []
    for skip in guarantees.checkov_skips():
        assert skip.line_length <= SKIP_LINE_LIMIT, f"{skip.where}: too long, move the why to the README"
        found.append((skip.where, skip.check, skip.reason))
    return found


def test_skip_comments_name_a_check_and_a_short_reason() -> None:
    skips = skip_comments()
    assert len(skips) > 20  # the reader finds them (the shared ones stand once, in s3-bucket and log-group)
    for where, check_id, reason in skips:
        assert re.fullmatch(r"CKV2?_AWS_\d+", check_id), where
        assert len(reason) >= 30, f"{where}: no reason"
    assert not (REPO / ".checkov.yaml").exists() or "skip-check" not in (REPO / ".checkov.yaml").read_text()


def test_skip_reasons_cite_rules_and_readme_sections_that_exist() -> None:
    cited_rules = cited_sections = 0
    for where, _, reason in skip_comments():
        for rule_id in guarantees.RULE_ID.findall(reason):
            cited_rules += 1
            assert rule_id in RULES, f"{where}: cites policy rule {rule_id}, which does not exist"
        for section in CITED_SECTION.findall(reason):
            cited_sections += 1
            readme = (REPO / where.split(":")[0]).parent / "README.md"
            assert f"## {section}\n" in readme.read_text(), f"{where}: {readme} has no section {section!r}"
    assert cited_rules > 5 and cited_sections >= 2
