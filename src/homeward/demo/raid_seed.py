"""One demo operation with a child at every stage of the path, made by the workflow itself.

The raid of "11·26" (synthetic) rescues ten children in Hebei: one not yet sampled, one
sampled, one typed, one with a candidate match, one confirmed, one whose father sold him
(welfare review), one whose family was told, one reunited, one not returned after the
welfare review, and one unmatched for over a year (adoption-eligible). Every step goes
through the same workflow functions as the pages and the API; DNA is simulated (seeded).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy.orm import Session

from homeward.config import Settings
from homeward.kinship import simulate
from homeward.kinship.model import build_locus_models
from homeward.kinship.profiles import Profile
from homeward.security.crypto import ProfileCipher
from homeward.workflow import cases, operations, review, samples
from homeward.workflow.matching import kinship_setup, store_and_match
from homeward.workflow.profile_store import ProfileStores

POLICE, LAB, SECOND_LAB, REVIEWER, CARE = ("police.hebei", "lab.analyst", "lab.second",
                                           "reviewer", "care.staff")
INSTITUTION = "Handan Children's Welfare Institute"
STAGES = ("in_care", "sampled", "typed", "candidate", "confirmed", "welfare_review",
          "notified", "reunited", "not_returned", "adoption_eligible")


def seed_raid(session: Session, *, cipher: ProfileCipher, settings: Settings,
              today: dt.date, seed: int = 1126, stores: ProfileStores | None = None) -> int:
    """Create the showcase operation; returns its id."""
    stores = stores or ProfileStores()
    rng = np.random.default_rng(seed)
    table, model, loci = kinship_setup(settings)
    models = list(build_locus_models(table, model, loci).values())
    operation = operations.create_operation(
        session, actor=POLICE, name="Operation 11·26 (demo)", code_name="11·26",
        started_on=today - dt.timedelta(days=500), ended_on=today - dt.timedelta(days=470),
        lead_agency="Hebei Provincial Public Security Department", provinces=["13", "53"],
        cities=["Handan", "Kunming"], officers_deployed=640, children_rescued=len(STAGES),
        suspects_detained=14, description="A family-based ring buying infants in Yunnan "
                                          "and selling them in Hebei (synthetic).")
    found_on = today - dt.timedelta(days=480)
    for number, stage in enumerate(STAGES, start=1):
        child_dna, father_dna, _ = simulate.related("trio", models, 1, rng)
        if stage == "in_care":
            child = cases.register_found_child(
                session, actor=POLICE, external_id=f"FC-1126-{number:02d}", kind="rescued",
                sex="male", found_date=today - dt.timedelta(days=3), jurisdiction="13",
                operation_id=operation.id)
        else:
            child = operations.register_rescued_child(
                session, actor=POLICE, operation=operation, sex="male",
                found_date=found_on, jurisdiction="13",
                external_id=f"FC-1126-{number:02d}",
                estimated_birth_date=found_on - dt.timedelta(days=900 + 100 * number),
                rescued_from_address=f"Handan, Xiaozhuang village, house {number}")
        if stage == "adoption_eligible":
            child.registered_at = dt.datetime.combine(found_on, dt.time(), tzinfo=dt.UTC)
        cases.place_child(session, actor=CARE, child=child, kind="welfare-institution",
                          institution=INSTITUTION, started_on=found_on)
        if stage in ("in_care", "sampled"):
            continue
        specimen = f"FC-1126-{number:02d}-S1"
        samples.store_profile(session, actor=LAB, cipher=cipher,
                              profile=simulate.to_profiles(child_dna, models, [specimen])[0])
        if stage in ("typed", "adoption_eligible"):
            continue
        report = cases.register_missing_report(
            session, actor=POLICE, external_id=f"demo/raid-1126.{number}",
            child_name=f"Raid child {number}", sex="male", jurisdiction="53",
            last_seen_date=found_on - dt.timedelta(days=30), published=True)
        father = cases.add_relative(session, actor=POLICE, report=report,
                                    name=f"Father {number}", relationship_to_child="father",
                                    sex="male")
        if stage in ("welfare_review", "not_returned"):
            operations.register_suspect(session, actor=POLICE, operation=operation,
                                        name=f"Father {number}", role="seller",
                                        children=[child], sold_own_child=father)
        father_specimen = f"R-1126-{number:02d}"
        samples.register_sample(session, actor=POLICE, specimen_id=father_specimen,
                                collected_by=POLICE, relative=father, consent_given=True,
                                consent_by="donor",
                                collected_at=dt.datetime.now(dt.UTC))
        store_and_match(session, actor=LAB, cipher=cipher, settings=settings, stores=stores,
                        profile=simulate.to_profiles(father_dna, models,
                                                     [father_specimen])[0])
        match = _match_of(session, child.id)
        if stage == "candidate" or match is None:
            continue
        second = f"{specimen}-2"
        samples.register_sample(session, actor=POLICE, specimen_id=second,
                                collected_by=CARE, found_child=child, consent_given=True,
                                consent_by=operations.GUARDIAN_CONSENT,
                                collected_at=dt.datetime.now(dt.UTC))
        original = simulate.to_profiles(child_dna, models, [second])[0]
        samples.store_profile(session, actor=SECOND_LAB, cipher=cipher,
                              profile=Profile(second, original.genotypes))
        review.confirm_second_sample(session, match.id, second, actor=SECOND_LAB,
                                     cipher=cipher)
        review.review_match(session, match.id, reviewer=REVIEWER, confirm=True,
                            reason="LR above threshold on two independent samples",
                            settings=settings)
        if stage == "not_returned":
            review.conclude_welfare_review(session, match.id, reviewer=REVIEWER,
                                           conclusion="do-not-return",
                                           reason="the father sold the child")
        if stage in ("notified", "reunited"):
            review.notify_family(session, match.id, actor=POLICE, today=today,
                                 settings=settings, method="in-person",
                                 person_told=f"Father {number}")
        if stage == "reunited":
            review.reunite(session, match.id, actor=POLICE, date=today,
                           place=INSTITUTION, present=[f"Father {number}", POLICE, CARE])
    return operation.id


def _match_of(session: Session, child_id: int):
    from sqlalchemy import select

    from homeward.registry.models import Match

    return session.scalar(select(Match).where(Match.found_child_id == child_id)
                          .order_by(Match.log10_lr.desc()).limit(1))
