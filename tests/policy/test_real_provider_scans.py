"""checkov and trivy over the real provider's plans (local mode): it fills in defaults and values the
stand-in leaves unknown, so the scanners judge more of each environment. 0 failed, as on the stand-in's.

Every test that uses the real provider's plans lives in a file named *real_provider* (tests/conftest.py
runs such files on one test worker, so the three plans are made once per run).
"""

from __future__ import annotations

import json

from smartstack_tooling import paths
from smartstack_tooling.policy import checkov, trivy

from tests.conftest import ENVIRONMENTS


def test_checkov_zero_failed_on_the_real_provider_plans(local_env_plans, tmp_path) -> None:
    files = []
    for env in ENVIRONMENTS:
        path = tmp_path / f"{env}.json"
        path.write_text(json.dumps(local_env_plans[env].json))
        files.append(path)
    (result,) = checkov.scan(paths.REPORTS, files, hcl=False, plan_name="real-plan")
    assert result.parsing_errors == 0
    assert result.passed > 0
    assert result.failed == 0, "\n".join(result.failures)


def test_trivy_zero_failed_on_the_real_provider_plans(local_env_plans) -> None:
    results = trivy.scan_plans({f"{env}-local": local_env_plans[env].plan_file for env in ENVIRONMENTS})
    for env, result in results.items():
        assert result.passed > 0, env
        assert result.failed == [], env
