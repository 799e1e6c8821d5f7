"""Request dependencies: the database session, the signed-in user, capability checks.

Every route declares what it needs (``Depends(needs("review"))``); a route without a
declared capability is public. Anonymous users are sent to the login page (HTML) or get
401 (API); signed-in users without the capability get 403. State-changing requests carry
the session's CSRF token (a form field, or the ``X-CSRF-Token`` header for the API).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import anyio
import anyio.to_thread
from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from homeward.registry.models import User
from homeward.web import access, sessions
from homeward.web.security import csrf_matches, new_csrf_token
from homeward.web.writer_gate import entered

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass(frozen=True)
class Viewer:
    """What pages show of the signed-in user; a copy, valid even after a rollback."""

    username: str
    display_name: str
    role: str
    active: bool
    jurisdiction: str | None
    institution: str | None

    @classmethod
    def of(cls, user: User) -> Viewer:
        return cls(user.username, user.display_name, user.role, user.active,
                   user.jurisdiction, user.institution)


async def db(request: Request) -> AsyncIterator[Session]:
    """One transaction per request: committed on success (reads are audited too).

    The session is opened behind the writer gate (web/writer_gate.py, SQLite only) and its
    commit or rollback runs in a worker thread, never on the event loop.
    """
    async with entered(getattr(request.app.state, "writer_gate", None)):
        session = request.app.state.factory()
        # The end of a transaction never waits for a handler thread: handlers may all be
        # waiting for the lock this transaction holds (the audit chain's single writer).
        ending = anyio.CapacityLimiter(1)
        try:
            yield session
            await anyio.to_thread.run_sync(session.commit, limiter=ending)
        except BaseException:
            await anyio.to_thread.run_sync(session.rollback, limiter=ending)
            raise
        finally:
            await anyio.to_thread.run_sync(session.close, limiter=ending)


# Commit before the answer is sent ("function" scope): a client that follows a redirect
# must read what it just wrote, and a failed commit must never follow a success answer.
DB = Depends(db, scope="function")


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = new_csrf_token()
    return token


def current_user(request: Request, session: Session = DB) -> User | None:
    """The account of the request's live server-side session (web/sessions.py)."""
    user = sessions.resolve(request, session)
    request.state.user = Viewer.of(user) if user else None
    return user


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing request without the session's CSRF token."""
    if request.method in SAFE_METHODS:
        return
    given = request.headers.get("x-csrf-token")
    if given is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        given = (await request.form()).get("csrf_token")
    if not csrf_matches(request.session.get("csrf"), given if isinstance(given, str)
                        else None):
        raise HTTPException(403, "missing or wrong CSRF token; reload the page and retry")


def needs(capability: str):
    """A dependency that yields the signed-in user holding ``capability``."""

    def dependency(user: User | None = Depends(current_user)) -> User:
        if user is None:
            raise HTTPException(401, "sign in first")
        if not access.can(user, capability):
            raise HTTPException(403, "your role may not open this page")
        return user

    dependency.__name__ = f"needs_{capability}"
    return dependency
