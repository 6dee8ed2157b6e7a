"""The upgrade check's decisions, without an emulator: which planned changes lose state, when the
changelog owns up to one, how FROM is resolved, and what the summary shows."""

from __future__ import annotations

import pytest
from smartstack_tooling.operations import changelog, upgrade_check

KEY = "module.dns.module.dnssec_key[0].aws_kms_key.this"
CHANGELOG = f"""# Changelog

## [Unreleased]

### Removed

- The DNSSEC key `{KEY}` is replaced on purpose.

## [1.0.0] - 2026-12-08

Commit: {"a" * 40}
"""


def resource(address: str, rtype: str, actions: list[str], previous: str | None = None) -> dict:
    change = {"address": address, "type": rtype, "change": {"actions": actions}}
    return {**change, "previous_address": previous} if previous else change


def plan(*resources: dict) -> dict:
    return {"resource_changes": list(resources)}


def unreleased(text: str = "") -> changelog.Entry:
    return changelog.Entry("Unreleased", None, None, text)


def test_a_replaced_or_destroyed_stateful_resource_loses_state():
    changes = upgrade_check.changes_of(
        plan(
            resource(KEY, "aws_kms_key", ["delete", "create"]),
            resource("module.data.aws_db_instance.this", "aws_db_instance", ["create", "delete"]),
            resource("module.storage.aws_s3_bucket.files", "aws_s3_bucket", ["delete"]),
        )
    )
    verdict = upgrade_check.judge(changes, unreleased())
    assert not verdict.passed
    assert [c.kind for c in verdict.refused] == ["replace", "replace", "delete"]


def test_updates_creates_moves_and_stateless_replacements_pass():
    changes = upgrade_check.changes_of(
        plan(
            resource("module.data.aws_db_instance.this", "aws_db_instance", ["update"]),
            resource("module.data.terraform_data.final_snapshot_name", "terraform_data", ["create"]),
            resource(KEY, "aws_kms_key", ["no-op"], previous="module.dns.aws_kms_key.dnssec[0]"),
            resource("module.api.aws_api_gateway_deployment.this", "aws_api_gateway_deployment",
                     ["delete", "create"]),
            resource("module.network.aws_vpc.this", "aws_vpc", ["no-op"]),
        )
    )  # fmt: skip
    assert upgrade_check.judge(changes, unreleased()).passed
    assert {c.kind for c in changes} == {"update", "create", "move", "replace"}  # the no-op is not listed


def test_the_changelog_entry_of_the_new_version_owns_a_named_address_only():
    entries = changelog.parse(CHANGELOG)
    changes = upgrade_check.changes_of(
        plan(
            resource(KEY, "aws_kms_key", ["delete", "create"]),
            resource(
                "module.dns.module.query_logs_key.aws_kms_key.this", "aws_kms_key", ["delete", "create"]
            ),
        )
    )
    verdict = upgrade_check.judge(changes, changelog.current(entries))
    assert [c.address for c in verdict.owned] == [KEY]
    assert [c.address for c in verdict.refused] == ["module.dns.module.query_logs_key.aws_kms_key.this"]
    # Named only in an older release's entry, or without backticks, it is not owned.
    assert not upgrade_check.judge(changes[:1], entries[1]).passed
    assert not upgrade_check.judge(changes[:1], unreleased(f"replaces {KEY} on purpose")).passed


def test_the_summary_lists_every_change_and_names_the_refused_address():
    changes = upgrade_check.changes_of(
        plan(
            resource("module.dns.aws_kms_key.dnssec[0]", "aws_kms_key", ["delete"]),
            resource(KEY, "aws_kms_key", ["create"]),
            resource("module.data.aws_db_instance.this", "aws_db_instance", ["update"]),
        )
    )
    entry = unreleased()
    lines = upgrade_check.summary(changes) + upgrade_check.verdict_lines(
        upgrade_check.judge(changes, entry), entry
    )
    assert lines[0].strip() == "1 to create, 1 to update, 1 to delete"
    assert any(line.strip() == f"create   {KEY}" for line in lines)
    refused = [line for line in lines if "LOSES STATE" in line]
    assert refused == ["   LOSES STATE: delete module.dns.aws_kms_key.dnssec[0] (aws_kms_key: a deleted key "
                       "makes everything it encrypted unreadable)"]  # fmt: skip
    assert "moved" in lines[-1] and "CHANGELOG.md" in lines[-1]


def test_a_destroy_after_a_wrong_move_names_both_addresses():
    """A whole-resource move of a counted resource keeps its [0] where the new resource has no count."""
    wrong = f"{KEY}[0]"
    changes = upgrade_check.changes_of(
        plan(resource(wrong, "aws_kms_key", ["delete"], previous="module.dns.aws_kms_key.dnssec[0]"))
    )
    entry = unreleased()
    (line, _fix) = upgrade_check.verdict_lines(upgrade_check.judge(changes, entry), entry)
    assert line.startswith(
        f"   LOSES STATE: delete {wrong} (aws_kms_key, moved from module.dns.aws_kms_key.dnssec[0]:"
    )


def test_a_move_is_shown_with_its_old_address():
    (change,) = upgrade_check.changes_of(
        plan(resource(KEY, "aws_kms_key", ["no-op"], previous="module.dns.aws_kms_key.dnssec[0]"))
    )
    assert change.describe() == f"move     {KEY} (moved from module.dns.aws_kms_key.dnssec[0])"
    assert not change.loses_state()


def test_from_resolves_a_recorded_version_latest_or_a_commit(monkeypatch):
    head = upgrade_check._commit("HEAD")
    entries = changelog.parse(CHANGELOG.replace("a" * 40, head))
    assert upgrade_check.resolve("1.0.0", entries).commit == head
    assert upgrade_check.resolve("v1.0.0", entries).commit == head
    assert upgrade_check.resolve("latest", entries).label.startswith("1.0.0")
    assert upgrade_check.resolve("HEAD", entries).commit == head


def test_an_unknown_from_names_the_recorded_versions():
    entries = changelog.parse(CHANGELOG)
    with pytest.raises(
        upgrade_check.UpgradeCheckError, match=r"neither a release in CHANGELOG.md \(1.0.0; or latest\)"
    ):
        upgrade_check.resolve("9.9.9", entries)


def test_usage_errors_exit_2(capsys):
    assert upgrade_check.main([]) == upgrade_check.EXIT_USAGE
    assert upgrade_check.main(["1.0.0", "qa"]) == upgrade_check.EXIT_USAGE
    assert "choose from dev, staging, prod" in capsys.readouterr().err


@pytest.mark.parametrize(
    "recipe", ["$(PY) -m smartstack_tooling.package_functions", "$(PY) -m smartstack_tooling package"]
)
def test_the_release_is_packaged_as_its_makefile_says(tmp_path, recipe):
    (tmp_path / "Makefile").write_text(
        f"package: $(VENV)/.bootstrapped ## zips\n\t{recipe}\n\nplan: package\n"
    )
    command = upgrade_check.package_command(tmp_path)
    assert command[1:-2] == recipe.split()[1:] and command[-2] == "--cache-dir"
    (tmp_path / "Makefile").write_text("plan:\n\ttrue\n")
    with pytest.raises(upgrade_check.UpgradeCheckError, match="has no package target"):
        upgrade_check.package_command(tmp_path)


def test_keep_needs_the_environment_free_and_says_how(monkeypatch, capsys):
    """KEEP=1 would hand the release to make up: refused before anything is built while one runs."""
    monkeypatch.setattr(upgrade_check.local_env, "running_emulator", lambda env: object())
    monkeypatch.setattr(upgrade_check, "checkout", lambda *a: pytest.fail("nothing may run"))
    assert upgrade_check.main(["latest", "dev", upgrade_check.KEEP_FLAG]) == upgrade_check.EXIT_FAILED
    assert "run `make down ENV=dev` first" in capsys.readouterr().err
