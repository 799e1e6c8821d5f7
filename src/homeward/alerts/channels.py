"""Channel senders: e-mail over SMTP, signed webhooks over HTTP, the web app's inbox.

Each sender delivers one :class:`~homeward.alerts.messages.OutgoingMessage` or raises
:class:`DeliveryFailed` with a short reason (never the message itself: it names a child).
Every channel carries the delivery's idempotency key so that the receiver keeps one copy
when the worker sends again after a crash: the webhook's ``Idempotency-Key`` header, the
e-mail's ``Message-ID`` (derived from the key), the inbox's unique ``delivery_key``.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate
from typing import Protocol

import httpx
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from homeward.alerts.messages import OutgoingMessage
from homeward.alerts.signing import webhook_headers
from homeward.alerts.ssrf import WebhookAddressError, check_webhook_url
from homeward.config import Settings
from homeward.registry.db import session_scope
from homeward.registry.models import AlertInboxMessage

CHANNEL_KINDS = ("email", "webhook", "inbox")


class DeliveryFailed(Exception):
    """One attempt failed; the worker retries later or dead-letters the delivery."""


class Sender(Protocol):
    def send(self, message: OutgoingMessage) -> None: ...


class SmtpSender:
    """E-mail through an SMTP relay (smtplib), with RFC 8058 one-click unsubscribe."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def email(self, message: OutgoingMessage) -> EmailMessage:
        # long link headers stay plain (RFC 5322 allows 998 characters per line)
        mail = EmailMessage(policy=SMTP_POLICY.clone(max_line_length=998))
        mail["From"] = self.settings.alert_smtp_from
        mail["To"] = message.address or ""
        mail["Subject"] = message.subject
        mail["Date"] = formatdate(usegmt=True)
        mail["Message-ID"] = f"<{message.idempotency_key}@homeward>"
        mail["X-Homeward-Idempotency-Key"] = message.idempotency_key
        mail["List-Unsubscribe"] = f"<{message.links['unsubscribe']}>"
        mail["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        mail.set_content(message.text)
        return mail

    def send(self, message: OutgoingMessage) -> None:
        s = self.settings
        try:
            with smtplib.SMTP(s.alert_smtp_host, s.alert_smtp_port,
                              timeout=s.alert_webhook_timeout_seconds) as smtp:
                if s.alert_smtp_starttls:
                    smtp.starttls()
                if s.alert_smtp_username:
                    smtp.login(s.alert_smtp_username, s.alert_smtp_password or "")
                smtp.send_message(self.email(message))
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryFailed(f"smtp: {type(error).__name__}: "
                                 f"{str(error)[:120]}") from None


class WebhookSender:
    """A signed JSON POST (alerts/signing.py); the URL is checked again before each send
    and redirects are never followed (alerts/ssrf.py)."""

    def __init__(self, settings: Settings, client: httpx.Client | None = None) -> None:
        self.settings = settings
        self.client = client or httpx.Client(timeout=settings.alert_webhook_timeout_seconds,
                                             follow_redirects=False)

    def send(self, message: OutgoingMessage) -> None:
        assert message.address and message.webhook_secret
        try:
            check_webhook_url(message.address,
                              allow_private=self.settings.alert_allow_private_webhooks)
        except WebhookAddressError as error:
            raise DeliveryFailed(str(error)) from None
        body = message.body_bytes()
        headers = webhook_headers(message.webhook_secret, body, message.idempotency_key)
        try:
            answer = self.client.post(message.address, content=body, headers=headers)
        except httpx.HTTPError as error:
            raise DeliveryFailed(f"webhook: {type(error).__name__}") from None
        if answer.status_code == 409:  # the receiver has this idempotency key already
            return
        if not 200 <= answer.status_code < 300:
            raise DeliveryFailed(f"webhook answered HTTP {answer.status_code}")


class InboxSender:
    """The web app's own notification list: one row per delivery key."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    def send(self, message: OutgoingMessage) -> None:
        with session_scope(self.factory) as session:
            if session.scalar(select(AlertInboxMessage.id).where(
                    AlertInboxMessage.delivery_key == message.idempotency_key)):
                return
            session.add(AlertInboxMessage(
                subscriber_id=message.subscriber_id, delivery_key=message.idempotency_key,
                alert_id=message.alert_id, kind=message.kind, text=message.text))


def default_senders(settings: Settings, factory: sessionmaker[Session]) -> dict[str, Sender]:
    return {"email": SmtpSender(settings), "webhook": WebhookSender(settings),
            "inbox": InboxSender(factory)}
