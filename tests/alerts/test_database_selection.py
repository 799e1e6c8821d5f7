"""Choosing an alert's subscribers in the database (the cell column and its index) gives
exactly the brute-force haversine's answer, on SQLite and on PostgreSQL; subscribers who
unsubscribed are left out; migration 0009 gives existing locations their cell."""

from __future__ import annotations

import numpy as np
from sqlalchemy import insert, text

from homeward.alerts.geo import cell_key, destination, haversine_km
from homeward.alerts.spatial import subscribers_within
from homeward.registry.db import make_engine
from homeward.registry.migrate import upgrade
from homeward.registry.models import AlertSubscriber, AlertSubscriberLocation

CENTRE = (24.88, 102.83)  # Kunming


def _load(session, lats, lons, owners, inactive):
    count = int(owners.max()) + 1
    session.execute(insert(AlertSubscriber), [
        {"id": i + 1, "kind": "public", "language": "en", "link_nonce": "0" * 32,
         "active": i not in inactive} for i in range(count)])
    session.execute(insert(AlertSubscriberLocation), [
        {"subscriber_id": int(o) + 1, "latitude": float(a), "longitude": float(b),
         "cell": int(cell_key(a, b))} for a, b, o in zip(lats, lons, owners, strict=True)])
    session.flush()


def test_the_database_finds_exactly_the_brute_force_answer(session):
    rng = np.random.default_rng(17)
    n = 6_000
    lats = CENTRE[0] + rng.normal(0, 2.5, n)
    lons = CENTRE[1] + rng.normal(0, 2.5, n)
    ring = [destination(*CENTRE, bearing, 200.0) for bearing in range(0, 360, 5)]
    lats = np.clip(np.append(lats, [p[0] for p in ring]), 3.9, 53.5)
    lons = np.clip(np.append(lons, [p[1] for p in ring]), 73.6, 135.0)
    owners = rng.integers(0, 4_000, lats.size)  # some subscribers have several places
    inactive = set(rng.choice(4_000, 300, replace=False).tolist())
    _load(session, lats, lons, owners, inactive)
    for centre in (CENTRE, (float(lats[0]), float(lons[0])), (30.0, 100.0)):
        distance = haversine_km(*centre, lats, lons)
        for radius in (10, 100, 200, 300, 500):
            expected = sorted({int(o) + 1 for o, d in zip(owners, distance, strict=True)
                               if d <= radius and int(o) not in inactive})
            assert subscribers_within(session, *centre, radius) == expected, (centre, radius)
    assert subscribers_within(session, 50.0, 80.0, 50) == []


def test_migration_0009_gives_existing_locations_their_cell(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path}/old.sqlite3")
    upgrade(engine, revision="0008")
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO alert_subscribers (id, kind, language, link_nonce, active, "
            "created_at) VALUES (1, 'public', 'en', :nonce, 1, '2026-01-01')"),
            {"nonce": "0" * 32})
        connection.execute(text(
            "INSERT INTO alert_subscriber_locations (id, subscriber_id, latitude, longitude) "
            "VALUES (1, 1, 24.88, 102.83), (2, 1, 53.5, 73.6)"))
    upgrade(engine)
    with engine.connect() as connection:
        cells = connection.execute(text(
            "SELECT cell FROM alert_subscriber_locations ORDER BY id")).scalars().all()
    assert cells == [int(cell_key(24.88, 102.83)), int(cell_key(53.5, 73.6))]
    # row 459 from the south pole (114.88 / 0.25), column 1131 from the antimeridian
    assert cells[0] == 459 * 1440 + 1131
    engine.dispose()
