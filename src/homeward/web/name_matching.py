"""Name keys, and the table of distinct keys and their reports that a query is scored on.

``张小宝``, ``Zhang Xiaobao``, ``zhang xiao bao`` and ``xiaobao zhang`` all find the same
child: every name is reduced to toneless pinyin letters in two orders (surname first and
given name first, the two *slots* of a report) and compared with rapidfuzz's normalised
Indel similarity ``fuzz.ratio`` = 200·LCS(a, b)/(|a| + |b|).

The filter, and why it counts letters and not bigrams. If the longest common subsequence
of ``a`` and ``b`` has length L, they share at least L − q + 1 − (q − 1)·(|a| + |b| − 2L)
q-grams, counted with multiplicity. Proof: take a common subsequence s of length L at
positions i_1 < … < i_L of ``a`` and j_1 < … < j_L of ``b``. Of the L − q + 1 windows
s[k..k+q−1], one is a contiguous q-gram of ``a`` unless a deleted letter of ``a`` lies in
one of its q − 1 inner gaps (i_m, i_{m+1}); a gap breaks at most q − 1 windows, and at
most |a| − L gaps of ``a`` hold a deleted letter; likewise |b| − L gaps of ``b``. So at
least L − q + 1 − (q − 1)(|a| + |b| − 2L) windows are q-grams of both strings, at
a-positions i_k and b-positions j_k that differ from window to window: as many pairs of
equal q-grams. ∎ A score of at least c needs L ≥ c·(|a| + |b|)/200, and the bound grows
with L. For q = 1 it says that two keys share at least ⌈c·(|a| + |b|)/200⌉ letters; for
q = 2, 3⌈c·(|a| + |b|)/200⌉ − 1 − (|a| + |b|) bigrams: at the public cut-off (75) only
2 bigrams for two 12-letter keys. Measured on the 42,478 distinct keys of 2,000,000
reports (benchmarks/registry_scale.py), the bigram bound keeps 13,196 keys a query (31 %,
and the query's bigram posting lists hold 64,369 entries, more than there are keys),
the letter bound 810 (1.9 %). Hence a compiled pass over a 26-column letter-count matrix
of the distinct keys (Chinese names repeat, so they grow far slower than the reports),
and rapidfuzz scores only the survivors, with exactly the scores of a full scan.

The order of equal scores is part of the answer: keys that tie are taken in the order
of their first appearance when the published reports are read by id, slot 0 before
slot 1 (their *rank*), and a key's reports oldest first. The reports of a query are
those of its ``limit`` best keys, each with its best key's score, the first ``limit``
distinct reports in that order. This is what a search over the reports read in id order
gives, and it stays so as reports are published, renamed or withdrawn one by one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numba
import numpy as np
from pypinyin import lazy_pinyin
from rapidfuzz import fuzz, process

from homeward.workflow.cases import HAN

NOT_LETTER = re.compile(r"[^a-z]")
NO_KEY = -1


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


def letter_counts(keys: Sequence[str]) -> np.ndarray:
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
        if lengths[row] == 0:  # a key no published report has any more
            continue
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
    """Distinct lowercase-letter keys, scored against a query (rapidfuzz ``fuzz.ratio``).

    ``ranks`` orders keys of equal score (default: their position); a key of length 0
    in ``lengths`` is never returned (its reports are gone).
    """

    def __init__(self, keys: list[str], *, ranks: np.ndarray | None = None,
                 lengths: np.ndarray | None = None, counts: np.ndarray | None = None) -> None:
        self.keys = keys
        self.counts = letter_counts(keys) if counts is None else counts
        self.lengths = (np.array([len(k) for k in keys], dtype=np.int64) if lengths is None
                        else lengths)
        self.ranks = np.arange(len(keys), dtype=np.int64) if ranks is None else ranks

    def match(self, key: str, *, limit: int, cutoff: float) -> list[tuple[int, float]]:
        """(key index, score) of the ``limit`` best keys scoring at least ``cutoff``."""
        if not self.keys:
            return []
        query = letter_counts([key])[0]
        rows = _passing_bound(self.counts, self.lengths, query, len(key), cutoff).tolist()
        found = process.extract(key, [self.keys[r] for r in rows], scorer=fuzz.ratio,
                                limit=None, score_cutoff=cutoff)
        ranked = sorted(((rows[i], score) for _, score, i in found),
                        key=lambda hit: (-hit[1], self.ranks[hit[0]]))
        return ranked[:limit]


def slot_keys(keys: Sequence[str], key_of: Mapping[str, int]) -> tuple[int, int]:
    """The key indices of a report's two slots; the second is NO_KEY when both are one."""
    first = key_of[keys[0]] if keys else NO_KEY
    second = key_of[keys[1]] if len(keys) > 1 and keys[1] != keys[0] else NO_KEY
    return first, second


def spliced(array: np.ndarray, *, dropped: Sequence[int] = (),
            inserted: Sequence[int] = (), values: np.ndarray | None = None) -> np.ndarray:
    """``array`` without the rows at ``dropped``, with ``values`` inserted before the rows
    at ``inserted`` (both ascending, positions in ``array``): one copy, by slices."""
    if not dropped and not inserted:
        return array
    cuts = sorted([(at, 1, i) for i, at in enumerate(dropped)]
                  + [(at, 0, i) for i, at in enumerate(inserted)])
    pieces, start = [], 0
    for at, drop, i in cuts:
        pieces.append(array[start:at])
        if drop:
            start = at + 1
        else:
            assert values is not None
            pieces.append(values[i:i + 1])
            start = at
    pieces.append(array[start:])
    return np.concatenate(pieces)


@dataclass(frozen=True)
class NameTable:
    """One state of the index, never changed once made: a search reads one throughout.

    ``codes[offsets[k]:offsets[k + 1]]`` are the reports of key ``k``, each coded
    2·report id + slot, ascending; ``report_ids`` (ascending) are the published reports
    and ``report_keys`` their key indices per slot (NO_KEY: none). ``key_of`` maps each
    key to its index; a key whose reports are all gone keeps its index, with length 0.
    """

    matcher: NameMatcher
    key_of: dict[str, int]
    offsets: np.ndarray
    codes: np.ndarray
    report_ids: np.ndarray
    report_keys: np.ndarray

    @classmethod
    def build(cls, reports: Iterable[tuple[int, Sequence[str]]]) -> NameTable:
        """The table of ``(report id, keys)`` pairs, given in ascending id order (the keys of
        one name given as one tuple are looked up once)."""
        key_of: dict[str, int] = {}
        slots_of: dict[tuple[str, ...], tuple[int, int]] = {}  # names repeat
        ids: list[int] = []
        slots: list[tuple[int, int]] = []
        for report_id, keys in reports:
            name = tuple(keys)
            slot = slots_of.get(name)
            if slot is None:
                for key in name:
                    key_of.setdefault(key, len(key_of))
                slot = slots_of[name] = slot_keys(name, key_of)
            ids.append(report_id)
            slots.append(slot)
        report_ids = np.array(ids, dtype=np.int64)
        report_keys = np.array(slots, dtype=np.int32).reshape(-1, 2)
        key_flat = report_keys.ravel().astype(np.int64)
        code_flat = (2 * report_ids[:, None] + np.arange(2)).ravel()
        present = key_flat != NO_KEY
        key_flat, code_flat = key_flat[present], code_flat[present]
        codes = code_flat[np.argsort(key_flat, kind="stable")]  # ids ascending within a key
        offsets = np.zeros(len(key_of) + 1, dtype=np.int64)
        np.cumsum(np.bincount(key_flat, minlength=len(key_of)), out=offsets[1:])
        matcher = NameMatcher(list(key_of), ranks=codes[offsets[:-1]])
        return cls(matcher, key_of, offsets, codes, report_ids, report_keys)

    @property
    def report_count(self) -> int:
        return len(self.report_ids)

    def _positions(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where ``ids`` are, or would go, in ``report_ids``, and whether they are there."""
        at = np.searchsorted(self.report_ids, ids)
        present = np.zeros(len(ids), dtype=bool)
        inside = at < len(self.report_ids)
        present[inside] = self.report_ids[at[inside]] == ids[inside]
        return at, present

    def with_reports(self, changes: Mapping[int, Sequence[str] | None]) -> NameTable:
        """The table after ``changes`` (report id → its keys, or None when it is not, or no
        longer, published); ``self`` when nothing differs."""
        added = list(dict.fromkeys(key for keys in changes.values() for key in keys or ()
                                   if key not in self.key_of))
        key_of, keys = self.key_of, self.matcher.keys
        if added:  # copied, not extended: older tables stay as they were
            key_of = {**key_of, **{key: len(keys) + i for i, key in enumerate(added)}}
            keys = keys + added
        ids = np.array(sorted(changes), dtype=np.int64)
        at, present = self._positions(ids)
        before = [tuple(self.report_keys[a].tolist()) if p else None
                  for a, p in zip(at.tolist(), present.tolist(), strict=True)]
        after = [slot_keys(changes[i], key_of) if changes[i] is not None else None
                 for i in ids.tolist()]
        changed = [j for j in range(len(ids)) if before[j] != after[j]]
        if not changed:
            return self
        removals = sorted((key, 2 * int(ids[j]) + slot) for j in changed
                          for slot, key in enumerate(before[j] or ()) if key != NO_KEY)
        insertions = sorted((key, 2 * int(ids[j]) + slot) for j in changed
                            for slot, key in enumerate(after[j] or ()) if key != NO_KEY)
        offsets = np.concatenate([self.offsets, np.full(len(added), self.offsets[-1])])
        codes = self.codes
        for postings, sign in ((removals, -1), (insertions, 1)):
            if not postings:
                continue
            where = [int(offsets[k] + np.searchsorted(codes[offsets[k]:offsets[k + 1]], c))
                     for k, c in postings]
            codes = (spliced(codes, dropped=where) if sign < 0 else
                     spliced(codes, inserted=where,
                             values=np.array([c for _, c in postings], dtype=np.int64)))
            per_key = np.bincount([k for k, _ in postings], minlength=len(keys))
            offsets[1:] += sign * np.cumsum(per_key)
        touched = np.unique(np.array([k for k, _ in removals + insertions], dtype=np.int64))
        alive = offsets[touched + 1] > offsets[touched]
        lengths = np.concatenate([self.matcher.lengths, np.zeros(len(added), np.int64)])
        lengths[touched] = np.where(alive, [len(keys[k]) for k in touched.tolist()], 0)
        ranks = np.concatenate([self.matcher.ranks, np.zeros(len(added), np.int64)])
        ranks[touched[alive]] = codes[offsets[touched[alive]]]
        counts = self.matcher.counts
        if added:
            counts = np.concatenate([counts, letter_counts(added)])
        matcher = NameMatcher(keys, ranks=ranks, lengths=lengths, counts=counts)
        report_ids, report_keys = self._report_arrays(
            ids[changed], at[changed], present[changed], [after[j] for j in changed])
        return NameTable(matcher, key_of, offsets, codes, report_ids, report_keys)

    def _report_arrays(self, ids: np.ndarray, at: np.ndarray, present: np.ndarray,
                       after: list[tuple[int, int] | None]) -> tuple[np.ndarray, np.ndarray]:
        published = np.array([a is not None for a in after], dtype=bool)
        slots = np.array([a or (NO_KEY, NO_KEY) for a in after], dtype=np.int32)
        report_keys = self.report_keys
        renamed = present & published
        if renamed.any():
            report_keys = report_keys.copy()
            report_keys[at[renamed]] = slots[renamed]
        dropped = at[present & ~published].tolist()
        new = ~present & published
        inserted = at[new].tolist()  # positions in the arrays before the drops
        return (spliced(self.report_ids, dropped=dropped, inserted=inserted, values=ids[new]),
                spliced(report_keys, dropped=dropped, inserted=inserted, values=slots[new]))

    def search(self, key: str, *, limit: int, cutoff: float) -> list[Hit]:
        """The first ``limit`` distinct reports of the ``limit`` best keys, best first."""
        hits: list[Hit] = []
        seen: set[int] = set()
        for index, score in self.matcher.match(key, limit=limit, cutoff=cutoff):
            start, stop = int(self.offsets[index]), int(self.offsets[index + 1])
            # a key holds a report once: of its first ``limit`` reports, at least
            # limit - len(seen) are new, which is all that can still be wanted
            for code in self.codes[start:min(stop, start + limit)].tolist():
                if code >> 1 not in seen:
                    seen.add(code >> 1)
                    hits.append(Hit(code >> 1, score))
                    if len(hits) == limit:
                        return hits
        return hits
