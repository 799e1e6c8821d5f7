"""The most probable joint assignments of rescued children to missing children.

The joint hypothesis is a set of *options*, each one move of the evidence: a child placed
as one missing child, several children placed at once in one family (their joint pedigree
LR), or two children full siblings of each other in a family that is not here. An option
has a log10 score (log10 LR plus log10 prior weight, against "all unrelated, no one
here", whose score is 0); a joint assignment uses each child, each missing child and each
multi-missing family at most once, and never splits a strong sibling pair between two
families. Its score is the sum of its options' scores (families are independent given the
assignment), and its posterior is proportional to 10 ** score (as in dvir's ``jointDVI``,
Vigeland & Egeland 2021, where the assignments are enumerated).

Enumeration does not scale (dvir caps it at about 1e5 assignments), so the problem is cut
into connected components (children and missing children linked by an option); a small
component is enumerated exhaustively, which gives its exact best assignments and
posteriors; a large one is solved as an integer program (HiGHS through
``scipy.optimize.milp``), whose optimum is exact, and its next best assignments come from
re-solving with each found one excluded (a no-good cut), so its posteriors are summed over
those ``k_best`` assignments only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

ENUMERATION_LIMIT = 20_000


@dataclass(frozen=True)
class Option:
    """One move: ``children[i]`` placed as ``missing[i]`` (empty: siblings not here)."""

    children: tuple[int, ...]
    missing: tuple[int, ...]
    family: int | None  # a family with several missing children: one option at most
    score: float  # log10 LR + log10 prior
    log10_lr: float

    @property
    def placements(self) -> list[tuple[int, int]]:
        """(child, missing) pairs; none for a sibling pair whose family is not here."""
        return list(zip(self.children, self.missing, strict=False)) if self.missing else []


@dataclass
class Solution:
    """Assignments of one component, best first, with their scores."""

    children: list[int]
    assignments: list[tuple[float, tuple[int, ...]]]  # (score, option indices)
    exact: bool
    method: str
    posteriors: dict[tuple[int, int], float] = field(default_factory=dict)


def _feasible(chosen: Sequence[Option], strong_pairs: set[tuple[int, int]],
              family_of: Sequence[int]) -> bool:
    placed: dict[int, int] = {}
    for option in chosen:
        for c, m in option.placements:
            placed[c] = family_of[m]
    for c1, c2 in strong_pairs:
        if c1 in placed and c2 in placed and placed[c1] != placed[c2]:
            return False
    return True


def components(n_children: int, options: Sequence[Option],
               strong_pairs: set[tuple[int, int]]) -> list[tuple[list[int], list[int]]]:
    """Connected (children, option indices) groups; options sharing nothing are apart."""
    parent = list(range(n_children))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    owner: dict[tuple[str, int], int] = {}
    for option in options:
        first = option.children[0]
        for c in option.children[1:]:
            union(first, c)
        keys = [("m", m) for m in option.missing]
        if option.family is not None:
            keys.append(("f", option.family))
        for key in keys:
            if key in owner:
                union(first, owner[key])
            else:
                owner[key] = first
    for c1, c2 in strong_pairs:
        union(c1, c2)
    groups: dict[int, tuple[list[int], list[int]]] = {}
    for c in range(n_children):
        groups.setdefault(find(c), ([], []))[0].append(c)
    for k, option in enumerate(options):
        groups[find(option.children[0])][1].append(k)
    return list(groups.values())


def enumerate_component(children: list[int], option_ids: list[int], options: Sequence[Option],
                        strong_pairs: set[tuple[int, int]], family_of: Sequence[int],
                        limit: int = ENUMERATION_LIMIT
                        ) -> list[tuple[float, tuple[int, ...]]] | None:
    """Every feasible assignment of a component, best first; ``None`` beyond ``limit``."""
    by_first: dict[int, list[int]] = {c: [] for c in children}
    for k in option_ids:
        by_first[min(options[k].children)].append(k)
    order = sorted(children)
    out: list[tuple[float, tuple[int, ...]]] = []
    pairs = {p for p in strong_pairs if p[0] in by_first}

    def walk(i: int, used_c: set[int], used_m: set[int], used_f: set[int],
             chosen: list[int], score: float) -> bool:
        if len(out) > limit:
            return False
        if i == len(order):
            if _feasible([options[k] for k in chosen], pairs, family_of):
                out.append((score, tuple(chosen)))
            return True
        c = order[i]
        if c in used_c:
            return walk(i + 1, used_c, used_m, used_f, chosen, score)
        if not walk(i + 1, used_c, used_m, used_f, chosen, score):
            return False
        for k in by_first[c]:
            option = options[k]
            if (used_c.intersection(option.children) or used_m.intersection(option.missing)
                    or (option.family is not None and option.family in used_f)):
                continue
            fam = {option.family} if option.family is not None else set()
            if not walk(i + 1, used_c | set(option.children), used_m | set(option.missing),
                        used_f | fam, [*chosen, k], score + option.score):
                return False
        return True

    if not walk(0, set(), set(), set(), [], 0.0):
        return None
    out.sort(key=lambda item: (-item[0], item[1]))
    return out


def milp_component(children: list[int], option_ids: list[int], options: Sequence[Option],
                   strong_pairs: set[tuple[int, int]], family_of: Sequence[int],
                   k_best: int) -> list[tuple[float, tuple[int, ...]]]:
    """The ``k_best`` best assignments by integer programming with no-good cuts."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    n = len(option_ids)
    if n == 0:
        return [(0.0, ())]
    scores = np.array([options[k].score for k in option_ids])
    rows: list[np.ndarray] = []
    uppers: list[float] = []
    resources: dict[tuple[str, int], list[int]] = {}
    for j, k in enumerate(option_ids):
        option = options[k]
        for c in option.children:
            resources.setdefault(("c", c), []).append(j)
        for m in option.missing:
            resources.setdefault(("m", m), []).append(j)
        if option.family is not None:
            resources.setdefault(("f", option.family), []).append(j)
    for members in resources.values():
        row = np.zeros(n)
        row[list(dict.fromkeys(members))] = 1.0
        rows.append(row)
        uppers.append(1.0)
    for c1, c2 in strong_pairs:
        if c1 not in children:
            continue
        families = {family_of[m] for k in option_ids for m in options[k].missing}
        for fam in families:
            row = np.zeros(n)
            for j, k in enumerate(option_ids):
                option = options[k]
                for c, m in option.placements:
                    if (c == c1 and family_of[m] == fam) or (c == c2 and family_of[m] != fam):
                        row[j] = 1.0
            rows.append(row)
            uppers.append(1.0)
    found: list[tuple[float, tuple[int, ...]]] = []
    for _ in range(k_best):
        matrix = np.array(rows) if rows else np.zeros((1, n))
        ub = np.array(uppers) if uppers else np.ones(1)
        result = milp(-scores, integrality=np.ones(n), bounds=Bounds(0, 1),
                      constraints=LinearConstraint(matrix, -np.inf, ub))
        if result.x is None:
            break
        chosen = tuple(sorted(option_ids[j] for j in np.nonzero(result.x > 0.5)[0]))
        found.append((float(sum(options[k].score for k in chosen)), chosen))
        cut = np.where(result.x > 0.5, 1.0, -1.0)
        rows.append(cut)
        uppers.append(float(len(chosen)) - 1.0)
    return found


def solve(n_children: int, options: Sequence[Option], family_of: Sequence[int],
          strong_pairs: set[tuple[int, int]], *, k_best: int = 50,
          limit: int = ENUMERATION_LIMIT, force_milp: bool = False) -> list[Solution]:
    """Best assignments and pair posteriors, component by component."""
    solutions = []
    for children, option_ids in components(n_children, options, strong_pairs):
        listed = None if force_milp else enumerate_component(
            children, option_ids, options, strong_pairs, family_of, limit)
        if listed is not None:
            solution = Solution(children, listed, True, "exhaustive enumeration")
        else:
            solution = Solution(children, milp_component(children, option_ids, options,
                                                         strong_pairs, family_of, k_best),
                                False, f"integer program (HiGHS), {k_best} best")
        solution.posteriors = _posteriors(solution.assignments, options)
        solutions.append(solution)
    return solutions


def _posteriors(assignments: list[tuple[float, tuple[int, ...]]], options: Sequence[Option]
                ) -> dict[tuple[int, int], float]:
    if not assignments:
        return {}
    scores = np.array([s for s, _ in assignments])
    weights = 10.0 ** (scores - scores.max())
    weights /= weights.sum()
    out: dict[tuple[int, int], float] = {}
    for weight, (_, chosen) in zip(weights, assignments, strict=True):
        for k in chosen:
            for c, m in options[k].placements:
                out[(c, m)] = out.get((c, m), 0.0) + float(weight)
    return out
