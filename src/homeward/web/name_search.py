"""Fuzzy search of published missing children by name: characters or pinyin, any order.

``张小宝``, ``Zhang Xiaobao``, ``zhang xiao bao`` and ``xiaobao zhang`` all find the same
child: every name is reduced to toneless pinyin letters in two orders (surname first and
given name first) and compared with rapidfuzz's normalised Indel similarity. The index
holds ids and keys only; rows are re-read from the database so that a closed alert
disappears at once.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homeward.registry.models import MissingReport
from homeward.workflow.cases import HAN

NOT_LETTER = re.compile(r"[^a-z]")
PUBLIC_STATES = ("open", "lead", "match_candidate")


def name_keys(zh: str | None, latin: str | None) -> list[str]:
    """The comparison keys of one name: surname-first and given-name-first letters."""
    if zh and HAN.search(zh):
        syllables = lazy_pinyin(zh)
        return ["".join(syllables), "".join(syllables[1:] + syllables[:1])]
    words = [NOT_LETTER.sub("", w) for w in (latin or "").lower().split()]
    words = [w for w in words if w]
    if not words:
        return []
    return ["".join(words), "".join(words[1:] + words[:1])]


def query_key(query: str) -> str:
    if HAN.search(query):
        return NOT_LETTER.sub("", "".join(lazy_pinyin(query)).lower())
    return NOT_LETTER.sub("", query.lower())


@dataclass
class Hit:
    report_id: int
    score: float


class NameIndex:
    """In-process index of published reports' names, rebuilt when publication changes."""

    def __init__(self, recheck_seconds: float = 2.0) -> None:
        self.recheck_seconds = recheck_seconds
        self._keys: list[str] = []         # distinct keys: Chinese names repeat a lot
        self._ids: list[list[int]] = []    # the reports of each key
        self._signature: tuple[int, int] | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        self._checked, self._signature = 0.0, None

    def _refresh(self, session: Session) -> None:
        now = time.monotonic()
        if now - self._checked < self.recheck_seconds and self._signature is not None:
            return
        with self._lock:
            signature = tuple(session.execute(
                select(func.count(MissingReport.id), func.coalesce(func.max(MissingReport.id), 0))
                .where(MissingReport.published)).one())
            if signature != self._signature:
                by_key: dict[str, list[int]] = {}
                rows = session.execute(select(
                    MissingReport.id, MissingReport.child_name_zh, MissingReport.child_name_pinyin,
                    MissingReport.child_name).where(MissingReport.published))
                for report_id, zh, pinyin, name in rows:
                    for key in name_keys(zh, pinyin or name):
                        by_key.setdefault(key, []).append(report_id)
                self._keys, self._ids = list(by_key), list(by_key.values())
                self._signature = signature
            self._checked = now

    def search(self, session: Session, query: str, *, limit: int = 20,
               cutoff: float = 75.0) -> list[Hit]:
        key = query_key(query)
        if len(key) < 2:
            return []
        self._refresh(session)
        best: dict[int, float] = {}
        for _, score, index in process.extract(key, self._keys, scorer=fuzz.ratio,
                                               limit=limit, score_cutoff=cutoff):
            for report_id in self._ids[index]:
                best[report_id] = max(score, best.get(report_id, 0.0))
        ranked = sorted(best.items(), key=lambda item: -item[1])[:limit]
        return [Hit(report_id, score) for report_id, score in ranked]
