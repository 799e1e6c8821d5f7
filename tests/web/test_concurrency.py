"""A crowd at once: 50 public tips from 50 addresses, police reading and signing in during
the burst, against a real uvicorn server, on SQLite and on PostgreSQL.

The hardening probe found that on SQLite 3 of 50 simultaneous tips were stored, 20 were
answered 500 (``database is locked``) and 27 timed out; ten police reading a report at once
got eight 500s, because every read writes an audit event. The rules checked here: every
acknowledged tip is stored exactly once, no answer is a 5xx, and the audit chain stays
whole (one writer at a time, in order).
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn
from sqlalchemy import func, select

from homeward.registry import audit
from homeward.registry.models import Source, Tip
from tests.web.conftest import PASSWORD

SENDERS = 50
READERS = 10


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(app) -> Iterator[str]:
    """The application served by uvicorn in a thread, as ``homeward serve`` serves it."""
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            loop="asyncio", http="h11")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not running.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    running.should_exit = True
    thread.join(timeout=30)


def _client(base: str, address: str = "127.0.0.1") -> httpx.Client:
    """A client whose connections come from ``address`` (any 127.x.y.z is this host)."""
    return httpx.Client(base_url=base, timeout=60,
                        transport=httpx.HTTPTransport(local_address=address))


def _police(base: str) -> httpx.Client:
    client = _client(base)
    answer = client.post("/api/v1/session", json={"username": "police.yunnan",
                                                   "password": PASSWORD})
    assert answer.status_code == 200, answer.text
    return client


def test_a_burst_of_tips_reads_and_sign_ins_is_served_whole(server, world, factory):
    readers = [_police(server) for _ in range(READERS)]
    senders = [_client(server, f"127.0.{1 + i // 200}.{2 + i % 200}") for i in range(SENDERS)]
    start = threading.Barrier(SENDERS + READERS + 1)

    def send(number: int) -> httpx.Response:
        start.wait()
        return senders[number].post("/api/v1/tips", json={
            "text": f"Burst tip {number}: a girl of about six crying at the bus station",
            "place": "Kunming"})

    def read(number: int) -> httpx.Response:
        start.wait()
        return readers[number].get(f"/api/v1/reports/{world.report_id}")

    def sign_in_during_burst() -> httpx.Response:
        start.wait()
        with _client(server, "127.0.9.9") as client:
            return client.post("/api/v1/session", json={"username": "lab",
                                                         "password": PASSWORD})

    with ThreadPoolExecutor(max_workers=SENDERS + READERS + 1) as pool:
        tips = [pool.submit(send, i) for i in range(SENDERS)]
        reads = [pool.submit(read, i) for i in range(READERS)]
        signing = pool.submit(sign_in_during_burst)
        tip_answers = [t.result() for t in tips]
        read_answers = [r.result() for r in reads]
        sign_in_answer = signing.result()
    for client in readers + senders:
        client.close()

    failures = [(a.status_code, a.text[:200]) for a in tip_answers + read_answers
                if a.status_code >= 500]
    assert not failures
    assert [a.status_code for a in tip_answers] == [201] * SENDERS
    assert [a.status_code for a in read_answers] == [200] * READERS
    assert sign_in_answer.status_code == 200, sign_in_answer.text

    acknowledged = {a.json()["id"] for a in tip_answers}
    assert len(acknowledged) == SENDERS
    with factory() as session:
        stored = set(session.scalars(select(Tip.id).where(Tip.id.in_(acknowledged))))
        assert stored == acknowledged
        for number in range(SENDERS):
            copies = session.scalar(select(func.count(Source.id)).where(
                Source.text.like(f"Burst tip {number}:%")))
            assert copies == 1, f"tip {number} stored {copies} times"
        assert audit.verify_chain(session).ok
