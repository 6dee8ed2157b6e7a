"""The local emulator's own behaviour (its moto fixes live in test_emulator_workarounds.py)."""

import urllib.request
from pathlib import Path

from smartstack_tooling import emulator


def _post(url: str, attempt: str) -> None:
    request = urllib.request.Request(
        url, data=b"Action=DescribeRegions&Version=2016-11-15", headers={"amz-sdk-request": attempt}
    )
    urllib.request.urlopen(request, timeout=30).read()


def test_the_access_log_names_the_sdks_retries(tmp_path: Path):
    """A create the SDK retries after moto did it fails as a duplicate: the log must show the retry."""
    log = tmp_path / "emulator.log"
    running = emulator.start("123456789012", log=log)
    try:
        _post(running.url, "attempt=1; max=3")
        _post(running.url, "attempt=2; max=3")
    finally:
        running.stop()
    lines = log.read_text().splitlines()
    retried = [n for n, line in enumerate(lines) if "retried request (attempt=2; max=3) follows" in line]
    assert len(retried) == 1, lines
    assert "POST / " in lines[retried[0] + 1]
    assert sum("retried request" in line for line in lines) == 1
