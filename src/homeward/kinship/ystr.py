"""Y-STR haplotypes and their comparison.

A Y haplotype maps canonical markers (:mod:`homeward.kinship.ystr_loci`) to a *call*: the
allele labels typed at the marker, sorted by repeat number. A single-copy marker has one
allele, or none (a null allele, written ``null``), or two or more (a duplication). A
multi-copy marker (DYS385, DYF387S1) has exactly as many alleles as copies, as an unordered
pair; ``13-13`` when both copies have the same length. Intermediate alleles (``13.2``) are
kept as typed. A marker that was not typed is absent.

Comparison counts the markers at which two haplotypes differ and the repeat steps between
them. Multi-copy and duplicated calls are compared as sets: the pairing of copies with the
fewest steps is used. DYS389II is compared as its second block, DYS389II - DYS389I, so that
a mutation in the DYS389I block counts once (see :mod:`homeward.kinship.ystr_loci`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from homeward.kinship.errors import (
    DuplicateRecordError,
    InputError,
    InvalidAlleleError,
    UnknownSampleError,
)
from homeward.kinship.ystr_loci import DYS389_SECOND_BLOCK, canonical_ystr_locus, copies

#: The alleles typed at one marker, sorted; ``()`` is a null allele (no product).
YCall = tuple[str, ...]

NULL_TOKENS = frozenset({"NULL", "0", "DEL", "DELETION"})
_MISSING_CELL = frozenset({"", "-", "NA", "N/A", "NR", "ND", "?", "NONE"})
_SEPARATORS = re.compile(r"[\s/,;|\-]+")
_REPEAT = re.compile(r"^(\d{1,3})(?:\.(\d))?$")


class CopyNumberError(InputError):
    """A multi-copy marker (DYS385, DYF387S1) written with the wrong number of alleles."""


def normalise_y_allele(label: str, locus: str) -> str:
    """Return the canonical label of a Y-STR allele (``"13"``, ``"13.2"``).

    :raises InvalidAlleleError: for anything that is not a repeat number.
    """
    match = _REPEAT.match(label.strip())
    if not match:
        raise InvalidAlleleError(
            f"allele {label!r} is not a repeat number (13) or an intermediate allele (13.2); "
            "write a null allele as 'null'", locus=locus)
    whole, decimal = match.groups()
    return str(int(whole)) if decimal in (None, "0") else f"{int(whole)}.{decimal}"


def repeat_value(label: str) -> float:
    """The repeat number of an allele label as a float (``"13.2"`` -> 13.2)."""
    return float(label)


def is_whole_repeat(label: str) -> bool:
    return "." not in label


def make_call(alleles: Iterable[str], locus: str) -> YCall:
    """Build a call from allele labels; ``[]`` or ``["null"]`` is a null allele.

    :raises CopyNumberError: when a multi-copy marker has another number of alleles than
        it has copies.
    """
    labels = [a.strip() for a in alleles if a.strip()]
    if len(labels) == 1 and labels[0].upper() in NULL_TOKENS:
        return ()
    if any(a.upper() in NULL_TOKENS for a in labels):
        raise InvalidAlleleError("a null allele cannot be written beside other alleles",
                                 locus=locus)
    call = tuple(sorted((normalise_y_allele(a, locus) for a in labels), key=repeat_value))
    expected = copies(locus)
    if expected > 1 and call and len(call) != expected:
        raise CopyNumberError(
            f"{locus} has {expected} copies: write {expected} alleles (e.g. '11-14', or "
            f"'13-13' when both copies have the same length); found {len(call)} "
            f"({'-'.join(call)})", locus=locus)
    return call


def parse_ystr_cell(cell: str, locus: str) -> YCall | None:
    """Parse one cell (``"14"``, ``"11-14"``, ``"11/14"``, ``"null"``); ``None`` = untyped."""
    text = cell.strip()
    if text.upper() in _MISSING_CELL:
        return None
    return make_call([p for p in _SEPARATORS.split(text) if p], locus)


def is_standard(call: YCall, locus: str) -> bool:
    """True for a call the frequency models handle: one whole repeat per copy."""
    return len(call) == copies(locus) and all(is_whole_repeat(a) for a in call)


def format_call(call: YCall) -> str:
    return "-".join(call) if call else "null"


@dataclass(frozen=True)
class YHaplotype:
    """One man's Y-STR haplotype: canonical marker -> call; untyped markers absent."""

    sample_id: str
    loci: Mapping[str, YCall] = field(default_factory=dict)

    @classmethod
    def from_strings(cls, sample_id: str, cells: Mapping[str, str]) -> YHaplotype:
        """Build a haplotype from ``{"DYS19": "15", "DYS385": "12-19", ...}``."""
        loci: dict[str, YCall] = {}
        for raw, cell in cells.items():
            locus = canonical_ystr_locus(raw)
            try:
                call = parse_ystr_cell(cell, locus)
            except InputError as error:
                raise error.located(sample=sample_id) from None
            if call is not None:
                loci[locus] = call
        return cls(sample_id, loci)

    def to_strings(self) -> dict[str, str]:
        return {locus: format_call(call) for locus, call in self.loci.items()}


class YHaplotypeSet(Mapping[str, YHaplotype]):
    """Haplotypes keyed by sample id, unique ids enforced."""

    def __init__(self, haplotypes: Iterable[YHaplotype] = ()) -> None:
        self._haplotypes: dict[str, YHaplotype] = {}
        self.first_rows: dict[str, int] = {}  # sample id -> file row, when read
        for haplotype in haplotypes:
            self.add(haplotype)

    def add(self, haplotype: YHaplotype) -> None:
        if haplotype.sample_id in self._haplotypes:
            raise DuplicateRecordError("sample id appears twice", sample=haplotype.sample_id)
        self._haplotypes[haplotype.sample_id] = haplotype

    def __getitem__(self, sample_id: str) -> YHaplotype:
        try:
            return self._haplotypes[sample_id]
        except KeyError:
            known = ", ".join(list(self._haplotypes)[:5])
            raise UnknownSampleError(
                f"sample {sample_id!r} is not in the haplotypes (first ids: {known})"
            ) from None

    def __contains__(self, sample_id: object) -> bool:
        return sample_id in self._haplotypes

    def __iter__(self) -> Iterator[str]:
        return iter(self._haplotypes)

    def __len__(self) -> int:
        return len(self._haplotypes)

    def markers(self) -> list[str]:
        """Every marker typed in at least one haplotype, in first-seen order."""
        seen: dict[str, None] = {}
        for haplotype in self._haplotypes.values():
            for locus in haplotype.loci:
                seen.setdefault(locus, None)
        return list(seen)


@dataclass(frozen=True)
class LocusDifference:
    """How two calls at one marker differ.

    ``kind`` is ``"match"``; ``"stepwise"`` (whole repeat steps apart, ``steps`` > 0);
    ``"non-stepwise"`` (a fractional difference, 13 against 13.2); ``"null"`` (a null
    allele on one side only); or ``"copy-number"`` (different numbers of alleles).
    ``compared_as`` is ``"DYS389II-I"`` when DYS389II was compared as its second block;
    ``deltas`` are the per-copy differences (reference - query) of the best pairing.
    """

    locus: str
    query: YCall
    reference: YCall
    kind: str
    steps: int | None
    deltas: tuple[int, ...] = ()
    compared_as: str | None = None

    @property
    def mismatch(self) -> bool:
        return self.kind != "match"

    def to_dict(self) -> dict[str, Any]:
        return {"query": format_call(self.query), "reference": format_call(self.reference),
                "kind": self.kind, "steps": self.steps,
                **({"compared_as": self.compared_as} if self.compared_as else {})}


@dataclass(frozen=True)
class HaplotypeComparison:
    """Marker-by-marker comparison of a query haplotype (the boy) with a reference."""

    query_id: str
    reference_id: str
    loci: Mapping[str, LocusDifference]
    untyped: tuple[str, ...]

    @property
    def loci_compared(self) -> int:
        return len(self.loci)

    @property
    def mismatches(self) -> int:
        """Markers at which the calls differ."""
        return sum(d.mismatch for d in self.loci.values())

    @property
    def steps(self) -> int:
        """Total repeat steps over the stepwise differences."""
        return sum(d.steps or 0 for d in self.loci.values())

    @property
    def non_stepwise(self) -> list[str]:
        """Markers whose difference no number of single steps explains."""
        return [m for m, d in self.loci.items() if d.mismatch and d.steps is None]

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query_id, "reference": self.reference_id,
                "loci_compared": self.loci_compared, "mismatches": self.mismatches,
                "steps": self.steps, "non_stepwise": self.non_stepwise,
                "untyped": list(self.untyped),
                "loci": {m: d.to_dict() for m, d in self.loci.items()}}


def _best_pairing(query: list[float], reference: list[float]) -> tuple[float, ...]:
    """Per-copy differences of the pairing with the fewest fractional, then total, steps."""
    best: tuple[float, ...] | None = None
    best_key: tuple[int, float] | None = None
    for order in itertools.permutations(reference):
        deltas = tuple(r - q for q, r in zip(query, order, strict=True))
        key = (sum(abs(d - round(d)) > 1e-9 for d in deltas), sum(abs(d) for d in deltas))
        if best_key is None or key < best_key:
            best, best_key = deltas, key
    assert best is not None
    return best


def _second_block(haplotype: YHaplotype) -> float | None:
    first, whole = haplotype.loci.get("DYS389I"), haplotype.loci.get("DYS389II")
    if first and whole and len(first) == 1 and len(whole) == 1:
        return repeat_value(whole[0]) - repeat_value(first[0])
    return None


def compare_locus(locus: str, query: YCall, reference: YCall, *,
                  values: tuple[list[float], list[float]] | None = None,
                  compared_as: str | None = None) -> LocusDifference:
    """Compare two calls at one marker (see :class:`LocusDifference`)."""
    if query == reference and values is None:
        return LocusDifference(locus, query, reference, "match", 0,
                               tuple(0 for _ in query), compared_as)
    if not query or not reference:
        return LocusDifference(locus, query, reference, "null", None, (), compared_as)
    if len(query) != len(reference):
        return LocusDifference(locus, query, reference, "copy-number", None, (), compared_as)
    q, r = values or ([repeat_value(a) for a in query], [repeat_value(a) for a in reference])
    deltas = _best_pairing(q, r)
    if any(abs(d - round(d)) > 1e-9 for d in deltas):
        return LocusDifference(locus, query, reference, "non-stepwise", None, (), compared_as)
    whole = tuple(int(round(d)) for d in deltas)
    steps = sum(abs(d) for d in whole)
    return LocusDifference(locus, query, reference, "match" if steps == 0 else "stepwise",
                           steps, whole, compared_as)


def compare_haplotypes(query: YHaplotype, reference: YHaplotype) -> HaplotypeComparison:
    """Compare two haplotypes at the markers typed in both.

    DYS389II is compared as DYS389II - DYS389I when both men have single DYS389I and
    DYS389II calls, so one mutation in the DYS389I block is one step at DYS389I, not two.
    """
    loci: dict[str, LocusDifference] = {}
    untyped = tuple(sorted(set(query.loci) ^ set(reference.loci)))
    blocks = (_second_block(query), _second_block(reference))
    for locus in query.loci:
        if locus not in reference.loci:
            continue
        q_call, r_call = query.loci[locus], reference.loci[locus]
        if locus == "DYS389II" and blocks[0] is not None and blocks[1] is not None:
            loci[locus] = compare_locus(locus, q_call, r_call,
                                        values=([blocks[0]], [blocks[1]]),
                                        compared_as=DYS389_SECOND_BLOCK)
        else:
            loci[locus] = compare_locus(locus, q_call, r_call)
    return HaplotypeComparison(query.sample_id, reference.sample_id, loci, untyped)
