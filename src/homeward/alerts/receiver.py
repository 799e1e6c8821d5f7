"""A webhook receiver that does what partners must do: verify, refuse replays, keep one.

Runs in a thread (``http.server``); each path has its own secret (one channel per URL).
It verifies every POST with :class:`~homeward.alerts.signing.WebhookVerifier`: 400 for an
unsigned message, 401 for a wrong signature or a stale timestamp, 409 for an idempotency
key already accepted, 200 when accepted. The demo (``homeward demo webhook-receiver``),
the tests and the benchmark use it. ``fail_first`` answers 503 that many times per key
and ``always_fail`` paths always answer 503, to exercise the worker's retries.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from homeward.alerts.signing import IDEMPOTENCY_HEADER, WebhookRefused, WebhookVerifier

MAX_BODY = 256 * 1024


@dataclass
class Received:
    path: str
    key: str
    payload: dict[str, Any]


@dataclass
class ReceiverLog:
    accepted: list[Received] = field(default_factory=list)
    posts: Counter = field(default_factory=Counter)  # every POST per idempotency key
    refused: Counter = field(default_factory=Counter)  # by HTTP status
    lock: threading.Lock = field(default_factory=threading.Lock)


class WebhookReceiver:
    def __init__(self, secret_for: Callable[[str], str | None], *, host: str = "127.0.0.1",
                 port: int = 0, delay_seconds: float = 0.0, fail_first: int = 0,
                 always_fail: Callable[[str], bool] = lambda path: False,
                 on_accept: Callable[[Received], None] | None = None) -> None:
        self.secret_for, self.delay, self.fail_first = secret_for, delay_seconds, fail_first
        self.always_fail, self.on_accept = always_fail, on_accept
        self.log = ReceiverLog()
        self._verifiers: dict[str, WebhookVerifier] = {}
        self._failures: Counter = Counter()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(min(length, MAX_BODY))
                status, reason = receiver.handle(self.path, dict(self.headers), body)
                data = json.dumps({"status": reason}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:  # quiet: messages name children
                return

        self.server = ThreadingHTTPServer((host, port), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, str]:
        if self.delay:
            time.sleep(self.delay)
        key = {k.lower(): v for k, v in headers.items()}.get(IDEMPOTENCY_HEADER.lower(), "")
        with self.log.lock:
            self.log.posts[key] += 1
            failing = self.always_fail(path) or self._failures[key] < self.fail_first
            if failing:
                self._failures[key] += 1
        if failing:
            return 503, "try again later"
        secret = self.secret_for(path)
        if secret is None:
            return 404, "no such hook"
        with self.log.lock:
            verifier = self._verifiers.setdefault(path, WebhookVerifier(secret))
        try:
            accepted_key = verifier.verify(headers, body)
        except WebhookRefused as refused:
            with self.log.lock:
                self.log.refused[refused.status] += 1
            return refused.status, str(refused)
        item = Received(path, accepted_key, json.loads(body))
        with self.log.lock:
            self.log.accepted.append(item)
        if self.on_accept:
            self.on_accept(item)
        return 200, "accepted"

    def start(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
