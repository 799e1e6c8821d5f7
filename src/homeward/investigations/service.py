"""What the command line and the web app ask of the stored graph: its rings and their
members' rings, with accepted merges applied."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from homeward.investigations.build import load_graph
from homeward.investigations.graph import Edge, Node
from homeward.investigations.merges import accepted_aliases
from homeward.investigations.rings import Ring, detect_rings
from homeward.workflow.errors import NotFoundError


@dataclass(frozen=True)
class RegistryRings:
    nodes: dict[str, Node]
    edges: list[Edge]
    aliases: dict[str, str]
    rings: list[Ring]


def registry_rings(session: Session) -> RegistryRings:
    """The rings of the stored graph (build it first: investigations.build)."""
    nodes, edges = load_graph(session)
    aliases = accepted_aliases(session)
    return RegistryRings(nodes, edges, aliases, detect_rings(edges, nodes, aliases=aliases))


def find_ring(found: RegistryRings, ring_id: str) -> Ring:
    for ring in found.rings:
        if ring.id == ring_id:
            return ring
    raise NotFoundError(f"no ring {ring_id!r} in the current graph (rebuild it, or the "
                        "ring's members have changed)")


def rings_of_node(found: RegistryRings, node_id: str) -> list[Ring]:
    return [ring for ring in found.rings if node_id in ring.members]


__all__ = ["RegistryRings", "find_ring", "registry_rings", "rings_of_node"]
