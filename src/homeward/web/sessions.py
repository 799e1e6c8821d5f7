"""Server-side sign-in sessions: the signed cookie carries only a random token.

The ``user_sessions`` row (keyed by the token's SHA-256) decides whether the cookie still
opens the account: it is ended on sign-out, on a password change or reset, a role change
and a deactivation (``workflow.accounts.revoke_sessions``), after
``session_idle_minutes`` without a request and ``session_absolute_hours`` after sign-in,
whatever the cookie says. ``app.state.clock`` (aware UTC datetimes) is injectable for tests.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from fastapi import Request
from sqlalchemy.orm import Session

from homeward.registry.db import READ_ONLY
from homeward.registry.models import User, UserSession, utcnow

COOKIE_KEY = "sid"
# last_seen_at is written at most this often: not one write per request
TOUCH_EVERY = dt.timedelta(seconds=60)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now(request: Request) -> dt.datetime:
    return getattr(request.app.state, "clock", utcnow)()


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes: they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _read_only(session: Session) -> bool:
    return bool(session.get_bind().get_execution_options().get(READ_ONLY))


def start(request: Request, session: Session, account: User) -> UserSession:
    """A new session for this account (a new token: no fixation)."""
    request.session.clear()
    token = secrets.token_urlsafe(32)
    now = _now(request)
    row = UserSession(id=_digest(token), user_id=account.id, created_at=now, last_seen_at=now)
    session.add(row)
    request.session[COOKIE_KEY] = token
    return row


def current_id(request: Request) -> str | None:
    token = request.session.get(COOKIE_KEY)
    return _digest(token) if isinstance(token, str) else None


def resolve(request: Request, session: Session) -> User | None:
    """The active account of this request's live session, or None (cookie then cleared)."""
    session_id = current_id(request)
    if session_id is None:
        return None
    row = session.get(UserSession, session_id)
    reason = None if row is not None else "unknown"
    user = None
    if row is not None and row.revoked_at is None:
        settings = request.app.state.settings
        now = _now(request)
        last_seen = _aware(row.last_seen_at)
        if now - _aware(row.created_at) > dt.timedelta(hours=settings.session_absolute_hours):
            reason = "expired"
        elif now - last_seen > dt.timedelta(minutes=settings.session_idle_minutes):
            reason = "idle"
        else:
            user = session.get(User, row.user_id)
            if user is None or not user.active:
                user, reason = None, "deactivated"
            elif now - last_seen >= TOUCH_EVERY and not _read_only(session):
                row.last_seen_at = now
        if reason and not _read_only(session):
            row.revoked_at, row.revoked_reason = now, reason
    if user is None:
        request.session.clear()
    return user


def end(request: Request, session: Session, reason: str = "signed_out") -> None:
    """Sign out here: the session is ended on the server, the cookie emptied."""
    session_id = current_id(request)
    if session_id is not None:
        row = session.get(UserSession, session_id)
        if row is not None and row.revoked_at is None:
            row.revoked_at, row.revoked_reason = _now(request), reason
    request.session.clear()
