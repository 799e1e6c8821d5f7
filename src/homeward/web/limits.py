"""One brake per anonymous action, whichever door (the HTML form or the JSON API) it uses.

A tip or a registration sent through ``/tips/new`` counts against the same allowance as
one sent to ``/api/v1/tips``: a per-address sliding window (web/security.py RateLimiter)
sized in the settings. Registrations get a much smaller allowance, and a proof of work
(web/challenges.py) besides, because each one creates a case and a family account.
"""

from __future__ import annotations

import math

from fastapi import HTTPException, Request

from homeward.config import Settings
from homeward.web.challenges import ChallengeBook, ProofRefused
from homeward.web.security import RateLimiter
from homeward.web.signin import client_address

ACTIONS = ("tip", "registration", "subscription")


class SubmissionLimits:
    """The allowance of each anonymous action, per client address."""

    def __init__(self, settings: Settings) -> None:
        self.limiters = {
            "tip": RateLimiter(settings.tip_submissions, settings.tip_window_seconds),
            "registration": RateLimiter(settings.registration_submissions,
                                        settings.registration_window_seconds),
            "subscription": RateLimiter(settings.subscription_submissions,
                                        settings.subscription_window_seconds),
        }

    def take(self, action: str, client: str) -> float:
        """Count one submission; the seconds to wait instead when the allowance is spent."""
        limiter = self.limiters[action]
        key = f"ip:{client}"
        wait = limiter.blocked(key)
        if wait:
            return wait
        limiter.hit(key)
        return 0.0


def limit_submission(request: Request, action: str) -> None:
    """Count an anonymous ``action`` (one of ``ACTIONS``) from this client.

    :raises HTTPException: 429 with ``Retry-After`` once the allowance is spent.
    """
    limits: SubmissionLimits = request.app.state.submissions
    wait = limits.take(action, client_address(request))
    if wait:
        seconds = max(1, math.ceil(wait))
        what = {"tip": "tips", "subscription": "subscriptions"}.get(action, "registrations")
        raise HTTPException(429, f"too many {what} from this address; try again in "
                                 f"{math.ceil(seconds / 60)} minute(s)",
                            headers={"Retry-After": str(seconds)})


def redeem_proof(request: Request, challenge: str | None, nonce: str | None) -> None:
    """Spend a registration's proof of work.

    :raises HTTPException: 400 naming what is wrong with it.
    """
    book: ChallengeBook = request.app.state.challenges
    try:
        book.redeem(challenge, nonce)
    except ProofRefused as refused:
        raise HTTPException(400, str(refused)) from None
