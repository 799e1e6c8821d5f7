"""Administrators' pages: users, roles and jurisdictions, role changes waiting for a
second administrator, password resets; the audit log and its check. Also every
signed-in user's own password page. The rules live in workflow/accounts.py."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry import audit
from homeward.registry.models import AuditEvent, User
from homeward.web.deps import DB, check_csrf, current_user, needs
from homeward.web.rendering import render
from homeward.web.signin import SignInRefused, change_own_password
from homeward.workflow import accounts
from homeward.workflow.errors import PermissionDeniedError, WorkflowError

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

NOTICES = {  # ?notice= after a change: shown translated on the users page
    "saved": "Saved.",
    "pending": "Saved; the role change waits for a second administrator's approval.",
    "approved": "The role change is approved and in force; the account's sessions ended.",
    "rejected": "The role change is rejected.",
    "password": "The password is reset; the account's sessions ended.",
}


def _done(notice: str) -> Response:
    return RedirectResponse(f"/admin/users?notice={notice}", status_code=303)


@router.get("/admin/users")
def users(request: Request, notice: str = "", session: Session = DB,
          user: User = Depends(needs("admin"))) -> Response:
    staff = session.scalars(select(User).where(User.role != "family")
                            .order_by(User.username)).all()
    pending = accounts.pending_requests(session)
    names = {u.id: u.username for u in session.scalars(
        select(User).where(User.id.in_([p.user_id for p in pending])))}
    return render(request, "admin/users.html", users=staff, roles=accounts.STAFF_ROLES,
                  pending=pending, names=names, notice=NOTICES.get(notice))


@router.post("/admin/users")
def save_user(request: Request, username: str = Form(min_length=3, max_length=60,
                                                     pattern=r"^[A-Za-z0-9_.@-]+$"),
              display_name: str = Form(max_length=120), role: str = Form(max_length=30),
              jurisdiction: str = Form("", max_length=60),
              institution: str = Form("", max_length=200),
              password: str = Form("", max_length=200), active: str = Form(""),
              session: Session = DB, user: User = Depends(needs("admin"))) -> Response:
    """Create an account, or change one: a role change that opens children's files or DNA
    becomes a request for a second administrator; nobody changes their own role."""
    account = session.scalar(select(User).where(User.username == username))
    if account is None:
        if not password:
            raise HTTPException(422, "a new account needs a password")
        _, pending = accounts.create_user(
            session, actor=user.username, username=username, display_name=display_name,
            role=role, password=password, jurisdiction=jurisdiction, institution=institution)
        return _done("pending" if pending else "saved")
    if account.role == "family":
        raise HTTPException(409, "family accounts are managed through their case")
    if display_name and display_name != account.display_name:
        account.display_name = display_name
        audit.record(session, actor=user.username, action="update", entity="user",
                     entity_id=account.id, details={"display_name": True})
    pending = accounts.request_role_change(session, actor=user.username, account=account,
                                           role=role, jurisdiction=jurisdiction,
                                           institution=institution)
    accounts.set_active(session, actor=user.username, account=account, active=active == "on")
    if password:
        accounts.reset_password(session, actor=user.username, account=account,
                                password=password)
    return _done("pending" if pending else "saved")


@router.post("/admin/users/password")
def reset_password(request: Request, username: str = Form(max_length=60),
                   password: str = Form(max_length=200), session: Session = DB,
                   user: User = Depends(needs("admin"))) -> Response:
    accounts.reset_password(session, actor=user.username,
                            account=accounts.find_user(session, username), password=password)
    return _done("password")


@router.post("/admin/role-changes/{request_id}/approve")
def approve(request_id: int, request: Request, session: Session = DB,
            user: User = Depends(needs("admin"))) -> Response:
    accounts.approve_role_change(session, approver=user.username, request_id=request_id)
    return _done("approved")


@router.post("/admin/role-changes/{request_id}/reject")
def reject(request_id: int, request: Request, session: Session = DB,
           user: User = Depends(needs("admin"))) -> Response:
    accounts.reject_role_change(session, approver=user.username, request_id=request_id)
    return _done("rejected")


@router.get("/account/password")
def password_form(request: Request, user: User | None = Depends(current_user)) -> Response:
    if user is None:
        raise HTTPException(401, "sign in first")
    return render(request, "admin/password.html", error=None, changed=False)


@router.post("/account/password")
def change_password(request: Request, current_password: str = Form(max_length=200),
                    new_password: str = Form(max_length=200), session: Session = DB,
                    user: User | None = Depends(current_user)) -> Response:
    """Change your own password: every session of the account ends, this one restarts."""
    if user is None:
        raise HTTPException(401, "sign in first")
    try:
        change_own_password(request, session, user, current_password, new_password)
    except SignInRefused as refused:
        return render(request, "admin/password.html", status_code=refused.status_code,
                      error=str(refused), changed=False)
    except WorkflowError as refused:
        return render(request, "admin/password.html", status_code=403 if isinstance(
            refused, PermissionDeniedError) else 422, error=str(refused), changed=False)
    return render(request, "admin/password.html", error=None, changed=True)


@router.get("/admin/audit")
def audit_log(request: Request, entity: str = "", session: Session = DB,
              user: User = Depends(needs("admin"))) -> Response:
    query = select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(200)
    if entity:
        query = query.where(AuditEvent.entity == entity)
    return render(request, "admin/audit.html", events=session.scalars(query).all(),
                  entity=entity, verdict=None)


@router.post("/admin/audit/verify")
def verify(request: Request, session: Session = DB,
           user: User = Depends(needs("admin"))) -> Response:
    verdict = audit.verify_chain(session)
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())
                             .limit(200)).all()
    return render(request, "admin/audit.html", events=events, entity="", verdict=verdict)
