"""Profile files uploaded by the lab: the shown name, the sample's subject, the import.

Shared by the lab's page and the JSON API (the API never imports from the HTML views).
"""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePosixPath

from fastapi import HTTPException, Request, UploadFile
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from homeward.registry.models import FoundChild, Relative
from homeward.workflow.errors import NotFoundError
from homeward.workflow.imports import ImportReport, import_profiles

MAX_UPLOAD = 20 * 1024 * 1024
MAX_NAME = 100


def upload_name(filename: str | None) -> str:
    """The name an upload is shown under: its last path part, printable, at most MAX_NAME
    characters (``.``, ``..`` and empty names become ``upload.csv``). Never a path on disk."""
    name = PurePosixPath((filename or "").replace("\\", "/")).name.strip()
    name = "".join(char for char in name if char.isprintable())
    if name in ("", ".", ".."):
        return "upload.csv"
    return name if len(name) <= MAX_NAME else f"{name[:MAX_NAME - 5]}…{name[-4:]}"


def subject_of(session: Session, subject: str) -> dict[str, FoundChild | Relative]:
    """``FC-00012`` (a found child's number) or ``relative:45`` (a relative's id)."""
    kind, _, number = subject.strip().partition(":")
    if kind == "relative":
        relative = session.get(Relative, int(number)) if number.isdigit() else None
        if relative is None:
            raise NotFoundError(f"no relative {subject!r}")
        return {"relative": relative}
    child = session.scalar(select(FoundChild).where(FoundChild.external_id == subject.strip()))
    if child is None:
        raise NotFoundError(f"no found child {subject!r}; give FC-number or relative:ID")
    return {"found_child": child}


async def import_upload(request: Request, session: Session, upload: UploadFile, *,
                        actor: str) -> ImportReport:
    """Import an uploaded profile file in one transaction (ImportFailedError: nothing kept)."""
    content = await upload.read(MAX_UPLOAD + 1)
    if len(content) > MAX_UPLOAD:
        raise HTTPException(413, "the file is larger than 20 MB; split it")
    name = upload_name(upload.filename)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload"  # the client's file name never touches the disk
        path.write_bytes(content)
        report = await run_in_threadpool(  # the database is never awaited on the loop
            import_profiles, session, path, actor=actor, cipher=request.app.state.cipher,
            settings=request.app.state.settings, source=name,
            stores=request.app.state.profile_stores)
    report.source = name
    return report
