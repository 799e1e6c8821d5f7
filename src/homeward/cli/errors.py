"""The exception classes that the CLI reports as user errors (exit status 2)."""

from __future__ import annotations

from homeward.kinship.errors import KinshipError

USER_ERRORS: tuple[type[Exception], ...] = (KinshipError,)


def register_user_error(kind: type[Exception]) -> None:
    """Let another package (registry, workflow) declare its user-facing errors."""
    global USER_ERRORS
    if kind not in USER_ERRORS:
        USER_ERRORS = (*USER_ERRORS, kind)
