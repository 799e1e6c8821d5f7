"""Batch matching on Dask gives what single searches give, resumes after a stop, and
survives the death of a worker with the same result."""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import cloudpickle
import numpy as np
import pytest
from sqlalchemy import func, select

from homeward.batch.engine import (
    SearchContext,
    child_chunks,
    merge_top_k,
    partition_blocks,
    references_as_codes,
    run_partitions,
    score_partition,
)
from homeward.batch.job import BatchOptions, batch_match
from homeward.kinship.search import CoupleIndex
from homeward.registry.models import (
    AuditEvent,
    BatchHit,
    BatchPartition,
    BatchRun,
    Match,
    StoredProfile,
)
from homeward.workflow.matching import CANDIDATES_PER_SEARCH
from homeward.workflow.profile_store import ProfileStores

POWER_SIMS = 2_000  # the false-candidate estimate; its own tests live with kinship/power


def single_search_candidates(factory, settings, cipher, registry, relationship):
    """What a single search of each child would make candidates: its top-k, at or above
    the screening LR (the rule of workflow.matching.match_profile)."""
    with factory() as session:
        store = ProfileStores().store(session, cipher, settings)
    screening = math.log10(settings.screening_lr)
    expected = set()
    for child in registry.children:
        if relationship == "couple":
            couples = [(f.sample_id, m.sample_id)
                       for f, m in zip(registry.fathers, registry.mothers, strict=True)]
            found = CoupleIndex(store.relative_index("parent-child"), couples).search(
                child, k=CANDIDATES_PER_SEARCH)
        else:
            found = store.relatives[relationship].search(child, relationship,
                                                         k=CANDIDATES_PER_SEARCH)
        for hit in found.hits:
            if hit.log10_lr >= screening:
                expected.add((child.sample_id, hit.sample_id, hit.partner_id,
                              round(hit.log10_lr, 9)))
    return expected


def stored_candidates(factory, relationship):
    with factory() as session:
        specimen = dict(session.execute(select(StoredProfile.id,
                                               StoredProfile.specimen_id)).all())
        rows = session.scalars(select(Match).where(
            Match.relationship_tested == relationship)).all()
        return {(specimen[m.child_profile_id], specimen[m.relative_profile_id],
                 specimen.get(m.other_parent_profile_id), round(m.log10_lr, 9))
                for m in rows}


def run(factory, client, settings, cipher, **options):
    return batch_match(factory, client, cipher=cipher, settings=settings,
                       options=BatchOptions(**options), actor="batch-test",
                       power_simulations=POWER_SIMS)


@pytest.mark.parametrize("chunks", [1, 3])
def test_engine_top_k_equals_single_search_over_all_references(
        factory, settings, cipher, registry, client, chunks):
    """Every child's merged top-k over partitions of 7 references (each scored whole, or
    by three ranges of the children) is the top-k of one search over all references:
    the same references in the same order with the same log10 LRs."""
    with factory() as session:
        store = ProfileStores().store(session, cipher, settings)
    index = store.relatives["parent-child"]
    ids = list(index.sample_ids)
    blocks = child_chunks(partition_blocks(references_as_codes(index, ids), ids, 7),
                          len(registry.children), chunks)
    assert len(blocks) == 6 * chunks
    context = SearchContext("parent-child", index.frequencies, tuple(index.loci), index.model,
                            tuple(registry.children), 5)
    results = list(run_partitions(client, context, blocks, token=f"engine-test-{chunks}"))
    merged = merge_top_k([h for r in results for h in r.hits], 5)
    assert sum(r.pairs_compared for r in results) == len(ids) * len(registry.children)
    for child in registry.children:
        single = index.search(child, "parent-child", k=5)
        assert [(h.sample_id, h.log10_lr, h.loci_compared, h.exclusions)
                for h in merged[child.sample_id]] == \
            [(h.sample_id, h.log10_lr, h.loci_compared, h.exclusions) for h in single.hits]


def test_child_chunks_cover_every_child_once_in_block_order():
    blocks = partition_blocks(np.zeros((2, 5), dtype=np.uint16), list("abcde"), 2)
    parts = child_chunks(blocks, 7, 3)
    assert [(p.partition, p.reference_block, p.children) for p in parts] == [
        (0, 0, (0, 2)), (1, 0, (2, 5)), (2, 0, (5, 7)),
        (3, 1, (0, 2)), (4, 1, (2, 5)), (5, 1, (5, 7)),
        (6, 2, (0, 2)), (7, 2, (2, 5)), (8, 2, (5, 7))]
    assert [p.children for p in child_chunks(blocks[:1], 2, 5)] == [(0, 1), (1, 2)]
    with pytest.raises(ValueError, match="at least 1"):
        child_chunks(blocks, 7, 0)


def test_a_worker_never_reuses_an_index_of_another_run(factory, settings, cipher, registry):
    """The per-worker cache of indexes is keyed by the block and bound to its run's
    context: the same block number with other references, in a new context, is built
    again (here in this process, as a worker would)."""
    with factory() as session:
        store = ProfileStores().store(session, cipher, settings)
    index = store.relatives["parent-child"]
    ids = list(index.sample_ids)
    codes = references_as_codes(index, ids)
    child = registry.children[0]
    results = []
    for chosen in (ids[: len(ids) // 2], ids[len(ids) // 2:]):
        context = SearchContext("parent-child", index.frequencies, tuple(index.loci),
                                index.model, (child,), 3)
        block = partition_blocks(codes[:, [ids.index(s) for s in chosen]], chosen,
                                 len(chosen))[0]
        results.append(score_partition(context, block))
        assert {h.sample_id for h in results[-1].hits} <= set(chosen)
    assert results[0].hits != results[1].hits


@pytest.mark.parametrize("relationship", ["parent-child", "couple"])
def test_batch_candidates_equal_single_searches(factory, settings, cipher, registry, client,
                                                relationship):
    expected = single_search_candidates(factory, settings, cipher, registry, relationship)
    # every true parent (and couple) of the six families is found
    assert len(expected) == (12 if relationship == "parent-child" else 6)
    summary = run(factory, client, settings, cipher, relationship=relationship,
                  partition_size=5)
    assert stored_candidates(factory, relationship) == expected
    assert summary.candidates_created == len(expected)
    # blocks of 5 references, each scored by 4 ranges of the children (2 x 2 threads)
    assert summary.partitions == math.ceil(summary.references / 5) * 4 > 4
    with factory() as session:
        assert session.get(BatchRun, summary.run_id).child_chunks == 4
        audited = session.scalar(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.entity == "match", AuditEvent.action == "create"))
        assert audited == len(expected)
    # a second full re-match finds the same hits and writes no duplicate
    again = run(factory, client, settings, cipher, relationship=relationship,
                partition_size=5)
    assert again.run_id != summary.run_id and again.candidates_created == 0
    assert stored_candidates(factory, relationship) == expected


def test_resumed_run_skips_finished_partitions_and_matches_a_clean_run(
        factory, settings, cipher, registry, client):
    expected = single_search_candidates(factory, settings, cipher, registry, "parent-child")

    class Stopped(Exception):
        pass

    def stop_after_two(done: int, total: int) -> None:
        if done == 2:
            raise Stopped

    with pytest.raises(Stopped):
        batch_match(factory, client, cipher=cipher, settings=settings,
                    options=BatchOptions(partition_size=4), actor="batch-test",
                    on_partition=stop_after_two, power_simulations=POWER_SIMS)
    with factory() as session:
        run_row = session.scalars(select(BatchRun)).one()
        assert run_row.status == "running"
        assert session.scalar(select(func.count()).select_from(BatchPartition)) == 2
        assert session.scalar(select(func.count()).select_from(Match)) == 0
    summary = run(factory, client, settings, cipher, partition_size=4)
    assert summary.run_id == run_row.id and summary.partitions_skipped == 2
    assert stored_candidates(factory, "parent-child") == expected
    with factory() as session:
        partitions = session.scalars(select(BatchPartition.partition)).all()
        assert sorted(partitions) == list(range(summary.partitions))
        staged = session.execute(select(BatchHit.partition, BatchHit.child_profile_id,
                                        BatchHit.relative_profile_id)).all()
        assert len(staged) == len(set(staged)), "a partition's hits were staged twice"


def _kill_worker_once(marker: str):
    """A task function that kills its own worker process the first time partition 1 is
    scored (as a crash would), then scores normally when Dask runs the task again."""

    def score(context, block):
        if block.partition == 1:
            path = Path(marker)
            if not path.exists():
                path.write_text(str(os.getpid()))
                os._exit(1)
            Path(marker + ".rerun").write_text(str(os.getpid()))
        return score_partition(context, block)

    return score


def test_a_killed_worker_gives_the_same_result(factory, settings, cipher, registry, client,
                                               tmp_path):
    expected = single_search_candidates(factory, settings, cipher, registry, "parent-child")
    marker = str(tmp_path / "killed")
    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    summary = batch_match(factory, client, cipher=cipher, settings=settings,
                          options=BatchOptions(partition_size=6), actor="batch-test",
                          score=_kill_worker_once(marker), power_simulations=POWER_SIMS)
    killed, rerun = Path(marker).read_text(), Path(marker + ".rerun").read_text()
    assert killed != rerun, "the task ran again in a new worker process"
    assert summary.partitions_skipped == 0
    assert stored_candidates(factory, "parent-child") == expected
    client.wait_for_workers(2, timeout=60)  # the nanny restarted it for the next tests
