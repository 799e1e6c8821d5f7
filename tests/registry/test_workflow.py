"""Workflow rules, each tested: placements, thresholds, reviewers, consent, suspects."""

from __future__ import annotations

import datetime as dt

import pytest

from homeward.workflow import cases, operations, review
from homeward.workflow.adoption import mark_adoption_eligible
from homeward.workflow.errors import (
    ConsentRequiredError,
    IllegalTransitionError,
    PermissionDeniedError,
    RuleViolationError,
)
from homeward.workflow.states import transition

from .world import make_family, sample_for, store, with_id


def _matched_family(session, settings, cipher, **options):
    family = make_family(session, settings, **options)
    sample_for(session, "R-F", relative=family.father)
    sample_for(session, "R-M", relative=family.mother)
    store(session, family.father_profile, cipher, settings)
    store(session, family.mother_profile, cipher, settings)
    sample_for(session, "C-1", child=family.child)
    _, matches = store(session, family.child_profile, cipher, settings)
    couple = [m for m in matches if m.relationship_tested == "couple"][0]
    return family, couple


def _second_sample(session, family, cipher, settings, match, actor="analyst2"):
    sample_for(session, "C-1b", child=family.child)
    store(session, with_id(family.child_profile, "C-1b"), cipher, settings,
          actor=actor, match=False)
    review.confirm_second_sample(session, match.id, "C-1b", actor="analyst2", cipher=cipher)


def test_illegal_transition_is_refused(session, settings):
    family = make_family(session, settings)
    with pytest.raises(IllegalTransitionError, match="cannot go from 'open' to 'reunited'"):
        transition(session, family.report, "missing_report", "reunited", actor="police")
    with pytest.raises(IllegalTransitionError, match="needs a reason"):
        transition(session, family.report, "missing_report", "closed", actor="police")


def test_placement_never_with_buyers_or_suspects(session, settings):
    family = make_family(session, settings)
    operations.register_suspect(session, actor="police", operation=None, name="Buyer Liu",
                                role="buyer", id_number="130401198001011234",
                                household_address="Handan, village 7, house 12",
                                children=[family.child])
    with pytest.raises(RuleViolationError, match="rescued from"):
        cases.place_child(session, actor="police", child=family.child, kind="foster-family",
                          institution="Foster care", started_on=dt.date(2020, 5, 3),
                          address="handan village 7 house 12")
    with pytest.raises(RuleViolationError, match="suspect"):
        cases.place_child(session, actor="police", child=family.child, kind="foster-family",
                          institution="Foster care", started_on=dt.date(2020, 5, 3),
                          caregiver_name="Buyer Liu",
                          caregiver_id_number="130401198001011234",
                          address="Shijiazhuang, another street 3")
    placement = cases.place_child(session, actor="police", child=family.child,
                                  kind="welfare-institution",
                                  institution="Handan Children's Welfare Institute",
                                  started_on=dt.date(2020, 5, 3))
    assert placement.id and family.child.status == "in_care"


def test_full_story_to_reunion(session, settings, cipher):
    family, match = _matched_family(session, settings, cipher)
    assert family.report.status == "match_candidate"
    assert match.log10_lr > 10 and match.exclusions == 0
    with pytest.raises(RuleViolationError, match="second sample"):
        review.review_match(session, match.id, reviewer="reviewer", confirm=True,
                            reason="strong", settings=settings)
    _second_sample(session, family, cipher, settings, match)
    review.review_match(session, match.id, reviewer="reviewer", confirm=True,
                        reason="two samples agree", settings=settings)
    assert match.state == "reviewed"
    assert family.report.status == "confirmed" and family.child.status == "matched"
    review.notify_family(session, match.id, actor="police", today=dt.date(2026, 2, 1),
                         settings=settings)
    review.reunite(session, match.id, actor="police", date=dt.date(2026, 2, 10))
    assert family.report.status == "reunited" and family.child.status == "reunited"


def test_reviewer_cannot_be_the_analyst(session, settings, cipher):
    family, match = _matched_family(session, settings, cipher)
    _second_sample(session, family, cipher, settings, match, actor="reviewer")
    with pytest.raises(PermissionDeniedError, match="loaded a profile"):
        review.review_match(session, match.id, reviewer="reviewer", confirm=True,
                            reason="x", settings=settings)
    with pytest.raises(PermissionDeniedError, match="not an active reviewer"):
        review.review_match(session, match.id, reviewer="analyst", confirm=True,
                            reason="x", settings=settings)
    with pytest.raises(PermissionDeniedError, match="not an active reviewer"):
        review.review_match(session, match.id, reviewer="police", confirm=True,
                            reason="x", settings=settings)


def test_confirmation_thresholds_are_configurable(session, settings, cipher):
    family, match = _matched_family(session, settings, cipher)
    _second_sample(session, family, cipher, settings, match)
    strict = settings.model_copy(update={"confirmation_min_loci": 30})
    with pytest.raises(RuleViolationError, match="at least 30"):
        review.review_match(session, match.id, reviewer="reviewer", confirm=True,
                            reason="x", settings=strict)
    stricter = settings.model_copy(update={"confirmation_lr": 10.0 ** 40})
    with pytest.raises(RuleViolationError, match="below the confirmation threshold"):
        review.review_match(session, match.id, reviewer="reviewer", confirm=True,
                            reason="x", settings=stricter)


def test_second_sample_must_agree(session, settings, cipher):
    family, match = _matched_family(session, settings, cipher)
    sample_for(session, "C-1c", child=family.child)
    other = with_id(family.stranger_profiles[0], "C-1c")
    store(session, other, cipher, settings, actor="analyst2", match=False)
    with pytest.raises(RuleViolationError, match="possible sample mix-up"):
        review.confirm_second_sample(session, match.id, "C-1c", actor="analyst2",
                                     cipher=cipher)


def test_child_aged_16_must_consent(session, settings, cipher):
    family, match = _matched_family(session, settings, cipher, birth=dt.date(2008, 1, 1))
    _second_sample(session, family, cipher, settings, match)
    review.review_match(session, match.id, reviewer="reviewer", confirm=True, reason="ok",
                        settings=settings)
    with pytest.raises(ConsentRequiredError, match="decides"):
        review.notify_family(session, match.id, actor="police", today=dt.date(2026, 2, 1),
                             settings=settings)
    review.record_child_consent(session, family.child.id, actor="care", consents=True)
    review.notify_family(session, match.id, actor="police", today=dt.date(2026, 2, 1),
                         settings=settings)
    assert match.state == "family_notified"


def test_suspect_parents_open_welfare_review(session, settings, cipher):
    family, match = _matched_family(session, settings, cipher, father_suspect=True)
    _second_sample(session, family, cipher, settings, match)
    review.review_match(session, match.id, reviewer="reviewer", confirm=True, reason="ok",
                        settings=settings)
    assert match.state == "welfare_review"
    assert family.report.status == "match_candidate"  # no reunion path opened
    with pytest.raises(IllegalTransitionError):
        review.notify_family(session, match.id, actor="police", settings=settings)


def test_rejection_reopens_report(session, settings, cipher):
    family, _ = _matched_family(session, settings, cipher)
    from sqlalchemy import select

    from homeward.registry.models import Match

    for match in session.scalars(select(Match)).all():
        review.review_match(session, match.id, reviewer="reviewer", confirm=False,
                            reason="test", settings=settings)
    assert family.report.status == "open"


def test_adoption_eligible_after_twelve_months_but_still_searched(session, settings, cipher):
    family = make_family(session, settings)
    cases.place_child(session, actor="police", child=family.child, kind="welfare-institution",
                      institution="Institute", started_on=dt.date(2026, 1, 15))
    assert mark_adoption_eligible(session, today=dt.date(2026, 6, 1), settings=settings) == []
    eligible = mark_adoption_eligible(session, today=dt.date(2027, 2, 1), settings=settings)
    assert [c.id for c in eligible] == [family.child.id]
    assert family.child.status == "adoption_eligible"
    sample_for(session, "C-1", child=family.child)
    store(session, family.child_profile, cipher, settings)
    sample_for(session, "R-M", relative=family.mother)
    _, matches = store(session, family.mother_profile, cipher, settings)
    assert [m.found_child_id for m in matches] == [family.child.id]
