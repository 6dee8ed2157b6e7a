"""Every kind of bad input gets a 4xx whose message names the problem (the models' validation, the
transport checks before it, and the routes' own checks)."""

from __future__ import annotations

import pytest
from fn_helpers import api_event, call_api
from smartstack_api.limits import DESCRIPTION_MAX, MAX_BODY_BYTES, TITLE_MAX

TASK = "00000000-0000-4000-8000-000000000001"
CASES = [
    # (method, path, body, status, a fragment of the message)
    ("POST", "/tasks", {"title": "t", "owner": "x"}, 400, "unknown field(s): owner"),
    ("POST", "/tasks", {"description": "d"}, 400, "'title': is required"),
    ("POST", "/tasks", {"title": "   "}, 400, "'title': String should have at least 1 character"),
    ("POST", "/tasks", {"title": "x" * (TITLE_MAX + 1)}, 400, f"at most {TITLE_MAX} characters"),
    ("POST", "/tasks", {"title": "t", "description": "d" * (DESCRIPTION_MAX + 1)}, 400, "'description'"),
    ("POST", "/tasks", {"title": 5}, 400, "'title': Input should be a valid string"),
    ("POST", "/tasks", {"title": "a\x00b"}, 400, "without NUL characters"),
    ("POST", "/tasks", '{"title": "\\ud800"}', 400, "unable to parse raw data as a unicode string"),
    ("POST", "/tasks", "[1, 2]", 400, "request body must be a JSON object"),
    ("POST", "/tasks", "{nope", 400, "request body is not valid JSON"),
    ("POST", "/tasks", "[" * 5000 + "]" * 5000, 400, "request body is not valid JSON"),
    ("POST", "/tasks", None, 400, "request body must be a JSON object"),
    ("POST", "/tasks", {"title": "x" * MAX_BODY_BYTES}, 413, f"at most {MAX_BODY_BYTES} bytes"),
    ("PATCH", f"/tasks/{TASK}", {}, 400, "nothing to update"),
    ("PATCH", f"/tasks/{TASK}", {"status": "failed"}, 400, "'status'"),
    ("GET", "/tasks/not-a-uuid", None, 400, "'task_id': Input should be a valid UUID"),
    ("GET", f"/tasks/{TASK}/attachments/..evil", None, 400, "'name': must be 1-128 of"),
    ("POST", f"/tasks/{TASK}/attachments", {"name": "a.pdf", "content_type": "pdf"}, 400, "type/subtype"),
    ("GET", "/tasks", None, 400, "'limit'"),  # with ?limit=0, below
]


@pytest.mark.parametrize(("method", "path", "body", "status", "fragment"), CASES, ids=lambda v: str(v)[:40])
def test_bad_input_is_refused_with_its_reason(api, method, path, body, status, fragment):
    query = {"limit": "0"} if path == "/tasks" and method == "GET" else None
    response = call_api(api_event(method, path, body, query=query))
    assert response.status == status, response.body
    assert fragment in response.body["message"], response.body


def test_a_body_that_is_not_base64_is_refused(api):
    event = api_event("POST", "/tasks", "not base64 at all!")
    event["isBase64Encoded"] = True
    response = call_api(event)
    assert response.status == 400
    assert response.body["message"] == "request body is not valid base64-encoded UTF-8"
