"""Errors of batch jobs: a workflow error, so the CLI prints one line and exits 2."""

from __future__ import annotations

from homeward.workflow.errors import WorkflowError


class BatchError(WorkflowError):
    """A batch job refused its input or could not run."""


class SchedulerUnreachableError(BatchError):
    """The Dask scheduler at the given address did not answer in time."""
