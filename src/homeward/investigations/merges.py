"""Accepted entity-resolution decisions as aliases: merged person -> the person kept.

A merge is never applied to the stored nodes; it is a decision (a resolution candidate
with status ``accepted``) read when the graph is analysed, so that undoing it (status
``undone``) restores the two persons exactly. Chains of merges collapse to one canonical
person, the smallest node id of the group (union-find).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from homeward.registry.models import ResolutionCandidate

ACCEPTED = "accepted"


def aliases_of(pairs: list[tuple[str, str]]) -> dict[str, str]:
    """Union-find over merged pairs: each merged node -> its group's smallest id."""
    parent: dict[str, str] = {}

    def find(node: str) -> str:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for left, right in pairs:
        a, b = find(left), find(right)
        if a != b:
            parent[max(a, b)] = min(a, b)
    return {node: find(node) for node in parent if find(node) != node}


def accepted_aliases(session: Session) -> dict[str, str]:
    pairs = session.execute(select(ResolutionCandidate.left_node, ResolutionCandidate.right_node)
                            .where(ResolutionCandidate.status == ACCEPTED)).all()
    return aliases_of([(a, b) for a, b in pairs])


__all__ = ["ACCEPTED", "accepted_aliases", "aliases_of"]
