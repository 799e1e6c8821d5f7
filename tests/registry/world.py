"""A small, seeded world for registry tests: one family whose child was rescued."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from homeward.config import Settings
from homeward.kinship import simulate
from homeward.kinship.model import build_locus_models
from homeward.kinship.profiles import Profile
from homeward.registry.models import FoundChild, MissingReport, Relative, User
from homeward.security.crypto import ProfileCipher
from homeward.workflow import cases, samples
from homeward.workflow.matching import kinship_setup, store_and_match

NOW = dt.datetime(2026, 1, 15, 10, 0, tzinfo=dt.UTC)


@dataclass
class Family:
    report: MissingReport
    father: Relative
    mother: Relative
    child: FoundChild
    child_profile: Profile
    father_profile: Profile
    mother_profile: Profile
    sibling_profile: Profile
    stranger_profiles: list[Profile]


def simulated_family(settings: Settings, seed: int = 5, strangers: int = 30):
    table, model, loci = kinship_setup(settings)
    models = list(build_locus_models(table, model, loci).values())
    rng = np.random.default_rng(seed)
    child, father, mother = simulate.related("trio", models, 1, rng)
    sibling = simulate.child(father, mother, models, rng)
    others = simulate.founders(models, strangers, rng)
    to = simulate.to_profiles
    return (to(child, models, ["C-1"])[0], to(father, models, ["R-F"])[0],
            to(mother, models, ["R-M"])[0], to(sibling, models, ["R-S"])[0],
            to(others, models, [f"X-{i}" for i in range(strangers)]))


def add_users(session: Session) -> None:
    for name, role in (("analyst", "lab_analyst"), ("analyst2", "lab_analyst"),
                       ("reviewer", "reviewer"), ("police", "police")):
        session.add(User(username=name, display_name=name, role=role))
    session.flush()


def make_family(session: Session, settings: Settings, *, birth: dt.date = dt.date(2015, 3, 1),
                father_suspect: bool = False, seed: int = 5) -> Family:
    add_users(session)
    child_p, father_p, mother_p, sibling_p, others = simulated_family(settings, seed=seed)
    report = cases.register_missing_report(
        session, actor="police", external_id="test/person.1", child_name="Zhang Xiaobao",
        child_name_zh="张小宝", sex="male", birth_date=birth,
        last_seen_date=dt.date(2018, 7, 1), jurisdiction="53")
    father = cases.add_relative(session, actor="police", report=report, name="Zhang Wei",
                                relationship_to_child="father", is_suspect=father_suspect)
    mother = cases.add_relative(session, actor="police", report=report, name="Li Na",
                                relationship_to_child="mother")
    child = cases.register_found_child(session, actor="police", external_id="FC-1",
                                       sex="male", found_date=dt.date(2020, 5, 2),
                                       estimated_birth_date=birth,
                                       rescued_from_address="Handan, village 7, house 12",
                                       registered_at=NOW)
    return Family(report, father, mother, child, child_p, father_p, mother_p, sibling_p,
                  others)


def sample_for(session: Session, specimen: str, *, child: FoundChild | None = None,
               relative: Relative | None = None, consent: bool = True,
               purpose: str = samples.LEGAL_PURPOSE):
    return samples.register_sample(session, actor="police", specimen_id=specimen,
                                   collected_by="police", collected_at=NOW,
                                   found_child=child, relative=relative,
                                   consent_given=consent, purpose=purpose)


def store(session: Session, profile: Profile, cipher: ProfileCipher, settings: Settings, *,
          actor: str = "analyst", match: bool = True):
    if not match:
        return samples.store_profile(session, actor=actor, profile=profile, cipher=cipher)[0], []
    return store_and_match(session, actor=actor, profile=profile, cipher=cipher,
                           settings=settings)


def with_id(profile: Profile, specimen: str) -> Profile:
    return Profile(specimen, profile.genotypes)
