"""From publication to delivery, with a clock the test controls: the radius widens on
schedule, each subscriber gets each version once, updates and closing notices reach the
right people, failures are retried with backoff and then dead-lettered. Real channels:
a local SMTP server (aiosmtpd) and a local HTTP receiver that verifies signatures."""

from __future__ import annotations

import datetime as dt
import email
import json
import socket
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from homeward.alerts.channels import InboxSender, SmtpSender, WebhookSender
from homeward.alerts.queue import backoff_seconds
from homeward.alerts.receiver import WebhookReceiver
from homeward.alerts.schedule import RadiusSchedule
from homeward.alerts.signing import WebhookRefused, WebhookVerifier, webhook_headers
from homeward.alerts.subscriptions import ChannelIn
from homeward.alerts.worker import Worker
from homeward.registry.models import (
    AlertChannel,
    AlertDelivery,
    AlertInboxMessage,
    AlertSubscriber,
    GeoAlert,
)
from homeward.workflow import alerts as workflow
from tests.alerts.conftest import place_subscribers, report_of

TEXTS = {"en": "Missing: Wang Xiaoyu, 6, red coat, last seen Kunming railway station 07:30.",
         "zh": "寻人：王小雨，6岁，红色外套，7:30在昆明火车站走失。"}
DISTANCES = [50, 150, 250, 400, 650]  # km from Kunming: one per radius ring, one beyond


def publish(factory, report_id, clock, **options) -> int:
    with factory() as s, s.begin():
        alert = workflow.publish_alert(s, actor="police.yunnan", report=report_of(s, report_id),
                                       texts=TEXTS, description="Slim, short hair.",
                                       now=clock(), **options)
        return alert.id


def inbox_of(factory) -> dict[int, list[tuple[int, str]]]:
    """subscriber -> [(alert, kind)] in the web app's notification list."""
    with factory() as s:
        rows = s.execute(select(AlertInboxMessage.subscriber_id, AlertInboxMessage.alert_id,
                                AlertInboxMessage.kind).order_by(AlertInboxMessage.id)).all()
    found: dict[int, list[tuple[int, str]]] = {}
    for subscriber, alert, kind in rows:
        found.setdefault(subscriber, []).append((alert, kind))
    return found


def drain(worker: Worker, passes: int = 10) -> None:
    for _ in range(passes):
        if not worker.run_once().busy:
            return


def test_radius_widens_on_schedule_and_each_subscriber_gets_it_once(factory, report_id,
                                                                    alert_settings, clock):
    placed = place_subscribers(factory, DISTANCES)
    ids = [p.subscriber_id for p in placed]
    publish(factory, report_id, clock)
    worker = Worker(factory, alert_settings, clock=clock)
    drain(worker)
    assert set(inbox_of(factory)) == {ids[0]}  # first hour: 100 km
    clock.advance(minutes=59)
    drain(worker)
    assert set(inbox_of(factory)) == {ids[0]}
    clock.advance(minutes=1)  # 1 h: 200 km
    drain(worker)
    assert set(inbox_of(factory)) == set(ids[:2])
    clock.advance(hours=1)  # 2 h: 300 km
    drain(worker)
    assert set(inbox_of(factory)) == set(ids[:3])
    clock.advance(hours=1)  # 3 h: 500 km
    drain(worker)
    clock.advance(hours=20)
    drain(worker)
    got = inbox_of(factory)
    assert set(got) == set(ids[:4])  # 650 km never
    assert all(len(messages) == 1 for messages in got.values())
    with factory() as s:
        texts = s.scalars(select(AlertInboxMessage.text)).all()
    assert all(TEXTS["en"] in t and "/unsubscribe/" in t and "/sightings/" in t for t in texts)


def test_an_expired_alert_stops_widening(factory, report_id, alert_settings, clock):
    placed = place_subscribers(factory, DISTANCES)
    publish(factory, report_id, clock, expires_hours=1.5)
    worker = Worker(factory, alert_settings, clock=clock)
    clock.advance(hours=1)
    drain(worker)
    clock.advance(hours=5)
    drain(worker)
    assert set(inbox_of(factory)) == {p.subscriber_id for p in placed[:2]}


def test_a_per_alert_schedule(factory, report_id, alert_settings, clock):
    placed = place_subscribers(factory, DISTANCES)
    publish(factory, report_id, clock, schedule=RadiusSchedule.parse("0:300, 0.25:700"))
    worker = Worker(factory, alert_settings, clock=clock)
    drain(worker)
    assert set(inbox_of(factory)) == {p.subscriber_id for p in placed[:3]}
    clock.advance(minutes=15)
    drain(worker)
    assert set(inbox_of(factory)) == {p.subscriber_id for p in placed}


def test_update_reaches_everyone_in_range_once_more_and_closing_tells_who_got_it(
        factory, report_id, alert_settings, clock):
    placed = place_subscribers(factory, DISTANCES)
    ids = [p.subscriber_id for p in placed]
    alert_id = publish(factory, report_id, clock)
    worker = Worker(factory, alert_settings, clock=clock)
    drain(worker)
    clock.advance(hours=1)
    drain(worker)  # ids[0], ids[1] have version 1
    with factory() as s, s.begin():
        workflow.update_alert(s, alert_id, actor="police.yunnan",
                              texts={"en": "Update: seen boarding bus K23 towards Dali."},
                              now=clock())
    drain(worker)
    got = inbox_of(factory)
    assert [k for _, k in got[ids[0]]] == ["alert", "update"]
    assert [k for _, k in got[ids[1]]] == ["alert", "update"]
    clock.advance(hours=1)  # 300 km: the newly covered get only the latest version
    drain(worker)
    assert [k for _, k in inbox_of(factory)[ids[2]]] == ["update"]
    with factory() as s, s.begin():
        workflow.close_alert(s, alert_id, actor="police.yunnan", outcome="found", now=clock())
        assert not report_of(s, report_id).published
    clock.advance(hours=5)  # closed: no more widening
    drain(worker)
    got = inbox_of(factory)
    assert set(got) == set(ids[:3])
    assert all(kinds[-1] == (alert_id, "found") for kinds in got.values())
    with factory() as s:
        found = s.scalar(select(AlertInboxMessage.text).where(
            AlertInboxMessage.kind == "found").limit(1))
    assert "FOUND" in found and "Kunming" not in found and "/sightings/" not in found


def test_closing_cancels_what_was_not_yet_sent(factory, report_id, alert_settings, clock):
    place_subscribers(factory, [10, 20, 30])
    alert_id = publish(factory, report_id, clock)
    worker = Worker(factory, alert_settings, clock=clock)
    worker._fan_out()  # deliveries exist, none sent yet
    with factory() as s, s.begin():
        workflow.close_alert(s, alert_id, actor="police.yunnan", outcome="withdrawn",
                             now=clock())
    drain(worker)
    assert inbox_of(factory) == {}  # nobody had it, so nobody is told it was withdrawn
    with factory() as s:
        statuses = s.scalars(select(AlertDelivery.status)).all()
    assert statuses == ["cancelled"] * 3


def test_backoff_doubles_up_to_the_cap():
    assert [backoff_seconds(n, 10, 45) for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 45, 45]


def test_a_failing_webhook_is_retried_with_backoff_then_dead_lettered(
        factory, report_id, alert_settings, clock):
    receiver = WebhookReceiver(lambda path: "unused", always_fail=lambda path: True).start()
    try:
        place_subscribers(factory, [20], channel=lambda i: ChannelIn("webhook",
                                                                     receiver.url + "/h"))
        publish(factory, report_id, clock)
        worker = Worker(factory, alert_settings, clock=clock,
                        senders={"webhook": WebhookSender(alert_settings)})
        waits = []
        for attempt in range(1, 5):
            result = worker.run_once()
            with factory() as s:
                delivery = s.scalar(select(AlertDelivery))
            assert delivery.attempts == attempt
            if attempt < 4:
                assert result.failed == 1 and delivery.status == "failed"
                assert delivery.last_error == "webhook answered HTTP 503"
                wait = (delivery.next_attempt_at.replace(tzinfo=dt.UTC) - clock()).seconds
                waits.append(wait)
                clock.advance(seconds=wait - 1)
                assert worker.run_once().failed == 0  # not yet due
                clock.advance(seconds=1)
            else:
                assert result.dead == 1 and delivery.status == "dead"
                assert delivery.dead_lettered_at is not None
        assert waits == [10, 20, 40]
        clock.advance(hours=10)
        later = worker.run_once()  # the radius widens (nobody new), dead letters stay dead
        assert (later.sent, later.failed, later.dead) == (0, 0, 0)
        assert receiver.log.posts.total() == 4
    finally:
        receiver.stop()


class Mailbox:
    """An SMTP handler that keeps one copy per Message-ID, as a receiver of retries must."""

    def __init__(self) -> None:
        self.messages: dict[str, email.message.Message] = {}
        self.received = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content)
        with self.lock:
            self.received += 1
            self.messages.setdefault(message["Message-ID"], message)
        return "250 OK"


@pytest.fixture
def smtp_server():
    mailbox = Mailbox()
    with socket.socket() as probe:  # aiosmtpd's Controller needs a known port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield controller, mailbox
    controller.stop()


def test_email_through_a_real_smtp_server(factory, report_id, alert_settings, clock,
                                          smtp_server):
    controller, mailbox = smtp_server
    settings = alert_settings.model_copy(update={"alert_smtp_host": "127.0.0.1",
                                                 "alert_smtp_port": controller.port})
    placed = place_subscribers(factory, [30, 60], channel=lambda i: ChannelIn(
        "email", f"volunteer{i}@example.org"))
    publish(factory, report_id, clock)
    worker = Worker(factory, settings, clock=clock, senders={"email": SmtpSender(settings)})
    drain(worker)
    assert mailbox.received == 2 and len(mailbox.messages) == 2
    by_to = {m["To"]: m for m in mailbox.messages.values()}
    message = by_to["volunteer0@example.org"]
    body = message.get_payload(decode=True).decode()
    assert TEXTS["en"] in body
    assert message["List-Unsubscribe"].startswith("<http://homeward.test/unsubscribe/u.")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Message-ID"] == (f"<homeward-alert-1-v1-s{placed[0].subscriber_id}"
                                     "@homeward>")
    with factory() as s:
        assert s.scalar(select(func.count()).where(AlertDelivery.status == "sent")) == 2


def test_an_unreachable_smtp_server_is_a_failed_attempt(factory, report_id, alert_settings,
                                                        clock):
    settings = alert_settings.model_copy(update={"alert_smtp_port": 9})  # nothing listens
    place_subscribers(factory, [30], channel=lambda i: ChannelIn("email", "a@example.org"))
    publish(factory, report_id, clock)
    worker = Worker(factory, settings, clock=clock, senders={"email": SmtpSender(settings)})
    assert worker.run_once().failed == 1
    with factory() as s:
        assert s.scalar(select(AlertDelivery.last_error)).startswith("smtp: ")


def test_webhooks_are_signed_and_the_receiver_refuses_altered_and_replayed_messages(
        factory, report_id, alert_settings, key, clock):
    from homeward.alerts.signing import webhook_secret

    def secret_for(path: str) -> str | None:
        with factory() as s:
            channel = s.get(AlertChannel, int(path.rsplit("/", 1)[1]))
            return webhook_secret(key, channel.id, channel.subscriber.link_nonce)

    receiver = WebhookReceiver(secret_for).start()
    try:
        placed = place_subscribers(factory, [40], channel=lambda i: ChannelIn(
            "webhook", f"{receiver.url}/hook/1"))
        publish(factory, report_id, clock)
        worker = Worker(factory, alert_settings, clock=clock,
                        senders={"webhook": WebhookSender(alert_settings)})
        drain(worker)
        assert len(receiver.log.accepted) == 1
        got = receiver.log.accepted[0]
        assert got.key == f"homeward-alert-1-v1-s{placed[0].subscriber_id}"
        assert got.payload["text"] == TEXTS["en"]
        assert got.payload["last_seen"]["place"] == "Kunming"
    finally:
        receiver.stop()
    # what a receiver does with what an attacker replays or alters
    with factory() as s:
        channel = s.get(AlertChannel, 1)
        secret = webhook_secret(key, channel.id, channel.subscriber.link_nonce)
    body = json.dumps(got.payload).encode()
    verifier = WebhookVerifier(secret)
    headers = webhook_headers(secret, body, got.key)
    assert verifier.verify(headers, body) == got.key
    with pytest.raises(WebhookRefused, match="already received") as replay:
        verifier.verify(webhook_headers(secret, body, got.key), body)
    assert replay.value.status == 409
    altered = body.replace(b"Kunming", b"Beijing")
    with pytest.raises(WebhookRefused, match="does not match"):
        WebhookVerifier(secret).verify(headers, altered)
    old = webhook_headers(secret, body, "other-key", timestamp=int(time.time()) - 3600)
    with pytest.raises(WebhookRefused, match="too old"):
        WebhookVerifier(secret).verify(old, body)
    with pytest.raises(WebhookRefused, match="unsigned") as unsigned:
        WebhookVerifier(secret).verify({"Idempotency-Key": "k"}, body)
    assert unsigned.value.status == 400


def test_an_unsubscribed_subscriber_is_not_sent_what_was_queued(factory, report_id,
                                                               alert_settings, clock):
    placed = place_subscribers(factory, [10, 20])
    publish(factory, report_id, clock)
    worker = Worker(factory, alert_settings, clock=clock,
                    senders={"inbox": InboxSender(factory)})
    worker._fan_out()
    with factory() as s, s.begin():
        s.get(AlertSubscriber, placed[0].subscriber_id).active = False
    drain(worker)
    assert set(inbox_of(factory)) == {placed[1].subscriber_id}
    with factory() as s:
        assert s.scalar(select(GeoAlert.radius_step)) == 0
