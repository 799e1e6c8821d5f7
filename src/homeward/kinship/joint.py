"""Joint identification of many rescued children against many families (a DVI problem).

The steps follow dvir (Vigeland & Egeland 2021, "DNA-based identification of multiple
victims", and dvir's ``jointDVI``/``dviSolve``), scaled to mass rescues:

1. *Pairwise LRs*: for each missing child m of each family, the log10 LR of every child
   being m against unrelated, from the family's pedigree
   (:func:`homeward.kinship.missing_batch.log10_lr_columns`: per locus, all families of
   one pedigree shape in one batched contraction, equal to
   :func:`homeward.kinship.missing.poi_genotype_lrs` family by family).
2. *Prior weights* (log10, against "no one here";
   :class:`homeward.kinship.joint_prior.PriorSettings`): sex must agree; the age at rescue
   against the age at disappearance plus the time since; the place and date a child
   vanished against the source areas and active period of the ring that held the rescued
   children (likelihood ratios against the shares of the missing children at large).
3. *Undisputed identifications* (dviSolve): LR above the threshold and at least
   ``dominance`` times every other LR of that child and that missing child (and "no one
   here", LR 1). Each is fixed, the child joins its family as a typed relative, the
   family's other tables are recomputed, and the search repeats.
4. *Joint assignment* of the rest (:mod:`homeward.kinship.assignment`): options are
   single placements, joint placements of several children in one family (their joint
   pedigree LR, which counts their shared alleles) and full-sibling pairs of children
   whose family is not here (their full-sibling LR); strong sibling pairs (LR above the
   threshold) never go to two different families.

Options scoring below ``prune_log10`` (default -3) are left out. A single placement with
score <= 0 never improves the best assignment (leaving the child unassigned scores 0 and
every constraint stays met), so the best assignment is exact; posteriors ignore options
that weigh less than 10 ** prune_log10 against leaving the child unassigned.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from homeward.kinship.assignment import Option, Solution, solve
from homeward.kinship.errors import InputError
from homeward.kinship.families import Family, MissingChild
from homeward.kinship.frequencies import FrequencyTable
from homeward.kinship.joint_prior import PriorSettings, RingContext
from homeward.kinship.likelihood import kappa_lr
from homeward.kinship.missing import _lumpable, missing_persons_lr
from homeward.kinship.missing_batch import FamilyQuery, log10_lr_columns
from homeward.kinship.model import KinshipModel, LocusModel
from homeward.kinship.pedigree import Sex
from homeward.kinship.profiles import Profile
from homeward.kinship.relationships import FULL_SIBLINGS


@dataclass(frozen=True)
class RescuedChild:
    id: str
    profile: Profile
    sex: Sex | None = None
    age_years: float | None = None


@dataclass(frozen=True)
class Identification:
    child: str
    family: str
    missing: str
    log10_lr: float  # the pair's LR given its pedigree
    posterior: float
    log10_lr_given_rest: float


@dataclass
class JointResult:
    assignments: list[Identification]
    unassigned_children: list[str]
    undisputed: list[Identification]
    joint_log10_lr: float
    method: str
    prior: dict[str, object]
    sibling_groups: list[tuple[str, str, float]] = field(default_factory=list)
    timings_s: dict[str, float] = field(default_factory=dict)  # seconds per step

    def to_dict(self) -> dict[str, object]:
        """The ``--json`` document of ``homeward kinship identify`` (its contract)."""
        return {
            "assignments": [{"child": a.child, "family": a.family, "missing": a.missing,
                             "log10_lr": _finite(a.log10_lr), "posterior": a.posterior,
                             "log10_lr_given_rest": _finite(a.log10_lr_given_rest)}
                            for a in self.assignments],
            "unassigned_children": self.unassigned_children,
            "undisputed": [{"child": u.child, "missing": u.missing,
                            "log10_lr": _finite(u.log10_lr)} for u in self.undisputed],
            "joint_log10_lr": _finite(self.joint_log10_lr),
            "method": self.method,
            "prior": self.prior,
            "sibling_pairs": [{"children": [a, b], "log10_lr": v}
                              for a, b, v in self.sibling_groups],
        }


def _finite(value: float) -> float | None:
    return None if value == -math.inf else value


@dataclass
class _Slot:
    family: int
    child: MissingChild


class _Problem:
    """Pairwise tables and LR matrix for the children still unassigned."""

    def __init__(self, children: Sequence[RescuedChild], families: Sequence[Family],
                 typed: Mapping[str, dict[str, Profile]], frequencies: FrequencyTable,
                 model: KinshipModel) -> None:
        self.children = list(children)
        self.families = list(families)
        self.typed = {f.id: dict(typed.get(f.id, {})) for f in families}
        self.model = model
        persons = [c.profile for c in children] + [p for f in self.typed.values()
                                                   for p in f.values()]
        observed: dict[str, set[str]] = {}
        for p in persons:
            for locus in p.str_loci:
                observed.setdefault(locus, set()).update(p.genotypes[locus])
        self.table = frequencies.with_alleles(observed)
        self.loci = [locus for locus in observed if locus in self.table]
        self.models = {locus: LocusModel.build(self.table[locus], model) for locus in self.loci}
        self.alleles = np.full((2, len(children), len(self.loci)), -1, dtype=np.int64)
        for i, c in enumerate(children):
            for j, locus in enumerate(self.loci):
                g = c.profile.genotypes.get(locus)
                if g is not None:
                    a, b = self.models[locus].encode(g)
                    self.alleles[:, i, j] = (a, b)
        self.slots = [_Slot(k, m) for k, f in enumerate(families) for m in f.missing]
        self.matrix = np.zeros((len(children), len(self.slots)))
        self.refresh(range(len(families)))

    def sibling_matrix(self) -> np.ndarray:
        """log10 full-sibling LR of every pair of children (closed form, theta applied)."""
        n = len(self.children)
        total = np.zeros((n, n))
        for j, locus in enumerate(self.loci):
            a, b = self.alleles[0, :, j], self.alleles[1, :, j]
            typed = a >= 0
            both = typed[:, np.newaxis] & typed[np.newaxis, :]
            a0, b0 = np.where(typed, a, 0), np.where(typed, b, 0)
            lr = kappa_lr(self.models[locus], FULL_SIBLINGS, a0[:, np.newaxis],
                          b0[:, np.newaxis], a0[np.newaxis, :], b0[np.newaxis, :])
            with np.errstate(divide="ignore"):
                total += np.where(both, np.log10(lr), 0.0)
        return total

    def refresh(self, families: Iterable[int]) -> None:
        """(Re)compute the pairwise log10 LRs of these families' missing children, all
        families of one pedigree shape at once (:mod:`homeward.kinship.missing_batch`)."""
        wanted = set(families)
        columns: list[int] = []
        queries: list[FamilyQuery] = []
        for s, slot in enumerate(self.slots):
            if slot.family not in wanted:
                continue
            fam = self.families[slot.family]
            typed = self.typed[fam.id]
            if slot.child.person in typed:
                self.matrix[:, s] = -math.inf
                continue
            columns.append(s)
            queries.append(FamilyQuery(fam.pedigree, slot.child.person, typed))
        if columns:
            self.matrix[:, columns] = log10_lr_columns(
                queries, self.loci, self.models, self.alleles, lumpable=_lumpable(self.model))


def _check_inputs(children: Sequence[RescuedChild], families: Sequence[Family],
                  typed: Mapping[str, Mapping[str, Profile]]) -> None:
    seen: set[str] = set()
    for child in children:
        if child.id in seen:
            raise InputError("rescued child appears twice", sample=child.id)
        seen.add(child.id)
        if not child.profile.str_loci:
            raise InputError("rescued child has no genotype at any STR locus",
                             sample=child.id)
    for fam in families:
        relatives = typed.get(fam.id, {})
        if not relatives:
            raise InputError(f"family {fam.id!r} has no typed relative in the references")
        missing = {m.person for m in fam.missing}
        for pid, profile in relatives.items():
            if pid not in fam.pedigree:
                raise InputError(f"reference is not a person of family {fam.id!r}",
                                 sample=pid)
            if pid in missing:
                raise InputError(f"reference profile given for a missing child of family "
                                 f"{fam.id!r}", sample=pid)
            if not profile.str_loci:
                raise InputError("relative has no genotype at any STR locus", sample=pid)


def find_undisputed(matrix: np.ndarray, log10_threshold: float, log10_dominance: float,
                    slot_family: Sequence[int]) -> list[tuple[int, int]]:
    """dviSolve's undisputed pairs: over the threshold, dominating row, column and 1.

    At most one per family per round, so that each fixed LR is conditional on the ones
    fixed before it (the chain rule gives the joint LR).
    """
    found: dict[int, tuple[float, int, int]] = {}
    for c, s in zip(*np.nonzero(matrix >= log10_threshold), strict=True):
        value = matrix[c, s]
        row = np.delete(matrix[c], s)
        col = np.delete(matrix[:, s], c)
        rival = max([0.0, *row.tolist(), *col.tolist()])
        if value >= rival + log10_dominance:
            fam = slot_family[s]
            if fam not in found or found[fam][0] < value:
                found[fam] = (float(value), int(c), int(s))
    return [(c, s) for _, c, s in sorted(found.values(), reverse=True)]


def identify(children: Sequence[RescuedChild], families: Sequence[Family],
             typed: Mapping[str, Mapping[str, Profile]], frequencies: FrequencyTable, *,
             model: KinshipModel | None = None, threshold: float,
             dominance: float | None = None, prior: PriorSettings | None = None,
             prune_log10: float = -3.0, k_best: int = 50, force_milp: bool = False,
             siblings: bool = True) -> JointResult:
    """Most probable joint assignment of ``children`` to the families' missing children.

    :param typed: family id -> person id -> profile of each typed relative.
    :param threshold: the LR an identification must exceed to be proposed (and to be
        undisputed; ``math.inf`` turns the undisputed step off).
    :param dominance: the factor an undisputed LR must beat every alternative by
        (default: ``threshold``).
    :param prior: the case-data prior; shares of the ring's areas and period it lacks are
        counted over these families' missing children
        (:meth:`PriorSettings.with_base_rates`), and the result prints the prior used.
    """
    model = model or KinshipModel()
    prior = (prior or PriorSettings()).with_base_rates(m for f in families for m in f.missing)
    _check_inputs(children, families, typed)
    started = time.perf_counter()
    problem = _Problem(children, families, {k: dict(v) for k, v in typed.items()},
                       frequencies, model)
    log10_t = math.log10(threshold) if threshold > 0 else -math.inf
    log10_d = math.log10(dominance if dominance is not None else threshold) \
        if threshold != math.inf else math.inf
    ring = np.array([prior.ring_log10(slot.child) for slot in problem.slots])
    weights = np.array([[prior.pair_log10(c, slot.child) for slot in problem.slots]
                        for c in children]).reshape(len(children), len(problem.slots)) + ring
    undisputed: list[Identification] = []
    fixed_children: set[int] = set()
    fixed_slots: set[int] = set()
    while log10_t != math.inf:
        live = problem.matrix + np.where(np.isfinite(weights), 0.0, -np.inf)
        live[list(fixed_children), :] = -np.inf
        live[:, list(fixed_slots)] = -np.inf
        pairs = find_undisputed(live, log10_t, log10_d, [s.family for s in problem.slots])
        if not pairs:
            break
        for c, s in pairs:
            slot = problem.slots[s]
            value = float(problem.matrix[c, s])
            score = value + weights[c, s]
            rivals = [live[c, t] + weights[c, t] for t in range(live.shape[1]) if t != s]
            rivals += [live[d, s] + weights[d, s] for d in range(live.shape[0]) if d != c]
            rest = sum(10.0 ** (r - score) for r in rivals if np.isfinite(r))
            posterior = 1.0 / (1.0 + 10.0 ** (-score) + rest)
            fam = problem.families[slot.family]
            undisputed.append(Identification(children[c].id, fam.id, slot.child.person,
                                              value, posterior, value))
            fixed_children.add(c)
            fixed_slots.add(s)
            problem.typed[fam.id][slot.child.person] = children[c].profile
        problem.refresh(problem.slots[s].family for _, s in pairs)
    tables_done = time.perf_counter()
    solutions, options, strong, sib = _joint(problem, weights, fixed_children, fixed_slots,
                                             log10_t, prune_log10, k_best, force_milp,
                                             siblings)
    result = _result(problem, solutions, options, undisputed, strong, sib, prior, log10_t)
    result.timings_s = {"pairwise_tables_and_undisputed": tables_done - started,
                        "assignment": time.perf_counter() - tables_done}
    return result


def _joint(problem: _Problem, weights: np.ndarray, fixed_children: set[int],
           fixed_slots: set[int], log10_t: float, prune: float, k_best: int,
           force_milp: bool, siblings: bool):
    n_c = len(problem.children)
    scores = problem.matrix + weights
    options: list[Option] = []
    by_family: dict[int, list[int]] = {}
    for s, slot in enumerate(problem.slots):
        by_family.setdefault(slot.family, []).append(s)
    for fam_index, slots in by_family.items():
        slots = [s for s in slots if s not in fixed_slots]
        multi = len(slots) > 1
        candidates = {s: [c for c in range(n_c) if c not in fixed_children
                          and scores[c, s] > prune] for s in slots}
        for s in slots:
            for c in candidates[s]:
                if scores[c, s] > prune:
                    options.append(Option((c,), (s,), fam_index if multi else None,
                                          float(scores[c, s]), float(problem.matrix[c, s])))
        if multi:
            options += _family_options(problem, fam_index, slots, candidates, weights)
    strong: set[tuple[int, int]] = set()
    sib: list[tuple[int, int, float]] = []
    if siblings:
        free = [c for c in range(n_c) if c not in fixed_children]
        matrix = problem.sibling_matrix()
        for c1, c2 in itertools.combinations(free, 2):
            value = float(matrix[c1, c2])
            if value > 0.0:
                sib.append((c1, c2, value))
                options.append(Option((c1, c2), (), None, value, value))
            if value >= log10_t:
                strong.add((c1, c2))
    family_of = [slot.family for slot in problem.slots]
    solutions = solve(n_c, options, family_of, strong, k_best=k_best, force_milp=force_milp)
    return solutions, options, strong, sib


def _family_options(problem: _Problem, fam_index: int, slots: list[int],
                    candidates: Mapping[int, list[int]], weights: np.ndarray) -> list[Option]:
    """Joint placements of two or more children in one family, scored on its pedigree."""
    fam = problem.families[fam_index]
    typed = problem.typed[fam.id]
    out = []
    for size in range(2, len(slots) + 1):
        for chosen_slots in itertools.combinations(slots, size):
            pools = [candidates[s] for s in chosen_slots]
            for kids in itertools.product(*pools):
                if len(set(kids)) < size:
                    continue
                placements = {problem.slots[s].child.person: problem.children[c].profile
                              for s, c in zip(chosen_slots, kids, strict=True)}
                value = missing_persons_lr(fam.pedigree, placements, typed, problem.table,
                                           problem.model).log10_lr
                prior = sum(weights[c, s] for s, c in zip(chosen_slots, kids, strict=True))
                if value + prior > -math.inf:
                    out.append(Option(tuple(kids), tuple(chosen_slots), fam_index,
                                      float(value + prior), float(value)))
    return out


def _result(problem: _Problem, solutions: list[Solution], options: list[Option],
            undisputed: list[Identification], strong, sib, prior: PriorSettings,
            log10_t: float) -> JointResult:
    assignments = list(undisputed)
    joint = sum(u.log10_lr for u in undisputed)
    methods: dict[str, int] = {}
    for solution in solutions:
        methods[solution.method] = methods.get(solution.method, 0) + 1
        if not solution.assignments:
            continue
        _, chosen = solution.assignments[0]
        for k in chosen:
            option = options[k]
            joint += option.log10_lr
            for c, s in option.placements:
                slot = problem.slots[s]
                pair = float(problem.matrix[c, s])
                given_rest = pair
                if len(option.children) > 1:
                    given_rest = option.log10_lr - _without(option, c, options, problem)
                assignments.append(Identification(
                    problem.children[c].id, problem.families[slot.family].id,
                    slot.child.person, pair, solution.posteriors.get((c, s), 0.0),
                    given_rest))
    assignments = [a for a in assignments if a.log10_lr >= log10_t or a in undisputed
                   or a.log10_lr_given_rest >= log10_t]
    assigned = {a.child for a in assignments}
    method = ("undisputed identifications (dviSolve), then per component: " + ", ".join(
        f"{name} x{count}" for name, count in methods.items()))
    names = [c.id for c in problem.children]
    return JointResult(
        sorted(assignments, key=lambda a: (-a.log10_lr, a.child)),
        [c for c in names if c not in assigned], undisputed, joint, method,
        prior.describe(), [(names[a], names[b], v) for a, b, v in sib])


def _without(option: Option, child: int, options: list[Option], problem: _Problem) -> float:
    """log10 LR of the option's other placements (the rest, without ``child``)."""
    rest = [(c, s) for c, s in option.placements if c != child]
    if len(rest) == 1:
        return float(problem.matrix[rest[0][0], rest[0][1]])
    for other in options:
        if sorted(other.placements) == sorted(rest):
            return other.log10_lr
    return float(sum(problem.matrix[c, s] for c, s in rest))


__all__ = ["Identification", "JointResult", "PriorSettings", "RescuedChild", "RingContext",
           "find_undisputed", "identify"]
