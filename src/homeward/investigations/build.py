"""Build the investigations graph from the registry and intake, and keep it current.

A full build regenerates the facts of every root (investigations.facts) and stores the
difference: rows whose fact is unchanged keep their ids, so building twice changes
nothing. An incremental build reads the audit events written since the last build (every
change to a record goes through the workflow, which audits it) and regenerates only the
roots they touch. Shared nodes (places, phones, households) are kept while an edge needs
them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from homeward.investigations.facts import Facts, all_roots, facts_of_root, roots_of_event
from homeward.investigations.graph import Edge, Node
from homeward.registry import audit
from homeward.registry.models import AuditEvent, GraphBuild, GraphEdge, GraphNode

IMPORT_ROOT = "import/"


@dataclass
class BuildSummary:
    mode: str
    roots: int
    nodes_written: int
    edges_written: int
    removed: int
    nodes: int
    edges: int

    def as_json(self) -> dict[str, object]:
        return dict(self.__dict__)


def _edge_row_matches(row: GraphEdge, edge: Edge) -> bool:
    return (row.source_node, row.target_node, row.kind, row.source_kind, row.source_ref,
            row.observed_on, row.attributes) == (edge.source, edge.target, edge.kind,
                                                 edge.source_kind, edge.source_ref,
                                                 edge.observed_on, edge.attributes)


def _write_node(session: Session, node: Node, root: str | None) -> int:
    row = session.get(GraphNode, node.id)
    values = {"kind": node.kind, "label": node.label[:300], "source_kind": node.source_kind,
              "source_ref": node.source_ref, "root": root, "observed_on": node.observed_on,
              "attributes": node.attributes}
    if row is None:
        session.add(GraphNode(id=node.id, **values))
        return 1
    if root is None and row.root is not None:
        return 0  # a node a root owns is not overwritten by a shared mention of it
    if any(getattr(row, k) != v for k, v in values.items()):
        for k, v in values.items():
            setattr(row, k, v)
        return 1
    return 0


def store_facts(session: Session, facts: Facts) -> tuple[int, int, int]:
    """Make the stored rows of ``facts.root`` equal to ``facts``: (nodes, edges written,
    rows removed)."""
    wanted = {edge.key: edge for edge in facts.edges}
    removed = 0
    stored = {row.key: row for row in session.scalars(
        select(GraphEdge).where(GraphEdge.root == facts.root))}
    for key, row in stored.items():
        if key not in wanted:
            session.delete(row)
            removed += 1
    edges_written = 0
    for key, edge in wanted.items():
        row = stored.get(key)
        if row is not None and _edge_row_matches(row, edge):
            continue
        if row is None:
            row = GraphEdge(key=key, root=facts.root)
            session.add(row)
        row.source_node, row.target_node, row.kind = edge.source, edge.target, edge.kind
        row.source_kind, row.source_ref = edge.source_kind, edge.source_ref
        row.observed_on, row.attributes = edge.observed_on, edge.attributes
        edges_written += 1
    own = {node.id for node in facts.nodes}
    for row in session.scalars(select(GraphNode).where(GraphNode.root == facts.root)):
        if row.id not in own:
            session.delete(row)
            removed += 1
    session.flush()
    nodes_written = sum(_write_node(session, node, facts.root) for node in facts.nodes)
    nodes_written += sum(_write_node(session, node, None)
                         for node in {n.id: n for n in facts.shared}.values())
    session.flush()
    return nodes_written, edges_written, removed


def _collect_orphans(session: Session) -> int:
    """Shared nodes no edge needs any more."""
    used = select(GraphEdge.source_node).union(select(GraphEdge.target_node))
    result = session.execute(delete(GraphNode).where(
        GraphNode.root.is_(None), GraphNode.id.not_in(used)))
    return result.rowcount or 0


def _changed_roots(session: Session, since_seq: int) -> set[str]:
    roots: set[str] = set()
    events = select(AuditEvent.entity, AuditEvent.entity_id).where(
        AuditEvent.seq > since_seq, AuditEvent.action != "read")  # reads change nothing
    for entity, entity_id in session.execute(events):
        roots |= roots_of_event(session, entity, entity_id)
    return roots


def _stale_roots(session: Session, current: set[str]) -> set[str]:
    stored = set(session.scalars(select(GraphEdge.root).distinct())) | set(
        session.scalars(select(GraphNode.root).where(GraphNode.root.is_not(None)).distinct()))
    return {r for r in stored - current if not r.startswith(IMPORT_ROOT)}


def build_graph(session: Session, *, actor: str, full: bool = False) -> BuildSummary:
    """Bring the stored graph up to date: everything (``full`` or the first build), or the
    roots changed since the last build."""
    last = session.scalar(select(GraphBuild).order_by(GraphBuild.id.desc()).limit(1))
    head = session.scalar(select(func.max(AuditEvent.seq))) or 0
    if full or last is None:
        mode = "full"
        current = set(all_roots(session))
        roots = current | _stale_roots(session, current)
    else:
        mode = "incremental"
        roots = _changed_roots(session, last.audit_seq)
    written_nodes = written_edges = removed = 0
    for root in sorted(roots):
        n, e, r = store_facts(session, facts_of_root(session, root))
        written_nodes, written_edges, removed = written_nodes + n, written_edges + e, removed + r
    removed += _collect_orphans(session)
    nodes = session.scalar(select(func.count()).select_from(GraphNode)) or 0
    edges = session.scalar(select(func.count()).select_from(GraphEdge)) or 0
    build = GraphBuild(mode=mode, audit_seq=head, actor=actor, roots=len(roots), nodes=nodes,
                       edges=edges)
    session.add(build)
    session.flush()
    audit.record(session, actor=actor, action="build", entity="investigation_graph",
                 entity_id=build.id, details={"mode": mode, "roots": len(roots)})
    return BuildSummary(mode, len(roots), written_nodes, written_edges, removed, nodes, edges)


def store_imported(session: Session, name: str, nodes: Iterable[Node],
                   edges: Iterable[Edge], *, actor: str) -> BuildSummary:
    """Keep an imported network (GraphML or CSV) under its own root, replacing an earlier
    import of the same name; the caller has validated it."""
    root = f"{IMPORT_ROOT}{name}"
    node_list = list(nodes)
    edge_list = [Edge(e.source, e.target, e.kind, e.source_kind, e.source_ref, e.observed_on,
                      e.attributes, root) for e in edges]
    known_keys = set()
    for chunk in range(0, len(edge_list), 500):
        keys = [e.key for e in edge_list[chunk:chunk + 500]]
        known_keys |= set(session.scalars(select(GraphEdge.key).where(
            GraphEdge.key.in_(keys), GraphEdge.root != root)))
    listed = {n.id: n for n in node_list}
    for edge in edge_list:
        for end in (edge.source, edge.target):
            listed.setdefault(end, Node(end, "node", end, edge.source_kind, edge.source_ref))
    others = set()
    ids = list(listed)
    for chunk in range(0, len(ids), 500):
        others |= set(session.scalars(select(GraphNode.id).where(
            GraphNode.id.in_(ids[chunk:chunk + 500]),
            or_(GraphNode.root.is_(None), GraphNode.root != root))))
    facts = Facts(root, nodes=[Node(n.id, n.kind, n.label, n.source_kind, n.source_ref,
                                    n.observed_on, n.attributes, root)
                               for n in listed.values() if n.id not in others],
                  edges=[e for e in edge_list if e.key not in known_keys])
    n, e, r = store_facts(session, facts)
    r += _collect_orphans(session)
    audit.record(session, actor=actor, action="import", entity="investigation_graph",
                 entity_id=root, details={"nodes": n, "edges": e})
    nodes = session.scalar(select(func.count()).select_from(GraphNode)) or 0
    edge_count = session.scalar(select(func.count()).select_from(GraphEdge)) or 0
    return BuildSummary("import", 1, n, e, r, nodes, edge_count)


def node_of(row: GraphNode) -> Node:
    return Node(row.id, row.kind, row.label, row.source_kind, row.source_ref, row.observed_on,
                dict(row.attributes or {}), row.root)


def edge_of(row: GraphEdge) -> Edge:
    return Edge(row.source_node, row.target_node, row.kind, row.source_kind, row.source_ref,
                row.observed_on, dict(row.attributes or {}), row.root)


def load_graph(session: Session) -> tuple[dict[str, Node], list[Edge]]:
    """The whole stored graph: nodes by id and the edges."""
    nodes = {row.id: node_of(row) for row in session.scalars(select(GraphNode))}
    edges = [edge_of(row) for row in session.scalars(select(GraphEdge).order_by(GraphEdge.id))]
    return nodes, edges


def edges_touching(session: Session, node_ids: Iterable[str]) -> list[Edge]:
    ids = list(node_ids)
    return [edge_of(row) for row in session.scalars(select(GraphEdge).where(or_(
        GraphEdge.source_node.in_(ids), GraphEdge.target_node.in_(ids))).order_by(GraphEdge.id))]


def last_build(session: Session) -> GraphBuild | None:
    return session.scalar(select(GraphBuild).order_by(GraphBuild.id.desc()).limit(1))


def built_at(session: Session) -> dt.datetime | None:
    build = last_build(session)
    return build.started_at if build else None


__all__ = ["BuildSummary", "build_graph", "edge_of", "edges_touching", "last_build",
           "load_graph", "node_of", "store_facts", "store_imported"]
