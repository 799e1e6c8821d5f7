"""PFIF import as real feeds are: liberal by default (usable records written, each
unusable one skipped with its number and reason), all-or-nothing with ``strict``, and
hostile XML refused whole in both modes.

The documents under ``data/pfif/`` are Google Person Finder's own test files, saved as
retrieved (``data/pfif/SOURCE.md``); the expected counts were made by hand from them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from homeward.registry.audit import verify_chain
from homeward.registry.db import session_scope
from homeward.registry.models import AuditEvent, MissingReport, ReportNote
from homeward.workflow.errors import ImportFailedError
from homeward.workflow.exchange import import_pfif

DATA = Path(__file__).parent / "data" / "pfif"
PERSON = "test.google.com/person.21009"


def _count(session, column) -> int:
    return int(session.scalar(select(func.count(column))) or 0)


def _import(factory, path, **options):
    with session_scope(factory) as session:
        return import_pfif(session, path, actor="police", **options)


# (file, written, skipped, total) into an empty registry, liberal.
REAL_FILES = [
    ("test.pfif-1.4.xml", 5, 0, 5),
    ("test.pfif-1.2.xml", 5, 0, 5),
    ("test.pfif-1.1.xml", 3, 0, 3),
    ("test.pfif-1.2-badrecord.xml", 6, 0, 6),
    ("test.pfif-1.2-note.xml", 0, 2, 2),
]


@pytest.mark.parametrize(("name", "written", "skipped", "total"), REAL_FILES)
def test_real_files_import_liberally(name, written, skipped, total, factory):
    report = _import(factory, DATA / name)
    assert (report.written, report.skipped, report.total) == (written, skipped, total)
    assert f"{written} written, {skipped} skipped, {total} total" in report.summary()
    with session_scope(factory) as session:
        assert _count(session, MissingReport.id) + _count(session, ReportNote.id) == written
        assert verify_chain(session).ok


@pytest.mark.parametrize(("name", "bad_rows"), [
    ("test.pfif-1.4.xml", {4, 5}),
    ("test.pfif-1.2.xml", {4, 5}),
    ("test.pfif-1.2-badrecord.xml", {4, 5}),
    ("test.pfif-1.2-note.xml", {1, 2}),
])
def test_strict_refuses_real_files_that_leave_out_mandatory_fields(name, bad_rows, factory):
    with pytest.raises(ImportFailedError, match="nothing was stored") as raised:
        _import(factory, DATA / name, strict=True)
    assert {e.row for e in raised.value.errors} == bad_rows
    with session_scope(factory) as session:
        assert _count(session, MissingReport.id) == 0
        assert _count(session, AuditEvent.id) == 0


def test_strict_accepts_the_pfif_1_1_file_once_its_names_are_mapped(factory):
    report = _import(factory, DATA / "test.pfif-1.1.xml", strict=True)
    assert (report.written, report.skipped, report.total) == (3, 0, 3)


def test_older_field_names_are_read_as_pfif_1_4(factory):
    _import(factory, DATA / "test.pfif-1.2.xml")
    with session_scope(factory) as session:
        person = session.scalar(select(MissingReport).where(MissingReport.external_id == PERSON))
        assert person.child_name == "_test_given_name _test_family_name"
        assert person.description == "_test_description"  # from <other>description: ...
        assert person.sex == "female" and person.birth_date is None  # "1970-01": approximate
        notes = {n.external_id: n for n in person.notes}
        assert notes["test.google.com/note.27009"].author_made_contact is False  # <found>
        assert notes["test.google.com/note.31095"].author_made_contact is True
        unsigned = notes["test.google.com/note.40121"]
        assert unsigned.author_name == "" and unsigned.status == "is_note_author"


def test_reimport_skips_every_record_and_changes_nothing(factory):
    _import(factory, DATA / "test.pfif-1.4.xml")
    with session_scope(factory) as session:
        events = _count(session, AuditEvent.id)
    again = _import(factory, DATA / "test.pfif-1.4.xml")
    assert (again.written, again.skipped, again.total) == (0, 5, 5)
    reasons = {s.index: s.reason for s in again.skipped_records}
    assert reasons[1] == "already in the registry (unchanged)"
    assert all("notes are never edited" in reasons[i] for i in (2, 3, 4, 5))
    with session_scope(factory) as session:
        assert _count(session, AuditEvent.id) == events


def test_notes_for_persons_nowhere_are_skipped_and_stored_notes_kept(factory):
    _import(factory, DATA / "test.pfif-1.2.xml")
    report = _import(factory, DATA / "test.pfif-1.2-note.xml")
    assert (report.written, report.skipped, report.total) == (0, 2, 2)
    first, second = sorted(report.skipped_records, key=lambda s: s.index)
    assert first.index == 1 and "already in the registry" in first.reason
    assert second.index == 2  # the same note id as 1.2's second note, another person
    assert "the stored note belongs to 'test.google.com/person.21009', this copy names " \
        "'test.google.com/person.21010'" in second.reason
    with session_scope(factory) as session:
        stored = session.scalar(select(ReportNote).where(
            ReportNote.external_id == "test.google.com/note.27009"))
        assert stored.status == "believed_missing"  # the 1.2-note file says believed_alive


def test_a_newer_version_of_a_stored_person_is_skipped_not_overwritten(factory, tmp_path):
    _import(factory, DATA / "test.pfif-1.4.xml")
    newer = tmp_path / "newer.xml"
    newer.write_text((DATA / "test.pfif-1.4.xml").read_text()
                     .replace("<pfif:source_date>2000-01-01T00:00:00Z",
                              "<pfif:source_date>2001-02-03T04:05:06Z")
                     .replace("_test_full_name1", "Someone Else"))
    report = _import(factory, newer)
    person = next(s for s in report.skipped_records if s.index == 1)
    assert "this copy is newer (source_date 2001-02-03T04:05:06Z" in person.reason
    assert "stored 2000-01-01T00:00:00Z" in person.reason
    with session_scope(factory) as session:
        stored = session.scalar(select(MissingReport).where(MissingReport.external_id == PERSON))
        assert stored.child_name.startswith("_test_full_name1")


MIXED = """<?xml version="1.0" encoding="UTF-8"?>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">
  <pfif:person>
    <pfif:person_record_id>example.org/person.1</pfif:person_record_id>
    <pfif:full_name>Li Xiaoming</pfif:full_name>
    <pfif:sex>boy</pfif:sex>
    <pfif:note>
      <pfif:note_record_id>example.org/note.1</pfif:note_record_id>
      <pfif:source_date>2013-09-06T08:00:00Z</pfif:source_date>
      <pfif:status>found_him</pfif:status>
      <pfif:text>Seen at Kunming railway station</pfif:text>
    </pfif:note>
  </pfif:person>
  <pfif:person>
    <pfif:full_name>Nobody's id</pfif:full_name>
  </pfif:person>
  <pfif:person>
    <pfif:person_record_id>example.org/person.3</pfif:person_record_id>
    <pfif:full_name>Bad date</pfif:full_name>
    <pfif:source_date>yesterday</pfif:source_date>
    <pfif:note>
      <pfif:note_record_id>example.org/note.3</pfif:note_record_id>
      <pfif:source_date>2013-09-06T08:00:00Z</pfif:source_date>
    </pfif:note>
  </pfif:person>
  <pfif:person>
    <pfif:person_record_id>example.org/person.1</pfif:person_record_id>
    <pfif:full_name>A second copy</pfif:full_name>
  </pfif:person>
  <pfif:person>
    <pfif:person_record_id>example.org/person.7</pfif:person_record_id>
    <pfif:full_name>{long_name}</pfif:full_name>
  </pfif:person>
  <pfif:note>
    <pfif:note_record_id>example.org/note.9</pfif:note_record_id>
    <pfif:person_record_id>elsewhere.org/person.9</pfif:person_record_id>
    <pfif:source_date>2013-09-06T08:00:00Z</pfif:source_date>
  </pfif:note>
  <pfif:note>
    <pfif:person_record_id>example.org/person.1</pfif:person_record_id>
    <pfif:source_date>2013-09-06T08:00:00Z</pfif:source_date>
  </pfif:note>
</pfif:pfif>
""".replace("{long_name}", "X" * 201)


def test_each_unusable_record_is_skipped_with_its_number_and_reason(factory, tmp_path):
    path = tmp_path / "mixed.xml"
    path.write_text(MIXED)
    report = _import(factory, path)
    assert (report.written, report.skipped, report.total) == (2, 7, 9)
    reasons = {s.index: s.reason for s in report.skipped_records}
    assert set(reasons) == {3, 4, 5, 6, 7, 8, 9}
    assert "no person_record_id" in reasons[3]
    assert "'yesterday' is not a PFIF date" in reasons[4]
    assert "its record 4 in this file was skipped" in reasons[5]
    assert "same person_record_id as record 1" in reasons[6]
    assert "201 characters; the registry holds at most 200" in reasons[7]
    assert "no person 'elsewhere.org/person.9'" in reasons[8]
    assert "no note_record_id" in reasons[9]
    dropped = {(d.index, d.field) for d in report.dropped}
    assert dropped == {(1, "sex"), (2, "status")}
    summary = report.summary()
    assert "skipped record 4 (person example.org/person.3)" in summary
    with session_scope(factory) as session:
        person = session.scalar(select(MissingReport))
        assert person.external_id == "example.org/person.1" and person.sex is None
        note = session.scalar(select(ReportNote))
        assert note.status is None and note.author_name == ""
        assert verify_chain(session).ok


def test_strict_reports_every_bad_record_of_the_mixed_file(factory, tmp_path):
    path = tmp_path / "mixed.xml"
    path.write_text(MIXED)
    with pytest.raises(ImportFailedError) as raised:
        _import(factory, path, strict=True)
    rows = {e.row for e in raised.value.errors}
    assert {1, 2, 3, 4, 5, 7, 8, 9} <= rows
    with session_scope(factory) as session:
        assert _count(session, MissingReport.id) == 0


def test_a_database_failure_mid_liberal_import_stores_nothing(factory, monkeypatch):
    from homeward.registry import audit

    real_record, calls = audit.record, {"n": 0}

    def failing_record(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return real_record(*args, **kwargs)

    monkeypatch.setattr(audit, "record", failing_record)
    with pytest.raises(OperationalError):
        _import(factory, DATA / "test.pfif-1.4.xml")
    monkeypatch.undo()
    with session_scope(factory) as session:
        assert _count(session, MissingReport.id) == 0
        assert _count(session, ReportNote.id) == 0
        assert _count(session, AuditEvent.id) == 0


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE pfif:pfif [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"><pfif:person>
  <pfif:person_record_id>example.org/person.1</pfif:person_record_id>
  <pfif:full_name>&lol9;</pfif:full_name>
</pfif:person></pfif:pfif>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE pfif:pfif [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4"><pfif:person>
  <pfif:person_record_id>example.org/person.1</pfif:person_record_id>
  <pfif:full_name>&secret;</pfif:full_name>
</pfif:person></pfif:pfif>
"""
REAL = (DATA / "test.pfif-1.4.xml").read_text()
TRUNCATED = REAL[: REAL.index("</pfif:note>") + len("</pfif:note>")]  # person 1, note 1


@pytest.mark.parametrize("strict", [False, True], ids=["liberal", "strict"])
@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY, TRUNCATED],
                         ids=["billion-laughs", "external-entity", "truncated"])
def test_hostile_xml_is_refused_whole_in_both_modes(document, strict, factory, tmp_path):
    path = tmp_path / "hostile.xml"
    path.write_text(document)
    with pytest.raises(ImportFailedError, match="not well-formed PFIF XML"):
        _import(factory, path, strict=strict)
    with session_scope(factory) as session:
        assert _count(session, MissingReport.id) == 0
        assert _count(session, AuditEvent.id) == 0


@pytest.mark.parametrize("strict", [False, True], ids=["liberal", "strict"])
@pytest.mark.parametrize(("document", "message"), [
    ("<other/>", "expected <pfif>"),
    ("<pfif:pfif xmlns:pfif='http://zesty.ca/pfif/1.4'/>", "holds no person or note"),
])
def test_documents_that_are_not_pfif_are_refused_in_both_modes(document, message, strict,
                                                               factory, tmp_path):
    path = tmp_path / "not-pfif.xml"
    path.write_text(document)
    with pytest.raises(ImportFailedError, match=message):
        _import(factory, path, strict=strict)


def test_command_prints_written_skipped_total_and_strict_exits_2(database_url, tmp_path):
    env = {**os.environ, "HOMEWARD_DATABASE_URL": database_url,
           "HOMEWARD_KEY_FILE": str(tmp_path / "profile.key")}

    def homeward(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "homeward", *args], env=env,
                              capture_output=True, text=True, cwd=tmp_path, check=False)

    assert homeward("db", "upgrade").returncode == 0
    strict = homeward("import", "pfif", "--strict", str(DATA / "test.pfif-1.2.xml"))
    assert strict.returncode == 2
    assert "row 4, note.author_name" in strict.stderr and "nothing was stored" in strict.stderr
    liberal = homeward("import", "pfif", str(DATA / "test.pfif-1.2-badrecord.xml"))
    assert liberal.returncode == 0, liberal.stderr
    assert "6 written, 0 skipped, 6 total" in liberal.stdout
    notes = homeward("import", "pfif", str(DATA / "test.pfif-1.2-note.xml"))
    assert notes.returncode == 0
    assert "0 written, 2 skipped, 2 total" in notes.stdout
    assert "skipped record 2 (note test.google.com/note.31095)" in notes.stdout
