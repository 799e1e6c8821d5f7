"""Reviewers' pages: candidates, the side-by-side match review, the decision.

The review page shows both profiles locus by locus with the per-locus LR, the combined
LR, the posterior at the configured prior, exclusions, loci compared and the second
sample's status. Names are not shown: the decision rests on the DNA alone.
"""

from __future__ import annotations

import math

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.kinship.loci import is_amelogenin
from homeward.kinship.lr import posterior_probability
from homeward.registry.models import Match, StoredProfile, User
from homeward.security.crypto import ProfileCipher
from homeward.web.dashboards import REVIEW_STATES
from homeward.web.deps import DB, check_csrf, needs
from homeward.web.rendering import render
from homeward.workflow import review
from homeward.workflow.samples import read_profile

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
PRIOR = 0.5


def review_sheet(session: Session, match: Match, *, actor: str,
                 cipher: ProfileCipher) -> dict:
    """Everything the review page and the API show for one match (profile reads audited)."""
    ids = [match.child_profile_id, match.relative_profile_id, match.other_parent_profile_id]
    stored = {p.id: p for p in session.scalars(select(StoredProfile).where(
        StoredProfile.id.in_([i for i in ids if i is not None])))}
    people = []
    for label, profile_id in zip(("child", "relative", "other parent"), ids, strict=True):
        if profile_id is None:
            continue
        specimen = stored[profile_id].specimen_id
        people.append((label, specimen, read_profile(
            session, specimen, actor=actor, reason=f"review of match {match.id}",
            cipher=cipher)))
    loci = sorted({locus for _, _, p in people for locus in p.genotypes
                   if not is_amelogenin(locus)} | set(match.per_locus))
    rows = []
    for locus in loci:
        result = match.per_locus.get(locus)
        rows.append({"locus": locus,
                     "genotypes": ["/".join(p.genotypes[locus]) if locus in p.genotypes
                                   else "–" for _, _, p in people],
                     "lr": result["lr"] if result else None,
                     "excluded": bool(result and result["excluded"])})
    return {"match": match, "people": [(label, specimen) for label, specimen, _ in people],
            "rows": rows, "posterior": posterior_probability(match.log10_lr, PRIOR), "prior": PRIOR,
            "lr": 10 ** match.log10_lr if match.log10_lr < 300 else math.inf}


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
