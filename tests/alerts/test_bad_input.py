"""Bad input to alerts: a clear error naming the field and the reason, and nothing stored.
The app runs with production settings here: private webhook addresses are refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from homeward.alerts.errors import AlertInputError
from homeward.alerts.ssrf import WebhookAddressError, check_webhook_url
from homeward.alerts.subscriptions import ChannelIn, PlaceIn, subscribe
from homeward.registry.models import (
    AlertChannel,
    AlertOutbox,
    AlertSubscriber,
    AlertSubscriberLocation,
    AlertVersion,
    GeoAlert,
)
from tests.web.conftest import csrf_of

TABLES = (AlertSubscriber, AlertSubscriberLocation, AlertChannel, GeoAlert, AlertVersion,
          AlertOutbox)


def counts(app) -> dict[str, int]:
    with app.state.factory() as s:
        return {t.__tablename__: s.scalar(select(func.count()).select_from(t)) for t in TABLES}


def api_subscribe(client, locations, channels):
    return client.post("/api/v1/public/subscriptions",
                       json={"locations": locations, "channels": channels})


@pytest.mark.parametrize("location, reason", [
    ({"latitude": 48.85, "longitude": 2.35}, "outside China"),
    ({"latitude": "north", "longitude": 102.7}, "not a number"),
    ({"latitude": 102.7, "longitude": 25.0}, "swapped"),
    ({"adcode": "999999999999"}, "not in the gazetteer"),
])
def test_a_location_outside_china_or_not_a_number_is_refused(app, client, location, reason):
    before = counts(app)
    answer = api_subscribe(client, [location], [{"kind": "inbox"}])
    assert answer.status_code == 422 and reason in answer.json()["detail"]
    assert "location 1" in answer.json()["detail"]
    assert counts(app) == before


@pytest.mark.parametrize("channel, reason", [
    ({"kind": "sms", "address": "13800000000"}, "unknown channel 'sms'"),
    ({"kind": "email", "address": "not-an-address"}, "not an e-mail address"),
    ({"kind": "webhook", "address": "ftp://partner.example/hook"}, "http:// or https://"),
    ({"kind": "webhook", "address": "file:///etc/passwd"}, "http:// or https://"),
    ({"kind": "webhook", "address": "http://127.0.0.1:5432/"}, "private, loopback"),
    ({"kind": "webhook", "address": "http://localhost/hook"}, "private, loopback"),
    ({"kind": "webhook", "address": "http://10.1.2.3/hook"}, "private, loopback"),
    ({"kind": "webhook", "address": "http://169.254.169.254/latest/"}, "link-local"),
    ({"kind": "webhook", "address": "http://[::1]/hook"}, "private, loopback"),
    ({"kind": "webhook", "address": "http://[::ffff:192.168.0.1]/"}, "private, loopback"),
    ({"kind": "webhook", "address": "https://user:pw@8.8.8.8/"}, "user name"),
])
def test_an_unknown_channel_or_a_forbidden_webhook_is_refused(app, client, channel, reason):
    before = counts(app)
    answer = api_subscribe(client, [{"latitude": 25.0, "longitude": 102.7}],
                           [{"kind": "inbox"}, channel])
    assert answer.status_code == 422, answer.text
    assert reason in answer.json()["detail"] and "channel 2" in answer.json()["detail"]
    assert counts(app) == before


def test_the_subscribe_form_names_the_error_and_keeps_nothing(app, client):
    before = counts(app)
    csrf = csrf_of(client.get("/subscribe").text)
    page = client.post("/subscribe", data={"csrf_token": csrf, "latitude": "48.85",
                                           "longitude": "2.35", "inbox": "1"})
    assert page.status_code == 422 and "outside China" in page.text
    page = client.post("/subscribe", data={"csrf_token": csrf, "latitude": "25",
                                           "longitude": "102.7",
                                           "webhook": "http://192.168.1.1/x"})
    assert page.status_code == 422 and "private" in page.text
    assert counts(app) == before


def test_a_public_webhook_address_passes_the_guard():
    assert check_webhook_url("https://8.8.8.8/hook", allow_private=False)
    assert check_webhook_url("http://127.0.0.1:8025/hook", allow_private=True)  # demo
    with pytest.raises(WebhookAddressError, match="does not resolve"):
        check_webhook_url("https://no-such-host.invalid/hook", allow_private=False)


def test_alert_text_over_360_characters_is_refused(app, signed_in, world):
    police, csrf = signed_in("police.yunnan")
    before = counts(app)
    page = police.post(f"/cases/{world.report_id}/alert", data={
        "csrf_token": csrf, "text_en": "x" * 361, "latitude": "25", "longitude": "102.7"})
    assert page.status_code == 422 and "361 characters" in page.text
    api = police.post(f"/api/v1/cases/{world.report_id}/alert",
                      headers={"X-CSRF-Token": csrf},
                      json={"text_zh": "寻" * 400, "latitude": 25, "longitude": 102.7})
    assert api.status_code == 422 and "text (zh) has 400 characters" in api.json()["detail"]
    for data, reason in (({"text_en": "ok", "latitude": "48.8", "longitude": "2.3"},
                          "outside China"),
                         ({"text_en": "ok", "latitude": "abc", "longitude": "2.3"}, "latitude"),
                         ({"text_en": "ok", "latitude": "25", "longitude": "102.7",
                           "schedule": "1:100"}, "starts at 0"),
                         ({"text_en": "", "latitude": "25", "longitude": "102.7"},
                          "at least one language"),
                         ({"text_en": "ok"}, "give its latitude and longitude")):
        page = police.post(f"/cases/{world.report_id}/alert", data={"csrf_token": csrf, **data})
        assert page.status_code == 422 and reason in page.text, (data, page.text[-600:])
    assert counts(app) == before


def test_subscriptions_refuse_unknown_kinds_and_too_many_places(session):
    with pytest.raises(AlertInputError, match="kind 'robot' unknown"):
        subscribe(session, kind="robot", locations=[PlaceIn(latitude=25, longitude=102)],
                  channels=[ChannelIn("inbox")], allow_private_webhooks=False)
    with pytest.raises(AlertInputError, match="1 to 10 locations"):
        subscribe(session, kind="public", channels=[ChannelIn("inbox")],
                  locations=[PlaceIn(latitude=25, longitude=102)] * 11,
                  allow_private_webhooks=False)
    assert session.scalar(select(func.count(AlertSubscriber.id))) == 0
