"""docs/openapi.json is generated from the API's models by its own resolver, and is current."""

from __future__ import annotations

import json

from smartstack_api import routes
from smartstack_tooling.reports import openapi


def test_the_committed_document_is_current():
    assert openapi.is_current(), "docs/openapi.json is stale: run `make docs`"


ROUTES = {
    ("/health", "get"),
    ("/tasks", "get"),
    ("/tasks", "post"),
    ("/tasks/{task_id}", "get"),
    ("/tasks/{task_id}", "patch"),
    ("/tasks/{task_id}/attachments", "get"),
    ("/tasks/{task_id}/attachments", "post"),
    ("/tasks/{task_id}/attachments/{name}", "get"),
    ("/tasks/{task_id}/process", "post"),
    ("/tasks/{task_id}/jobs/{job_id}", "get"),
}


def test_every_route_is_documented_with_its_models_and_error_shape():
    document = routes.openapi_document()
    assert {(path, method) for path, ops in document["paths"].items() for method in ops} == ROUTES
    assert document["security"] == [{"bearerToken": []}]
    for path, ops in document["paths"].items():
        for method, operation in ops.items():
            statuses = set(operation["responses"])
            assert {"400", "401", "503"} <= statuses and "422" not in statuses, (path, method)
            for status, response in operation["responses"].items():
                schema = response["content"]["application/json"]["schema"]
                if status.startswith(("4", "5")):
                    assert schema == {"$ref": "#/components/schemas/ErrorMessage"}, (path, method, status)
            if method in ("post", "patch"):
                body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
                assert body.rsplit("/", 1)[1] in {
                    "TaskCreate",
                    "TaskUpdate",
                    "UploadRequest",
                    "ProcessRequest",
                }
    json.dumps(document)  # serialisable as written
