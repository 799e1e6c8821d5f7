"""Alert fixtures: the registry's databases (SQLite and PostgreSQL), a missing report last
seen in Kunming, subscribers at known distances, a clock the test controls."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from homeward.alerts.geo import destination
from homeward.alerts.signing import link_key
from homeward.alerts.subscriptions import ChannelIn, PlaceIn, subscribe
from homeward.registry.gazetteer import places
from homeward.registry.models import MissingReport
from homeward.workflow import cases
from tests.registry.conftest import (  # noqa: F401 - fixtures shared with the registry tests
    cipher,
    database_url,
    engine,
    factory,
    session,
    settings,
)
from tests.web.conftest import (  # noqa: F401 - the web app's world and clients
    app,
    client,
    signed_in,
    world,
)

KUNMING = places()["530100000000"]
T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)


class Clock:
    """``clock()`` is the time the test set; ``clock.advance(hours=1)`` moves it."""

    def __init__(self, now: dt.datetime = T0) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def alert_settings(settings):  # noqa: F811 - the registry fixture, refined
    return settings.model_copy(update={
        "secret_key": "test-secret", "alert_allow_private_webhooks": True,
        "alert_backoff_seconds": 10.0, "alert_backoff_max_seconds": 1000.0,
        "alert_max_attempts": 4, "alert_lease_seconds": 30.0,
        "public_base_url": "http://homeward.test"})


@pytest.fixture
def key(alert_settings) -> bytes:
    return link_key(alert_settings)


@pytest.fixture
def report_id(factory) -> int:  # noqa: F811
    """A Yunnan report of a child last seen in Kunming."""
    with factory() as s, s.begin():
        report = cases.register_missing_report(
            s, actor="police", external_id="test/alert.1", child_name="Wang Xiaoyu",
            child_name_zh="王小雨", sex="female", birth_date=dt.date(2019, 4, 2),
            last_seen_date=dt.date(2026, 3, 1), jurisdiction="53",
            last_seen_location=cases.location_for(s, KUNMING))
        return report.id


@dataclass(frozen=True)
class Placed:
    subscriber_id: int
    distance_km: float


def place_subscribers(session_factory, distances_km, *,
                      channel=lambda i: ChannelIn("inbox"),
                      bearing=lambda i: 37.0 * i) -> list[Placed]:
    """One subscriber per distance from Kunming, each with one channel."""
    placed = []
    with session_factory() as s, s.begin():
        for i, distance in enumerate(distances_km):
            lat, lon = destination(KUNMING.latitude, KUNMING.longitude, bearing(i), distance)
            subscriber = subscribe(s, kind="public", allow_private_webhooks=True,
                                   locations=[PlaceIn(latitude=lat, longitude=lon)],
                                   channels=[channel(i)])
            placed.append(Placed(subscriber.id, distance))
    return placed


def report_of(db_session, report_id: int) -> MissingReport:
    report = db_session.get(MissingReport, report_id)
    assert report is not None
    return report
