"""The Dask cluster of a batch job: a ``LocalCluster`` by default, or any running
cluster by its scheduler address. The same code runs on both; we run no scheduler of
our own (https://distributed.dask.org/en/stable/client.html)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from homeward.batch.errors import SchedulerUnreachableError

CONNECT_TIMEOUT_SECONDS = 5.0


@contextmanager
def dask_client(address: str | None = None, *, n_workers: int = 2,
                threads_per_worker: int = 1,
                timeout_seconds: float = CONNECT_TIMEOUT_SECONDS) -> Iterator[object]:
    """A connected ``distributed.Client``; closed (and a local cluster shut down) on exit.

    Local workers are processes with one thread each, and so are their Numba kernels
    (``NUMBA_NUM_THREADS=1``): Dask, not Numba, spreads the work over the cores.

    :raises SchedulerUnreachableError: the scheduler did not answer within
        ``timeout_seconds`` (before anything was written).
    """
    from distributed import Client, LocalCluster

    if address:
        try:
            client = Client(address, timeout=f"{timeout_seconds}s")
        except (OSError, TimeoutError) as error:
            raise SchedulerUnreachableError(
                f"no Dask scheduler answered at {address} within {timeout_seconds:g} s "
                f"({type(error).__name__}); nothing was written") from None
        try:
            yield client
        finally:
            client.close()
        return
    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=threads_per_worker,
                           processes=True, dashboard_address=None,
                           env={"NUMBA_NUM_THREADS": str(threads_per_worker)})
    client = Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
