"""The steps of an investigation of rings (issue 14), each audited: see the rings, open a
ring's summary, the rings of a suspect or a child, rebuild the graph, the flows of
children between provinces, the entity-resolution queue and its decisions.

Who may see which ring is the caller's rule (web/access.py ring_anchors), passed in as
``visible_nodes``: given node ids, the ones that open a ring to this person. A ring is
shown when one of its members is such a node; a ring or a resolution candidate the person
may not see is answered as one that does not exist. The decisions themselves are
workflow/investigations.py.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.investigations.build import BuildSummary, build_graph, built_at, load_graph
from homeward.investigations.graph import Node
from homeward.investigations.rings import Ring
from homeward.investigations.routes import od_matrix
from homeward.investigations.service import find_ring, registry_rings, rings_of_node
from homeward.investigations.summary import RingSummary, summarise_ring
from homeward.registry import audit
from homeward.registry.gazetteer import places
from homeward.registry.models import GraphNode, ResolutionCandidate
from homeward.workflow.errors import NotFoundError, RuleViolationError
from homeward.workflow.investigations import (
    decide_merge,
    get_candidate,
    propose_merges,
    undo_merge,
)

VisibleNodes = Callable[[set[str]], set[str]]
DECISION_STEPS = ("accept", "reject", "undo")


@dataclass(frozen=True)
class RingList:
    rings: list[Ring]
    not_shown: int
    node: str | None
    built_at: dt.datetime | None
    nodes: int
    edges: int


def _visible(ring: Ring, anchors: set[str]) -> bool:
    return bool(anchors & set(ring.members))


def list_rings(session: Session, *, actor: str, visible_nodes: VisibleNodes,
               node: str | None = None) -> RingList:
    """The rings this person may see, largest first; with ``node``, only the rings that
    node (a suspect, a child) belongs to."""
    found = registry_rings(session)
    rings = found.rings if node is None else rings_of_node(found, node)
    anchors = visible_nodes({m for r in rings for m in r.members})
    shown = [r for r in rings if _visible(r, anchors)]
    audit.record(session, actor=actor, action="list", entity="ring", entity_id=node or "all",
                 details={"shown": [r.id for r in shown]})
    return RingList(shown, len(rings) - len(shown), node, built_at(session), len(found.nodes),
                    len(found.edges))


def read_ring(session: Session, ring_id: str, *, actor: str, visible_nodes: VisibleNodes,
              reason: str = "ring page") -> RingSummary:
    """One ring's summary; the read names its children and suspects, so it is audited."""
    found = registry_rings(session)
    ring = find_ring(found, ring_id)
    if not visible_nodes(set(ring.members)):
        raise NotFoundError(f"no ring {ring_id!r} among those you may see")
    summary = summarise_ring(ring, found.nodes, found.edges, aliases=found.aliases)
    audit.record(session, actor=actor, action="read", entity="ring", entity_id=ring.id,
                 reason=reason, details={"members": list(ring.members),
                                         "children": summary.children})
    return summary


def rebuild_graph(session: Session, *, actor: str, full: bool = False) -> BuildSummary:
    """Bring the graph up to date with the registry (investigations.build; audited)."""
    return build_graph(session, actor=actor, full=full)


@dataclass(frozen=True)
class Flow:
    origin: str  # province code
    destination: str
    year: str
    movements: int


@dataclass(frozen=True)
class RouteFlows:
    flows: list[Flow]
    pairs: dict[tuple[str, str], int]  # (origin, destination) -> movements, all years
    provinces: dict[str, tuple[str, str]]  # code -> (English name, Chinese name)
    years: list[str]


def province_names(code: str) -> tuple[str, str]:
    place = places().get(code.ljust(12, "0"))
    return (place.name_en, place.name) if place else (code, code)


def route_flows(session: Session, *, actor: str) -> RouteFlows:
    """Movements of children between provinces by year (counts only: no child, no person),
    from police records and the press (investigations.routes.od_matrix)."""
    nodes, edges = load_graph(session)
    matrix = od_matrix(nodes, edges)
    flows = [Flow(a, b, year, count) for (a, b, year), count in sorted(matrix.items())]
    pairs: Counter[tuple[str, str]] = Counter()
    for flow in flows:
        pairs[(flow.origin, flow.destination)] += flow.movements
    codes = sorted({c for pair in pairs for c in pair})
    audit.record(session, actor=actor, action="read", entity="route_matrix", entity_id="all",
                 details={"pairs": len(pairs)})
    return RouteFlows(flows, dict(sorted(pairs.items(), key=lambda kv: (-kv[1], kv[0]))),
                      {c: province_names(c) for c in codes},
                      sorted({f.year for f in flows}))


@dataclass(frozen=True)
class CandidateView:
    candidate: ResolutionCandidate
    left: Node | None
    right: Node | None


def _person(session: Session, node_id: str) -> Node | None:
    from homeward.investigations.build import node_of

    row = session.get(GraphNode, node_id)
    return node_of(row) if row is not None else None


def resolution_queue(session: Session, *, actor: str, visible_nodes: VisibleNodes,
                     status: str | None = None) -> list[CandidateView]:
    """The pairs of persons that may be one, with their explained scores, best first:
    those where this person may see at least one of the two."""
    query = select(ResolutionCandidate).order_by(ResolutionCandidate.score.desc(),
                                                 ResolutionCandidate.id)
    if status:
        query = query.where(ResolutionCandidate.status == status)
    candidates = list(session.scalars(query))
    anchors = visible_nodes({n for c in candidates for n in (c.left_node, c.right_node)})
    shown = [c for c in candidates if {c.left_node, c.right_node} & anchors]
    audit.record(session, actor=actor, action="list", entity="resolution_candidate",
                 entity_id=status or "all", details={"shown": [c.id for c in shown]})
    return [CandidateView(c, _person(session, c.left_node), _person(session, c.right_node))
            for c in shown]


def decide_candidate(session: Session, candidate_id: int, step: str, *, actor: str,
                     reason: str, visible_nodes: VisibleNodes) -> ResolutionCandidate:
    """Accept, reject or undo a merge of a candidate this person may see (audited by
    workflow.investigations; an illegal step raises IllegalTransitionError)."""
    candidate = get_candidate(session, candidate_id)
    if not visible_nodes({candidate.left_node, candidate.right_node}):
        raise NotFoundError(f"no resolution candidate {candidate_id}")
    if step not in DECISION_STEPS:
        raise RuleViolationError(f"unknown decision {step!r}; choose one of "
                                 f"{', '.join(DECISION_STEPS)}")
    if step == "undo":
        return undo_merge(session, candidate_id, actor=actor, reason=reason)
    return decide_merge(session, candidate_id, actor=actor, accept=step == "accept",
                        reason=reason)


__all__ = ["DECISION_STEPS", "propose_merges", "CandidateView", "Flow", "RingList", "RouteFlows",
           "decide_candidate", "list_rings", "province_names", "read_ring", "rebuild_graph",
           "resolution_queue", "route_flows"]
