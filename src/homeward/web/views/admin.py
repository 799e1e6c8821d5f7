"""Administrators' pages: users, roles and jurisdictions; the audit log and its check."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry import audit
from homeward.registry.models import AuditEvent, User
from homeward.web.access import ROLES
from homeward.web.rendering import render
from homeward.web.deps import DB, check_csrf, needs
from homeward.web.security import hash_password

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])


@router.get("/admin/users")
def users(request: Request, session: Session = DB,
          user: User = Depends(needs("admin"))) -> Response:
    return render(request, "admin/users.html", users=session.scalars(
        select(User).where(User.role != "family").order_by(User.username)).all(), roles=ROLES)


@router.post("/admin/users")
def save_user(request: Request, username: str = Form(min_length=3, max_length=60,
                                                     pattern=r"^[A-Za-z0-9_.@-]+$"),
              display_name: str = Form(max_length=120), role: str = Form(max_length=30),
              jurisdiction: str = Form("", max_length=60),
              institution: str = Form("", max_length=200),
              password: str = Form("", max_length=200), active: str = Form(""),
              session: Session = DB, user: User = Depends(needs("admin"))) -> Response:
    if role not in ROLES or role == "family":
        raise HTTPException(422, f"role must be one of {', '.join(ROLES[:-2])}")
    if password and len(password) < 10:
        raise HTTPException(422, "a password has at least 10 characters")
    account = session.scalar(select(User).where(User.username == username))
    if account is None:
        if not password:
            raise HTTPException(422, "a new account needs a password")
        account = User(username=username, display_name=display_name, role=role)
        session.add(account)
    account.display_name, account.role = display_name, role
    account.jurisdiction, account.institution = jurisdiction or None, institution or None
    account.active = active == "on" or account.id is None
    if password:
        account.password_hash = hash_password(password)
    session.flush()
    audit.record(session, actor=user.username, action="update", entity="user",
                 entity_id=account.id, details={"role": role, "jurisdiction": jurisdiction,
                                                "active": account.active,
                                                "password_changed": bool(password)})
    return RedirectResponse("/admin/users", status_code=303)


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
