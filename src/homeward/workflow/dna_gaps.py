"""Who still needs to give DNA, and what each relative would add.

For every open missing report: which relatives gave samples, and which could still give
one to make a match possible or stronger. The gain is the expected log10 LR of a true
match under each configuration of typed relatives, simulated with the kinship engine on
the registry's own loci and model (seeded, so the advice is reproducible).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.config import Settings, get_settings
from homeward.kinship.power import lr_power
from homeward.registry.models import MissingReport, Relative, Sample, StoredProfile
from homeward.workflow.matching import kinship_setup
from homeward.workflow.states import CLOSED_REPORT_STATES

CONFIGURATIONS = {
    "couple": "both parents",
    "parent-child": "one parent",
    "full-siblings": "a full sibling",
    "half-siblings": "a half sibling",
    "grandparent": "a grandparent",
}


@lru_cache(maxsize=4)
def expected_log10_lr(settings_key: tuple[str, float, str | None, float]) -> dict[str, float]:
    """Median log10 LR of true relatives for each configuration (2,000 simulations)."""
    table_name, theta, mutation, rate = settings_key
    settings = Settings(frequency_table=table_name, theta=theta, mutation_model=mutation,
                        mutation_rate=rate)
    table, model, loci = kinship_setup(settings)
    return {name: float(np.median(lr_power(name, table, loci, n_sims=2000, seed=11,
                                           model=model).true_log10))
            for name in CONFIGURATIONS}


@dataclass(frozen=True)
class Suggestion:
    relative: str
    configuration: str
    expected_log10_lr: float
    gain: float


@dataclass(frozen=True)
class DnaGap:
    report_id: int
    external_id: str
    typed: list[str]
    registered_without_dna: list[str]
    current_configuration: str | None
    current_expected_log10_lr: float | None
    suggestions: list[Suggestion]


def _current(typed: set[str]) -> str | None:
    if {"father", "mother"} <= typed:
        return "couple"
    if typed & {"father", "mother"}:
        return "parent-child"
    if typed & {"full-sibling", "brother", "sister"}:
        return "full-siblings"
    if typed & {"grandfather", "grandmother", "grandparent"}:
        return "grandparent"
    if typed & {"half-sibling"}:
        return "half-siblings"
    return None


def dna_gaps(session: Session, *, settings: Settings | None = None,
             limit: int | None = None, report_ids: list[int] | None = None) -> list[DnaGap]:
    settings = settings or get_settings()
    expected = expected_log10_lr((settings.frequency_table, settings.theta,
                                  settings.mutation_model, settings.mutation_rate))
    typed_by_report: dict[int, set[str]] = defaultdict(set)
    registered: dict[int, set[str]] = defaultdict(set)
    relatives = (select(Relative.report_id, Relative.relationship_to_child, StoredProfile.id)
                 .outerjoin(Sample, Sample.relative_id == Relative.id)
                 .outerjoin(StoredProfile, StoredProfile.sample_id == Sample.id))
    query = select(MissingReport).where(MissingReport.status.not_in(CLOSED_REPORT_STATES))
    if report_ids is not None:
        relatives = relatives.where(Relative.report_id.in_(report_ids))
        query = query.where(MissingReport.id.in_(report_ids))
    rows = session.execute(relatives).all()
    for report_id, relation, profile_id in rows:
        (typed_by_report if profile_id else registered)[report_id].add(relation)
    query = query.order_by(MissingReport.id)
    if limit:
        query = query.limit(limit)
    gaps = []
    for report in session.scalars(query):
        typed = typed_by_report.get(report.id, set())
        current = _current(typed)
        base = expected[current] if current else 0.0
        options: list[tuple[str, str]] = []
        if current != "couple":
            for parent in ("mother", "father"):
                if parent not in typed:
                    other = "father" if parent == "mother" else "mother"
                    options.append((parent, "couple" if other in typed else "parent-child"))
            if not typed & {"father", "mother"}:
                options.append(("both parents", "couple"))
            if current is None:
                options.append(("a full sibling", "full-siblings"))
        suggestions = sorted(
            (Suggestion(who, config, expected[config], expected[config] - base)
             for who, config in options if expected[config] > base),
            key=lambda s: -s.gain)
        gaps.append(DnaGap(report.id, report.external_id, sorted(typed),
                           sorted(registered.get(report.id, set()) - typed), current,
                           expected[current] if current else None, suggestions))
    return gaps
