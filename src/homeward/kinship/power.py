"""Error rates of a kinship test, by simulation (cf. forrel's ``LRpower``).

For a relationship and a set of loci, simulate pairs (or trios) that truly have the
relationship and pairs that are unrelated, compute the log10 LR of each, and summarise:
the distributions, the share of true relatives found at a threshold (sensitivity), the
share of unrelated people passing it (false-positive rate), and the expected number of
false hits when one profile is searched against a database of N unrelated people,
``N * P(LR >= T | unrelated)``, next to its universal upper bound ``N / T`` (for any LR,
P(LR >= T | unrelated) <= 1/T; Good 1950, Royall 2000).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from homeward.kinship import simulate
from homeward.kinship.frequencies import FrequencyTable
from homeward.kinship.likelihood import relationship_lr
from homeward.kinship.model import KinshipModel, LocusModel, build_locus_models
from homeward.kinship.relationships import parse_relationship

QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)


def log10_lr_of_arrays(models: Sequence[LocusModel], relationship: str,
                       persons: Sequence[np.ndarray]) -> np.ndarray:
    """Combined log10 LR of many simulated comparisons; persons are (2, loci, n) arrays."""
    rel = parse_relationship(relationship)
    total = np.zeros(persons[0].shape[2])
    for locus, model in enumerate(models):
        genotypes = [(p[0, locus].astype(np.int64), p[1, locus].astype(np.int64))
                     for p in persons]
        third = genotypes[2] if len(genotypes) > 2 else None
        with np.errstate(divide="ignore", invalid="ignore"):
            lr, _ = relationship_lr(model, rel, genotypes[0], genotypes[1], third)
            total += np.log10(lr)
    return total


@dataclass(frozen=True)
class PowerResult:
    relationship: str
    loci: list[str]
    n_sims: int
    true_log10: np.ndarray
    unrelated_log10: np.ndarray
    threshold: float
    database_size: int
    seed: int

    @property
    def sensitivity(self) -> float:
        return float(np.mean(self.true_log10 >= np.log10(self.threshold)))

    @property
    def false_positive_rate(self) -> float:
        return float(np.mean(self.unrelated_log10 >= np.log10(self.threshold)))

    @property
    def expected_false_hits(self) -> float:
        return self.database_size * self.false_positive_rate

    @property
    def false_hits_upper_bound(self) -> float:
        return self.database_size / self.threshold

    def quantiles(self) -> dict[str, dict[str, float]]:
        return {
            "true": {f"q{int(q * 100):02d}": float(np.quantile(self.true_log10, q))
                     for q in QUANTILES},
            "unrelated": {f"q{int(q * 100):02d}": float(np.quantile(self.unrelated_log10, q))
                          for q in QUANTILES},
        }

    def to_dict(self) -> dict[str, object]:
        return {
            "relationship": self.relationship, "loci": self.loci, "n_sims": self.n_sims,
            "seed": self.seed, "threshold_lr": self.threshold,
            "database_size": self.database_size, "sensitivity": self.sensitivity,
            "false_positive_rate": self.false_positive_rate,
            "expected_false_hits": self.expected_false_hits,
            "false_hits_upper_bound": self.false_hits_upper_bound,
            "log10_lr_quantiles": self.quantiles(),
        }

    def plot(self, path: str | Path) -> Path:
        """Save overlaid histograms of log10 LR for true and unrelated comparisons."""
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        finite_true = self.true_log10[np.isfinite(self.true_log10)]
        finite_unrel = self.unrelated_log10[np.isfinite(self.unrelated_log10)]
        fig, ax = plt.subplots(figsize=(8, 4.5))
        bins = np.linspace(min(finite_true.min(), finite_unrel.min()),
                           max(finite_true.max(), finite_unrel.max()), 80)
        ax.hist(finite_unrel, bins=bins, alpha=0.6, label="unrelated", color="tab:gray")
        ax.hist(finite_true, bins=bins, alpha=0.6, label=self.relationship, color="tab:blue")
        ax.axvline(np.log10(self.threshold), color="tab:red", linestyle="--",
                   label=f"threshold LR {self.threshold:g}")
        ax.set_xlabel("log10 LR")
        ax.set_ylabel("simulations")
        ax.set_title(f"{self.relationship}, {len(self.loci)} loci, {self.n_sims:,} simulations")
        ax.legend()
        fig.tight_layout()
        path = Path(path)
        fig.savefig(path, dpi=110)
        plt.close(fig)
        return path


def lr_power(relationship: str, frequencies: FrequencyTable, loci: Sequence[str], *,
             n_sims: int = 10_000, seed: int = 1, model: KinshipModel | None = None,
             threshold: float = 10_000.0, database_size: int = 1_000_000) -> PowerResult:
    """Simulate true and unrelated comparisons and return their log10 LR distributions."""
    rel = parse_relationship(relationship)
    model = model or KinshipModel()
    models = list(build_locus_models(frequencies, model, list(loci)).values())
    rng = np.random.default_rng(seed)
    mutate = model.mutation is not None
    truth = simulate.related(rel.name, models, n_sims, rng, mutate=mutate)
    if rel.kind == "trio":
        unrelated = (truth[0], simulate.founders(models, n_sims, rng), truth[2])
    else:
        unrelated = tuple(simulate.founders(models, n_sims, rng) for _ in truth)
    return PowerResult(
        rel.name, [m.locus for m in models], n_sims,
        log10_lr_of_arrays(models, rel.name, truth),
        log10_lr_of_arrays(models, rel.name, unrelated),
        threshold, database_size, seed,
    )
