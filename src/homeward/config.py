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
    profile_key: str | None = None
    key_file: Path = Path("homeward-data/profile.key")

    # Web application: the session-signing secret (else a 0600 file beside the profile
    # key), secure cookies behind HTTPS in production, and login throttling.
    secret_key: str | None = None
    secret_key_file: Path = Path("homeward-data/session.key")
    secure_cookies: bool = False
    login_attempts: int = 5
    login_window_seconds: int = 300
    # Threads per worker process for the (synchronous) request handlers. A handler holds
    # the interpreter lock for most of its few milliseconds, so many threads on few cores
    # only make requests wait on each other: a small pool answers in arrival order.
    web_threads: int = 4

    frequency_table: str = "china_standard_appendixD_58str"
    theta: float = 0.01
    mutation_model: str | None = "stepwise"
    mutation_rate: float = 0.002

    screening_lr: float = 1000.0
    confirmation_lr: float = 10_000.0
    confirmation_min_loci: int = 15
    adoption_eligible_months: int = 12
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
