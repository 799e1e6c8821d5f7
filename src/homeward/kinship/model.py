"""The per-locus population model: alleles, frequencies, theta and mutations.

:class:`LocusModel` is what every likelihood formula reads. It turns allele labels into
integer codes (the position in the locus's allele list) and genotypes into one integer
per locus, ``genotype_index(i, j) = j (j + 1) / 2 + i`` for ``i <= j`` (the order used by
scikit-allel and VCF for diploid genotypes); 0 is kept for "not typed", so stored codes
are ``genotype_index + 1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from homeward.kinship.errors import ModelError
from homeward.kinship.frequencies import FrequencyTable, LocusFrequencies
from homeward.kinship.mutation import MutationModel
from homeward.kinship.profiles import Genotype


@dataclass(frozen=True)
class KinshipModel:
    """Settings shared by all loci of a comparison.

    :param theta: Balding-Nichols co-ancestry coefficient (NRC II recommendation 4.10;
        0.01-0.03 typical), applied jointly to all founder alleles under both hypotheses.
    :param mutation: a :class:`MutationModel`, or ``None`` for no mutations.
    """

    theta: float = 0.0
    mutation: MutationModel | None = None

    def __post_init__(self) -> None:
        if not 0.0 <= self.theta < 1.0:
            raise ModelError(f"theta {self.theta} is not in [0, 1)")

    def describe(self) -> dict[str, object]:
        return {
            "theta": self.theta,
            "theta_convention": "Balding-Nichols sampling formula on all founder alleles "
                                "under both hypotheses (forrel/Familias convention)",
            "mutation": self.mutation.describe() if self.mutation else "none",
        }


def genotype_index(i: np.ndarray | int, j: np.ndarray | int) -> np.ndarray | int:
    """Index of the unordered genotype {i, j} among all n(n+1)/2 genotypes (Python ints
    stay Python ints: a query encodes one genotype per locus, where NumPy's scalar
    overhead would be most of the cost)."""
    if type(i) is int and type(j) is int:
        lo, hi = (i, j) if i <= j else (j, i)
        return hi * (hi + 1) // 2 + lo
    lo = np.minimum(i, j)
    hi = np.maximum(i, j)
    return hi * (hi + 1) // 2 + lo


def all_genotypes(n_alleles: int) -> tuple[np.ndarray, np.ndarray]:
    """Allele codes (a, b), a <= b, of every genotype in :func:`genotype_index` order."""
    hi, lo = np.tril_indices(n_alleles)
    return lo.astype(np.int64), hi.astype(np.int64)


@dataclass(frozen=True)
class LocusModel:
    """Everything the formulas need about one locus.

    ``mutation_matrix`` is ``None`` when mutations are off; ``drift_frequencies`` is
    ``p M``, the distribution of the allele an untyped founder passes on.
    """

    locus: str
    alleles: tuple[str, ...]
    frequencies: np.ndarray
    theta: float
    mutation_matrix: np.ndarray | None
    floor_rule: str = ""
    codes: dict[str, int] = field(default_factory=dict, compare=False)

    @classmethod
    def build(cls, frequencies: LocusFrequencies, model: KinshipModel) -> LocusModel:
        p = np.asarray(frequencies.frequencies, dtype=np.float64)
        matrix = None
        if model.mutation is not None:
            matrix = model.mutation.matrix(frequencies.locus, frequencies.alleles, p)
        return cls(frequencies.locus, frequencies.alleles, p, model.theta, matrix,
                   frequencies.floor_rule, frequencies.index())

    @property
    def n_alleles(self) -> int:
        return len(self.alleles)

    @property
    def n_genotypes(self) -> int:
        return self.n_alleles * (self.n_alleles + 1) // 2

    @property
    def drift_frequencies(self) -> np.ndarray:
        if self.mutation_matrix is None:
            return self.frequencies
        return self.frequencies @ self.mutation_matrix

    def encode(self, genotype: Genotype) -> tuple[int, int]:
        """Allele codes of a genotype; every allele must be in the model."""
        try:
            return self.codes[genotype[0]], self.codes[genotype[1]]
        except KeyError as missing:
            raise ModelError(
                f"allele {missing.args[0]} of locus {self.locus} is not in the frequency model"
            ) from None

    def transmission(self, a: np.ndarray, b: np.ndarray, x: np.ndarray) -> np.ndarray:
        """P(a parent with genotype {a, b} passes allele x), mutation included."""
        if self.mutation_matrix is None:
            return 0.5 * ((a == x).astype(np.float64) + (b == x))
        m = self.mutation_matrix
        return 0.5 * (m[a, x] + m[b, x])


def build_locus_models(table: FrequencyTable, model: KinshipModel,
                       loci: list[str] | None = None) -> dict[str, LocusModel]:
    """Locus models for ``loci`` (default: all loci of the table)."""
    names = loci if loci is not None else list(table.loci)
    return {name: LocusModel.build(table[name], model) for name in names if name in table}
