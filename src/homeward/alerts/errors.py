"""The error of bad alert input: what the form, the API and the CLI tell the user."""

from __future__ import annotations

from homeward.workflow.errors import RuleViolationError


class AlertInputError(RuleViolationError):
    """Bad input to an alert or a subscription (a place outside China, an unknown channel,
    a private webhook address, a text over 360 characters, a refused link); the message
    names the field and the reason, and nothing was stored."""


class BadLinkError(AlertInputError):
    """A link (unsubscribe, sighting reply) that this server did not sign, that was
    altered, or that is no longer valid."""


class ReplayedLinkError(AlertInputError):
    """A one-time link (a sighting reply) used a second time."""
