"""The JSON API of an operation's joint identification: the proposals with their evidence
and the next DNA to take, and turning them into match candidates.

The same workflow functions as the page (views/joint.py); who may see what is
web/access.py (``joint_identification``, may_identify_in_operation) through
web/joint_sheet.py.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from homeward.registry.models import User
from homeward.web.deps import DB, check_csrf, needs
from homeward.web.joint_sheet import identification_sheet, open_identification
from homeward.web.params import RecordId
from homeward.workflow.joint_identification import propose_candidates

router = APIRouter(prefix="/api/v1", dependencies=[Depends(check_csrf)],
                   tags=["joint identification"])


class CandidatesOut(BaseModel):
    created: list[int]


@router.get("/operations/{operation_id}/identification")
def get_identification(operation_id: RecordId, request: Request, session: Session = DB,
                       user: User = Depends(needs("joint_identification"))) -> dict[str, Any]:
    """The most probable joint assignment of the operation's rescued children."""
    return identification_sheet(session, user, operation_id, cipher=request.app.state.cipher,
                                settings=request.app.state.settings)


@router.post("/operations/{operation_id}/identification/candidates",
             response_model=CandidatesOut)
def post_candidates(operation_id: RecordId, request: Request, session: Session = DB,
                    user: User = Depends(needs("joint_identification"))) -> Any:
    """Each proposal at or above the screening LR becomes a match candidate, once."""
    open_identification(session, user, operation_id)
    made = propose_candidates(session, operation_id, actor=user.username,
                              cipher=request.app.state.cipher,
                              settings=request.app.state.settings)
    return {"created": [m.id for m in made]}
