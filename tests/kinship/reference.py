"""A naive pedigree likelihood, written independently of homeward.kinship.likelihood.

It enumerates every ordered allele of every founder (jointly drawn with the
Balding-Nichols sampling formula) and every transmitted allele of every non-founder
(through the mutation matrix), and sums the probability of the states in which the typed
persons show their genotypes. Exponential, so only for small pedigrees and small allele
systems, which is what a reference is for (cf. tskit's naive statistics in its tests).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Member:
    name: str
    father: str | None = None
    mother: str | None = None


def pedigree_likelihood(members: list[Member], typed: dict[str, tuple[int, int]],
                        p: np.ndarray, theta: float = 0.0,
                        mutation: np.ndarray | None = None) -> float:
    """P(typed genotypes | pedigree), summed over all founder and transmitted alleles."""
    n = len(p)
    matrix = np.eye(n) if mutation is None else mutation
    founders = [m for m in members if m.father is None]
    others = [m for m in members if m.father is not None]

    def ordered_options(member: Member) -> list[tuple[int, int]]:
        if member.name in typed:
            a, b = typed[member.name]
            return [(a, b)] if a == b else [(a, b), (b, a)]
        return list(itertools.product(range(n), repeat=2))

    total = 0.0
    founder_choices = [ordered_options(f) for f in founders]
    for choice in itertools.product(*founder_choices):
        drawn: list[int] = []
        weight = 1.0
        for pair in choice:
            for allele in pair:
                k = len(drawn)
                b = drawn.count(allele)
                weight *= (b * theta + (1 - theta) * p[allele]) / (1 + (k - 1) * theta)
                drawn.append(allele)
        if weight == 0.0:
            continue
        alleles = {f.name: pair for f, pair in zip(founders, choice, strict=True)}
        total += weight * _children(others, alleles, matrix, ordered_options)
    return total


def _children(others: list[Member], alleles: dict[str, tuple[int, int]], matrix: np.ndarray,
              options) -> float:
    if not others:
        return 1.0
    child, rest = others[0], others[1:]
    father, mother = alleles[child.father], alleles[child.mother]
    total = 0.0
    for paternal, maternal in options(child):
        pf = 0.5 * (matrix[father[0], paternal] + matrix[father[1], paternal])
        pm = 0.5 * (matrix[mother[0], maternal] + matrix[mother[1], maternal])
        if pf * pm == 0.0:
            continue
        total += pf * pm * _children(rest, {**alleles, child.name: (paternal, maternal)},
                                     matrix, options)
    return total


def unrelated(*names: str) -> list[Member]:
    return [Member(n) for n in names]


def duo_pedigree() -> list[Member]:
    return [Member("parent"), Member("other"), Member("child", "parent", "other")]


def trio_alternative() -> list[Member]:
    """The known mother with an unknown man; the alleged father unrelated."""
    return [Member("alleged"), Member("known"), Member("true"),
            Member("child", "true", "known")]


def trio_pedigree() -> list[Member]:
    return [Member("alleged"), Member("known"), Member("child", "alleged", "known")]


def full_siblings() -> list[Member]:
    return [Member("fa"), Member("mo"), Member("x", "fa", "mo"), Member("y", "fa", "mo")]


def half_siblings() -> list[Member]:
    return [Member("fa"), Member("mo1"), Member("mo2"), Member("x", "fa", "mo1"),
            Member("y", "fa", "mo2")]


def grandparent() -> list[Member]:
    return [Member("x"), Member("sp1"), Member("par", "x", "sp1"), Member("sp2"),
            Member("y", "par", "sp2")]


def avuncular() -> list[Member]:
    return [Member("gf"), Member("gm"), Member("x", "gf", "gm"), Member("par", "gf", "gm"),
            Member("sp"), Member("y", "par", "sp")]


def first_cousins() -> list[Member]:
    return [Member("gf"), Member("gm"), Member("p1", "gf", "gm"), Member("p2", "gf", "gm"),
            Member("s1"), Member("s2"), Member("x", "p1", "s1"), Member("y", "p2", "s2")]
