"""The investigations pages (issue 14), police only: the rings of the graph, a ring's
summary with its drawn network, the flows of children between provinces, and the
entity-resolution queue with its decisions.

Each page and form calls the same function of web/ring_sheet.py as its JSON route
(web/api_investigations.py); the steps and their audit are workflow/rings.py, and who
sees which ring is web/access.py (``investigations``, ring_anchors). A refused decision
re-renders the queue with the reason, and nothing of it is stored (a savepoint).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from homeward.registry.models import User
from homeward.statistics.choropleth import FIGURE_TYPES
from homeward.web import ring_sheet as sheets
from homeward.web.deps import DB, check_csrf, needs
from homeward.web.i18n import LANGUAGES
from homeward.web.params import RecordId
from homeward.web.rendering import render
from homeward.workflow.errors import NotFoundError, WorkflowError

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
POLICE = Depends(needs("investigations"))
RingId = Annotated[str, Path(pattern=sheets.RING_ID)]
NodeParam = Annotated[str | None, Query(pattern=sheets.NODE_ID)]
StatusParam = Annotated[str | None, Query(pattern="^(" + "|".join(sheets.CANDIDATE_STATUSES)
                                          + ")$")]


@router.get("/investigations")
def investigations_home() -> Response:
    return RedirectResponse("/investigations/rings", status_code=303)


@router.get("/investigations/rings")
def rings_page(request: Request, node: NodeParam = None,
               rebuilt: Annotated[str | None, Query(max_length=40)] = None,
               session: Session = DB, user: User = POLICE) -> Response:
    return render(request, "police/rings.html", sheet=sheets.rings_sheet(session, user, node),
                  rebuilt=rebuilt)


@router.get("/investigations/rings/{ring_id}")
def ring_page(ring_id: RingId, request: Request, session: Session = DB,
              user: User = POLICE) -> Response:
    return render(request, "police/ring.html", ring=sheets.ring_sheet(session, user, ring_id))


@router.get("/investigations/routes")
def routes_page(request: Request, session: Session = DB, user: User = POLICE) -> Response:
    return render(request, "police/routes.html",
                  sheet=sheets.routes_sheet(session, user, request.state.lang))


@router.get("/investigations/routes/map.{fmt}")
def routes_map(fmt: Literal["svg", "png"], request: Request, lang: str | None = None,
               session: Session = DB, user: User = POLICE) -> Response:
    language = lang if lang in LANGUAGES else request.state.lang
    return Response(sheets.routes_map(session, user, language, fmt),
                    media_type=FIGURE_TYPES[fmt], headers={"cache-control": "no-store"})


def _resolution_page(request: Request, session: Session, user: User, status: str | None,
                     status_code: int = 200, **extra: object) -> Response:
    return render(request, "police/resolution.html", status_code=status_code,
                  sheet=sheets.resolution_sheet(session, user, status), **extra)


@router.get("/investigations/resolution")
def resolution_page(request: Request, status: StatusParam = None,
                    proposed: Annotated[int | None, Query(ge=0, le=10**9)] = None,
                    session: Session = DB, user: User = POLICE) -> Response:
    return _resolution_page(request, session, user, status, proposed=proposed)


@router.post("/investigations/rebuild")
async def rebuild(request: Request, session: Session = DB, user: User = POLICE) -> Response:
    form = await request.form()
    summary = sheets.steps.rebuild_graph(session, actor=user.username,
                                         full=form.get("full") in ("1", "on", "true"))
    return RedirectResponse(f"/investigations/rings?rebuilt={summary.mode}", status_code=303)


@router.post("/investigations/resolution/propose")
def propose(request: Request, session: Session = DB, user: User = POLICE) -> Response:
    made = sheets.propose(session, user)
    return RedirectResponse(f"/investigations/resolution?proposed={made['new']}",
                            status_code=303)


@router.post("/investigations/resolution/{candidate_id}")
async def decide(candidate_id: RecordId, request: Request, session: Session = DB,
                 user: User = POLICE) -> Response:
    form = await request.form()
    try:
        body = sheets.DecisionIn.model_validate(
            {k: str(form.get(k) or "").strip() for k in ("decision", "reason")})
    except ValidationError as error:
        errors = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
        return _resolution_page(request, session, user, None, 422, form_errors=errors,
                                failed=candidate_id)
    try:
        with session.begin_nested():
            sheets.decide(session, user, candidate_id, body)
    except NotFoundError:
        raise
    except WorkflowError as error:
        return _resolution_page(request, session, user, None, 409, form_errors=[str(error)],
                                failed=candidate_id)
    return RedirectResponse(f"/investigations/resolution#candidate-{candidate_id}",
                            status_code=303)
