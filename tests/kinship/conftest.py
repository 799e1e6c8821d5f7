"""Shared, named example data for the kinship tests (cf. tskit's tsutil corpus)."""

from __future__ import annotations

import numpy as np
import pytest

from homeward.kinship.frequencies import parse_frequency_table
from homeward.kinship.model import KinshipModel, LocusModel
from homeward.kinship.mutation import MutationModel

SMALL_TABLE = """locus,allele,frequency
D3S1358,14,0.1
D3S1358,15,0.2
D3S1358,16,0.3
D3S1358,17,0.4
vWA,14,0.05
vWA,16,0.15
vWA,17,0.3
vWA,18,0.5
TH01,6,0.2
TH01,9,0.3
TH01,9.3,0.5
"""


@pytest.fixture
def small_table():
    return parse_frequency_table(SMALL_TABLE, name="small")


def locus_model(frequencies, *, theta: float = 0.0, mutation: str | None = None,
                rate: float = 0.01, alleles: tuple[str, ...] | None = None) -> LocusModel:
    """A LocusModel over an explicit allele system (for formula tests)."""
    from homeward.kinship.frequencies import LocusFrequencies

    freqs = np.asarray(frequencies, dtype=float)
    labels = alleles or tuple(str(10 + i) for i in range(len(freqs)))
    lf = LocusFrequencies("D3S1358", labels, freqs, 0.0, "test")
    mut = MutationModel(mutation, rate=rate) if mutation else None
    return LocusModel.build(lf, KinshipModel(theta=theta, mutation=mut))
