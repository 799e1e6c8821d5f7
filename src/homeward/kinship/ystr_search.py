"""Search a boy's Y haplotype against a database of paternal relatives' haplotypes.

The Y-STR result is a *separate* signal beside the autosomal LR of
:mod:`homeward.kinship.search`: it says that a family's man belongs to the boy's paternal
lineage (as do his father, brothers, uncles, cousins and many distant men), not that he is
a given relative. Y and autosomes are inherited independently, so for a relationship that
specifies both a product of the two LRs can be justified, but it is never taken here:
:func:`beside_autosomal` puts the two figures side by side, and anyone who multiplies them
must say so.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from homeward.kinship.ystr import YHaplotype
from homeward.kinship.ystr_frequency import DEFAULT_METHOD, HaplotypeDatabase
from homeward.kinship.ystr_lineage import LineageLR, lineage_lr

SIGNAL = "paternal lineage (Y-STR)"


@dataclass(frozen=True)
class YHit:
    """One reference of the ranked list."""

    rank: int
    sample_id: str
    lr: float
    log10_lr: float | None
    mismatches: int
    steps: int
    loci_compared: int
    frequency: float
    frequency_method: str
    excluded: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "excluded": list(self.excluded)}


@dataclass(frozen=True)
class YSearchResult:
    query_id: str
    database_size: int
    generations: int | None
    hits: list[YHit]
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"signal": SIGNAL, "query": self.query_id, "database_size": self.database_size,
                "generations": self.generations, "hits": [h.to_dict() for h in self.hits],
                "params": self.params,
                "note": "a separate signal beside the autosomal LR; not multiplied with it"}


class YIndex:
    """The haplotypes of paternal relatives, ready to be searched with one boy's haplotype.

    :param references: the families' men (fathers, grandfathers, uncles ...).
    :param population: the population database that gives haplotype frequencies.
    """

    def __init__(self, references: Iterable[YHaplotype], population: HaplotypeDatabase) -> None:
        self.references = list(references)
        self.population = population
        for reference in self.references:
            population.check_markers(reference)

    def __len__(self) -> int:
        return len(self.references)

    def search(self, query: YHaplotype, *, generations: int | None = 2, k: int = 10,
               method: str = DEFAULT_METHOD, max_steps: int | None = None) -> YSearchResult:
        """Rank references by lineage LR (ties: fewer mismatches, then fewer steps).

        :param generations: meioses assumed between boy and relative (2: grandfather or
            brother; 3: uncle); ``None`` for exact matches only.
        :param max_steps: drop references more than this many steps away before scoring.
        """
        self.population.check_markers(query)
        scored: list[tuple[LineageLR, YHaplotype]] = []
        others = [r for r in self.references if r.sample_id != query.sample_id]
        for reference in others:
            result = lineage_lr(query, reference, self.population, generations=generations,
                                method=method)
            if max_steps is not None and (result.comparison.steps > max_steps
                                          or result.comparison.non_stepwise):
                continue
            scored.append((result, reference))
        scored.sort(key=lambda item: (-item[0].lr, item[0].comparison.mismatches,
                                      item[0].comparison.steps, item[1].sample_id))
        hits = [
            YHit(rank=i, sample_id=ref.sample_id, lr=res.lr,
                 log10_lr=None if res.lr == 0 else res.log10_lr,
                 mismatches=res.comparison.mismatches, steps=res.comparison.steps,
                 loci_compared=res.comparison.loci_compared, frequency=res.frequency.value,
                 frequency_method=res.frequency.method, excluded=tuple(res.excluded))
            for i, (res, ref) in enumerate(scored[:k], start=1)
        ]
        return YSearchResult(query.sample_id, len(others), generations, hits,
                             {"population": self.population.name,
                              "population_size": len(self.population),
                              "frequency_method": method, "max_steps": max_steps})


def beside_autosomal(y_result: YSearchResult,
                     autosomal_log10_lr: Mapping[str, float]) -> list[dict[str, Any]]:
    """The Y hits with each reference's autosomal log10 LR beside it, never multiplied.

    :param autosomal_log10_lr: reference sample id -> autosomal log10 LR (from
        :meth:`homeward.kinship.search.ProfileIndex.search`), where one was computed.
    """
    rows = []
    for hit in y_result.hits:
        autosomal = autosomal_log10_lr.get(hit.sample_id)
        rows.append({"reference": hit.sample_id, "y_log10_lr": hit.log10_lr,
                     "y_mismatches": hit.mismatches, "y_steps": hit.steps,
                     "autosomal_log10_lr": None if autosomal is None or math.isnan(autosomal)
                     else autosomal,
                     "combined": None,
                     "note": "two signals side by side; the product is not taken"})
    return rows
