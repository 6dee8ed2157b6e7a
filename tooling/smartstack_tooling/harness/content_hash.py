"""Hashing of files and trees by content, for the stores keyed by their inputs (plan_store, scan_cache)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def feed_tree(digest: Any, label: str, path: Path, skipped: Callable[[Path], bool]) -> None:
    """Feed ``digest`` the names, sizes and contents of every file at or below ``path`` (a file: its
    content) except those ``skipped`` (called with the path relative to ``path``); an absent path too."""
    digest.update(f"\0{label}\0".encode())
    if path.is_file():
        digest.update(path.read_bytes())
        return
    if not path.is_dir():
        digest.update(b"<absent>")
        return
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        relative = file.relative_to(path)
        if skipped(relative):
            continue
        digest.update(f"\0{relative.as_posix()}\0{file.stat().st_size}\0".encode())
        digest.update(file.read_bytes())
