"""Signing in, the same way for the login form and ``POST /api/v1/session``.

Failures slow further attempts down (``SignInThrottle``: per account from this address,
per address, per account) and are written to the audit chain in their own transaction,
so that they stay recorded even though the request itself fails. An unknown user name
costs the same password check as a known one (no enumeration by timing). A successful
sign-in starts a new server-side session (web/sessions.py; no fixation).
"""

from __future__ import annotations

from math import ceil

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry import audit
from homeward.registry.models import User
from homeward.web import sessions
from homeward.web.security import verify_password
from homeward.workflow import accounts
from homeward.workflow.errors import PermissionDeniedError


class SignInRefused(Exception):
    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(message)
        self.status_code = status_code


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def sign_in(request: Request, session: Session, username: str, password: str) -> User:
    """The active account these credentials open, now bound to a fresh session.

    :raises SignInRefused: 429 while throttled, 401 for a wrong user name or password.
    """
    throttle = request.app.state.throttle
    address = client_address(request)
    wait = throttle.wait(username, address)
    if wait > 0:
        raise SignInRefused(429, f"Too many failed sign-ins; try again in {ceil(wait)} seconds.")
    account = session.scalar(select(User).where(User.username == username, User.active))
    # verified even without an account (against a dummy hash): the same cost either way
    matches = verify_password(account.password_hash if account else None, password)
    if account is None or not matches:
        throttle.failed(username, address)
        audit.record(session, actor=username[:80] or "?", action="login_failed",
                     entity="user", entity_id=account.id if account else "-")
        session.commit()
        raise SignInRefused(401, "Wrong user name or password.")
    throttle.succeeded(username, address)
    sessions.start(request, session, account)
    audit.record(session, actor=account.username, action="login", entity="user",
                 entity_id=account.id)
    return account


def sign_out(request: Request, session: Session, user: User | None, *,
             everywhere: bool = False) -> None:
    """End this session on the server; with ``everywhere``, every session of the account."""
    if user is not None:
        ended = accounts.revoke_sessions(session, user.id, "signed_out") if everywhere else 1
        audit.record(session, actor=user.username, action="logout", entity="user",
                     entity_id=user.id, details={"sessions_ended": ended})
    sessions.end(request, session)


def change_own_password(request: Request, session: Session, user: User,
                        current_password: str, new_password: str) -> None:
    """The signed-in user changes their password; a wrong current password counts as a
    failed sign-in (a stolen session must not become a way to guess the password). Every
    session ends and this client gets a new one.

    :raises SignInRefused: 429 while throttled.
    :raises PermissionDeniedError: for a wrong current password.
    """
    throttle, address = request.app.state.throttle, client_address(request)
    wait = throttle.wait(user.username, address)
    if wait > 0:
        raise SignInRefused(429, f"Too many failed attempts; try again in {ceil(wait)} "
                                 "seconds.")
    try:
        accounts.change_own_password(session, account=user, current_password=current_password,
                                     new_password=new_password)
    except PermissionDeniedError:
        throttle.failed(user.username, address)
        raise
    sessions.start(request, session, user)
