"""What one delivery says, on every channel: the alert's short text (360 characters at
most, as Wireless Emergency Alerts keep it) and links to the alert, to a sighting form
and to a one-click unsubscribe. The message is built from the stored rows alone, so a
retry sends the very same body and links.

A closing notice (found, withdrawn) says only that: the public learns that the child was
found, never where, how or by whom.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from homeward.alerts.errors import AlertInputError
from homeward.alerts.signing import make_token, webhook_secret
from homeward.registry.models import (
    AlertChannel,
    AlertDelivery,
    AlertSubscriber,
    AlertVersion,
    GeoAlert,
)

MAX_TEXT_CHARS = 360
LANGUAGES = ("en", "zh")
CLOSING_TEXTS = {
    "found": {"en": "FOUND: the child of this alert has been found. Thank you for looking.",
              "zh": "已找到：本条寻人启事中的孩子已经找到。感谢您的关注。"},
    "withdrawn": {"en": "This alert has been withdrawn by the police. Thank you.",
                  "zh": "本条寻人启事已由警方撤回。谢谢。"},
}
SUBJECTS = {"alert": "Missing child alert", "update": "Update: missing child alert",
            "found": "Found: missing child alert", "withdrawn": "Withdrawn: missing child alert"}


def check_texts(texts: dict[str, str]) -> dict[str, str]:
    """The alert's texts per language, each of 1 to 360 characters.

    :raises AlertInputError: naming the language and the length.
    """
    clean = {}
    for language, text in texts.items():
        if language not in LANGUAGES:
            raise AlertInputError(f"text in {language!r}: languages are "
                                  f"{', '.join(LANGUAGES)}")
        if not isinstance(text, str):
            raise AlertInputError(f"text ({language}) is not text")
        text = text.strip()
        if not text:
            continue
        if len(text) > MAX_TEXT_CHARS:
            raise AlertInputError(f"text ({language}) has {len(text)} characters; an alert "
                                  f"keeps to {MAX_TEXT_CHARS} (the link is added to it)")
        if "\x00" in text or any("\ud800" <= c <= "\udfff" for c in text):
            raise AlertInputError(f"text ({language}) contains an invalid character")
        clean[language] = text
    if not clean:
        raise AlertInputError("write the alert's text in at least one language")
    return clean


def idempotency_key(alert_id: int, version_number: int, subscriber_id: int) -> str:
    """One key per alert version and subscriber: every channel and retry carries it."""
    return f"homeward-alert-{alert_id}-v{version_number}-s{subscriber_id}"


def unsubscribe_token(key: bytes, subscriber: AlertSubscriber) -> str:
    return make_token(key, "u", subscriber.id, subscriber.link_nonce)


def manage_token(key: bytes, subscriber: AlertSubscriber) -> str:
    return make_token(key, "m", subscriber.id, subscriber.link_nonce)


def sighting_token(key: bytes, alert_id: int, subscriber: AlertSubscriber,
                   version_number: int) -> str:
    return make_token(key, "s", alert_id, subscriber.id, version_number,
                      subscriber.link_nonce)


@dataclass(frozen=True)
class OutgoingMessage:
    """Everything a channel sender needs; nothing is read from the database again."""

    delivery_id: int
    idempotency_key: str
    channel_kind: str
    address: str | None
    subscriber_id: int
    alert_id: int
    kind: str
    subject: str
    text: str
    payload: dict[str, Any]
    links: dict[str, str]
    webhook_secret: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def body_bytes(self) -> bytes:
        return json.dumps(self.payload, ensure_ascii=False, sort_keys=True,
                          separators=(",", ":")).encode()


def text_in(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts.get("en") or next(iter(texts.values()), "")


def compose(*, key: bytes, base_url: str, delivery: AlertDelivery, alert: GeoAlert,
            version: AlertVersion, subscriber: AlertSubscriber, channel: AlertChannel,
            photo: bool) -> OutgoingMessage:
    """The message of one delivery (the same bytes at every attempt)."""
    base = base_url.rstrip("/")
    closing = version.kind in CLOSING_TEXTS
    links = {"alert": f"{base}/geo-alerts/{alert.id}",
             "unsubscribe": f"{base}/unsubscribe/{unsubscribe_token(key, subscriber)}"}
    if not closing:
        links["sighting"] = (f"{base}/sightings/"
                             f"{sighting_token(key, alert.id, subscriber, version.number)}")
        if photo:
            links["photo"] = f"{base}/alerts/{alert.report_id}/photo"
    text = text_in(version.texts, subscriber.language)
    payload: dict[str, Any] = {
        "idempotency_key": delivery.idempotency_key, "alert_id": alert.id,
        "version": version.number, "kind": version.kind, "language": subscriber.language,
        "text": text, "texts": version.texts, "links": links,
        "sent_for": _iso(version.created_at)}
    if not closing:
        payload["description"] = version.description
        payload["last_seen"] = {"place": alert.place_label, "latitude": alert.latitude,
                                "longitude": alert.longitude,
                                "at": _iso(alert.last_seen_at)}
    lines = [text, "", f"Alert: {links['alert']}"]
    if "sighting" in links:
        lines.append(f"Seen this child? Tell us: {links['sighting']}")
    lines.append(f"Unsubscribe: {links['unsubscribe']}")
    secret = (webhook_secret(key, channel.id, subscriber.link_nonce)
              if channel.kind == "webhook" else None)
    return OutgoingMessage(
        delivery_id=delivery.id, idempotency_key=delivery.idempotency_key,
        channel_kind=channel.kind, address=channel.address, subscriber_id=subscriber.id,
        alert_id=alert.id, kind=version.kind,
        subject=f"{SUBJECTS.get(version.kind, 'Alert')} #{alert.id}",
        text="\n".join(lines), payload=payload, links=links, webhook_secret=secret)


def _iso(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.isoformat(timespec="seconds")
