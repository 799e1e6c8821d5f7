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
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
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


class DnaAppointment(Base):
    """A relative's appointment to give DNA at a police station."""

    __tablename__ = "dna_appointments"
    id: Mapped[int] = mapped_column(primary_key=True)
    relative_id: Mapped[int] = mapped_column(ForeignKey("relatives.id"), index=True)
    station: Mapped[str] = mapped_column(String(200))
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    booked_by: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20), default="booked")  # kept | missed
