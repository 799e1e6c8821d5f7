"""Real ``homeward worker`` processes against a real webhook receiver: one killed with
SIGKILL in the middle of a batch and restarted, and two at once. Every subscriber must
end with exactly one accepted message per alert version."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy import func, select

from homeward.alerts.receiver import WebhookReceiver
from homeward.alerts.signing import webhook_secret
from homeward.alerts.subscriptions import ChannelIn
from homeward.registry.models import AlertChannel, AlertDelivery
from homeward.workflow import alerts as workflow
from tests.alerts.conftest import place_subscribers, report_of

WAIT_SECONDS = 90


def start_worker(database_url: str, name: str) -> subprocess.Popen:
    env = {**os.environ, "HOMEWARD_DATABASE_URL": database_url,
           "HOMEWARD_SECRET_KEY": "test-secret", "HOMEWARD_ALERT_ALLOW_PRIVATE_WEBHOOKS": "1",
           "HOMEWARD_ALERT_LEASE_SECONDS": "3", "HOMEWARD_ALERT_BATCH_SIZE": "10"}
    return subprocess.Popen([sys.executable, "-m", "homeward", "worker", "--name", name,
                             "--poll-seconds", "0.2"], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def hooked_world(factory, key, count: int, delay: float):
    """``count`` subscribers near Kunming, each with its own webhook path, a receiver
    that verifies each path's signatures, and a published alert."""
    receiver = WebhookReceiver(lambda path: secrets.get(path), delay_seconds=delay).start()
    place_subscribers(factory, [5 + i for i in range(count)],
                      channel=lambda i: ChannelIn("webhook", f"{receiver.url}/hook/{i}"))
    with factory() as s, s.begin():
        secrets = {channel.address.removeprefix(receiver.url): webhook_secret(
            key, channel.id, channel.subscriber.link_nonce)
            for channel in s.scalars(select(AlertChannel))}
        workflow.publish_alert(s, actor="police.yunnan", report=report_of(s, 1),
                               texts={"en": "Missing child near Kunming station."})
    return receiver


def wait_until(condition, what: str) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.05)


def all_sent(factory, count: int):
    def done() -> bool:
        with factory() as s:
            return s.scalar(select(func.count()).where(AlertDelivery.status == "sent")) == count
    return done


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=30)
    return err.decode(errors="replace")


def expected_keys(factory) -> set[str]:
    with factory() as s:
        return set(s.scalars(select(AlertDelivery.idempotency_key)))


def test_a_worker_killed_mid_batch_and_restarted_sends_each_message_once(
        factory, database_url, report_id, key):
    count = 20
    receiver = hooked_world(factory, key, count, delay=0.05)
    try:
        first = start_worker(database_url, "first")
        wait_until(lambda: len(receiver.log.accepted) >= 4, "the first messages")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        killed_at = len(receiver.log.accepted)
        assert killed_at < count, "the worker finished before it was killed"
        with factory() as s:  # it left claimed rows behind, mid-batch
            assert s.scalar(select(func.count()).where(AlertDelivery.status == "sending")) > 0
        second = start_worker(database_url, "second")
        wait_until(all_sent(factory, count), "every delivery to be sent")
        errors = stop(second)
    finally:
        receiver.stop()
    accepted = [item.key for item in receiver.log.accepted]
    assert len(accepted) == count and set(accepted) == expected_keys(factory), errors
    # whatever was re-sent after the kill was refused by the receiver as a duplicate
    duplicates = receiver.log.posts.total() - count
    assert receiver.log.refused[409] == duplicates
    assert duplicates <= 1  # at most the message in flight at the kill


def test_two_workers_at_once_never_send_twice(factory, database_url, report_id, key):
    count = 24
    receiver = hooked_world(factory, key, count, delay=0.02)
    try:
        workers = [start_worker(database_url, "a"), start_worker(database_url, "b")]
        wait_until(all_sent(factory, count), "every delivery to be sent")
        errors = [stop(w) for w in workers]
    finally:
        receiver.stop()
    assert len(receiver.log.accepted) == count, errors
    assert set(receiver.log.posts) == expected_keys(factory)
    assert set(receiver.log.posts.values()) == {1}  # not one message posted twice
    with factory() as s:
        by_worker = dict(s.execute(select(AlertDelivery.leased_by, func.count())
                                   .group_by(AlertDelivery.leased_by)).all())
    assert set(by_worker) <= {"a", "b"} and sum(by_worker.values()) == count
