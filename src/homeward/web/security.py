"""Passwords, sign-in throttling, CSRF tokens and security headers.

Passwords are hashed with Argon2id (argon2-cffi's defaults follow RFC 9106); an unknown
user name is checked against a dummy hash at the same cost, so names cannot be found by
timing. Failed sign-ins slow down with exponential backoff (``SignInThrottle``): per
account from one address, per address across all accounts, and per account across all
addresses at a higher threshold. Nothing locks for good, and no success clears an
address's failures. CSRF tokens are random per session and compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=()",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    "Cache-Control": "no-store",
}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(24))


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; a missing or malformed hash never matches.

    Without a hash (an unknown or disabled account) the password is verified against a
    dummy hash of the same parameters, so both answers cost the same: no user name can be
    found by timing the sign-in.
    """
    try:
        matched = _hasher.verify(password_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return matched and bool(password_hash)


class RateLimiter:
    """At most ``attempts`` events per key in ``window`` seconds (per process).

    Used for anonymous submissions (tips, registrations); sign-ins use ``SignInThrottle``.
    """

    def __init__(self, attempts: int, window: float) -> None:
        self.attempts, self.window = attempts, window
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        failures = self._failures[key]
        while failures and failures[0] <= now - self.window:
            failures.popleft()
        return failures

    def blocked(self, *keys: str) -> float:
        """Seconds until a new attempt is allowed (0 when allowed now)."""
        now = time.monotonic()
        with self._lock:
            waits = [self._recent(k, now)[0] + self.window - now for k in keys
                     if len(self._recent(k, now)) >= self.attempts]
        return max(waits, default=0.0)

    def hit(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)

    def reset(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


@dataclass
class _Failures:
    count: int
    last: float


class SignInThrottle:
    """Failed sign-ins slow down further sign-ins with exponential backoff (per process).

    Three counters, each with its own free allowance; once a counter reaches it, the next
    attempt waits ``base_delay`` seconds after the last failure, doubling with every
    further failure up to ``max_delay``:

    - per account *from one address* (``per_account_address``, the login_attempts
      setting): a guesser is slowed at once, while the account's owner signing in from
      elsewhere is not locked out by a stranger;
    - per address across all accounts (``per_address``): one address cannot try a few
      passwords on many accounts;
    - per account across all addresses (``per_account``, higher): guessing one account
      from many addresses stays slow.

    A success clears only the counter of that account from that address, never the
    address's own count (an attacker cannot reset it by signing in to an account of
    their own). Counters are forgotten after ``forget_after`` quiet seconds; there is no
    permanent lock. ``clock`` is injectable for tests (monotonic seconds).
    """

    def __init__(self, *, per_account_address: int = 5, per_address: int = 20,
                 per_account: int = 50, base_delay: float = 30.0, max_delay: float = 900.0,
                 forget_after: float = 3600.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.free = {"pair": per_account_address, "address": per_address,
                     "account": per_account}
        self.base_delay, self.max_delay = base_delay, max_delay
        self.forget_after = max(forget_after, max_delay)
        self.clock = clock
        self._failures: dict[tuple[str, ...], _Failures] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _keys(account: str, address: str) -> list[tuple[str, ...]]:
        account = account.lower()
        return [("pair", account, address), ("address", address), ("account", account)]

    def _delay(self, kind: str, failures: _Failures) -> float:
        over = failures.count - self.free[kind]
        if over < 0:
            return 0.0
        return min(self.max_delay, self.base_delay * 2.0 ** min(over, 32))

    def _current(self, key: tuple[str, ...], now: float) -> _Failures | None:
        failures = self._failures.get(key)
        if failures is not None and now - failures.last > self.forget_after:
            del self._failures[key]
            return None
        return failures

    def wait(self, account: str, address: str) -> float:
        """Seconds until this account may be tried from this address (0: now)."""
        now = self.clock()
        with self._lock:
            waits = [failures.last + self._delay(key[0], failures) - now
                     for key in self._keys(account, address)
                     if (failures := self._current(key, now)) is not None]
        return max([0.0, *waits])

    def failed(self, account: str, address: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._failures) > 100_000:
                self._prune(now)
            for key in self._keys(account, address):
                failures = self._current(key, now)
                if failures is None:
                    self._failures[key] = _Failures(1, now)
                else:
                    failures.count, failures.last = failures.count + 1, now

    def succeeded(self, account: str, address: str) -> None:
        """The owner signed in from here: only this account's count from here is cleared."""
        with self._lock:
            self._failures.pop(("pair", account.lower(), address), None)

    def _prune(self, now: float) -> None:
        for key in [k for k, f in self._failures.items() if now - f.last > self.forget_after]:
            del self._failures[key]


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(expected: str | None, given: str | None) -> bool:
    return bool(expected and given and hmac.compare_digest(expected, given))
