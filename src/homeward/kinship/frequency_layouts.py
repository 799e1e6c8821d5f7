"""The text layouts of allele-frequency tables, detected from their first rows.

Three layouts are read into one neutral form (:class:`RawFrequencies`: locus -> allele ->
listed frequency, with the row each came from); :mod:`homeward.kinship.frequencies`
applies the minimum-frequency and sum rules to it.

* **long** (Homeward's own): ``locus,allele,frequency[,N]``, one row per allele.
* **allele-by-locus**, the layout EuroForMix ships and EuroForMix and Familias users
  exchange: header ``Allele,D3S1358,VWA,...`` (``,`` or ``;``), one row per allele, one
  column per locus, an empty cell where the locus lacks the allele (e.g. EuroForMix's
  ``inst/FreqDatabases/NGM_Holland.csv``, Bleka et al. 2016, doi:10.1016/j.fsigen.2015.11.008).
* **STRidER**, the CSV that strider.online exports for all its populations at once
  (Bodner et al. 2016, doi:10.1016/j.fsigen.2016.06.008): per locus a row holding only the
  locus name, a header ``Allele,AUSTRIA,BELGIUM,...``, a row of sample sizes (first cell
  empty), then one row per allele; cells are empty where a population lacks the allele.
  The sample sizes count individuals: in the 2019-08-02 export AUSTRIA has N = 222 at
  D1S1656 and its rarest allele 1/(2 x 222) = 0.00225225. STRidER bins rare alleles below
  and above its allele categories as ``1`` and ``99``; they are kept as listed.

In the two grid layouts an empty cell or a ``0`` means the allele was not observed (it then
gets the minimum frequency if a profile carries it). Row numbers count every line of the
file, comments and header included (the header is row 1 when there are no comments).
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field

from homeward.kinship.errors import FrequencyTableError, InputError, UnknownLocusError
from homeward.kinship.loci import canonical_locus
from homeward.kinship.profiles import normalise_allele
from homeward.kinship.textfiles import sniff_delimiter

LONG = "long"
ALLELE_BY_LOCUS = "allele-by-locus"
STRIDER = "strider"


@dataclass
class RawFrequencies:
    """Listed frequencies before any rule is applied, as a layout parser leaves them.

    :param sample_sizes: locus -> N (individuals) where the file states it.
    """

    layout: str
    alleles: dict[str, dict[str, float]] = field(default_factory=dict)
    first_rows: dict[str, int] = field(default_factory=dict)
    sample_sizes: dict[str, float] = field(default_factory=dict)
    metadata: dict[str, str] = field(default_factory=dict)

    def add(self, locus: str, allele: str, value: float, row: int) -> None:
        """Record one listed frequency; a second listing of the allele is an error."""
        listed = self.alleles.setdefault(locus, {})
        self.first_rows.setdefault(locus, row)
        if allele in listed:
            raise FrequencyTableError(f"allele {allele} is listed twice", row=row, locus=locus)
        listed[allele] = value


def split_comments(text: str) -> tuple[dict[str, str], list[str], int]:
    """``# key: value`` lines before the header -> (metadata, body lines, comment rows)."""
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
    return metadata, body, comment_rows


def table_rows(body: list[str], *, first_row: int = 1) -> list[list[str]]:
    """The cells of the body, with the delimiter sniffed from its first line that has one.

    :param first_row: the file row of the body's first line (for messages).
    """
    sample = next((line for line in body[:3] if re.search(r"[,;\t]", line)), "")
    reader = csv.reader(io.StringIO("\n".join(body)), delimiter=sniff_delimiter(sample))
    try:
        return [[cell.strip() for cell in row] for row in reader]
    except csv.Error as error:
        raise FrequencyTableError(f"not readable as CSV ({error})",
                                  row=first_row - 1 + reader.line_num) from None


def _key(cell: str) -> str:
    return re.sub(r"[\s_\-]", "", cell).lower()


def detect_layout(rows: list[list[str]], header_row: int = 1) -> str:
    """Return :data:`LONG`, :data:`ALLELE_BY_LOCUS` or :data:`STRIDER` from the first rows.

    :raises FrequencyTableError: naming the three layouts when none fits.
    """
    header = [_key(c) for c in rows[0]] if rows else []
    if {"locus", "allele", "frequency"} <= set(header):
        return LONG
    if header and header[0] in ("allele", "alleles") and len(header) > 1:
        return ALLELE_BY_LOCUS
    if (len(rows) > 1 and len([c for c in rows[0] if c]) == 1 and rows[1]
            and _key(rows[1][0]) == "allele"):
        return STRIDER
    found = ",".join(rows[0])[:80] if rows else ""
    raise FrequencyTableError(
        "unrecognised header: expected 'locus,allele,frequency' (long), "
        "'Allele,<locus>,<locus>...' (EuroForMix/Familias, ',' or ';') or a STRidER export "
        f"(a locus name, then 'Allele,<population>...'); found {found!r}",
        row=header_row,
    )


def parse_frequency(text: str, row: int, locus: str | None, *,
                    zero_is_absent: bool) -> float | None:
    """A listed frequency in (0, 1]; ``None`` for an empty cell (or 0 in a grid layout)."""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise FrequencyTableError(f"frequency {text!r} is not a number", row=row,
                                  locus=locus) from None
    if not math.isfinite(value):
        raise FrequencyTableError(f"frequency {text!r} is not finite", row=row, locus=locus)
    if value == 0.0 and zero_is_absent:
        return None
    if not 0.0 < value <= 1.0:
        raise FrequencyTableError(f"frequency {value} is not in (0, 1]", row=row, locus=locus)
    return value


def parse_long(rows: list[list[str]], header_row: int) -> RawFrequencies:
    """``locus,allele,frequency[,N]`` rows (header first)."""
    raw = RawFrequencies(LONG)
    header = [_key(h) for h in rows[0]]
    i_locus, i_allele, i_freq = (header.index(c) for c in ("locus", "allele", "frequency"))
    i_n = header.index("n") if "n" in header else None
    for offset, row in enumerate(rows[1:], start=1):
        row_number = header_row + offset
        if not any(row):
            continue
        if len(row) <= max(i_locus, i_allele, i_freq):
            raise FrequencyTableError("expected locus,allele,frequency", row=row_number)
        try:
            locus = canonical_locus(row[i_locus])
            allele = normalise_allele(row[i_allele], locus)
            value = parse_frequency(row[i_freq], row_number, locus, zero_is_absent=False)
            if value is None:
                raise FrequencyTableError("the frequency is empty", locus=locus)
            raw.add(locus, allele, value, row_number)
            if i_n is not None and i_n < len(row) and row[i_n]:
                raw.sample_sizes[locus] = _sample_size(row[i_n], row_number, locus)
        except InputError as error:
            raise error.located(row=row_number) from None
    return raw


def _sample_size(text: str, row: int, locus: str | None) -> float:
    try:
        value = float(text)
    except ValueError:
        raise FrequencyTableError(f"sample size N {text!r} is not a number", row=row,
                                  locus=locus) from None
    if not math.isfinite(value) or value <= 0:
        raise FrequencyTableError(f"sample size N {text!r} is not a positive number", row=row,
                                  locus=locus)
    return value


def parse_allele_by_locus(rows: list[list[str]], header_row: int) -> RawFrequencies:
    """EuroForMix/Familias rows: ``Allele,<locus>...`` then one row per allele."""
    raw = RawFrequencies(ALLELE_BY_LOCUS)
    loci: list[str] = []
    for column, name in enumerate(rows[0][1:], start=2):
        if not name:
            raise FrequencyTableError(f"column {column} of the header has no locus name",
                                      row=header_row)
        try:
            locus = canonical_locus(name)
        except InputError as error:
            raise error.located(row=header_row) from None
        if locus in loci:
            raise FrequencyTableError(
                f"column {column} ({name!r}) repeats locus {locus} of column "
                f"{loci.index(locus) + 2}", row=header_row, locus=locus)
        loci.append(locus)
    for offset, row in enumerate(rows[1:], start=1):
        row_number = header_row + offset
        if not any(row):
            continue
        if len(row) > len(rows[0]):
            raise FrequencyTableError(
                f"{len(row)} cells but the header has {len(rows[0])} columns", row=row_number)
        for locus, cell in zip(loci, row[1:], strict=False):
            _add_grid_cell(raw, locus, row[0], cell, row_number)
    return raw


def _add_grid_cell(raw: RawFrequencies, locus: str, allele: str, cell: str, row: int) -> None:
    """One cell of a grid layout: an empty cell or 0 is an allele not observed."""
    try:
        value = parse_frequency(cell, row, locus, zero_is_absent=True)
        if value is not None:
            raw.add(locus, normalise_allele(allele, locus), value, row)
    except InputError as error:
        raise error.located(row=row) from None


def parse_strider(rows: list[list[str]], header_row: int, population: str | None) -> RawFrequencies:
    """A STRidER export, keeping the column of one ``population`` (case ignored).

    A file with a single population needs no name. Loci that Homeward does not know (e.g.
    ``D5S2800``) are skipped and listed in ``metadata["skipped loci"]``; a population
    absent from a locus's block simply lacks that locus.

    :raises FrequencyTableError: when no population is named, or the one named is in no
        block; the message lists the file's populations.
    """
    raw = RawFrequencies(STRIDER)
    blocks = _strider_blocks(rows, header_row)
    populations = list(dict.fromkeys(p for _, header, _, _ in blocks for p in header[1:] if p))
    if population is None:
        if len(populations) != 1:
            raise FrequencyTableError(
                f"the STRidER export holds {len(populations)} populations; name one as "
                f"'FILE#POPULATION' (one of: {', '.join(populations)})")
        population = populations[0]
    wanted = _key(population)
    if wanted not in {_key(p) for p in populations}:
        raise FrequencyTableError(
            f"population {population!r} is not in the STRidER export (populations: "
            f"{', '.join(populations)})")
    skipped: list[str] = []
    for name_row, header, sizes, alleles in blocks:
        keys = [_key(c) for c in header]
        if wanted not in keys[1:]:
            continue
        column = keys.index(wanted, 1)
        try:
            locus = canonical_locus(rows[name_row - header_row][0])
        except UnknownLocusError:
            skipped.append(rows[name_row - header_row][0])
            continue
        if sizes is not None and column < len(sizes[1]) and sizes[1][column]:
            raw.sample_sizes[locus] = _sample_size(sizes[1][column], sizes[0], locus)
        for row_number, row in alleles:
            _add_grid_cell(raw, locus, row[0], row[column] if column < len(row) else "",
                           row_number)
    raw.metadata["population"] = next(p for p in populations if _key(p) == wanted)
    if skipped:
        raw.metadata["skipped loci"] = ", ".join(skipped) + " (not known to Homeward)"
    return raw


_Block = tuple[int, list[str], tuple[int, list[str]] | None, list[tuple[int, list[str]]]]


def _strider_blocks(rows: list[list[str]], header_row: int) -> list[_Block]:
    """Split a STRidER export into (name row, header, sizes row, allele rows) per locus."""
    blocks: list[_Block] = []
    index = 0
    while index < len(rows):
        row_number = header_row + index
        row = rows[index]
        if not any(row):
            index += 1
            continue
        if len(row) != 1:
            raise FrequencyTableError("expected a row holding only a locus name", row=row_number)
        if index + 1 >= len(rows) or not rows[index + 1] or _key(rows[index + 1][0]) != "allele":
            raise FrequencyTableError(f"locus {row[0]!r} is not followed by an 'Allele,...' "
                                      "header", row=row_number)
        header = rows[index + 1]
        index += 2
        sizes = None
        alleles: list[tuple[int, list[str]]] = []
        while index < len(rows) and len(rows[index]) != 1:
            cells = rows[index]
            if any(cells):
                if len(cells) > len(header):
                    raise FrequencyTableError(
                        f"{len(cells)} cells but the header has {len(header)} columns",
                        row=header_row + index)
                if not cells[0] and sizes is None and not alleles:
                    sizes = (header_row + index, cells)
                else:
                    alleles.append((header_row + index, cells))
            index += 1
        blocks.append((row_number, header, sizes, alleles))
    return blocks
