"""The JSON API of the investigations graph (issue 14), police only: rings, a ring's
summary, the flows between provinces, the entity-resolution queue and its decisions, and
rebuilding the graph.

The same functions as the pages (views/investigations.py), through web/ring_sheet.py;
who may see which ring is web/access.py (``investigations``, ring_anchors).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from homeward.registry.models import User
from homeward.web import ring_sheet as sheets
from homeward.web.deps import DB, check_csrf, needs
from homeward.web.params import RecordId

router = APIRouter(prefix="/api/v1/investigations", dependencies=[Depends(check_csrf)],
                   tags=["investigations"])
POLICE = Depends(needs("investigations"))
RingId = Annotated[str, Path(pattern=sheets.RING_ID)]
NodeParam = Annotated[str | None, Query(pattern=sheets.NODE_ID)]
StatusParam = Annotated[str | None, Query(pattern="^(" + "|".join(sheets.CANDIDATE_STATUSES)
                                          + ")$")]


class RebuildIn(BaseModel):
    full: bool = False


@router.get("/rings")
def get_rings(node: NodeParam = None, session: Session = DB,
              user: User = POLICE) -> dict[str, Any]:
    """The rings the officer may see (with ``node``: those a suspect or child is in)."""
    return sheets.rings_sheet(session, user, node)


@router.get("/rings/{ring_id}")
def get_ring(ring_id: RingId, session: Session = DB, user: User = POLICE) -> dict[str, Any]:
    """A ring's summary: members by role, children, sales, price chain, routes, sources."""
    return sheets.ring_sheet(session, user, ring_id)


@router.get("/routes")
def get_routes(request: Request, session: Session = DB, user: User = POLICE) -> dict[str, Any]:
    """Movements of children between provinces, by year."""
    return sheets.routes_sheet(session, user, request.state.lang)


@router.get("/resolution")
def get_resolution(status: StatusParam = None, session: Session = DB,
                   user: User = POLICE) -> dict[str, Any]:
    """The entity-resolution candidates with their explained comparison scores."""
    return sheets.resolution_sheet(session, user, status)


@router.post("/resolution/propose")
def post_propose(session: Session = DB, user: User = POLICE) -> dict[str, int]:
    """Compare the graph's persons and store the pairs worth a decision."""
    return sheets.propose(session, user)


@router.post("/resolution/{candidate_id}")
def post_decision(candidate_id: RecordId, body: sheets.DecisionIn, session: Session = DB,
                  user: User = POLICE) -> dict[str, Any]:
    """Accept, reject or undo a merge (409 when the candidate's status does not allow it)."""
    return sheets.decide(session, user, candidate_id, body)


@router.post("/rebuild")
def post_rebuild(body: RebuildIn | None = None, session: Session = DB,
                 user: User = POLICE) -> dict[str, object]:
    """Bring the graph up to date with the registry (incrementally unless ``full``)."""
    full = body.full if body is not None else False
    return sheets.steps.rebuild_graph(session, actor=user.username, full=full).as_json()
