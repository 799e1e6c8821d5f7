"""Webhook addresses that cannot turn the worker against our own network (SSRF).

A subscriber chooses the URL the worker posts to; without a check that URL could be the
database's admin port, a cloud metadata service (169.254.169.254) or a router. In
production only ``http``/``https`` URLs whose host resolves to public (globally routable)
addresses only are accepted, and the check runs again before every send (the name may
resolve elsewhere by then); redirects are never followed. Demo and test settings may
allow private addresses (``alert_allow_private_webhooks``) for a receiver on this machine.
OWASP, "Server Side Request Forgery Prevention Cheat Sheet".
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

MAX_URL_CHARS = 500


class WebhookAddressError(ValueError):
    """A webhook URL that is malformed, not http(s), or points at a non-public address."""


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise WebhookAddressError(f"webhook host {host!r} does not resolve") from None
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def check_webhook_url(url: str, *, allow_private: bool) -> str:
    """The URL, checked.

    :raises WebhookAddressError: naming what is wrong with it.
    """
    if len(url) > MAX_URL_CHARS:
        raise WebhookAddressError(f"webhook URL longer than {MAX_URL_CHARS} characters")
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise WebhookAddressError(f"webhook URL is malformed: {error}") from None
    if parts.scheme not in ("http", "https"):
        raise WebhookAddressError(f"webhook URL must start with http:// or https:// (not "
                                  f"{parts.scheme or 'nothing'}://)")
    if not parts.hostname:
        raise WebhookAddressError("webhook URL has no host")
    if parts.username or parts.password:
        raise WebhookAddressError("webhook URL must not carry a user name or password")
    if allow_private:
        return url
    for address in _addresses(parts.hostname, port):
        mapped = getattr(address, "ipv4_mapped", None)
        if not (mapped or address).is_global or address.is_multicast:
            raise WebhookAddressError(
                f"webhook host {parts.hostname!r} is a private, loopback, link-local or "
                f"reserved address ({address}); use a public address")
    return url
