"""The exception classes that the CLI reports as user errors (exit status 2)."""

from __future__ import annotations


def user_errors() -> tuple[type[Exception], ...]:
    """Errors a user can act on: bad input, refused rules, unknown records."""
    from homeward.kinship.errors import KinshipError
    from homeward.security.crypto import ProfileKeyError
    from homeward.workflow.errors import WorkflowError

    return (KinshipError, WorkflowError, ProfileKeyError)
