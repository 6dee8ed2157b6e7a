"""Presigned S3 URLs under ``attachments/<task_id>/``: file bytes never pass through Lambda."""

from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

ATTACHMENT_PREFIX = "attachments/"


def attachment_key(task_id: str, name: str) -> str:
    return f"{ATTACHMENT_PREFIX}{task_id}/{name}"


def upload_url(s3: Any, bucket: str, task_id: str, name: str, content_type: str, ttl: int) -> dict[str, Any]:
    key = attachment_key(task_id, name)
    url = s3.generate_presigned_url(
        "put_object",
        Params={"Bucket": bucket, "Key": key, "ContentType": content_type},
        ExpiresIn=ttl,
    )
    return {
        "key": key,
        "upload_url": url,
        "method": "PUT",
        "headers": {"Content-Type": content_type},
        "expires_in": ttl,
    }


def download_url(s3: Any, bucket: str, task_id: str, name: str, ttl: int) -> dict[str, Any] | None:
    key = attachment_key(task_id, name)
    try:
        head = s3.head_object(Bucket=bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=ttl)
    return {"key": key, "download_url": url, "size": head["ContentLength"], "expires_in": ttl}


def list_attachments(s3: Any, bucket: str, task_id: str) -> list[dict[str, Any]]:
    prefix = f"{ATTACHMENT_PREFIX}{task_id}/"
    found: list[dict[str, Any]] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            found.append({"name": item["Key"][len(prefix) :], "size": item["Size"]})
    return found
