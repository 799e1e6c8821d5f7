"""PFIF import and export of missing-person records and notes.

Import is atomic (every bad record is reported and nothing is stored) and idempotent
(records are keyed by ``person_record_id`` and ``note_record_id``; notes are added, never
edited). Export leaves out contact details of reporters (the sensitive fields, as Person
Finder blanks them for clients without full read access) and is audited.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry import audit
from homeward.registry.models import MissingReport, ReportNote
from homeward.registry.pfif import (
    PfifError,
    format_datetime,
    parse_datetime,
    parse_pfif,
    write_pfif,
)
from homeward.workflow.cases import register_missing_report
from homeward.workflow.errors import ImportFailedError, RowError
from homeward.workflow.imports import ImportReport

PFIF_SEX = {"female": "female", "male": "male", "other": "unknown"}


def _as_row_errors(errors: list[PfifError]) -> list[RowError]:
    return [RowError(e.index, f"{e.kind}.{e.field}", e.reason) for e in errors]


def import_pfif(session: Session, path: str | Path, *, actor: str) -> ImportReport:
    source = str(path)
    data = Path(path).read_bytes()
    records, errors = parse_pfif(data)
    if not records and not errors:
        errors = [PfifError("document", 0, "pfif", "the document holds no person or note")]
    known = {r.fields.get("person_record_id") for r in records if r.kind == "person"}
    for record in records:
        if record.kind == "note":
            pid = record.fields.get("person_record_id")
            exists = session.scalar(select(MissingReport.id).where(
                MissingReport.external_id == pid))
            if pid and pid not in known and not exists:
                errors.append(PfifError("note", record.index, "person_record_id",
                                        f"no person {pid!r} in the file or the registry"))
    if errors:
        raise ImportFailedError(source, _as_row_errors(errors))
    report = ImportReport(source)
    notes = [n for r in records for n in ([r] if r.kind == "note" else r.notes)]
    for record in (r for r in records if r.kind == "person"):
        fields = record.fields
        if session.scalar(select(MissingReport.id).where(
                MissingReport.external_id == fields["person_record_id"])):
            report.skipped += 1
            continue
        dob = fields.get("date_of_birth") or None
        register_missing_report(
            session, actor=actor, external_id=fields["person_record_id"],
            child_name=fields["full_name"], sex=PFIF_SEX.get(fields.get("sex", "")),
            birth_date=dt.date.fromisoformat(dob) if dob and len(dob) == 10 else None,
            description=fields.get("description") or None,
            reporter_name=fields.get("author_name") or None,
            source_name=fields.get("source_name") or None,
            source_url=fields.get("source_url") or None,
            source_date=parse_datetime(fields["source_date"]))
        report.stored += 1
    for note in notes:
        fields = note.fields
        if session.scalar(select(ReportNote.id).where(
                ReportNote.external_id == fields["note_record_id"])):
            report.skipped += 1
            continue
        person = session.scalar(select(MissingReport).where(
            MissingReport.external_id == fields["person_record_id"]))
        assert person is not None
        contact = fields.get("author_made_contact", "").lower()
        row = ReportNote(external_id=fields["note_record_id"], report_id=person.id,
                         author_name=fields["author_name"], status=fields.get("status") or None,
                         text=fields["text"],
                         last_known_location=fields.get("last_known_location") or None,
                         author_made_contact={"true": True, "false": False}.get(contact),
                         source_date=parse_datetime(fields["source_date"]))
        session.add(row)
        session.flush()
        audit.record(session, actor=actor, action="create", entity="report_note",
                     entity_id=row.id, details={"external_id": row.external_id})
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
