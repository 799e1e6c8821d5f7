"""Accounts: create, deactivate, reset and change passwords, change roles with four eyes.

The command line, the administrators' pages and the API call these functions alike, so
the rules hold whichever door is used:

- an account never changes its own role, jurisdiction or institution;
- giving a role that opens children's files or DNA, or the administrator role that
  approves such changes (``access.change_needs_approval``), waits for a second
  administrator, who is neither the requester nor the account concerned; an account
  created through the web with such a role starts without rights (volunteer) until then;
- a password change or reset, a role change and a deactivation end every session of the
  account (``revoke_sessions``);
- every step is written to the audit chain.

The command line (``homeward users``) is run by whoever holds the server's shell and keys;
it creates the first accounts of an installation and needs no second approval.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from homeward.registry import audit
from homeward.registry.models import RoleChangeRequest, User, UserSession, utcnow
from homeward.web.access import ROLES, change_needs_approval
from homeward.web.security import hash_password, verify_password
from homeward.workflow.errors import NotFoundError, PermissionDeniedError, RuleViolationError

MIN_PASSWORD_LENGTH = 10
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,60}$")
STAFF_ROLES = tuple(r for r in ROLES if r != "family")  # families register themselves
WITHOUT_RIGHTS = "volunteer"


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleViolationError(
            f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > 200:
        raise RuleViolationError("a password has at most 200 characters")


def _check_role(role: str) -> None:
    if role not in STAFF_ROLES:
        raise RuleViolationError(f"unknown role {role!r}; choose one of "
                                 f"{', '.join(STAFF_ROLES)}")


def find_user(session: Session, username: str) -> User:
    account = session.scalar(select(User).where(User.username == username))
    if account is None:
        raise NotFoundError(f"no account named {username!r}")
    return account


def get_user(session: Session, user_id: int) -> User:
    account = session.get(User, user_id)
    if account is None:
        raise NotFoundError(f"no account with id {user_id}")
    return account


def list_users(session: Session) -> Sequence[User]:
    return session.scalars(select(User).order_by(User.username)).all()


def revoke_sessions(session: Session, user_id: int, reason: str) -> int:
    """End every open session of the account; the number ended."""
    query = update(UserSession).where(UserSession.user_id == user_id,
                                      UserSession.revoked_at.is_(None))
    result = session.execute(query.values(revoked_at=utcnow(), revoked_reason=reason[:40]),
                             execution_options={"synchronize_session": False})
    return int(getattr(result, "rowcount", 0) or 0)


def create_user(session: Session, *, actor: str, username: str, display_name: str,
                role: str, password: str, jurisdiction: str | None = None,
                institution: str | None = None,
                four_eyes: bool = True) -> tuple[User, RoleChangeRequest | None]:
    """A new staff account; with ``four_eyes`` a role that needs approval is requested,
    and the account holds no rights until a second administrator approves it."""
    if not USERNAME.match(username):
        raise RuleViolationError("a user name has 3 to 60 letters, digits or . _ @ -")
    _check_role(role)
    check_password(password)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise RuleViolationError(f"the user name {username!r} is taken")
    waits = four_eyes and change_needs_approval(role)
    account = User(username=username, display_name=display_name or username,
                   role=WITHOUT_RIGHTS if waits else role,
                   jurisdiction=None if waits else jurisdiction or None,
                   institution=None if waits else institution or None,
                   password_hash=hash_password(password), active=True)
    session.add(account)
    session.flush()
    audit.record(session, actor=actor, action="create", entity="user", entity_id=account.id,
                 details={"username": username, "role": account.role,
                          "jurisdiction": account.jurisdiction,
                          "institution": account.institution})
    request = None
    if waits:
        request = _file_request(session, actor, account, role, jurisdiction, institution)
    return account, request


def _file_request(session: Session, actor: str, account: User, role: str,
                  jurisdiction: str | None, institution: str | None) -> RoleChangeRequest:
    request = RoleChangeRequest(user_id=account.id, role=role,
                                jurisdiction=jurisdiction or None,
                                institution=institution or None, requested_by=actor,
                                requested_at=utcnow(), status="pending")
    session.add(request)
    session.flush()
    audit.record(session, actor=actor, action="request_role", entity="user",
                 entity_id=account.id,
                 details={"request": request.id, "role": role, "jurisdiction": jurisdiction,
                          "institution": institution})
    return request


def _apply_role(session: Session, actor: str, account: User, role: str,
                jurisdiction: str | None, institution: str | None, **details: object) -> None:
    before = {"role": account.role, "jurisdiction": account.jurisdiction,
              "institution": account.institution}
    account.role = role
    account.jurisdiction, account.institution = jurisdiction or None, institution or None
    ended = revoke_sessions(session, account.id, "role_changed")
    audit.record(session, actor=actor, action="change_role", entity="user",
                 entity_id=account.id,
                 details={"before": before, "role": role, "jurisdiction": jurisdiction,
                          "institution": institution, "sessions_ended": ended, **details})


def request_role_change(session: Session, *, actor: str, account: User, role: str,
                        jurisdiction: str | None = None, institution: str | None = None,
                        four_eyes: bool = True) -> RoleChangeRequest | None:
    """Change an account's role, jurisdiction or institution: at once when it takes
    rights away (or from the command line), else as a request for a second administrator.

    :raises PermissionDeniedError: for one's own account.
    """
    jurisdiction, institution = jurisdiction or None, institution or None
    if (role, jurisdiction, institution) == (account.role, account.jurisdiction,
                                             account.institution):
        return None
    if actor == account.username:
        raise PermissionDeniedError("an account never changes its own role or jurisdiction; "
                                    "ask another administrator")
    _check_role(role)
    if account.role == "family":
        raise RuleViolationError("a family account keeps its role")
    if four_eyes and change_needs_approval(role):
        return _file_request(session, actor, account, role, jurisdiction, institution)
    _apply_role(session, actor, account, role, jurisdiction, institution)
    return None


def pending_requests(session: Session) -> Sequence[RoleChangeRequest]:
    return session.scalars(select(RoleChangeRequest).where(
        RoleChangeRequest.status == "pending").order_by(RoleChangeRequest.id)).all()


def _pending(session: Session, request_id: int) -> tuple[RoleChangeRequest, User]:
    request = session.get(RoleChangeRequest, request_id)
    if request is None or request.status != "pending":
        raise NotFoundError(f"no pending role change number {request_id}")
    account = get_user(session, request.user_id)
    return request, account


def approve_role_change(session: Session, *, approver: str, request_id: int) -> User:
    """The second administrator's approval: the change is applied and audited.

    :raises PermissionDeniedError: when the approver asked for it or is the account.
    """
    request, account = _pending(session, request_id)
    if approver == request.requested_by:
        raise PermissionDeniedError("a second administrator must approve this change, "
                                    "not the one who asked for it")
    if approver == account.username:
        raise PermissionDeniedError("an account never approves a change of its own role")
    request.status, request.decided_by, request.decided_at = "approved", approver, utcnow()
    _apply_role(session, approver, account, request.role, request.jurisdiction,
                request.institution, request=request.id, requested_by=request.requested_by)
    return account


def reject_role_change(session: Session, *, approver: str, request_id: int) -> None:
    request, account = _pending(session, request_id)
    if approver == account.username:
        raise PermissionDeniedError("an account never decides on its own role")
    request.status, request.decided_by, request.decided_at = "rejected", approver, utcnow()
    audit.record(session, actor=approver, action="reject_role", entity="user",
                 entity_id=account.id, details={"request": request.id})


def set_active(session: Session, *, actor: str, account: User, active: bool) -> None:
    """Deactivate (every session ends) or reactivate an account."""
    if actor == account.username and not active:
        raise PermissionDeniedError("you cannot deactivate your own account")
    if account.active == active:
        return
    account.active = active
    ended = revoke_sessions(session, account.id, "deactivated") if not active else 0
    audit.record(session, actor=actor, action="deactivate" if not active else "reactivate",
                 entity="user", entity_id=account.id, details={"sessions_ended": ended})


def reset_password(session: Session, *, actor: str, account: User, password: str) -> None:
    """An administrator sets a new password (the owner forgot it): every session ends."""
    if actor == account.username:
        raise PermissionDeniedError("change your own password with your current one")
    check_password(password)
    account.password_hash = hash_password(password)
    ended = revoke_sessions(session, account.id, "password_reset")
    audit.record(session, actor=actor, action="reset_password", entity="user",
                 entity_id=account.id, details={"sessions_ended": ended})


def change_own_password(session: Session, *, account: User, current_password: str,
                        new_password: str) -> None:
    """The owner changes their password: every session ends (the web starts a new one).

    :raises PermissionDeniedError: when the current password is wrong.
    """
    if not verify_password(account.password_hash, current_password):
        raise PermissionDeniedError("the current password is wrong")
    check_password(new_password)
    if new_password == current_password:
        raise RuleViolationError("the new password is the same as the current one")
    account.password_hash = hash_password(new_password)
    ended = revoke_sessions(session, account.id, "password_changed")
    audit.record(session, actor=account.username, action="change_password", entity="user",
                 entity_id=account.id, details={"sessions_ended": ended})
