"""PFIF import and export of missing-person records and notes.

Import is liberal by default, as Person Finder's importer is (google/personfinder
``app/importer.py``: ``import_records`` returns records written, the skipped ones each with
its reason, and the total): every usable record is written, in the caller's one
transaction, and every record that cannot be used is skipped and reported with its
position in the file and the reason. ``strict=True`` is the all-or-nothing import: any bad
record is reported and nothing is stored. A document that cannot be read as a whole
(hostile XML, truncated, not PFIF) is refused in both modes.

Import is idempotent: records are keyed by ``person_record_id`` and ``note_record_id``. A
record whose id is already stored is skipped, never overwritten:

- notes are never edited (PFIF 1.1, section 2, principle 3: "Once records are created,
  they do not change. Incoming updates are timestamped and added to the pool of
  knowledge; they do not replace or destroy existing data"; Homeward's ``ReportNote``);
- a person record with a later ``source_date`` than the stored copy is, by PFIF 1.4's
  data life cycle, a newer version from its original repository and could replace a
  clone. Homeward still skips it, with a reason that says it is newer, because the stored
  report may carry corrections made here that the audit log (ids and field names only)
  could not bring back; a person applies the update by hand. ``entry_date`` is not
  compared: the receiving repository sets it on import (PFIF 1.4, section 3), so the
  sender's value says nothing about which version is newer.

Export leaves out contact details of reporters (the sensitive fields, as Person Finder
blanks them for clients without full read access) and is audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry import audit
from homeward.registry.models import MissingReport, ReportNote
from homeward.registry.pfif import (
    BOOLEANS,
    NOTE_STATUSES,
    SEXES,
    PfifDocumentError,
    PfifError,
    PfifRecord,
    assess_liberally,
    format_datetime,
    parse_datetime,
    read_pfif,
    validate,
    write_pfif,
)
from homeward.workflow.cases import register_missing_report
from homeward.workflow.errors import ImportFailedError, RowError
from homeward.workflow.imports import ImportReport

PFIF_SEX = {"female": "female", "male": "male", "other": "unknown"}
# PFIF field -> the registry column it is stored in (whose length bounds it).
PERSON_COLUMNS = {"person_record_id": MissingReport.external_id,
                  "full_name": MissingReport.child_name,
                  "author_name": MissingReport.reporter_name,
                  "source_name": MissingReport.source_name,
                  "source_url": MissingReport.source_url}
NOTE_COLUMNS = {"note_record_id": ReportNote.external_id,
                "author_name": ReportNote.author_name,
                "last_known_location": ReportNote.last_known_location}
REPORT_LIMIT = 200


@dataclass(frozen=True)
class SkippedRecord:
    """A record left out of a liberal import: its position in the file, and why."""

    index: int
    kind: str
    record_id: str
    reason: str

    def __str__(self) -> str:
        named = f" {self.record_id}" if self.record_id else ""
        return f"record {self.index} ({self.kind}{named}): {self.reason}"


@dataclass
class PfifImportReport(ImportReport):
    """Written / skipped / total, as Person Finder's ``import_records`` returns them.

    ``stored`` counts the records written; ``skipped`` those left out, each listed in
    ``skipped_records``; ``dropped`` lists values left out of records that were written.
    """

    total: int = 0
    skipped_records: list[SkippedRecord] = field(default_factory=list)
    dropped: list[PfifError] = field(default_factory=list)

    @property
    def written(self) -> int:
        return self.stored

    def skip(self, record: PfifRecord, reason: str) -> None:
        self.skipped += 1
        self.skipped_records.append(SkippedRecord(record.index, record.kind,
                                                  record.record_id, reason))

    def summary(self) -> str:
        lines = [f"{self.source}: {self.written} written, {self.skipped} skipped, "
                 f"{self.total} total"]
        details = [f"  skipped {s}" for s in sorted(self.skipped_records,
                                                    key=lambda s: s.index)]
        details += [f"  {e.kind} {e.index}, {e.field}: {e.reason}" for e in self.dropped]
        lines += details[:REPORT_LIMIT]
        if len(details) > REPORT_LIMIT:
            lines.append(f"  ... and {len(details) - REPORT_LIMIT} more")
        return "\n".join(lines)


def _as_row_errors(errors: list[PfifError]) -> list[RowError]:
    return [RowError(e.index, f"{e.kind}.{e.field}", e.reason) for e in errors]


def _too_long(record: PfifRecord) -> list[PfifError]:
    columns = PERSON_COLUMNS if record.kind == "person" else NOTE_COLUMNS
    errors = []
    for name, column in columns.items():
        value = record.fields.get(name, "")
        limit = getattr(column.type, "length", None)
        if limit and len(value) > limit:
            errors.append(PfifError(record.kind, record.index, name,
                                    f"{len(value)} characters; the registry holds at most "
                                    f"{limit}"))
    return errors


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)  # SQLite returns naive UTC
    return value


def _stored_person(session: Session, record_id: str) -> MissingReport | None:
    return session.scalar(select(MissingReport).where(MissingReport.external_id == record_id))


def _duplicate_person_reason(stored: MissingReport, record: PfifRecord) -> str:
    incoming = record.fields.get("source_date")
    stored_date = _utc(stored.source_date)
    if incoming and stored_date and parse_datetime(incoming) > stored_date:
        return (f"already in the registry; this copy is newer (source_date {incoming}, "
                f"stored {format_datetime(stored_date)}) but an import never overwrites a "
                "stored report: apply the change by hand")
    return "already in the registry (unchanged)"


def _write_person(session: Session, record: PfifRecord, actor: str) -> None:
    fields = record.fields
    dob = fields.get("date_of_birth") or ""
    source_date = fields.get("source_date")
    register_missing_report(
        session, actor=actor, external_id=fields["person_record_id"],
        child_name=fields["full_name"],
        sex=PFIF_SEX.get(fields.get("sex", "")) if fields.get("sex") in SEXES else None,
        birth_date=dt.date.fromisoformat(dob) if len(dob) == 10 else None,
        description=fields.get("description") or None,
        reporter_name=fields.get("author_name") or None,
        source_name=fields.get("source_name") or None,
        source_url=fields.get("source_url") or None,
        source_date=parse_datetime(source_date) if source_date else None)


def _write_note(session: Session, record: PfifRecord, person: MissingReport,
                actor: str) -> None:
    fields = record.fields
    status = fields.get("status", "")
    row = ReportNote(external_id=fields["note_record_id"], report_id=person.id,
                     author_name=fields.get("author_name", ""),
                     status=status if status and status in NOTE_STATUSES else None,
                     text=fields.get("text", ""),
                     last_known_location=fields.get("last_known_location") or None,
                     author_made_contact=BOOLEANS.get(
                         fields.get("author_made_contact", "").lower()),
                     source_date=parse_datetime(fields["source_date"]))
    session.add(row)
    session.flush()
    audit.record(session, actor=actor, action="create", entity="report_note",
                 entity_id=row.id, details={"external_id": row.external_id})


def _read(data: bytes, source: str) -> tuple[list[PfifRecord], list[PfifError]]:
    try:
        records, unknown = read_pfif(data)
    except PfifDocumentError as error:
        raise ImportFailedError(source, _as_row_errors([error.error])) from None
    if not records:
        raise ImportFailedError(source, _as_row_errors(
            [PfifError("document", 0, "pfif", "the document holds no person or note")]))
    return records, unknown


def _strict_errors(session: Session, persons: list[PfifRecord],
                   notes: list[PfifRecord]) -> list[PfifError]:
    errors: list[PfifError] = []
    for record in persons + notes:
        errors += validate(record) + _too_long(record)
    known = {p.record_id for p in persons}
    for note in notes:
        pid = note.fields.get("person_record_id")
        if pid and pid not in known and _stored_person(session, pid) is None:
            errors.append(PfifError("note", note.index, "person_record_id",
                                    f"no person {pid!r} in the file or the registry"))
    return sorted(errors, key=lambda e: e.index)


def import_pfif(session: Session, path: str | Path, *, actor: str,
                strict: bool = False) -> PfifImportReport:
    """Import a PFIF 1.1-1.4 document's persons and notes into the registry.

    Liberal (the default): each record :func:`~homeward.registry.pfif.assess_liberally`
    finds usable is written; a record is skipped, with its position and reason, when it is
    unusable, longer than the registry stores, already stored (see the module docstring),
    a second copy of an id earlier in the file, or a note whose person is neither in the
    registry nor written from this file. ``strict``: the specification's mandatory fields
    and formats (:func:`~homeward.registry.pfif.validate`); any error stores nothing.

    :raises ImportFailedError: the document cannot be read (both modes), or, when
        ``strict``, any record is bad.
    """
    source = str(path)
    records, unknown = _read(Path(path).read_bytes(), source)
    persons = [r for r in records if r.kind == "person"]
    notes = sorted([n for r in records for n in ([r] if r.kind == "note" else r.notes)],
                   key=lambda n: n.index)
    report = PfifImportReport(source, total=len(persons) + len(notes))
    if strict:
        errors = unknown + _strict_errors(session, persons, notes)
        if errors:
            raise ImportFailedError(source, _as_row_errors(errors))
    else:
        report.dropped += unknown
    written_here: dict[str, int] = {}
    for record in persons:
        assessment = assess_liberally(record)
        problems = assessment.problems + _too_long(record)
        if problems:
            report.skip(record, "; ".join(f"{p.field}: {p.reason}" for p in problems))
            continue
        if record.record_id in written_here:
            report.skip(record, f"same person_record_id as record "
                                f"{written_here[record.record_id]} of this file")
            continue
        stored = _stored_person(session, record.record_id)
        if stored is not None:
            report.skip(record, _duplicate_person_reason(stored, record))
            continue
        _write_person(session, record, actor)
        written_here[record.record_id] = record.index
        report.dropped += assessment.dropped
        report.stored += 1
    skipped_persons = {s.record_id: s.index for s in report.skipped_records}
    notes_here: dict[str, int] = {}
    for record in notes:
        assessment = assess_liberally(record)
        problems = assessment.problems + _too_long(record)
        if problems:
            report.skip(record, "; ".join(f"{p.field}: {p.reason}" for p in problems))
            continue
        if record.record_id in notes_here:
            report.skip(record, f"same note_record_id as record "
                                f"{notes_here[record.record_id]} of this file")
            continue
        pid = record.fields["person_record_id"]
        stored_note = session.scalar(select(ReportNote).where(
            ReportNote.external_id == record.record_id))
        if stored_note is not None:
            owner = stored_note.report.external_id
            conflict = "" if owner == pid else (
                f"; the stored note belongs to {owner!r}, this copy names {pid!r}")
            report.skip(record, f"already in the registry (notes are never edited){conflict}")
            continue
        person = _stored_person(session, pid)
        if person is None:
            why = (f" (its record {skipped_persons[pid]} in this file was skipped)"
                   if pid in skipped_persons else "")
            report.skip(record, f"no person {pid!r} in the registry or written from this "
                                f"file{why}")
            continue
        _write_note(session, record, person, actor)
        notes_here[record.record_id] = record.index
        report.dropped += assessment.dropped
        report.stored += 1
    return report


def export_pfif(session: Session, path: str | Path, *, actor: str) -> int:
    """Write every missing report and its notes as PFIF 1.4; returns the person count."""
    reports = session.scalars(select(MissingReport).order_by(MissingReport.id)).all()
    persons = []
    notes: dict[str, list[dict[str, str]]] = {}
    for report in reports:
        persons.append({
            "person_record_id": report.external_id,
            "entry_date": format_datetime(report.entry_date),
            "source_date": format_datetime(report.source_date or report.entry_date),
            "source_name": report.source_name or "Homeward",
            "source_url": report.source_url or "",
            "author_name": report.reporter_name or "",
            "full_name": report.child_name,
            "sex": {"female": "female", "male": "male"}.get(report.sex or "", "other"
                                                             if report.sex else ""),
            "date_of_birth": report.birth_date.isoformat() if report.birth_date else "",
            "description": report.description or "",
        })
        notes[report.external_id] = [{
            "note_record_id": note.external_id, "person_record_id": report.external_id,
            "entry_date": format_datetime(note.entry_date),
            "author_name": note.author_name, "source_date": format_datetime(note.source_date),
            "status": note.status or "", "text": note.text,
            "last_known_location": note.last_known_location or "",
            "author_made_contact": "" if note.author_made_contact is None else
            str(note.author_made_contact).lower(),
        } for note in report.notes]
    Path(path).write_bytes(write_pfif(persons, notes))
    audit.record(session, actor=actor, action="export", entity="missing_report",
                 entity_id="*", reason=f"PFIF export to {Path(path).name}",
                 details={"persons": len(persons)})
    return len(persons)
