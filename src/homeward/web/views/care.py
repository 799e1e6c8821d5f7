"""Care staff's pages: the children placed in their institution, placements and visits."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry import audit
from homeward.registry.models import FoundChild, Placement, User
from homeward.web.rendering import render
from homeward.web.deps import DB, check_csrf, needs
from homeward.web.views.cases import open_child

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])


@router.get("/care")
def care(request: Request, session: Session = DB,
         user: User = Depends(needs("care"))) -> Response:
    rows = session.execute(select(FoundChild, Placement).join(
        Placement, Placement.found_child_id == FoundChild.id).where(
        Placement.institution == user.institution, Placement.ended_on.is_(None))
        .order_by(Placement.started_on.desc())).all()
    audit.record(session, actor=user.username, action="list", entity="found_child",
                 entity_id=f"institution:{user.institution}", details={"shown": len(rows)})
    return render(request, "care/children.html", rows=rows)


@router.post("/care/children/{child_id}/visits")
def record_visit(child_id: int, request: Request, note: str = Form(max_length=1000),
                 session: Session = DB, user: User = Depends(needs("care"))) -> Response:
    """A visit (a relative, an investigator, a doctor) noted in the child's audited record."""
    child = open_child(session, user, child_id, "record a visit")
    audit.record(session, actor=user.username, action="visit", entity="found_child",
                 entity_id=child.id, reason=note,
                 details={"date": dt.date.today().isoformat()})
    return RedirectResponse(f"/children/{child.id}", status_code=303)
