"""Networks in and out: GraphML and CSV (nodes, edges) as Gephi, Cytoscape and i2 read them.

``EDGES.csv`` has the header ``source,target,kind`` (more columns may follow: source_kind,
source_ref, observed_on, attributes as JSON); a nodes file has ``id,kind,label`` and the
same optional columns. GraphML (http://graphml.graphdrawing.org/) carries the same fields
as data keys. What is exported imports back unchanged.

Everything is read and checked before anything is used: a missing column, an unknown
kind, an empty id, a self-loop, a bad date or a file that is not the format stops the
whole file with every bad row named (workflow.errors.ImportFailedError), and nothing is
stored.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import networkx as nx
from defusedxml import ElementTree as SafeTree

from homeward.investigations.graph import EDGE_KINDS, NODE_KINDS, Edge, Node
from homeward.workflow.errors import ImportFailedError, RowError

EDGE_COLUMNS = ("source", "target", "kind")
NODE_COLUMNS = ("id", "kind", "label")
OPTIONAL_COLUMNS = ("source_kind", "source_ref", "observed_on", "attributes")
MAX_ID_LENGTH = 120


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ImportFailedError(str(path), [RowError(0, "file", f"cannot be read: "
                                                     f"{error.strerror}")]) from None
    if b"\x00" in data[:4096]:
        raise ImportFailedError(str(path), [RowError(0, "file", "a binary file, not CSV "
                                                     "or GraphML")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailedError(str(path), [RowError(0, "file", f"not UTF-8 text (byte "
                                                     f"{error.start})")]) from None


def _date(value: str | None, row: int, problems: list[RowError]) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        problems.append(RowError(row, "observed_on", f"{value!r} is not a date (YYYY-MM-DD)"))
        return None


def _attributes(value: str | None, row: int, problems: list[RowError]) -> dict:
    if not value:
        return {}
    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = None
    if not isinstance(parsed, dict):
        problems.append(RowError(row, "attributes", "not a JSON object"))
        return {}
    return parsed


def _check_id(value: str, row: int, field: str, problems: list[RowError]) -> None:
    if not value:
        problems.append(RowError(row, field, "empty id"))
    elif len(value) > MAX_ID_LENGTH:
        problems.append(RowError(row, field, f"id longer than {MAX_ID_LENGTH} characters"))


def edge_from_fields(fields: dict[str, str | None], row: int, name: str,
                     problems: list[RowError]) -> Edge | None:
    """One edge from its fields, or None with the row's problems appended."""
    before = len(problems)
    source = (fields.get("source") or "").strip()
    target = (fields.get("target") or "").strip()
    kind = (fields.get("kind") or "").strip()
    _check_id(source, row, "source", problems)
    _check_id(target, row, "target", problems)
    if not kind:
        problems.append(RowError(row, "kind", "empty kind"))
    elif kind not in EDGE_KINDS:
        problems.append(RowError(row, "kind", f"unknown kind {kind!r}; use one of "
                                 f"{', '.join(EDGE_KINDS)}"))
    if source and source == target:
        problems.append(RowError(row, "target", f"self-loop: {source!r} linked to itself"))
    observed_on = _date(fields.get("observed_on"), row, problems)
    attributes = _attributes(fields.get("attributes"), row, problems)
    if len(problems) > before:
        return None
    return Edge(source, target, kind, (fields.get("source_kind") or "import").strip(),
                (fields.get("source_ref") or f"{name}#row{row}").strip(), observed_on,
                attributes)


def node_from_fields(fields: dict[str, str | None], row: int, name: str,
                     problems: list[RowError]) -> Node | None:
    before = len(problems)
    node_id = (fields.get("id") or "").strip()
    kind = (fields.get("kind") or "node").strip()
    _check_id(node_id, row, "id", problems)
    if kind not in NODE_KINDS:
        problems.append(RowError(row, "kind", f"unknown node kind {kind!r}; use one of "
                                 f"{', '.join(NODE_KINDS)}"))
    observed_on = _date(fields.get("observed_on"), row, problems)
    attributes = _attributes(fields.get("attributes"), row, problems)
    if len(problems) > before:
        return None
    return Node(node_id, kind, (fields.get("label") or node_id)[:300],
                (fields.get("source_kind") or "import").strip(),
                (fields.get("source_ref") or f"{name}#row{row}").strip(), observed_on,
                attributes)


def _csv_rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    text = _text(path)
    reader = csv.reader(io.StringIO(text))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportFailedError(str(path), [RowError(1, "header", "empty file")]) from None
    except csv.Error as error:
        raise ImportFailedError(str(path), [RowError(1, "header", str(error))]) from None
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFailedError(str(path), [RowError(1, "header", f"missing column "
                                                     f"{', '.join(map(repr, missing))}; the "
                                                     f"header is {','.join(required)}")])
    rows: list[tuple[int, dict[str, str]]] = []
    problems: list[RowError] = []
    try:
        for number, values in enumerate(reader, start=2):
            if not values or all(not v.strip() for v in values):
                continue
            if len(values) != len(header):
                problems.append(RowError(number, "row", f"{len(values)} fields, the header "
                                         f"has {len(header)}"))
                continue
            rows.append((number, dict(zip(header, values, strict=True))))
    except csv.Error as error:
        problems.append(RowError(reader.line_num, "row", str(error)))
    if problems:
        raise ImportFailedError(str(path), problems)
    return rows


def read_edges_csv(path: Path) -> list[Edge]:
    problems: list[RowError] = []
    edges = [edge_from_fields(fields, number, path.name, problems)
             for number, fields in _csv_rows(path, EDGE_COLUMNS)]
    if problems:
        raise ImportFailedError(str(path), problems)
    if not edges:
        raise ImportFailedError(str(path), [RowError(2, "row", "no edges")])
    return [e for e in edges if e is not None]


def read_nodes_csv(path: Path) -> dict[str, Node]:
    problems: list[RowError] = []
    nodes: dict[str, Node] = {}
    for number, fields in _csv_rows(path, NODE_COLUMNS):
        node = node_from_fields(fields, number, path.name, problems)
        if node is None:
            continue
        if node.id in nodes:
            problems.append(RowError(number, "id", f"node {node.id!r} listed twice"))
        nodes[node.id] = node
    if problems:
        raise ImportFailedError(str(path), problems)
    return nodes


def read_graphml(path: Path) -> tuple[dict[str, Node], list[Edge]]:
    """A GraphML file; element positions stand for rows (node N, edge N, 1-based)."""
    text = _text(path)
    try:
        SafeTree.fromstring(text.encode())  # refuses entity expansion and external DTDs
        graph = nx.parse_graphml(text, force_multigraph=True)
    except Exception as error:  # defusedxml, ElementTree and networkx errors alike
        raise ImportFailedError(str(path), [RowError(0, "file", f"not GraphML: "
                                                     f"{str(error)[:200]}")]) from None
    problems: list[RowError] = []
    nodes: dict[str, Node] = {}
    for number, (node_id, data) in enumerate(graph.nodes(data=True), start=1):
        fields = {k: None if v is None else str(v) for k, v in data.items()}
        node = node_from_fields({**fields, "id": str(node_id)}, number, path.name, problems)
        if node is not None:
            nodes[node.id] = node
    edges: list[Edge] = []
    for number, (source, target, data) in enumerate(graph.edges(data=True), start=1):
        fields = {k: None if v is None else str(v) for k, v in data.items()}
        edge = edge_from_fields({**fields, "source": str(source), "target": str(target)},
                                number, path.name, problems)
        if edge is not None:
            edges.append(edge)
    if problems:
        raise ImportFailedError(str(path), problems)
    if not edges:
        raise ImportFailedError(str(path), [RowError(0, "file", "no edges")])
    return nodes, edges


def nodes_file_beside(path: Path) -> Path | None:
    """The nodes file of an edges file, if present: ``graph.csv`` -> ``graph.nodes.csv``,
    and ``edges.csv`` -> ``nodes.csv`` in a folder of an export."""
    candidate = path.with_name(f"{path.stem}.nodes.csv")
    if path.name == "edges.csv" and (path.parent / "nodes.csv").exists():
        candidate = path.parent / "nodes.csv"
    return candidate if candidate.exists() else None


def read_network(path: Path) -> tuple[dict[str, Node], list[Edge]]:
    """A network from GraphML, an edges CSV (with its nodes file beside it, if any), or a
    folder that holds ``edges.csv`` and ``nodes.csv``."""
    path = Path(path)
    if path.is_dir():
        path = path / "edges.csv"
    if path.suffix.lower() in (".graphml", ".xml") or _text(path).lstrip().startswith("<"):
        return read_graphml(path)
    edges = read_edges_csv(path)
    beside = nodes_file_beside(path)
    return (read_nodes_csv(beside) if beside else {}), edges


def _stringify(value: object) -> str:
    return "" if value is None else str(value)


def _node_fields(node: Node) -> dict[str, str]:
    return {"id": node.id, "kind": node.kind, "label": node.label,
            "source_kind": node.source_kind, "source_ref": node.source_ref,
            "observed_on": _stringify(node.observed_on),
            "attributes": json.dumps(node.attributes, ensure_ascii=False, sort_keys=True,
                                     default=str)}


def _edge_fields(edge: Edge) -> dict[str, str]:
    return {"source": edge.source, "target": edge.target, "kind": edge.kind,
            "source_kind": edge.source_kind, "source_ref": edge.source_ref,
            "observed_on": _stringify(edge.observed_on),
            "attributes": json.dumps(edge.attributes, ensure_ascii=False, sort_keys=True,
                                     default=str)}


def write_graphml(path: Path, nodes: dict[str, Node], edges: list[Edge]) -> None:
    graph = nx.MultiDiGraph()
    for node in nodes.values():
        fields = _node_fields(node)
        graph.add_node(fields.pop("id"), **fields)
    for edge in edges:
        fields = _edge_fields(edge)
        graph.add_edge(fields.pop("source"), fields.pop("target"), **fields)
    nx.write_graphml(graph, path, encoding="utf-8")


def csv_paths(out: Path) -> tuple[Path, Path]:
    """(nodes, edges) files of a CSV export: ``OUT.csv`` and ``OUT.nodes.csv``, or
    ``OUT/nodes.csv`` and ``OUT/edges.csv`` for a folder."""
    if out.suffix.lower() == ".csv":
        return out.with_name(f"{out.stem}.nodes.csv"), out
    return out / "nodes.csv", out / "edges.csv"


def write_csv(out: Path, nodes: dict[str, Node], edges: list[Edge]) -> tuple[Path, Path]:
    nodes_path, edges_path = csv_paths(out)
    nodes_path.parent.mkdir(parents=True, exist_ok=True)
    with nodes_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*NODE_COLUMNS, *OPTIONAL_COLUMNS])
        writer.writeheader()
        writer.writerows(_node_fields(n) for n in nodes.values())
    with edges_path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*EDGE_COLUMNS, *OPTIONAL_COLUMNS])
        writer.writeheader()
        writer.writerows(_edge_fields(e) for e in edges)
    return nodes_path, edges_path


__all__ = ["EDGE_COLUMNS", "NODE_COLUMNS", "csv_paths", "read_edges_csv", "read_graphml",
           "read_network", "read_nodes_csv", "write_csv", "write_graphml"]
