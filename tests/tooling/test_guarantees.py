"""docs/guarantees.md maps every guarantee to its one owner: current, complete and naming only what exists."""

from __future__ import annotations

from smartstack_tooling.policy import RULES
from smartstack_tooling.reports import guarantees


def test_the_page_is_generated_and_current() -> None:
    assert guarantees.is_current(), "docs/guarantees.md is out of date: run `make docs`"


def test_every_rule_has_its_section_with_every_twin() -> None:
    page = guarantees.PAGE.read_text()
    for rule in RULES.values():
        assert f"### `{rule.id}`\n" in page
        section = page.split(f"### `{rule.id}`\n", 1)[1].split("\n### ", 1)[0]
        assert all(f"twin `{twin.name}`" in section for twin in rule.twins), rule.id


def test_the_validations_named_exist_and_validate() -> None:
    assert guarantees.problems() == []


def test_a_variable_without_validation_or_an_unknown_rule_is_reported(monkeypatch) -> None:
    monkeypatch.setattr(
        guarantees,
        "VALIDATIONS",
        {"multi-az.rds-multi-az": ("enable_interface_endpoints",), "no-such.rule": ("rds_multi_az",)},
    )
    assert guarantees.problems() == [
        "VALIDATIONS names rule no-such.rule, which does not exist",
        "multi-az.rds-multi-az: variable enable_interface_endpoints has no validation in "
        "envs/common/variables.tf",
    ]


def test_every_checkov_skip_is_listed_under_the_rule_its_reason_cites() -> None:
    page = guarantees.PAGE.read_text()
    for skip in guarantees.checkov_skips():
        if guarantees.cited_rules(skip.reason):
            assert f"covers checkov `{skip.check}`, skipped at `{skip.where}`" in page
