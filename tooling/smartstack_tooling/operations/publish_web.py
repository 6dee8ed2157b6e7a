"""Publish the site: upload a static export to the environment's web bucket and invalidate what changed.

``make publish-web ENV=<env> [SITE=<dir>]`` runs it; without ``SITE`` it publishes the placeholder kept in
``web/``, so a first deploy answers with a page. The export is what Next.js ``output: 'export'`` writes.

- Headers: Content-Type from the file's extension (Python's built-in table plus the web's own types, never
  the machine's /etc/mime.types); Cache-Control ``public, max-age=31536000, immutable`` for the
  content-hashed assets under ``_next/static/``, ``no-cache`` for HTML and every other unhashed file.
- Order: every other file before the HTML, so no page is served before its assets exist; objects no
  longer in the export are deleted last (pages before assets).
- Unchanged objects are skipped: each object carries its content's SHA-256 in its metadata, compared with
  its Content-Type and Cache-Control (a changed header rule re-uploads too).
- Invalidation: one, of the unhashed keys uploaded or deleted and of every URL the edge module's clean-URL
  function maps onto them (AWS advises invalidating the viewer's URI and the rewritten one); none when
  nothing changed. Hashed assets are never invalidated: a new build names new files.
- Refused before anything is uploaded: a missing directory, an empty export, an export without index.html.

Reads the env root's ``web_bucket_name`` and ``cloudfront_distribution_id`` outputs (envs/common/outputs.tf).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import sys
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from mimetypes import MimeTypes
from pathlib import Path
from typing import Any
from urllib.parse import quote

from .. import paths
from ..harness import roots
from .deployed import applied_outputs, client_factory

WEB_DIR = paths.REPO / "web"
HASHED_PREFIX = "_next/static/"  # Next.js names every file under it by its content (or build id)
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
DIGEST_METADATA = "sha256"  # x-amz-meta-sha256: the hex SHA-256 of the object's content
UNKNOWN_TYPE = "application/octet-stream"
# Types the web serves that Python's table lacks or names the old way (RFC 9239: text/javascript).
WEB_TYPES = {
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".map": "application/json",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".otf": "font/otf",
    ".webp": "image/webp",
}
UTF8_TYPES = ("text/", "application/json", "application/manifest+json", "image/svg+xml")
DELETE_BATCH = 1000  # DeleteObjects' limit
MAX_INVALIDATION_PATHS = 3000  # CloudFront's limit on file paths in progress; beyond it, one wildcard
EXIT_PUBLISHED, EXIT_FAILED, EXIT_REFUSED = 0, 1, 2

_TYPES = MimeTypes()  # the built-in table only: the machine's mime.types must not change the headers
for _extension, _type in WEB_TYPES.items():
    _TYPES.add_type(_type, _extension)


class SiteRefused(ValueError):
    """The export cannot be published as it is; the message names the fix."""


class PublishFailed(RuntimeError):
    """S3 refused part of the publication (the message says which objects)."""


@dataclass(frozen=True)
class SiteFile:
    key: str
    path: Path
    sha256: str
    content_type: str
    cache_control: str

    @property
    def is_html(self) -> bool:
        return is_html(self.key)


@dataclass(frozen=True)
class Clients:
    s3: Any
    cloudfront: Any


@dataclass(frozen=True)
class PublishResult:
    uploaded: tuple[str, ...]  # keys, in upload order
    unchanged: tuple[str, ...]
    deleted: tuple[str, ...]
    invalidated: tuple[str, ...]  # paths of the one invalidation (empty: none was created)
    invalidation_id: str | None = None

    def lines(self) -> list[str]:
        invalidation = f" (invalidation {self.invalidation_id})" if self.invalidation_id else ""
        return [
            _listed("uploaded", self.uploaded),
            _listed("unchanged", self.unchanged),
            _listed("deleted", self.deleted),
            _listed(f"invalidated{invalidation}", self.invalidated),
        ]


def _listed(label: str, items: tuple[str, ...]) -> str:
    return f"   {label} {len(items)}" + (f": {', '.join(items)}" if items else "")


# ---------------------------------------------------------------------- the export
def is_html(key: str) -> bool:
    return content_type(key).startswith("text/html")


def content_type(key: str) -> str:
    guessed, encoding = _TYPES.guess_type(key, strict=False)
    if guessed is None or encoding is not None:  # x.js.gz is not JavaScript without a Content-Encoding
        return UNKNOWN_TYPE
    return f"{guessed}; charset=utf-8" if guessed.startswith(UTF8_TYPES) else guessed


def cache_control(key: str) -> str:
    return IMMUTABLE if key.startswith(HASHED_PREFIX) else REVALIDATE


def site_file(site: Path, path: Path) -> SiteFile:
    key = path.relative_to(site).as_posix()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return SiteFile(key, path, digest, content_type(key), cache_control(key))


def read_site(site: Path) -> list[SiteFile]:
    """The export's files, keyed as CloudFront requests them; refused when it cannot serve a page."""
    how_to = "build the static export (Next.js `output: 'export'` writes out/) and pass SITE=<its directory>"
    if not site.exists():
        raise SiteRefused(f"{site} does not exist: {how_to}, or leave SITE unset to publish web/")
    if not site.is_dir():
        raise SiteRefused(f"{site} is a file, not a directory: {how_to}")
    files = sorted(p for p in site.rglob("*") if p.is_file())
    if not files:
        raise SiteRefused(f"{site} holds no files: {how_to}; nothing was uploaded")
    if not (site / "index.html").is_file():
        raise SiteRefused(
            f"{site} has no index.html at its top, so / would answer 404: pass the export's root directory "
            "(the one holding index.html); nothing was uploaded"
        )
    return [site_file(site, path) for path in files]


# ---------------------------------------------------------------------- the bucket
def published_keys(s3: Any, bucket: str) -> set[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {obj["Key"] for page in pages for obj in page.get("Contents", [])}


def is_current(s3: Any, bucket: str, file: SiteFile) -> bool:
    """Whether the published object has the file's content and headers."""
    head = s3.head_object(Bucket=bucket, Key=file.key)
    return (
        head.get("Metadata", {}).get(DIGEST_METADATA) == file.sha256
        and head.get("ContentType") == file.content_type
        and head.get("CacheControl") == file.cache_control
    )


def upload(s3: Any, bucket: str, file: SiteFile) -> None:
    s3.put_object(
        Bucket=bucket,
        Key=file.key,
        Body=file.path.read_bytes(),
        ContentType=file.content_type,
        CacheControl=file.cache_control,
        Metadata={DIGEST_METADATA: file.sha256},
        # S3 checks the bytes it stores against the digest the metadata records.
        ChecksumSHA256=base64.b64encode(bytes.fromhex(file.sha256)).decode(),
    )


def delete(s3: Any, bucket: str, keys: list[str]) -> list[str]:
    """Delete ``keys``; returns those S3 refused to delete (with its error code)."""
    refused = []
    for start in range(0, len(keys), DELETE_BATCH):
        batch = keys[start : start + DELETE_BATCH]
        answer = s3.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True}
        )
        refused += [f"{e['Key']} ({e.get('Code')})" for e in answer.get("Errors", [])]
    return refused


# ---------------------------------------------------------------------- the CDN
def viewer_paths(key: str) -> list[str]:
    """Every URI the clean-URL function (modules/edge/functions/clean-urls.js) maps onto ``key``."""
    path = "/" + quote(key)
    found = [path]
    if is_html(key):
        stem = path.removesuffix(".html")
        if "." not in stem.rsplit("/", 1)[-1]:  # the function adds .html only to a segment without a dot
            found.append(stem)
        if key == "index.html" or key.endswith("/index.html"):
            found.append(path.removesuffix("index.html"))
    return found


def invalidation_paths(keys: Iterable[str]) -> list[str]:
    """The paths to invalidate for these changed keys: hashed assets never (new builds name new files)."""
    found = sorted({p for key in keys if not key.startswith(HASHED_PREFIX) for p in viewer_paths(key)})
    return ["/*"] if len(found) > MAX_INVALIDATION_PATHS else found


def invalidate(cloudfront: Any, distribution_id: str, invalidated: list[str]) -> str:
    answer = cloudfront.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": len(invalidated), "Items": invalidated},
            "CallerReference": f"publish-web-{uuid.uuid4()}",
        },
    )
    return answer["Invalidation"]["Id"]


# ---------------------------------------------------------------------- publishing
def publish_files(
    s3: Any, cloudfront: Any, bucket: str, distribution_id: str, files: list[SiteFile]
) -> PublishResult:
    """Upload what changed (assets, then pages), delete what left, invalidate the unhashed changes once."""
    published = published_keys(s3, bucket)
    changed = [f for f in files if f.key not in published or not is_current(s3, bucket, f)]
    ordered = [f for f in changed if not f.is_html] + [f for f in changed if f.is_html]
    for file in ordered:
        upload(s3, bucket, file)
    exported = {f.key for f in files}
    gone = sorted(published - exported, key=lambda key: (not is_html(key), key))  # pages before assets
    refused = delete(s3, bucket, gone)
    uploaded = [f.key for f in ordered]
    invalidated = invalidation_paths([*uploaded, *gone])
    invalidation_id = invalidate(cloudfront, distribution_id, invalidated) if invalidated else None
    if refused:  # after the invalidation: what was uploaded is served; the next publish deletes again
        raise PublishFailed(
            f"S3 did not delete {', '.join(refused)}; the rest is published and invalidated "
            f"({invalidation_id}): publish again to retry the deletion"
        )
    return PublishResult(
        uploaded=tuple(uploaded),
        unchanged=tuple(sorted(exported - set(uploaded))),
        deleted=tuple(gone),
        invalidated=tuple(invalidated),
        invalidation_id=invalidation_id,
    )


def publish(s3: Any, cloudfront: Any, bucket: str, distribution_id: str, site: Path) -> PublishResult:
    """Publish the export at ``site`` to ``bucket`` behind distribution ``distribution_id``."""
    return publish_files(s3, cloudfront, bucket, distribution_id, read_site(site))


# ---------------------------------------------------------------------- the deploy sequence
def clients_for(mode: str, environ: Mapping[str, str]) -> Clients:
    """S3 and CloudFront clients: the caller's credentials, or the emulator of `make up` (local mode)."""
    make = client_factory(mode, environ)
    return Clients(s3=make("s3"), cloudfront=make("cloudfront"))


def publish_to(
    env: str,
    mode: str,
    environ: Mapping[str, str],
    read_outputs: Callable[[], Mapping[str, Any]],
    site: Path,
    out: Callable[[str], None] = print,
) -> int:
    """Publish ``site`` to ``env``'s web bucket; the exit code says how it went, the lines what it did."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        files = read_site(site)  # before the outputs: a bad export is refused without touching AWS
    except SiteRefused as err:
        out(f"== {env}: publishing refused: {err}")
        return EXIT_REFUSED
    outputs = read_outputs()
    bucket, distribution_id = outputs.get("web_bucket_name"), outputs.get("cloudfront_distribution_id")
    if not bucket or not distribution_id:
        out(
            f"== {env}: publishing failed: the root's outputs name no web_bucket_name or "
            f"cloudfront_distribution_id: apply it first (make apply ENV={env})"
        )
        return EXIT_FAILED
    out(f"== {env}: publishing {site} ({len(files)} files) to s3://{bucket}, distribution {distribution_id}")
    try:
        clients = clients_for(mode, environ)
        result = publish_files(clients.s3, clients.cloudfront, bucket, distribution_id, files)
    except (BotoCoreError, ClientError, RuntimeError) as err:  # PublishFailed is a RuntimeError
        out(f"== {env}: publishing failed: {err}")
        return EXIT_FAILED
    for line in result.lines():
        out(line)
    out(f"== {env}: site published")
    return EXIT_PUBLISHED


def after_apply(
    env: str,
    mode: str,
    environ: Mapping[str, str],
    read_outputs: Callable[[], Mapping[str, Any]],
    out: Callable[[str], None] = print,
) -> int:
    """A deploy step after the apply: on a first deploy (no index.html in the bucket), publish the
    placeholder web/ so the site answers with a page. A site already published is the team's own
    (`make publish-web SITE=<dir>`): an apply never replaces it. Offline, nothing was applied."""
    if mode == "offline":
        return EXIT_PUBLISHED
    outputs = read_outputs()
    bucket = outputs.get("web_bucket_name")
    if bucket and site_is_published(clients_for(mode, environ).s3, str(bucket)):
        out(
            f"== {env}: s3://{bucket} already serves a site: left as is "
            f"(make publish-web ENV={env} SITE=<dir>)"
        )
        return EXIT_PUBLISHED
    return publish_to(env, mode, environ, lambda: outputs, WEB_DIR, out)


def site_is_published(s3: Any, bucket: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        s3.head_object(Bucket=bucket, Key="index.html")
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True


def main(argv: list[str]) -> int:
    import os

    from ..profiles import ENVIRONMENTS

    parser = argparse.ArgumentParser(
        prog="python -m smartstack_tooling publish-web",
        description="Upload a static export to the environment's web bucket and invalidate what changed.",
    )
    parser.add_argument("env", choices=ENVIRONMENTS)
    parser.add_argument("--site", type=Path, default=WEB_DIR, help="the export's directory (default: web/)")
    args = parser.parse_args(argv)
    env, environ = args.env, dict(os.environ)
    try:
        mode, read_outputs = applied_outputs(env, environ, "publishing uploads to the web bucket")
        return publish_to(env, mode, environ, read_outputs, args.site)
    except (roots.ModeUnavailable, RuntimeError) as err:
        print(str(err), file=sys.stderr)
        return EXIT_REFUSED
