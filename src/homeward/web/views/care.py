"""Care staff's pages: the children placed in their institution, placements and visits."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry import audit
from homeward.registry.models import FoundChild, Placement, User
from homeward.web.deps import DB, check_csrf, needs
from homeward.web.params import RecordId
from homeward.web.rendering import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])


@router.get("/care")
def care(request: Request, session: Session = DB,
         user: User = Depends(needs("care"))) -> Response:
    rows = session.execute(select(FoundChild, Placement).join(
        Placement, Placement.found_child_id == FoundChild.id).where(
        Placement.institution == user.institution, Placement.ended_on.is_(None))
        .order_by(Placement.started_on.desc())).all()
    audit.record(session, actor=user.username, action="list", entity="found_child",
                 entity_id=f"institution:{user.institution}",
                 details={"shown": len(rows), "ids": [child.id for child, _ in rows]})
    from homeward.web.views.raid import awaiting_placement

    awaiting = awaiting_placement(session, user)
    if awaiting:
        audit.record(session, actor=user.username, action="list", entity="found_child",
                     entity_id=f"awaiting:{user.jurisdiction}",
                     details={"shown": len(awaiting), "ids": [c.id for c in awaiting]})
    return render(request, "care/children.html", rows=rows, awaiting=awaiting)


@router.post("/care/children/{child_id}/visits")
async def record_visit(child_id: RecordId, request: Request, session: Session = DB,
                       user: User = Depends(needs("care"))) -> Response:
    """A visit (health, schooling, a note) stored as the child's CareVisit record
    (workflow/care.py record_visit): the same step as views/raid.py's form."""
    from homeward.web.views.raid import visit

    return await visit(child_id, request, session, user)
