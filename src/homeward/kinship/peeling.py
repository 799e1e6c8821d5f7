"""Exact likelihood of one locus on any pedigree, by variable elimination.

Every person has two allele variables, paternal and maternal. The joint probability of
all of them is a product of small factors:

* founders: their alleles are drawn from the founder weights ``w`` (Hardy-Weinberg, each
  allele independently) or, with theta > 0, jointly with the Balding-Nichols sampling
  formula over all founder alleles (Balding & Nichols 1994; the convention of
  ``homeward.kinship.likelihood`` and of pedprobr's ``likelihood(theta = )``);
* each meiosis: ``T[a, b, x] = (M[a, x] + M[b, x]) / 2``, the probability that a parent with
  alleles (a, b) passes x, the mutation matrix ``M`` applied on every meiosis (pedmut;
  identity without mutation);
* each typed person: 1 where the unordered pair of its two allele variables is its
  genotype, else 0.

Summing the product over every variable not asked for is a tensor contraction;
opt_einsum finds an elimination order (the Elston-Stewart peeling order on pedigrees
without loops, Elston & Stewart 1971; a junction-tree order with loops), and the order is
cached per pedigree shape. With theta > 0 the founders form one joint factor, which is
exact but grows as ``n ** (2 * founders)``, so callers lump alleles first.

Everything here works on integer indices; :mod:`homeward.kinship.missing` builds them from
pedigrees and profiles.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import opt_einsum as oe

from homeward.kinship.errors import ModelError

MAX_FOUNDER_TENSOR = 2 ** 24  # elements of the joint founder factor under theta
MAX_VARIABLES = 104  # two allele variables per person


@dataclass(frozen=True)
class AlleleSystem:
    """The alleles of one computation: founder weights, mutation matrix and theta."""

    weights: np.ndarray
    matrix: np.ndarray | None
    theta: float

    @property
    def n(self) -> int:
        return len(self.weights)


Structure = tuple[tuple[int, int] | None, ...]  # per person: (father, mother) or None


def transmission_tensor(system: AlleleSystem) -> np.ndarray:
    """``T[a, b, x]``: P(a parent with alleles a, b passes x), mutation included."""
    n = system.n
    matrix = np.eye(n) if system.matrix is None else system.matrix
    return 0.5 * (matrix[:, np.newaxis, :] + matrix[np.newaxis, :, :])


def evidence_matrix(n: int, a: int, b: int) -> np.ndarray:
    """1 on the ordered pairs (a, b) and (b, a)."""
    e = np.zeros((n, n))
    e[a, b] = 1.0
    e[b, a] = 1.0
    return e


def founder_joint(system: AlleleSystem, k: int) -> np.ndarray:
    """Balding-Nichols joint probability of ``k`` ordered founder alleles, shape n**k.

    Step j (0-based) draws allele a with (b theta + (1 - theta) w_a) / (1 + (j - 1) theta),
    b the number of earlier draws equal to a (NRC II 1996, eq. 4.10).
    """
    n, theta = system.n, system.theta
    if n ** k > MAX_FOUNDER_TENSOR:
        raise ModelError(
            f"theta on this pedigree needs {n}^{k} founder-allele states; too many for "
            "exact enumeration: use theta 0 or fewer untyped founders")
    grids = [np.arange(n).reshape([n if d == j else 1 for d in range(k)]) for j in range(k)]
    result = np.ones([n] * k)
    for j in range(k):
        count = sum(((grids[i] == grids[j]).astype(np.float64) for i in range(j)),
                    start=np.zeros([1] * k))
        result = result * ((count * theta + (1.0 - theta) * system.weights[grids[j]])
                           / (1.0 + (j - 1) * theta))
    return result


@lru_cache(maxsize=4096)
def _expression(subscripts: tuple[tuple[int, ...], ...], output: tuple[int, ...],
                sizes: tuple[int, ...]):
    """A compiled contraction (opt_einsum), one per pedigree shape and allele count."""
    variables = sorted({v for sub in subscripts for v in sub} | set(output))
    letters = {v: oe.get_symbol(k) for k, v in enumerate(variables)}
    text = ",".join("".join(letters[v] for v in sub) for sub in subscripts)
    text += "->" + "".join(letters[v] for v in output)
    shapes = [tuple(sizes[v] for v in sub) for sub in subscripts]
    return oe.contract_expression(text, *shapes, optimize="greedy")


def contract(structure: Structure, evidence: Mapping[int, tuple[int, int]],
             system: AlleleSystem, query: int | None = None) -> np.ndarray:
    """P(evidence) summed over all other allele variables.

    :param structure: per person, ``(father, mother)`` indices or ``None`` for a founder;
        parents come before children.
    :param evidence: person -> allele indices (a, b) of its genotype.
    :param query: a person whose (paternal, maternal) alleles stay free: the result is
        then the n x n matrix P(evidence, pat = x, mat = y).
    """
    if 2 * len(structure) > MAX_VARIABLES:
        raise ModelError(f"a pedigree of {len(structure)} persons is too large here "
                         f"(at most {MAX_VARIABLES // 2} after trimming)")
    n = system.n
    operands: list[np.ndarray] = []
    subscripts: list[tuple[int, ...]] = []
    founders = [i for i, parents in enumerate(structure) if parents is None]
    if system.theta > 0.0:
        founder_vars = tuple(v for i in founders for v in (2 * i, 2 * i + 1))
        operands.append(founder_joint(system, len(founder_vars)))
        subscripts.append(founder_vars)
    else:
        for i in founders:
            operands += [system.weights, system.weights]
            subscripts += [(2 * i,), (2 * i + 1,)]
    t = transmission_tensor(system)
    for i, parents in enumerate(structure):
        if parents is None:
            continue
        father, mother = parents
        operands += [t, t]
        subscripts += [(2 * father, 2 * father + 1, 2 * i), (2 * mother, 2 * mother + 1,
                                                              2 * i + 1)]
    for i, (a, b) in evidence.items():
        operands.append(evidence_matrix(n, a, b))
        subscripts.append((2 * i, 2 * i + 1))
    output = () if query is None else (2 * query, 2 * query + 1)
    sizes = tuple([n] * (2 * len(structure)))
    return _expression(tuple(subscripts), output, sizes)(*operands)


def structure_of(ids: Sequence[str], parents: Mapping[str, tuple[str, str] | None]
                 ) -> Structure:
    """Index form of a pedigree whose ``ids`` are in parents-first order."""
    index = {pid: k for k, pid in enumerate(ids)}
    out: list[tuple[int, int] | None] = []
    for pid in ids:
        pair = parents[pid]
        out.append(None if pair is None else (index[pair[0]], index[pair[1]]))
    return tuple(out)


def contract_batch(structure: Structure, typed: Sequence[int], evidence: np.ndarray,
                   weights: np.ndarray, query: int) -> np.ndarray:
    """:func:`contract` for many families of one pedigree shape at once (theta 0).

    The families share the structure, the typed persons and the transmission tensor (no
    mutation: ``T[a, b, x] = ([a = x] + [b = x]) / 2``); each has its own founder weights
    and genotypes, so the batch is one more index of the same einsum.

    :param typed: the persons carrying evidence, in the order of ``evidence``'s axis 1.
    :param evidence: shape (families, len(typed), n, n), 0/1 genotype matrices.
    :param weights: shape (families, n), the founder allele weights of each family.
    :returns: shape (families, n, n): P(evidence, pat = x, mat = y) of ``query``.
    """
    if 2 * len(structure) > MAX_VARIABLES:
        raise ModelError(f"a pedigree of {len(structure)} persons is too large here "
                         f"(at most {MAX_VARIABLES // 2} after trimming)")
    families, n = weights.shape
    batch = 2 * len(structure)
    operands: list[np.ndarray] = []
    subscripts: list[tuple[int, ...]] = []
    t = transmission_tensor(AlleleSystem(np.ones(n), None, 0.0))
    for i, parents in enumerate(structure):
        if parents is None:
            operands += [weights, weights]
            subscripts += [(batch, 2 * i), (batch, 2 * i + 1)]
            continue
        father, mother = parents
        operands += [t, t]
        subscripts += [(2 * father, 2 * father + 1, 2 * i), (2 * mother, 2 * mother + 1,
                                                              2 * i + 1)]
    for k, i in enumerate(typed):
        operands.append(evidence[:, k])
        subscripts.append((batch, 2 * i, 2 * i + 1))
    sizes = tuple([n] * batch + [families])
    output = (batch, 2 * query, 2 * query + 1)
    return _expression(tuple(subscripts), output, sizes)(*operands)
