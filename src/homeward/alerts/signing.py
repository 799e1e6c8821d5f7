"""Signed links in messages, webhook secrets, and webhook signatures.

Links (unsubscribe, manage, sighting reply) are ``kind.ids.mac`` with an HMAC-SHA256 under
a key derived from the web app's session secret, which lives outside the database: a
copy of the database alone cannot forge a link, and the subscriber's ``link_nonce`` in
every MAC lets all of one subscriber's links be revoked. A webhook's secret is derived
the same way from its channel, so it is never stored either.

Webhook messages are signed like Stripe's and Standard Webhooks': ``X-Homeward-Signature:
v1=hex(HMAC-SHA256(secret, timestamp + "." + body))`` with ``X-Homeward-Timestamp`` (Unix
seconds) and an ``Idempotency-Key`` per alert version and subscriber. A receiver
(:class:`WebhookVerifier`) refuses a wrong signature (an altered body or timestamp), a
timestamp outside its tolerance (a replay of an old capture), and a key it already
accepted (a replay, or the worker's retry after a crash: answered 409, "already have it").
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import threading
import time
from dataclasses import dataclass

from homeward.config import Settings
from homeward.security.crypto import key_from_file

SIGNATURE_HEADER = "X-Homeward-Signature"
TIMESTAMP_HEADER = "X-Homeward-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
TOLERANCE_SECONDS = 300
TOKEN = re.compile(r"^(?P<body>[a-z]\.[0-9.a-f]{1,80})\.(?P<mac>[0-9a-f]{32})$")


class LinkRefused(ValueError):
    """A link that this server did not sign, or that was altered."""


def link_key(settings: Settings) -> bytes:
    """The key of links and webhook secrets, from the web app's session secret."""
    secret = (settings.secret_key.encode() if settings.secret_key
              else base64.urlsafe_b64encode(key_from_file(settings.secret_key_file)))
    return hashlib.sha256(b"homeward alert links|" + secret).digest()


def _mac(key: bytes, body: str) -> str:
    return hmac.new(key, body.encode(), hashlib.sha256).hexdigest()[:32]


def make_token(key: bytes, kind: str, *parts: object) -> str:
    body = ".".join([kind, *(str(p) for p in parts)])
    return f"{body}.{_mac(key, body)}"


def read_token(key: bytes, token: str, kind: str) -> list[str]:
    """The parts of a token of ``kind`` signed with ``key``.

    :raises LinkRefused: when it is malformed, of another kind, or not signed here.
    """
    found = TOKEN.match(token or "")
    if found is None:
        raise LinkRefused("this link is incomplete or altered; open it from the message")
    if not hmac.compare_digest(found["mac"], _mac(key, found["body"])):
        raise LinkRefused("this link was not signed by Homeward (or it was altered)")
    parts = found["body"].split(".")
    if parts[0] != kind:
        raise LinkRefused("this link is for something else")
    return parts[1:]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def webhook_secret(key: bytes, channel_id: int, link_nonce: str) -> str:
    """The secret a webhook receiver verifies signatures with (shown to the subscriber)."""
    return hmac.new(key, f"webhook|{channel_id}|{link_nonce}".encode(),
                    hashlib.sha256).hexdigest()


def sign_webhook(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "v1=" + mac.hexdigest()


def webhook_headers(secret: str, body: bytes, idempotency_key: str,
                    timestamp: int | None = None) -> dict[str, str]:
    stamp = int(time.time()) if timestamp is None else timestamp
    return {"Content-Type": "application/json", TIMESTAMP_HEADER: str(stamp),
            SIGNATURE_HEADER: sign_webhook(secret, stamp, body),
            IDEMPOTENCY_HEADER: idempotency_key}


class WebhookRefused(ValueError):
    """A webhook message the receiver must not act on; ``status`` is the HTTP answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


@dataclass
class WebhookVerifier:
    """What a receiver runs on each message: signature, freshness, first time seen.

    The keys seen are kept in memory here (a receiver with several processes keeps them
    in its database, under a unique constraint).
    """

    secret: str
    tolerance_seconds: int = TOLERANCE_SECONDS

    def __post_init__(self) -> None:
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def verify(self, headers: dict[str, str], body: bytes, now: float | None = None) -> str:
        """The message's idempotency key, once; :raises WebhookRefused: otherwise."""
        lower = {k.lower(): v for k, v in headers.items()}
        stamp, signature = lower.get(TIMESTAMP_HEADER.lower()), lower.get(
            SIGNATURE_HEADER.lower())
        key = lower.get(IDEMPOTENCY_HEADER.lower())
        if not stamp or not signature or not key:
            raise WebhookRefused(400, "unsigned message: signature, timestamp or "
                                      "idempotency key missing")
        if not stamp.isdigit():
            raise WebhookRefused(400, "the timestamp is not a number of seconds")
        expected = sign_webhook(self.secret, int(stamp), body)
        if not hmac.compare_digest(expected, signature):
            raise WebhookRefused(401, "the signature does not match (altered message or "
                                      "wrong secret)")
        now = time.time() if now is None else now
        if abs(now - int(stamp)) > self.tolerance_seconds:
            raise WebhookRefused(401, "the timestamp is too old or in the future (replay)")
        with self._lock:
            if key in self._seen:
                raise WebhookRefused(409, "already received (same idempotency key)")
            self._seen.add(key)
        return key
