"""Keep what intake read, with its provenance, in the registry: idempotent and all-or-nothing.

Every article and post becomes a ``Source`` keyed by its content (articles) or by user and
post id (posts), so reading the same files twice stores nothing new. An article's incident
joins a stored incident when it fits every account already there (the clustering rules of
``intake.cluster``), and the incident's figures are reconciled again from all of them.
Proposed links to operations, missing reports and found children are stored for an
investigator to decide. The caller owns the transaction: a failure stores nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from homeward.intake.cluster import Incident as IncidentCluster
from homeward.intake.cluster import same_incident
from homeward.intake.documents import UnreadableItem
from homeward.intake.linking import (
    ChildDescription,
    Proposal,
    propose_for_child,
    propose_operations,
)
from homeward.intake.news import IncidentReport, report_from_json, report_to_json
from homeward.intake.pipeline import NewsBatch
from homeward.intake.posts import PostReading
from homeward.registry import audit
from homeward.registry.models import (
    Incident,
    IncidentSource,
    Lead,
    LeadLink,
    ReportedStatistic,
    Source,
    utcnow,
)


@dataclass
class StoreSummary:
    """What one run stored; problems are the items that could not be read."""

    stored: int = 0
    already_stored: int = 0
    incidents_created: int = 0
    incidents_updated: int = 0
    statistics: int = 0
    leads: int = 0
    links: int = 0
    problems: list[UnreadableItem] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        return {"stored": self.stored, "already_stored": self.already_stored,
                "incidents_created": self.incidents_created,
                "incidents_updated": self.incidents_updated, "statistics": self.statistics,
                "leads": self.leads, "links_proposed": self.links,
                "problems": [{"item": p.item, "reason": p.reason} for p in self.problems]}


def content_key(kind: str, text: str) -> str:
    """The external id of a source by its content: the same text (spacing aside) is the
    same source, whichever file or form it came through."""
    normalised = " ".join(text.split())
    return f"{kind}/{hashlib.sha256(normalised.encode()).hexdigest()[:40]}"


def existing_source(session: Session, external_id: str) -> Source | None:
    """The source already stored under this external id, if any."""
    return session.scalar(select(Source).where(Source.external_id == external_id))


def _as_datetime(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC) if day else None


def store_news(session: Session, batch: NewsBatch, *, actor: str,
               kind: str = "article") -> StoreSummary:
    """Store the articles of a batch, their statistics and incidents, and propose links."""
    summary = StoreSummary(problems=list(batch.problems))
    for reading in batch.readings:
        document = reading.document
        key = content_key(kind, document.text)
        if existing_source(session, key) is not None:
            summary.already_stored += 1
            continue
        source = Source(kind=kind, external_id=key, url=document.url,
                        author=document.name, published_at=_as_datetime(document.published),
                        text=document.text)
        session.add(source)
        session.flush()
        summary.stored += 1
        audit.record(session, actor=actor, action="create", entity="source",
                     entity_id=source.id, details={"kind": kind})
        for statistic in reading.statistics:
            session.add(ReportedStatistic(
                source_id=source.id, text=statistic.text, period=statistic.period[:200],
                children=statistic.children, women=statistic.women, cases=statistic.cases,
                gangs=statistic.gangs))
            summary.statistics += 1
        if reading.incident is not None:
            _attach(session, source, reading.incident, actor, summary)
    session.flush()
    return summary


def _candidates(session: Session, report: IncidentReport) -> list[Incident]:
    query = select(Incident).order_by(Incident.id)
    if report.date:
        year = int(report.date[:4])
        query = query.where(or_(Incident.date.is_(None),
                                *[Incident.date.startswith(str(y))
                                  for y in (year - 1, year, year + 1)]))
    return list(session.scalars(query))


def _attach(session: Session, source: Source, report: IncidentReport, actor: str,
            summary: StoreSummary) -> Incident:
    home = None
    for incident in _candidates(session, report):
        members = [report_from_json(s.figures) for s in incident.sources]
        if members and all(same_incident(report, member) for member in members):
            home = incident
            break
    if home is None:
        home = Incident()
        session.add(home)
        session.flush()
        summary.incidents_created += 1
        action = "create"
    else:
        summary.incidents_updated += 1
        action = "update"
    session.add(IncidentSource(incident_id=home.id, source_id=source.id, quote=report.quote,
                               figures=report_to_json(report)))
    session.flush()
    session.refresh(home, ["sources"])
    _reconcile(home)
    audit.record(session, actor=actor, action=action, entity="incident", entity_id=home.id,
                 details={"source_id": source.id})
    figures = dict(home.figures)
    figures["provinces"] = sorted({p["province"] for r in home.sources
                                   for p in r.figures.get("places", []) if p.get("province")})
    for proposal in propose_operations(session, figures, home.date):
        summary.links += propose_link(session, "incident", home.id, proposal, actor)
    return home


def _reconcile(incident: Incident) -> None:
    cluster = IncidentCluster([report_from_json(s.figures) for s in incident.sources])
    figures = cluster.as_json()
    incident.date = figures.pop("date")
    incident.conflicts = figures.pop("conflicts")
    incident.figures = figures
    incident.updated_at = utcnow()


def propose_link(session: Session, subject: str, subject_id: int, proposal: Proposal,
             actor: str) -> int:
    """Store a proposed link once; a link already decided is never reopened."""
    exists = session.scalar(select(LeadLink.id).where(
        LeadLink.subject == subject, LeadLink.subject_id == subject_id,
        LeadLink.target == proposal.target, LeadLink.target_id == proposal.target_id))
    if exists is not None:
        return 0
    link = LeadLink(subject=subject, subject_id=subject_id, target=proposal.target,
                    target_id=proposal.target_id, score=proposal.score,
                    evidence=proposal.evidence)
    session.add(link)
    session.flush()
    audit.record(session, actor=actor, action="propose", entity="lead_link", entity_id=link.id,
                 details={"subject": subject, "target": proposal.target,
                          "score": proposal.score})
    return 1


def store_posts(session: Session, readings: list[PostReading], *, actor: str,
                problems: list[UnreadableItem] | None = None) -> StoreSummary:
    """Store posts as sources and leads; reposts point at the post they repeat."""
    summary = StoreSummary(problems=list(problems or []))
    for reading in readings:
        post = reading.post
        key = f"post/{post.user}/{post.id}"
        if existing_source(session, key) is not None:
            summary.already_stored += 1
            continue
        source = Source(kind="post", external_id=key, author=post.user,
                        published_at=post.created_at, text=post.text)
        session.add(source)
        session.flush()
        original = None
        if post.repost_of:
            original = session.scalar(
                select(Lead).join(Source, Lead.source_id == Source.id)
                .where(Source.kind == "post",
                       Source.external_id.like(f"post/%/{post.repost_of}")))
        lead = Lead(source_id=source.id, kind=reading.kind, child_name=reading.child_name,
                    sex=reading.sex, age=reading.age,
                    place=reading.place.name_en if reading.place else None,
                    adcode=reading.place.adcode if reading.place else None, date=reading.date,
                    repost_of_id=original.id if original else None,
                    details={"images": post.images, "geo": post.geo, "reposts": post.reposts})
        session.add(lead)
        session.flush()
        summary.stored += 1
        summary.leads += 1
        audit.record(session, actor=actor, action="create", entity="lead", entity_id=lead.id,
                     details={"kind": lead.kind, "source_id": source.id})
        if reading.kind in ("appeal", "sighting", "family_search"):
            for proposal in propose_for_child(session, ChildDescription.of(reading),
                                              found_children=reading.kind != "sighting"):
                summary.links += propose_link(session, "lead", lead.id, proposal, actor)
    session.flush()
    return summary
