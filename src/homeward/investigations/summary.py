"""A ring's summary: who it is, what it did, when, along which routes, at what price, and
which records say so.

Everything here is read from the graph (investigations.build) and the ring
(investigations.rings): members by role, the children they handled (members of a child
kind, and the children of the sales between members), the sales in date order with the
price chain of each child (bought, sold, markup: investigations.routes.markups), the
movements of those children between places, the first and last dated activity, the
operations the members belong to and the press incidents that mention those operations.
The picture of the network is the ring's part of the link graph
(investigations.graph.link_graph), laid out by networkx's spring layout with a fixed seed
(Fruchterman & Reingold 1991, "Graph drawing by force-directed placement", Software:
Practice and Experience 21:1129-1164), so the same ring is drawn the same way each time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import networkx as nx

from homeward.investigations.graph import (
    CHILD_KINDS,
    HTCDS_ROLES,
    Edge,
    Node,
    link_graph,
)
from homeward.investigations.rings import Ring
from homeward.investigations.routes import markups

LAYOUT_SEED = 14
NO_ROLE = "no role"


@dataclass(frozen=True)
class Member:
    id: str
    kind: str
    label: str
    role: str | None
    htcds_role: str | None
    source_ref: str
    merged_into: str | None = None
    operation_id: int | None = None

    def as_json(self) -> dict[str, object]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Sale:
    date: dt.date | None
    seller: str
    buyer: str
    child: str | None
    price_yuan: int | None
    place: str | None
    source_ref: str

    def as_json(self) -> dict[str, object]:
        return {**self.__dict__, "date": self.date.isoformat() if self.date else None}


@dataclass(frozen=True)
class Movement:
    date: dt.date | None
    origin: str
    origin_province: str | None
    destination: str
    destination_province: str | None
    child: str | None
    source_ref: str

    def as_json(self) -> dict[str, object]:
        return {**self.__dict__, "date": self.date.isoformat() if self.date else None}


@dataclass(frozen=True)
class DrawnNode:
    id: str
    kind: str
    role: str | None
    label: str
    x: float  # in [0, 1]
    y: float


@dataclass(frozen=True)
class DrawnEdge:
    source: str
    target: str
    kinds: tuple[str, ...]
    weight: float


@dataclass(frozen=True)
class RingSummary:
    ring: Ring
    members: list[Member]
    children: list[str]
    sales: list[Sale]
    price_chain: dict[str, dict[str, int]]
    movements: list[Movement]
    first_activity: dt.date | None
    last_activity: dt.date | None
    operations: list[Node]
    incidents: list[Node]
    source_refs: list[str]
    drawing_nodes: list[DrawnNode] = field(default_factory=list)
    drawing_edges: list[DrawnEdge] = field(default_factory=list)

    @property
    def by_role(self) -> dict[str, list[Member]]:
        """Members grouped by role, roles in the order of the HTCDS map, then the rest."""
        order = [*HTCDS_ROLES, NO_ROLE]
        groups: dict[str, list[Member]] = {}
        for member in self.members:
            groups.setdefault(member.role or NO_ROLE, []).append(member)
        return {role: groups[role] for role in sorted(
            groups, key=lambda r: (order.index(r) if r in order else len(order), r))}

    def as_json(self) -> dict[str, object]:
        return {
            **self.ring.as_json(),
            "members_by_role": {role: [m.as_json() for m in people]
                                for role, people in self.by_role.items()},
            "children": self.children,
            "sales": [s.as_json() for s in self.sales],
            "price_chain": self.price_chain,
            "movements": [m.as_json() for m in self.movements],
            "first_activity": self.first_activity.isoformat() if self.first_activity
            else None,
            "last_activity": self.last_activity.isoformat() if self.last_activity else None,
            "operations": [{"id": n.id, "label": n.label} for n in self.operations],
            "incidents": [{"id": n.id, "label": n.label,
                           "articles": list(n.attributes.get("articles") or [])}
                          for n in self.incidents],
            "source_refs": self.source_refs,
            "network": {"nodes": [d.__dict__ for d in self.drawing_nodes],
                        "edges": [{**d.__dict__, "kinds": list(d.kinds)}
                                  for d in self.drawing_edges]},
        }


def _layout(graph: nx.Graph, seed: int) -> dict[str, tuple[float, float]]:
    """Spring layout scaled into the unit square (a single node sits in the middle)."""
    if graph.number_of_nodes() == 0:
        return {}
    if graph.number_of_nodes() == 1:
        return {next(iter(graph.nodes)): (0.5, 0.5)}
    raw = nx.spring_layout(graph, seed=seed, weight="weight")
    xs = [float(p[0]) for p in raw.values()]
    ys = [float(p[1]) for p in raw.values()]
    span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
    return {n: ((float(p[0]) - min(xs)) / span_x, (float(p[1]) - min(ys)) / span_y)
            for n, p in raw.items()}


def summarise_ring(ring: Ring, nodes: dict[str, Node], edges: list[Edge], *,
                   aliases: dict[str, str] | None = None,
                   seed: int = LAYOUT_SEED) -> RingSummary:
    """The summary of one ring of ``nodes`` and ``edges`` (the stored graph)."""
    aliases = aliases or {}
    members = set(ring.members)

    def canonical(node_id: str) -> str:
        return aliases.get(node_id, node_id)

    people = []
    for node_id in ring.members:
        node = nodes.get(node_id)
        role = ring.member_roles.get(canonical(node_id))
        people.append(Member(node_id, node.kind if node else "node",
                             node.label if node else node_id, role, HTCDS_ROLES.get(role or ""),
                             node.source_ref if node else "",
                             canonical(node_id) if canonical(node_id) != node_id else None,
                             node.attributes.get("operation_id") if node else None))
    inside = [e for e in edges if e.source in members and e.target in members]
    sales = [e for e in inside if e.kind == "transaction"]
    children = sorted({m for m in members if nodes.get(m) and nodes[m].kind in CHILD_KINDS}
                      | {e.attributes["child"] for e in sales if e.attributes.get("child")})
    handled = set(children)
    movements = sorted((e for e in edges if e.kind == "movement"
                        and e.attributes.get("child") in handled),
                       key=lambda e: (e.observed_on is None, e.observed_on, e.source_ref))
    touching = [e for e in edges if e.source in members or e.target in members]
    dated = [e.observed_on for e in [*touching, *movements] if e.observed_on is not None]
    operation_ids = sorted({e.target for e in touching if e.kind == "member_of"
                            and e.source in members})
    operations = [nodes[o] for o in operation_ids if o in nodes]
    incident_ids = sorted({e.source for e in edges if e.kind == "mentions"
                           and e.target in set(operation_ids)
                           and e.source.startswith("incident:")})
    link = link_graph(edges, {k: n.kind for k, n in nodes.items()}, aliases)
    drawn = link.subgraph({canonical(m) for m in members} & set(link.nodes)).copy()
    where = _layout(drawn, seed)
    return RingSummary(
        ring=ring, members=people, children=children,
        sales=[Sale(e.observed_on, e.source, e.target, e.attributes.get("child"),
                    e.attributes.get("price_yuan"), e.attributes.get("place"), e.source_ref)
               for e in sorted(sales, key=lambda e: (e.observed_on is None, e.observed_on,
                                                     e.source_ref))],
        price_chain=markups(sales),
        movements=[Movement(e.observed_on, nodes[e.source].label if e.source in nodes
                            else e.source, _province(nodes, e.source),
                            nodes[e.target].label if e.target in nodes else e.target,
                            _province(nodes, e.target), e.attributes.get("child"),
                            e.source_ref) for e in movements],
        first_activity=min(dated, default=None), last_activity=max(dated, default=None),
        operations=operations, incidents=[nodes[i] for i in incident_ids if i in nodes],
        source_refs=sorted({e.source_ref for e in touching}),
        drawing_nodes=[DrawnNode(n, nodes[n].kind if n in nodes else "node",
                                 ring.member_roles.get(n),
                                 nodes[n].label if n in nodes else n, *where[n])
                       for n in sorted(drawn.nodes)],
        drawing_edges=[DrawnEdge(a, b, tuple(sorted(d["kinds"])), float(d["weight"]))
                       for a, b, d in sorted(drawn.edges(data=True))])


def _province(nodes: dict[str, Node], node_id: str) -> str | None:
    node = nodes.get(node_id)
    return node.attributes.get("province") if node is not None else None


__all__ = ["LAYOUT_SEED", "NO_ROLE", "DrawnEdge", "DrawnNode", "Member", "Movement",
           "RingSummary", "Sale", "summarise_ring"]
