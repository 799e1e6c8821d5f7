"""Request dependencies: the database session, the signed-in user, capability checks.

Every route declares what it needs (``Depends(needs("review"))``); a route without a
declared capability is public. Anonymous users are sent to the login page (HTML) or get
401 (API); signed-in users without the capability get 403. State-changing requests carry
the session's CSRF token (a form field, or the ``X-CSRF-Token`` header for the API).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Depends, HTTPException, Request
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry.db import session_scope
from homeward.registry.models import User
from homeward.web import access
from homeward.web.security import csrf_matches, new_csrf_token

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


def db(request: Request) -> Iterator[Session]:
    """One transaction per request: committed on success (reads are audited too)."""
    with session_scope(request.app.state.factory) as session:
        yield session


# Commit before the answer is sent ("function" scope): a client that follows a redirect
# must read what it just wrote, and a failed commit must never follow a success answer.
DB = Depends(db, scope="function")


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = new_csrf_token()
    return token


def current_user(request: Request, session: Session = DB) -> User | None:
    user_id = request.session.get("user_id")
    user = None
    if user_id is not None:
        user = session.scalar(select(User).where(User.id == user_id, User.active))
        if user is None:
            request.session.clear()
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
