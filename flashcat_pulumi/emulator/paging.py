"""How every list endpoint pages, orders and counts (docs/flashduty-api.md §7).

``p`` is 1-based, ``limit`` 1 to 100, and ``p × limit`` at most 10,000. ``total`` counts the
matches but is capped at 1,000, as the real API does, so clients cannot trust it.

Decisions where docs/flashduty-api.md is silent: lists without ``orderby`` are newest first
(``created_at``/``create_at``, then id), ``total`` is capped for every list (the docs say so for
some), and ``query`` matches case-insensitively.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flashcat_pulumi.emulator.body import Body
from flashcat_pulumi.emulator.errors import invalid

__all__ = ["MAX_OFFSET", "TOTAL_CAP", "ordered", "page", "paging"]

TOTAL_CAP = 1000
MAX_OFFSET = 10_000


def paging(body: Body, *, default_limit: int) -> tuple[int, int]:
    """The request's ``(p, limit)``, checked."""
    p = body.integer("p", default=1, lo=1)
    limit = body.integer("limit", default=default_limit, lo=1, hi=100)
    if p * limit > MAX_OFFSET:
        raise invalid(f"p: p × limit must be at most {MAX_OFFSET}, got {p} × {limit}")
    return p, limit


def page(items: list[Any], p: int, limit: int) -> tuple[list[Any], int]:
    """Page ``p`` of ``items`` and the capped ``total``."""
    return items[(p - 1) * limit:p * limit], min(len(items), TOTAL_CAP)


def ordered(records: Iterable[dict[str, Any]], id_key: str, orderby: str, asc: bool) -> list[dict[str, Any]]:
    """``records`` sorted by ``orderby`` then id, descending unless ``asc``."""
    return sorted(records, key=lambda r: (r[orderby], r[id_key]), reverse=not asc)
