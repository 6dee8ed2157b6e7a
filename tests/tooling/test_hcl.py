"""HCL parsed from several threads at once reads every literal as it is written, and a parse is kept only
for the exact text it was made from (smartstack_tooling.harness.hcl)."""

from __future__ import annotations

import io
import threading

from smartstack_tooling import paths
from smartstack_tooling.harness import hcl

TEXT = (paths.MODULES / "s3-bucket" / "main.tf").read_text()  # many ${...} expressions around a `true`


def prevent_destroy() -> object:
    resources = hcl.parse_uncached(TEXT)["resource"]  # the parser itself, not the cache
    bucket = next(r['"aws_s3_bucket"']['"this"'] for r in resources if '"aws_s3_bucket"' in r)
    return bucket["lifecycle"][0]["prevent_destroy"]


def test_parses_in_threads_keep_true_a_bool():
    # Unlocked, python-hcl2 8.1.4 read about one `true` in ten as "true" in this shape (4 threads x 15).
    seen: list[object] = []
    threads = [
        threading.Thread(target=lambda: seen.extend(prevent_destroy() for _ in range(8))) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [True] * 32


def test_a_kept_parse_is_the_parser_s_and_any_change_is_parsed_again():
    assert hcl.load(io.StringIO(TEXT)) == hcl.parse_uncached(TEXT)
    assert hcl.entry_of(TEXT).exists()
    changed = TEXT.replace("prevent_destroy = true", "prevent_destroy = false", 1)
    assert hcl.entry_of(changed) != hcl.entry_of(TEXT)
    hcl.entry_of(changed).unlink(missing_ok=True)
    resources = hcl.parse(changed)["resource"]
    bucket = next(r['"aws_s3_bucket"']['"this"'] for r in resources if '"aws_s3_bucket"' in r)
    assert bucket["lifecycle"][0]["prevent_destroy"] is False
    assert hcl.entry_of(changed).exists()
