"""The delivery worker: widen radii, fan out the outbox, send with retries.

One pass (:meth:`Worker.run_once`): advance every due radius step (which enqueues the
newly covered subscribers), fan out claimed outbox rows into deliveries, then claim a
batch of due deliveries and send each, committing each result on its own so that a
crash loses at most the result of the message in flight (alerts/queue.py says why the
queue is the database and how leases and idempotency keys make restarts and concurrent
workers safe). Time comes from ``clock`` so that tests control it.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, sessionmaker

from homeward.alerts import queue
from homeward.alerts.channels import DeliveryFailed, Sender, default_senders
from homeward.alerts.messages import CLOSING_TEXTS, OutgoingMessage, compose
from homeward.alerts.signing import link_key
from homeward.config import Settings
from homeward.registry.db import session_scope
from homeward.registry.models import (
    AlertChannel,
    AlertDelivery,
    AlertSubscriber,
    AlertVersion,
    GeoAlert,
    MissingReport,
    Photo,
    utcnow,
)

log = logging.getLogger(__name__)


@dataclass
class PassResult:
    widened: int = 0
    fanned_out: int = 0
    sent: int = 0
    failed: int = 0
    dead: int = 0
    cancelled: int = 0

    @property
    def busy(self) -> bool:
        return bool(self.widened or self.fanned_out or self.sent or self.failed
                    or self.dead or self.cancelled)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100_000}"


class Worker:
    def __init__(self, factory: sessionmaker[Session], settings: Settings, *,
                 senders: dict[str, Sender] | None = None,
                 clock: Callable[[], dt.datetime] = utcnow, name: str | None = None) -> None:
        self.factory, self.settings, self.clock = factory, settings, clock
        self.senders = senders or default_senders(settings, factory)
        self.name = name or worker_name()
        self.key = link_key(settings)

    def run_once(self) -> PassResult:
        result = PassResult()
        with session_scope(self.factory) as session:
            result.widened = len(queue.advance_radius(session, self.clock()))
        result.fanned_out = self._fan_out()
        self._send_batch(result)
        return result

    def run(self, stop: threading.Event, poll_seconds: float = 1.0) -> None:
        """Passes until ``stop`` is set; sleeps only when a pass found nothing to do."""
        while not stop.is_set():
            try:
                busy = self.run_once().busy
            except Exception:  # noqa: BLE001 - a database hiccup: log, wait, go on
                log.exception("alert worker pass failed")
                busy = False
            if not busy:
                stop.wait(poll_seconds)

    def _fan_out(self) -> int:
        s = self.settings
        with session_scope(self.factory) as session:
            claimed = queue.claim_outbox(session, worker=self.name, now=self.clock(),
                                         lease_seconds=s.alert_lease_seconds)
        total = 0
        for outbox_id in claimed:
            with session_scope(self.factory) as session:
                total += queue.fan_out(session, outbox_id, worker=self.name, now=self.clock())
        return total

    def _send_batch(self, result: PassResult) -> None:
        s = self.settings
        with session_scope(self.factory) as session:
            claimed = queue.claim_deliveries(session, worker=self.name, now=self.clock(),
                                             lease_seconds=s.alert_lease_seconds,
                                             limit=s.alert_batch_size)
        if not claimed:
            return
        with session_scope(self.factory) as session:
            messages, stale = self._compose(session, claimed)
            for delivery_id, reason in stale:
                queue.record_cancelled(session, delivery_id, worker=self.name, reason=reason)
                result.cancelled += 1
        for message in messages:
            self._send(message, result)

    def _send(self, message: OutgoingMessage, result: PassResult) -> None:
        s = self.settings
        try:
            self.senders[message.channel_kind].send(message)
        except DeliveryFailed as error:
            with session_scope(self.factory) as session:
                status = queue.record_failure(
                    session, message.delivery_id, worker=self.name, now=self.clock(),
                    error=str(error), max_attempts=s.alert_max_attempts,
                    base_seconds=s.alert_backoff_seconds,
                    cap_seconds=s.alert_backoff_max_seconds)
            if status == "dead":
                result.dead += 1
                log.warning("alert delivery %s dead-lettered", message.delivery_id)
            else:
                result.failed += 1
            return
        with session_scope(self.factory) as session:
            queue.record_sent(session, message.delivery_id, worker=self.name, now=self.clock())
        result.sent += 1

    def _compose(self, session: Session, claimed: list[int]
                 ) -> tuple[list[OutgoingMessage], list[tuple[int, str]]]:
        rows = session.execute(
            select(AlertDelivery, GeoAlert, AlertVersion, AlertSubscriber, AlertChannel)
            .join(GeoAlert, GeoAlert.id == AlertDelivery.alert_id)
            .join(AlertVersion, AlertVersion.id == AlertDelivery.version_id)
            .join(AlertSubscriber, AlertSubscriber.id == AlertDelivery.subscriber_id)
            .join(AlertChannel, AlertChannel.id == AlertDelivery.channel_id)
            .where(AlertDelivery.id.in_(claimed))).all()
        photos = set(session.scalars(select(MissingReport.id).where(
            MissingReport.id.in_({row[1].report_id for row in rows}), MissingReport.published,
            exists().where(Photo.report_id == MissingReport.id))))
        messages, stale = [], []
        for delivery, alert, version, subscriber, channel in rows:
            if alert.status == "closed" and version.kind not in CLOSING_TEXTS:
                stale.append((delivery.id, "the alert was closed before this was sent"))
            elif not subscriber.active or not channel.active:
                stale.append((delivery.id, "unsubscribed before this was sent"))
            else:
                messages.append(compose(key=self.key, base_url=self.settings.public_base_url,
                                        delivery=delivery, alert=alert, version=version,
                                        subscriber=subscriber, channel=channel,
                                        photo=alert.report_id in photos))
        return messages, stale
