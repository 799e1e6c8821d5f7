"""The investigations graph: its vocabulary of nodes and edges, and networkx views of it.

Nodes are persons (suspects, relatives), children (rescued, by record id; missing, by
report id), households, places (gazetteer codes), phone numbers, bank accounts, vehicles,
operations and press incidents. Edges are roles in a case, sales, movements of a child,
shared identifiers and kinship (issue 14). Every node and edge carries its source (a police
record, a tip, an article, a post, or an imported file), the time it refers to, and a
pointer back to the record (``source_ref``, "suspects/12").

Roles follow the workflow's suspect roles (workflow.operations.SUSPECT_ROLES) and map to
the roles of the Human Trafficking Case Data Standard (HTCDS) of the Counter-Trafficking
Data Collaborative: Kidnapper, RecruiterOrIntermediary, Transporter, Buyer, Seller.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from homeward.workflow.operations import SUSPECT_ROLES

# HTCDS role of each case role. A "purchaser" buys in the source region to sell on; the
# "buyer" is the household that adopts the child: both are Buyers in HTCDS terms.
HTCDS_ROLES: dict[str, str] = {
    "abductor": "Kidnapper",
    "purchaser": "Buyer",
    "seller": "Seller",
    "transporter": "Transporter",
    "introducer": "RecruiterOrIntermediary",
    "buyer": "Buyer",
}

ROLE_KINDS: tuple[str, ...] = SUSPECT_ROLES
IDENTIFIER_KINDS = ("phone", "account", "address", "vehicle")
# Edges that tie the people of a ring together (the kinds EDGES.csv may use).
LINK_KINDS: tuple[str, ...] = (*ROLE_KINDS, "transaction", *IDENTIFIER_KINDS, "kin",
                               "movement")
# Edges that place a record in its context (an operation, a place, an article): they feed
# a ring's summary, never the ring itself.
CONTEXT_KINDS = ("member_of", "located_at", "mentions", "reported")
EDGE_KINDS: tuple[str, ...] = (*LINK_KINDS, *CONTEXT_KINDS)

PERSON_KINDS = ("suspect", "person")
CHILD_KINDS = ("child", "missing_child")
IDENTIFIER_NODE_KINDS = ("household", "phone", "account", "vehicle")
CONTEXT_NODE_KINDS = ("place", "operation", "incident", "lead", "tip")
NODE_KINDS: tuple[str, ...] = (*PERSON_KINDS, *CHILD_KINDS, *IDENTIFIER_NODE_KINDS,
                               *CONTEXT_NODE_KINDS, "node")
SOURCE_KINDS = ("police_record", "tip", "article", "post", "import", "derived")

# How strongly an edge ties two nodes into one ring (community detection weights).
LINK_WEIGHTS: dict[str, float] = {**dict.fromkeys(ROLE_KINDS, 1.0), "transaction": 2.0,
                                  "phone": 2.0, "account": 2.0, "address": 2.0,
                                  "vehicle": 1.0,
                                  "kin": 3.0, "movement": 1.0}


@dataclass(frozen=True)
class Node:
    id: str
    kind: str
    label: str
    source_kind: str
    source_ref: str
    observed_on: dt.date | None = None
    attributes: dict[str, Any] = field(default_factory=dict, compare=False)
    root: str | None = None


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    kind: str
    source_kind: str
    source_ref: str
    observed_on: dt.date | None = None
    attributes: dict[str, Any] = field(default_factory=dict, compare=False)
    root: str = ""

    @property
    def key(self) -> str:
        """Stable identity: the same fact from the same record is the same edge."""
        return f"{self.kind}|{self.source}|{self.target}|{self.source_ref}"


def link_graph(edges: Iterable[Edge], node_kinds: dict[str, str] | None = None,
               aliases: dict[str, str] | None = None) -> nx.Graph:
    """The weighted, undirected graph of the edges that tie people together.

    Context edges (operations, places, articles) are left out, and so are nodes of a
    context kind (a place or an operation would join every ring that passed through it).
    ``aliases`` maps a merged node to the node it was merged into (entity resolution).
    """
    aliases = aliases or {}
    node_kinds = node_kinds or {}
    graph = nx.Graph()
    for edge in edges:
        if edge.kind not in LINK_WEIGHTS:
            continue
        a, b = aliases.get(edge.source, edge.source), aliases.get(edge.target, edge.target)
        if a == b or node_kinds.get(a) in CONTEXT_NODE_KINDS \
                or node_kinds.get(b) in CONTEXT_NODE_KINDS:
            continue
        weight = LINK_WEIGHTS[edge.kind]
        if graph.has_edge(a, b):
            graph[a][b]["weight"] += weight
            graph[a][b]["kinds"].add(edge.kind)
        else:
            graph.add_edge(a, b, weight=weight, kinds={edge.kind})
    return graph


def node_roles(edges: Iterable[Edge]) -> dict[str, str]:
    """Each node's role: the role edges it is the source of (the most frequent one)."""
    counts: dict[str, dict[str, int]] = {}
    for edge in edges:
        if edge.kind in ROLE_KINDS:
            tally = counts.setdefault(edge.source, {})
            tally[edge.kind] = tally.get(edge.kind, 0) + 1
    return {node: max(sorted(tally), key=tally.__getitem__) for node, tally in counts.items()}


__all__ = ["CHILD_KINDS", "CONTEXT_KINDS", "CONTEXT_NODE_KINDS", "EDGE_KINDS", "HTCDS_ROLES",
           "IDENTIFIER_KINDS", "LINK_KINDS", "LINK_WEIGHTS", "NODE_KINDS", "PERSON_KINDS",
           "ROLE_KINDS", "SOURCE_KINDS", "Edge", "Node", "link_graph", "node_roles"]
