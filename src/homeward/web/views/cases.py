"""Investigators' pages: cases of their jurisdiction, children, operations, the tip queue."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry import audit
from homeward.registry.models import (
    AuditEvent,
    Match,
    MissingReport,
    Photo,
    Relative,
    Sample,
    Source,
    Tip,
    User,
)
from homeward.web.access import (
    can,
    first_visible_tips,
    may_open_tip,
    visible_reports,
    visible_tips,
)
from homeward.web.deps import DB, check_csrf, current_user, needs
from homeward.web.keyset import newest_first
from homeward.web.params import Cursor, RecordId
from homeward.web.photos import PhotoError, clean_photo
from homeward.web.records import open_child, open_report
from homeward.web.rendering import render
from homeward.workflow.cases import store_photo

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])
PAGE = 50


def timeline(session: Session, entity: str, entity_id: int) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(
        AuditEvent.entity == entity, AuditEvent.entity_id == str(entity_id),
        AuditEvent.action != "read").order_by(AuditEvent.seq)))


@router.get("/cases")
def case_list(request: Request, status: str = "", before: Cursor = None, after: Cursor = None,
              session: Session = DB,
              user: User = Depends(needs("cases"))) -> Response:
    """Newest first, a page at a time by keyset (ids below ``before``, or the page above
    ``after``): each page reads PAGE rows from an index, however deep (no OFFSET)."""
    query = visible_reports(user)
    if status:
        query = query.where(MissingReport.status == status)
    page = newest_first(session, query, MissingReport.id, size=PAGE, before=before,
                        after=after)
    reports = [row[0] for row in page.rows]
    audit.record(session, actor=user.username, action="list", entity="missing_report",
                 entity_id="page", details={"before": before, "after": after,
                                           "shown": len(reports),
                                           "ids": [r.id for r in reports]})
    return render(request, "police/cases.html", reports=reports, status=status,
                  newer=page.newer, older=page.older)


@router.get("/cases/{report_id}")
def case_page(report_id: RecordId, request: Request, session: Session = DB,
              user: User = Depends(needs("cases"))) -> Response:
    report = open_report(session, user, report_id, "case page")
    relatives = session.scalars(select(Relative).where(Relative.report_id == report.id)).all()
    samples = {s.relative_id: s for s in session.scalars(select(Sample).where(
        Sample.relative_id.in_([r.id for r in relatives])))}
    tips = session.execute(select(Tip, Source).join(Source).where(
        Tip.report_id == report.id).order_by(Tip.id.desc())).all()
    matches = session.scalars(select(Match).where(Match.report_id == report.id)
                              .order_by(Match.log10_lr.desc())).all()
    return render(request, "police/case.html", report=report, relatives=relatives,
                  samples=samples, tips=tips, matches=matches,
                  events=timeline(session, "missing_report", report.id))


@router.post("/cases/{report_id}/publish")
def publish(report_id: RecordId, request: Request, session: Session = DB,
            user: User = Depends(needs("cases"))) -> Response:
    report = open_report(session, user, report_id, "publish alert")
    report.published = not report.published
    audit.record(session, actor=user.username, action="update", entity="missing_report",
                 entity_id=report.id, details={"published": report.published})
    request.app.state.names.invalidate()
    return RedirectResponse(f"/cases/{report.id}", status_code=303)


@router.post("/cases/{report_id}/photo")
async def upload_photo(report_id: RecordId, request: Request, photo: UploadFile = File(),
                       session: Session = DB,
                       user: User = Depends(needs("cases"))) -> Response:
    report = open_report(session, user, report_id, "add photo")
    try:
        content, media_type = clean_photo(await photo.read())
    except PhotoError as error:
        raise HTTPException(422, str(error)) from None
    store_photo(session, actor=user.username, content=content, media_type=media_type,
                report_id=report.id)
    return RedirectResponse(f"/cases/{report.id}", status_code=303)


@router.get("/children/{child_id}")
def child_page(child_id: RecordId, request: Request, session: Session = DB,
               user: User | None = Depends(current_user)) -> Response:
    if user is None:
        raise HTTPException(401, "sign in first")
    if not (can(user, "cases") or can(user, "care")):
        raise HTTPException(403, "your role may not open this page")
    child = open_child(session, user, child_id, "child page")
    matches = session.scalars(select(Match).where(Match.found_child_id == child.id)
                              .order_by(Match.log10_lr.desc())).all() if can(user, "cases") \
        else []
    from homeward.web.views.raid import child_extras

    return render(request, "police/child.html", child=child, matches=matches,
                  events=timeline(session, "found_child", child.id),
                  **child_extras(session, child))


@router.get("/operations")
def operations(request: Request, session: Session = DB,
               user: User = Depends(needs("operations"))) -> Response:
    from homeward.web.views.raid import operation_rows

    return render(request, "police/operations.html", operations=operation_rows(session, user))


@router.get("/operations/{operation_id}")
def operation_page(operation_id: RecordId, request: Request, session: Session = DB,
                   user: User = Depends(needs("operations"))) -> Response:
    """The overview from raid to reunion (views/raid.py: the same as the API's); an
    operation the user may not see answers 404 (web/records.py open_operation)."""
    from homeward.web.views.raid import operation_extras

    return render(request, "police/operation.html",
                  **operation_extras(session, user, operation_id),
                  registered=request.query_params.get("registered", ""),
                  imported=request.query_params.get("imported", ""))


@router.get("/tips")
def tip_queue(request: Request, session: Session = DB,
              user: User = Depends(needs("tips"))) -> Response:
    """New tips of this jurisdiction (access.visible_tips), urgent first; repeats of a
    sighting under the first tip; floods held."""
    tips = first_visible_tips(session, user, visible_tips(user).where(
        Tip.status == "new", Tip.bundle_of_id.is_(None))
        .order_by(Tip.urgent.desc(), Source.received_at.desc(), Tip.id.desc()), 100)
    roots = [tip.id for tip, _ in tips]
    bundled: dict[int, list[Source]] = {}
    if roots:  # accounts of a visible sighting (intake never bundles across provinces)
        for tip, source in session.execute(select(Tip, Source).join(Source).where(
                Tip.bundle_of_id.in_(roots)).order_by(Tip.id)):
            bundled.setdefault(tip.bundle_of_id, []).append(source)
    held = first_visible_tips(session, user, visible_tips(user).where(Tip.status == "held")
                              .order_by(Source.received_at.desc(), Tip.id.desc()), 100)
    shown = roots + [tip.id for tip, _ in held]
    with_photo = set(session.scalars(select(Photo.tip_id).where(Photo.tip_id.in_(shown)))) \
        if shown else set()
    return render(request, "police/tips.html", tips=tips, bundled=bundled, held=held,
                  with_photo=with_photo)


@router.get("/tips/{tip_id}/photo")
def tip_photo(tip_id: RecordId, session: Session = DB,
              user: User = Depends(needs("tips"))) -> Response:
    """A photo sent with a tip; every view is audited (it may show a child)."""
    if not may_open_tip(session, user, tip_id):
        raise HTTPException(404, "no such tip among those you may see")
    photo = session.scalar(select(Photo).where(Photo.tip_id == tip_id).order_by(Photo.id))
    if photo is None:
        raise HTTPException(404, "no photo with this tip")
    audit.record(session, actor=user.username, action="read", entity="photo",
                 entity_id=photo.id, reason="tip queue", details={"tip_id": tip_id})
    return Response(photo.content, media_type=photo.media_type,
                    headers={"Cache-Control": "no-store"})
