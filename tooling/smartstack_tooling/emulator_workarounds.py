"""Every moto bug the real provider hits, worked around here and nowhere else (placeholder list)."""

from __future__ import annotations


def apply_all() -> None:
    return None
