"""Entity resolution of persons across sources (police records, reports, the press).

An explicit pipeline after recordlinkage (de Bruin, *Python Record Linkage Toolkit*,
https://recordlinkage.readthedocs.io): **block** (the same ID number, the same phone, the
same birth date, the same pinyin surname and birth year, or neighbours in the sorted pinyin
names), **compare** (Jaro-Winkler on the pinyin name, so 张伟 and "Zhang Wei" agree; the
Chinese characters where both records have them; Levenshtein on the ID number, which
tolerates one mistyped digit; birth date; phone), **score** with Fellegi-Sunter weights
(Fellegi & Sunter 1969, "A theory for record linkage", JASA 64:1183-1210): each comparison
adds log2(m/u) when it agrees and log2((1-m)/(1-u)) when it disagrees, nothing when a value
is missing, where m is the chance that a true pair agrees and u that a random pair does. The
m and u below are stated assumptions (not fitted), so every score is the visible sum of its
parts.

A pair at or above ``PROPOSE_AT`` is proposed; a person accepts or rejects it
(workflow.investigations); nothing is merged without that decision.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import recordlinkage

from homeward.investigations.graph import PERSON_KINDS, Node
from homeward.investigations.names import (
    birth_date_of_id,
    has_han,
    normal_id_number,
    normal_phone,
    pinyin_key,
    surname,
)


@dataclass(frozen=True)
class Level:
    """One comparison's agreement level: its name, m, u and the test that decides it."""

    name: str
    m: float
    u: float

    @property
    def agree_weight(self) -> float:
        return math.log2(self.m / self.u)

    @property
    def disagree_weight(self) -> float:
        return math.log2((1 - self.m) / (1 - self.u))


# m: share of true pairs that agree (typing errors, nicknames, changed phones);
# u: share of random pairs that agree (how common the value is).
LEVELS: dict[str, Level] = {
    "name": Level("name", m=0.95, u=0.01),  # Jaro-Winkler >= NAME_AGREES on pinyin
    # the same characters, given that the pinyin agrees (homophones such as 张/章 differ)
    "name_han": Level("name_han", m=0.90, u=0.5),
    "id_number": Level("id_number", m=0.92, u=1e-6),  # at most one character differs
    "birth_date": Level("birth_date", m=0.95, u=1 / 15_000),  # ~40 birth years of days
    "phone": Level("phone", m=0.60, u=1e-5),
}
NAME_AGREES = 0.92
ID_AGREES = 0.94  # Levenshtein similarity 17/18: one of 18 characters differs
PROPOSE_AT = 10.0
SNI_WINDOW = 7


@dataclass(frozen=True)
class PersonRecord:
    node_id: str
    name: str
    aliases: tuple[str, ...] = ()
    id_number: str | None = None
    birth_date: str | None = None  # ISO date
    phones: tuple[str, ...] = ()
    source_ref: str = ""


@dataclass(frozen=True)
class ScoredPair:
    left: str
    right: str
    score: float
    comparison: dict[str, dict[str, object]] = field(compare=False)

    def as_json(self) -> dict[str, object]:
        return {"left": self.left, "right": self.right, "score": round(self.score, 3),
                "comparison": self.comparison}


def records_of_nodes(nodes: Iterable[Node]) -> list[PersonRecord]:
    """Person records of the graph's suspects and other persons."""
    out = []
    for node in nodes:
        if node.kind not in PERSON_KINDS:
            continue
        a = node.attributes
        out.append(PersonRecord(node.id, node.label, tuple(a.get("aliases") or ()),
                                a.get("id_number"), a.get("birth_date"),
                                tuple(a.get("phones") or ()), node.source_ref))
    return out


def _frame(records: list[PersonRecord]) -> pd.DataFrame:
    """One row per name variant of each record (a name and its aliases)."""
    rows = []
    for position, record in enumerate(records):
        id_number = normal_id_number(record.id_number)
        birth = record.birth_date or (birth_date_of_id(id_number) or None)
        birth = birth.isoformat() if hasattr(birth, "isoformat") else birth
        phones = sorted({normal_phone(p) for p in record.phones if normal_phone(p)})
        for name in (record.name, *record.aliases):
            key = pinyin_key(name)
            if not key:
                continue
            rows.append({"record": position, "key": key, "surname": surname(name) or None,
                         "han": name.strip() if has_han(name) else None,
                         "id_number": id_number, "birth_date": birth,
                         "birth_year": birth[:4] if birth else None,
                         "phone": phones[0] if phones else None,
                         "phones": " ".join(phones) or None})
    frame = pd.DataFrame(rows, columns=["record", "key", "surname", "han", "id_number",
                                        "birth_date", "birth_year", "phone", "phones"])
    return frame.astype(object).where(frame.notna(), None)


def candidate_pairs(frame: pd.DataFrame, *, window: int = SNI_WINDOW) -> pd.MultiIndex:
    """Blocking: the pairs of rows worth comparing (recordlinkage.Index)."""
    indexer = recordlinkage.Index()
    indexer.block("id_number")
    indexer.block("phone")
    indexer.block(["surname", "birth_year"])
    indexer.block("birth_date")  # a mistyped surname still meets its birth date
    indexer.sortedneighbourhood("key", window=window)
    pairs = indexer.index(frame)
    records = frame["record"].to_numpy()
    keep = records[pairs.get_level_values(0)] != records[pairs.get_level_values(1)]
    return pairs[keep]


def _phones_shared(left: pd.Series, right: pd.Series) -> np.ndarray:
    out = np.full(len(left), np.nan)
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        if a and b:
            out[i] = float(bool(set(a.split()) & set(b.split())))
    return out


def compare(frame: pd.DataFrame, pairs: pd.MultiIndex) -> pd.DataFrame:
    """Comparison vectors (recordlinkage.Compare): similarities in [0, 1], NaN if missing."""
    comparer = recordlinkage.Compare()
    comparer.string("key", "key", method="jarowinkler", label="name")
    comparer.exact("han", "han", missing_value=np.nan, label="name_han")
    comparer.string("id_number", "id_number", method="levenshtein", missing_value=np.nan,
                    label="id_number")
    comparer.exact("birth_date", "birth_date", missing_value=np.nan, label="birth_date")
    vectors = comparer.compute(pairs, frame)
    left = frame["phones"].to_numpy()[pairs.get_level_values(0)]
    right = frame["phones"].to_numpy()[pairs.get_level_values(1)]
    vectors["phone"] = _phones_shared(pd.Series(left), pd.Series(right))
    return vectors


def _agrees(label: str, value: float) -> bool:
    if label == "name":
        return value >= NAME_AGREES
    if label == "id_number":
        return value >= ID_AGREES
    return value >= 1.0


def score_vectors(vectors: pd.DataFrame) -> np.ndarray:
    """Fellegi-Sunter scores: per comparison log2(m/u) or log2((1-m)/(1-u)), 0 if missing."""
    total = np.zeros(len(vectors))
    for label, level in LEVELS.items():
        values = vectors[label].to_numpy(dtype=float)
        threshold = {"name": NAME_AGREES, "id_number": ID_AGREES}.get(label, 1.0)
        weights = np.where(values >= threshold, level.agree_weight, level.disagree_weight)
        total += np.where(np.isnan(values), 0.0, weights)
    return total


def explain(vector: pd.Series) -> dict[str, dict[str, object]]:
    """Each comparison of one pair: its similarity, whether it agrees, and its weight."""
    out: dict[str, dict[str, object]] = {}
    for label, level in LEVELS.items():
        value = float(vector[label])
        if math.isnan(value):
            out[label] = {"similarity": None, "agrees": None, "weight": 0.0}
            continue
        agrees = _agrees(label, value)
        out[label] = {"similarity": round(value, 4), "agrees": agrees,
                      "weight": round(level.agree_weight if agrees else
                                      level.disagree_weight, 3)}
    return out


@dataclass
class Resolution:
    pairs_compared: int
    proposed: list[ScoredPair]


def resolve(records: list[PersonRecord], *, propose_at: float = PROPOSE_AT,
            window: int = SNI_WINDOW) -> Resolution:
    """Block, compare and score; the pairs of records at or above ``propose_at`` (best
    name variant of each pair of records), highest first."""
    frame = _frame(records)
    if len(frame) < 2:
        return Resolution(0, [])
    pairs = candidate_pairs(frame, window=window)
    if len(pairs) == 0:
        return Resolution(0, [])
    vectors = compare(frame, pairs)
    scores = score_vectors(vectors)
    rows = frame["record"].to_numpy()
    left = rows[pairs.get_level_values(0)]
    right = rows[pairs.get_level_values(1)]
    best: dict[tuple[int, int], int] = {}
    for i in np.flatnonzero(scores >= propose_at):
        a, b = sorted((int(left[i]), int(right[i])))
        if (a, b) not in best or scores[i] > scores[best[(a, b)]]:
            best[(a, b)] = int(i)
    proposed = []
    for (a, b), i in best.items():
        x, y = sorted((records[a].node_id, records[b].node_id))
        proposed.append(ScoredPair(x, y, float(scores[i]), explain(vectors.iloc[i])))
    proposed.sort(key=lambda p: (-p.score, p.left, p.right))
    return Resolution(len(pairs), proposed)


__all__ = ["LEVELS", "PROPOSE_AT", "Level", "PersonRecord", "Resolution", "ScoredPair",
           "candidate_pairs", "compare", "explain", "records_of_nodes", "resolve",
           "score_vectors"]
