"""The full-sibling index of GB/T 43641-2024 (formerly SF/T 0117-2021).

GB/T 43641-2024 *生物学全同胞关系鉴定技术规范* (issued 2024-03-15, in force 2024-07-01)
succeeds SF/T 0117-2021, which added to SF/Z JD0105002-2014 the full-sibling index
(全同胞关系指数, FSI; its clause 3.4), its per-locus computation for autosomal STRs and the
cumulative FSI (CFSI = the product over loci; clauses 4.3 and 4.4), beside the older
identity-by-state score (IBS, CIBS). The FSI is the likelihood ratio of "full siblings"
against "unrelated" with IBD coefficients (k0, k1, k2) = (1/4, 1/2, 1/4), no
subpopulation correction (Evett & Weir 1998; Weir, Anderson & Hepler 2006):

    FSI = 1/4 + 1/2 P(g1, g2 | IBD1) / P(g1, g2 | IBD0) + 1/4 P(g1, g2 | IBD2) / P(g1, g2 | IBD0)

so two homozygotes aa give 1/4 + 1/(2 p_a) + 1/(4 p_a^2).

**What is missing.** The thresholds of the conclusion (chapter 6 of SF/T 0117-2021 and the
corresponding clause of GB/T 43641-2024: the CFSI values that support or do not support a
full-sibling relationship, the CIBS thresholds and the number of loci they assume) could
not be read: only the title page, foreword and table of contents of SF/T 0117-2021 and a
summary of GB/T 43641-2024 were found offline. No threshold is therefore built in;
:func:`full_sibling_conclusion` takes them from the caller, who reads them from the
standard.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from homeward.kinship.errors import ModelError
from homeward.kinship.frequencies import FrequencyTable
from homeward.kinship.lr import kinship_lr
from homeward.kinship.model import KinshipModel
from homeward.kinship.profiles import Profile

GBT43641 = "GB/T 43641-2024"

SiblingConclusion = Literal["supports", "does-not-support", "inconclusive"]


@dataclass(frozen=True)
class FullSiblingIndex:
    """Per-locus FSI and the cumulative CFSI of two persons."""

    persons: tuple[str, str]
    per_locus: Mapping[str, float]
    skipped_loci: Mapping[str, str]

    @property
    def log10_cfsi(self) -> float:
        return sum(math.log10(v) for v in self.per_locus.values())

    @property
    def cfsi(self) -> float:
        log10 = self.log10_cfsi
        return math.inf if log10 > 308 else 10.0 ** log10


def full_sibling_index(person1: Profile, person2: Profile,
                       frequencies: FrequencyTable) -> FullSiblingIndex:
    """FSI per locus and CFSI (SF/T 0117-2021 clauses 4.3 and 4.4), theta 0."""
    result = kinship_lr((person1, person2), "full-siblings", frequencies,
                        model=KinshipModel())
    return FullSiblingIndex((person1.sample_id, person2.sample_id),
                            {locus: r.lr for locus, r in result.loci.items()},
                            dict(result.skipped_loci))


def full_sibling_conclusion(cfsi: float, *, supports_at: float,
                            does_not_support_at: float) -> SiblingConclusion:
    """Apply thresholds read from the standard (none are built in; see the module doc).

    :param supports_at: CFSI at or above which the relationship is supported.
    :param does_not_support_at: CFSI at or below which it is not supported.
    """
    if not 0 < does_not_support_at < supports_at:
        raise ModelError(f"thresholds must satisfy 0 < {does_not_support_at:g} < "
                         f"{supports_at:g}")
    if cfsi >= supports_at:
        return "supports"
    if cfsi <= does_not_support_at:
        return "does-not-support"
    return "inconclusive"
