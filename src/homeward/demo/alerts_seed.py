"""The demo's geo-alert: a child of the seeded data set last seen in Yunnan, subscribers
at known distances, and one partner app whose webhook is the demo's local receiver.

The radius widens every minute (100, 200, 300, 500 km at 0, 1, 2, 3 minutes: the real
schedule in hours, sped up sixty times) so that a newcomer sees it widen and deliver.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.alerts.geo import destination
from homeward.alerts.messages import manage_token
from homeward.alerts.schedule import RadiusSchedule
from homeward.alerts.subscriptions import ChannelIn, PlaceIn, subscribe
from homeward.registry.models import GeoAlert, Location, MissingReport
from homeward.workflow.alerts import publish_alert
from homeward.workflow.states import PUBLIC_REPORT_STATES

DEMO_SCHEDULE = RadiusSchedule.of_hours([(0, 100), (1 / 60, 200), (2 / 60, 300),
                                         (3 / 60, 500)])
DEMO_DISTANCES_KM = (40, 90, 160, 240, 280, 420, 480, 800)


@dataclass(frozen=True)
class DemoAlert:
    alert_id: int | None
    report_id: int | None
    subscribers: int
    partner_manage_path: str | None
    already: bool = False


def seed_demo_alert(session: Session, *, key: bytes, receiver_url: str) -> DemoAlert:
    """Publish the demo alert once (nothing happens when an alert exists)."""
    if session.scalar(select(GeoAlert.id).limit(1)) is not None:
        return DemoAlert(None, None, 0, None, already=True)
    report = session.scalar(
        select(MissingReport).join(Location, MissingReport.last_seen_location_id == Location.id)
        .where(MissingReport.jurisdiction == "53",
               MissingReport.status.in_(PUBLIC_REPORT_STATES),
               Location.latitude.is_not(None)).order_by(MissingReport.id).limit(1))
    if report is None:
        return DemoAlert(None, None, 0, None)
    place = report.last_seen_location
    assert place is not None and place.latitude is not None and place.longitude is not None
    for i, distance in enumerate(DEMO_DISTANCES_KM):
        lat, lon = destination(place.latitude, place.longitude, 45.0 * i, distance)
        subscribe(session, kind=("public", "volunteer", "transport")[i % 3],
                  name=f"demo subscriber {distance} km", allow_private_webhooks=True,
                  locations=[PlaceIn(latitude=lat, longitude=lon, label=f"{distance} km")],
                  channels=[ChannelIn("inbox")])
    lat, lon = destination(place.latitude, place.longitude, 200.0, 150.0)
    partner = subscribe(session, kind="partner", name="demo partner app (local webhook)",
                        allow_private_webhooks=True,
                        locations=[PlaceIn(latitude=lat, longitude=lon, label="150 km")],
                        channels=[ChannelIn("webhook", f"{receiver_url.rstrip('/')}/hook"),
                                  ChannelIn("inbox")])
    name = report.child_name_zh or report.child_name
    alert = publish_alert(
        session, actor="police.yunnan", report=report, schedule=DEMO_SCHEDULE,
        texts={"en": f"Missing child: {report.child_name}, last seen in {place.name_en}. "
                     "If you see this child, call 110 and reply through the link.",
               "zh": f"寻人：{name}，最后在{place.name}出现。"
                     "如见到这个孩子，请拨打110并通过链接回复。"},
        description=report.description, place_label=place.name_en)
    return DemoAlert(alert.id, report.id, len(DEMO_DISTANCES_KM) + 1,
                     f"/subscriptions/{manage_token(key, partner)}")
