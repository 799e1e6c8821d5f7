"""Readers and writers for Y-STR haplotype files.

Two layouts are detected from the header row (comma, semicolon or tab separated):

* **long**: ``sample,locus,allele`` -- one row per man and marker; a multi-copy marker
  holds both copies in its cell (``11-14`` or ``11/14``), or the alleles are spread over
  ``allele1,allele2,...`` columns;
* **wide** (the YHRD-style export): one row per man, the first column his id and one
  column per marker (``DYS19,DYS389I,DYS389II,...,DYS385,...``), multi-copy markers either
  in one column (``11-14``) or split into ``DYS385a`` and ``DYS385b``. A column
  ``DYS389B`` (or ``DYS389II-I``) holding the second DYS389 block is converted to the
  total DYS389II. Columns ``haplogroup``, ``population``, ``sex`` and ``kit`` are ignored;
  a column ``n`` (or ``count``) says how many men carry the row's haplotype, as YHRD and
  disclapmix's compact tables do, and the row is read as that many men
  (``ID#1``, ``ID#2`` ...).

Lines starting with ``#`` are notes (provenance) and are skipped. Every error names the
file, the row (the file's line), the sample and the marker; a sample given twice is
refused with both rows named.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

from homeward.kinship.errors import (
    DuplicateRecordError,
    InputError,
    MalformedFileError,
)
from homeward.kinship.readers import read_text
from homeward.kinship.ystr import (
    YCall,
    YHaplotype,
    YHaplotypeSet,
    format_call,
    make_call,
    parse_ystr_cell,
    repeat_value,
)
from homeward.kinship.ystr_loci import (
    canonical_ystr_locus,
    copies,
    is_dys389_second_block,
    split_copy_column,
)

_SAMPLE_HEADERS = ("sample", "sampleid", "samplename", "specimen", "specimenid", "id",
                   "haplotype", "haplotypeid")
_IGNORED_HEADERS = frozenset({"haplogroup", "population", "sex", "kit", "source", "note"})
_COUNT_HEADERS = frozenset({"n", "count", "observations"})


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]", "", name).lower()


def _rows(text: str) -> list[list[str]]:
    first = text.splitlines()[0] if text else ""
    delimiter = "\t" if "\t" in first else (";" if ";" in first and "," not in first else ",")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return [[cell.strip() for cell in row] for row in reader]
    except csv.Error as error:
        raise MalformedFileError(f"not readable as CSV ({error})", row=reader.line_num) \
            from None


def detect_ystr_layout(header: list[str], *, row: int = 1) -> str:
    """Return ``"long"`` or ``"wide"`` for a header row."""
    names = [_norm(h) for h in header]
    has_allele = any(n in ("allele", "alleles") or re.fullmatch(r"allele\d+", n)
                     for n in names)
    if ("locus" in names or "marker" in names) and has_allele:
        return "long"
    if names and names[0] in _SAMPLE_HEADERS and len(names) > 1:
        return "wide"
    raise MalformedFileError(
        "unrecognised header: expected 'sample,locus,allele' (long) or "
        "'sample,DYS19,DYS389I,...' (wide, YHRD-style); found "
        f"{','.join(header[:6])[:80]!r}", row=row)


def read_haplotypes(path: str | Path, *, source: str | None = None) -> YHaplotypeSet:
    """Read a Y-STR haplotype file in either layout (see the module docstring).

    :raises InputError: (a subclass of it) naming file, row, sample and marker.
    """
    source = source or str(path)
    try:
        text = read_text(path)
    except MalformedFileError as error:
        raise MalformedFileError(error.reason, source=source) from None
    return parse_haplotypes(text, source=source)


def parse_haplotypes(text: str, *, source: str = "<text>") -> YHaplotypeSet:
    """Parse haplotype text in either layout."""
    try:
        # '#' lines (provenance notes) are blanked, not dropped, so row numbers stay true.
        text = "\n".join("" if line.lstrip().startswith("#") else line
                         for line in text.splitlines())
        rows = _rows(text)
        start = next((i for i, row in enumerate(rows) if any(row)), None)
        if start is None:
            raise MalformedFileError("the file has no header row")
        if detect_ystr_layout(rows[start], row=start + 1) == "long":
            return _parse_long(rows, start)
        return _parse_wide(rows, start)
    except InputError as error:
        raise error.located(source=source) from None


def _parse_long(rows: list[list[str]], start: int) -> YHaplotypeSet:
    names = [_norm(h) for h in rows[start]]
    sample_col = next((names.index(c) for c in _SAMPLE_HEADERS if c in names), None)
    locus_col = names.index("locus") if "locus" in names else names.index("marker")
    if sample_col is None:
        raise MalformedFileError("header lacks a sample column", row=start + 1)
    allele_cols = [i for i, n in enumerate(names)
                   if n in ("allele", "alleles") or re.fullmatch(r"allele\d+", n)]
    by_sample: dict[str, dict[str, YCall]] = {}
    seen: dict[tuple[str, str], int] = {}
    first_rows: dict[str, int] = {}
    for row_number, row in enumerate(rows[start + 1:], start=start + 2):
        if not any(row):
            continue
        if len(row) <= max(sample_col, locus_col):
            raise MalformedFileError(f"row has {len(row)} cells, too few for the header",
                                     row=row_number)
        sample_id = row[sample_col]
        if not sample_id:
            raise MalformedFileError("empty sample id", row=row_number)
        try:
            locus = canonical_ystr_locus(row[locus_col])
            parts = [p for i in allele_cols if i < len(row)
                     for p in re.split(r"[\s/,;|\-]+", row[i]) if p]
            call = parse_ystr_cell("-".join(parts), locus) if parts else None
        except InputError as error:
            raise error.located(row=row_number, sample=sample_id) from None
        key = (sample_id, locus)
        if key in seen:
            raise DuplicateRecordError(
                f"sample {sample_id!r} has {locus} twice (first on row {seen[key]}); "
                "a sample may appear once per marker", row=row_number, sample=sample_id,
                locus=locus)
        seen[key] = row_number
        first_rows.setdefault(sample_id, row_number)
        if call is not None:
            by_sample.setdefault(sample_id, {})[locus] = call
        else:
            by_sample.setdefault(sample_id, {})
    haplotypes = YHaplotypeSet(YHaplotype(s, loci) for s, loci in by_sample.items())
    haplotypes.first_rows = first_rows
    return haplotypes


def _wide_columns(header: list[str], header_row: int) \
        -> tuple[list[tuple[str, int | None] | None], int | None]:
    """Per column: (marker, copy index or None), ``None`` for ignored; and the count column."""
    columns: list[tuple[str, int | None] | None] = [None]
    count_col = None
    for index, name in enumerate(header[1:], start=1):
        norm = _norm(name)
        if norm in _COUNT_HEADERS:
            count_col = index
            columns.append(None)
        elif norm in _IGNORED_HEADERS or not norm:
            columns.append(None)
        elif is_dys389_second_block(name):
            columns.append(("DYS389B", None))
        else:
            try:
                columns.append(split_copy_column(name))
            except InputError as error:
                raise error.located(row=header_row) from None
    return columns, count_col


def _wide_row(row: list[str], columns: list[tuple[str, int | None] | None]) \
        -> dict[str, YCall]:
    loci: dict[str, YCall] = {}
    split: dict[str, list[str]] = {}
    second_block = None
    for (cell, column) in zip(row, columns, strict=False):
        if column is None:
            continue
        locus, copy = column
        if locus == "DYS389B":
            second_block = cell if cell.strip() else None
            continue
        if copy is not None:
            if cell.strip():
                split.setdefault(locus, []).append(cell)
            continue
        call = parse_ystr_cell(cell, locus)
        if call is not None:
            loci[locus] = call
    for locus, cells in split.items():
        parts = [p for c in cells for p in re.split(r"[\s/,;|\-]+", c) if p]
        loci[locus] = make_call(parts, locus)
    if second_block is not None and "DYS389II" not in loci:
        block = parse_ystr_cell(second_block, "DYS389II")
        first = loci.get("DYS389I")
        if block is not None:
            if not first or len(first) != 1 or len(block) != 1:
                raise InputError("DYS389B (DYS389II - DYS389I) needs a single DYS389I call "
                                 "to give DYS389II", locus="DYS389II")
            total = repeat_value(first[0]) + repeat_value(block[0])
            loci["DYS389II"] = make_call([f"{total:g}"], "DYS389II")
    return loci


def _parse_wide(rows: list[list[str]], start: int) -> YHaplotypeSet:
    header = rows[start]
    columns, count_col = _wide_columns(header, start + 1)
    haplotypes = YHaplotypeSet()
    for row_number, row in enumerate(rows[start + 1:], start=start + 2):
        if not any(row):
            continue
        if len(row) > len(header):
            raise MalformedFileError(f"{len(row)} cells but the header has {len(header)} "
                                     "columns", row=row_number)
        sample_id = row[0]
        if not sample_id:
            raise MalformedFileError("empty sample id", row=row_number)
        try:
            loci = _wide_row(row, columns)
        except InputError as error:
            raise error.located(row=row_number, sample=sample_id) from None
        count = 1
        if count_col is not None and count_col < len(row) and row[count_col]:
            if not row[count_col].isdigit() or int(row[count_col]) < 1:
                raise MalformedFileError(f"count {row[count_col]!r} is not a whole number "
                                         ">= 1", row=row_number, sample=sample_id)
            count = int(row[count_col])
        ids = [sample_id] if count == 1 else [f"{sample_id}#{k}" for k in range(1, count + 1)]
        for one_id in ids:
            if one_id in haplotypes:
                raise DuplicateRecordError(
                    f"sample {one_id!r} appears twice (first on row "
                    f"{haplotypes.first_rows[one_id]}); each man may appear once",
                    row=row_number, sample=one_id)
            haplotypes.add(YHaplotype(one_id, loci))
            haplotypes.first_rows[one_id] = row_number
    return haplotypes


def write_wide_csv(haplotypes: Iterable[YHaplotype], markers: Iterable[str]) -> str:
    """Write haplotypes in the wide layout (``sample,<marker>,...``), ``11-14`` for copies."""
    markers = list(markers)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["sample", *markers])
    for haplotype in haplotypes:
        writer.writerow([haplotype.sample_id,
                         *(format_call(haplotype.loci[m]) if m in haplotype.loci else ""
                           for m in markers)])
    return out.getvalue()


__all__ = ["copies", "detect_ystr_layout", "parse_haplotypes", "read_haplotypes",
           "write_wide_csv"]
