"""Mutation models for STR meioses, following pedmut (Vigeland; Egeland et al. 2016).

A model gives, for one locus, the matrix ``M[i, j]`` = probability that a parent's
allele ``i`` is received by the child as allele ``j``. Three models, as in pedmut's
``mutationMatrix()`` and Familias:

* ``equal``: ``M[i, i] = 1 - rate`` and ``rate / (n - 1)`` on every other allele;
* ``proportional``: ``M = (1 - alpha) I + alpha 1 p^T`` with ``alpha = rate / sum p(1-p)``,
  so that the overall mutation rate is ``rate`` and ``p`` is stationary;
* ``stepwise``: mutations between alleles of the same microvariant group (``9``, ``10``
  are one group, ``9.3``, ``10.3`` another) weighted by ``range ** |step|`` and scaled to
  ``rate``; a jump to another group has probability ``rate2`` in total. Off-ladder labels
  (``OL``, ``<8``) are each a group of their own.

Rates are per locus per meiosis (typical STR rates 0.001-0.005; AABB 2008 summary).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from homeward.kinship.errors import ModelError

MutationModelName = Literal["equal", "proportional", "stepwise"]


@dataclass(frozen=True)
class MutationModel:
    """A mutation model with a default rate and optional per-locus rates.

    :param model: ``"equal"``, ``"proportional"`` or ``"stepwise"``.
    :param rate: mutation rate per meiosis where ``locus_rates`` has no entry.
    :param locus_rates: per-locus rates, e.g. ``{"D21S11": 0.0019}``.
    :param rate2: stepwise model only: rate of a jump between microvariant groups.
    :param range: stepwise model only: relative probability of n+1 versus n steps.
    """

    model: MutationModelName
    rate: float = 0.002
    locus_rates: Mapping[str, float] = field(default_factory=dict)
    rate2: float = 1e-6
    range: float = 0.1

    def __post_init__(self) -> None:
        if self.model not in ("equal", "proportional", "stepwise"):
            raise ModelError(
                f"unknown mutation model {self.model!r}: use equal, proportional or stepwise"
            )
        for locus, rate in {"(default)": self.rate, **self.locus_rates}.items():
            if not 0.0 <= rate < 1.0:
                raise ModelError(f"mutation rate {rate} for {locus} is not in [0, 1)")
        if self.model == "stepwise" and not (self.range > 0 and self.rate + self.rate2 <= 1):
            raise ModelError("stepwise model needs range > 0 and rate + rate2 <= 1")

    def rate_for(self, locus: str) -> float:
        return self.locus_rates.get(locus, self.rate)

    def describe(self) -> str:
        text = f"{self.model}, rate {self.rate}"
        if self.locus_rates:
            text += f" ({len(self.locus_rates)} per-locus rates)"
        if self.model == "stepwise":
            text += f", rate2 {self.rate2}, range {self.range}"
        return text + "; applied to every meiosis"

    def matrix(self, locus: str, alleles: tuple[str, ...], frequencies: np.ndarray) -> np.ndarray:
        """The ``n x n`` transition matrix of ``locus`` over ``alleles``."""
        rate = self.rate_for(locus)
        n = len(alleles)
        if n == 1:
            return np.ones((1, 1))
        if self.model == "equal":
            return equal_matrix(n, rate)
        if self.model == "proportional":
            return proportional_matrix(frequencies, rate)
        return stepwise_matrix(alleles, rate, self.rate2, self.range)


def equal_matrix(n: int, rate: float) -> np.ndarray:
    """pedmut ``equal``: ``1 - rate`` on the diagonal, ``rate/(n-1)`` elsewhere."""
    matrix = np.full((n, n), rate / (n - 1))
    np.fill_diagonal(matrix, 1.0 - rate)
    return matrix


def proportional_matrix(frequencies: np.ndarray, rate: float) -> np.ndarray:
    """pedmut ``proportional``: mutation towards allele j with probability ~ p_j.

    Frequencies are normalised first (floors can make them sum slightly above 1), as
    pedmut requires a distribution.
    """
    p = np.asarray(frequencies, dtype=np.float64)
    p = p / p.sum()
    alpha = rate / float(np.sum(p * (1.0 - p)))
    matrix = (1.0 - alpha) * np.eye(len(p)) + alpha * p[np.newaxis, :]
    if np.any(matrix > 1.0) or np.any(matrix < 0.0):
        raise ModelError(f"impossible proportional mutation matrix for rate {rate}")
    return matrix


def _microvariant_group(label: str) -> float:
    try:
        value = float(label)
    except ValueError:
        return float("nan")  # off-ladder: a group of its own
    return round((value - np.floor(value)) * 10)


def stepwise_matrix(alleles: tuple[str, ...], rate: float, rate2: float,
                    step_range: float) -> np.ndarray:
    """pedmut ``stepwise``: steps within a microvariant group, ``rate2`` across groups."""
    n = len(alleles)
    values = np.array([float(a) if _microvariant_group(a) == _microvariant_group(a) else np.nan
                       for a in alleles])
    groups = [_microvariant_group(a) for a in alleles]
    matrix = np.zeros((n, n))
    for i in range(n):
        same = np.array([groups[j] == groups[i] for j in range(n)])  # nan != nan
        same[i] = True
        n_same = int(same.sum())
        for j in range(n):
            if i == j:
                if n_same == n:
                    matrix[i, j] = 1.0 - rate
                elif n_same == 1:
                    matrix[i, j] = 1.0 - rate2
                else:
                    matrix[i, j] = 1.0 - rate - rate2
            elif same[j]:
                matrix[i, j] = step_range ** abs(values[i] - values[j])
            else:
                matrix[i, j] = rate2 / (n - n_same)
        others = same.copy()
        others[i] = False
        if others.any():
            matrix[i, others] = matrix[i, others] / matrix[i, others].sum() * rate
    return matrix
