"""The emulator answers an SDK's retry of an operation it already did with that operation's answer.

The SDKs retry an operation whose answer they did not get, under the same ``amz-sdk-invocation-id``
header. Under load (2 cores, Terraform at parallelism 40) an answer of the emulator's development server
is sometimes lost on the way back, and the retry reached moto as a second operation: a second
AuthorizeSecurityGroupIngress failed as InvalidPermission.Duplicate, a second DeleteSecret as "already
marked deleted" (both seen in CI, the access log naming each retry). AWS does not lose answers that
way; so the emulator replays the first attempt's answer instead of doing the operation again. A retry
that arrives while the first attempt still runs waits for it. Answers of 5xx are not kept: the SDK is
right to try those again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

INVOCATION_HEADER = "HTTP_AMZ_SDK_INVOCATION_ID"
KEPT_ANSWERS = 4096  # the newest invocations; a retry comes within seconds of its first attempt

Answer = tuple[str, list[tuple[str, str]], bytes]
StartResponse = Callable[..., Any]


class ReplayRetries:
    """WSGI middleware around the emulator's application."""

    def __init__(self, app: Callable[[dict, StartResponse], Iterable[bytes]], log: Callable[[str], None]):
        self.app, self.log = app, log
        self.answers: OrderedDict[str, Answer] = OrderedDict()
        self.running: dict[str, threading.Event] = {}
        self.lock = threading.Lock()

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        invocation = environ.get(INVOCATION_HEADER)
        if not invocation:
            return self.app(environ, start_response)
        with self.lock:
            answer, first_attempt = self.answers.get(invocation), self.running.get(invocation)
            if answer is None and first_attempt is None:
                self.running[invocation] = threading.Event()
        if first_attempt is not None:  # the retry of an attempt still running: its answer is the retry's
            first_attempt.wait()
            with self.lock:
                answer = self.answers.get(invocation)
            if answer is None:  # the first attempt failed (5xx): this retry is a new attempt
                return self.app(environ, start_response)
        if answer is not None:
            self.log(f"replayed the answer of invocation {invocation} to its retry")
            status, headers, body = answer
            start_response(status, headers)
            return [body]
        return self._answer_and_keep(invocation, environ, start_response)

    def _answer_and_keep(self, invocation: str, environ: dict, start_response: StartResponse) -> list[bytes]:
        started: dict[str, Any] = {}

        def keep_start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started.update(status=status, headers=list(headers))
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        try:
            result = self.app(environ, keep_start)
            try:
                body = b"".join(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
            if started and not str(started["status"]).startswith("5"):
                with self.lock:
                    self.answers[invocation] = (started["status"], started["headers"], body)
                    while len(self.answers) > KEPT_ANSWERS:
                        self.answers.popitem(last=False)
            return [body]
        finally:
            with self.lock:
                self.running.pop(invocation).set()
