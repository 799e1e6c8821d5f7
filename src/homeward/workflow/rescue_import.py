"""Rescued children of a raid in bulk: a CSV or XLSX file, all rows or none.

A raid rescues dozens of children at once; police fill one sheet (the template below,
downloadable from the operation's page) and upload it. Every row is checked before any is
stored: one bad row refuses the file with every bad row listed (row and reason), and the
registry stays as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry.gazetteer import provinces
from homeward.registry.models import FoundChild, Operation
from homeward.workflow.errors import ImportFailedError, RowError, WorkflowError
from homeward.workflow.operations import register_rescued_child

COLUMNS = ("external_id", "sex", "estimated_birth_date", "estimated_age_years", "found_date",
           "province_code", "distinguishing_marks", "languages", "found_with",
           "rescued_from_address", "description")
REQUIRED = ("sex", "found_date", "province_code")
MAX_ROWS = 2000
MAX_FIELD = 2000
EXAMPLE = {"external_id": "", "sex": "female", "estimated_birth_date": "",
           "estimated_age_years": "3", "found_date": "2026-11-20", "province_code": "13",
           "distinguishing_marks": "small scar above the left eyebrow",
           "languages": "Yunnan dialect", "found_with": "a couple of about 40 and their son",
           "rescued_from_address": "Xiaozhuang village 12, Handan", "description": ""}


def template_csv() -> bytes:
    """The template: the header and one example row (UTF-8 with BOM, as Excel expects)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerow(EXAMPLE)
    return out.getvalue().encode("utf-8-sig")


def _rows(filename: str, content: bytes) -> list[dict[str, str]]:
    if not content.strip():
        raise WorkflowError(f"{filename}: the file is empty")
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds
            kind = type(error).__name__
            raise WorkflowError(f"{filename}: not a readable XLSX workbook ({kind})") from None
        values = [["" if v is None else (v.date().isoformat() if isinstance(v, dt.datetime)
                                         else str(v)) for v in row]
                  for row in sheet.iter_rows(values_only=True)]
        if not values:
            raise WorkflowError(f"{filename}: the sheet is empty")
        header = [h.strip() for h in values[0]]
        return [dict(zip(header, row, strict=False)) for row in values[1:]
                if any(str(v).strip() for v in row)]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise WorkflowError(f"{filename}: not UTF-8 text; save the sheet as CSV UTF-8 or "
                            "upload the XLSX") from None
    reader = csv.DictReader(io.StringIO(text))
    return [row for row in reader if any((v or "").strip() for v in row.values()
                                         if isinstance(v, str))]


@dataclass(frozen=True)
class RescuedChildRow:
    fields: dict[str, Any]


def _date(value: str, column: str, problems: list[tuple[str, str]]) -> dt.date | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value[:10])
    except ValueError:
        problems.append((column, f"{value[:20]!r} is not a date (YYYY-MM-DD)"))
        return None
    if not dt.date(1990, 1, 1) <= day <= dt.date.today():
        problems.append((column, f"{day} is not a plausible date"))
    return day


def _check_row(row: dict[str, str], known: set[str]) -> tuple[dict[str, Any],
                                                              list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    value = {k: (row.get(k) or "").strip() for k in COLUMNS}
    for column, text in value.items():
        if len(text) > MAX_FIELD:
            problems.append((column, f"longer than {MAX_FIELD} characters"))
    for column in REQUIRED:
        if not value[column]:
            problems.append((column, "is required"))
    if value["sex"] and value["sex"] not in ("male", "female", "unknown"):
        problems.append(("sex", f"{value['sex'][:20]!r}: use male, female or unknown"))
    if value["province_code"] and value["province_code"] not in known:
        problems.append(("province_code", f"{value['province_code'][:10]!r} is not a "
                                          "province code (two digits, e.g. 13 for Hebei)"))
    found = _date(value["found_date"], "found_date", problems)
    birth = _date(value["estimated_birth_date"], "estimated_birth_date", problems)
    if birth is None and value["estimated_age_years"]:
        try:
            age = float(value["estimated_age_years"])
            if not 0 <= age <= 18:
                raise ValueError
            birth = (found or dt.date.today()) - dt.timedelta(days=round(age * 365.25))
        except ValueError:
            problems.append(("estimated_age_years", "give an age from 0 to 18 years"))
    if birth and found and birth > found:
        problems.append(("estimated_birth_date", "is after the date found"))
    fields = {"external_id": value["external_id"] or None,
              "sex": None if value["sex"] == "unknown" else value["sex"] or None,
              "found_date": found, "estimated_birth_date": birth,
              "jurisdiction": value["province_code"] or None}
    for column in ("distinguishing_marks", "languages", "found_with", "rescued_from_address",
                   "description"):
        fields[column] = value[column] or None
    return fields, problems


def import_rescued_children(session: Session, operation: Operation, filename: str,
                            content: bytes, *, actor: str) -> list[FoundChild]:
    """Register every child of the file (with its DNA sample queued) or none.

    :raises ImportFailedError: listing every bad row; nothing is stored.
    """
    rows = _rows(filename, content)
    if not rows:
        raise WorkflowError(f"{filename}: no children in the file (only a header?)")
    if len(rows) > MAX_ROWS:
        raise WorkflowError(f"{filename}: {len(rows)} rows; at most {MAX_ROWS} per file")
    missing = [c for c in REQUIRED if c not in rows[0]]
    if missing:
        raise WorkflowError(f"{filename}: columns missing: {', '.join(missing)}; use the "
                            "template")
    known = {p.province_code for p in provinces()}
    errors: list[RowError] = []
    checked = []
    seen: set[str] = set()
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        fields, problems = _check_row(row, known)
        external_id = fields["external_id"]
        if external_id and (external_id in seen or session.scalar(
                select(FoundChild.id).where(FoundChild.external_id == external_id))):
            problems.append(("external_id", f"{external_id[:40]!r} is already registered"))
        if external_id:
            seen.add(external_id)
        errors += [RowError(number, column, reason) for column, reason in problems]
        checked.append(fields)
    if errors:
        raise ImportFailedError(filename, errors)
    with session.begin_nested():
        return [register_rescued_child(session, actor=actor, operation=operation, **fields)
                for fields in checked]
