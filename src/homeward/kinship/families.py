"""Reading the families and the rescued children's case data of a joint identification.

``FAMILIES.csv``: header ``family,person,father,mother,sex,missing`` and optional
``age_years`` (age when the child vanished), ``vanished`` (ISO date) and
``vanished_place`` (where the child vanished: an administrative area code, or a place
name where the caller passes a resolver), one row per
person of each family's pedigree: typed relatives, untyped connecting people (a dead
father) and the missing children (``missing`` = 1, no profile). ``father``/``mother``
name persons of the same family or are empty for founders.

``INFO.csv``: header ``child,sex,age_years``, either value may be empty.

Every error names the file and the row (the header is row 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from homeward.kinship.areas import area_code
from homeward.kinship.errors import DuplicateRecordError, InputError, MalformedFileError
from homeward.kinship.pedigree import Pedigree, Person, Sex, parse_sex
from homeward.kinship.textfiles import read_text

FAMILY_COLUMNS = ("family", "person", "father", "mother", "sex", "missing")
INFO_COLUMNS = ("child", "sex", "age_years")


@dataclass(frozen=True)
class MissingChild:
    """A missing child of a family, with what the prior can use.

    ``vanished_place`` is an administrative area code (:mod:`homeward.kinship.areas`),
    kept as its significant prefix so that it compares with a ring's source areas.
    """

    family: str
    person: str
    sex: Sex | None = None
    age_years: float | None = None
    vanished: dt.date | None = None
    vanished_place: str | None = None

    def __post_init__(self) -> None:
        if self.vanished_place is not None:
            object.__setattr__(self, "vanished_place", area_code(self.vanished_place))


@dataclass(frozen=True)
class Family:
    """One open family: its pedigree and which of its persons are missing."""

    id: str
    pedigree: Pedigree
    missing: tuple[MissingChild, ...]
    rows: Mapping[str, int]  # person -> file row, for error messages


@dataclass(frozen=True)
class ChildInfo:
    child: str
    sex: Sex | None = None
    age_years: float | None = None


def _table(path: str | Path, required: tuple[str, ...]) -> tuple[list[str], list[list[str]]]:
    text = read_text(path)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise MalformedFileError("the file is empty", source=str(path))
    header = [c.strip().lower() for c in rows[0]]
    absent = [c for c in required if c not in header]
    if absent:
        raise MalformedFileError(
            f"header lacks column(s) {', '.join(absent)}; expected {','.join(required)}",
            source=str(path), row=1)
    return header, rows[1:]


def _age(text: str, source: str, row: int) -> float | None:
    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"age_years {text!r} is not a number", source=source,
                         row=row) from None
    if not math.isfinite(value) or not 0.0 <= value < 130.0:
        raise InputError(f"age_years {text!r} is not an age in years", source=source, row=row)
    return value


PlaceResolver = Callable[[str], str]  # place text -> area code; ValueError if unknown


def read_families(path: str | Path, *,
                  resolve_place: PlaceResolver | None = None) -> list[Family]:
    """All families of ``FAMILIES.csv``, each pedigree validated.

    :param resolve_place: turns a ``vanished_place`` into an area code (the command line
        passes the gazetteer's, which also reads place names); without it the column must
        hold area codes.
    :raises InputError: naming the row: a person twice, an unknown parent, a sex that
        contradicts a parent role, a cycle, a family with no missing child, a date or a
        place that cannot be read.
    """
    source = str(path)
    header, rows = _table(path, FAMILY_COLUMNS)
    col = {name: header.index(name) for name in header}
    by_family: dict[str, list[tuple[int, dict[str, str]]]] = {}
    for number, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        record = {name: (cells[k].strip() if k < len(cells) else "") for name, k in col.items()}
        if not record["family"] or not record["person"]:
            raise InputError("family and person must not be empty", source=source,
                             row=number)
        by_family.setdefault(record["family"], []).append((number, record))
    if not by_family:
        raise MalformedFileError("no family rows", source=source)
    return [_family(fid, records, source, resolve_place) for fid, records in by_family.items()]


def _place(text: str, resolve: PlaceResolver | None, source: str, row: int,
           person: str) -> str | None:
    if not text:
        return None
    try:
        return area_code(resolve(text) if resolve is not None else text)
    except (ValueError, InputError) as error:
        reason = error.reason if isinstance(error, InputError) else str(error)
        raise InputError(f"vanished_place: {reason}", source=source, row=row,
                         sample=person) from None


def _family(fid: str, records: list[tuple[int, dict[str, str]]], source: str,
            resolve_place: PlaceResolver | None = None) -> Family:
    persons: list[Person] = []
    missing: list[MissingChild] = []
    rows: dict[str, int] = {}
    for number, record in records:
        pid = record["person"]
        if pid in rows:
            raise DuplicateRecordError(
                f"person appears twice in family {fid!r} (first at row {rows[pid]})",
                source=source, row=number, sample=pid)
        rows[pid] = number
        try:
            sex = parse_sex(record["sex"], pid)
        except InputError as error:
            raise error.located(source=source, row=number) from None
        flag = record["missing"]
        if flag not in ("0", "1"):
            raise InputError(f"missing must be 0 or 1, not {flag!r}", source=source,
                             row=number, sample=pid)
        persons.append(Person(pid, record["father"] or None, record["mother"] or None, sex))
        if flag == "1":
            vanished = None
            if record.get("vanished"):
                try:
                    vanished = dt.date.fromisoformat(record["vanished"])
                except ValueError:
                    raise InputError(f"vanished {record['vanished']!r} is not a date "
                                     "(YYYY-MM-DD)", source=source, row=number,
                                     sample=pid) from None
            place = _place(record.get("vanished_place", ""), resolve_place, source, number,
                           pid)
            missing.append(MissingChild(fid, pid, sex, _age(record.get("age_years", ""),
                                                            source, number), vanished, place))
    try:
        pedigree = Pedigree(persons)
    except InputError as error:
        row = rows.get(error.sample or "")
        raise InputError(f"family {fid!r}: {error.reason}", source=source, row=row,
                         sample=error.sample) from None
    if not missing:
        raise InputError(f"family {fid!r} has no missing child (missing = 1)", source=source,
                         row=records[0][0])
    return Family(fid, pedigree, tuple(missing), rows)


def read_children_info(path: str | Path) -> dict[str, ChildInfo]:
    """``INFO.csv`` as child id -> :class:`ChildInfo`."""
    source = str(path)
    header, rows = _table(path, ("child",))
    col = {name: header.index(name) for name in header}
    out: dict[str, ChildInfo] = {}
    for number, cells in enumerate(rows, start=2):
        if not any(c.strip() for c in cells):
            continue
        record = {name: (cells[k].strip() if k < len(cells) else "") for name, k in col.items()}
        child = record["child"]
        if not child:
            raise InputError("child must not be empty", source=source, row=number)
        if child in out:
            raise DuplicateRecordError("child appears twice", source=source, row=number,
                                       sample=child)
        try:
            sex = parse_sex(record.get("sex"), child)
        except InputError as error:
            raise error.located(source=source, row=number) from None
        out[child] = ChildInfo(child, sex, _age(record.get("age_years", ""), source, number))
    return out
