"""Every test keeps the audit chain's keys and checkpoints in its own temporary folder,
never in the repository's ``homeward-data/``, whoever builds the settings or the engine;
modules that write events while they are imported get a folder of the whole run."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from homeward.config import get_settings
from homeward.registry.audit_checkpoints import forget_checkpoint_positions
from homeward.security.audit_keys import forget_audit_keys


def _audit_files(folder: Path) -> dict[str, str]:
    return {"HOMEWARD_AUDIT_KEY_FILE": str(folder / "audit.key"),
            "HOMEWARD_AUDIT_SIGNING_KEY_FILE": str(folder / "audit-signing.key"),
            "HOMEWARD_AUDIT_CHECKPOINT_FILE": str(folder / "checkpoints.log")}


def pytest_configure(config) -> None:
    config._homeward_audit_folder = Path(tempfile.mkdtemp(prefix="homeward-audit-"))
    os.environ.update(_audit_files(config._homeward_audit_folder))
    get_settings.cache_clear()


def pytest_unconfigure(config) -> None:
    folder = getattr(config, "_homeward_audit_folder", None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(autouse=True)
def audit_keys_in_tmp_path(tmp_path, monkeypatch):
    folder = tmp_path / "audit"
    for name, value in _audit_files(folder).items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    forget_audit_keys()
    forget_checkpoint_positions()
    yield folder
    get_settings.cache_clear()
    forget_audit_keys()
    forget_checkpoint_positions()
