"""Errors of the registry and workflow, each with a message a user can act on."""

from __future__ import annotations

from dataclasses import dataclass


class WorkflowError(Exception):
    """Base class: a request the rules refuse."""


class NotFoundError(WorkflowError):
    """A record that does not exist."""


class IllegalTransitionError(WorkflowError):
    """A state change the state machine does not allow."""


class RuleViolationError(WorkflowError):
    """A rule of child protection or evidence refuses the change."""


class ConsentRequiredError(RuleViolationError):
    """A consent (sample donor, or a child aged 16+) is missing."""


class PermissionDeniedError(WorkflowError):
    """The actor's role does not allow this action."""


@dataclass(frozen=True)
class RowError:
    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}, {self.field}: {self.reason}"


class ImportFailedError(WorkflowError):
    """An import with bad rows: nothing was stored; every bad row is listed."""

    def __init__(self, source: str, errors: list[RowError]) -> None:
        self.source = source
        self.errors = errors
        lines = "\n".join(f"  {e}" for e in errors[:200])
        more = f"\n  ... and {len(errors) - 200} more" if len(errors) > 200 else ""
        super().__init__(f"{source}: {len(errors)} bad row(s), nothing was stored\n"
                         f"{lines}{more}")
