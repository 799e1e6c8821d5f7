"""Allele-frequency tables and the minimum-frequency rule.

A table is CSV ``locus,allele,frequency`` with optional ``# key: value`` comment lines
before the header, or any layout other programs exchange: the EuroForMix/Familias
allele-by-locus grid, a STRidER export (one population chosen) or the database of a
Familias ``.fam`` file (see :mod:`~homeward.kinship.frequency_layouts` and
:mod:`~homeward.kinship.familias`); the layout is detected from the text.

The sample size N (individuals) is read, in this order, from an ``N`` column (per locus),
the layout's own sample sizes, or a ``# N: 361`` header comment (whole table). It sets the
NRC II minimum allele frequency 5/2N (NRC II 1996, recommendation 4.11 and section 5.2);
when N is not stated, a configurable floor applies (0.001 by default, as norSTR uses), and
every report says which floor was applied.

No frequency is ever zero: an allele missing from the table gets the floor, and so does a
listed allele rarer than the floor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from homeward.kinship.errors import FrequencyTableError, InputError
from homeward.kinship.familias import FamiliasDatabase, is_familias_text, parse_familias
from homeward.kinship.frequency_layouts import (
    LONG,
    STRIDER,
    RawFrequencies,
    detect_layout,
    parse_allele_by_locus,
    parse_long,
    parse_strider,
    split_comments,
    table_rows,
)
from homeward.kinship.loci import canonical_locus
from homeward.kinship.profiles import allele_sort_key, normalise_allele
from homeward.kinship.textfiles import read_text

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
    """Frequencies of one locus, alleles in repeat order, floor already applied.

    :param sample_size: the N (individuals) behind the minimum, where it was stated.
    """

    locus: str
    alleles: tuple[str, ...]
    frequencies: np.ndarray
    minimum: float
    floor_rule: str
    floored: tuple[FlooredAllele, ...] = ()
    sample_size: float | None = None

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
                                self.floor_rule, self.floored + added, self.sample_size)

    def listed(self) -> dict[str, float]:
        """The frequencies as the source table listed them, before the minimum was applied.

        Alleles added at the minimum (never listed) are left out, so that a table written
        back says what its source said.
        """
        restored = {f.allele: f.listed_frequency for f in self.floored}
        listed: dict[str, float] = {}
        for allele, value in zip(self.alleles, self.frequencies.tolist(), strict=True):
            if allele not in restored:
                listed[allele] = value
            elif restored[allele] is not None:
                listed[allele] = float(restored[allele])  # type: ignore[arg-type]
        return listed


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


def parse_frequency_table(
    text: str,
    *,
    name: str = "table",
    source: str | None = None,
    floor: float = DEFAULT_FLOOR,
    sample_size: int | None = None,
    sum_tolerance: float = SUM_TOLERANCE,
    population: str | None = None,
) -> FrequencyTable:
    """Parse a frequency table in any layout of :mod:`~homeward.kinship.frequency_layouts`,
    or the database of a Familias ``.fam`` file.

    :param floor: minimum frequency used where N is not known.
    :param sample_size: N to use, overriding the table's own.
    :param population: the population column of a STRidER export.
    :raises FrequencyTableError: for a malformed row, a duplicate allele, a frequency
        outside (0, 1], or a locus whose frequencies do not sum to 1 +- ``sum_tolerance``;
        every message names the file, the row and the locus.
    """
    source = source or name
    options = {"name": name, "source": source, "floor": floor, "sample_size": sample_size,
               "sum_tolerance": sum_tolerance}
    if is_familias_text(text):
        if population is not None:
            raise FrequencyTableError("a Familias file holds one database; no population "
                                      "can be chosen", source=source)
        database = parse_familias(text, source=source).database
        return frequency_table_from_familias(database, **options)  # type: ignore[arg-type]
    metadata, body, comment_rows = split_comments(text)
    header_row = comment_rows + 1
    try:
        rows = table_rows(body, first_row=header_row)
        if not rows or not any(rows[0]):
            raise FrequencyTableError("no header row", row=header_row)
        layout = detect_layout(rows, header_row)
        if layout == STRIDER:
            raw = parse_strider(rows, header_row, population)
        elif population is not None:
            raise FrequencyTableError(f"population {population!r} given, but a {layout} "
                                      "table holds one population")
        elif layout == LONG:
            raw = parse_long(rows, header_row)
        else:
            raw = parse_allele_by_locus(rows, header_row)
    except InputError as error:
        raise error.located(source=source) from None
    raw.metadata = {**metadata, **raw.metadata}
    return build_frequency_table(raw, **options)  # type: ignore[arg-type]


def build_frequency_table(
    raw: RawFrequencies,
    *,
    name: str,
    source: str,
    floor: float = DEFAULT_FLOOR,
    sample_size: float | None = None,
    sum_tolerance: float = SUM_TOLERANCE,
) -> FrequencyTable:
    """Apply the sum check and the minimum-frequency rule to listed frequencies.

    N is, in this order: ``sample_size``, the locus's own N, the table's ``# N:`` comment.
    """
    table_n: float | None = None
    if "n" in raw.metadata:
        try:
            table_n = float(raw.metadata["n"].split()[0])
        except (ValueError, IndexError):
            table_n = None  # "not stated"
    if not raw.alleles:
        raise FrequencyTableError("the table lists no allele frequency", source=source)
    loci: dict[str, LocusFrequencies] = {}
    for locus, alleles in raw.alleles.items():
        total = sum(alleles.values())
        if abs(total - 1.0) > sum_tolerance:
            raise FrequencyTableError(
                f"frequencies sum to {total:.4f}, not about 1 (tolerance {sum_tolerance}); "
                "is an allele missing?",
                source=source, row=raw.first_rows.get(locus), locus=locus,
            )
        n = sample_size or raw.sample_sizes.get(locus) or table_n
        if n:
            minimum, rule = 5.0 / (2.0 * n), f"5/2N with N={_number(n)} (NRC II)"
        else:
            minimum, rule = floor, f"stated minimum {floor} (N not stated)"
        labels = sorted(alleles, key=allele_sort_key)
        freqs = np.array([max(alleles[a], minimum) for a in labels], dtype=np.float64)
        floored = tuple(
            FlooredAllele(locus, a, alleles[a], minimum) for a in labels if alleles[a] < minimum
        )
        loci[locus] = LocusFrequencies(locus, tuple(labels), freqs, minimum, rule, floored,
                                       sample_size=n or None)
    return FrequencyTable(name, loci, {"layout": raw.layout, **raw.metadata})


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def frequency_table_from_familias(database: FamiliasDatabase, **options: object) -> FrequencyTable:
    """The frequency database of a Familias file as a :class:`FrequencyTable`.

    Familias's ``DatabaseSize`` counts alleles, not people: in dvir's ``KETPex497.fam``
    (Kling, Tillmar, Egeland & Mostad 2021, exercise 4.9.7) the rarest D3S1358 allele is
    1/19172 = 5.2159e-05 with DatabaseSize 19172, and the rarest D19S433 allele
    1/3470 = 2.8818e-04 with DatabaseSize 3470. N (individuals) is therefore half of it.
    """
    raw = RawFrequencies("familias", metadata={"database": database.name,
                                               "theta": f"{database.theta:g}"})
    for locus_entry in database.loci:
        try:
            locus = canonical_locus(locus_entry.name)
            for allele, value in zip(locus_entry.alleles, locus_entry.frequencies, strict=True):
                if value > 0:
                    raw.add(locus, normalise_allele(allele, locus), value, locus_entry.line)
        except InputError as error:
            raise error.located(source=str(options.get("source")), row=locus_entry.line) from None
        if locus_entry.database_size:
            raw.sample_sizes[locus] = locus_entry.database_size / 2.0
    return build_frequency_table(raw, **options)  # type: ignore[arg-type]


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
    """A path to a table file in any layout, ``FILE#POPULATION`` for one population of a
    STRidER export, or the name of a shipped table."""
    if Path(name_or_path).exists():
        return load_frequency_table(name_or_path, **options)
    file_part, hash_sign, population = name_or_path.rpartition("#")
    if hash_sign and Path(file_part).exists():
        return load_frequency_table(file_part, population=population, **options)
    return load_packaged_table(name_or_path, **options)
