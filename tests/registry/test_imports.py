"""Imports are atomic and idempotent; every bad row is reported; a failure mid-way
stores nothing and leaves the audit chain intact."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from homeward.kinship.readers import write_long_csv
from homeward.registry.audit import verify_chain
from homeward.registry.db import session_scope
from homeward.registry.models import AuditEvent, MissingReport, ReportNote, StoredProfile
from homeward.workflow.errors import ImportFailedError
from homeward.workflow.exchange import export_pfif, import_pfif
from homeward.workflow.imports import import_cases, import_profiles

from .world import make_family, sample_for


def _count(session, column) -> int:
    return int(session.scalar(select(func.count(column))) or 0)


@pytest.fixture
def registered(factory, settings):
    """A family with registered (consented) samples and no profiles yet."""
    with session_scope(factory) as session:
        family = make_family(session, settings)
        sample_for(session, "C-1", child=family.child)
        sample_for(session, "R-F", relative=family.father)
        sample_for(session, "R-M", relative=family.mother)
        sample_for(session, "R-X", relative=family.mother, consent=True)
    return family


def _wide(profiles) -> str:
    loci = list(profiles[0].genotypes)
    lines = ["sample," + ",".join(loci)]
    for p in profiles:
        lines.append(p.sample_id + "," + ",".join("/".join(p.genotypes[x]) for x in loci))
    return "\n".join(lines) + "\n"


def _genemapper(profiles) -> str:
    lines = ["Sample Name\tMarker\tAllele 1\tAllele 2"]
    for p in profiles:
        for locus, (a, b) in p.genotypes.items():
            lines.append(f"{p.sample_id}\t{locus}\t{a}\t{b}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("layout", ["long", "wide", "genemapper"])
def test_profile_import_then_reimport(layout, registered, factory, settings, cipher,
                                      tmp_path):
    people = [registered.child_profile, registered.father_profile,
              registered.mother_profile]
    text = {"long": write_long_csv, "wide": _wide, "genemapper": _genemapper}[layout](people)
    path = tmp_path / f"profiles-{layout}.csv"
    path.write_text(text)
    with session_scope(factory) as session:
        report = import_profiles(session, path, actor="analyst", cipher=cipher,
                                 settings=settings)
    assert report.stored == 3 and report.skipped == 0
    assert len(report.matches) >= 2
    with session_scope(factory) as session:
        again = import_profiles(session, path, actor="analyst", cipher=cipher,
                                settings=settings)
        assert again.stored == 0 and again.skipped == 3
        assert _count(session, StoredProfile.id) == 3
        assert verify_chain(session).ok


@pytest.mark.parametrize("layout", ["long", "wide", "genemapper"])
def test_bad_rows_are_all_reported_and_nothing_stored(layout, registered, factory, settings,
                                                      cipher, tmp_path):
    good = registered.father_profile
    if layout == "long":
        text = write_long_csv([good]) + ("R-M,D3S1358,15,abc\nR-M,VWAX,14,16\n"
                                         "NOPE,D3S1358,15,16\nR-M,vWA,14,15\n"
                                         "R-M,vWA,14,16\n")
        expected_rows = 4
    elif layout == "wide":
        text = _wide([good]) + "R-M," + ",".join("x/1" for _ in good.genotypes) + "\n"
        text += "NOPE," + ",".join("/".join(g) for g in good.genotypes.values()) + "\n"
        expected_rows = 2
    else:
        text = _genemapper([good]) + "R-M\tD3S1358\t15\tabc\nNOPE\tTH01\t6\t9\n"
        expected_rows = 2
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with session_scope(factory) as session:
        before = _count(session, AuditEvent.id)
    with pytest.raises(ImportFailedError) as raised:
        with session_scope(factory) as session:
            import_profiles(session, path, actor="analyst", cipher=cipher, settings=settings)
    message = str(raised.value)
    assert "nothing was stored" in message
    assert len({e.row for e in raised.value.errors}) >= expected_rows
    assert "no registered sample" in message
    with session_scope(factory) as session:
        assert _count(session, StoredProfile.id) == 0
        assert _count(session, AuditEvent.id) == before
        assert verify_chain(session).ok


def test_unconsented_sample_is_a_row_error(factory, settings, cipher, tmp_path):
    with session_scope(factory) as session:
        family = make_family(session, settings)
        sample_for(session, "R-F", relative=family.father)
        from homeward.registry.models import Sample

        session.scalar(select(Sample).where(Sample.specimen_id == "R-F")).consent_given = False
    path = tmp_path / "p.csv"
    path.write_text(write_long_csv([family.father_profile]))
    with pytest.raises(ImportFailedError, match="no consent record"):
        with session_scope(factory) as session:
            import_profiles(session, path, actor="analyst", cipher=cipher, settings=settings)


def test_database_failure_mid_import_stores_nothing(registered, factory, settings, cipher,
                                                    tmp_path, monkeypatch):
    path = tmp_path / "profiles.csv"
    path.write_text(write_long_csv([registered.child_profile, registered.father_profile]))
    with session_scope(factory) as session:
        before = _count(session, AuditEvent.id)
    from homeward.registry import audit

    real_record = audit.record
    calls = {"n": 0}

    def failing_record(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return real_record(*args, **kwargs)

    monkeypatch.setattr(audit, "record", failing_record)
    with pytest.raises(OperationalError):
        with session_scope(factory) as session:
            import_profiles(session, path, actor="analyst", cipher=cipher, settings=settings)
    monkeypatch.undo()
    with session_scope(factory) as session:
        assert _count(session, StoredProfile.id) == 0
        assert _count(session, AuditEvent.id) == before
        assert verify_chain(session).ok


CASES = """kind,external_id,name,name_zh,sex,date,birth_date,jurisdiction,description
missing,hw/person.10,Wang Fang,王芳,female,2012-03-04,2009-01-02,53,Lost at a market
found,FC-10,,,male,2013-09-03,,13,Rescued in Handan
"""


def test_case_import_is_idempotent_and_atomic(factory, tmp_path):
    good = tmp_path / "cases.csv"
    good.write_text(CASES)
    with session_scope(factory) as session:
        assert import_cases(session, good, actor="police").stored == 2
    with session_scope(factory) as session:
        assert import_cases(session, good, actor="police").skipped == 2
    bad = tmp_path / "bad-cases.csv"
    bad.write_text(CASES + "missing,hw/person.11,,,x,2012-13-01,,,\nfound,FC-10,,,,,,,\n")
    with pytest.raises(ImportFailedError) as raised:
        with session_scope(factory) as session:
            import_cases(session, bad, actor="police")
    fields = {(e.row, e.field) for e in raised.value.errors}
    assert {(4, "name"), (4, "sex"), (4, "date"), (5, "external_id")} <= fields
    with session_scope(factory) as session:
        assert _count(session, MissingReport.id) == 1


PFIF = """<?xml version="1.0" encoding="UTF-8"?>
<pfif:pfif xmlns:pfif="http://zesty.ca/pfif/1.4">
  <pfif:person>
    <pfif:person_record_id>personfinder.example/person.1</pfif:person_record_id>
    <pfif:source_date>2013-09-05T10:00:00Z</pfif:source_date>
    <pfif:full_name>Li Xiaoming</pfif:full_name>
    <pfif:sex>male</pfif:sex>
    <pfif:date_of_birth>2009-04-01</pfif:date_of_birth>
    <pfif:author_name>Li Hua</pfif:author_name>
    <pfif:author_phone>+86 138 0000 0000</pfif:author_phone>
    <pfif:note>
      <pfif:note_record_id>personfinder.example/note.1</pfif:note_record_id>
      <pfif:author_name>Volunteer</pfif:author_name>
      <pfif:source_date>2013-09-06T08:00:00Z</pfif:source_date>
      <pfif:status>information_sought</pfif:status>
      <pfif:text>Seen at Kunming railway station</pfif:text>
    </pfif:note>
  </pfif:person>
</pfif:pfif>
"""


def test_pfif_round_trip_and_idempotence(factory, tmp_path):
    path = tmp_path / "in.xml"
    path.write_text(PFIF)
    with session_scope(factory) as session:
        assert import_pfif(session, path, actor="police").stored == 2
    with session_scope(factory) as session:
        assert import_pfif(session, path, actor="police").skipped == 2
        assert _count(session, ReportNote.id) == 1
    out = tmp_path / "out.xml"
    with session_scope(factory) as session:
        assert export_pfif(session, out, actor="police") == 1
    exported = out.read_text()
    assert "personfinder.example/person.1" in exported and "Seen at Kunming" in exported
    assert "+86 138" not in exported  # reporters' contact details are never exported
    again = tmp_path / "again.sqlite3"
    from homeward.registry.db import make_engine, make_session_factory
    from homeward.registry.migrate import upgrade

    engine = make_engine(f"sqlite:///{again}")
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        assert import_pfif(session, out, actor="police").stored == 2
    engine.dispose()


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("<pfif:pfif xmlns:pfif='http://zesty.ca/pfif/1.4'><pfif:person>"
         "<pfif:full_name>X</pfif:full_name></pfif:person></pfif:pfif>", "person_record_id"),
        (PFIF.replace("information_sought", "found_him"), "not a PFIF note status"),
        (PFIF.replace("2013-09-05T10:00:00Z", "yesterday"), "not a PFIF date"),
        (PFIF[:300], "not well-formed"),
        ('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]>'
         "<x>&b;</x>", "not well-formed"),
        ("<other/>", "expected <pfif>"),
    ],
)
def test_bad_pfif_stores_nothing_when_strict(document, message, factory, tmp_path):
    """``strict`` is the all-or-nothing import; tests/registry/test_pfif.py covers the
    liberal default."""
    path = tmp_path / "bad.xml"
    path.write_text(document)
    with pytest.raises(ImportFailedError, match=message):
        with session_scope(factory) as session:
            import_pfif(session, path, actor="police", strict=True)
    with session_scope(factory) as session:
        assert _count(session, MissingReport.id) == 0


@pytest.mark.parametrize("content, reason", [
    (b"", "the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"who,what\nR-F,12\n", "unrecognised header"),
])
def test_an_unreadable_profile_file_is_a_failed_import_naming_the_upload(
        content, reason, registered, factory, cipher, tmp_path):
    path = tmp_path / "tmp-upload"
    path.write_bytes(content)
    with pytest.raises(ImportFailedError, match=reason) as caught:
        with session_scope(factory) as session:
            import_profiles(session, path, actor="lab", cipher=cipher, source="lab-run-7.csv")
    assert caught.value.source == "lab-run-7.csv" and len(caught.value.errors) == 1
    assert str(tmp_path) not in str(caught.value)
    with session_scope(factory) as session:
        assert _count(session, StoredProfile.id) == 0
