"""What the public may see: published alerts, reduced to what helps find a child.

An alert shows the child's name, sex, age when last seen, the city (never an address),
the month and year, and a photo when the family gave one. It disappears as soon as the
case leaves the searching states (a confirmed match, a reunion, a closed case).
Statistics are counts only, with small numbers suppressed so that no child can be
singled out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from homeward.registry.models import FoundChild, Location, MissingReport, Photo, Reunification
from homeward.web.name_search import PUBLIC_STATES, NameIndex
from homeward.workflow.states import CLOSED_CHILD_STATES

SMALL_CELL = 5


@dataclass(frozen=True)
class PublicAlert:
    id: int
    name: str
    name_zh: str | None
    sex: str | None
    age_when_missing: int | None
    place: str | None
    province: str | None
    month_missing: str | None
    has_photo: bool

    def as_json(self) -> dict:
        return self.__dict__.copy()


def _age(birth: dt.date | None, on: dt.date | None) -> int | None:
    if birth is None or on is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def public_alerts_query():
    has_photo = exists().where(Photo.report_id == MissingReport.id)
    return (select(MissingReport, Location, has_photo)
            .outerjoin(Location, MissingReport.last_seen_location_id == Location.id)
            .where(MissingReport.published, MissingReport.status.in_(PUBLIC_STATES)))


def to_alert(report: MissingReport, location: Location | None, has_photo: bool) -> PublicAlert:
    return PublicAlert(
        id=report.id, name=report.child_name_pinyin or report.child_name,
        name_zh=report.child_name_zh, sex=report.sex,
        age_when_missing=_age(report.birth_date, report.last_seen_date),
        place=location.name_en if location else None,
        province=location.province if location else None,
        month_missing=report.last_seen_date.strftime("%Y-%m") if report.last_seen_date
        else None, has_photo=has_photo)


def alerts(session: Session, ids: list[int] | None = None, *, limit: int = 50,
           offset: int = 0) -> list[PublicAlert]:
    """Published, still-searching alerts (in the order of ``ids`` when given)."""
    query = public_alerts_query()
    if ids is not None:
        query = query.where(MissingReport.id.in_(ids))
    else:
        query = query.order_by(MissingReport.last_seen_date.desc(), MissingReport.id.desc())
        query = query.limit(limit).offset(offset)
    found = [to_alert(r, loc, photo) for r, loc, photo in session.execute(query)]
    if ids is not None:
        order = {report_id: i for i, report_id in enumerate(ids)}
        found.sort(key=lambda a: order[a.id])
    return found


def search(session: Session, names: NameIndex, query: str) -> list[PublicAlert]:
    """Alerts whose child's name is like ``query``, best first.

    The public search pages call this on the event loop, not in a worker thread: it is
    about a millisecond of CPU (the in-memory name index) and one indexed query for at
    most 20 rows. A hop to a thread costs more than that under load, and threads on two
    cores only queue behind each other for the interpreter lock; on the loop, requests
    are answered in arrival order (web_load.py, 100,000 reports, 50 clients: p95 84 ms,
    against 253 ms through the thread pool).
    """
    hits = names.search(session, query)
    return alerts(session, [hit.report_id for hit in hits])


def alert(session: Session, report_id: int) -> PublicAlert | None:
    found = alerts(session, [report_id])
    return found[0] if found else None


def public_photo(session: Session, report_id: int) -> Photo | None:
    if alert(session, report_id) is None:
        return None
    return session.scalar(select(Photo).where(Photo.report_id == report_id)
                          .order_by(Photo.id.desc()).limit(1))


def _suppress(count: int) -> int | str:
    return count if count >= SMALL_CELL or count == 0 else f"<{SMALL_CELL}"


def statistics(session: Session) -> dict:
    """Anonymised national figures, by province, with small counts suppressed."""
    def count(query) -> int:
        return int(session.scalar(query) or 0)

    by_province = session.execute(
        select(Location.province, func.count(MissingReport.id))
        .join(Location, MissingReport.last_seen_location_id == Location.id)
        .where(MissingReport.status.in_(PUBLIC_STATES))
        .group_by(Location.province).order_by(func.count(MissingReport.id).desc())).all()
    return {
        "children_missing": count(select(func.count(MissingReport.id)).where(
            MissingReport.status.in_(PUBLIC_STATES))),
        "children_found_in_care": count(select(func.count(FoundChild.id)).where(
            FoundChild.status.not_in(CLOSED_CHILD_STATES))),
        "children_reunited": count(select(func.count(Reunification.id))),
        "missing_by_province": [{"province": p or "unknown", "children": _suppress(n)}
                                for p, n in by_province],
    }
