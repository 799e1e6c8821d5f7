"""The investigations pages as a user may see them (pages and API alike).

Shared by views/investigations.py and api_investigations.py (the API never imports from
the HTML views). The steps and their audit are workflow/rings.py; who sees which ring is
web/access.py (``investigations``, ring_anchors). This module adds what a page needs to
point back to the records (operation, case, child and article links) and the geometry of
the two drawings (the ring's network and the flows between provinces), drawn as SVG by
the templates: no script, nothing downloaded.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.investigations.graph import IDENTIFIER_KINDS, ROLE_KINDS
from homeward.investigations.summary import RingSummary
from homeward.registry.models import Source, User
from homeward.statistics.flow_map import draw_flow_map
from homeward.web.access import ring_anchors
from homeward.workflow import rings as steps
from homeward.workflow.rings import VisibleNodes

NETWORK_WIDTH, NETWORK_HEIGHT, NETWORK_MARGIN = 760, 520, 60
FLOW_WIDTH, FLOW_HEIGHT, FLOW_MARGIN = 760, 420, 60

NODE_COLOURS = {"suspect": "#c0392b", "person": "#e67e22", "child": "#2471a3",
                "missing_child": "#5dade2", "household": "#7f8c8d", "phone": "#95a5a6",
                "account": "#8e44ad", "vehicle": "#16a085", "node": "#bdc3c7"}
ROLE_COLOURS = {"abductor": "#111111", "purchaser": "#b9770e", "seller": "#d35400",
                "transporter": "#1e8449", "introducer": "#6c3483", "buyer": "#922b21"}
EDGE_STYLES = {"transaction": ("#d35400", ""), "kin": ("#27ae60", ""),
               "role": ("#7b7d7d", ""), "identifier": ("#99a3a4", "4 3"),
               "movement": ("#2980b9", "2 2")}


def visible_nodes(session: Session, user: User) -> VisibleNodes:
    return lambda ids: ring_anchors(session, user, ids)


def record_link(ref: str) -> str | None:
    """The page of a record a graph fact comes from, where there is one."""
    kind, _, number = ref.partition("/")
    pages = {"found_children": "/children/", "missing_reports": "/cases/",
             "operations": "/operations/"}
    return f"{pages[kind]}{number}" if kind in pages and number.isdigit() else None


def node_link(node_id: str, attributes: dict[str, Any] | None = None) -> str | None:
    kind, _, number = node_id.rpartition(":")
    if not number.isdigit():
        return None
    if kind == "child":
        return f"/children/{number}"
    if kind == "missing_child":
        return f"/cases/{number}"
    if kind == "operation":
        return f"/operations/{number}"
    if kind == "suspect" and attributes and attributes.get("operation_id"):
        return f"/operations/{attributes['operation_id']}"
    return None


def rings_sheet(session: Session, user: User, node: str | None = None) -> dict[str, Any]:
    listed = steps.list_rings(session, actor=user.username,
                              visible_nodes=visible_nodes(session, user), node=node)
    return {"rings": [r.as_json() for r in listed.rings], "not_shown": listed.not_shown,
            "node": listed.node, "nodes": listed.nodes, "edges": listed.edges,
            "built_at": listed.built_at.isoformat() if listed.built_at else None}


def _edge_style(kinds: tuple[str, ...]) -> str:
    for style, members in (("transaction", {"transaction"}), ("kin", {"kin"}),
                           ("role", set(ROLE_KINDS)), ("identifier", set(IDENTIFIER_KINDS))):
        if members & set(kinds):
            return style
    return "movement"


def network_picture(summary: RingSummary) -> dict[str, Any]:
    """Pixel positions, colours and dashes of the ring's nodes and edges."""
    span_x = NETWORK_WIDTH - 2 * NETWORK_MARGIN
    span_y = NETWORK_HEIGHT - 2 * NETWORK_MARGIN
    at = {n.id: (round(NETWORK_MARGIN + n.x * span_x, 1),
                 round(NETWORK_MARGIN + n.y * span_y, 1)) for n in summary.drawing_nodes}
    nodes = [{"id": n.id, "kind": n.kind, "role": n.role, "label": n.label[:24],
              "x": at[n.id][0], "y": at[n.id][1],
              "fill": NODE_COLOURS.get(n.kind, NODE_COLOURS["node"]),
              "stroke": ROLE_COLOURS.get(n.role or "", "#ffffff"),
              "r": 11 if n.kind in ("suspect", "person", "child", "missing_child") else 7}
             for n in summary.drawing_nodes]
    edges = []
    for e in summary.drawing_edges:
        style = _edge_style(e.kinds)
        colour, dash = EDGE_STYLES[style]
        edges.append({"source": e.source, "target": e.target, "kinds": list(e.kinds),
                      "style": style, "colour": colour, "dash": dash,
                      "width": round(min(6.0, 1.0 + e.weight / 2), 1),
                      "x1": at[e.source][0], "y1": at[e.source][1],
                      "x2": at[e.target][0], "y2": at[e.target][1]})
    return {"width": NETWORK_WIDTH, "height": NETWORK_HEIGHT, "nodes": nodes, "edges": edges,
            "node_colours": NODE_COLOURS, "role_colours": ROLE_COLOURS,
            "edge_styles": {k: {"colour": c, "dash": d} for k, (c, d) in EDGE_STYLES.items()}}


def _article_links(session: Session, summary: RingSummary) -> dict[str, str | None]:
    ids = {int(ref.partition("/")[2]) for n in summary.incidents
           for ref in n.attributes.get("articles") or [] if ref.partition("/")[2].isdigit()}
    urls = dict(session.execute(select(Source.id, Source.url).where(Source.id.in_(ids))).all()) \
        if ids else {}
    return {f"sources/{i}": urls.get(i) for i in ids}


def ring_sheet(session: Session, user: User, ring_id: str) -> dict[str, Any]:
    """A ring's summary with links back to its records and its drawn network (audited)."""
    summary = steps.read_ring(session, ring_id, actor=user.username,
                              visible_nodes=visible_nodes(session, user))
    sheet = summary.as_json()
    sheet["links"] = {
        "members": {m.id: node_link(m.id, {"operation_id": m.operation_id})
                    for m in summary.members},
        "children": {c: node_link(c) for c in summary.children},
        "operations": {n.id: node_link(n.id) for n in summary.operations},
        "sources": {ref: record_link(ref) for ref in summary.source_refs},
        "articles": _article_links(session, summary)}
    sheet["picture"] = network_picture(summary)
    return sheet


def _arc(x1: float, x2: float, base: float, above: bool) -> tuple[str, float, float]:
    """A half-ellipse from x1 to x2 over (or under) the axis: path, label x and y."""
    height = min(FLOW_HEIGHT / 2 - FLOW_MARGIN / 2, abs(x2 - x1) / 2)
    lift = -height if above else height
    control = base + 2 * lift
    path = f"M {x1:.1f} {base:.1f} Q {(x1 + x2) / 2:.1f} {control:.1f} {x2:.1f} {base:.1f}"
    return path, round((x1 + x2) / 2, 1), round(base + lift, 1)


def flow_picture(flows: steps.RouteFlows, lang: str = "en") -> dict[str, Any]:
    """An arc diagram: provinces along one axis (in code order, roughly south-west to
    north-east is not implied), an arc for each route, above the axis when it runs to the
    right and below when it runs to the left, its width by the number of movements."""
    codes = sorted(flows.provinces)
    step = (FLOW_WIDTH - 2 * FLOW_MARGIN) / max(1, len(codes) - 1)
    x = {c: FLOW_MARGIN + (i * step if len(codes) > 1 else (FLOW_WIDTH / 2 - FLOW_MARGIN))
         for i, c in enumerate(codes)}
    base = FLOW_HEIGHT / 2
    biggest = max(flows.pairs.values(), default=1)
    arcs = []
    for (origin, destination), count in flows.pairs.items():
        path, lx, ly = _arc(x[origin], x[destination], base, x[destination] > x[origin])
        arcs.append({"origin": origin, "destination": destination, "movements": count,
                     "path": path, "label_x": lx, "label_y": ly,
                     "width": round(1.5 + 8 * math.sqrt(count / biggest), 1)})
    name = 1 if lang == "zh" else 0
    return {"width": FLOW_WIDTH, "height": FLOW_HEIGHT, "axis_y": base,
            "provinces": [{"code": c, "name": flows.provinces[c][name], "x": round(x[c], 1)}
                          for c in codes], "arcs": arcs}


def routes_sheet(session: Session, user: User, lang: str = "en") -> dict[str, Any]:
    flows = steps.route_flows(session, actor=user.username)
    name = 1 if lang == "zh" else 0
    return {
        "flows": [f.__dict__ for f in flows.flows],
        "pairs": [{"origin": a, "destination": b, "movements": n,
                   "origin_name": flows.provinces[a][name],
                   "destination_name": flows.provinces[b][name]}
                  for (a, b), n in flows.pairs.items()],
        "by_year": {f"{f.origin}>{f.destination}>{f.year}": f.movements for f in flows.flows},
        "years": flows.years,
        "provinces": {c: {"name_en": en, "name_zh": zh}
                      for c, (en, zh) in flows.provinces.items()},
        "picture": flow_picture(flows, lang),
    }


def routes_map(session: Session, user: User, lang: str, fmt: str) -> bytes:
    """The routes drawn on the map of China (statistics/flow_map.py), SVG or PNG."""
    flows = steps.route_flows(session, actor=user.username)
    return draw_flow_map(flows.pairs, language=lang, fmt=fmt)


def _person_json(node) -> dict[str, Any] | None:
    if node is None:
        return None
    a = node.attributes
    return {"id": node.id, "kind": node.kind, "label": node.label, "source_ref": node.source_ref,
            "role": a.get("role"), "id_number": a.get("id_number"),
            "birth_date": a.get("birth_date"), "link": node_link(node.id, a)}


def resolution_sheet(session: Session, user: User, status: str | None = None
                     ) -> dict[str, Any]:
    views = steps.resolution_queue(session, actor=user.username,
                                   visible_nodes=visible_nodes(session, user), status=status)
    return {"status": status, "candidates": [{
        "id": v.candidate.id, "score": round(v.candidate.score, 3),
        "status": v.candidate.status, "comparison": v.candidate.comparison,
        "left": _person_json(v.left) or {"id": v.candidate.left_node},
        "right": _person_json(v.right) or {"id": v.candidate.right_node},
        "decided_by": v.candidate.decided_by, "reason": v.candidate.reason,
        "decided_at": v.candidate.decided_at.isoformat() if v.candidate.decided_at else None,
        "next_steps": next_steps(v.candidate.status)} for v in views]}


def next_steps(status: str) -> list[str]:
    """The decision buttons a candidate in this status offers (workflow DECISIONS)."""
    return {"proposed": ["accept", "reject"], "accepted": ["undo"],
            "undone": ["accept"], "rejected": []}.get(status, [])


# --- the edge: what a decision and the query parameters may carry -------------------------

RING_ID = r"^R-[0-9a-f]{10}$"
NODE_ID = r"^(suspect|child|missing_child|person:relative):[0-9]{1,10}$"
CANDIDATE_STATUSES = ("proposed", "accepted", "rejected", "undone")


class DecisionIn(BaseModel):
    """A decision on a resolution candidate, from the page's form or the API's body."""

    decision: Literal["accept", "reject", "undo"]
    reason: str = Field(min_length=1, max_length=2000)


def decide(session: Session, user: User, candidate_id: int, body: DecisionIn) -> dict[str, Any]:
    candidate = steps.decide_candidate(session, candidate_id, body.decision,
                                       actor=user.username, reason=body.reason,
                                       visible_nodes=visible_nodes(session, user))
    return {"id": candidate.id, "status": candidate.status, "decided_by": candidate.decided_by,
            "reason": candidate.reason}


def propose(session: Session, user: User) -> dict[str, int]:
    proposals = steps.propose_merges(session, actor=user.username)
    return {"pairs_compared": proposals.pairs_compared, "proposed": proposals.proposed,
            "new": proposals.new}
