"""What a batch run compared, found, and should expect to find by chance.

Among unrelated people a test passes a threshold T with probability P(LR >= T |
unrelated), estimated by simulation in :func:`homeward.kinship.power.lr_power`; a run
that compares C children with N references makes C * N such comparisons, so it should
expect ``C * N * P(LR >= T | unrelated)`` false candidates at T, and never more than
``C * N / T`` on average (for any LR, P(LR >= T | unrelated) <= 1/T; Good 1950, Royall
2000, as the power study reports).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from homeward.kinship.frequencies import FrequencyTable
from homeward.kinship.model import KinshipModel
from homeward.kinship.power import lr_power

THRESHOLDS_LR = (1e3, 1e4, 1e6, 1e8)  # the screening LR, CPI 10,000 (GB/T 37223), beyond
POWER_SIMULATIONS = 20_000


@dataclass(frozen=True)
class ExpectedFalse:
    threshold_lr: float
    false_positive_rate: float  # per comparison, simulated
    expected: float  # C * N * rate
    upper_bound: float  # C * N / T


def expected_false_candidates(relationship: str, table: FrequencyTable, loci: Sequence[str],
                              model: KinshipModel, comparisons: int, *,
                              thresholds: Sequence[float] = THRESHOLDS_LR,
                              n_sims: int = POWER_SIMULATIONS,
                              seed: int = 1) -> list[ExpectedFalse]:
    """Expected false candidates of ``comparisons`` child-reference pairs at each
    threshold, from one power study (the same simulated unrelated pairs for all)."""
    if comparisons == 0 or not loci:
        return [ExpectedFalse(t, 0.0, 0.0, 0.0) for t in thresholds]
    study = lr_power(relationship, table, loci, n_sims=n_sims, seed=seed, model=model,
                     threshold=thresholds[0], database_size=comparisons)
    out = []
    for threshold in thresholds:
        rate = float(np.mean(study.unrelated_log10 >= np.log10(threshold)))
        out.append(ExpectedFalse(threshold, rate, comparisons * rate, comparisons / threshold))
    return out


@dataclass
class BatchSummary:
    """The figures a run prints and stores with itself (``batch_runs.summary``)."""

    run_id: int
    relationship: str
    children: int
    references: int
    partitions: int
    partitions_skipped: int
    pairs_compared: int
    profiles_scored: int
    candidates_created: int
    candidates_per_threshold: dict[str, int] = field(default_factory=dict)
    expected_false: list[ExpectedFalse] = field(default_factory=list)
    loci_skipped: dict[str, int] = field(default_factory=dict)
    stage_seconds: dict[str, float] = field(default_factory=dict)
    peak_memory_per_worker: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)
