"""National-scale jobs on Dask: all found children against all references in one run.

- :mod:`homeward.batch.engine`: partitions of references as NumPy blocks, the engine's own
  search inside each task, top-k per child merged across partitions (no registry here);
- :mod:`homeward.batch.cluster`: a ``LocalCluster`` by default, any scheduler by address;
- :mod:`homeward.batch.job`: the registry side: a snapshot of the profiles, resumable runs
  (finished partitions are recorded and skipped), hits written back in bulk and turned
  into match candidates by the same rules as a single search;
- :mod:`homeward.batch.summary`: what a run compared, found and should expect by chance.
"""

from homeward.batch.errors import BatchError, SchedulerUnreachableError

__all__ = ["BatchError", "SchedulerUnreachableError"]
