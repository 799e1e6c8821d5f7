"""The alert through the web app: the investigator publishes, the public subscribes,
the worker delivers to the inbox, a sighting comes back as an urgent tip linked to the
case, the unsubscribe link works, and closing shows the public only "found"."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from homeward.alerts.worker import Worker
from homeward.registry.models import (
    AlertInboxMessage,
    AlertSightingReply,
    AlertSubscriber,
    GeoAlert,
    Notification,
    Tip,
)
from tests.web.conftest import csrf_of

KUNMING_ADCODE = "530100000000"


def publish(police, csrf, report_id, **fields) -> int:
    data = {"csrf_token": csrf, "text_en": "Missing girl, 6, red coat, Kunming station.",
            "text_zh": "寻人：6岁女孩，红色外套，昆明火车站。", "latitude": "25.02",
            "longitude": "102.72", "place_label": "Kunming railway station", **fields}
    return police.post(f"/cases/{report_id}/alert", data=data, follow_redirects=False)


def subscribe(client, **fields):
    csrf = csrf_of(client.get("/subscribe").text)
    return client.post("/subscribe", data={"csrf_token": csrf, **fields},
                       follow_redirects=False)


def test_publish_subscribe_deliver_sight_unsubscribe_close(app, client, signed_in, world):
    police, csrf = signed_in("police.yunnan")
    assert publish(police, csrf, world.report_id).status_code == 303
    page = police.get(f"/cases/{world.report_id}/alert")
    assert page.status_code == 200 and "100 km" in page.text

    answer = subscribe(client, kind="transport", name="Kunming South bus station",
                       adcode=KUNMING_ADCODE, inbox="1")
    assert answer.status_code == 303
    manage_url = answer.headers["location"]
    assert "You are subscribed" in client.get(manage_url).text

    Worker(app.state.factory, app.state.settings).run_once()
    inbox = client.get(manage_url).text
    assert "Missing girl, 6, red coat" in inbox
    sighting_url = re.search(r"http://[^/\s]+(/sightings/[^\s<]+)", inbox).group(1)
    unsubscribe_url = re.search(r"http://[^/\s]+(/unsubscribe/[^\s<]+)", inbox).group(1)
    statuses = police.get(f"/cases/{world.report_id}/alert").text
    assert 'class="status-sent"' in statuses

    assert client.get(sighting_url).status_code == 200
    sent = client.post(sighting_url, data={"text": "A girl in a red coat at gate 3",
                                           "place": "Kunming South station"})
    assert sent.status_code == 200 and "urgent tip" in sent.text
    with app.state.factory() as s:
        tip = s.scalar(select(Tip).order_by(Tip.id.desc()).limit(1))
        assert tip.urgent and tip.report_id == world.report_id
        assert s.scalar(select(Notification).where(Notification.entity_id == tip.id)
                        .where(Notification.kind == "urgent_tip")) is not None
        tips_before = s.scalar(select(func.count(Tip.id)))
    replay = client.post(sighting_url, data={"text": "Again: a girl in a red coat",
                                             "place": "Kunming"})
    assert replay.status_code == 409 and "already used" in replay.text
    forged = sighting_url[:-4] + ("0000" if not sighting_url.endswith("0000") else "1111")
    refused = client.post(forged, data={"text": "A girl in a red coat", "place": "x"})
    assert refused.status_code == 400
    unsigned = client.post("/sightings/s.1.1.1.abc", data={"text": "A girl in a red coat"})
    assert unsigned.status_code == 400
    with app.state.factory() as s:
        assert s.scalar(select(func.count(Tip.id))) == tips_before
        assert s.scalar(select(func.count(AlertSightingReply.id))) == 1

    assert "Stop all alerts" in client.get(unsubscribe_url).text
    done = client.post(unsubscribe_url)  # no CSRF token, no sign-in: the link is enough
    assert done.status_code == 200 and "You are unsubscribed" in done.text
    with app.state.factory() as s:
        assert not s.scalar(select(AlertSubscriber.active))

    with app.state.factory() as s:
        alert_id = s.scalar(select(GeoAlert.id))
    assert "Missing girl" in client.get(f"/geo-alerts/{alert_id}").text
    closed = police.post(f"/cases/{world.report_id}/alert/close",
                         data={"csrf_token": csrf, "outcome": "found"}, follow_redirects=False)
    assert closed.status_code == 303
    public = client.get(f"/geo-alerts/{alert_id}")
    assert "Found" in public.text and "Missing girl" not in public.text
    assert "Zhang" not in public.text and "Kunming" not in public.text
    assert client.get(f"/alerts/{world.report_id}").status_code == 404
    assert client.get(f"/api/v1/public/geo-alerts/{alert_id}").json()["status"] == "found"


def test_the_subscriber_who_got_it_is_told_the_child_was_found(app, client, signed_in, world):
    police, csrf = signed_in("police.yunnan")
    publish(police, csrf, world.report_id)
    manage_url = subscribe(client, adcode=KUNMING_ADCODE, inbox="1").headers["location"]
    worker = Worker(app.state.factory, app.state.settings)
    worker.run_once()
    police.post(f"/cases/{world.report_id}/alert/close",
                data={"csrf_token": csrf, "outcome": "found"})
    worker.run_once()
    worker.run_once()
    assert "FOUND" in client.get(manage_url).text
    with app.state.factory() as s:
        assert s.scalar(select(func.count(AlertInboxMessage.id))) == 2


def test_the_api_publishes_and_shows_delivery_status(app, client, signed_in, world):
    police, csrf = signed_in("police.yunnan")
    headers = {"X-CSRF-Token": csrf}
    made = police.post(f"/api/v1/cases/{world.report_id}/alert", headers=headers,
                       json={"text_en": "Missing girl near Kunming", "latitude": 25.02,
                             "longitude": 102.72, "schedule": "0:50, 2:150"})
    assert made.status_code == 201, made.text
    assert made.json()["radius_km"] == 50
    sub = client.post("/api/v1/public/subscriptions", json={
        "kind": "partner", "locations": [{"latitude": 25.1, "longitude": 102.8}],
        "channels": [{"kind": "inbox"}]})
    assert sub.status_code == 201, sub.text
    Worker(app.state.factory, app.state.settings).run_once()
    rows = police.get(f"/api/v1/cases/{world.report_id}/alert/deliveries").json()
    assert [(r["channel"], r["status"], r["version"]) for r in rows] == [("inbox", "sent", 1)]
    summary = police.get(f"/api/v1/cases/{world.report_id}/alert").json()
    assert summary["deliveries"]["inbox"]["sent"] == 1
    updated = police.post(f"/api/v1/cases/{world.report_id}/alert/update", headers=headers,
                          json={"text_en": "Update: seen in Chenggong district"})
    assert updated.json()["version"] == 2
    token = sub.json()["unsubscribe_url"].rsplit("/", 1)[1]
    assert client.post(f"/api/v1/public/unsubscribe/{token}").json()["active"] is False
