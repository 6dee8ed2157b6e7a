"""Publishing the site (make publish-web): on the emulator (moto's S3 and CloudFront), the objects and
their headers, the upload order, the skipped unchanged objects, the deletions and the one invalidation."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from smartstack_tooling.harness import emulator, roots
from smartstack_tooling.operations import local_env, publish_web
from smartstack_tooling.operations.publish_web import IMMUTABLE, REVALIDATE, SiteRefused

BUCKET = "smartstack-dev-web-123456789012-us-east-1"
HTML = "text/html; charset=utf-8"
PLACEHOLDER_CSS = next(p for p in (publish_web.WEB_DIR / "_next" / "static").rglob("*.css"))
PLACEHOLDER_CSS_KEY = PLACEHOLDER_CSS.relative_to(publish_web.WEB_DIR).as_posix()


@dataclass
class Stack:
    """A web bucket and a distribution on the emulator, and the S3 calls made to them, in order."""

    clients: publish_web.Clients
    endpoint: str
    distribution_id: str
    calls: list[tuple[str, Any]] = field(default_factory=list)

    def publish(self, site: Path) -> publish_web.PublishResult:
        return publish_web.publish(
            self.clients.s3, self.clients.cloudfront, BUCKET, self.distribution_id, site
        )

    def outputs(self) -> dict[str, str]:
        return {"web_bucket_name": BUCKET, "cloudfront_distribution_id": self.distribution_id}

    def objects(self) -> dict[str, tuple[str, str, bytes]]:
        """Each object's Content-Type, Cache-Control and content."""
        s3 = self.clients.s3
        found = {}
        for key in sorted(publish_web.published_keys(s3, BUCKET)):
            got = s3.get_object(Bucket=BUCKET, Key=key)
            found[key] = (got["ContentType"], got["CacheControl"], got["Body"].read())
        return found

    def invalidations(self) -> list[list[str]]:
        """The paths of every invalidation of the distribution."""
        cloudfront = self.clients.cloudfront
        listed = cloudfront.list_invalidations(DistributionId=self.distribution_id)["InvalidationList"]
        return [
            cloudfront.get_invalidation(DistributionId=self.distribution_id, Id=item["Id"])["Invalidation"][
                "InvalidationBatch"
            ]["Paths"].get("Items", [])
            for item in listed.get("Items", [])
        ]

    def writes(self) -> list[tuple[str, Any]]:
        return [(name, what) for name, what in self.calls if name in ("PutObject", "DeleteObjects")]


@pytest.fixture(scope="module")
def running() -> Iterator[emulator.Emulator]:
    started = emulator.start("123456789012")
    try:
        yield started
    finally:
        started.stop()


@pytest.fixture
def stack(running: emulator.Emulator) -> Stack:
    running.reset()
    clients = publish_web.clients_for("local", {roots.ENDPOINT_ENV: running.url})
    clients.s3.create_bucket(Bucket=BUCKET)
    distribution = clients.cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": "smartstack-dev",
            "Comment": "SmartStack dev",
            "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{
                "Id": "web-s3", "DomainName": f"{BUCKET}.s3.us-east-1.amazonaws.com",
                "S3OriginConfig": {"OriginAccessIdentity": ""},
            }]},
            "DefaultCacheBehavior": {"TargetOriginId": "web-s3", "ViewerProtocolPolicy": "redirect-to-https",
                                     "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6"},
        }
    )["Distribution"]  # fmt: skip
    created = Stack(clients, running.url, distribution["Id"])

    def record(model: Any, params: dict[str, Any], **_: Any) -> None:
        keys = [o["Key"] for o in params.get("Delete", {}).get("Objects", [])]
        created.calls.append((model.name, params.get("Key") or keys))

    clients.s3.meta.events.register("before-parameter-build.s3.*", record)  # the caller's parameters
    return created


def export(root: Path, files: dict[str, str]) -> Path:
    for key, text in files.items():
        (root / key).parent.mkdir(parents=True, exist_ok=True)
        (root / key).write_text(text)
    return root


V1 = {
    "index.html": "<h1>home v1</h1>",
    "tasks.html": "<h1>tasks</h1>",
    "about.html": "<h1>about</h1>",
    "robots.txt": "User-agent: *\n",
    "_next/static/a1/app.js": "console.log('v1')",
}
V2 = {
    "index.html": "<h1>home v2</h1>",  # changed
    "tasks.html": "<h1>tasks</h1>",  # unchanged
    "settings/index.html": "<h1>settings</h1>",  # new
    "robots.txt": "User-agent: *\nDisallow: /api/\n",  # changed
    "_next/static/b2/app.js": "console.log('v2')",  # new build; a1 and about.html are gone
}

# What V1 -> V2 invalidates: every URI of the unhashed keys changed, added or removed.
V2_INVALIDATED = ["/", "/about", "/about.html", "/index", "/index.html", "/robots.txt", "/settings/",
                  "/settings/index", "/settings/index.html"]  # fmt: skip


# ---------------------------------------------------------------------- on the emulator
def test_a_first_publish_uploads_the_placeholder_with_its_headers(stack: Stack) -> None:
    result = stack.publish(publish_web.WEB_DIR)

    web = publish_web.WEB_DIR
    assert stack.objects() == {
        "404.html": (HTML, REVALIDATE, (web / "404.html").read_bytes()),
        "index.html": (HTML, REVALIDATE, (web / "index.html").read_bytes()),
        PLACEHOLDER_CSS_KEY: ("text/css; charset=utf-8", IMMUTABLE, PLACEHOLDER_CSS.read_bytes()),
    }
    assert result.uploaded == (PLACEHOLDER_CSS_KEY, "404.html", "index.html")
    assert (result.unchanged, result.deleted) == ((), ())
    assert stack.invalidations() == [["/", "/404", "/404.html", "/index", "/index.html"]]
    assert result.invalidated == ("/", "/404", "/404.html", "/index", "/index.html")


def test_assets_go_up_before_pages_and_deletions_come_last(stack: Stack, tmp_path: Path) -> None:
    stack.publish(export(tmp_path / "v1", V1))
    stack.calls.clear()

    stack.publish(export(tmp_path / "v2", V2))

    assert stack.writes() == [
        ("PutObject", "_next/static/b2/app.js"),
        ("PutObject", "robots.txt"),
        ("PutObject", "index.html"),
        ("PutObject", "settings/index.html"),
        ("DeleteObjects", ["about.html", "_next/static/a1/app.js"]),  # the page before its assets
    ]


def test_changes_and_deletions_are_invalidated_once_and_exactly(stack: Stack, tmp_path: Path) -> None:
    stack.publish(export(tmp_path / "v1", V1))

    result = stack.publish(export(tmp_path / "v2", V2))

    assert result.uploaded == ("_next/static/b2/app.js", "robots.txt", "index.html", "settings/index.html")
    assert result.unchanged == ("tasks.html",)
    assert result.deleted == ("about.html", "_next/static/a1/app.js")
    assert stack.invalidations()[1:] == [V2_INVALIDATED], "one invalidation, of the unhashed changes only"
    assert result.invalidated == tuple(V2_INVALIDATED) and result.invalidation_id
    assert sorted(stack.objects()) == sorted(V2)
    assert stack.objects()["_next/static/b2/app.js"][:2] == ("text/javascript; charset=utf-8", IMMUTABLE)
    assert stack.objects()["robots.txt"][:2] == ("text/plain; charset=utf-8", REVALIDATE)


def test_a_second_publish_skips_what_is_unchanged(stack: Stack) -> None:
    stack.publish(publish_web.WEB_DIR)
    stack.calls.clear()

    result = stack.publish(publish_web.WEB_DIR)

    assert result.uploaded == result.deleted == result.invalidated == ()
    assert result.unchanged == ("404.html", PLACEHOLDER_CSS_KEY, "index.html")
    assert result.invalidation_id is None
    assert stack.writes() == []
    assert len(stack.invalidations()) == 1, "no invalidation when nothing changed"


def test_an_object_with_other_headers_is_uploaded_again(stack: Stack) -> None:
    stack.publish(publish_web.WEB_DIR)
    index = publish_web.site_file(publish_web.WEB_DIR, publish_web.WEB_DIR / "index.html")
    stack.clients.s3.put_object(  # the same content, cached for ten minutes by an earlier publisher
        Bucket=BUCKET, Key="index.html", Body=index.path.read_bytes(), ContentType=HTML,
        CacheControl="max-age=600", Metadata={"sha256": index.sha256},
    )  # fmt: skip

    result = stack.publish(publish_web.WEB_DIR)

    assert result.uploaded == ("index.html",)
    assert result.invalidated == ("/", "/index", "/index.html")
    assert stack.objects()["index.html"][1] == REVALIDATE


class RefusingDeletes:
    """The emulator's S3, but for a DeleteObjects that refuses one key as S3 does (in Errors, not raised)."""

    def __init__(self, s3: Any, refused_key: str) -> None:
        self.s3, self.refused_key = s3, refused_key

    def __getattr__(self, name: str) -> Any:
        return getattr(self.s3, name)

    def delete_objects(self, Bucket: str, Delete: dict[str, Any]) -> dict[str, Any]:  # boto3 names
        kept = [o for o in Delete["Objects"] if o["Key"] != self.refused_key]
        self.s3.delete_objects(Bucket=Bucket, Delete={**Delete, "Objects": kept})
        return {"Errors": [{"Key": self.refused_key, "Code": "AccessDenied", "Message": "Access Denied"}]}


def test_a_refused_deletion_fails_after_the_rest_is_published_and_invalidated(
    stack: Stack, tmp_path: Path
) -> None:
    stack.publish(export(tmp_path / "v1", V1))
    s3 = RefusingDeletes(stack.clients.s3, "about.html")

    with pytest.raises(publish_web.PublishFailed, match=r"did not delete about\.html \(AccessDenied\)"):
        publish_web.publish(
            s3, stack.clients.cloudfront, BUCKET, stack.distribution_id, export(tmp_path / "v2", V2)
        )
    assert stack.invalidations()[1:] == [V2_INVALIDATED], "the changes are invalidated all the same"
    assert sorted(stack.objects()) == sorted([*V2, "about.html"])


BAD_EXPORTS = {
    "missing": (None, "does not exist: build the static export"),
    "a-file": ({}, "is a file, not a directory"),
    "empty": ({}, "holds no files: build the static export"),
    "no-index": ({"about.html": "<p>", "_next/static/x/a.css": "a{}"}, "has no index.html at its top"),
}


@pytest.mark.parametrize("case", list(BAD_EXPORTS))
def test_a_bad_export_is_refused_before_anything_is_uploaded(stack: Stack, tmp_path: Path, case: str) -> None:
    files, fix = BAD_EXPORTS[case]
    site = tmp_path / "out"
    if case == "a-file":
        site.write_text("not an export")
    elif files is not None:
        site.mkdir()
        export(site, files)
    stack.calls.clear()

    with pytest.raises(SiteRefused, match=re.escape(fix)):
        stack.publish(site)
    lines: list[str] = []
    code = publish_web.publish_to("dev", "local", {}, lambda: pytest.fail("outputs read"), site, lines.append)

    assert code == publish_web.EXIT_REFUSED and fix in lines[0]
    assert stack.calls == [] and stack.objects() == {}


def test_after_apply_publishes_web_and_says_what_it_did(stack: Stack) -> None:
    lines: list[str] = []
    environ = {roots.ENDPOINT_ENV: stack.endpoint}

    code = publish_web.after_apply("dev", "local", environ, stack.outputs, lines.append)

    assert code == publish_web.EXIT_PUBLISHED
    (invalidation,) = stack.clients.cloudfront.list_invalidations(DistributionId=stack.distribution_id)[
        "InvalidationList"
    ]["Items"]
    assert lines[1:] == [
        f"   uploaded 3: {PLACEHOLDER_CSS_KEY}, 404.html, index.html",
        "   unchanged 0",
        "   deleted 0",
        f"   invalidated (invalidation {invalidation['Id']}) 5: /, /404, /404.html, /index, /index.html",
        "== dev: site published",
    ]
    assert sorted(stack.objects()) == ["404.html", PLACEHOLDER_CSS_KEY, "index.html"]


def test_an_apply_never_replaces_a_published_site(stack: Stack, tmp_path: Path) -> None:
    """The placeholder is for a first deploy: once the team publishes its export, applies leave it."""
    environ = {roots.ENDPOINT_ENV: stack.endpoint}
    assert publish_web.publish_to("dev", "local", environ, stack.outputs, export(tmp_path / "out", V1)) == 0
    before = stack.objects()
    lines: list[str] = []

    code = publish_web.after_apply("dev", "local", environ, stack.outputs, lines.append)

    assert code == publish_web.EXIT_PUBLISHED and stack.objects() == before
    assert lines == [
        f"== dev: s3://{stack.outputs()['web_bucket_name']} already serves a site: left as is "
        "(make publish-web ENV=dev SITE=<dir>)"
    ]


def test_an_s3_error_fails_the_step_with_its_message(stack: Stack) -> None:
    lines: list[str] = []
    outputs = {**stack.outputs(), "web_bucket_name": "smartstack-dev-web-missing"}
    environ = {roots.ENDPOINT_ENV: stack.endpoint}

    code = publish_web.after_apply("dev", "local", environ, lambda: outputs, lines.append)

    assert code == publish_web.EXIT_FAILED
    assert "publishing failed" in lines[-1] and "NoSuchBucket" in lines[-1]


def test_the_command_publishes_a_site_to_the_emulator_of_make_up(
    stack: Stack, running: emulator.Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv(roots.MODE_ENV, "local")
    monkeypatch.setattr(local_env, "running_emulator", lambda env: running if env == "dev" else None)
    monkeypatch.setattr(local_env, "outputs", lambda env, emu: stack.outputs())

    code = publish_web.main(["dev", "--site", str(export(tmp_path / "out", V1))])

    assert code == publish_web.EXIT_PUBLISHED, capsys.readouterr()
    assert sorted(stack.objects()) == sorted(V1)
    assert "   uploaded 5: _next/static/a1/app.js, robots.txt, about.html, index.html, tasks.html" in (
        capsys.readouterr().out.splitlines()
    )


# ---------------------------------------------------------------------- without the emulator
def test_offline_after_apply_publishes_nothing() -> None:
    lines: list[str] = []
    code = publish_web.after_apply("dev", "offline", {}, lambda: pytest.fail("outputs read"), lines.append)
    assert (code, lines) == (publish_web.EXIT_PUBLISHED, [])


def test_outputs_without_the_bucket_fail_and_name_the_fix() -> None:
    lines: list[str] = []
    code = publish_web.after_apply("dev", "real", {}, lambda: {"api_url": "https://api"}, lines.append)
    assert code == publish_web.EXIT_FAILED
    assert "web_bucket_name" in lines[-1] and "make apply ENV=dev" in lines[-1]


def test_the_command_refuses_offline_mode(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv(roots.MODE_ENV, "offline")
    assert publish_web.main(["dev"]) == publish_web.EXIT_REFUSED
    assert f"{roots.MODE_ENV}=local after `make up ENV=dev`" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        publish_web.main(["qa"])
    assert usage.value.code == 2


@pytest.mark.parametrize(
    ("key", "content_type", "cache_control"),
    [
        ("index.html", HTML, REVALIDATE),
        ("tasks/index.html", HTML, REVALIDATE),
        ("_next/static/css/0a1b2c.css", "text/css; charset=utf-8", IMMUTABLE),
        ("_next/static/chunks/main-0a1b2c.js", "text/javascript; charset=utf-8", IMMUTABLE),
        ("_next/static/media/font.0a1b2c.woff2", "font/woff2", IMMUTABLE),
        ("tasks.txt", "text/plain; charset=utf-8", REVALIDATE),  # Next.js's RSC payload of a page
        ("favicon.ico", "image/vnd.microsoft.icon", REVALIDATE),
        ("logo.svg", "image/svg+xml; charset=utf-8", REVALIDATE),
        ("data.json", "application/json; charset=utf-8", REVALIDATE),
        ("LICENSE", "application/octet-stream", REVALIDATE),
        ("_next/static/chunks/main.js.gz", "application/octet-stream", IMMUTABLE),  # no Content-Encoding
    ],
)
def test_headers_follow_the_key(key: str, content_type: str, cache_control: str) -> None:
    assert (publish_web.content_type(key), publish_web.cache_control(key)) == (content_type, cache_control)


@pytest.mark.parametrize(
    ("key", "paths"),
    [
        ("index.html", ["/index.html", "/index", "/"]),
        ("tasks.html", ["/tasks.html", "/tasks"]),
        ("tasks/index.html", ["/tasks/index.html", "/tasks/index", "/tasks/"]),
        ("v1.2.html", ["/v1.2.html"]),  # /v1.2 has a dot: the function passes it unchanged
        ("my page.html", ["/my%20page.html", "/my%20page"]),
        ("robots.txt", ["/robots.txt"]),
    ],
)
def test_viewer_paths_are_the_uris_the_function_maps_onto_a_key(key: str, paths: list[str]) -> None:
    assert publish_web.viewer_paths(key) == paths


def test_more_paths_than_cloudfront_takes_become_one_wildcard() -> None:
    keys = [f"page-{n}.html" for n in range(publish_web.MAX_INVALIDATION_PATHS)]
    assert publish_web.invalidation_paths(keys) == ["/*"]
    assert publish_web.invalidation_paths([*keys[:10], "_next/static/x/app.js"]) == sorted(
        p for n in range(10) for p in (f"/page-{n}", f"/page-{n}.html")
    )


def test_the_placeholders_assets_exist_and_are_named_by_their_content() -> None:
    site = publish_web.WEB_DIR
    for asset in (site / "_next" / "static").rglob("*"):
        if asset.is_file():
            assert asset.parent.name == hashlib.sha256(asset.read_bytes()).hexdigest()[:16], (
                f"{asset} changed: rename its directory to its content's hash (browsers cache it a year)"
            )
    for page in site.glob("*.html"):
        for reference in re.findall(r'"/(_next/static/[^"]+)"', page.read_text()):
            assert (site / reference).is_file(), f"{page.name} links to a missing {reference}"
