"""Keyset pagination, newest first: a page is the ``size`` rows below an edge id
(``before``) or the page just above one (``after``), read from the id's index however
deep it lies. OFFSET would read and throw away every earlier row, so the millionth page
of a national registry would cost a million rows (Winand, "Use The Index, Luke",
chapter 7, "Paging Through Results")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select
from sqlalchemy.orm import Session


@dataclass(frozen=True)
class KeysetPage:
    rows: list[Row]
    newer: int | None  # pass as ``after`` for the page above, None on the first page
    older: int | None  # pass as ``before`` for the page below, None on the last page


def newest_first(session: Session, query: Select, key: Any, *, size: int,
                 before: int | None = None, after: int | None = None,
                 id_of: Callable[[Row], int] = lambda row: row[0].id) -> KeysetPage:
    """One page of ``query`` ordered by ``key`` (an id column) descending."""
    if after is not None:
        rows = list(reversed(session.execute(
            query.where(key > after).order_by(key).limit(size)).all()))
    else:
        if before is not None:
            query = query.where(key < before)
        rows = list(session.execute(query.order_by(key.desc()).limit(size)).all())
    full = len(rows) == size
    newer = before is not None or (after is not None and full)
    older = full or after is not None
    return KeysetPage(rows, newer=id_of(rows[0]) if rows and newer else None,
                      older=id_of(rows[-1]) if rows and older else None)


__all__ = ["KeysetPage", "newest_first"]
