"""``homeward investigations ...``: the graph of rings, roles, money and routes.

    homeward investigations build                      # graph from the registry and intake
    homeward investigations rings [--json]             # rings found in the registry's graph
    homeward investigations rings --edges EDGES.csv [--json]
    homeward investigations export --format graphml|csv OUT
    homeward investigations import FILE                # a GraphML or CSV network, kept
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True, add_completion=False,
                  help="Rings, roles, money and routes as a graph.")


class ExportFormat(StrEnum):
    graphml = "graphml"
    csv = "csv"


def _open():
    from homeward.cli.registry import open_database
    from homeward.registry.migrate import upgrade

    engine, factory = open_database()
    upgrade(engine)
    return factory


def _print_rings(rings, *, nodes: int, edges: int) -> None:
    print(f"{len(rings)} ring(s) in {nodes} nodes and {edges} edges")
    for ring in rings:
        roles = ", ".join(f"{role} {count}" for role, count in ring.roles.items()) or "no roles"
        family = f"  family-based: {'; '.join(ring.family_reasons)}" if ring.family else ""
        print(f"{ring.id}  {ring.size} members ({roles}){family}")


@app.command("build")
def build_command(
    full: Annotated[bool, typer.Option("--full", help="Regenerate every record, not only "
                                       "those changed since the last build.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Build the graph from the registry and intake (incrementally after the first time)."""
    from homeward.cli.registry import cli_actor
    from homeward.investigations.build import build_graph
    from homeward.registry.db import session_scope

    with session_scope(_open()) as session:
        summary = build_graph(session, actor=cli_actor(), full=full)
    if as_json:
        print(json.dumps(summary.as_json()))
        return
    print(f"{summary.mode} build: {summary.roots} record(s) read, {summary.nodes_written} "
          f"node(s) and {summary.edges_written} edge(s) written, {summary.removed} removed; "
          f"the graph has {summary.nodes} nodes and {summary.edges} edges")


@app.command("rings")
def rings_command(
    edges: Annotated[Path | None, typer.Option(
        "--edges", help="Analyse this network (CSV with source,target,kind, or GraphML) "
        "instead of the registry's graph; nothing is stored.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
) -> None:
    """Rings: connected groups, split into communities, with members by role."""
    from homeward.investigations.rings import detect_rings, rings_json

    if edges is not None:
        from homeward.investigations.exchange import read_network

        nodes, edge_list = read_network(edges)
        rings = detect_rings(edge_list, nodes)
        node_count = len({*nodes, *(e.source for e in edge_list), *(e.target for e in edge_list)})
        edge_count = len(edge_list)
    else:
        from homeward.investigations.service import registry_rings
        from homeward.registry.db import session_scope

        with session_scope(_open()) as session:
            found = registry_rings(session)
        rings, node_count, edge_count = found.rings, len(found.nodes), len(found.edges)
    if as_json:
        print(json.dumps(rings_json(rings, nodes=node_count, edges=edge_count),
                         ensure_ascii=False))
    else:
        _print_rings(rings, nodes=node_count, edges=edge_count)


@app.command("export")
def export_command(
    out: Annotated[Path, typer.Argument(help="A .graphml file, or for CSV a .csv file (its "
                                        "nodes go to NAME.nodes.csv) or a folder.")],
    format: Annotated[ExportFormat, typer.Option("--format", help="graphml or csv.")],
) -> None:
    """Write the stored graph as GraphML or CSV (Gephi, Cytoscape and i2 read both)."""
    from homeward.cli.registry import cli_actor
    from homeward.investigations.build import load_graph
    from homeward.investigations.exchange import write_csv, write_graphml
    from homeward.registry import audit
    from homeward.registry.db import session_scope

    with session_scope(_open()) as session:
        nodes, edges = load_graph(session)
        audit.record(session, actor=cli_actor(), action="export",
                     entity="investigation_graph", entity_id=format.value,
                     details={"nodes": len(nodes), "edges": len(edges)})
    if format is ExportFormat.graphml:
        out.parent.mkdir(parents=True, exist_ok=True)
        write_graphml(out, nodes, edges)
        print(f"wrote {len(nodes)} nodes and {len(edges)} edges to {out}")
    else:
        nodes_path, edges_path = write_csv(out, nodes, edges)
        print(f"wrote {len(nodes)} nodes to {nodes_path} and {len(edges)} edges to "
              f"{edges_path}")


@app.command("import")
def import_command(
    path: Annotated[Path, typer.Argument(help="GraphML, an edges CSV (with NAME.nodes.csv "
                                         "beside it, if any), or a folder of a CSV export.")],
) -> None:
    """Keep a network from another tool in the graph, under the file's name."""
    from homeward.cli.registry import cli_actor
    from homeward.investigations.build import store_imported
    from homeward.investigations.exchange import read_network
    from homeward.registry.db import session_scope

    nodes, edges = read_network(path)
    with session_scope(_open()) as session:
        summary = store_imported(session, path.name, nodes.values(), edges, actor=cli_actor())
    print(f"imported {path.name}: {summary.nodes_written} node(s) and "
          f"{summary.edges_written} edge(s) written; the graph has {summary.nodes} nodes and "
          f"{summary.edges} edges")
