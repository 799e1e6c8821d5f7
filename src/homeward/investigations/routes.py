"""Routes: where children are moved from and to, when, and at what markup.

From the graph's movement edges (a child's stops, from police records; routes told by the
press): an origin-destination matrix between provinces by year, the price markup of the
sales along each route, and leads: open missing reports last seen in the source province
of a known route in a month that route was active.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from homeward.investigations.graph import Edge, Node
from homeward.workflow.states import OPEN_REPORT_STATES


@dataclass(frozen=True)
class RouteLead:
    report: str  # missing_child node id
    route: tuple[str, str]  # province codes (from, to)
    month: str  # YYYY-MM
    sources: tuple[str, ...]


def _province(nodes: dict[str, Node], node_id: str) -> str | None:
    node = nodes.get(node_id)
    return node.attributes.get("province_code") if node is not None else None


def od_matrix(nodes: dict[str, Node], edges: list[Edge]) -> Counter[tuple[str, str, str]]:
    """(from province code, to province code, year) -> movements (one per child or per
    press incident); a movement inside one province is not a route between provinces."""
    counts: Counter[tuple[str, str, str]] = Counter()
    for edge in edges:
        if edge.kind != "movement":
            continue
        a, b = _province(nodes, edge.source), _province(nodes, edge.target)
        if a and b and a != b:
            year = str(edge.observed_on.year) if edge.observed_on else "unknown"
            counts[(a, b, year)] += 1
    return counts


def markups(edges: list[Edge]) -> dict[str, dict[str, int]]:
    """Per child, the first and last price paid and the markup between them (yuan)."""
    sales: dict[str, list[Edge]] = {}
    for edge in edges:
        if edge.kind == "transaction" and edge.attributes.get("price_yuan") is not None \
                and edge.attributes.get("child"):
            sales.setdefault(edge.attributes["child"], []).append(edge)
    out = {}
    for child, chain in sales.items():
        chain.sort(key=lambda e: (e.observed_on is None, e.observed_on))
        bought, sold = chain[0].attributes["price_yuan"], chain[-1].attributes["price_yuan"]
        out[child] = {"bought_yuan": bought, "sold_yuan": sold, "markup_yuan": sold - bought}
    return out


def route_leads(nodes: dict[str, Node], edges: list[Edge]) -> list[RouteLead]:
    """Open missing reports last seen in the source province of a route, in a month the
    route was active (a movement on it that month)."""
    active: dict[tuple[str, str], dict[str, set[str]]] = {}
    for edge in edges:
        if edge.kind != "movement" or edge.observed_on is None:
            continue
        a, b = _province(nodes, edge.source), _province(nodes, edge.target)
        if a and b and a != b:
            month = edge.observed_on.strftime("%Y-%m")
            active.setdefault((a, b), {}).setdefault(month, set()).add(edge.source_ref)
    leads = []
    for edge in edges:
        report = nodes.get(edge.source)
        if edge.kind != "located_at" or report is None or report.kind != "missing_child" \
                or report.attributes.get("status") not in OPEN_REPORT_STATES \
                or report.observed_on is None:
            continue
        here, month = _province(nodes, edge.target), report.observed_on.strftime("%Y-%m")
        for route, months in sorted(active.items()):
            if route[0] == here and month in months:
                leads.append(RouteLead(report.id, route, month, tuple(sorted(months[month]))))
    return leads


__all__ = ["RouteLead", "markups", "od_matrix", "route_leads"]
