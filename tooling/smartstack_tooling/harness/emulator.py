"""The local AWS emulator for ``local`` mode: a moto server on 127.0.0.1, one process per account.

``start(account_id)`` runs ``python -m smartstack_tooling.harness.emulator serve`` in its own process on
a free port, with ``MOTO_ACCOUNT_ID`` set to the environment's account (so the provider's
``allowed_account_ids`` guard stays live) and the workarounds of :mod:`emulator_workarounds` applied
inside that process only. What Terraform sends is never changed.

`make up` keeps its emulator running between commands: its address is recorded in
``build/local/<label>/emulator.json`` and `make down` reuses and then stops it.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

from .. import paths
from . import emulator_workarounds

HOST = "127.0.0.1"
READY_SECONDS = 60


@dataclass(frozen=True)
class Emulator:
    url: str
    pid: int
    account_id: str

    def alive(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/moto-api/", timeout=5) as answer:
                return answer.status == 200
        except (OSError, urllib.error.URLError):
            return False

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _pid_alive(self.pid):
            time.sleep(0.1)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.pid, signal.SIGKILL)

    def reset(self) -> None:
        """Forget every resource (moto's reset API)."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=30):
            pass


def _pid_alive(pid: int) -> bool:
    try:
        waited, _ = os.waitpid(pid, os.WNOHANG)
        return waited == 0
    except ChildProcessError:  # not our child (make down of a make up): ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def start(account_id: str, log: Path | None = None) -> Emulator:
    """Start a patched moto server for ``account_id`` and wait until it answers."""
    port = free_port()
    log = log or paths.LOCAL / "logs" / f"emulator-{account_id}-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "MOTO_ACCOUNT_ID": account_id}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "smartstack_tooling.harness.emulator", "serve", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stop() ends it and nothing else
        )
    emulator = Emulator(f"http://{HOST}:{port}", proc.pid, account_id)
    deadline = time.monotonic() + READY_SECONDS
    while not emulator.alive():
        if proc.poll() is not None or time.monotonic() > deadline:
            emulator.stop()
            raise RuntimeError(f"the local emulator did not start (log: {log}):\n{log.read_text()[-2000:]}")
        time.sleep(0.2)
    return emulator


def save(emulator: Emulator, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(asdict(emulator)))


def load(path: Path) -> Emulator | None:
    """The emulator recorded at ``path`` if it is still running, else None."""
    try:
        emulator = Emulator(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError):
        return None
    return emulator if emulator.alive() else None


def serve(port: int) -> None:
    """Run moto's server in this process, with the listed workarounds applied (see emulator_workarounds)."""
    for name, value in emulator_workarounds.EMULATOR_SETTINGS.items():
        os.environ.setdefault(name, value)
    emulator_workarounds.apply_all()
    _log_sdk_retries()
    _replay_sdk_retries()
    from moto.server import main as moto_main

    moto_main(["-H", HOST, "-p", str(port)])


def _log_sdk_retries() -> None:
    """Name the SDK's retries in the access log: a retried create that moto had done fails as a duplicate."""
    from werkzeug.serving import WSGIRequestHandler

    log_request = WSGIRequestHandler.log_request

    def log_request_with_attempt(
        self: WSGIRequestHandler, code: int | str = "-", size: int | str = "-"
    ) -> None:
        attempt = (getattr(self, "headers", None) or {}).get("amz-sdk-request", "")
        if attempt and not attempt.startswith("attempt=1;"):
            self.log("info", "retried request (%s) follows", attempt)
        log_request(self, code, size)

    WSGIRequestHandler.log_request = log_request_with_attempt  # type: ignore[method-assign]


def _replay_sdk_retries() -> None:
    """Wrap moto's application in emulator_replay.ReplayRetries (see there why)."""
    import moto.server

    from .emulator_replay import ReplayRetries

    run_simple = moto.server.run_simple

    def run_replaying(host: str, port: int, application: object, **options: object) -> None:
        log = lambda line: print(f"{HOST} - - {line}", file=sys.stderr, flush=True)  # noqa: E731
        run_simple(host, port, ReplayRetries(application, log), **options)  # type: ignore[arg-type]

    moto.server.run_simple = run_replaying  # type: ignore[assignment]


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "serve":
        serve(int(sys.argv[2]))
    else:
        sys.exit("usage: python -m smartstack_tooling.harness.emulator serve <port>")
