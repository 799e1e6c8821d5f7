"""Signing in, the same way for the login form and ``POST /api/v1/session``.

Failures are counted per account and per client address (``RateLimiter``) and written to
the audit chain in their own transaction, so that they stay recorded even though the
request itself fails. A successful sign-in starts a new session (no fixation).
"""

from __future__ import annotations

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry import audit
from homeward.registry.models import User
from homeward.web.security import verify_password


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
    keys = (f"user:{username.lower()}", f"ip:{client_address(request)}")
    wait = throttle.blocked(*keys)
    if wait:
        raise SignInRefused(429, f"Too many failed sign-ins; try again in {wait:.0f} seconds.")
    account = session.scalar(select(User).where(User.username == username, User.active))
    if account is None or not verify_password(account.password_hash, password):
        throttle.hit(*keys)
        audit.record(session, actor=username[:80] or "?", action="login_failed",
                     entity="user", entity_id=account.id if account else "-")
        session.commit()
        raise SignInRefused(401, "Wrong user name or password.")
    throttle.reset(*keys)
    request.session.clear()
    request.session["user_id"] = account.id
    audit.record(session, actor=account.username, action="login", entity="user",
                 entity_id=account.id)
    return account
