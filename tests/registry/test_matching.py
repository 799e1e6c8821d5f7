"""Automatic matching, encryption at rest, and the legal purpose of DNA."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from homeward.registry.models import Match, StoredProfile
from homeward.security.crypto import ProfileCipher, ProfileKeyError
from homeward.workflow import samples
from homeward.workflow.dna_gaps import dna_gaps
from homeward.workflow.errors import ConsentRequiredError, RuleViolationError
from homeward.workflow.status import registry_status

from .world import make_family, sample_for, store, with_id


def test_child_profile_finds_parents_and_couple(session, settings, cipher):
    family = make_family(session, settings)
    sample_for(session, "R-F", relative=family.father)
    sample_for(session, "R-M", relative=family.mother)
    store(session, family.father_profile, cipher, settings)
    store(session, family.mother_profile, cipher, settings)
    sample_for(session, "C-1", child=family.child)
    _, matches = store(session, family.child_profile, cipher, settings)
    kinds = sorted(m.relationship_tested for m in matches)
    assert kinds == ["couple", "parent-child", "parent-child"]
    couple = [m for m in matches if m.relationship_tested == "couple"][0]
    duo = [m for m in matches if m.relationship_tested == "parent-child"]
    assert couple.log10_lr > max(m.log10_lr for m in duo)
    assert set(couple.per_locus) and couple.loci_compared == len(couple.per_locus)
    assert all(m.report_id == family.report.id for m in matches)
    assert family.report.status == "match_candidate"


def test_relative_profile_finds_child_among_strangers(session, settings, cipher):
    # seed 9: a sibling pair sharing enough (log10 LR 7.8); siblings of seed 5 share
    # little (log10 LR 1.2) and would honestly stay below the screening threshold
    family = make_family(session, settings, seed=9)
    from homeward.workflow import cases

    for i, stranger in enumerate(family.stranger_profiles[:10]):
        other = cases.register_found_child(session, actor="police", external_id=f"FC-X{i}")
        sample_for(session, stranger.sample_id, child=other)
        store(session, stranger, cipher, settings)
    sample_for(session, "C-1", child=family.child)
    store(session, family.child_profile, cipher, settings)
    sibling = cases.add_relative(session, actor="police", report=family.report,
                                 name="Zhang Li", relationship_to_child="full-sibling")
    sample_for(session, "R-S", relative=sibling)
    _, matches = store(session, family.sibling_profile, cipher, settings)
    assert [m.found_child_id for m in matches][:1] == [family.child.id]
    assert matches[0].relationship_tested == "full-siblings"


def test_profiles_are_encrypted_at_rest(session, settings, cipher):
    family = make_family(session, settings)
    sample_for(session, "C-1", child=family.child)
    store(session, family.child_profile, cipher, settings, match=False)
    raw = session.execute(text("SELECT sealed FROM profiles")).scalar_one()
    raw = bytes(raw)
    for genotype in family.child_profile.genotypes.values():
        assert "/".join(genotype).encode() not in raw
    assert b"D3S1358" not in raw
    stranger = ProfileCipher(b"k" * 32)
    with pytest.raises(ProfileKeyError, match="does not open"):
        stranger.open("C-1", raw)
    with pytest.raises(ProfileKeyError):
        cipher.open("C-2", raw)  # bound to its specimen id


def test_sample_without_consent_is_refused(session, settings):
    family = make_family(session, settings)
    with pytest.raises(ConsentRequiredError, match="consent"):
        sample_for(session, "C-1", child=family.child, consent=False)


def test_dna_of_other_purposes_is_never_searched(session, settings, cipher):
    family = make_family(session, settings)
    sample_for(session, "R-F", relative=family.father, purpose="criminal-investigation")
    with pytest.raises(RuleViolationError, match="may not be searched"):
        store(session, family.father_profile, cipher, settings)


def test_storing_same_profile_twice_is_idempotent(session, settings, cipher):
    family = make_family(session, settings)
    sample_for(session, "C-1", child=family.child)
    first, _ = store(session, family.child_profile, cipher, settings)
    again, matches = store(session, family.child_profile, cipher, settings)
    assert again.id == first.id and matches == []
    different = samples.Profile("C-1", family.father_profile.genotypes)
    with pytest.raises(RuleViolationError, match="different profile"):
        store(session, different, cipher, settings)
    assert session.scalar(select(StoredProfile.id).where(StoredProfile.id != first.id)) is None


def test_status_and_dna_gaps(session, settings, cipher):
    family = make_family(session, settings)
    sample_for(session, "R-M", relative=family.mother)
    store(session, family.mother_profile, cipher, settings)
    status = registry_status(session)
    assert status == {"missing_reports": 1, "found_children": 1, "children_in_care": 0,
                      "profiles": 1, "match_candidates": 0, "confirmed_matches": 0,
                      "reunited": 0, "open_reports_without_relative_dna": 0}
    gaps = dna_gaps(session, settings=settings)
    assert len(gaps) == 1
    gap = gaps[0]
    assert gap.typed == ["mother"] and gap.registered_without_dna == ["father"]
    assert gap.current_configuration == "parent-child"
    assert gap.suggestions[0].relative == "father"
    assert gap.suggestions[0].configuration == "couple"
    assert gap.suggestions[0].gain > 3  # a second parent adds orders of magnitude
    assert session.scalar(select(Match.id)) is None


def test_duplicate_specimen_id_is_refused(factory, settings):
    from homeward.registry.db import session_scope
    from homeward.registry.models import Sample

    with session_scope(factory) as session:
        family = make_family(session, settings)
        sample_for(session, "C-1", child=family.child)
    with pytest.raises(RuleViolationError, match="already registered"):
        with session_scope(factory) as session:
            sample_for(session, "C-1", relative=session.get(type(family.father),
                                                           family.father.id))
    with session_scope(factory) as session:
        assert session.scalars(select(Sample.specimen_id)).all() == ["C-1"]


def test_the_profile_store_is_the_callers_and_forgets_a_rollback(factory, settings, cipher):
    """The decrypted store belongs to whoever passed it in (the app, a command); a rolled-
    back profile never stays searchable in it."""
    from homeward.workflow.matching import store_and_match
    from homeward.workflow.profile_store import ProfileStores

    stores, other = ProfileStores(), ProfileStores()
    with factory() as session, session.begin():
        family = make_family(session, settings)
        sample_for(session, "R-F", relative=family.father)
        sample_for(session, "C-1", child=family.child)
        store(session, family.father_profile, cipher, settings)
    with factory() as session:
        session.begin()
        stored, matches = store_and_match(session, actor="analyst", cipher=cipher,
                                          settings=settings, stores=stores,
                                          profile=family.child_profile)
        assert [m.relationship_tested for m in matches] == ["parent-child"]
        searched = stores.store(session, cipher, settings)
        assert "C-1" in searched.profiles and not other._stores  # only the caller's store
        session.rollback()
    assert not stores._stores  # the rollback dropped what it had loaded
    with factory() as session:
        reloaded = stores.store(session, cipher, settings)
        assert "C-1" not in reloaded.profiles and "R-F" in reloaded.profiles


def test_a_second_sample_confirms_the_match_and_opens_no_second_one(session, settings,
                                                                     cipher):
    """The lab types an independent second sample of the child (and of the father) to
    confirm a match; searching those specimens must not put the same child and father
    before the reviewer twice."""
    family = make_family(session, settings)
    sample_for(session, "R-F", relative=family.father)
    store(session, family.father_profile, cipher, settings)
    sample_for(session, "C-1", child=family.child)
    _, first = store(session, family.child_profile, cipher, settings)
    assert [m.relationship_tested for m in first] == ["parent-child"]
    sample_for(session, "C-1b", child=family.child)
    _, again = store(session, with_id(family.child_profile, "C-1b"), cipher, settings,
                     actor="analyst2")
    sample_for(session, "R-Fb", relative=family.father)
    _, father_again = store(session, with_id(family.father_profile, "R-Fb"), cipher,
                            settings, actor="analyst2")
    assert again == [] and father_again == []
    assert len(session.scalars(select(Match)).all()) == 1
