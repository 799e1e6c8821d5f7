"""Tips from the public: stored with provenance, triaged, bundled, never lost.

- **Urgent**: a child in danger now ("being taken", "on a train now", "正在", "刚刚") goes to
  the top of the investigators' queue and notifies the police of the place it names.
- **Bundled**: the same text again from the same sender is the same tip; another sender's
  account of the same sighting (similar words, same place, within three days) is stored and
  shown under the first one, never dropped.
- **Floods**: a sender past ``FLOOD_LIMIT`` tips an hour still has every tip stored, marked
  ``held`` for a person to look at, so spam does not bury the queue and nothing genuine is lost.
- **Linked**: what the tip says about a child is compared with open reports (proposals only).
The sender's address is kept only as a keyed hash, enough to spot a flood.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re

from rapidfuzz import fuzz
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from homeward.intake.linking import ChildDescription, propose_for_child
from homeward.intake.places import find_places
from homeward.intake.posts import Post, read_post
from homeward.intake.store import content_key, existing_source, propose_link
from homeward.registry import audit
from homeward.registry.models import Notification, Photo, Source, Tip, utcnow

URGENT = re.compile(
    r"\b(?:right now|now|being taken|being dragged|being carried|on a train|on the bus|"
    r"just saw|just now|at this moment|happening)\b|正在|现在|刚刚|刚才|此刻|火车上|车上|马上",
    re.I)
FLOOD_LIMIT = 20
BUNDLE_WINDOW = dt.timedelta(days=3)
SIMILAR_AT = 75


def is_urgent(text: str) -> bool:
    return bool(URGENT.search(text))


def client_key(client: str, secret: str) -> str:
    """A keyed hash of the sender's address: counts floods without keeping the address."""
    return hmac.new(secret.encode(), client.encode(), hashlib.sha256).hexdigest()


def _province_code(text: str) -> str | None:
    places = find_places(text)
    adcodes = [m.unit.adcode for m in places if m.unit.adcode]
    return adcodes[0][:2] if adcodes else None


def _root(session: Session, tip: Tip) -> Tip:
    while tip.bundle_of_id is not None:
        parent = session.get(Tip, tip.bundle_of_id)
        if parent is None:
            break
        tip = parent
    return tip


def _same_sighting(session: Session, text: str, place: str, now: dt.datetime) -> Tip | None:
    recent = session.execute(
        select(Tip, Source).join(Source, Tip.source_id == Source.id)
        .where(Source.received_at >= now - BUNDLE_WINDOW, Tip.bundle_of_id.is_(None))
        .order_by(Tip.id.desc()).limit(500)).all()
    province = _province_code(f"{place} {text}")
    for tip, source in recent:
        if fuzz.token_set_ratio(text.lower(), source.text.lower()) < SIMILAR_AT:
            continue
        other = _province_code(f"{tip.place or ''} {source.text}")
        if province and other and province != other:
            continue
        return tip
    return None


def submit_tip(session: Session, *, text: str, place: str = "", seen_at: dt.datetime | None = None,
               contact: str = "", client: str = "", secret: str = "", urgent: bool = False,
               report_id: int | None = None) -> Tip:
    """Store a tip: triaged, bundled with earlier accounts of the same sighting, linked.

    ``urgent`` and ``report_id`` come from a sighting sent in answer to an alert: urgent
    whatever its words, and linked to the alert's case."""
    text = text.strip()
    now = utcnow()
    key = client_key(client, secret) if client else None
    external_id = content_key("tip", f"{key}|{text}")
    source = existing_source(session, external_id)
    if source is not None:
        existing = session.scalar(select(Tip).where(Tip.source_id == source.id))
        assert existing is not None
        return existing  # the very same tip sent again by the same sender
    recent_from_sender = 0
    if key:
        recent_from_sender = session.scalar(
            select(func.count(Tip.id)).join(Source, Tip.source_id == Source.id)
            .where(Tip.client_key == key, Source.received_at >= now - dt.timedelta(hours=1)))
    earlier = _same_sighting(session, text, place, now)
    source = Source(kind="tip", external_id=external_id, author=contact or None, text=text,
                    received_at=now)
    session.add(source)
    session.flush()
    urgent = urgent or is_urgent(text) or (earlier is not None and earlier.urgent)
    tip = Tip(source_id=source.id, place=place or None, seen_at=seen_at, urgent=urgent,
              report_id=report_id,
              status="held" if recent_from_sender >= FLOOD_LIMIT else "new",
              bundle_of_id=_root(session, earlier).id if earlier else None, client_key=key)
    session.add(tip)
    session.flush()
    audit.record(session, actor="public", action="create", entity="tip", entity_id=tip.id,
                 details={"urgent": tip.urgent, "bundle_of": tip.bundle_of_id,
                          "status": tip.status})
    if tip.urgent and tip.status == "new" and tip.bundle_of_id is None:
        notify_urgent(session, tip, text)
    reading = read_post(Post(id=str(tip.id), user="tip", created_at=now,
                             text=f"{text} {place}".strip()))
    for proposal in propose_for_child(session, ChildDescription.of(reading),
                                      found_children=False):
        propose_link(session, "tip", tip.id, proposal, "intake")
    return tip


def attach_tip_photo(session: Session, tip: Tip, content: bytes, media_type: str) -> Photo:
    """Keep a photo sent with a tip (already re-encoded without its metadata)."""
    from homeward.workflow.cases import store_photo

    return store_photo(session, actor="public", content=content, media_type=media_type,
                       tip_id=tip.id)


def notify_urgent(session: Session, tip: Tip, text: str) -> Notification:
    """Tell the police of the place the tip names (all police when it names none)."""
    jurisdiction = _province_code(f"{tip.place or ''} {text}")
    note = Notification(role="police", jurisdiction=jurisdiction, kind="urgent_tip",
                        entity="tip", entity_id=tip.id,
                        message=f"Urgent tip #{tip.id}: a child may be in danger now"
                                + (f" ({tip.place})" if tip.place else ""))
    session.add(note)
    session.flush()
    audit.record(session, actor="intake", action="notify", entity="tip", entity_id=tip.id,
                 details={"notification": note.id, "jurisdiction": jurisdiction})
    return note
