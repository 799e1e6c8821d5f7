"""The joint identification page of an operation (police of the operation, reviewers).

The proposed identifications of the rescued children, their evidence and the next DNA to
take; a button turns them into match candidates, which then go through the normal review.
The page and its JSON twin (web/api_joint.py) share web/joint_sheet.py.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from homeward.registry.models import User
from homeward.web.deps import DB, check_csrf, needs
from homeward.web.joint_sheet import identification_sheet, open_identification
from homeward.web.params import RecordId
from homeward.web.rendering import render
from homeward.workflow.joint_identification import propose_candidates

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])


@router.get("/operations/{operation_id}/identification")
def identification_page(operation_id: RecordId, request: Request,
                        created: Annotated[int | None, Query(ge=0, le=100_000)] = None,
                        session: Session = DB,
                        user: User = Depends(needs("joint_identification"))) -> Response:
    sheet = identification_sheet(session, user, operation_id,
                                 cipher=request.app.state.cipher,
                                 settings=request.app.state.settings)
    return render(request, "police/identification.html", sheet=sheet, created=created)


@router.post("/operations/{operation_id}/identification/candidates")
def create_candidates(operation_id: RecordId, request: Request, session: Session = DB,
                      user: User = Depends(needs("joint_identification"))) -> Response:
    open_identification(session, user, operation_id)
    made = propose_candidates(session, operation_id, actor=user.username,
                              cipher=request.app.state.cipher,
                              settings=request.app.state.settings)
    return RedirectResponse(f"/operations/{operation_id}/identification?created={len(made)}",
                            status_code=303)
