"""ReplayRetries: an SDK retry never runs an operation twice, and 5xx answers are not replayed."""

from __future__ import annotations

import threading
from typing import Any

from smartstack_tooling.harness.emulator_replay import ReplayRetries


class Operations:
    """A WSGI app that counts what it runs; ``gate`` holds an operation until released."""

    def __init__(self, status: str = "200 OK") -> None:
        self.runs, self.status, self.gate = 0, status, threading.Event()
        self.gate.set()

    def __call__(self, environ: dict, start_response: Any) -> list[bytes]:
        self.runs += 1
        self.gate.wait(10)
        start_response(self.status, [("Content-Type", "text/plain")])
        return [f"answer {self.runs}".encode()]


def call(app: ReplayRetries, invocation: str | None) -> tuple[str, bytes]:
    started: list[str] = []
    environ = {"HTTP_AMZ_SDK_INVOCATION_ID": invocation} if invocation else {}
    body = b"".join(app(environ, lambda status, headers, *rest: started.append(status)))
    return started[0], body


def test_a_retry_is_answered_with_the_first_answer():
    operations, lines = Operations(), []
    app = ReplayRetries(operations, lines.append)
    assert call(app, "a") == call(app, "a") == ("200 OK", b"answer 1")
    assert call(app, "b") == ("200 OK", b"answer 2")
    assert operations.runs == 2 and lines == ["replayed the answer of invocation a to its retry"]


def test_a_retry_during_its_first_attempt_waits_for_that_answer():
    operations = Operations()
    operations.gate.clear()
    app = ReplayRetries(operations, lambda line: None)
    answers: list[tuple[str, bytes]] = []
    attempts = [threading.Thread(target=lambda: answers.append(call(app, "a"))) for _ in range(2)]
    for attempt in attempts:
        attempt.start()
    operations.gate.set()
    for attempt in attempts:
        attempt.join(10)
    assert answers == [("200 OK", b"answer 1")] * 2 and operations.runs == 1


def test_server_errors_and_requests_without_an_invocation_run_every_time():
    failing = Operations("503 Service Unavailable")
    app = ReplayRetries(failing, lambda line: None)
    call(app, "a"), call(app, "a"), call(app, None), call(app, None)
    assert failing.runs == 4
