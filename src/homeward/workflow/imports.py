"""Atomic, idempotent CSV imports of lab profiles and of cases.

An import validates every row first and reports every bad row (row, field, reason); if
any row is bad nothing is stored. Re-importing a file creates no duplicates: profiles are
keyed by specimen id, cases by external id.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.config import Settings, get_settings
from homeward.kinship.errors import InputError
from homeward.kinship.readers import read_profiles, read_text
from homeward.registry.models import (
    FoundChild,
    Match,
    MissingReport,
    Sample,
    StoredProfile,
)
from homeward.security.crypto import ProfileCipher
from homeward.workflow.cases import register_found_child, register_missing_report
from homeward.workflow.errors import ImportFailedError, RowError, WorkflowError
from homeward.workflow.matching import match_profile
from homeward.workflow.profile_store import ProfileStores
from homeward.workflow.samples import check_storable, record_typing, seal_profile


@dataclass
class ImportReport:
    source: str
    stored: int = 0
    skipped: int = 0
    matches: list[Match] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.source}: {self.stored} stored, {self.skipped} already present "
                f"(unchanged), {len(self.matches)} match candidates")


MAX_REASON = 300


def _shortened(errors: list[RowError]) -> list[RowError]:
    """Errors whose reasons quote at most a short excerpt of the file (a 100 KB cell must
    not come back in full)."""
    return [RowError(e.row, e.field[:80], e.reason if len(e.reason) <= MAX_REASON
                     else e.reason[:MAX_REASON] + "…") for e in errors]


def _chunks(items: list[str], size: int = 900):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def import_profiles(session: Session, path: str | Path, *, actor: str, cipher: ProfileCipher,
                    match: bool = True, settings: Settings | None = None,
                    source: str | None = None,
                    stores: ProfileStores | None = None) -> ImportReport:
    """Import a lab's profile file (any layout the kinship readers know).

    Each profile's sample id is a registered specimen id with a consent record. A file
    that cannot be read at all (empty, binary, an unknown header) is an
    :class:`ImportFailedError` like a bad row. ``source`` names the file in messages
    (an upload's own name rather than the temporary path it was saved under).
    """
    source = source or str(path)
    parse_errors: list[InputError] = []
    try:
        profiles = read_profiles(path, errors=parse_errors, source=source)
    except InputError as error:
        raise ImportFailedError(source, _shortened([RowError(
            error.row or 0, error.locus or "file", error.reason)])) from None
    errors = [RowError(e.row or 0, e.locus or "file", e.reason) for e in parse_errors]
    ids = list(profiles)
    samples: dict[str, Sample] = {}
    for chunk in _chunks(ids):
        samples.update({s.specimen_id: s for s in session.scalars(
            select(Sample).where(Sample.specimen_id.in_(chunk)))})
    existing: dict[str, StoredProfile] = {}
    for chunk in _chunks(ids):
        existing.update({p.specimen_id: p for p in session.scalars(
            select(StoredProfile).where(StoredProfile.specimen_id.in_(chunk)))})
    to_store = []
    report = ImportReport(source)
    for specimen, profile in profiles.items():
        row = profiles.first_rows.get(specimen, 0)
        sample = samples.get(specimen)
        if sample is None:
            errors.append(RowError(row, "sample", f"no registered sample with specimen id "
                                                  f"{specimen!r}"))
            continue
        try:
            check_storable(sample, profile)
        except WorkflowError as error:
            errors.append(RowError(row, "sample", str(error)))
            continue
        if specimen in existing:
            stored = cipher.open(specimen, existing[specimen].sealed)
            if dict(stored.genotypes) == dict(profile.genotypes):
                report.skipped += 1
            else:
                errors.append(RowError(row, "sample", f"specimen {specimen} already has a "
                                                      "different profile"))
            continue
        to_store.append((sample, profile))
    if errors:
        raise ImportFailedError(source, _shortened(sorted(errors, key=lambda e: e.row)))
    new_rows = []
    for sample, profile in to_store:
        stored = seal_profile(sample, profile, cipher, actor=actor)
        new_rows.append((stored, profile))
        session.add(stored)
    session.flush()
    for stored, _ in new_rows:
        record_typing(session, stored, actor=actor,
                      reason=f"imported from {Path(source).name or source}")
    report.stored = len(new_rows)
    if match and new_rows:
        settings = settings or get_settings()
        stores = stores or ProfileStores()  # one load for the whole file
        for stored, profile in new_rows:
            report.matches += match_profile(session, stored, profile, actor=actor,
                                            cipher=cipher, settings=settings, stores=stores)
    return report


CASE_COLUMNS = ("kind", "external_id", "name", "sex", "date")


def _date(text: str, row: int, name: str, errors: list[RowError]) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        errors.append(RowError(row, name, f"{text!r} is not a date (YYYY-MM-DD)"))
        return None


def import_cases(session: Session, path: str | Path, *, actor: str) -> ImportReport:
    """Import missing reports and found children from CSV.

    Columns: ``kind`` (missing|found), ``external_id``, ``name`` (missing only), ``name_zh``,
    ``sex`` (male|female|unknown), ``date`` (last seen or found, YYYY-MM-DD),
    ``birth_date``, ``jurisdiction``, ``description``, ``reporter_name``.
    """
    source = str(path)
    try:
        text = read_text(path)
    except InputError as error:
        raise ImportFailedError(source, [RowError(0, "file", error.reason)]) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CASE_COLUMNS if c not in header]
    if missing:
        raise ImportFailedError(source, [RowError(1, c, "column missing") for c in missing])
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    valid: list[tuple[int, dict[str, str]]] = []
    for row_number, raw in enumerate(reader, start=2):
        row = {k.strip().lower(): (v or "").strip() for k, v in raw.items() if k}
        before = len(errors)
        kind, external_id = row["kind"], row["external_id"]
        if kind not in ("missing", "found"):
            errors.append(RowError(row_number, "kind", f"{kind!r} is not missing or found"))
        if not external_id:
            errors.append(RowError(row_number, "external_id", "empty"))
        elif external_id in seen:
            errors.append(RowError(row_number, "external_id",
                                   f"duplicate of row {seen[external_id]}"))
        else:
            seen[external_id] = row_number
        if kind == "missing" and not row["name"]:
            errors.append(RowError(row_number, "name", "a missing report needs the child's name"))
        if row["sex"] not in ("male", "female", "unknown", ""):
            errors.append(RowError(row_number, "sex", f"{row['sex']!r} is not male, female "
                                                      "or unknown"))
        _date(row["date"], row_number, "date", errors)
        _date(row.get("birth_date", ""), row_number, "birth_date", errors)
        if len(errors) == before:
            valid.append((row_number, row))
    if errors:
        raise ImportFailedError(source, errors)
    report = ImportReport(source)
    for _, row in valid:
        model = MissingReport if row["kind"] == "missing" else FoundChild
        if session.scalar(select(model.id).where(model.external_id == row["external_id"])):
            report.skipped += 1
            continue
        sex = row["sex"] or None
        birth = dt.date.fromisoformat(row["birth_date"]) if row.get("birth_date") else None
        date = dt.date.fromisoformat(row["date"]) if row["date"] else None
        common = {"sex": sex, "description": row.get("description") or None,
                  "jurisdiction": row.get("jurisdiction") or None}
        if row["kind"] == "missing":
            register_missing_report(session, actor=actor, external_id=row["external_id"],
                                    child_name=row["name"],
                                    child_name_zh=row.get("name_zh") or None,
                                    birth_date=birth, last_seen_date=date,
                                    reporter_name=row.get("reporter_name") or None, **common)
        else:
            register_found_child(session, actor=actor, external_id=row["external_id"],
                                 found_date=date, estimated_birth_date=birth, **common)
        report.stored += 1
    return report
