"""The signed-in landing page: each role's dashboard and where to go next."""

from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from homeward.registry.models import User
from homeward.web.dashboards import dashboard
from homeward.web.deps import DB, current_user
from homeward.web.rendering import render

router = APIRouter(include_in_schema=False)


@router.get("/dashboard")
def dashboard_page(request: Request, session: Session = DB,
                   user: User | None = Depends(current_user)) -> Response:
    if user is None:
        raise HTTPException(401, "sign in first")
    if user.role == "family":
        return RedirectResponse("/family", status_code=303)
    return render(request, "staff/dashboard.html", figures=dashboard(session, user))
