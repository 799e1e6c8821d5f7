"""Batch matching against the registry: snapshot, resumable partitions, write-back.

1. **Snapshot.** The profiles are loaded through the caller's
   :class:`~homeward.workflow.profile_store.ProfileStores` (streamed in chunks); a run
   searches only those with ids up to the run's ``max_profile_id``. Profiles stored while
   the job runs are matched by the incremental path (a single search when stored) or by
   the next run, never half by this one.
2. **Partitions.** References in profile-id order, cut into blocks of ``partition_size``
   (couples in the order of the first partner), each block scored by ranges of the
   children (``child_chunks``, by default twice the cluster's threads, so that every
   worker has work and each child's fixed search cost is paid once per block, see
   :mod:`homeward.batch.engine`). A run is found again by its fingerprint
   (relationship, top-k, partition size, frequency table, model, screening LR): a restart
   of an unfinished run keeps its snapshot and skips the partitions it finished.
3. **Per partition**, in one transaction: the partition's top-k hits at or above the
   screening LR are staged in ``batch_hits`` (COPY on PostgreSQL) and the partition is
   marked done, so that a retried partition is never staged twice.
4. **Write-back**, in one transaction: the staged hits merged into each child's top-k
   over all partitions become candidates through
   :func:`homeward.workflow.matching.create_candidate`, the rule of a single search
   (open reports only, no duplicate of an existing match, LR recomputed against the
   screening threshold, an audit record per candidate).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from homeward.batch.bulk import bulk_insert
from homeward.batch.engine import (
    RELATIONSHIPS,
    BlockHit,
    PartitionResult,
    ReferenceBlock,
    SearchContext,
    child_chunks,
    merge_top_k,
    partition_blocks,
    peak_memory_per_worker,
    references_as_codes,
    run_partitions,
    score_partition,
)
from homeward.batch.errors import BatchError
from homeward.batch.summary import THRESHOLDS_LR, BatchSummary, expected_false_candidates
from homeward.config import Settings
from homeward.kinship.loci import is_amelogenin
from homeward.kinship.profiles import Profile
from homeward.kinship.search import ProfileIndex
from homeward.registry import audit
from homeward.registry.db import session_scope
from homeward.registry.models import BatchHit, BatchPartition, BatchRun
from homeward.security.crypto import ProfileCipher
from homeward.workflow.cases import RELATION_TO_TEST
from homeward.workflow.matching import (
    CANDIDATES_PER_SEARCH,
    _parents_by_report,
    create_candidate,
)
from homeward.workflow.profile_store import ProfileStore, ProfileStores

# at least BITSET_MIN_REFERENCES, so blocks keep the prefilter; a block of 1,000,000
# references is 48 MB of codes at 24 loci, and the children, not the references, are
# cut to give every worker its share (child_chunks)
DEFAULT_PARTITION_SIZE = 1_000_000
CHUNKS_PER_THREAD = 2
HIT_COLUMNS = ("run_id", "partition", "child_profile_id", "relative_profile_id",
               "other_parent_profile_id", "log10_lr")
Score = Callable[[SearchContext, ReferenceBlock], PartitionResult]


@dataclass(frozen=True)
class BatchOptions:
    relationship: str = "parent-child"
    partition_size: int = DEFAULT_PARTITION_SIZE
    top_k: int = CANDIDATES_PER_SEARCH
    child_chunks: int | None = None  # None: CHUNKS_PER_THREAD x the cluster's threads

    def check(self) -> None:
        if self.relationship not in RELATIONSHIPS:
            raise BatchError(f"relationship {self.relationship!r} is not batch-matched; use "
                             f"one of {', '.join(RELATIONSHIPS)}")
        if self.partition_size < 1:
            raise BatchError(f"partition size {self.partition_size} must be at least 1")
        if not 1 <= self.top_k <= 1000:
            raise BatchError(f"top-k {self.top_k} must be between 1 and 1000")
        if self.child_chunks is not None and self.child_chunks < 1:
            raise BatchError(f"child chunks {self.child_chunks} must be at least 1")


@dataclass
class Snapshot:
    """The profiles of one run, as the engine's blocks and the ids to write back."""

    index: ProfileIndex
    children: list[Profile]
    blocks: list[ReferenceBlock]
    profile_ids: dict[str, int]  # specimen -> profile id
    loci_skipped: Counter[str]

    @property
    def references(self) -> int:
        return sum(len(block) for block in self.blocks)


def fingerprint(options: BatchOptions, settings: Settings) -> str:
    """What makes two runs the same job (the snapshot is the run's own)."""
    key = {"relationship": options.relationship, "top_k": options.top_k,
           "partition_size": options.partition_size, "table": settings.frequency_table,
           "theta": settings.theta, "mutation_model": settings.mutation_model,
           "mutation_rate": settings.mutation_rate, "screening_lr": settings.screening_lr}
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def take_snapshot(store: ProfileStore, options: BatchOptions, max_profile_id: int) -> Snapshot:
    """Children and references with profile ids up to ``max_profile_id``, as blocks."""
    children = sorted(((pid, s) for s, (pid, _) in store.child_entries.items()
                       if pid <= max_profile_id))
    ids = {s: pid for pid, s in children}
    ids.update({s: e.profile_id for s, e in store.relative_entries.items()})
    kept = {s for s, pid in ids.items() if pid <= max_profile_id}
    test = "parent-child" if options.relationship == "couple" else options.relationship
    index = store.relative_index(test)
    if options.relationship == "couple":
        couples = sorted((ids[p["father"]], p["father"], p["mother"])
                         for p in _parents_by_report(store).values()
                         if "father" in p and "mother" in p
                         and p["father"] in kept and p["mother"] in kept)
        firsts, seconds = [c[1] for c in couples], [c[2] for c in couples]
        blocks = partition_blocks(references_as_codes(index, firsts), firsts,
                                  options.partition_size,
                                  partner_codes=references_as_codes(index, seconds),
                                  partner_ids=seconds)
        referenced = firsts + seconds
    else:
        referenced = [s for _, s in sorted(
            (e.profile_id, s) for s, e in store.relative_entries.items()
            if s in kept and RELATION_TO_TEST[e.relation] == test)]
        blocks = partition_blocks(references_as_codes(index, referenced), referenced,
                                  options.partition_size)
    skipped: Counter[str] = Counter()
    indexed = set(index.loci)
    for specimen in [s for _, s in children] + referenced:
        skipped.update(locus for locus in store.profiles[specimen].str_loci
                       if locus not in indexed and not is_amelogenin(locus))
    return Snapshot(index, [store.profiles[s] for _, s in children], blocks,
                    {s: ids[s] for s in kept}, skipped)


def cluster_chunks(client) -> int:
    """The default number of children's ranges: twice the threads of the cluster."""
    return CHUNKS_PER_THREAD * max(1, sum(client.nthreads().values()))


def _open_run(session: Session, options: BatchOptions, settings: Settings, store: ProfileStore,
              actor: str, chunks: int) -> BatchRun:
    """The unfinished run of this job (with the ranges it was cut into), or a new one on
    a snapshot taken now."""
    key = fingerprint(options, settings)
    run = session.scalar(select(BatchRun).where(BatchRun.fingerprint == key,
                                                BatchRun.status == "running")
                         .order_by(BatchRun.id.desc()).limit(1))
    if run is not None:
        return run
    run = BatchRun(fingerprint=key, relationship_tested=options.relationship,
                   top_k=options.top_k, partition_size=options.partition_size,
                   child_chunks=chunks, max_profile_id=store.max_profile_id,
                   partitions_total=0, status="running", actor=actor, summary={})
    session.add(run)
    session.flush()
    audit.record(session, actor=actor, action="create", entity="batch_run", entity_id=run.id,
                 details={"relationship": options.relationship, "top_k": options.top_k,
                          "max_profile_id": run.max_profile_id})
    return run


def _stage(session: Session, run_id: int, result: PartitionResult,
           snapshot: Snapshot) -> bool:
    """Stage a partition's hits and mark it done; False when it was already done."""
    done = session.scalar(select(BatchPartition.id).where(
        BatchPartition.run_id == run_id, BatchPartition.partition == result.partition))
    if done:
        return False
    ids = snapshot.profile_ids
    rows = [(run_id, result.partition, ids[h.child_id], ids[h.sample_id],
             ids[h.partner_id] if h.partner_id else None, h.log10_lr) for h in result.hits]
    bulk_insert(session, BatchHit.__table__, HIT_COLUMNS, rows)
    session.add(BatchPartition(run_id=run_id, partition=result.partition,
                               references=result.references,
                               pairs_compared=result.pairs_compared,
                               profiles_scored=result.profiles_scored, hits=len(rows),
                               seconds=result.seconds))
    return True


def _write_back(session: Session, run: BatchRun, store: ProfileStore, settings: Settings,
                actor: str) -> tuple[dict[str, list[BlockHit]], int]:
    """Each child's top-k over all partitions, made candidates by the single-search rule."""
    specimen_of = {pid: s for s, (pid, _) in store.child_entries.items()}
    specimen_of.update({e.profile_id: s for s, e in store.relative_entries.items()})
    staged = session.execute(select(BatchHit.partition, BatchHit.child_profile_id,
                                    BatchHit.relative_profile_id,
                                    BatchHit.other_parent_profile_id, BatchHit.log10_lr)
                             .where(BatchHit.run_id == run.id)).all()
    hits = [BlockHit(specimen_of[child], specimen_of[relative],
                     specimen_of[other] if other else None, log10, 0, 0, partition, relative)
            for partition, child, relative, other, log10 in staged]
    merged = merge_top_k(hits, run.top_k)
    screening = math.log10(settings.screening_lr)
    created = 0
    for child in sorted(merged, key=lambda s: store.child_entries[s][0]):
        for hit in merged[child]:
            made = create_candidate(session, store, actor=actor, child_specimen=child,
                                    relative_specimen=hit.sample_id,
                                    relationship=run.relationship_tested,
                                    screening_log10=screening,
                                    other_parent_specimen=hit.partner_id)
            created += made is not None
    return merged, created


def batch_match(factory: sessionmaker[Session], client, *, cipher: ProfileCipher,
                settings: Settings, options: BatchOptions, actor: str,
                stores: ProfileStores | None = None, score: Score = score_partition,
                on_partition: Callable[[int, int], None] | None = None,
                power_simulations: int | None = None) -> BatchSummary:
    """Run (or resume) the batch job of ``options`` on ``client``'s cluster.

    :param on_partition: called with (partitions done, partitions in all) after each
        partition is stored (the progress bar).
    :param power_simulations: simulations of the false-candidate estimate (default
        :data:`~homeward.batch.summary.POWER_SIMULATIONS`).
    """
    options.check()
    stages: dict[str, float] = {}
    clock = time.perf_counter()
    stores = stores or ProfileStores()
    with session_scope(factory) as session:
        store = stores.store(session, cipher, settings)
        run = _open_run(session, options, settings, store, actor,
                        options.child_chunks or cluster_chunks(client))
        run_id, snapshot_id, chunks = run.id, run.max_profile_id, run.child_chunks
        done = set(session.scalars(select(BatchPartition.partition)
                                   .where(BatchPartition.run_id == run_id)))
    stages["load"] = time.perf_counter() - clock
    clock = time.perf_counter()
    snapshot = take_snapshot(store, options, snapshot_id)
    index = snapshot.index
    observed = {locus: set() for locus in index.loci}
    for child in snapshot.children:
        for locus in index.loci:
            observed[locus].update(child.genotypes.get(locus, ()))
    screening = math.log10(settings.screening_lr)
    context = SearchContext(options.relationship, index.frequencies.with_alleles(observed),
                            tuple(index.loci), index.model, tuple(snapshot.children),
                            options.top_k, screening)
    partitions = child_chunks(snapshot.blocks, len(snapshot.children), chunks)
    todo = [part for part in partitions if part.partition not in done]
    total = len(partitions)
    stages["partition"] = time.perf_counter() - clock
    clock = time.perf_counter()
    finished = total - len(todo)
    if not snapshot.children:
        todo = []
    for result in run_partitions(client, context, todo, token=f"{run_id}", score=score):
        with session_scope(factory) as session:
            _stage(session, run_id, result, snapshot)
        finished += 1
        if on_partition:
            on_partition(finished, total)
    stages["search"] = time.perf_counter() - clock
    clock = time.perf_counter()
    with session_scope(factory) as session:
        run = session.get(BatchRun, run_id)
        merged, created = _write_back(session, run, store, settings, actor)
        parts = session.execute(select(BatchPartition.pairs_compared,
                                       BatchPartition.profiles_scored)
                                .where(BatchPartition.run_id == run_id)).all()
        stages["write_back"] = time.perf_counter() - clock
        clock = time.perf_counter()
        pairs = sum(p for p, _ in parts)
        summary = BatchSummary(
            run_id=run_id, relationship=options.relationship,
            children=len(snapshot.children), references=snapshot.references,
            partitions=total, partitions_skipped=len(done), pairs_compared=pairs,
            profiles_scored=sum(s for _, s in parts), candidates_created=created,
            candidates_per_threshold={
                f"{t:g}": sum(h.log10_lr >= math.log10(t) for found in merged.values()
                              for h in found)
                for t in THRESHOLDS_LR if t >= settings.screening_lr},
            loci_skipped=dict(snapshot.loci_skipped))
        summary.expected_false = expected_false_candidates(
            "couple" if options.relationship == "couple" else options.relationship,
            context.frequencies, list(index.loci), index.model,
            len(snapshot.children) * snapshot.references,
            **({"n_sims": power_simulations} if power_simulations else {}))
        stages["power_study"] = time.perf_counter() - clock
        summary.stage_seconds = stages
        summary.peak_memory_per_worker = peak_memory_per_worker(client)
        run.partitions_total = total
        run.status = "finished"
        run.finished_at = dt.datetime.now(dt.UTC)
        run.summary = json.loads(json.dumps(summary.to_dict(), default=str))
        audit.record(session, actor=actor, action="finish", entity="batch_run",
                     entity_id=run_id, details={"candidates": created,
                                                "partitions": total,
                                                "partitions_skipped": len(done)})
    return summary
