"""Rings: groups of people (and the children they handled) tied by roles, sales, shared
identifiers and kinship.

A ring is a connected component of the link graph (investigations.graph.link_graph); a
component larger than ``split_above`` nodes is split into communities by the Louvain
method (Blondel et al. 2008, "Fast unfolding of communities in large networks", J Stat
Mech P10008; networkx's ``louvain_communities`` with a fixed seed), because two rings
joined by one buyer or one shared phone are still two rings. Louvain also cuts a
chain-shaped ring in two; communities tied by at least ``RING_TIES`` distinct edges are
joined again, so a ring is what more than one tie holds together. Communities never join
nodes of different components.

A ring is flagged family-based (DESIGN.md section 1: rings are often family-based) when
members are recorded kin, share a household, or share a surname (at least two members,
and at least half of the named persons of the ring).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import networkx as nx

from homeward.investigations.graph import (
    PERSON_KINDS,
    Edge,
    Node,
    link_graph,
    node_roles,
)
from homeward.investigations.names import surname

SPLIT_ABOVE = 12  # components up to this many nodes are one ring as they stand
SEED = 14
RING_TIES = 2  # communities tied by this many distinct edges ...
TIE_SHARE = 0.0  # ... carrying this share of the weaker one's weight are one ring
RESOLUTION = 0.5


@dataclass(frozen=True)
class Ring:
    id: str
    members: tuple[str, ...]
    roles: dict[str, int]
    family: bool = False
    family_reasons: tuple[str, ...] = ()
    member_roles: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def size(self) -> int:
        return len(self.members)

    def as_json(self) -> dict[str, object]:
        return {"id": self.id, "members": list(self.members), "size": self.size,
                "roles": dict(self.roles), "family": self.family,
                "family_reasons": list(self.family_reasons)}


def ring_id(members: Iterable[str]) -> str:
    """A stable id: the same members give the same ring id in every build."""
    digest = hashlib.sha1("\n".join(sorted(members)).encode()).hexdigest()
    return f"R-{digest[:10]}"


def _rejoin(graph: nx.Graph, communities: list[set[str]], ties: int,
            share: float) -> list[set[str]]:
    """Join communities tied by at least ``ties`` distinct edges carrying at least ``share``
    of the weaker community's weight (union-find): Louvain also cuts a chain-shaped ring in
    two, and a ring is whatever more than one strong tie holds together."""
    where = {node: i for i, group in enumerate(communities) for node in group}
    count: Counter[tuple[int, int]] = Counter()
    weight: Counter[tuple[int, int]] = Counter()
    strength = [0.0] * len(communities)
    for a, b, w in graph.edges(data="weight"):
        i, j = where[a], where[b]
        strength[i] += w
        strength[j] += w
        if i != j:
            count[(min(i, j), max(i, j))] += 1
            weight[(min(i, j), max(i, j))] += w
    parent = list(range(len(communities)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for (i, j), n in count.items():
        if n >= ties and weight[(i, j)] >= share * min(strength[i], strength[j]):
            parent[find(j)] = find(i)
    joined: dict[int, set[str]] = {}
    for i, group in enumerate(communities):
        joined.setdefault(find(i), set()).update(group)
    return list(joined.values())


def _communities(sub: nx.Graph, resolution: float, seed: int) -> list[set[str]]:
    """Louvain on the component relabelled to integers in sorted order: Louvain iterates
    over sets of nodes, and sets of strings come in an order that changes from one Python
    process to the next (hash randomisation), so string nodes would give rings that
    depend on the process, not only on the seed."""
    names = sorted(sub.nodes)
    numbered = nx.relabel_nodes(sub, {name: i for i, name in enumerate(names)}, copy=True)
    ordered = nx.Graph()
    ordered.add_nodes_from(range(len(names)))
    ordered.add_edges_from(sorted((min(a, b), max(a, b), data)
                                  for a, b, data in numbered.edges(data=True)))
    communities = nx.community.louvain_communities(ordered, weight="weight",
                                                   resolution=resolution, seed=seed)
    return [{names[i] for i in community} for community in communities]


def _groups(graph: nx.Graph, *, split_above: int, resolution: float, seed: int,
            min_size: int, ties: int) -> list[set[str]]:
    groups: list[set[str]] = []
    for component in nx.connected_components(graph):
        if len(component) < min_size:
            continue
        if len(component) <= split_above:
            groups.append(set(component))
            continue
        sub = graph.subgraph(component)
        groups += [c for c in _rejoin(sub, _communities(sub, resolution, seed), ties,
                                      TIE_SHARE)
                   if len(c) >= min_size]
    return groups


@dataclass(frozen=True)
class _FamilyTies:
    """Kinship and household edges by member, indexed once for every ring."""

    kin: dict[str, set[str]]
    homes: dict[str, set[str]]

    @classmethod
    def of(cls, edges: list[Edge], aliases: dict[str, str]) -> _FamilyTies:
        kin: dict[str, set[str]] = {}
        homes: dict[str, set[str]] = {}
        for e in edges:
            a, b = aliases.get(e.source, e.source), aliases.get(e.target, e.target)
            if e.kind == "kin":
                kin.setdefault(a, set()).add(b)
                kin.setdefault(b, set()).add(a)
            elif e.kind == "address":
                homes.setdefault(a, set()).add(b)
        return cls(kin, homes)


def _family_reasons(members: set[str], nodes: dict[str, Node],
                    ties: _FamilyTies) -> tuple[str, ...]:
    reasons: list[str] = []
    if any(ties.kin.get(m, set()) & members for m in members):
        reasons.append("recorded kinship")
    households = Counter(h for m in members for h in ties.homes.get(m, ()))
    if any(count >= 2 for count in households.values()):
        reasons.append("shared household")
    names = [nodes[m].label for m in members
             if m in nodes and nodes[m].kind in PERSON_KINDS and nodes[m].label]
    surnames = Counter(s for s in (surname(n) for n in names) if s)
    if surnames:
        top, count = surnames.most_common(1)[0]
        if count >= max(2, math.ceil(len(names) / 2)):
            reasons.append(f"shared surname ({top})")
    return tuple(reasons)


def detect_rings(edges: list[Edge], nodes: dict[str, Node] | None = None, *,
                 aliases: dict[str, str] | None = None, split_above: int = SPLIT_ABOVE,
                 resolution: float = RESOLUTION, seed: int = SEED, min_size: int = 2,
                 ties: int = RING_TIES) -> list[Ring]:
    """The rings of a network, largest first.

    ``nodes`` (optional) gives kinds and names: context nodes (places, operations,
    articles) are left out, and a group with neither a suspect nor anyone in a role is not
    a ring (a family that reported a child missing). ``aliases`` maps merged persons to
    the person they were merged into (accepted entity-resolution decisions).
    """
    nodes = nodes or {}
    aliases = aliases or {}
    kinds = {node_id: node.kind for node_id, node in nodes.items()}
    graph = link_graph(edges, kinds, aliases)
    # the role a suspect was recorded in comes first; else the role of their edges
    roles = {aliases.get(k, k): v for k, v in node_roles(edges).items()}
    for node_id, node in sorted(nodes.items(), reverse=True):
        role = node.attributes.get("role") if node.kind == "suspect" else None
        if role:
            roles[aliases.get(node_id, node_id)] = role
    merged_into: dict[str, list[str]] = {}
    for alias, canonical in aliases.items():
        merged_into.setdefault(canonical, []).append(alias)
    family_ties = _FamilyTies.of(edges, aliases)
    rings = []
    for group in _groups(graph, split_above=split_above, resolution=resolution, seed=seed,
                         min_size=min_size, ties=ties):
        if nodes and not any(m in roles or kinds.get(m) == "suspect" for m in group):
            continue
        members = sorted(set(group) | {a for m in group for a in merged_into.get(m, [])})
        member_roles = {m: roles[m] for m in group if m in roles}
        rings.append(Ring(ring_id(members), tuple(members),
                          dict(sorted(Counter(member_roles.values()).items())),
                          family_reasons=_family_reasons(group, nodes, family_ties),
                          member_roles=member_roles))
    rings = [Ring(r.id, r.members, r.roles, bool(r.family_reasons), r.family_reasons,
                  r.member_roles) for r in rings]
    return sorted(rings, key=lambda r: (-r.size, r.id))


def rings_json(rings: list[Ring], *, nodes: int, edges: int) -> dict[str, object]:
    """The command line's ``--json`` document."""
    return {"rings": [r.as_json() for r in rings], "nodes": nodes, "edges": edges}


__all__ = ["SEED", "SPLIT_ABOVE", "Ring", "detect_rings", "ring_id", "rings_json"]
