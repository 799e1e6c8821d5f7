"""Reviewers' pages: candidates, the side-by-side match review, the decision.

The review page shows both profiles locus by locus with the per-locus LR, the combined
LR, the posterior at the configured prior, exclusions, loci compared and the second
sample's status. Names are not shown: the decision rests on the DNA alone.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry.models import Match, User
from homeward.web.dashboards import REVIEW_STATES
from homeward.web.deps import DB, check_csrf, needs
from homeward.web.rendering import render
from homeward.web.review_sheet import review_sheet
from homeward.workflow import review

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])


@router.get("/review")
def candidates(request: Request, session: Session = DB,
               user: User = Depends(needs("review"))) -> Response:
    matches = session.scalars(select(Match).where(Match.state.in_(REVIEW_STATES))
                              .order_by(Match.log10_lr.desc()).limit(200)).all()
    return render(request, "review/list.html", matches=matches)


@router.get("/review/{match_id}")
def review_page(match_id: int, request: Request, session: Session = DB,
                user: User = Depends(needs("review"))) -> Response:
    match = review.get_match(session, match_id)
    sheet = review_sheet(session, match, actor=user.username, cipher=request.app.state.cipher)
    return render(request, "review/match.html", **sheet)


@router.post("/review/{match_id}/second-sample")
def second_sample(match_id: int, request: Request, specimen_id: str = Form(max_length=80),
                  session: Session = DB,
                  user: User = Depends(needs("second_sample"))) -> Response:
    review.confirm_second_sample(session, match_id, specimen_id.strip(), actor=user.username,
                                 cipher=request.app.state.cipher)
    return RedirectResponse(f"/review/{match_id}", status_code=303)


@router.post("/review/{match_id}/decision")
def decide(match_id: int, request: Request, decision: str = Form(pattern="^(confirm|reject)$"),
           reason: str = Form(max_length=2000), session: Session = DB,
           user: User = Depends(needs("review"))) -> Response:
    review.review_match(session, match_id, reviewer=user.username,
                        confirm=decision == "confirm", reason=reason,
                        settings=request.app.state.settings)
    return RedirectResponse(f"/review/{match_id}", status_code=303)
