"""SQLAlchemy 2 typed models of the registry (DESIGN.md section 4).

Person-centred after PFIF and NamUs, extended for trafficking. DNA profiles are stored
encrypted and keyed by specimen id; names live in the case tables, never beside a profile.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Location(Base):
    """An administrative place from the gazetteer (adcode, names, coordinates)."""

    __tablename__ = "locations"
    id: Mapped[int] = mapped_column(primary_key=True)
    adcode: Mapped[str | None] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    name_en: Mapped[str | None] = mapped_column(String(120))
    province: Mapped[str | None] = mapped_column(String(60))
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)


class User(Base):
    """A person who works in Homeward, with one role and an optional jurisdiction."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(30))
    jurisdiction: Mapped[str | None] = mapped_column(String(60))
    institution: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A family account sees exactly one missing report: its own.
    report_id: Mapped[int | None] = mapped_column(ForeignKey("missing_reports.id"))


class UserSession(Base):
    """One sign-in, held on the server so that it can be ended (web/sessions.py).

    ``id`` is the SHA-256 of the random token in the signed cookie, never the token itself.
    """

    __tablename__ = "user_sessions"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_reason: Mapped[str | None] = mapped_column(String(40))


class RoleChangeRequest(Base):
    """A role or jurisdiction change that waits for a second administrator (four eyes)."""

    __tablename__ = "role_change_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))
    jurisdiction: Mapped[str | None] = mapped_column(String(60))
    institution: Mapped[str | None] = mapped_column(String(200))
    requested_by: Mapped[str] = mapped_column(String(80))
    requested_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # approved | rejected
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class Operation(Base):
    """A police operation that rescued children and detained suspects."""

    __tablename__ = "operations"
    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(80), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    started_on: Mapped[dt.date | None] = mapped_column(Date)
    provinces: Mapped[list[Any]] = mapped_column(default=list)
    children_rescued: Mapped[int | None] = mapped_column(Integer)
    suspects_detained: Mapped[int | None] = mapped_column(Integer)
    description: Mapped[str | None] = mapped_column(Text)
    # case code names such as "7·14" or "2011·11·18" look like dates but name a case
    code_name: Mapped[str | None] = mapped_column(String(40))
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    lead_agency: Mapped[str | None] = mapped_column(String(200))
    cities: Mapped[list[Any]] = mapped_column(default=list)
    officers_deployed: Mapped[int | None] = mapped_column(Integer)
    created_by: Mapped[str | None] = mapped_column(String(80))


class MissingReport(Base):
    """A report of a missing child, with PFIF-style provenance."""

    __tablename__ = "missing_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    child_name: Mapped[str] = mapped_column(String(200))
    child_name_zh: Mapped[str | None] = mapped_column(String(100))
    child_name_pinyin: Mapped[str | None] = mapped_column(String(200))
    sex: Mapped[str | None] = mapped_column(String(10))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    # indexed: the public alert list shows the most recent disappearances first
    last_seen_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    last_seen_location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    description: Mapped[str | None] = mapped_column(Text)
    jurisdiction: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(30), default="open")
    status_reason: Mapped[str | None] = mapped_column(Text)
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    reporter_name: Mapped[str | None] = mapped_column(String(200))
    reporter_contact: Mapped[str | None] = mapped_column(String(200))
    source_name: Mapped[str | None] = mapped_column(String(200))
    source_url: Mapped[str | None] = mapped_column(String(500))
    source_date: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    entry_date: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    last_seen_location: Mapped[Location | None] = relationship()
    relatives: Mapped[list[Relative]] = relationship(back_populates="report")
    notes: Mapped[list[ReportNote]] = relationship(back_populates="report")


class ReportNote(Base):
    """A PFIF note: added, never edited, with a closed list of statuses."""

    __tablename__ = "report_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("missing_reports.id"))
    author_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    last_known_location: Mapped[str | None] = mapped_column(String(300))
    author_made_contact: Mapped[bool | None] = mapped_column(Boolean)
    source_date: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    entry_date: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    report: Mapped[MissingReport] = relationship(back_populates="notes")


class FoundChild(Base):
    """A rescued, street or unidentified child awaiting identification."""

    __tablename__ = "found_children"
    id: Mapped[int] = mapped_column(primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="rescued")
    sex: Mapped[str | None] = mapped_column(String(10))
    found_date: Mapped[dt.date | None] = mapped_column(Date)
    found_location_id: Mapped[int | None] = mapped_column(ForeignKey("locations.id"))
    operation_id: Mapped[int | None] = mapped_column(ForeignKey("operations.id"))
    estimated_birth_date: Mapped[dt.date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    rescued_from_address: Mapped[str | None] = mapped_column(String(300))
    distinguishing_marks: Mapped[str | None] = mapped_column(Text)
    languages: Mapped[str | None] = mapped_column(String(200))  # languages or dialect spoken
    found_with: Mapped[str | None] = mapped_column(Text)  # the household and persons present
    # the household recorded as having bought the child (a suspect, by id, where known)
    buyer_suspect_id: Mapped[int | None] = mapped_column(ForeignKey("suspects.id"))
    jurisdiction: Mapped[str | None] = mapped_column(String(60))
    status: Mapped[str] = mapped_column(String(30), default="registered")
    status_reason: Mapped[str | None] = mapped_column(Text)
    consents_to_contact: Mapped[bool | None] = mapped_column(Boolean)
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True),
                                                       default=utcnow)
    adoption_eligible_since: Mapped[dt.date | None] = mapped_column(Date)

    found_location: Mapped[Location | None] = relationship()
    operation: Mapped[Operation | None] = relationship()
    placements: Mapped[list[Placement]] = relationship(back_populates="child")


class Relative(Base):
    """A reported parent or relative of a missing child."""

    __tablename__ = "relatives"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("missing_reports.id"))
    name: Mapped[str] = mapped_column(String(200))
    relationship_to_child: Mapped[str] = mapped_column(String(30))
    sex: Mapped[str | None] = mapped_column(String(10))
    id_number: Mapped[str | None] = mapped_column(String(40))
    contact: Mapped[str | None] = mapped_column(String(200))
    is_suspect: Mapped[bool] = mapped_column(Boolean, default=False)

    report: Mapped[MissingReport] = relationship(back_populates="relatives")


class Suspect(Base):
    """A suspect of an operation, linked to the children of the case by role."""

    __tablename__ = "suspects"
    id: Mapped[int] = mapped_column(primary_key=True)
    operation_id: Mapped[int | None] = mapped_column(ForeignKey("operations.id"))
    name: Mapped[str] = mapped_column(String(200))
    id_number: Mapped[str | None] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(30))
    household_address: Mapped[str | None] = mapped_column(String(300))
    phones: Mapped[list[Any]] = mapped_column(default=list)
    # a parent who sold their own child: the relative record of the missing report
    relative_id: Mapped[int | None] = mapped_column(ForeignKey("relatives.id"))


class SuspectChildLink(Base):
    __tablename__ = "suspect_child_links"
    __table_args__ = (UniqueConstraint("suspect_id", "found_child_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    suspect_id: Mapped[int] = mapped_column(ForeignKey("suspects.id"))
    found_child_id: Mapped[int] = mapped_column(ForeignKey("found_children.id"))
    role: Mapped[str] = mapped_column(String(30))


class Placement(Base):
    """Temporary care of a found child: a welfare institution or foster family."""

    __tablename__ = "placements"
    id: Mapped[int] = mapped_column(primary_key=True)
    found_child_id: Mapped[int] = mapped_column(ForeignKey("found_children.id"))
    kind: Mapped[str] = mapped_column(String(30))
    institution: Mapped[str] = mapped_column(String(200))
    caregiver_name: Mapped[str | None] = mapped_column(String(200))
    caregiver_id_number: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(300))
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    ended_reason: Mapped[str | None] = mapped_column(String(200))
    # every adult of a foster household, by ID number (compared with the case's suspects)
    household_id_numbers: Mapped[list[Any]] = mapped_column(default=list)
    placed_by: Mapped[str | None] = mapped_column(String(80))

    child: Mapped[FoundChild] = relationship(back_populates="placements")


class Sample(Base):
    """A DNA specimen with its consent record and chain of custody."""

    __tablename__ = "samples"
    id: Mapped[int] = mapped_column(primary_key=True)
    specimen_id: Mapped[str] = mapped_column(String(80), unique=True)
    found_child_id: Mapped[int | None] = mapped_column(ForeignKey("found_children.id"))
    relative_id: Mapped[int | None] = mapped_column(ForeignKey("relatives.id"))
    collected_by: Mapped[str] = mapped_column(String(120))
    collected_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    lab: Mapped[str | None] = mapped_column(String(200))
    consent_given: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_by: Mapped[str | None] = mapped_column(String(200))
    consent_document: Mapped[str | None] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(String(60), default="missing-children-search")

    custody: Mapped[list[CustodyEvent]] = relationship(back_populates="sample",
                                                       order_by="CustodyEvent.id")
    profile: Mapped[StoredProfile | None] = relationship(back_populates="sample")


class CustodyEvent(Base):
    __tablename__ = "custody_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("samples.id"))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(30))
    location: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)

    sample: Mapped[Sample] = relationship(back_populates="custody")


class StoredProfile(Base):
    """An encrypted STR profile, keyed by specimen id (no name beside it)."""

    __tablename__ = "profiles"
    id: Mapped[int] = mapped_column(primary_key=True)
    sample_id: Mapped[int] = mapped_column(ForeignKey("samples.id"), unique=True)
    specimen_id: Mapped[str] = mapped_column(String(80), unique=True)
    side: Mapped[str] = mapped_column(String(10))  # "child" or "relative"
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    loci_typed: Mapped[int] = mapped_column(Integer)
    loaded_by: Mapped[str] = mapped_column(String(80))
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    sample: Mapped[Sample] = relationship(back_populates="profile")


class Match(Base):
    """A kinship match between a found child and reported relatives."""

    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("child_profile_id", "relative_profile_id",
                                       "relationship_tested"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    child_profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id"))
    relative_profile_id: Mapped[int] = mapped_column(ForeignKey("profiles.id"))
    other_parent_profile_id: Mapped[int | None] = mapped_column(ForeignKey("profiles.id"))
    found_child_id: Mapped[int] = mapped_column(ForeignKey("found_children.id"))
    report_id: Mapped[int] = mapped_column(ForeignKey("missing_reports.id"))
    relationship_tested: Mapped[str] = mapped_column(String(40))
    log10_lr: Mapped[float] = mapped_column(Float)
    loci_compared: Mapped[int] = mapped_column(Integer)
    exclusions: Mapped[int] = mapped_column(Integer)
    per_locus: Mapped[dict[str, Any]] = mapped_column(default=dict)
    model: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state: Mapped[str] = mapped_column(String(30), default="candidate")
    second_sample_specimen: Mapped[str | None] = mapped_column(String(80))
    reviewed_by: Mapped[str | None] = mapped_column(String(80))
    review_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    found_child: Mapped[FoundChild] = relationship()
    report: Mapped[MissingReport] = relationship()
    child_profile: Mapped[StoredProfile] = relationship(foreign_keys=[child_profile_id])
    relative_profile: Mapped[StoredProfile] = relationship(foreign_keys=[relative_profile_id])


class Reunification(Base):
    __tablename__ = "reunifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id"), unique=True)
    date: Mapped[dt.date] = mapped_column(Date)
    child_consent: Mapped[bool | None] = mapped_column(Boolean)
    follow_up_visits: Mapped[list[Any]] = mapped_column(default=list)
    place: Mapped[str | None] = mapped_column(String(300))
    present: Mapped[list[Any]] = mapped_column(default=list)
    recorded_by: Mapped[str | None] = mapped_column(String(80))


class Source(Base):
    """Where a tip, post or article came from (provenance is data, not a log line)."""

    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(300), unique=True)
    author: Mapped[str | None] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    text: Mapped[str] = mapped_column(Text)


class Tip(Base):
    __tablename__ = "tips"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    place: Mapped[str | None] = mapped_column(String(300))
    seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(30), default="new")
    report_id: Mapped[int | None] = mapped_column(ForeignKey("missing_reports.id"))
    # a repeat of an earlier tip about the same sighting: kept, and shown under that tip
    bundle_of_id: Mapped[int | None] = mapped_column(ForeignKey("tips.id"))
    # a keyed hash of the sender's address: enough to spot a flood, useless to identify anyone
    client_key: Mapped[str | None] = mapped_column(String(64), index=True)


class AuditEvent(Base):
    """Append-only, hash-chained record of every change and every sensitive read."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(30))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class Photo(Base):
    """A photo of a missing or found child, stored without its EXIF metadata."""

    __tablename__ = "photos"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("missing_reports.id"), index=True)
    found_child_id: Mapped[int | None] = mapped_column(ForeignKey("found_children.id"))
    tip_id: Mapped[int | None] = mapped_column(ForeignKey("tips.id"), index=True)
    media_type: Mapped[str] = mapped_column(String(40))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(80))
    uploaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Incident(Base):
    """One trafficking incident told by one or more articles, with reconciled figures."""

    __tablename__ = "incidents"
    id: Mapped[int] = mapped_column(primary_key=True)
    date: Mapped[str | None] = mapped_column(String(10))
    figures: Mapped[dict[str, Any]] = mapped_column(default=dict)
    conflicts: Mapped[list[Any]] = mapped_column(default=list)
    operation_id: Mapped[int | None] = mapped_column(ForeignKey("operations.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    sources: Mapped[list[IncidentSource]] = relationship(back_populates="incident")


class IncidentSource(Base):
    """An article's account of an incident: its own figures and the sentence behind them."""

    __tablename__ = "incident_sources"
    __table_args__ = (UniqueConstraint("incident_id", "source_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    quote: Mapped[str] = mapped_column(Text)
    figures: Mapped[dict[str, Any]] = mapped_column(default=dict)

    incident: Mapped[Incident] = relationship(back_populates="sources")
    source: Mapped[Source] = relationship()


class ReportedStatistic(Base):
    """A cumulative figure quoted by a source ("since April 2009 ..."), never an incident."""

    __tablename__ = "reported_statistics"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    period: Mapped[str] = mapped_column(String(200))
    children: Mapped[int | None] = mapped_column(Integer)
    women: Mapped[int | None] = mapped_column(Integer)
    cases: Mapped[int | None] = mapped_column(Integer)
    gangs: Mapped[int | None] = mapped_column(Integer)


class Lead(Base):
    """What a microblog post says: an appeal for a missing child, a sighting, or a repost."""

    __tablename__ = "leads"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    child_name: Mapped[str | None] = mapped_column(String(100))
    sex: Mapped[str | None] = mapped_column(String(10))
    age: Mapped[int | None] = mapped_column(Integer)
    place: Mapped[str | None] = mapped_column(String(120))
    adcode: Mapped[str | None] = mapped_column(String(12))
    date: Mapped[str | None] = mapped_column(String(10))
    repost_of_id: Mapped[int | None] = mapped_column(ForeignKey("leads.id"))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)

    source: Mapped[Source] = relationship()


class LeadLink(Base):
    """A proposed link from a lead, tip or incident to a registry record, for a person to
    accept or reject; the score and the evidence say why it was proposed."""

    __tablename__ = "lead_links"
    __table_args__ = (UniqueConstraint("subject", "subject_id", "target", "target_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(String(20))  # lead | tip | incident
    subject_id: Mapped[int] = mapped_column(Integer)
    target: Mapped[str] = mapped_column(String(20))  # missing_report | found_child | operation
    target_id: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)


class Notification(Base):
    """Something that needs a person now (an urgent tip), addressed to a role and place."""

    __tablename__ = "notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    role: Mapped[str] = mapped_column(String(30))
    jurisdiction: Mapped[str | None] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(30))
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[int] = mapped_column(Integer)
    message: Mapped[str] = mapped_column(Text)
    read_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class SuspectKinship(Base):
    """Kinship between two suspects: family-based rings divide the work among relatives."""

    __tablename__ = "suspect_kinships"
    __table_args__ = (UniqueConstraint("suspect_id", "relative_suspect_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    suspect_id: Mapped[int] = mapped_column(ForeignKey("suspects.id"), index=True)
    relative_suspect_id: Mapped[int] = mapped_column(ForeignKey("suspects.id"))
    kinship: Mapped[str] = mapped_column(String(40))  # spouse, sibling, parent, child...


class ChildTransaction(Base):
    """A sale of a child in a case: price in yuan, date, place, seller and buyer."""

    __tablename__ = "child_transactions"
    id: Mapped[int] = mapped_column(primary_key=True)
    found_child_id: Mapped[int] = mapped_column(ForeignKey("found_children.id"), index=True)
    operation_id: Mapped[int | None] = mapped_column(ForeignKey("operations.id"))
    seller_suspect_id: Mapped[int | None] = mapped_column(ForeignKey("suspects.id"))
    buyer_suspect_id: Mapped[int | None] = mapped_column(ForeignKey("suspects.id"))
    price_yuan: Mapped[int | None] = mapped_column(Integer)
    date: Mapped[dt.date | None] = mapped_column(Date)
    place: Mapped[str | None] = mapped_column(String(200))
    recorded_by: Mapped[str] = mapped_column(String(80))


class CareVisit(Base):
    """A visit to a child in care (health, schooling, a note): a record of its own."""

    __tablename__ = "care_visits"
    id: Mapped[int] = mapped_column(primary_key=True)
    found_child_id: Mapped[int] = mapped_column(ForeignKey("found_children.id"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(20))  # health | schooling | note
    note: Mapped[str] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(80))


class FamilyNotification(Base):
    """How and when a family was told that a match is confirmed, and what comes next."""

    __tablename__ = "family_notifications"
    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id"), index=True)
    notified_by: Mapped[str] = mapped_column(String(80))
    person_told: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(20))  # in-person | phone | letter | app
    notified_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    next_steps: Mapped[str | None] = mapped_column(Text)


class WelfareReview(Base):
    """The conclusion of a child-welfare review when a matched parent is a suspect or sold
    the child: return with support, do not return, or another placement."""

    __tablename__ = "welfare_reviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    match_id: Mapped[int] = mapped_column(ForeignKey("matches.id"), unique=True)
    conclusion: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(80))
    concluded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class GraphNode(Base):
    """A node of the investigations graph (homeward.investigations.graph): a person, child,
    household, place, phone, account, operation or incident, with the record it came from."""

    __tablename__ = "graph_nodes"
    id: Mapped[str] = mapped_column(String(120), primary_key=True)  # "suspect:12"
    kind: Mapped[str] = mapped_column(String(20), index=True)
    label: Mapped[str] = mapped_column(String(300))
    source_kind: Mapped[str] = mapped_column(String(20))  # police_record|tip|article|post|...
    source_ref: Mapped[str] = mapped_column(String(120))  # "suspects/12": the record
    root: Mapped[str | None] = mapped_column(String(120), index=True)  # rebuilt together
    observed_on: Mapped[dt.date | None] = mapped_column(Date)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)


class GraphEdge(Base):
    """An edge of the investigations graph: a role, sale, movement, shared identifier or
    kinship, with the record it came from and when."""

    __tablename__ = "graph_edges"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(400), unique=True)
    source_node: Mapped[str] = mapped_column(String(120), index=True)
    target_node: Mapped[str] = mapped_column(String(120), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    source_kind: Mapped[str] = mapped_column(String(20))
    source_ref: Mapped[str] = mapped_column(String(120))
    root: Mapped[str] = mapped_column(String(120), index=True)
    observed_on: Mapped[dt.date | None] = mapped_column(Date)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)


class GraphBuild(Base):
    """One build of the graph: full or incremental, up to which audit event."""

    __tablename__ = "graph_builds"
    id: Mapped[int] = mapped_column(primary_key=True)
    mode: Mapped[str] = mapped_column(String(20))  # full | incremental
    audit_seq: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    roots: Mapped[int] = mapped_column(Integer, default=0)
    nodes: Mapped[int] = mapped_column(Integer, default=0)
    edges: Mapped[int] = mapped_column(Integer, default=0)


class ResolutionCandidate(Base):
    """Two person nodes that may be one person, with the comparison that says why; a
    person accepts (merges), rejects, or undoes an accepted merge."""

    __tablename__ = "resolution_candidates"
    __table_args__ = (UniqueConstraint("left_node", "right_node"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    left_node: Mapped[str] = mapped_column(String(120), index=True)
    right_node: Mapped[str] = mapped_column(String(120), index=True)
    score: Mapped[float] = mapped_column(Float)
    comparison: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="proposed")
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DnaAppointment(Base):
    """A relative's appointment to give DNA at a police station."""

    __tablename__ = "dna_appointments"
    id: Mapped[int] = mapped_column(primary_key=True)
    relative_id: Mapped[int] = mapped_column(ForeignKey("relatives.id"), index=True)
    station: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    booked_by: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20), default="booked")  # kept | missed


# --- geo-targeted missing-child alerts (homeward.alerts) -------------------------------


class AlertSubscriber(Base):
    """Someone told of alerts near their places: a member of the public, a volunteer,
    transport staff (a station, an airport) or a partner app.

    ``link_nonce`` enters every link and webhook secret made for the subscriber (HMACs
    under a key outside the database, alerts/signing.py): the links carry no stored
    token, and a new nonce revokes them all.
    """

    __tablename__ = "alert_subscribers"
    # the few who unsubscribed, left out of an alert's fan-out without reading the rest
    __table_args__ = (Index("ix_alert_subscribers_inactive", "id",
                            postgresql_where=text("NOT active"),
                            sqlite_where=text("NOT active")),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # public | volunteer | transport | partner
    name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(5), default="en")
    link_nonce: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    locations: Mapped[list[AlertSubscriberLocation]] = relationship(
        back_populates="subscriber", order_by="AlertSubscriberLocation.id")
    channels: Mapped[list[AlertChannel]] = relationship(back_populates="subscriber",
                                                        order_by="AlertChannel.id")


class AlertSubscriberLocation(Base):
    """A place a subscriber wants alerts around (lat/lon indexed for the box prefilter)."""

    __tablename__ = "alert_subscriber_locations"
    __table_args__ = (
        Index("ix_alert_subscriber_locations_lat_lon", "latitude", "longitude"),
        # the cells of a circle: whole cells read from the index alone, cut ones measured
        Index("ix_alert_subscriber_locations_cell", "cell", "subscriber_id", "latitude",
              "longitude"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("alert_subscribers.id"), index=True)
    label: Mapped[str | None] = mapped_column(String(200))
    adcode: Mapped[str | None] = mapped_column(String(12))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    cell: Mapped[int] = mapped_column(Integer)  # alerts.geo.cell_key of the point

    subscriber: Mapped[AlertSubscriber] = relationship(back_populates="locations")


class AlertChannel(Base):
    """How a subscriber is told: ``email`` (address), ``webhook`` (URL) or ``inbox``."""

    __tablename__ = "alert_channels"
    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("alert_subscribers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(500))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    subscriber: Mapped[AlertSubscriber] = relationship(back_populates="channels")


class GeoAlert(Base):
    """An alert about a missing child, sent to subscribers within a radius that widens
    with time from the place last seen (``radius_schedule``: [[seconds, km], ...])."""

    __tablename__ = "geo_alerts"
    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("missing_reports.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | closed
    outcome: Mapped[str | None] = mapped_column(String(20))  # found | withdrawn
    place_label: Mapped[str | None] = mapped_column(String(200))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    last_seen_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    radius_schedule: Mapped[list[Any]] = mapped_column(default=list)
    radius_step: Mapped[int] = mapped_column(Integer, default=0)  # the last step sent out
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str] = mapped_column(String(80))
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(80))

    versions: Mapped[list[AlertVersion]] = relationship(back_populates="alert",
                                                        order_by="AlertVersion.number")


class AlertVersion(Base):
    """What one message of an alert says: the first alert, an update with new
    information, or the closing notice (``found`` / ``withdrawn``); texts per language."""

    __tablename__ = "alert_versions"
    __table_args__ = (UniqueConstraint("alert_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("geo_alerts.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # alert | update | found | withdrawn
    texts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    description: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    alert: Mapped[GeoAlert] = relationship(back_populates="versions")


class AlertOutbox(Base):
    """A message to fan out, written in the transaction of the alert change it announces:
    to everyone within ``radius_km``, or (``audience`` = recipients) to those who got an
    earlier version. Workers claim rows with a lease (alerts/queue.py)."""

    __tablename__ = "alert_outbox"
    __table_args__ = (Index("ix_alert_outbox_pending", "processed_at", "lease_until"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("geo_alerts.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("alert_versions.id"))
    audience: Mapped[str] = mapped_column(String(20), default="radius")
    radius_km: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    leased_by: Mapped[str | None] = mapped_column(String(80))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    processed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AlertDelivery(Base):
    """One alert version to one subscriber on one channel: retried with backoff,
    dead-lettered after the last attempt; ``idempotency_key`` (per version and
    subscriber) travels with every attempt so that receivers keep one copy."""

    __tablename__ = "alert_deliveries"
    __table_args__ = (UniqueConstraint("version_id", "channel_id"),
                      Index("ix_alert_deliveries_due", "status", "next_attempt_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("geo_alerts.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("alert_versions.id"))
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("alert_subscribers.id"), index=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("alert_channels.id"))
    channel_kind: Mapped[str] = mapped_column(String(20))
    idempotency_key: Mapped[str] = mapped_column(String(100), index=True)
    # pending | sending | sent | failed (to retry) | dead | cancelled
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    lease_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    leased_by: Mapped[str | None] = mapped_column(String(80))
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    dead_lettered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class AlertInboxMessage(Base):
    """The web app's own notification list of a subscriber (the ``inbox`` channel); the
    unique delivery key keeps one copy whatever the worker retries."""

    __tablename__ = "alert_inbox_messages"
    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("alert_subscribers.id"), index=True)
    delivery_key: Mapped[str] = mapped_column(String(100), unique=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("geo_alerts.id"))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AlertSightingReply(Base):
    """A sighting sent back from a message's reply link: the link's hash is kept so that
    the same link cannot be used twice (replay), and the urgent tip it became."""

    __tablename__ = "alert_sighting_replies"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("geo_alerts.id"), index=True)
    subscriber_id: Mapped[int] = mapped_column(ForeignKey("alert_subscribers.id"))
    tip_id: Mapped[int] = mapped_column(ForeignKey("tips.id"))
    received_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


# --- national scale (homeward.batch; migration 0008) -----------------------------------


class BatchRun(Base):
    """One all-against-all matching job on Dask: what it searched (a snapshot of the
    profiles up to ``max_profile_id``), with which parameters, and how far it got, so that
    a restart resumes it instead of starting over."""

    __tablename__ = "batch_runs"
    __table_args__ = (Index("ix_batch_runs_fingerprint_status", "fingerprint", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # relationship, k, model, snapshot
    relationship_tested: Mapped[str] = mapped_column(String(40))
    top_k: Mapped[int] = mapped_column(Integer)
    partition_size: Mapped[int] = mapped_column(Integer)
    # ranges the children are cut into (batch.engine.child_chunks), fixed for a resume
    child_chunks: Mapped[int] = mapped_column(Integer, default=1)
    max_profile_id: Mapped[int] = mapped_column(Integer)
    partitions_total: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="running")  # | finished
    actor: Mapped[str] = mapped_column(String(80))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)


class BatchPartition(Base):
    """A partition (a block of references and a range of children) that a run has
    finished: its hits are staged in ``batch_hits`` in the same transaction, so a
    partition is done whole or not at all."""

    __tablename__ = "batch_partitions"
    __table_args__ = (UniqueConstraint("run_id", "partition"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("batch_runs.id"))
    partition: Mapped[int] = mapped_column(Integer)
    references: Mapped[int] = mapped_column(Integer)
    pairs_compared: Mapped[int] = mapped_column(Integer)
    profiles_scored: Mapped[int] = mapped_column(Integer)
    hits: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[float] = mapped_column(Float)
    done_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class BatchHit(Base):
    """A partition's top-k hit at or above the screening LR, before the merge across
    partitions (one row per child, reference or couple, and partition)."""

    __tablename__ = "batch_hits"
    __table_args__ = (Index("ix_batch_hits_run_child", "run_id", "child_profile_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("batch_runs.id"))
    partition: Mapped[int] = mapped_column(Integer)
    child_profile_id: Mapped[int] = mapped_column(Integer)
    relative_profile_id: Mapped[int] = mapped_column(Integer)
    other_parent_profile_id: Mapped[int | None] = mapped_column(Integer)
    log10_lr: Mapped[float] = mapped_column(Float)


# The queries behind the pages and API lists at millions of records (migration 0008):
# each list is read in key order from an index, a page at a time (keyset pagination).
Index("ix_missing_reports_jurisdiction_id", MissingReport.jurisdiction, MissingReport.id)
Index("ix_missing_reports_status_id", MissingReport.status, MissingReport.id)
Index("ix_missing_reports_public_order", MissingReport.published,
      MissingReport.last_seen_date, MissingReport.id)
Index("ix_found_children_jurisdiction_id", FoundChild.jurisdiction, FoundChild.id)
Index("ix_relatives_report_id", Relative.report_id)
Index("ix_samples_relative_id", Sample.relative_id)
Index("ix_samples_found_child_id", Sample.found_child_id)
Index("ix_matches_report_id", Match.report_id)
Index("ix_matches_found_child_id", Match.found_child_id)
Index("ix_matches_state_log10_lr", Match.state, Match.log10_lr)
Index("ix_audit_events_entity", AuditEvent.entity, AuditEvent.entity_id, AuditEvent.seq)
Index("ix_report_notes_report_id", ReportNote.report_id)
Index("ix_placements_found_child_id", Placement.found_child_id)
Index("ix_tips_report_id", Tip.report_id)
