"""What the public may see: published alerts, reduced to what helps find a child.

An alert shows the child's name, sex, age when last seen, the city (never an address),
the month and year, and a photo when the family gave one. It disappears as soon as the
case leaves the searching states (a confirmed match, a reunion, a closed case).
Statistics are counts by province and year, protected by homeward.statistics: small
counts, and the counts from which they could be worked out, are withheld.
"""

from __future__ import annotations

import datetime as dt
import functools
import time
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from homeward.config import get_settings
from homeward.registry.models import Location, MissingReport, Photo
from homeward.statistics.charts import draw_year_chart
from homeward.statistics.choropleth import draw_measure_map
from homeward.statistics.publication import PublishedStatistics, publish
from homeward.statistics.tables import Period, registry_tables
from homeward.web.keyset import KeysetPage, newest_first
from homeward.web.name_search import PUBLIC_STATES, NameIndex


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


@functools.cache
def public_alerts_query():
    """Published, still-searching reports, their place and whether they have a photo
    (built once: a statement is never changed, ``.where`` makes a new one)."""
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
           before: int | None = None, after: int | None = None) -> list[PublicAlert]:
    """Published, still-searching alerts: those of ``ids`` in their order, or the newest
    first a page at a time (:func:`alerts_page`)."""
    if ids is None:
        return alerts_page(session, limit=limit, before=before, after=after)[0]
    query = public_alerts_query().where(MissingReport.id.in_(ids))
    found = [to_alert(r, loc, photo) for r, loc, photo in session.execute(query)]
    order = {report_id: i for i, report_id in enumerate(ids)}
    found.sort(key=lambda a: order[a.id])
    return found


def alerts_page(session: Session, *, limit: int, before: int | None = None,
                after: int | None = None) -> tuple[list[PublicAlert], KeysetPage]:
    """The newest alerts by report id, a keyset page (never OFFSET) and its edges."""
    page = newest_first(session, public_alerts_query(), MissingReport.id, size=limit,
                        before=before, after=after)
    return [to_alert(r, loc, photo) for r, loc, photo in page.rows], page


def search(session: Session, names: NameIndex, query: str) -> list[PublicAlert]:
    """Alerts whose child's name is like ``query``, best first.

    The public search pages call this on the event loop, not in a worker thread: it is
    about two milliseconds of CPU (the in-memory name index, much the same at 20,000 and
    at 2,000,000 reports) and one query by primary key for at most 20 rows. A hop to a
    thread costs more than that under load, and threads on two cores only queue behind
    each other for the interpreter lock; on the loop, requests are answered in arrival
    order (web_load.py, 100,000 reports, 50 clients: p95 84 ms, against 253 ms through
    the thread pool).
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


def statistics_period(today: dt.date | None = None) -> Period:
    """The public period: the last five complete calendar years.

    A table that grew day by day would let anyone subtract yesterday's page from today's
    and read the day's events in a province; complete years change once a year.
    """
    today = today or dt.date.today()
    return Period(dt.date(today.year - 5, 1, 1), dt.date(today.year - 1, 12, 31))


STATISTICS_CACHE_SECONDS = 300.0
_PUBLISHED: dict[tuple[str, Period, int], tuple[float, PublishedStatistics]] = {}


def published_statistics(session: Session, period: Period | None = None) -> PublishedStatistics:
    """The protected figures of ``period`` (see :mod:`homeward.statistics`).

    Counting reads every case, child and match of the period, so the home page and the
    statistics pages share one result per database for five minutes; the public period
    is made of complete years, whose counts change only when old records are entered.
    """
    period = period or statistics_period()
    min_cell = get_settings().statistics_min_cell
    key = (str(session.get_bind().engine.url), period, min_cell)
    cached = _PUBLISHED.get(key)
    if cached is not None and time.monotonic() - cached[0] < STATISTICS_CACHE_SECONDS:
        return cached[1]
    published = publish(registry_tables(session, period), min_cell)
    _PUBLISHED[key] = (time.monotonic(), published)
    return published


def statistics(session: Session, period: Period | None = None) -> dict:
    """Anonymised figures by province and year, with small counts and the counts that
    would reveal them withheld (JSON: ``value`` null, ``suppressed`` true)."""
    return published_statistics(session, period).as_json()


_FIGURES: OrderedDict[tuple[str, ...], bytes] = OrderedDict()


def statistics_figure(session: Session, figure: str, *, measure: str = "rescued",
                      language: str = "en", fmt: str = "svg") -> bytes:
    """The map (of ``measure`` by province) or the bar chart by year, as SVG or PNG.

    Drawing the map takes about two seconds; the pictures of the last few sets of
    figures are kept, keyed by the figures themselves, so a page view redraws nothing
    until a published number changes.
    """
    published = published_statistics(session)
    key = (published.as_csv(), figure, measure, language, fmt)
    if key in _FIGURES:
        _FIGURES.move_to_end(key)
        return _FIGURES[key]
    if figure == "map":
        image = draw_measure_map(published, measure, language=language, fmt=fmt)
    else:
        image = draw_year_chart(published, language=language, fmt=fmt)
    _FIGURES[key] = image
    while len(_FIGURES) > 24:
        _FIGURES.popitem(last=False)
    return image
