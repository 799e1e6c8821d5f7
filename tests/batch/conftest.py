"""Batch fixtures: the registry's databases (SQLite and PostgreSQL, failing when the
server is down), a small registry of families and strangers, and a local Dask cluster."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pytest

from homeward.batch.cluster import dask_client
from homeward.kinship import simulate
from homeward.kinship.model import build_locus_models
from homeward.kinship.profiles import Profile
from homeward.workflow import cases
from homeward.workflow.matching import kinship_setup
from tests.registry.conftest import (  # noqa: F401 - fixtures shared with the registry tests
    cipher,
    database_url,
    engine,
    factory,
    session,
    settings,
)
from tests.registry.world import add_users, sample_for, store


@dataclass
class Registry:
    children: list[Profile]
    fathers: list[Profile]
    mothers: list[Profile]
    strangers: list[Profile]


def build_registry(factory, settings, cipher, *, families: int = 6, strangers: int = 25,
                   unrelated_children: int = 3, seed: int = 11) -> Registry:
    """``families`` reports with a father and a mother typed and their child found,
    ``strangers`` relatives of other reports, and children of no one here; every
    profile stored without matching (the batch job is what matches them)."""
    table, model, loci = kinship_setup(settings)
    models = list(build_locus_models(table, model, loci).values())
    rng = np.random.default_rng(seed)
    child, father, mother = simulate.related("trio", models, families, rng)
    others = simulate.founders(models, strangers + unrelated_children, rng)
    to = simulate.to_profiles
    kids = to(child, models, [f"C-{i}" for i in range(families)])
    kids += to(others[:, :, strangers:], models, [f"C-U{i}" for i in range(unrelated_children)])
    world = Registry(kids, to(father, models, [f"F-{i}" for i in range(families)]),
                     to(mother, models, [f"M-{i}" for i in range(families)]),
                     to(others[:, :, :strangers], models, [f"S-{i}" for i in range(strangers)]))
    with factory() as session, session.begin():
        add_users(session)
        for i in range(families + strangers):
            report = cases.register_missing_report(
                session, actor="police", external_id=f"test/report.{i}",
                child_name=f"Child {i}", sex="male", birth_date=dt.date(2015, 1, 1),
                last_seen_date=dt.date(2018, 1, 1), jurisdiction="53")
            if i < families:
                pairs = [("father", world.fathers[i]), ("mother", world.mothers[i])]
            else:
                pairs = [("father", world.strangers[i - families])]
            for relation, profile in pairs:
                relative = cases.add_relative(session, actor="police", report=report,
                                              name=f"{relation} {i}",
                                              relationship_to_child=relation)
                sample_for(session, profile.sample_id, relative=relative)
                store(session, profile, cipher, settings, match=False)
        for i, profile in enumerate(world.children):
            found = cases.register_found_child(session, actor="police",
                                               external_id=f"FC-{i}", sex="male",
                                               found_date=dt.date(2020, 1, 1))
            sample_for(session, profile.sample_id, child=found)
            store(session, profile, cipher, settings, match=False)
    return world


@pytest.fixture
def registry(factory, settings, cipher) -> Registry:
    return build_registry(factory, settings, cipher)


@pytest.fixture(scope="session")
def client():
    """Two worker processes, one thread each, for the whole test session."""
    with dask_client(n_workers=2) as connected:
        yield connected
