"""All children against all references, partition by partition, on a Dask cluster.

The references are cut into blocks, each a NumPy block of the engine's own genotype
codes (``codes[locus, person]``, uint16, as :class:`~homeward.kinship.search.ProfileIndex`
stores them). What every task needs besides its block, the :class:`SearchContext` (the
frequency table with every allele of the queries, the kinship model, the loci and the
children's profiles), is sent to every worker once (``client.scatter(broadcast=True)``).
A task wraps its block in a ``ProfileIndex`` (or a ``CoupleIndex``) without copying it and
runs the engine's search for each child: the same kernels, bitset prefilter and float64
figures as a single search. Each task returns the top-k of each child in its partition;
the client merges them into the top-k over all partitions.

A *partition* (one task) is a block of references and a range of the children
(:func:`child_chunks`). A search costs a fixed part per query (its tables and its
prefilter, a millisecond or two) besides the part that grows with the references, so
cutting the references into many small blocks would pay the fixed part once per block
for every child; cutting the children instead pays it once per child, as a single search
does, and spreads it over the workers. A worker keeps the last indexes it built
(:func:`searcher_for`), so the chunks of one block that land on it build it once.

A task is a pure function of its inputs, so a task that Dask re-runs after a worker died
returns the same hits: the result of a run does not depend on which worker did what.
This module knows nothing of the registry (see :mod:`homeward.batch.job`).
"""

from __future__ import annotations

import dataclasses
import math
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from homeward.kinship.frequencies import FrequencyTable
from homeward.kinship.model import KinshipModel
from homeward.kinship.profiles import Profile
from homeward.kinship.search import CoupleIndex, ProfileIndex, SearchResult

RELATIONSHIPS = ("parent-child", "couple", "full-siblings")


@dataclass(frozen=True)
class SearchContext:
    """What every task shares: broadcast to each worker once."""

    relationship: str
    frequencies: FrequencyTable
    loci: tuple[str, ...]
    model: KinshipModel
    children: tuple[Profile, ...]
    k: int
    # hits below this log10 LR are not sent back (the screening threshold of a run)
    keep_log10: float = -math.inf


@dataclass(frozen=True)
class ReferenceBlock:
    """One partition: references (or couples: first and second partners) as codes, and
    the range of the context's children scored against them (all when ``None``)."""

    partition: int
    sample_ids: np.ndarray  # of str: one buffer to send, not a million Python strings
    codes: np.ndarray
    partner_ids: np.ndarray | None = None
    partner_codes: np.ndarray | None = None
    block: int | None = None  # the block of references (partitions share it); default
    children: tuple[int, int] | None = None

    def __len__(self) -> int:
        return len(self.sample_ids)

    @property
    def reference_block(self) -> int:
        return self.partition if self.block is None else self.block


@dataclass(frozen=True)
class BlockHit:
    """A hit of one child in one partition; ``position`` orders ties as a single search
    over the whole database would (its index position)."""

    child_id: str
    sample_id: str
    partner_id: str | None
    log10_lr: float
    loci_compared: int
    exclusions: int
    partition: int
    position: int


@dataclass
class PartitionResult:
    partition: int
    references: int
    pairs_compared: int
    profiles_scored: int
    seconds: float
    hits: list[BlockHit] = field(default_factory=list)


Position = Callable[[str, str | None], int]


def searcher(context: SearchContext, block: ReferenceBlock
             ) -> tuple[Callable[[Profile], SearchResult], Position]:
    """The engine's search over one block, and each reference's position in it."""
    if context.relationship == "couple":
        if block.partner_ids is None or block.partner_codes is None:
            raise ValueError(f"partition {block.partition}: a couple block needs partners")
        base = ProfileIndex(context.frequencies, context.loci, context.model)
        couples = list(zip(block.sample_ids.tolist(), block.partner_ids.tolist(),
                           strict=True))
        couple_index = CoupleIndex.from_codes(base, block.codes, block.partner_codes, couples)
        positions = {couple: i for i, couple in enumerate(couples)}
        return (lambda child: couple_index.search(child, k=context.k)), \
            (lambda sample, partner: positions[(sample, partner)])
    index = ProfileIndex.from_codes(block.codes, block.sample_ids.tolist(), context.frequencies,
                                    context.loci, context.model)
    return (lambda child: index.search(child, context.relationship, k=context.k)), \
        (lambda sample, _: index.position(sample))


_SEARCHERS: OrderedDict[int, tuple[weakref.ref, Callable, Position]] = OrderedDict()
_SEARCHERS_LOCK = threading.Lock()
CACHED_BLOCKS = 2  # indexes a worker keeps: its current block and the one before


def searcher_for(context: SearchContext, block: ReferenceBlock
                 ) -> tuple[Callable[[Profile], SearchResult], Position]:
    """:func:`searcher`, kept per worker process for the next partition of the same block.

    An entry is used only with the very context object it was built for (a weak
    reference: the context Dask keeps on the worker for one run), so another run, or a
    context rebuilt after a worker restarted, never meets an index of other references.
    """
    key = block.reference_block
    with _SEARCHERS_LOCK:
        entry = _SEARCHERS.get(key)
        if entry is not None and entry[0]() is context:
            _SEARCHERS.move_to_end(key)
            return entry[1], entry[2]
    search, position = searcher(context, block)
    with _SEARCHERS_LOCK:
        _SEARCHERS[key] = (weakref.ref(context), search, position)
        while len(_SEARCHERS) > CACHED_BLOCKS:
            _SEARCHERS.popitem(last=False)
    return search, position


def score_partition(context: SearchContext, block: ReferenceBlock) -> PartitionResult:
    """The partition's children against its block: the top-k of each child there (a Dask
    task)."""
    start = time.perf_counter()
    search, position = searcher_for(context, block)
    first, last = block.children or (0, len(context.children))
    children = context.children[first:last]
    result = PartitionResult(block.partition, len(block), len(block) * len(children), 0, 0.0)
    for child in children:
        found = search(child)
        result.profiles_scored += int(found.params.get("profiles_scored", len(block)))
        for hit in found.hits:
            if hit.log10_lr >= context.keep_log10:
                result.hits.append(BlockHit(
                    child.sample_id, hit.sample_id, hit.partner_id, hit.log10_lr,
                    hit.loci_compared, hit.exclusions, block.partition,
                    position(hit.sample_id, hit.partner_id)))
    result.seconds = time.perf_counter() - start
    return result


def merge_top_k(hits: Sequence[BlockHit], k: int) -> dict[str, list[BlockHit]]:
    """The top-k of each child over all partitions: by LR, ties in index order (the
    partitions cut the references in that order, so partition then position)."""
    by_child: dict[str, list[BlockHit]] = {}
    for hit in hits:
        by_child.setdefault(hit.child_id, []).append(hit)
    return {child: sorted(found, key=lambda h: (-h.log10_lr, h.partition, h.position))[:k]
            for child, found in by_child.items()}


def partition_blocks(codes: np.ndarray, sample_ids: Sequence[str], size: int, *,
                     partner_codes: np.ndarray | None = None,
                     partner_ids: Sequence[str] | None = None) -> list[ReferenceBlock]:
    """Cut references (columns of ``codes``, in the order given) into blocks of ``size``."""
    if size < 1:
        raise ValueError("partition size must be at least 1")
    blocks = []
    for number, start in enumerate(range(0, len(sample_ids), size)):
        stop = min(start + size, len(sample_ids))
        blocks.append(ReferenceBlock(
            number, np.asarray(sample_ids[start:stop], dtype=str),
            np.ascontiguousarray(codes[:, start:stop]),
            np.asarray(partner_ids[start:stop], dtype=str) if partner_ids is not None
            else None,
            np.ascontiguousarray(partner_codes[:, start:stop])
            if partner_codes is not None else None))
    return blocks


def child_chunks(blocks: Sequence[ReferenceBlock], n_children: int, chunks: int
                 ) -> list[ReferenceBlock]:
    """Each block once per range of children: ``chunks`` near-equal ranges (fewer when
    there are fewer children), partition ``block * chunks + range``, so that the
    partitions of a child stay in the order of the blocks (ties in :func:`merge_top_k`)."""
    if chunks < 1:
        raise ValueError("child chunks must be at least 1")
    chunks = max(1, min(chunks, n_children))
    bounds = [round(i * n_children / chunks) for i in range(chunks + 1)]
    return [dataclasses.replace(block, partition=block.partition * chunks + i,
                                block=block.partition, children=(bounds[i], bounds[i + 1]))
            for block in blocks for i in range(chunks)]


def run_partitions(client, context: SearchContext, blocks: Sequence[ReferenceBlock], *,
                   token: str, score: Callable[[SearchContext, ReferenceBlock],
                                               PartitionResult] = score_partition,
                   ) -> Iterator[PartitionResult]:
    """Submit one task per block and yield each partition's result as it completes.

    :param token: names the tasks (``homeward-batch-<token>-<partition>``), so that the
        same partition of the same run is one task on the cluster.
    :param score: the task function (tests put a wrapper here that kills its worker).
    """
    from distributed import as_completed

    if not blocks:
        return
    shared = client.scatter(context, broadcast=True, hash=False)
    # A block travels inside its task, not scattered to one worker: when that worker
    # dies the scheduler still holds the block and runs the task elsewhere (scattered
    # data would be lost with it); the context has a copy on every worker.
    futures = [client.submit(score, shared, block, pure=False,
                             key=f"homeward-batch-{token}-{block.partition}")
               for block in blocks]
    try:
        for future in as_completed(futures):
            yield future.result()
            future.release()
    finally:
        for future in futures:
            future.cancel()


def peak_memory_per_worker(client) -> dict[str, int]:
    """Each worker process's peak resident memory (bytes), from ``getrusage``."""

    def peak() -> int:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024

    return {str(worker): int(value) for worker, value in client.run(peak).items()}


def references_as_codes(index: ProfileIndex, sample_ids: Sequence[str]) -> np.ndarray:
    """The index's codes of these references, in this order (a copy: loci x refs)."""
    positions = np.fromiter((index.position(s) for s in sample_ids), dtype=np.int64,
                            count=len(sample_ids))
    return np.ascontiguousarray(index.codes[:, positions])
