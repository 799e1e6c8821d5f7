"""Database search: one profile against millions, by kinship.

A :class:`ProfileIndex` keeps reference profiles as locus-major genotype codes (uint16,
``codes[locus, person]``, 0 = untyped: 2 bytes per locus, i.e. 1 byte per allele). For
each relationship and locus it precomputes the table of log10 LR over every pair of
genotypes; a query then picks its row of each table and the compiled kernel sums look-ups
(see :mod:`homeward.kinship.kernels`). Couples are scored through genotype *classes*:
parent genotypes with the same signature for the child's alleles (see
:mod:`homeward.kinship.likelihood`) share a row of a small class-pair table; at loci with
few genotypes a couple is one joint code into that table expanded over both partners.

Searches that exclude (duo, trio, couple) first drop, through per-allele bitsets
(:mod:`homeward.kinship.bitset_index`), every reference (couple) with more than
``max_inconsistent`` loci (default 2) where it cannot be the parent without a mutation,
and score only the rest. Without a mutation model such a reference has LR 0, so the top
hits with LR > 0 are those of the full scan; with a mutation model a reference with more
inconsistent loci than allowed is not reported even where its LR would have ranked it
(the trade: labs allow two mutations, and fewer than k hits may come back). Among the
references kept, LRs and order are those of the full scan. ``max_inconsistent=None``
forces the scan; relationships that exclude no one (siblings, second degree, kappa) and
databases below :data:`~homeward.kinship.bitset_index.BITSET_MIN_REFERENCES` always
scan. The result's params say which: ``method`` (``"bitset"`` or ``"scan"``),
``max_inconsistent`` (the limit used, ``None`` for a scan), ``max_inconsistent_requested``
and ``profiles_scored``.

The reported figures of every hit (log10 LR, loci compared, exclusions) are recomputed in
float64 from the same formulas as :func:`homeward.kinship.lr.kinship_lr`, which the tests
check hit by hit.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from homeward.kinship import bitset_index, kernels
from homeward.kinship.bitset_index import (
    DEFAULT_MAX_INCONSISTENT,
    AlleleBitsets,
    CarrierRule,
    Selection,
    carrier_rule,
    carrier_rules,
    check_max_inconsistent,
    couple_candidates,
    select,
)
from homeward.kinship.errors import ModelError, UnknownSampleError
from homeward.kinship.frequencies import FrequencyTable
from homeward.kinship.likelihood import (
    ParentSignature,
    couple_lr_from_signatures,
    duo_excluded,
    duo_lr_from_signature,
    parent_signature,
    relationship_lr,
    two_parent_excluded,
)
from homeward.kinship.loci import is_amelogenin
from homeward.kinship.lr import LikelihoodRatio, kinship_lr
from homeward.kinship.model import KinshipModel, LocusModel, all_genotypes, genotype_index
from homeward.kinship.profiles import Profile, allele_sort_key
from homeward.kinship.relationships import Relationship, parse_relationship

EXCLUDED_LOG10 = -1.0e30  # finite stand-in for log10(0) inside fastmath kernels
EMPTY_SCORE = -3.0e38
PACKED_TABLE_LIMIT = 8192  # entries of a packed pair's table: 32 KB of float32, L1-sized
MAX_CODE = int(np.iinfo(np.uint16).max)
# entries of a couple locus's joint table: 64 KB of float32. The joint tables are kept per
# child genotype, so a locus holds at most (radix - 1) * radix**2 floats: under 5 MB.
JOINT_TABLE_LIMIT = 16384
COUPLE_CHUNK = 1 << 16  # couples decoded at a time to build their bitsets


@dataclass(frozen=True)
class SearchHit:
    """One candidate: the reference (or couple), its combined log10 LR and counts."""

    rank: int
    sample_id: str
    log10_lr: float
    loci_compared: int
    exclusions: int
    partner_id: str | None = None


@dataclass(frozen=True)
class SearchResult:
    query_id: str
    relationship: str
    database_size: int
    hits: list[SearchHit]
    params: dict[str, object] = field(default_factory=dict)


def _log10(values: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        out = np.log10(values)
    return np.where(values > 0, out, -np.inf)


class ProfileIndex:
    """Reference profiles encoded for search, with their frequency model.

    :param loci: the loci to index (default: every locus of ``frequencies`` typed in
        at least one profile). Amelogenin is never indexed.
    """

    def __init__(self, frequencies: FrequencyTable, loci: Sequence[str],
                 model: KinshipModel | None = None) -> None:
        self.model = model or KinshipModel()
        self.loci = [locus for locus in loci if locus in frequencies and
                     not is_amelogenin(locus)]
        if not self.loci:
            raise ModelError("no locus of the profiles is in the frequency table")
        self.frequencies = frequencies
        self.locus_models = [LocusModel.build(frequencies[locus], self.model)
                             for locus in self.loci]
        self.codes = np.zeros((len(self.loci), 0), dtype=np.uint16)
        self.sample_ids: list[str] = []
        self._positions: dict[str, int] = {}
        self._pair_tables: dict[tuple[str, int], tuple[np.ndarray, np.ndarray]] = {}
        self._kernel_tables: dict[tuple[str, int], np.ndarray] = {}  # float32, clipped
        # per (locus, child genotype code): the couple class tables, built once and reused
        # by every child with that genotype at that locus (a few hundred per locus)
        self._couple_tables: dict[tuple[int, int], CoupleTables] = {}
        self._packed: tuple[list[tuple[int, ...]], np.ndarray] | None = None
        self._bitsets: AlleleBitsets | None = None
        self._bitsets_of: np.ndarray | None = None  # the codes array they describe
        self._bitsets_lock = threading.Lock()
        # per (relationship, query role, locus, query code): the duo's consistency rule
        self._rules: dict[tuple[str, str, int, int], CarrierRule | Literal[False]] = {}

    # --- building ---------------------------------------------------------------------

    @classmethod
    def from_profiles(cls, profiles: Iterable[Profile], frequencies: FrequencyTable, *,
                      model: KinshipModel | None = None,
                      loci: Sequence[str] | None = None) -> ProfileIndex:
        profiles = list(profiles)
        if loci is None:
            seen: dict[str, None] = {}
            for profile in profiles:
                for locus in profile.str_loci:
                    seen.setdefault(locus, None)
            loci = list(seen)
        observed: dict[str, set[str]] = {locus: set() for locus in loci}
        for profile in profiles:
            for locus in loci:
                observed[locus].update(profile.genotypes.get(locus, ()))
        index = cls(frequencies.with_alleles(observed), loci, model)
        index.add_profiles(profiles)
        return index

    @classmethod
    def from_codes(cls, codes: np.ndarray, sample_ids: Sequence[str],
                   frequencies: FrequencyTable, loci: Sequence[str],
                   model: KinshipModel | None = None) -> ProfileIndex:
        """Wrap already-encoded genotype codes (e.g. simulated) without copying them."""
        index = cls(frequencies, loci, model)
        if codes.shape != (len(index.loci), len(sample_ids)):
            raise ModelError(f"codes have shape {codes.shape}, expected "
                             f"({len(index.loci)}, {len(sample_ids)})")
        index.codes = np.ascontiguousarray(codes, dtype=np.uint16)
        index.sample_ids = list(sample_ids)
        index._positions = {s: i for i, s in enumerate(index.sample_ids)}
        return index

    def __len__(self) -> int:
        return len(self.sample_ids)

    def add_profiles(self, profiles: Sequence[Profile]) -> None:
        """Append profiles (their unseen alleles extend the model)."""
        new = np.zeros((len(self.loci), len(profiles)), dtype=np.uint16)
        for column, profile in enumerate(profiles):
            if profile.sample_id in self._positions:
                raise ModelError(f"sample {profile.sample_id!r} is already in the index")
            new[:, column] = self.encode(profile)
            self._positions[profile.sample_id] = len(self.sample_ids)
            self.sample_ids.append(profile.sample_id)
        old = self.codes
        self.codes = np.ascontiguousarray(np.concatenate([self.codes, new], axis=1))
        self._packed = None
        with self._bitsets_lock:
            if self._bitsets is not None and self._bitsets_of is old:
                self._bitsets.append(new)  # a few bits per profile, not a rebuild
                self._bitsets_of = self.codes

    def encode(self, profile: Profile) -> np.ndarray:
        """Genotype codes of one profile at the index's loci, extending unseen alleles."""
        out = np.zeros(len(self.loci), dtype=np.uint16)
        for i, locus in enumerate(self.loci):
            genotype = profile.genotypes.get(locus)
            if genotype is None:
                continue
            model = self.locus_models[i]
            known = model.codes
            if genotype[0] not in known or genotype[1] not in known:
                model = self._extend(i, genotype)
            a, b = model.encode(genotype)
            code = int(genotype_index(a, b)) + 1
            if code > MAX_CODE:
                raise ModelError(f"locus {locus} has too many alleles to encode")
            out[i] = code
        return out

    def _extend(self, i: int, alleles: Iterable[str]) -> LocusModel:
        locus = self.loci[i]
        extended = self.frequencies[locus].with_alleles(alleles)
        self.frequencies = self.frequencies.with_alleles({locus: extended.alleles})
        self.locus_models[i] = LocusModel.build(self.frequencies[locus], self.model)
        for key in [key for key in self._pair_tables if key[1] == i]:
            del self._pair_tables[key]
            self._kernel_tables.pop(key, None)
        for key in [key for key in self._couple_tables if key[0] == i]:
            del self._couple_tables[key]
        for key in [key for key in self._rules if key[2] == i]:
            del self._rules[key]
        self._packed = None
        return self.locus_models[i]

    def couple_tables(self, i: int, child_code: int) -> CoupleTables:
        """The class map and class-pair tables of locus ``i`` for a child genotype code."""
        key = (i, child_code)
        if key not in self._couple_tables:
            class_map, table, excluded = _couple_classes(self.locus_models[i], child_code)
            expanded = np.maximum(table, EXCLUDED_LOG10)[class_map].astype(np.float32)
            self._couple_tables[key] = CoupleTables(class_map, table, excluded, expanded)
        return self._couple_tables[key]

    def packed_codes(self) -> tuple[list[tuple[int, ...]], np.ndarray]:
        """Loci with few genotypes are packed in pairs (one code for both), so that a
        duo search makes fewer look-ups; a pair's joint table stays within L1 cache.

        The per-locus codes are kept too (couples, trios and decoding use them); the
        packed copy adds under one byte per allele.
        """
        if self._packed is None:
            sizes = [m.n_genotypes + 1 for m in self.locus_models]
            order = sorted(range(len(sizes)), key=lambda i: sizes[i])
            groups: list[tuple[int, ...]] = []
            while order:
                first = order.pop(0)
                if order and sizes[first] * sizes[order[0]] <= PACKED_TABLE_LIMIT:
                    groups.append((first, order.pop(0)))
                else:
                    groups.append((first,))
            packed = np.empty((len(groups), len(self)), dtype=np.uint16)
            for row, group in enumerate(groups):
                if len(group) == 1:
                    packed[row] = self.codes[group[0]]
                else:
                    a, b = group
                    packed[row] = self.codes[a].astype(np.uint32) * sizes[b] + self.codes[b]
            self._packed = (groups, packed)
        return self._packed

    def allele_bitsets(self) -> AlleleBitsets:
        """Per (locus, allele) the bitset of the profiles carrying it: built at the first
        filtered search, appended to by :meth:`add_profiles`, rebuilt if ``codes`` was
        replaced from outside."""
        with self._bitsets_lock:
            if self._bitsets is None or self._bitsets_of is not self.codes:
                self._bitsets = AlleleBitsets.from_codes(self.codes)
                self._bitsets_of = self.codes
            return self._bitsets

    def profile(self, sample_id: str) -> Profile:
        """Decode a stored profile back to allele labels."""
        if sample_id not in self._positions:
            raise UnknownSampleError(f"sample {sample_id!r} is not in the index")
        column = self.codes[:, self._positions[sample_id]]
        genotypes = {}
        for i, code in enumerate(column):
            if code == 0:
                continue
            a, b = _decode(int(code) - 1)
            labels = self.locus_models[i].alleles
            pair = sorted((labels[a], labels[b]), key=allele_sort_key)
            genotypes[self.loci[i]] = (pair[0], pair[1])
        return Profile(sample_id, genotypes)

    def position(self, sample_id: str) -> int:
        return self._positions[sample_id]

    # --- tables -----------------------------------------------------------------------

    def pair_table(self, relationship: Relationship, i: int) -> tuple[np.ndarray, np.ndarray]:
        """(log10 LR, excluded) over (person1 code, person2 code) at locus ``i``."""
        key = (relationship.name, i)
        if key not in self._pair_tables:
            model = self.locus_models[i]
            a, b = all_genotypes(model.n_alleles)
            size = len(a) + 1
            with np.errstate(invalid="ignore"):
                lr, excluded = relationship_lr(model, relationship, (a[:, None], b[:, None]),
                                               (a[None, :], b[None, :]))
            log10 = np.zeros((size, size))
            log10[1:, 1:] = _log10(lr)
            flags = np.zeros((size, size), dtype=bool)
            flags[1:, 1:] = excluded
            self._pair_tables[key] = (log10, flags)
        return self._pair_tables[key]

    def kernel_table(self, relationship: Relationship, i: int) -> np.ndarray:
        """:meth:`pair_table`'s log10 LR as the kernels read it (float32, log10 0 as
        ``EXCLUDED_LOG10``), kept so that a query only picks its row."""
        key = (relationship.name, i)
        if key not in self._kernel_tables:
            log10 = self.pair_table(relationship, i)[0]
            self._kernel_tables[key] = np.maximum(log10, EXCLUDED_LOG10).astype(np.float32)
        return self._kernel_tables[key]

    # --- searches ---------------------------------------------------------------------

    def search(self, query: Profile, relationship: str | Relationship = "parent-child", *,
               k: int = 10, query_role: str = "child", exclude: Iterable[str] = (),
               max_inconsistent: int | None = DEFAULT_MAX_INCONSISTENT) -> SearchResult:
        """Top-k references by LR of ``relationship`` with the query.

        :param query_role: ``"child"`` (the query is person1, e.g. a rescued child searched
            against parents) or ``"relative"`` (the query is person2, e.g. a parent's
            profile searched against children).
        :param max_inconsistent: parent-child only: references sharing no allele with the
            query at more loci than this are not scored (see the module docstring);
            ``None`` scores every reference.
        """
        relationship = parse_relationship(relationship)
        if relationship.kind not in ("duo", "pairwise"):
            raise ModelError("use search_trio or search_couples for three-person hypotheses")
        if max_inconsistent is not None:
            check_max_inconsistent(max_inconsistent)
        query_codes = self.encode(query)
        rows, excl_rows, clipped = [], [], []
        for i in range(len(self.loci)):
            log10, flags = self.pair_table(relationship, i)
            table = self.kernel_table(relationship, i)
            pick = query_codes[i] if query_role == "child" else (slice(None), query_codes[i])
            rows.append(log10[pick])
            excl_rows.append(flags[pick])
            clipped.append(table[pick])
        limit = max_inconsistent if relationship.kind == "duo" else None
        hits, chosen = self._run_single(
            rows, excl_rows, query_codes, k, exclude, limit,
            lambda: self._duo_rules(relationship.name, query_role, query_codes, excl_rows),
            clipped)
        return SearchResult(query.sample_id, relationship.name, len(self), hits,
                            {**self._params(relationship), **chosen.params()})

    def search_trio(self, child: Profile, known_parent: Profile, *, k: int = 10,
                    exclude: Iterable[str] = (),
                    max_inconsistent: int | None = DEFAULT_MAX_INCONSISTENT) -> SearchResult:
        """Alleged parents for a child whose other parent is known and typed.

        :param max_inconsistent: references that cannot, with the known parent, give the
            child its alleles at more loci than this are not scored (``None``: all are).
        """
        relationship = parse_relationship("trio")
        child_codes, known_codes = self.encode(child), self.encode(known_parent)
        rows, excl_rows = [], []
        for i, model in enumerate(self.locus_models):
            a, b = all_genotypes(model.n_alleles)
            size = len(a) + 1
            row, flags = np.zeros(size), np.zeros(size, dtype=bool)
            if child_codes[i]:
                c1, c2 = _decode(int(child_codes[i]) - 1)
                third = _decode(int(known_codes[i]) - 1) if known_codes[i] else None
                with np.errstate(invalid="ignore"):
                    lr, excluded = relationship_lr(model, relationship, (c1, c2), (a, b),
                                                   third)
                row[1:] = np.where(np.isnan(lr), 0.0, _log10(np.nan_to_num(lr)))
                flags[1:] = excluded & ~np.isnan(lr)
            rows.append(row)
            excl_rows.append(flags)
        hits, chosen = self._run_single(
            rows, excl_rows, child_codes, k, [*exclude, known_parent.sample_id],
            max_inconsistent,
            lambda: carrier_rules(excl_rows, [m.n_alleles for m in self.locus_models]))
        return SearchResult(child.sample_id, "trio", len(self), hits,
                            {**self._params(relationship), **chosen.params()})

    def _duo_rules(self, name: str, role: str, query_codes: np.ndarray,
                   excl_rows: list[np.ndarray]) -> list[CarrierRule] | None:
        """The consistency rule of each locus for this query (cached: they depend only
        on the query's genotype code there)."""
        rules = []
        for i, code in enumerate(query_codes):
            key = (name, role, i, int(code))
            if key not in self._rules:
                self._rules[key] = carrier_rule(excl_rows[i], self.locus_models[i].n_alleles)
            rule = self._rules[key]
            if rule is False:
                return None
            rules.append(rule)
        return rules

    def _select(self, limit: int | None,
                rules_of: Callable[[], list[CarrierRule] | None]) -> Selection:
        """The references to score: those with at most ``limit`` excluded loci (see
        :func:`select`), or all where the exclusions are not of a form bitsets count."""
        rules = None
        if limit is not None and len(self) >= bitset_index.BITSET_MIN_REFERENCES:
            rules = rules_of()
        active = 0 if rules is None else sum(rule is not None for rule in rules)
        return select(lambda at_most: self.allele_bitsets().candidates(rules or [], at_most),
                      limit, active, len(self))

    def _run_single(self, rows, excl_rows, query_codes, k, exclude, limit, rules_of,
                    clipped=None) -> tuple[list[SearchHit], Selection]:
        groups, packed = self.packed_codes()
        excluded_ids = {self._positions[s] for s in exclude if s in self._positions}
        chosen = self._select(limit, rules_of)
        candidates = chosen.positions
        if candidates is not None:
            packed = np.take(packed, candidates, axis=1)  # the same kernel, on fewer people
        if clipped is None:
            clipped = [np.maximum(row, EXCLUDED_LOG10).astype(np.float32) for row in rows]
        sizes = [math.prod(len(clipped[i]) for i in group) for group in groups]
        tables = _scratch("duo", (len(groups), max(sizes)), np.float32)  # tails never read
        for row, group in enumerate(groups):
            if len(group) == 1:
                tables[row, : sizes[row]] = clipped[group[0]]
            else:
                first, second = clipped[group[0]], clipped[group[1]]
                np.add.outer(first, second, out=tables[row, : sizes[row]].reshape(
                    len(first), len(second)))
        with kernels.threads_for(packed.shape[1]):
            scores, ids = kernels.top_k_single(packed, tables, k + len(excluded_ids))
        _, ids = kernels.merge_top_k(scores, ids, k + len(excluded_ids))
        if candidates is not None:
            ids = candidates[ids]
        ids = [int(i) for i in ids if int(i) not in excluded_ids][:k]
        picked = self.codes[:, ids].astype(np.int64)  # loci x hits
        compared = (picked > 0) & (query_codes[:, None] > 0)
        log10 = np.array([row[codes] for row, codes in zip(rows, picked, strict=True)])
        excluded = np.array([row[codes] for row, codes in zip(excl_rows, picked, strict=True)])
        # correctly rounded per hit: a hit's LR does not depend on how many hits are asked
        log10 = [math.fsum(column) for column in np.where(compared, log10, 0.0).T]
        exclusions = (excluded & compared).sum(axis=0)
        hits = [SearchHit(rank, self.sample_ids[person], float(log10[j]),
                          int(compared[:, j].sum()), int(exclusions[j]))
                for j, (rank, person) in enumerate(enumerate(ids, start=1))]
        hits.sort(key=lambda h: (-h.log10_lr, h.rank))
        return ([SearchHit(r, h.sample_id, h.log10_lr, h.loci_compared, h.exclusions)
                 for r, h in enumerate(hits, start=1)], chosen)

    def explain(self, hit: SearchHit, query: Profile, relationship: str | Relationship,
                known_parent: Profile | None = None, query_role: str = "child",
                prior: float = 0.5) -> LikelihoodRatio:
        """The full per-locus report of a hit, from :func:`kinship_lr`."""
        reference = self.profile(hit.sample_id)
        relationship = parse_relationship(relationship)
        if relationship.kind == "couple":
            persons = (query, reference, self.profile(hit.partner_id or ""))
        elif relationship.kind == "trio":
            persons = (query, reference, known_parent)
        else:
            persons = (query, reference) if query_role == "child" else (reference, query)
        return kinship_lr(persons, relationship, self.frequencies, model=self.model,
                          prior=prior)

    def _params(self, relationship: Relationship) -> dict[str, object]:
        return {**self.model.describe(), "frequency_table": self.frequencies.name,
                "loci": list(self.loci), "hypothesis": relationship.describe()}


class CoupleIndex:
    """Couples (two reference profiles registered together) for child-vs-couple search.

    Loci with few genotypes keep one joint code per couple (``a * radix + b``, two bytes)
    whose query table covers both partners at once: one look-up per couple. The other
    loci keep both partners' codes in one 32-bit word and go through the second
    partner's genotype class: two look-ups. Either way a couple costs two bytes per
    genotype, one per allele. Each partner role also keeps its allele bitsets, which a
    filtered search reads (:func:`homeward.kinship.bitset_index.couple_candidates`).
    """

    def __init__(self, index: ProfileIndex, couples: Sequence[tuple[str, str]]) -> None:
        first = np.array([index.position(a) for a, _ in couples], dtype=np.int64)
        second = np.array([index.position(b) for _, b in couples], dtype=np.int64)
        self._store(index, index.codes[:, first], index.codes[:, second], couples)

    @classmethod
    def from_codes(cls, index: ProfileIndex, codes_a: np.ndarray, codes_b: np.ndarray,
                   couples: Sequence[tuple[str, str]]) -> CoupleIndex:
        self = cls.__new__(cls)
        self._store(index, codes_a, codes_b, couples)
        return self

    def _store(self, index: ProfileIndex, codes_a: np.ndarray, codes_b: np.ndarray,
               couples: Sequence[tuple[str, str]]) -> None:
        self.index, self.couples = index, list(couples)
        radix = [model.n_genotypes + 1 for model in index.locus_models]
        limit = min(JOINT_TABLE_LIMIT, 1 << 16)  # a joint code must fit two bytes
        self.joint_loci = [i for i, r in enumerate(radix) if r * r <= limit]
        self.class_loci = [i for i, r in enumerate(radix) if r * r > limit]
        self.radix = np.array([radix[i] for i in self.joint_loci], dtype=np.uint32)
        joint = codes_a[self.joint_loci].astype(np.uint32) * self.radix[:, None]
        joint += codes_b[self.joint_loci]
        self.joint_codes = np.ascontiguousarray(joint, dtype=np.uint16)
        self.codes_ab = _interleave(codes_a[self.class_loci], codes_b[self.class_loci])
        self._bitsets: tuple[AlleleBitsets, AlleleBitsets] | None = None

    def __len__(self) -> int:
        return len(self.couples)

    @property
    def bitsets(self) -> tuple[AlleleBitsets, AlleleBitsets]:
        """The allele bitsets of the first and of the second partners, in couple order
        (built at the first filtered search, from the stored codes, in chunks)."""
        if self._bitsets is None:
            n_loci = len(self.index.loci)
            first, second = AlleleBitsets(n_loci), AlleleBitsets(n_loci)
            for start in range(0, len(self), COUPLE_CHUNK):
                a, b = self.partner_codes(range(start, min(len(self), start + COUPLE_CHUNK)))
                first.append(a.astype(np.uint16))
                second.append(b.astype(np.uint16))
            self._bitsets = (first, second)
        return self._bitsets

    def partner_codes(self, positions: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """Both partners' genotype codes, loci x couples, for these couple positions."""
        picked = np.asarray(positions, dtype=np.int64)
        a = np.zeros((len(self.index.loci), len(picked)), dtype=np.int64)
        b = np.zeros_like(a)
        joint = self.joint_codes[:, picked].astype(np.int64)
        a[self.joint_loci], b[self.joint_loci] = np.divmod(joint, self.radix[:, None])
        words = self.codes_ab[:, picked].astype(np.int64)
        a[self.class_loci], b[self.class_loci] = words & 0xFFFF, words >> 16
        return a, b

    def search(self, child: Profile, *, k: int = 10,
               max_inconsistent: int | None = DEFAULT_MAX_INCONSISTENT) -> SearchResult:
        """Top-k couples by the couple LR (both parents vs child unrelated to both).

        :param max_inconsistent: couples that cannot give the child one allele each at
            more loci than this are not scored (``None``: all are).
        """
        index = self.index
        relationship = parse_relationship("couple")
        child_codes = index.encode(child)
        prepared = [index.couple_tables(i, int(code)) for i, code in enumerate(child_codes)]
        joint = [prepared[i].joint(int(radix))
                 for i, radix in zip(self.joint_loci, self.radix, strict=True)]
        joint_tables = _stack_rows("joint", joint, np.float32)
        class_maps = _stack_rows("classes", [prepared[i].class_map for i in self.class_loci],
                                 np.uint16)
        class_tables = _stack_rows("class-pairs",
                                   [prepared[i].expanded for i in self.class_loci],
                                   np.float32, ndim=2)
        chosen = self._select(child_codes, max_inconsistent)
        candidates = chosen.positions
        joint_codes, codes_ab = self.joint_codes, self.codes_ab
        if candidates is not None:
            joint_codes = np.take(joint_codes, candidates, axis=1)
            codes_ab = np.take(codes_ab, candidates, axis=1)
        with kernels.threads_for(joint_codes.shape[1]):
            scores, ids = kernels.top_k_couples(joint_codes, joint_tables, codes_ab,
                                                class_maps, class_tables, k)
        _, ids = kernels.merge_top_k(scores, ids, k)
        if candidates is not None:
            ids = candidates[ids]
        hits = self._hits([int(person) for person in ids], child_codes, prepared)
        hits.sort(key=lambda h: -h.log10_lr)
        hits = [SearchHit(r, h.sample_id, h.log10_lr, h.loci_compared, h.exclusions,
                          h.partner_id) for r, h in enumerate(hits, start=1)]
        return SearchResult(child.sample_id, "couple", len(self), hits,
                            {**index._params(relationship), **chosen.params()})

    def _select(self, child_codes: np.ndarray, limit: int | None) -> Selection:
        """The couples to score: those with at most ``limit`` loci where the child cannot
        take one allele from each partner (see :func:`select`)."""
        child = [_decode(int(code) - 1) if code else None for code in child_codes]
        return select(lambda at_most: couple_candidates(*self.bitsets, child, at_most), limit,
                      sum(alleles is not None for alleles in child), len(self))

    def _hits(self, positions: list[int], child_codes: np.ndarray,
              prepared: list[CoupleTables]) -> list[SearchHit]:
        """The couples' figures in float64 from the class-pair tables."""
        if not positions:
            return []
        a, b = self.partner_codes(positions)  # loci x hits
        compared = (child_codes[:, None] > 0) & ((a > 0) | (b > 0))
        log10 = np.zeros(len(positions))
        exclusions = np.zeros(len(positions), dtype=np.int64)
        for i, tables in enumerate(prepared):
            row, column = tables.class_map[a[i]], tables.class_map[b[i]]
            log10 += np.where(compared[i], tables.table[row, column], 0.0)
            exclusions += compared[i] & tables.excluded[row, column]
        return [SearchHit(0, self.couples[p][0], float(log10[j]), int(compared[:, j].sum()),
                          int(exclusions[j]), self.couples[p][1])
                for j, p in enumerate(positions)]


_SCRATCH = threading.local()


def _scratch(name: str, shape: tuple[int, ...], dtype: type) -> np.ndarray:
    """A reusable array of this thread for a query's tables: no fresh pages to fault in
    on every query, and no sharing between threads that search at the same time."""
    buffers = _SCRATCH.__dict__
    key = (name, np.dtype(dtype).str)
    size = int(np.prod(shape))
    if key not in buffers or buffers[key].size < size:
        buffers[key] = np.empty(size, dtype=dtype)
    return buffers[key][:size].reshape(shape)


def _stack_rows(name: str, arrays: list[np.ndarray], dtype: type,
                ndim: int = 1) -> np.ndarray:
    """Per-locus tables of different sizes in one array for the kernel, each at the start
    of its row; the padding is never read (codes stay below each table's size)."""
    shape = tuple(max((a.shape[d] for a in arrays), default=1) for d in range(ndim))
    out = _scratch(name, (len(arrays), *shape), dtype)
    for row, array in enumerate(arrays):
        out[(row, *(slice(0, n) for n in array.shape))] = array
    return out


def _interleave(codes_a: np.ndarray, codes_b: np.ndarray) -> np.ndarray:
    """Both partners' codes of each locus in one 32-bit word (first partner low): one
    stream per locus for the search, the same two bytes per genotype as separate arrays."""
    return np.ascontiguousarray(codes_a.astype(np.uint32) | (codes_b.astype(np.uint32) << 16))


@dataclass(frozen=True)
class CoupleTables:
    """One locus and one child genotype: each parent code's class, the log10 LR and
    exclusion over class pairs, and the LR table expanded along the first parent's codes."""

    class_map: np.ndarray
    table: np.ndarray
    excluded: np.ndarray
    expanded: np.ndarray
    _joint: dict[int, np.ndarray] = field(default_factory=dict, repr=False, compare=False)

    def joint(self, radix: int) -> np.ndarray:
        """The LR table over both parents' codes below ``radix`` (first parent major),
        flattened: one look-up per couple at a small locus. Built once per radix."""
        if radix not in self._joint:
            self._joint[radix] = np.ascontiguousarray(
                self.expanded[:radix, self.class_map[:radix]]).ravel()
        return self._joint[radix]


def _decode(index: int) -> tuple[int, int]:
    """Inverse of :func:`genotype_index`."""
    hi = int((np.sqrt(8 * index + 1) - 1) // 2)
    while hi * (hi + 1) // 2 > index:
        hi -= 1
    while (hi + 1) * (hi + 2) // 2 <= index:
        hi += 1
    return index - hi * (hi + 1) // 2, hi


def _couple_classes(model: LocusModel, child_code: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Class of every parent code, and the log10 LR and exclusion tables over class pairs.

    The last class stands for "untyped": a couple with one parent untyped is a duo with
    the other; with both untyped the locus is skipped (log10 LR 0).
    """
    a, b = all_genotypes(model.n_alleles)
    if child_code == 0:
        return (np.zeros(len(a) + 1, dtype=np.int32), np.zeros((1, 1)),
                np.zeros((1, 1), dtype=bool))
    c1, c2 = _decode(child_code - 1)
    sig = parent_signature(model, a, b, c1, c2)
    signature = np.ascontiguousarray(
        np.stack([sig.t1, sig.t2, sig.n1.astype(np.float64), sig.n2.astype(np.float64)],
                 axis=1))
    keys = signature.view(np.dtype((np.void, signature.dtype.itemsize * 4))).ravel()
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    unique = signature[first]
    k = len(unique)
    rows = ParentSignature(unique[:, 0][:, None], unique[:, 1][:, None],
                           unique[:, 2][:, None].astype(np.int64),
                           unique[:, 3][:, None].astype(np.int64))
    cols = ParentSignature(unique[:, 0][None, :], unique[:, 1][None, :],
                           unique[:, 2][None, :].astype(np.int64),
                           unique[:, 3][None, :].astype(np.int64))
    single = ParentSignature(unique[:, 0], unique[:, 1], unique[:, 2].astype(np.int64),
                             unique[:, 3].astype(np.int64))
    table = np.zeros((k + 1, k + 1))
    table[:k, :k] = _log10(couple_lr_from_signatures(model, np.array(c1), np.array(c2),
                                                     rows, cols))
    duo = _log10(duo_lr_from_signature(model, np.array(c1), np.array(c2), single))
    table[:k, k] = duo
    table[k, :k] = duo
    excluded = np.zeros((k + 1, k + 1), dtype=bool)
    excluded[:k, :k] = two_parent_excluded(np.array(c1), np.array(c2), rows, cols)
    excluded[:k, k] = excluded[k, :k] = duo_excluded(single)
    class_map = np.empty(len(a) + 1, dtype=np.int32)
    class_map[0] = k
    class_map[1:] = inverse.ravel()
    return class_map, table, excluded
