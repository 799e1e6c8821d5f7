"""A family's page: their case in plain words, what happens next, who could give DNA."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from homeward.registry.models import User
from homeward.web.deps import DB, needs
from homeward.web.family_view import family_case
from homeward.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/family")
def family(request: Request, registered: int = 0, session: Session = DB,
           user: User = Depends(needs("family"))) -> Response:
    return render(request, "family/case.html", case=family_case(session, user),
                  registered=bool(registered))
