"""Proposed links from what the public and the press say to the registry's records.

A post or tip that describes a child (name in characters or pinyin, sex, age, place, date) is
compared with open missing reports and with found children; an incident is compared with
police operations (date, counts, provinces). Each proposal carries a score in [0, 1] and the
evidence for each part, and waits for an investigator to accept or reject it: nothing here
changes a case.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rapidfuzz import fuzz
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from homeward.intake.posts import PostReading
from homeward.registry.models import FoundChild, Location, MissingReport, Operation
from homeward.workflow.cases import HAN, pinyin_name
from homeward.workflow.states import CLOSED_CHILD_STATES, CLOSED_REPORT_STATES

PROPOSE_AT = 0.5
SAME_NAME_AT = 0.9  # pinyin of 张小宝 vs 张小波 is 0.85: a different child
MAX_UNNAMED = 5  # more found children fitting an unnamed description than this: too vague
_CANDIDATES = 500


@dataclass
class ChildDescription:
    """What a lead says about a child; every part optional."""

    name: str | None = None
    sex: str | None = None
    age: int | None = None
    province: str | None = None  # English name
    adcode: str | None = None
    place: str | None = None  # English name of the most precise place said
    date: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD: when lost or seen

    @classmethod
    def of(cls, reading: PostReading) -> ChildDescription:
        """What a post or tip says about a child."""
        place = reading.place
        return cls(name=reading.child_name, sex=reading.sex, age=reading.age,
                   province=(place.province or place.name_en) if place else None,
                   adcode=place.adcode if place else None,
                   place=place.name_en if place else None, date=reading.date)


@dataclass
class Proposal:
    target: str
    target_id: int
    score: float
    evidence: dict[str, object] = field(default_factory=dict)


def _date_of(value: str) -> dt.date:
    """The middle of the period a partial date names: 2011 -> 2011-07-01, 2011-07 -> the 15th."""
    parts = [int(p) for p in value.split("-")]
    if len(parts) == 1:
        return dt.date(parts[0], 7, 1)
    if len(parts) == 2:
        return dt.date(parts[0], parts[1], 15)
    return dt.date(parts[0], parts[1], parts[2])


def name_similarity(said: str, report: MissingReport) -> float:
    """0..1: characters against characters when both are written in characters (张小波 is not
    张小宝, though their pinyin is close; a homophone typed by an input method scores 0.9),
    otherwise pinyin against pinyin in either order of the names."""
    said_pinyin = (pinyin_name(said) or said).lower()
    if report.child_name_zh and HAN.search(said):
        if said == report.child_name_zh:
            return 1.0
        homophone = said_pinyin == (pinyin_name(report.child_name_zh) or "").lower()
        return max(fuzz.ratio(said, report.child_name_zh) / 100, 0.9 if homophone else 0.0)
    best = 0.0
    for known in filter(None, (report.child_name_pinyin, report.child_name)):
        best = max(best, fuzz.token_sort_ratio(said_pinyin, known.lower()) / 100)
    return best


def _age_at(birth: dt.date | None, when: dt.date | None) -> float | None:
    if birth is None or when is None:
        return None
    return (when - birth).days / 365.25


def score_report(child: ChildDescription, report: MissingReport) -> Proposal | None:
    evidence: dict[str, object] = {}
    parts: dict[str, tuple[float, float]] = {}  # name -> (weight, score)
    if child.sex and report.sex:
        if child.sex != report.sex:
            return None  # a different sex rules the report out
        parts["sex"] = (0.1, 1.0)
        evidence["sex"] = child.sex
    if child.name:
        similarity = name_similarity(child.name, report)
        parts["name"] = (0.45, similarity)
        evidence["name"] = {"said": child.name, "similarity": round(similarity, 2)}
    location = report.last_seen_location
    if child.province and location is not None:
        same_city = bool(child.adcode and location.adcode and
                         child.adcode[:4] == location.adcode[:4])
        place = 1.0 if same_city else 0.6 if location.province == child.province else 0.0
        parts["place"] = (0.2, place)
        evidence["place"] = {"said": child.place or child.province,
                             "report": location.name_en,
                             "match": "city" if same_city else "province" if place else "none"}
    if child.date and report.last_seen_date:
        gap = abs((_date_of(child.date) - report.last_seen_date).days)
        precision_days = {4: 366, 7: 31, 10: 3}.get(len(child.date), 31)
        when = 1.0 if gap <= precision_days else 0.5 if gap <= 183 else 0.0
        parts["date"] = (0.15, when)
        evidence["date"] = {"said": child.date, "report": report.last_seen_date.isoformat()}
    if child.age is not None and report.birth_date and report.last_seen_date:
        actual = _age_at(report.birth_date, report.last_seen_date)
        assert actual is not None
        gap = abs(actual - child.age)
        fits = 1.0 if gap <= 1.0 else 0.5 if gap <= 2.0 else 0.0
        parts["age"] = (0.1, fits)
        evidence["age"] = {"said": child.age, "report": round(actual, 1)}
    if not parts or ("name" not in parts and len(parts) < 3):
        return None  # too little said to propose anything
    weight = sum(w for w, _ in parts.values())
    score = sum(w * s for w, s in parts.values()) / weight
    contradicted = any(s == 0.0 for key, (_, s) in parts.items() if key in ("age", "date"))
    if ("name" in parts and parts["name"][1] < SAME_NAME_AT) or contradicted:
        score = min(score, 0.49)  # a different name or age is not outweighed by the rest
    if score < PROPOSE_AT:
        return None
    return Proposal("missing_report", report.id, round(score, 3), evidence)


def _candidates(session: Session, child: ChildDescription) -> list[MissingReport]:
    conditions = []
    if child.name:
        conditions.append(MissingReport.child_name_zh == child.name)
        pinyin = pinyin_name(child.name) or child.name
        conditions.append(MissingReport.child_name_pinyin.ilike(pinyin))
        conditions.append(MissingReport.child_name.ilike(pinyin))
    if child.province:
        conditions.append(Location.province == child.province)
    if not conditions:
        return []
    query = (select(MissingReport).outerjoin(Location, MissingReport.last_seen_location)
             .where(MissingReport.status.notin_(CLOSED_REPORT_STATES))
             .where(or_(*conditions)).limit(_CANDIDATES))
    if child.sex:
        query = query.where(or_(MissingReport.sex == child.sex, MissingReport.sex.is_(None)))
    return list(session.scalars(query))


def propose_for_child(session: Session, child: ChildDescription, *,
                      found_children: bool = True) -> list[Proposal]:
    """Missing reports (and, for appeals, found children) the description may be about."""
    proposals = [p for report in _candidates(session, child)
                 if (p := score_report(child, report)) is not None]
    if found_children:
        proposals += _found_children(session, child)
    return sorted(proposals, key=lambda p: -p.score)[:10]


def _found_children(session: Session, child: ChildDescription) -> list[Proposal]:
    """Found children of the same sex, of a fitting age, found in the same province within
    five years after the child was lost. There is no name to compare, so the score stays
    below a named match, and a description that fits more than ``MAX_UNNAMED`` children is
    too vague to propose any of them."""
    if not (child.sex and child.age is not None and child.date and child.province):
        return []
    lost = _date_of(child.date)
    query = (select(FoundChild).join(Location, FoundChild.found_location)
             .where(FoundChild.sex == child.sex, Location.province == child.province,
                    FoundChild.found_date >= lost,
                    FoundChild.found_date <= lost + dt.timedelta(days=5 * 366),
                    FoundChild.status.notin_(CLOSED_CHILD_STATES))
             .limit(_CANDIDATES))
    out = []
    for found in session.scalars(query):
        age_then = _age_at(found.estimated_birth_date, lost)
        if age_then is None or abs(age_then - child.age) > 1.0:
            continue
        closeness = 1.0 - abs(age_then - child.age)
        out.append(Proposal("found_child", found.id, round(0.5 + 0.1 * closeness, 3), {
            "sex": child.sex, "province": child.province,
            "age": {"said": child.age, "estimated": round(age_then, 1)},
            "found_after_lost": True, "note": "no name to compare: a DNA test decides"}))
    return out if len(out) <= MAX_UNNAMED else []


def propose_operations(session: Session, figures: dict[str, object],
                       date: str | None) -> list[Proposal]:
    """Operations an incident may be: close in time, same counts, shared provinces."""
    query = select(Operation)
    if date:
        centre = _date_of(date)
        query = query.where(Operation.started_on.between(centre - dt.timedelta(days=120),
                                                         centre + dt.timedelta(days=60)))
    places = set(figures.get("provinces", []) or []) | set(figures.get("places", []) or [])
    out = []
    for operation in session.scalars(query.limit(_CANDIDATES)):
        evidence: dict[str, object] = {}
        score = 0.0
        for name, value in (("children_rescued", operation.children_rescued),
                            ("suspects_detained", operation.suspects_detained)):
            said = figures.get(name)
            if said is not None and value is not None:
                equal = said == value
                evidence[name] = {"said": said, "operation": value, "equal": equal}
                score += 0.35 if equal else 0.0
        shared = places & set(operation.provinces or [])
        if shared:
            evidence["provinces"] = sorted(shared)
            score += 0.2
        if date and operation.started_on:
            evidence["date"] = {"said": date, "operation": operation.started_on.isoformat()}
            score += 0.1
        if score >= PROPOSE_AT:
            out.append(Proposal("operation", operation.id, round(min(score, 1.0), 3), evidence))
    return sorted(out, key=lambda p: -p.score)[:5]
