"""One settings object for the whole application (environment variables ``HOMEWARD_*``).

``HOMEWARD_DATABASE_URL`` selects the database: a SQLite file in the working directory by
default, ``postgresql+psycopg://user@host:5432/db`` in production. Profiles are encrypted
with a key given as ``HOMEWARD_PROFILE_KEY`` (base64, 32 bytes) or read from
``HOMEWARD_KEY_FILE``; the key never lives in the repository.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOMEWARD_", env_file=".env",
                                      extra="ignore")

    database_url: str = "sqlite:///homeward.sqlite3"
    # How long a SQLite transaction waits for the one writer before it gives up (see
    # registry/db.py): long enough that a burst of tips queues instead of failing.
    sqlite_busy_timeout_seconds: float = 30.0
    profile_key: str | None = None
    key_file: Path = Path("homeward-data/profile.key")
    # The audit chain (registry/audit.py, security/audit_keys.py): event hashes are HMACs
    # under a key kept outside the database, and every N events a checkpoint of the head,
    # signed with an Ed25519 key, is appended to a file the database cannot rewrite
    # (0: only ``homeward audit checkpoint`` writes one). Keys: base64 of 32 bytes, else
    # 0600 files created on first use.
    audit_key: str | None = None
    audit_key_file: Path = Path("homeward-data/audit.key")
    audit_signing_key: str | None = None
    audit_signing_key_file: Path = Path("homeward-data/audit-signing.key")
    audit_checkpoint_file: Path = Path("homeward-data/audit-checkpoints.log")
    audit_checkpoint_every: int = 100

    # Web application: the session-signing secret (else a 0600 file beside the profile
    # key), secure cookies behind HTTPS in production, and login throttling.
    secret_key: str | None = None
    secret_key_file: Path = Path("homeward-data/session.key")
    secure_cookies: bool = False
    # Sign-in throttling (web/security.py SignInThrottle): free failures per account from
    # one address, per address across accounts, per account across addresses; then a
    # wait that doubles per failure up to the cap; counts are forgotten after a quiet hour.
    login_attempts: int = 5
    login_address_attempts: int = 20
    login_account_attempts: int = 50
    login_backoff_seconds: float = 30.0
    login_backoff_max_seconds: float = 900.0
    login_forget_seconds: float = 3600.0
    # Server-side sessions (web/sessions.py): ended after this long without a request,
    # and in any case this long after sign-in.
    session_idle_minutes: int = 60
    session_absolute_hours: int = 8
    # Threads per worker process for the (synchronous) request handlers. A handler holds
    # the interpreter lock for most of its few milliseconds, so many threads on few cores
    # only make requests wait on each other: a small pool answers in arrival order.
    web_threads: int = 4
    # Anonymous submissions (web/limits.py): per client address, whichever door (page or
    # API) they come through. A registration also needs a proof of work (web/challenges.py)
    # of ``registration_proof_bits`` leading zero bits, on a challenge usable once.
    tip_submissions: int = 20
    tip_window_seconds: int = 600
    registration_submissions: int = 10
    registration_window_seconds: int = 3600
    registration_proof_bits: int = 17
    registration_challenge_seconds: int = 900

    # Geo-targeted alerts (homeward.alerts): links in messages start with the public base
    # URL; webhooks to private, loopback or link-local addresses are refused unless allowed
    # (demo and tests only: server-side request forgery); delivery is retried with
    # exponential backoff and dead-lettered after ``alert_max_attempts``; a worker's claim
    # on a batch lapses after ``alert_lease_seconds`` (a killed worker's batch is re-sent
    # with the same idempotency keys).
    public_base_url: str = "http://127.0.0.1:8000"
    alert_allow_private_webhooks: bool = False
    alert_expires_hours: float = 72.0
    alert_max_attempts: int = 6
    alert_backoff_seconds: float = 30.0
    alert_backoff_max_seconds: float = 3600.0
    alert_lease_seconds: float = 60.0
    alert_batch_size: int = 50
    alert_webhook_timeout_seconds: float = 10.0
    alert_smtp_host: str = "127.0.0.1"
    alert_smtp_port: int = 25
    alert_smtp_from: str = "alerts@homeward.invalid"
    alert_smtp_starttls: bool = False
    alert_smtp_username: str | None = None
    alert_smtp_password: str | None = None
    subscription_submissions: int = 10
    subscription_window_seconds: int = 3600

    frequency_table: str = "china_standard_appendixD_58str"
    theta: float = 0.01
    mutation_model: str | None = "stepwise"
    mutation_rate: float = 0.002

    screening_lr: float = 1000.0
    confirmation_lr: float = 10_000.0
    confirmation_min_loci: int = 15
    adoption_eligible_months: int = 12
    # Public and ministry statistics (homeward.statistics.suppression): counts from 1 to
    # this minus one are withheld, with the complements that keep them from being derived.
    statistics_min_cell: int = 11
    child_consent_age: int = 16

    @field_validator("database_url")
    @classmethod
    def _psycopg_driver(cls, value: str) -> str:
        """Use psycopg 3 for plain ``postgresql://`` URLs."""
        for prefix in ("postgresql://", "postgres://"):
            if value.startswith(prefix):
                return "postgresql+psycopg://" + value[len(prefix):]
        return value


@lru_cache
def get_settings() -> Settings:
    return Settings()
