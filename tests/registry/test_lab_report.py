"""The paternity laboratory's report of a match: refusals, data, the PDF and the command."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from homeward.kinship.frequencies import load_packaged_table
from homeward.kinship.gbt37223 import standard_paternity_index
from homeward.registry.db import session_scope
from homeward.registry.models import AuditEvent
from homeward.reports.paternity_pdf import render_paternity_report
from homeward.workflow import review
from homeward.workflow.errors import NotFoundError, RuleViolationError
from homeward.workflow.lab_report import (
    ReviewMissingError,
    SecondSampleMissingError,
    paternity_report,
)

from .world import make_family, sample_for, store, with_id


def _father_match(session, settings, cipher):
    family = make_family(session, settings)
    sample_for(session, "R-F", relative=family.father)
    store(session, family.father_profile, cipher, settings)
    sample_for(session, "C-1", child=family.child)
    _, matches = store(session, family.child_profile, cipher, settings)
    match = next(m for m in matches if m.relationship_tested == "parent-child")
    return family, match


def _confirm(session, family, match, cipher, settings):
    sample_for(session, "C-1b", child=family.child)
    store(session, with_id(family.child_profile, "C-1b"), cipher, settings,
          actor="analyst2", match=False)
    review.confirm_second_sample(session, match.id, "C-1b", actor="analyst2", cipher=cipher)
    review.review_match(session, match.id, reviewer="reviewer", confirm=True,
                        reason="two samples agree", settings=settings)


def _events(session) -> int:
    session.flush()
    return session.scalar(select(func.count()).select_from(AuditEvent))


def test_refused_without_second_sample_or_review(session, settings, cipher):
    family, match = _father_match(session, settings, cipher)
    before = _events(session)
    with pytest.raises(SecondSampleMissingError, match=f"match {match.id} has no second"):
        paternity_report(session, match.id, actor="police", cipher=cipher, settings=settings)
    sample_for(session, "C-1b", child=family.child)
    store(session, with_id(family.child_profile, "C-1b"), cipher, settings,
          actor="analyst2", match=False)
    review.confirm_second_sample(session, match.id, "C-1b", actor="analyst2", cipher=cipher)
    before = _events(session)
    with pytest.raises(ReviewMissingError, match="'second_sample_confirmed' and no reviewer"):
        paternity_report(session, match.id, actor="police", cipher=cipher, settings=settings)
    assert _events(session) == before  # nothing read, nothing recorded
    with pytest.raises(NotFoundError, match="no match 999"):
        paternity_report(session, 999, actor="police", cipher=cipher, settings=settings)


def test_only_parent_child_and_couple_matches_are_reported(session, settings, cipher):
    family, match = _father_match(session, settings, cipher)
    _confirm(session, family, match, cipher, settings)
    match.relationship_tested = "half-siblings"  # as a grandparent or sibling match is
    with pytest.raises(RuleViolationError, match="tested 'half-siblings'"):
        paternity_report(session, match.id, actor="police", cipher=cipher, settings=settings)


def test_report_data_and_pdf(session, settings, cipher, tmp_path):
    family, match = _father_match(session, settings, cipher)
    _confirm(session, family, match, cipher, settings)
    before = _events(session)
    data = paternity_report(session, match.id, actor="police", cipher=cipher,
                            settings=settings)
    # two profile reads and the report read, all audited with the report as the reason
    events = session.scalars(select(AuditEvent).where(AuditEvent.seq > before)
                             .order_by(AuditEvent.seq)).all()
    assert [(e.action, e.entity) for e in events] == [("read", "profile")] * 2 + [
        ("read", "match")]
    assert {e.reason for e in events} == {f"paternity report of match {match.id}"}
    # the standard's figures, computed independently from the simulated profiles
    expected = standard_paternity_index(
        (family.child_profile, family.father_profile),
        load_packaged_table(settings.frequency_table), mutation_rate=settings.mutation_rate)
    (comparison,) = data.comparisons
    assert comparison.alleged_specimen == "R-F"
    assert comparison.standard.cpi == pytest.approx(expected.cpi)
    assert comparison.standard.conclusion == "supports"
    assert [s.specimen_id for s in data.samples] == ["C-1", "R-F", "C-1b"]
    assert data.samples[2].role == "second sample of C-1"
    assert [c.action for c in data.samples[0].custody] == ["collected", "typed"]
    assert data.reviewer == "reviewer (reviewer)" and data.analysts == (
        "analyst (analyst)", "analyst2 (analyst2)")

    out = render_paternity_report(data, tmp_path / "report.pdf")
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    for expected_text in ("亲权鉴定报告", "Paternity Testing Report", "GB/T 37223-2018",
                          "样本及保管链", "C-1b", "R-F", "Zhang Wei", "张小宝", "collected",
                          "typed", "累计亲权指数", "父权相对机会", "支持R-F是孩子的生物学亲代",
                          "reviewer (reviewer)", "two samples agree"):
        assert expected_text in text, expected_text
    first_locus = next(iter(expected.loci.values()))
    assert first_locus.locus in text


def test_report_command(settings, cipher, factory, database_url, tmp_path):
    with session_scope(factory) as session:
        family, match = _father_match(session, settings, cipher)
        _confirm(session, family, match, cipher, settings)
        match_id = match.id
    env = {**os.environ, "HOMEWARD_DATABASE_URL": database_url,
           "HOMEWARD_KEY_FILE": str(settings.key_file),
           "HOMEWARD_PROFILE_KEY": settings.profile_key or ""}

    def homeward(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "homeward", *args], env=env,
                              capture_output=True, text=True, cwd=tmp_path, check=False)

    done = homeward("kinship", "report", "--case", str(match_id), "--out", "case.pdf")
    assert done.returncode == 0, done.stderr
    text = PdfReader(tmp_path / "case.pdf").pages[0].extract_text()
    assert "亲权鉴定报告" in text and str(match_id) in text
    missing = homeward("kinship", "report", "--case", "999", "--out", "none.pdf")
    assert missing.returncode == 2 and missing.stderr.strip() == "error: no match 999"
    assert not (tmp_path / "none.pdf").exists()


def test_couple_match_reports_each_parent_as_a_duo(session, settings, cipher, tmp_path):
    family = make_family(session, settings)
    sample_for(session, "R-F", relative=family.father)
    sample_for(session, "R-M", relative=family.mother)
    store(session, family.father_profile, cipher, settings)
    store(session, family.mother_profile, cipher, settings)
    sample_for(session, "C-1", child=family.child)
    _, matches = store(session, family.child_profile, cipher, settings)
    match = next(m for m in matches if m.relationship_tested == "couple")
    _confirm(session, family, match, cipher, settings)
    data = paternity_report(session, match.id, actor="police", cipher=cipher,
                            settings=settings)
    assert [(c.alleged_specimen, c.alleged_role) for c in data.comparisons] == [
        ("R-F", "alleged father"), ("R-M", "alleged mother")]
    assert all(c.standard.conclusion == "supports" for c in data.comparisons)
    text = PdfReader(render_paternity_report(data, tmp_path / "r.pdf")).pages[0].extract_text()
    assert "PI R-F" in text and "PI R-M" in text and "被检母亲" in text
