"""Investigators' intake pages: proposed links to decide, incidents from the press, and
notifications (urgent tips) for their jurisdiction."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from homeward.intake.decisions import decide_link
from homeward.registry.models import (
    FoundChild,
    Incident,
    Lead,
    LeadLink,
    MissingReport,
    Notification,
    Source,
    Tip,
    User,
    utcnow,
)
from homeward.web.access import NATIONAL, visible_children, visible_reports
from homeward.web.deps import DB, check_csrf, needs
from homeward.web.rendering import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
SHOWN = 100


def _visible_targets(session: Session, user: User, links: list[LeadLink]) -> list[LeadLink]:
    """Only links whose target this investigator may open (operations: every investigator)."""
    reports = {link.target_id for link in links if link.target == "missing_report"}
    children = {link.target_id for link in links if link.target == "found_child"}
    open_reports = set(session.scalars(visible_reports(user).where(
        MissingReport.id.in_(reports)).with_only_columns(MissingReport.id))) if reports else set()
    open_children = set(session.scalars(visible_children(user).where(
        FoundChild.id.in_(children)).with_only_columns(FoundChild.id))) if children else set()
    return [link for link in links
            if link.target == "operation"
            or (link.target == "missing_report" and link.target_id in open_reports)
            or (link.target == "found_child" and link.target_id in open_children)]


def _subject_text(session: Session, link: LeadLink) -> str:
    if link.subject == "incident":
        incident = session.get(Incident, link.subject_id)
        figures = incident.figures if incident else {}
        return (f"{incident.date if incident else ''}: "
                f"{figures.get('children_rescued') or '?'} children, "
                f"{figures.get('suspects_detained') or '?'} suspects, "
                f"{', '.join(figures.get('places', []))}")
    model = Lead if link.subject == "lead" else Tip
    record = session.get(model, link.subject_id)
    source = session.get(Source, record.source_id) if record is not None else None
    return source.text[:300] if source is not None else ""


def _notifications(session: Session, user: User) -> list[Notification]:
    query = select(Notification).where(Notification.role == user.role,
                                       Notification.read_at.is_(None))
    if user.jurisdiction != NATIONAL:
        query = query.where(or_(Notification.jurisdiction.is_(None),
                                Notification.jurisdiction == user.jurisdiction))
    return list(session.scalars(query.order_by(Notification.id.desc()).limit(SHOWN)))


@router.get("/leads")
def leads_page(request: Request, session: Session = DB,
               user: User = Depends(needs("leads"))) -> Response:
    proposed = list(session.scalars(select(LeadLink).where(LeadLink.status == "proposed")
                                    .order_by(LeadLink.score.desc()).limit(SHOWN * 5)))
    links = [(link, _subject_text(session, link))
             for link in _visible_targets(session, user, proposed)[:SHOWN]]
    incidents = list(session.scalars(select(Incident).order_by(Incident.date.desc())
                                     .limit(SHOWN)))
    return render(request, "police/leads.html", links=links, incidents=incidents,
                  notifications=_notifications(session, user))


@router.post("/leads/{link_id}/decision")
def decide(link_id: int, decision: str = Form(pattern="^(accept|reject)$"),
           reason: str = Form(max_length=2000), session: Session = DB,
           user: User = Depends(needs("leads"))) -> Response:
    link = session.get(LeadLink, link_id)
    if link is None or not _visible_targets(session, user, [link]):
        raise HTTPException(404, "no such proposed link among those you may see")
    decide_link(session, link, accept=decision == "accept", actor=user.username,
                reason=reason)
    return RedirectResponse("/leads", status_code=303)


@router.post("/notifications/{note_id}/read")
def mark_read(note_id: int, session: Session = DB,
              user: User = Depends(needs("leads"))) -> Response:
    note = session.get(Notification, note_id)
    if note is None or note not in _notifications(session, user):
        raise HTTPException(404, "no such notification")
    note.read_at = utcnow()
    return RedirectResponse("/leads", status_code=303)
