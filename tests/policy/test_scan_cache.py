"""The scan cache serves a report only for the very inputs it was made from."""

from __future__ import annotations

from pathlib import Path

import pytest
from smartstack_tooling.policy import scan_cache


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "modules" / "edge"
    (root / ".terraform").mkdir(parents=True)
    (root / "main.tf").write_text('resource "aws_s3_bucket" "this" {}\n')
    (root / ".terraform" / "modules.json").write_text("{}")
    return tmp_path / "modules"


def key(inputs: list[Path], args: tuple[str, ...] = ("-d=modules",), **environ: str) -> str:
    scanner = Path(__file__)  # stands for the pinned requirements file
    return scan_cache.scan_key([scanner], [scanner], args, inputs, environ)


def test_a_one_character_change_to_an_input_is_another_key(tree: Path):
    before = key([tree])
    main = tree / "edge" / "main.tf"
    main.write_text(main.read_text().replace("this", "thiz"))
    assert key([tree]) != before


def test_a_new_file_and_a_scanner_setting_are_other_keys(tree: Path):
    before = key([tree])
    assert key([tree], CKV_FRAMEWORK="terraform") != before
    assert key([tree], args=("-d=modules", "--framework", "terraform")) != before
    (tree / "edge" / "variables.tf").write_text("")
    assert key([tree]) != before


def test_the_same_content_elsewhere_is_the_same_scan(tree: Path, tmp_path: Path):
    plan_a, plan_b = tmp_path / "a" / "dev.json", tmp_path / "b" / "dev.json"
    for plan in (plan_a, plan_b):
        plan.parent.mkdir()
        plan.write_text('{"format_version": "1.2"}')
    assert key([plan_a, tree], args=("-f", str(plan_a))) == key([plan_b, tree], args=("-f", str(plan_b)))
    # Terraform's working directories are not scanned, and other variables change nothing.
    before = key([tree])
    (tree / "edge" / ".terraform" / "modules.json").write_text('{"Modules": []}')
    assert key([tree], HOME="/elsewhere") == before


def test_reports_are_kept_and_served_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(scan_cache, "CACHE", tmp_path / "cache")
    monkeypatch.delenv(scan_cache.CACHE_ENV, raising=False)
    out, scans = tmp_path / "out", []

    def scan() -> None:
        scans.append(1)
        out.mkdir(exist_ok=True)
        (out / "results_json.json").write_text(f'{{"scan": {len(scans)}}}')

    assert scan_cache.cached_reports("k1", out, scan) is False
    (out / "results_json.json").unlink()
    assert scan_cache.cached_reports("k1", out, scan) is True
    assert (out / "results_json.json").read_text() == '{"scan": 1}' and len(scans) == 1
    assert scan_cache.cached_reports("k2", out, scan) is False and len(scans) == 2


def test_turned_off_it_scans_every_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(scan_cache, "CACHE", tmp_path / "cache")
    monkeypatch.setenv(scan_cache.CACHE_ENV, "off")
    scans: list[int] = []
    for _ in range(2):
        assert scan_cache.cached_reports("k", tmp_path / "out", lambda: scans.append(1)) is False
    assert scans == [1, 1] and not (tmp_path / "cache").exists()
