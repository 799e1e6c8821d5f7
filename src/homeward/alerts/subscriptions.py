"""Subscribing to alerts near one's places, and unsubscribing from a message's link.

Anyone may subscribe without an account: members of the public, volunteers, transport
staff (railway and bus stations, airports) and partner apps, each with up to
``MAX_LOCATIONS`` places (from the gazetteer by adcode, or latitude/longitude picked on a
map) and up to ``MAX_CHANNELS`` channels. Everything is checked before anything is
stored; one error names the field and the reason.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from homeward.alerts.channels import CHANNEL_KINDS
from homeward.alerts.errors import AlertInputError, BadLinkError
from homeward.alerts.geo import LocationError, cell_key, check_location
from homeward.alerts.messages import LANGUAGES
from homeward.alerts.signing import LinkRefused, read_token
from homeward.alerts.ssrf import WebhookAddressError, check_webhook_url
from homeward.registry import audit
from homeward.registry.gazetteer import places
from homeward.registry.models import (
    AlertChannel,
    AlertSubscriber,
    AlertSubscriberLocation,
    utcnow,
)

SUBSCRIBER_KINDS = ("public", "volunteer", "transport", "partner")
MAX_LOCATIONS = 10
MAX_CHANNELS = 5
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


@dataclass(frozen=True)
class PlaceIn:
    """A place by gazetteer adcode, or by latitude and longitude (a map's pick)."""

    adcode: str | None = None
    latitude: object = None
    longitude: object = None
    label: str | None = None


@dataclass(frozen=True)
class ChannelIn:
    kind: str
    address: str | None = None


def _place(index: int, place: PlaceIn) -> AlertSubscriberLocation:
    what = f"location {index}"
    if place.adcode:
        found = places().get(place.adcode.strip())
        if found is None:
            raise AlertInputError(f"{what}: adcode {place.adcode!r} is not in the gazetteer")
        return AlertSubscriberLocation(adcode=found.adcode, label=found.name,
                                       latitude=found.latitude, longitude=found.longitude,
                                       cell=int(cell_key(found.latitude, found.longitude)))
    try:
        lat, lon = check_location(place.latitude, place.longitude, what)
    except LocationError as error:
        raise AlertInputError(str(error)) from None
    label = (place.label or "").strip()[:200] or None
    return AlertSubscriberLocation(label=label, latitude=lat, longitude=lon,
                                   cell=int(cell_key(lat, lon)))


def _channel(index: int, channel: ChannelIn, allow_private: bool) -> AlertChannel:
    what = f"channel {index}"
    kind = (channel.kind or "").strip().lower()
    if kind not in CHANNEL_KINDS:
        raise AlertInputError(f"{what}: unknown channel {channel.kind!r}; use one of "
                              f"{', '.join(CHANNEL_KINDS)}")
    address = (channel.address or "").strip()
    if kind == "email":
        if len(address) > 254 or not EMAIL.match(address):
            raise AlertInputError(f"{what}: {address[:60]!r} is not an e-mail address")
    elif kind == "webhook":
        try:
            check_webhook_url(address, allow_private=allow_private)
        except WebhookAddressError as error:
            raise AlertInputError(f"{what}: {error}") from None
    else:
        address = ""
    return AlertChannel(kind=kind, address=address or None)


def subscribe(session: Session, *, kind: str, locations: list[PlaceIn],
              channels: list[ChannelIn], allow_private_webhooks: bool,
              name: str | None = None, language: str = "en") -> AlertSubscriber:
    """A new subscriber with its places and channels, or :class:`AlertInputError`."""
    if kind not in SUBSCRIBER_KINDS:
        raise AlertInputError(f"subscriber kind {kind!r} unknown; use one of "
                              f"{', '.join(SUBSCRIBER_KINDS)}")
    if language not in LANGUAGES:
        raise AlertInputError(f"language {language!r} unknown; use one of "
                              f"{', '.join(LANGUAGES)}")
    if not 1 <= len(locations) <= MAX_LOCATIONS:
        raise AlertInputError(f"give 1 to {MAX_LOCATIONS} locations")
    if not 1 <= len(channels) <= MAX_CHANNELS:
        raise AlertInputError(f"give 1 to {MAX_CHANNELS} channels")
    rows = [_place(i, p) for i, p in enumerate(locations, 1)]
    ways = [_channel(i, c, allow_private_webhooks) for i, c in enumerate(channels, 1)]
    if name is not None and ("\x00" in name or len(name) > 200):
        raise AlertInputError("name: at most 200 characters, no NUL")
    subscriber = AlertSubscriber(kind=kind, name=(name or "").strip() or None,
                                 language=language, link_nonce=secrets.token_hex(16),
                                 locations=rows, channels=ways)
    session.add(subscriber)
    session.flush()
    audit.record(session, actor="public", action="create", entity="alert_subscriber",
                 entity_id=subscriber.id, details={
                     "kind": kind, "locations": len(rows),
                     "channels": sorted(c.kind for c in ways)})
    return subscriber


def subscriber_of(session: Session, key: bytes, token: str, kind: str) -> AlertSubscriber:
    """The subscriber a signed link names (``u``: unsubscribe, ``m``: manage)."""
    try:
        parts = read_token(key, token, kind)
    except LinkRefused as refused:
        raise BadLinkError(str(refused)) from None
    subscriber = session.get(AlertSubscriber, int(parts[0])) if parts[0].isdigit() else None
    if subscriber is None or len(parts) != 2 or parts[1] != subscriber.link_nonce:
        raise BadLinkError("this link is no longer valid")
    return subscriber


def unsubscribe(session: Session, subscriber: AlertSubscriber) -> AlertSubscriber:
    """No more messages (deliveries not yet sent are cancelled by the worker)."""
    if subscriber.active:
        subscriber.active = False
        subscriber.unsubscribed_at = utcnow()
        audit.record(session, actor="public", action="update", entity="alert_subscriber",
                     entity_id=subscriber.id, details={"active": False})
    return subscriber
