"""Readers for the profile files labs produce.

Three layouts are detected from the header row:

* **long**: ``sample,locus,allele1,allele2`` (one row per sample and locus; an empty
  ``allele2`` is a homozygote);
* **wide**: one row per sample, the first column the sample id and one column per locus,
  alleles written ``12/14``, ``12,14`` or ``12``;
* **GeneMapper**: the tab- or comma-separated export of Applied Biosystems GeneMapper ID-X,
  ``Sample Name, Marker, Allele 1, Allele 2, ...`` (extra columns such as ``Height 1``
  are ignored); EuroForMix's reference profiles ``SampleName,Marker,Allele1,Allele2`` are
  this layout too.

Cells may be separated by commas, tabs or semicolons (see
:func:`homeward.kinship.textfiles.sniff_delimiter`). A Familias ``.fam`` file, recognised by
its first line, gives the profiles of every typed person in it (the case's persons, the DVI
victims and the reference families' members; see :mod:`homeward.kinship.familias`).

Every error names the file, the row (the header is row 1), the sample and the locus.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from homeward.kinship.errors import (
    DuplicateRecordError,
    InputError,
    MalformedFileError,
)
from homeward.kinship.familias import is_familias_text, parse_familias
from homeward.kinship.familias_families import all_profiles
from homeward.kinship.loci import canonical_locus
from homeward.kinship.profiles import (
    Genotype,
    Profile,
    ProfileSet,
    make_genotype,
    parse_genotype_cell,
)
from homeward.kinship.textfiles import read_text, sniff_delimiter
from homeward.kinship.writers import write_long_csv

__all__ = ["detect_format", "parse_profiles", "read_profiles", "read_text", "write_long_csv"]

_SAMPLE_HEADERS = {"sample", "sampleid", "samplename", "specimen", "specimenid", "id"}


def _norm_header(name: str) -> str:
    return re.sub(r"[\s_\-]", "", name).lower()


def _rows(text: str) -> list[list[str]]:
    """The cells of a CSV or tab-separated text.

    :raises MalformedFileError: for a cell longer than the csv module's field limit
        (131,072 characters; no genotype is near that) or a broken quote.
    """
    first_line = text.splitlines()[0] if text else ""
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(first_line))
    try:
        rows = list(reader)
    except csv.Error as error:
        limit = csv.field_size_limit()
        reason = (f"a cell is longer than {limit} characters" if "field limit" in str(error)
                  else f"not readable as CSV ({error})")
        raise MalformedFileError(reason, row=reader.line_num) from None
    return [[cell.strip() for cell in row] for row in rows]


def detect_format(header: list[str]) -> str:
    """Return ``"long"``, ``"genemapper"`` or ``"wide"`` for a header row."""
    names = [_norm_header(h) for h in header]
    if "marker" in names and "allele1" in names:
        return "genemapper"
    if "locus" in names and "allele1" in names:
        return "long"
    if names and names[0] in _SAMPLE_HEADERS and len(names) > 1:
        return "wide"
    raise MalformedFileError(
        "unrecognised header: expected 'sample,locus,allele1,allele2' (long), "
        "'Sample Name,Marker,Allele 1,Allele 2' (GeneMapper) or 'sample,<locus>,<locus>...' "
        f"(wide); found {','.join(header[:6])[:80]!r}",
        row=1,
    )


def read_profiles(path: str | Path, *, errors: list[InputError] | None = None,
                  source: str | None = None) -> ProfileSet:
    """Read a profile file in any supported layout.

    :param errors: when given, bad rows are appended to it (and skipped) instead of
        stopping at the first, so that an import can report every bad row at once.
    :param source: the file's name in messages (default: the path).
    :raises InputError: (a subclass of it) naming file, row, sample and locus.
    """
    source = source or str(path)
    try:
        text = read_text(path)
    except MalformedFileError as error:
        raise MalformedFileError(error.reason, source=source) from None
    return parse_profiles(text, source=source, errors=errors)


def parse_profiles(text: str, *, source: str = "<text>",
                   errors: list[InputError] | None = None) -> ProfileSet:
    """Parse profile text (see module docstring for the layouts)."""
    if is_familias_text(text):
        return all_profiles(parse_familias(text, source=source))
    try:
        rows = _rows(text)
    except InputError as error:
        raise error.located(source=source) from None
    if not rows or not any(rows[0]):
        raise MalformedFileError("the file has no header row", source=source)
    collector = _Collector(errors, source)
    try:
        layout = detect_format(rows[0])
        if layout == "wide":
            return _parse_wide(rows, collector)
        return _parse_long(rows, collector, genemapper=layout == "genemapper")
    except InputError as error:
        raise error.located(source=source) from None


class _Collector:
    """Raise the first bad row, or collect every bad row when asked to."""

    def __init__(self, errors: list[InputError] | None, source: str) -> None:
        self.errors, self.source = errors, source

    def __call__(self, error: InputError) -> None:
        if self.errors is None:
            raise error
        self.errors.append(error.located(source=self.source))


def _parse_wide(rows: list[list[str]], report: _Collector) -> ProfileSet:
    header = rows[0]
    loci: list[str] = []
    for name in header[1:]:
        try:
            loci.append(canonical_locus(name))
        except InputError as error:
            raise error.located(row=1) from None
    profiles = ProfileSet()
    for row_number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        if len(row) > len(header):
            report(MalformedFileError(
                f"{len(row)} cells but the header has {len(header)} columns", row=row_number))
            continue
        sample_id = row[0]
        if not sample_id:
            report(MalformedFileError("empty sample id", row=row_number))
            continue
        genotypes: dict[str, Genotype] = {}
        bad = False
        for locus, cell in zip(loci, row[1:], strict=False):
            try:
                genotype = parse_genotype_cell(cell, locus)
            except InputError as error:
                report(error.located(row=row_number, sample=sample_id))
                bad = True
                continue
            if genotype is not None:
                genotypes[locus] = genotype
        if bad:
            continue
        try:
            profiles.add(Profile(sample_id, genotypes))
            profiles.first_rows[sample_id] = row_number
        except DuplicateRecordError as error:
            report(error.located(row=row_number))
    return profiles


def _column(names: list[str], *candidates: str) -> int | None:
    for candidate in candidates:
        if candidate in names:
            return names.index(candidate)
    return None


def _parse_long(rows: list[list[str]], report: _Collector, *, genemapper: bool) -> ProfileSet:
    names = [_norm_header(h) for h in rows[0]]
    sample_col = _column(names, "samplename", "sample", "sampleid", "specimen", "specimenid")
    locus_col = _column(names, "marker", "locus")
    if sample_col is None or locus_col is None:
        raise MalformedFileError("header lacks a sample or a locus/marker column", row=1)
    allele_cols = [i for i, n in enumerate(names) if re.fullmatch(r"allele\d+", n)]
    allele_cols.sort(key=lambda i: int(names[i][6:]))
    by_sample: dict[str, dict[str, Genotype]] = {}
    seen_rows: dict[tuple[str, str], int] = {}
    for row_number, row in enumerate(rows[1:], start=2):
        if not any(row):
            continue
        if len(row) <= max(locus_col, sample_col):
            report(MalformedFileError(
                f"row has {len(row)} cells, too few for the header", row=row_number))
            continue
        sample_id, raw_locus = row[sample_col], row[locus_col]
        if not sample_id:
            report(MalformedFileError("empty sample id", row=row_number))
            continue
        try:
            locus = canonical_locus(raw_locus)
            alleles = [row[i] for i in allele_cols if i < len(row)]
            genotype = make_genotype(alleles, locus)
        except InputError as error:
            report(error.located(row=row_number, sample=sample_id))
            continue
        key = (sample_id, locus)
        if key in seen_rows:
            report(DuplicateRecordError(
                f"sample and locus already given on row {seen_rows[key]}",
                row=row_number, sample=sample_id, locus=locus,
            ))
            continue
        seen_rows[key] = row_number
        genotypes = by_sample.setdefault(sample_id, {})
        if genotype is not None:
            genotypes[locus] = genotype
    profiles = ProfileSet(Profile(s, g) for s, g in by_sample.items())
    profiles.first_rows = {s: r for (s, _), r in sorted(seen_rows.items(),
                                                        key=lambda item: -item[1])}
    return profiles
