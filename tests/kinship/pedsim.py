"""Seeded simulation of whole pedigrees for the joint-identification tests and benchmark.

Founders and meioses come from :mod:`homeward.kinship.simulate` (forrel's ``profileSim``
idea): each person's genotype is drawn parents first.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from homeward.kinship import simulate
from homeward.kinship.model import LocusModel
from homeward.kinship.pedigree import Pedigree
from homeward.kinship.profiles import Profile


def simulate_pedigree(pedigree: Pedigree, models: Sequence[LocusModel],
                      rng: np.random.Generator, prefix: str = "") -> dict[str, Profile]:
    """One profile per person of ``pedigree`` (sample id = ``prefix`` + person id)."""
    alleles: dict[str, np.ndarray] = {}
    for person in pedigree.persons:
        if person.is_founder:
            alleles[person.id] = simulate.founders(models, 1, rng)
        else:
            alleles[person.id] = simulate.child(alleles[person.father],
                                                alleles[person.mother], models, rng)
    return {pid: simulate.to_profiles(a, models, [prefix + pid])[0]
            for pid, a in alleles.items()}
