"""Lab analysts' pages: sample intake with chain of custody, profile upload, re-search.

Profiles are shown by specimen id only; the lab never sees whose DNA it types.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry.models import Sample, StoredProfile, User
from homeward.web.deps import DB, check_csrf, needs
from homeward.web.rendering import render
from homeward.web.uploads import import_upload, subject_of, upload_name  # noqa: F401
from homeward.workflow import samples
from homeward.workflow.errors import ImportFailedError, NotFoundError
from homeward.workflow.matching import match_profile

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_csrf)])

def _page(request: Request, session: Session, status_code: int = 200, **extra) -> Response:
    recent = session.scalars(select(StoredProfile).order_by(StoredProfile.id.desc())
                             .limit(50)).all()
    pending = session.scalars(select(Sample).where(~Sample.profile.has())
                              .order_by(Sample.id.desc()).limit(50)).all()
    extra.setdefault("errors", [])
    extra.setdefault("message", None)
    return render(request, "lab/lab.html", status_code=status_code, profiles=recent,
                  pending=pending, **extra)


@router.get("/lab")
def lab(request: Request, session: Session = DB,
        user: User = Depends(needs("lab"))) -> Response:
    return _page(request, session)


@router.post("/lab/samples")
def register_sample(request: Request, specimen_id: str = Form(max_length=80),
                    subject: str = Form(max_length=80), collected_by: str = Form(max_length=120),
                    consent_by: str = Form("", max_length=200),
                    consent_document: str = Form("", max_length=300),
                    lab_name: str = Form("", max_length=200),
                    location: str = Form("", max_length=200),
                    session: Session = DB,
                    user: User = Depends(needs("lab"))) -> Response:
    try:
        samples.check_specimen_id(specimen_id.strip())  # the API's rule (SampleIn) too
    except samples.InvalidSpecimenIdError as error:
        return _page(request, session, 422, errors=[str(error)])
    samples.register_sample(
        session, actor=user.username, specimen_id=specimen_id.strip(),
        collected_by=collected_by, collected_at=dt.datetime.now(dt.UTC),
        consent_given=bool(consent_by.strip()), consent_by=consent_by or None,
        consent_document=consent_document or None, lab=lab_name or None,
        location=location or None, **subject_of(session, subject))
    samples.add_custody_event(session, actor=user.username, specimen_id=specimen_id.strip(),
                              action="received", location=lab_name or None)
    return _page(request, session, message=f"Sample {specimen_id} registered and received.")


@router.post("/lab/custody")
def custody(request: Request, specimen_id: str = Form(max_length=80),
            action: str = Form(pattern="^(received|transferred|extracted|amplified|stored|"
                                       "destroyed)$"),
            location: str = Form("", max_length=200), note: str = Form("", max_length=500),
            session: Session = DB, user: User = Depends(needs("lab"))) -> Response:
    samples.add_custody_event(session, actor=user.username, specimen_id=specimen_id,
                              action=action, location=location or None, note=note or None)
    return _page(request, session, message=f"Custody of {specimen_id}: {action}.")


@router.post("/lab/profiles")
async def upload_profiles(request: Request, profiles: UploadFile = File(),
                          session: Session = DB,
                          user: User = Depends(needs("lab"))) -> Response:
    try:
        report = await import_upload(request, session, profiles, actor=user.username)
    except ImportFailedError as error:
        session.rollback()
        return _page(request, session, 422, errors=[str(e) for e in error.errors],
                     message=f"{upload_name(profiles.filename)}: nothing was stored.")
    return _page(request, session, message=report.summary(), matches=report.matches)


@router.get("/lab/profiles/{specimen_id}")
def profile_page(specimen_id: str, request: Request, session: Session = DB,
                 user: User = Depends(needs("lab"))) -> Response:
    profile = samples.read_profile(session, specimen_id, actor=user.username,
                                   reason="lab profile view", cipher=request.app.state.cipher)
    sample = samples.sample_by_specimen(session, specimen_id)
    return render(request, "lab/profile.html", profile=profile, sample=sample)


@router.post("/lab/profiles/{specimen_id}/search")
def research(specimen_id: str, request: Request, session: Session = DB,
             user: User = Depends(needs("lab"))) -> Response:
    stored = session.scalar(select(StoredProfile).where(
        StoredProfile.specimen_id == specimen_id))
    if stored is None:
        raise NotFoundError(f"no profile for specimen {specimen_id!r}")
    profile = samples.read_profile(session, specimen_id, actor=user.username,
                                   reason="re-run search", cipher=request.app.state.cipher)
    found = match_profile(session, stored, profile, actor=user.username,
                          cipher=request.app.state.cipher, settings=request.app.state.settings,
                          stores=request.app.state.profile_stores)
    return _page(request, session, matches=found,
                 message=f"Search of {specimen_id} re-run: {len(found)} new candidates.")


