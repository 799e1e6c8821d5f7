"""Allele-frequency tables and the minimum-frequency rule.

A table is CSV ``locus,allele,frequency`` with optional ``# key: value`` comment lines
before the header. The sample size N (individuals) is read, in this order, from an ``N``
column (per locus) or from a ``# N: 361`` header comment (whole table). It sets the NRC II
minimum allele frequency 5/2N (NRC II 1996, recommendation 4.11 and section 5.2); when N
is not stated, a configurable floor applies (0.001 by default, as norSTR uses), and every
report says which floor was applied.

No frequency is ever zero: an allele missing from the table gets the floor, and so does a
listed allele rarer than the floor.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from homeward.kinship.errors import FrequencyTableError, InputError
from homeward.kinship.loci import canonical_locus
from homeward.kinship.profiles import allele_sort_key, normalise_allele
from homeward.kinship.readers import read_text

DEFAULT_TABLE = "china_standard_appendixD_58str"
DEFAULT_FLOOR = 0.001
SUM_TOLERANCE = 0.02


@dataclass(frozen=True)
class FlooredAllele:
    """One allele whose frequency was raised to the minimum (or added at it)."""

    locus: str
    allele: str
    listed_frequency: float | None  # None: the allele was not in the table
    used_frequency: float


@dataclass(frozen=True)
class LocusFrequencies:
    """Frequencies of one locus, alleles in repeat order, floor already applied."""

    locus: str
    alleles: tuple[str, ...]
    frequencies: np.ndarray
    minimum: float
    floor_rule: str
    floored: tuple[FlooredAllele, ...] = ()

    def __post_init__(self) -> None:
        self.frequencies.setflags(write=False)

    def index(self) -> dict[str, int]:
        return {a: i for i, a in enumerate(self.alleles)}

    def with_alleles(self, alleles: Iterable[str]) -> LocusFrequencies:
        """Return a copy that also holds ``alleles``, unseen ones at the minimum.

        New alleles are appended (not sorted in), so that allele codes and genotype
        indices already given out by a search index stay valid.
        """
        missing = sorted(set(alleles) - set(self.alleles), key=allele_sort_key)
        if not missing:
            return self
        labels = self.alleles + tuple(missing)
        old = dict(zip(self.alleles, self.frequencies.tolist(), strict=True))
        freqs = np.array([old.get(a, self.minimum) for a in labels], dtype=np.float64)
        added = tuple(FlooredAllele(self.locus, a, None, self.minimum) for a in missing)
        return LocusFrequencies(self.locus, tuple(labels), freqs, self.minimum,
                                self.floor_rule, self.floored + added)


@dataclass(frozen=True)
class FrequencyTable:
    """A population's allele frequencies for many loci.

    :param name: the table's name (file stem).
    :param loci: canonical locus -> :class:`LocusFrequencies`.
    :param metadata: the ``# key: value`` header comments (source, population, N).
    """

    name: str
    loci: Mapping[str, LocusFrequencies]
    metadata: Mapping[str, str] = field(default_factory=dict)

    def __contains__(self, locus: object) -> bool:
        return locus in self.loci

    def __getitem__(self, locus: str) -> LocusFrequencies:
        return self.loci[locus]

    def floored(self) -> list[FlooredAllele]:
        return [f for lf in self.loci.values() for f in lf.floored]

    def floor_rules(self) -> dict[str, str]:
        return {locus: lf.floor_rule for locus, lf in self.loci.items()}

    def with_alleles(self, observed: Mapping[str, Iterable[str]]) -> FrequencyTable:
        """Add unseen alleles (at the floor) for each locus of ``observed`` in the table."""
        loci = dict(self.loci)
        for locus, alleles in observed.items():
            if locus in loci:
                loci[locus] = loci[locus].with_alleles(alleles)
        return FrequencyTable(self.name, loci, self.metadata)


def _parse_float(text: str, what: str, row: int, locus: str | None) -> float:
    try:
        value = float(text)
    except ValueError:
        raise FrequencyTableError(f"{what} {text!r} is not a number", row=row,
                                  locus=locus) from None
    if not math.isfinite(value):
        raise FrequencyTableError(f"{what} {text!r} is not finite", row=row, locus=locus)
    return value


def parse_frequency_table(
    text: str,
    *,
    name: str = "table",
    source: str | None = None,
    floor: float = DEFAULT_FLOOR,
    sample_size: int | None = None,
    sum_tolerance: float = SUM_TOLERANCE,
) -> FrequencyTable:
    """Parse ``locus,allele,frequency[,N]`` text; see the module docstring.

    :param floor: minimum frequency used where N is not known.
    :param sample_size: N to use, overriding the table's own.
    :raises FrequencyTableError: for a malformed row, a duplicate allele, a frequency
        outside (0, 1], or a locus whose frequencies do not sum to 1 +- ``sum_tolerance``.
    """
    source = source or name
    metadata: dict[str, str] = {}
    body: list[str] = []
    comment_rows = 0
    for line in text.splitlines():
        if line.startswith("#") and not body:
            comment_rows += 1
            key, _, value = line[1:].partition(":")
            if value:
                metadata[key.strip().lower()] = value.strip()
            continue
        body.append(line)
    rows = list(csv.reader(io.StringIO("\n".join(body))))
    if not rows:
        raise FrequencyTableError("no header row", source=source)
    header = [h.strip().lower() for h in rows[0]]
    header_row = comment_rows + 1
    for needed in ("locus", "allele", "frequency"):
        if needed not in header:
            raise FrequencyTableError(
                f"header must have columns locus,allele,frequency; found {','.join(rows[0])!r}",
                source=source, row=header_row,
            )
    i_locus, i_allele, i_freq = (header.index(c) for c in ("locus", "allele", "frequency"))
    i_n = header.index("n") if "n" in header else None
    table_n = sample_size
    if table_n is None and "n" in metadata:
        try:
            table_n = int(metadata["n"].split()[0])
        except ValueError:
            table_n = None  # "not stated"
    raw: dict[str, dict[str, float]] = {}
    locus_n: dict[str, int] = {}
    first_row: dict[str, int] = {}
    for offset, row in enumerate(rows[1:], start=1):
        row_number = header_row + offset
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < 3:
            raise FrequencyTableError("expected locus,allele,frequency", source=source,
                                      row=row_number)
        try:
            locus = canonical_locus(row[i_locus])
            allele = normalise_allele(row[i_allele], locus)
        except InputError as error:
            raise error.located(source=source, row=row_number) from None
        value = _parse_float(row[i_freq].strip(), "frequency", row_number, locus)
        if not 0.0 < value <= 1.0:
            raise FrequencyTableError(f"frequency {value} of allele {allele} is not in (0, 1]",
                                      source=source, row=row_number, locus=locus)
        alleles = raw.setdefault(locus, {})
        first_row.setdefault(locus, row_number)
        if allele in alleles:
            raise FrequencyTableError(f"allele {allele} is listed twice", source=source,
                                      row=row_number, locus=locus)
        alleles[allele] = value
        if i_n is not None and i_n < len(row) and row[i_n].strip():
            locus_n[locus] = int(_parse_float(row[i_n].strip(), "N", row_number, locus))
    loci: dict[str, LocusFrequencies] = {}
    for locus, alleles in raw.items():
        total = sum(alleles.values())
        if abs(total - 1.0) > sum_tolerance:
            raise FrequencyTableError(
                f"frequencies sum to {total:.4f}, not about 1 (tolerance {sum_tolerance}); "
                "is an allele missing?",
                source=source, row=first_row[locus], locus=locus,
            )
        n = sample_size or locus_n.get(locus) or table_n
        if n:
            minimum, rule = 5.0 / (2.0 * n), f"5/2N with N={n} (NRC II)"
        else:
            minimum, rule = floor, f"stated minimum {floor} (N not stated)"
        labels = sorted(alleles, key=allele_sort_key)
        freqs = np.array([max(alleles[a], minimum) for a in labels], dtype=np.float64)
        floored = tuple(
            FlooredAllele(locus, a, alleles[a], minimum) for a in labels if alleles[a] < minimum
        )
        loci[locus] = LocusFrequencies(locus, tuple(labels), freqs, minimum, rule, floored)
    return FrequencyTable(name, loci, metadata)


def load_frequency_table(path: str | Path, **options: object) -> FrequencyTable:
    """Load a frequency table file (see :func:`parse_frequency_table` for options)."""
    path = Path(path)
    return parse_frequency_table(read_text(path), name=path.stem, source=str(path),
                                 **options)  # type: ignore[arg-type]


def packaged_tables() -> list[str]:
    """Names of the frequency tables shipped with Homeward (see SOURCES.md)."""
    folder = resources.files("homeward.kinship") / "data" / "frequencies"
    return sorted(p.name[:-4] for p in folder.iterdir() if p.name.endswith(".csv"))


def load_packaged_table(name: str = DEFAULT_TABLE, **options: object) -> FrequencyTable:
    """Load a shipped table by name, e.g. ``"usa_caucasian_nist1036"``."""
    if name not in packaged_tables():
        raise FrequencyTableError(
            f"no shipped table {name!r}; choose one of {', '.join(packaged_tables())}"
        )
    resource = resources.files("homeward.kinship") / "data" / "frequencies" / f"{name}.csv"
    return parse_frequency_table(resource.read_text(encoding="utf-8"), name=name,
                                 source=name, **options)  # type: ignore[arg-type]


def resolve_frequency_table(name_or_path: str, **options: object) -> FrequencyTable:
    """A path to a CSV file, or the name of a shipped table."""
    if Path(name_or_path).exists():
        return load_frequency_table(name_or_path, **options)
    return load_packaged_table(name_or_path, **options)
