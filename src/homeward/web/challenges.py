"""A proof of work before a family account exists (hashcash, offline, no third party).

Every registration creates a case and an account, so a script must not be able to make
thousands. A captcha service would need the internet and would send families' visits to a
third party; instead the server issues a signed challenge and the browser (static/
proof-of-work.js) or an API client finds a nonce such that ``sha256(challenge + nonce)``
begins with ``bits`` zero bits: about ``2**bits`` hashes, a second or two in a browser,
repeated for every registration (Back, "Hashcash - a denial of service counter-measure",
2002). A challenge carries its issue time and difficulty under an HMAC, so the server keeps
no state until it is used; it is usable once (remembered until it expires) and expires
after ``registration_challenge_seconds``. The used set is per process: behind several
workers a challenge could be spent once per worker, which the rate limit (web/limits.py)
still bounds.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import threading
import time
from dataclasses import dataclass
from itertools import count

CHALLENGE = re.compile(r"^(?P<issued>[0-9]{1,12})\.(?P<salt>[0-9a-f]{16})\.(?P<bits>[0-9]{1,2})"
                       r"\.(?P<mac>[0-9a-f]{32})$")
NONCE = re.compile(r"^[0-9A-Za-z]{1,32}$")
CLOCK_SKEW_SECONDS = 60


class ProofRefused(ValueError):
    """The proof of work is missing, wrong, expired or already used."""


@dataclass(frozen=True)
class Challenge:
    text: str
    bits: int
    expires_in: int

    def as_json(self) -> dict[str, object]:
        return {"challenge": self.text, "bits": self.bits, "expires_in": self.expires_in}


def leading_zero_bits(digest: bytes) -> int:
    """How many zero bits the digest begins with."""
    value = int.from_bytes(digest, "big")
    return len(digest) * 8 - value.bit_length()


def proof_digest(challenge: str, nonce: str) -> bytes:
    return hashlib.sha256((challenge + nonce).encode("ascii")).digest()


def solve(challenge: str, bits: int) -> str:
    """A nonce for the challenge (the reference solver, for API clients and tests)."""
    for number in count():
        nonce = format(number, "x")
        if leading_zero_bits(proof_digest(challenge, nonce)) >= bits:
            return nonce
    raise AssertionError("unreachable")


class ChallengeBook:
    """Issues signed challenges and accepts each solved one once, before it expires."""

    def __init__(self, secret: str, *, bits: int, lifetime_seconds: int) -> None:
        self._key = hashlib.sha256(b"homeward proof of work|" + secret.encode()).digest()
        self.bits, self.lifetime = bits, lifetime_seconds
        self._used: dict[str, float] = {}
        self._lock = threading.Lock()

    def _mac(self, body: str) -> str:
        return hmac.new(self._key, body.encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self) -> Challenge:
        body = f"{int(time.time())}.{secrets.token_hex(8)}.{self.bits}"
        return Challenge(f"{body}.{self._mac(body)}", self.bits, self.lifetime)

    def redeem(self, challenge: str | None, nonce: str | None) -> None:
        """Accept a solved challenge once.

        :raises ProofRefused: with a reason the form or the API client can act on.
        """
        if not challenge or not nonce:
            raise ProofRefused("the registration has no proof of work; reload the form (its "
                               "page computes one) or get one from "
                               "/api/v1/public/reports/challenge")
        found = CHALLENGE.match(challenge)
        if found is None or not NONCE.match(nonce):
            raise ProofRefused("the proof of work is malformed; reload the form")
        body = challenge.rsplit(".", 1)[0]
        if not hmac.compare_digest(found["mac"], self._mac(body)):
            raise ProofRefused("the challenge was not issued by this server; reload the form")
        now = time.time()
        issued = int(found["issued"])
        if issued > now + CLOCK_SKEW_SECONDS or now - issued > self.lifetime:
            raise ProofRefused("the challenge has expired; reload the form and send it again")
        bits = int(found["bits"])
        if bits < self.bits:
            raise ProofRefused("the challenge is too easy for this server; reload the form")
        if leading_zero_bits(proof_digest(challenge, nonce)) < bits:
            raise ProofRefused("the proof of work does not solve the challenge")
        with self._lock:
            self._used = {c: t for c, t in self._used.items() if t > now}
            if challenge in self._used:
                raise ProofRefused("this challenge was already used; reload the form")
            self._used[challenge] = issued + self.lifetime
