"""Fuzzy search of published missing children by name: characters or pinyin, any order.

``张小宝``, ``Zhang Xiaobao``, ``zhang xiao bao`` and ``xiaobao zhang`` all find the same
child: every name is reduced to toneless pinyin letters in two orders (surname first and
given name first) and compared with rapidfuzz's normalised Indel similarity. The index
holds ids and keys only; rows are re-read from the database so that a closed alert
disappears at once.

Speed: the similarity is 200·LCS/(len a + len b), and the longest common subsequence can
never exceed the letters two keys share counted with multiplicity. A compiled pass over a
letter-count matrix keeps only the keys whose bound reaches the cut-off, so rapidfuzz
scores a few thousand keys instead of every name, with exactly the same results.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass

import numba
import numpy as np
from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from homeward.registry.models import MissingReport
from homeward.workflow.cases import HAN
from homeward.workflow.states import PUBLIC_REPORT_STATES

NOT_LETTER = re.compile(r"[^a-z]")
PUBLIC_STATES = PUBLIC_REPORT_STATES


def name_keys(zh: str | None, latin: str | None) -> list[str]:
    """The comparison keys of one name: surname-first and given-name-first letters."""
    if zh and HAN.search(zh):
        syllables = [NOT_LETTER.sub("", s.lower()) for s in lazy_pinyin(zh)]
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


def letter_counts(keys: list[str]) -> np.ndarray:
    counts = np.zeros((len(keys), 26), dtype=np.uint8)
    for row, key in enumerate(keys):
        for letter in key.encode("ascii"):
            counts[row, letter - 97] = min(255, counts[row, letter - 97] + 1)
    return counts


@numba.njit(cache=True, nogil=True)
def _passing_bound(counts: np.ndarray, lengths: np.ndarray, query: np.ndarray,
                   query_length: int, cutoff: float) -> np.ndarray:  # pragma: no cover - jit
    out = np.empty(len(lengths), dtype=np.int64)
    found = 0
    for row in range(len(lengths)):
        total = lengths[row] + query_length
        shortest = min(lengths[row], query_length)
        if 200.0 * shortest < cutoff * total:
            continue
        shared = 0
        for letter in range(26):
            shared += min(counts[row, letter], query[letter])
        if 200.0 * shared >= cutoff * total:
            out[found] = row
            found += 1
    return out[:found]


class NameMatcher:
    """Distinct lowercase-letter keys, scored against a query (rapidfuzz ``fuzz.ratio``)."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        self.counts = letter_counts(keys)
        self.lengths = np.array([len(k) for k in keys], dtype=np.int64)

    def match(self, key: str, *, limit: int, cutoff: float) -> list[tuple[int, float]]:
        """(key index, score) of the best keys scoring at least ``cutoff``."""
        if not self.keys:
            return []
        query = letter_counts([key])[0]
        rows = _passing_bound(self.counts, self.lengths, query, len(key), cutoff)
        found = process.extract(key, [self.keys[r] for r in rows], scorer=fuzz.ratio,
                                limit=limit, score_cutoff=cutoff)
        return [(int(rows[i]), score) for _, score, i in found]


class NameIndex:
    """In-process index of published reports' names, rebuilt when publication changes."""

    def __init__(self, recheck_seconds: float = 2.0) -> None:
        self.recheck_seconds = recheck_seconds
        # distinct keys (Chinese names repeat a lot) and the reports of each key, swapped
        # together so that a search never pairs a new matcher with old ids
        self._state: tuple[NameMatcher, list[list[int]]] = (NameMatcher([]), [])
        self._signature: tuple[int, int] | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def invalidate(self) -> None:
        """Publication changed here: the next search rebuilds before it answers."""
        self._checked, self._signature = 0.0, None

    def _refresh(self, session: Session) -> None:
        """Build the index on first use; afterwards re-check publication every few seconds
        in a background thread while searches go on with the current index (public search
        runs on the event loop, which a rebuild of 100,000 names must not stall)."""
        if self._signature is None:
            with self._lock:
                if self._signature is None:
                    self._rebuild_if_changed(session)
            return
        if time.monotonic() - self._checked < self.recheck_seconds:
            return
        if not self._lock.acquire(blocking=False):
            return  # another check is running
        self._checked = time.monotonic()
        threading.Thread(target=self._recheck, args=(session.get_bind(),), daemon=True,
                         name="name-index-recheck").start()

    def _recheck(self, bind) -> None:
        try:
            with Session(bind) as session:
                self._rebuild_if_changed(session)
        except SQLAlchemyError as error:  # keep serving the current index
            logging.getLogger(__name__).warning("name index re-check failed: %s",
                                                type(error).__name__)
        finally:
            self._lock.release()

    def _rebuild_if_changed(self, session: Session) -> None:
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
            self._state = (NameMatcher(list(by_key)), list(by_key.values()))
            self._signature = signature
        self._checked = time.monotonic()

    def search(self, session: Session, query: str, *, limit: int = 20,
               cutoff: float = 75.0) -> list[Hit]:
        key = query_key(query)
        if len(key) < 2:
            return []
        self._refresh(session)
        matcher, ids = self._state
        best: dict[int, float] = {}
        for index, score in matcher.match(key, limit=limit, cutoff=cutoff):
            for report_id in ids[index]:
                best[report_id] = max(score, best.get(report_id, 0.0))
        ranked = sorted(best.items(), key=lambda item: -item[1])[:limit]
        return [Hit(report_id, score) for report_id, score in ranked]
