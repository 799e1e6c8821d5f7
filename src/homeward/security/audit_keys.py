"""The two secrets of the audit chain, both kept outside the database.

* The **chain key** makes each event's hash an HMAC-SHA-256 (RFC 2104) instead of a bare
  SHA-256: whoever can write the database but not read this key cannot recompute the hashes
  after an edit, so ``homeward audit verify`` still finds the edited event.
* The **signing key** (Ed25519, RFC 8032) signs checkpoints of the chain head written to an
  append-only file (:mod:`homeward.registry.audit_checkpoints`): a truncated tail, or a
  chain rewritten by someone who *does* hold the chain key, no longer matches them.

Each key comes from its setting (``HOMEWARD_AUDIT_KEY``, ``HOMEWARD_AUDIT_SIGNING_KEY``,
base64 of 32 bytes) or from a file created with mode 0600 on first use, like the profile
key. The keys are loaded once per process; :func:`current_audit_keys` follows the settings
object, so a test that points the settings at a temporary folder gets its own keys.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from homeward.config import Settings, get_settings

KEY_BYTES = 32


class AuditKeyError(Exception):
    """An audit key is missing or malformed."""


def key_file(path: Path) -> bytes:
    """A secret in a 0600 file, created with 32 random bytes on first use.

    Unlike a plain create-then-write, the file appears whole or not at all (written
    aside, then linked into place), so processes starting together never read it
    half-written, and the first to link wins.
    """
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        aside = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)))
                handle.flush()
                os.fsync(handle.fileno())
            os.link(aside, path)
        except FileExistsError:
            pass
        finally:
            aside.unlink(missing_ok=True)
    return base64.urlsafe_b64decode(path.read_bytes().strip())


def _secret(value: str | None, path: Path, name: str) -> bytes:
    try:
        key = base64.urlsafe_b64decode(value) if value else key_file(path)
    except (binascii.Error, ValueError):
        raise AuditKeyError(f"the {name} must be 32 bytes, base64-encoded") from None
    if len(key) != KEY_BYTES:
        raise AuditKeyError(f"the {name} must be 32 bytes, base64-encoded "
                            f"(got {len(key)} bytes{'' if value else f' in {path}'})")
    return key


@dataclass(frozen=True)
class AuditKeys:
    """The chain key, the checkpoint signing key, and where and how often to checkpoint."""

    chain_key: bytes
    signing_key: Ed25519PrivateKey
    checkpoint_file: Path
    checkpoint_every: int = 100

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> AuditKeys:
        settings = settings or get_settings()
        chain_key = _secret(settings.audit_key, settings.audit_key_file, "audit key")
        seed = _secret(settings.audit_signing_key, settings.audit_signing_key_file,
                       "audit signing key")
        return cls(chain_key, Ed25519PrivateKey.from_private_bytes(seed),
                   Path(settings.audit_checkpoint_file).absolute(),
                   settings.audit_checkpoint_every)

    @property
    def key_id(self) -> str:
        """Names the chain key in checkpoints without revealing it (rotation leaves old
        checkpoints under another id)."""
        return hmac.new(self.chain_key, b"homeward audit key id", hashlib.sha256).hexdigest()[:16]

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.signing_key.public_key()

    @property
    def signer_id(self) -> str:
        raw = self.public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)
        return hashlib.sha256(raw).hexdigest()[:16]

    def mac(self, message: bytes) -> str:
        """HMAC-SHA-256 of ``message`` under the chain key, as 64 hex digits."""
        return hmac.new(self.chain_key, message, hashlib.sha256).hexdigest()

    def sign(self, payload: bytes) -> str:
        return base64.b64encode(self.signing_key.sign(payload)).decode()

    def signature_valid(self, payload: bytes, signature: str) -> bool:
        try:
            self.public_key.verify(base64.b64decode(signature, validate=True), payload)
        except (InvalidSignature, binascii.Error, ValueError):
            return False
        return True


_loaded: dict[tuple[object, ...], AuditKeys] = {}


def current_audit_keys(settings: Settings | None = None) -> AuditKeys:
    """The keys of the given (else the process's) settings, loaded once per process."""
    settings = settings or get_settings()
    cache_key = (settings.audit_key, Path(settings.audit_key_file).absolute(),
                 settings.audit_signing_key, Path(settings.audit_signing_key_file).absolute(),
                 Path(settings.audit_checkpoint_file).absolute(),
                 settings.audit_checkpoint_every)
    keys = _loaded.get(cache_key)
    if keys is None:
        keys = _loaded[cache_key] = AuditKeys.from_settings(settings)
    return keys


def forget_audit_keys() -> None:
    """Drop the keys loaded so far (tests, and after a key rotation)."""
    _loaded.clear()
