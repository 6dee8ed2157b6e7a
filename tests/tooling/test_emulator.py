"""The local emulator's own behaviour (its moto fixes live in test_emulator_workarounds.py)."""

import json
import urllib.error
import urllib.request
from pathlib import Path

from smartstack_tooling.harness import emulator


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


def _create_secret(url: str, invocation: str) -> tuple[int, bytes]:
    """CreateSecret as an SDK sends it, with the invocation id its retries repeat."""
    request = urllib.request.Request(
        url,
        data=json.dumps({"Name": "smartstack-dev/replayed", "SecretString": "v"}).encode(),
        headers={
            "X-Amz-Target": "secretsmanager.CreateSecret",
            "Content-Type": "application/x-amz-json-1.1",
            "Authorization": "AWS4-HMAC-SHA256 Credential=x/20261207/us-east-1/secretsmanager/aws4_request, "
            "SignedHeaders=host, Signature=0",
            "amz-sdk-invocation-id": invocation,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def test_a_retried_operation_gets_its_first_answer_instead_of_running_twice(tmp_path: Path):
    log = tmp_path / "emulator.log"
    running = emulator.start("123456789012", log=log)
    try:
        first = _create_secret(running.url, "invocation-1")
        retry = _create_secret(running.url, "invocation-1")
        another = _create_secret(running.url, "invocation-2")
    finally:
        running.stop()
    assert first[0] == 200 and retry == first
    assert another[0] == 400 and b"ResourceExistsException" in another[1]
    assert "replayed the answer of invocation invocation-1 to its retry" in log.read_text()
