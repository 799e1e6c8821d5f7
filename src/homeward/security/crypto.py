"""Field-level encryption of DNA profiles at rest (AES-256-GCM).

Each profile is sealed with a fresh 96-bit nonce and the specimen id as associated data,
so a ciphertext moved to another specimen's row fails to decrypt. The key comes from the
settings (``HOMEWARD_PROFILE_KEY``) or a key file created on first use with mode 0600.
"""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from homeward.config import Settings, get_settings
from homeward.kinship.profiles import Profile

NONCE_BYTES = 12


class ProfileKeyError(Exception):
    """The profile key is missing, malformed, or does not open a stored profile."""


def key_from_file(path: Path) -> bytes:
    """A secret kept in a 0600 file, created with 32 random bytes on first use."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)))
    return base64.urlsafe_b64decode(path.read_bytes().strip())


def load_key(settings: Settings | None = None) -> bytes:
    """The 32-byte key: from the setting, else the key file (created if absent)."""
    settings = settings or get_settings()
    if settings.profile_key:
        key = base64.urlsafe_b64decode(settings.profile_key)
    else:
        key = key_from_file(settings.key_file)
    if len(key) != 32:
        raise ProfileKeyError("the profile key must be 32 bytes (base64-encoded)")
    return key


class ProfileCipher:
    """Seal and open profiles; one instance per key."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> ProfileCipher:
        return cls(load_key(settings))

    def seal(self, profile: Profile) -> bytes:
        payload = json.dumps({"loci": {k: list(v) for k, v in profile.genotypes.items()}},
                             sort_keys=True).encode()
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, payload, profile.sample_id.encode())

    def open(self, specimen_id: str, sealed: bytes) -> Profile:
        try:
            payload = self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:],
                                         specimen_id.encode())
        except InvalidTag:
            raise ProfileKeyError(
                f"profile of specimen {specimen_id!r} does not open with this key"
            ) from None
        loci = json.loads(payload)["loci"]
        return Profile(specimen_id, {k: (v[0], v[1]) for k, v in loci.items()})
