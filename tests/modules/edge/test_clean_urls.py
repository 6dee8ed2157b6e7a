"""The edge module's clean-URL CloudFront Function, run under Node with the events CloudFront sends.

CloudFront runs the file as a script (cloudfront-js-2.0), not as a CommonJS module: the harness evaluates
its source in a bare context, as CloudFront does, and calls ``handler(event)`` with a viewer-request
event of the documented shape.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from typing import Any

import pytest
from smartstack_tooling.operations import publish_web

from tests.conftest import REPO

FUNCTION = REPO / "modules" / "edge" / "functions" / "clean-urls.js"
CLOUDFRONT_FUNCTION_MAX_BYTES = 10 * 1024  # CloudFront's limit on a function's code
HARNESS = r"""
const fs = require('fs');
const vm = require('vm');
const file = process.argv[1];
const event = JSON.parse(fs.readFileSync(0, 'utf8'));
const context = {};  // no require, module or process: what a CloudFront Function has not either
vm.runInNewContext(fs.readFileSync(file, 'utf8'), context, { filename: file });
process.stdout.write(JSON.stringify(context.handler(event)));
"""


def viewer_request(uri: str, querystring: dict[str, Any] | None = None) -> dict[str, Any]:
    """A cloudfront-js-2.0 viewer-request event, as CloudFront's documentation shows it."""
    return {
        "version": "1.0",
        "context": {
            "distributionDomainName": "d111111abcdef8.cloudfront.net",
            "distributionId": "EDFDVBD6EXAMPLE",
            "eventType": "viewer-request",
            "requestId": "4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==",
        },
        "viewer": {"ip": "198.51.100.11"},
        "request": {
            "method": "GET",
            "uri": uri,
            "querystring": querystring or {},
            "headers": {"host": {"value": "staging.smartstack.example.com"}},
            "cookies": {"session": {"value": "abc"}},
        },
    }


def handle(event: dict[str, Any]) -> dict[str, Any]:
    """What the function returns for ``event``: the request CloudFront forwards to the web bucket."""
    node = shutil.which("node")
    assert node, "node is missing: apt-get install -y npm (the CloudFront Function runs under it here)"
    done = subprocess.run(
        [node, "-e", HARNESS, str(FUNCTION)],
        input=json.dumps(event),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    ("uri", "key"),
    [
        ("/", "/index.html"),  # the site's root page
        ("/tasks", "/tasks.html"),  # a page: Next.js (trailingSlash: false) exports tasks.html
        ("/tasks/", "/tasks/index.html"),  # a directory's index
        ("/tasks/42", "/tasks/42.html"),  # a nested page
        ("/a.b/c", "/a.b/c.html"),  # a dot in a directory does not make the last segment a file
        ("/_next/static/x.js", "/_next/static/x.js"),  # an asset: its key as it is
        ("/tasks.html", "/tasks.html"),
        ("/favicon.ico", "/favicon.ico"),
    ],
)
def test_clean_urls_map_to_the_exports_keys(uri: str, key: str) -> None:
    assert handle(viewer_request(uri))["uri"] == key


def test_only_the_uri_changes() -> None:
    querystring = {
        "page": {"value": "2"},
        "tag": {"value": "a", "multiValue": [{"value": "a"}, {"value": "b"}]},
    }
    event = viewer_request("/tasks", querystring)
    expected = {**copy.deepcopy(event["request"]), "uri": "/tasks.html"}
    assert handle(event) == expected


@pytest.mark.parametrize(
    "key", ["index.html", "tasks.html", "tasks/index.html", "a.b/c.html", "v1.2.html", "robots.txt"]
)
def test_every_path_publish_web_invalidates_for_a_key_reaches_that_key(key: str) -> None:
    """make publish-web invalidates the URIs this function maps onto a changed key (its Python mirror)."""
    for path in publish_web.viewer_paths(key):
        assert handle(viewer_request(path))["uri"] == f"/{key}", path


def test_terraform_deploys_this_file_within_cloudfronts_size_limit(plan_root) -> None:
    plan = plan_root(REPO / "tests" / "modules" / "edge").json
    (function,) = [r for r in plan["resource_changes"] if r["type"] == "aws_cloudfront_function"]
    assert function["change"]["after"]["code"] == FUNCTION.read_text()
    assert function["change"]["after"]["runtime"] == "cloudfront-js-2.0"
    assert len(FUNCTION.read_bytes()) <= CLOUDFRONT_FUNCTION_MAX_BYTES
