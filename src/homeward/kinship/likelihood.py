"""Per-locus likelihood ratios, vectorised over arrays of allele codes.

Two families of formulas, both on the pedigree of each hypothesis with founders in
Hardy-Weinberg and linkage equilibrium and the Balding-Nichols sampling formula

    P(next allele = a | n drawn, b of them a) = (b theta + (1 - theta) p_a) / (1 + (n-1) theta)

applied jointly to founder alleles under both hypotheses (Balding & Nichols 1994; NRC II
1996, eq. 4.10; Evett & Weir 1998, ch. 7).

**IBD coefficients** (Evett & Weir 1998; Weir, Anderson & Hepler 2006): for two persons
with genotypes g1, g2 and relationship (k0, k1, k2),

    LR = k0 + k1 P(g1, g2 | IBD1) / P(g1, g2 | IBD0) + k2 P(g1, g2 | IBD2) / P(g1, g2 | IBD0)

where each IBD state's probability draws its 4, 3 or 2 distinct founder alleles jointly.

**Nuclear families with mutation** (duo, trio, couple): a parent of genotype {a, b}
passes allele x with probability t(x) = (M[a, x] + M[b, x]) / 2. An untyped parent passes
the allele of a founder drawn given the typed founder alleles S (|S| = s):

    t_u(x) = (theta * 2 * sum_{typed founders} t(x) + (1 - theta) (p M)[x]) / (1 + (s-1) theta)

so every formula below depends on a parent's genotype only through its *signature*
(t(c1), t(c2), n(c1), n(c2)) for the child's alleles c1 <= c2: the transmission
probabilities and allele counts. The search engine uses this to compress couple tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from homeward.kinship.model import LocusModel
from homeward.kinship.relationships import Relationship

FloatArray = np.ndarray


def _bn_step(model: LocusModel, allele: np.ndarray, already: np.ndarray | int,
             drawn: int) -> np.ndarray:
    """P(next founder allele = ``allele``) after ``drawn`` alleles, ``already`` equal to it."""
    theta = model.theta
    p = model.frequencies[allele]
    return (already * theta + (1.0 - theta) * p) / (1.0 + (drawn - 1) * theta)


def founder_sequence_probability(model: LocusModel, *alleles: np.ndarray) -> np.ndarray:
    """Joint probability of an ordered sequence of founder alleles (Balding-Nichols)."""
    result = np.ones(np.broadcast(*alleles).shape)
    for k, allele in enumerate(alleles):
        already = sum(((prev == allele).astype(np.int64) for prev in alleles[:k]),
                      start=np.zeros_like(allele))
        result = result * _bn_step(model, allele, already, k)
    return result


def _het_factor(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.where(a == b, 1.0, 2.0)


# --- IBD-coefficient relationships -------------------------------------------------

def ibd_state_probabilities(model: LocusModel, a1: np.ndarray, b1: np.ndarray,
                            a2: np.ndarray, b2: np.ndarray
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """P(g1, g2 | IBD = 0), P(g1, g2 | IBD = 1), P(g1, g2 | IBD = 2).

    Genotypes are unordered: {a1, b1} and {a2, b2}. IBD1 sums over the ways to write
    g1 = {z, w1} and g2 = {z, w2} with a shared founder allele z (Evett & Weir 1998,
    table 7.x; with theta, the three founder alleles are drawn jointly).
    """
    a1, b1, a2, b2 = np.broadcast_arrays(*(np.asarray(x) for x in (a1, b1, a2, b2)))
    het1, het2 = _het_factor(a1, b1), _het_factor(a2, b2)
    p0 = het1 * het2 * founder_sequence_probability(model, a1, b1, a2, b2)
    same = ((a1 == a2) & (b1 == b2)) | ((a1 == b2) & (b1 == a2))
    p2 = np.where(same, het1 * founder_sequence_probability(model, a1, b1), 0.0)
    p1 = np.zeros(a1.shape)
    decompositions1 = [(a1, b1, np.ones(a1.shape, bool)), (b1, a1, a1 != b1)]
    decompositions2 = [(a2, b2, np.ones(a2.shape, bool)), (b2, a2, a2 != b2)]
    for z1, w1, valid1 in decompositions1:
        for z2, w2, valid2 in decompositions2:
            ok = valid1 & valid2 & (z1 == z2)
            if ok.any():
                p1 = p1 + np.where(ok, founder_sequence_probability(model, z1, w1, w2), 0.0)
    return p0, p1, p2


def kappa_lr(model: LocusModel, kappa: tuple[float, float, float], a1: np.ndarray,
             b1: np.ndarray, a2: np.ndarray, b2: np.ndarray) -> np.ndarray:
    """LR of relationship (k0, k1, k2) versus unrelated for genotypes {a1,b1}, {a2,b2}."""
    k0, k1, k2 = kappa
    p0, p1, p2 = ibd_state_probabilities(model, a1, b1, a2, b2)
    return k0 + (k1 * p1 + k2 * p2) / p0


def kappa_excluded(kappa: tuple[float, float, float], a1: np.ndarray, b1: np.ndarray,
                   a2: np.ndarray, b2: np.ndarray) -> np.ndarray:
    """True where the relationship is impossible without mutation (LR = 0)."""
    k0, k1, k2 = kappa
    shares = (a1 == a2) | (a1 == b2) | (b1 == a2) | (b1 == b2)
    same = ((a1 == a2) & (b1 == b2)) | ((a1 == b2) & (b1 == a2))
    possible = (k0 > 0) | ((k1 > 0) & shares) | ((k2 > 0) & same)
    return ~np.asarray(possible)


# --- nuclear families (duo, trio, couple) --------------------------------------------

@dataclass(frozen=True)
class ParentSignature:
    """What a parent's genotype means for a child {c1, c2}, c1 <= c2 (arrays)."""

    t1: np.ndarray  # P(passes c1)
    t2: np.ndarray  # P(passes c2)
    n1: np.ndarray  # copies of c1 in the parent's genotype
    n2: np.ndarray  # copies of c2


def parent_signature(model: LocusModel, a: np.ndarray, b: np.ndarray, c1: np.ndarray,
                     c2: np.ndarray) -> ParentSignature:
    """Signature of parent genotype {a, b} for the child genotype {c1, c2}."""
    a, b, c1, c2 = np.broadcast_arrays(*(np.asarray(x) for x in (a, b, c1, c2)))
    return ParentSignature(
        t1=model.transmission(a, b, c1),
        t2=model.transmission(a, b, c2),
        n1=(a == c1).astype(np.int64) + (b == c1),
        n2=(a == c2).astype(np.int64) + (b == c2),
    )


def _child_probability(t1_from_x: np.ndarray, t2_from_x: np.ndarray, t1_from_y: np.ndarray,
                       t2_from_y: np.ndarray, homozygous: np.ndarray) -> np.ndarray:
    """P(child {c1, c2} | one parent passes with t_x, the other with t_y)."""
    het = t1_from_x * t2_from_y + t2_from_x * t1_from_y
    return np.where(homozygous, t1_from_x * t1_from_y, het)


def _untyped_transmission(model: LocusModel, allele: np.ndarray, typed_t_sum: np.ndarray,
                          n_typed_alleles: int) -> np.ndarray:
    """t_u(allele) for an untyped founder parent given typed founders (see module doc)."""
    theta = model.theta
    drift = model.drift_frequencies[allele]
    return (theta * 2.0 * typed_t_sum + (1.0 - theta) * drift) / (
        1.0 + (n_typed_alleles - 1) * theta)


def _conditional_child_founder(model: LocusModel, c1: np.ndarray, c2: np.ndarray,
                               n1_seen: np.ndarray, n2_seen: np.ndarray,
                               n_seen: int) -> np.ndarray:
    """P(child's genotype | child is a founder and ``n_seen`` founder alleles are known)."""
    homozygous = c1 == c2
    first = _bn_step(model, c1, n1_seen, n_seen)
    second = _bn_step(model, c2, n2_seen + homozygous, n_seen + 1)
    return np.where(homozygous, 1.0, 2.0) * first * second


def duo_lr_from_signature(model: LocusModel, c1: np.ndarray, c2: np.ndarray,
                          parent: ParentSignature) -> np.ndarray:
    """Paternity (maternity) index of a duo: alleged parent vs unrelated, other parent untyped.

    With theta = 0 and no mutation this is the classic PI, e.g. 1/(4 p_a) for child ab
    and parent ac, 1/p_a for both aa (Evett & Weir 1998, table 9.x; AABB).
    """
    homozygous = c1 == c2
    u1 = _untyped_transmission(model, c1, parent.t1, 2)
    u2 = _untyped_transmission(model, c2, parent.t2, 2)
    numerator = _child_probability(parent.t1, parent.t2, u1, u2, homozygous)
    denominator = _conditional_child_founder(model, c1, c2, parent.n1, parent.n2, 2)
    return numerator / denominator


def trio_lr_from_signatures(model: LocusModel, c1: np.ndarray, c2: np.ndarray,
                            alleged: ParentSignature, known: ParentSignature) -> np.ndarray:
    """Trio paternity index: alleged father vs unrelated man, the mother typed and undisputed."""
    homozygous = c1 == c2
    numerator = _child_probability(alleged.t1, alleged.t2, known.t1, known.t2, homozygous)
    u1 = _untyped_transmission(model, c1, alleged.t1 + known.t1, 4)
    u2 = _untyped_transmission(model, c2, alleged.t2 + known.t2, 4)
    denominator = _child_probability(u1, u2, known.t1, known.t2, homozygous)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1),
                        np.nan)


def couple_lr_from_signatures(model: LocusModel, c1: np.ndarray, c2: np.ndarray,
                              first: ParentSignature, second: ParentSignature) -> np.ndarray:
    """Both alleged parents vs the child unrelated to both (a couple searching for a child).

    With theta = 0 and no mutation, child ab of parents aa and bb gives 1/(2 p_a p_b).
    """
    homozygous = c1 == c2
    numerator = _child_probability(first.t1, first.t2, second.t1, second.t2, homozygous)
    denominator = _conditional_child_founder(model, c1, c2, first.n1 + second.n1,
                                             first.n2 + second.n2, 4)
    return numerator / denominator


def duo_excluded(parent: ParentSignature) -> np.ndarray:
    """No allele in common: impossible without mutation."""
    return (parent.n1 == 0) & (parent.n2 == 0)


def two_parent_excluded(c1: np.ndarray, c2: np.ndarray, first: ParentSignature,
                        second: ParentSignature) -> np.ndarray:
    """The child cannot take one allele from each parent without mutation."""
    homozygous = np.asarray(c1) == np.asarray(c2)
    het_ok = (first.n1 * second.n2 + first.n2 * second.n1) > 0
    hom_ok = (first.n1 * second.n1) > 0
    return ~np.where(homozygous, hom_ok, het_ok)


# --- one dispatcher for every relationship --------------------------------------------

Codes = tuple[np.ndarray, np.ndarray]


def relationship_lr(model: LocusModel, relationship: Relationship, child: Codes,
                    second: Codes, third: Codes | None = None
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Per-locus LR and exclusion flags for arrays of genotypes (allele-code pairs).

    ``child`` is person1 (for pairwise relationships simply the first person); ``third``
    is the known parent (``trio``) or the second alleged parent (``couple``), or ``None``
    where that person is not typed (the comparison is then a duo).
    """
    c1, c2 = (np.asarray(x) for x in child)
    if relationship.kind == "pairwise":
        kappa = relationship.kappa or (1.0, 0.0, 0.0)
        a, b = (np.asarray(x) for x in second)
        return kappa_lr(model, kappa, c1, c2, a, b), kappa_excluded(kappa, c1, c2, a, b)
    first_sig = parent_signature(model, second[0], second[1], c1, c2)
    if relationship.kind == "duo" or third is None:
        return duo_lr_from_signature(model, c1, c2, first_sig), duo_excluded(first_sig)
    other_sig = parent_signature(model, third[0], third[1], c1, c2)
    excluded = two_parent_excluded(c1, c2, first_sig, other_sig)
    if relationship.kind == "trio":
        return trio_lr_from_signatures(model, c1, c2, first_sig, other_sig), excluded
    return couple_lr_from_signatures(model, c1, c2, first_sig, other_sig), excluded
