"""What a request may carry, and what a refused request is told.

Record ids in paths are bounded by the databases' ``INTEGER`` (32 bits on PostgreSQL),
so an absurd id is refused at the edge instead of reaching the driver. A refused request
is told where and why (``loc``, ``msg``) with at most a short, printable excerpt of what
it sent: never the whole input (a 5 MB tip must not come back as a 5 MB error), and never
a value the JSON encoder cannot write (NaN, a lone surrogate).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import Path, Query

MAX_RECORD_ID = 2**31 - 1
RecordId = Annotated[int, Path(ge=1, le=MAX_RECORD_ID)]
Cursor = Annotated[int | None, Query(ge=0, le=MAX_RECORD_ID)]  # a keyset page's edge id
EXCERPT_CHARS = 80
MESSAGE_CHARS = 300


def printable(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, lone surrogates written as ``\\udXXX``."""
    cut = text[:limit] + ("…" if len(text) > limit else "")
    return cut.encode("utf-8", "backslashreplace").decode("utf-8")


def excerpt(value: Any) -> str | int | bool | None:
    """A short, JSON-safe stand-in for an input value."""
    if value is None or isinstance(value, bool | int) and abs(value) < 2**53:
        return value
    if isinstance(value, float):
        return repr(value) if not math.isfinite(value) else printable(repr(value), 40)
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        value = repr(value)
    return printable(value, EXCERPT_CHARS)


def validation_reply(errors: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic's errors, each reduced to loc, msg, type and an input excerpt."""
    out = []
    for error in errors[:50]:
        loc = [part if isinstance(part, int) else printable(str(part), 60)
               for part in error.get("loc", ())]
        entry: dict[str, Any] = {"loc": loc,
                                 "msg": printable(str(error.get("msg", "")), MESSAGE_CHARS),
                                 "type": printable(str(error.get("type", "")), 60)}
        if "input" in error and error.get("type") != "missing":  # (then the whole body)
            entry["input"] = excerpt(error["input"])
        out.append(entry)
    return out
