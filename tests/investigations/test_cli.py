"""The investigations command-line contract (issue 14): build, rings [--json],
rings --edges, export graphml|csv and import back; bad files exit 2 with the row and the
reason, and nothing is stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from homeward.cli import main
from homeward.config import get_settings
from homeward.registry.db import make_engine, make_session_factory, session_scope
from homeward.registry.migrate import upgrade
from homeward.registry.models import GraphEdge, GraphNode
from tests.investigations.world import make_case, store_kunming_articles


@dataclass
class Answer:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def run(database_url, tmp_path, monkeypatch, capsys):
    """``homeward investigations ...`` in this process (the entry point itself is run as
    a program in test_the_installed_command_reads_an_edges_file)."""
    monkeypatch.setenv("HOMEWARD_DATABASE_URL", database_url)
    monkeypatch.setenv("HOMEWARD_KEY_FILE", str(tmp_path / "profile.key"))
    monkeypatch.chdir(tmp_path)
    get_settings.cache_clear()

    def homeward(*args: str) -> Answer:
        capsys.readouterr()
        monkeypatch.setattr(sys, "argv", ["homeward", "investigations", *args])
        try:
            main()
            code = 0
        except SystemExit as done:
            code = done.code or 0
        out, err = capsys.readouterr()
        return Answer(code, out, err)
    yield homeward
    get_settings.cache_clear()


@pytest.fixture
def registry_with_a_case(database_url):
    engine = make_engine(database_url)
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        case = make_case(session)
        store_kunming_articles(session)
        ids = {"abductor": f"suspect:{case.abductor.id}",
               "other_seller": f"suspect:{case.other_seller.id}"}
    yield engine, ids
    engine.dispose()


def _counts(engine) -> tuple[int, int]:
    with session_scope(make_session_factory(engine)) as session:
        return (session.scalar(select(func.count()).select_from(GraphNode)),
                session.scalar(select(func.count()).select_from(GraphEdge)))


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_build_rings_export_and_import_back(run, registry_with_a_case, tmp_path):
    engine, ids = registry_with_a_case
    built = run("build")
    assert built.returncode == 0, built.stderr
    assert "full build" in built.stdout
    again = json.loads(run("build", "--json").stdout)
    assert again["mode"] == "incremental" and again["edges_written"] == 0
    answer = run("rings", "--json")
    assert answer.returncode == 0, answer.stderr
    document = json.loads(answer.stdout)
    assert set(document) == {"rings", "nodes", "edges"}
    assert (document["nodes"], document["edges"]) == _counts(engine)
    for ring in document["rings"]:
        assert {"id", "members", "size", "roles"} <= set(ring)
        assert isinstance(ring["id"], str) and ring["size"] == len(ring["members"])
        assert all(isinstance(m, str) for m in ring["members"])
    abductors = [r for r in document["rings"] if ids["abductor"] in r["members"]]
    assert len(abductors) == 1 and abductors[0]["roles"]["abductor"] == 1
    assert ids["other_seller"] not in abductors[0]["members"]
    assert "ring(s)" in run("rings").stdout

    graphml = tmp_path / "graph.graphml"
    assert run("export", "--format", "graphml", str(graphml)).returncode == 0
    assert graphml.read_text(encoding="utf-8").lstrip().startswith("<?xml")
    exported = tmp_path / "graph.csv"
    assert run("export", "--format", "csv", str(exported)).returncode == 0
    assert exported.read_text(encoding="utf-8").splitlines()[0].startswith(
        "source,target,kind")
    assert (tmp_path / "graph.nodes.csv").exists()
    # the exported files are analysed like the registry's graph ...
    for path in (graphml, exported):
        again = json.loads(run("rings", "--edges", str(path), "--json").stdout)
        assert sorted(r["members"] for r in again["rings"]) == sorted(
            r["members"] for r in document["rings"])
    # ... and import back into the same registry without duplicating anything
    before = _counts(engine)
    imported = run("import", str(graphml))
    assert imported.returncode == 0, imported.stderr
    assert _counts(engine) == before


def test_the_installed_command_reads_an_edges_file(tmp_path):
    edges = _write(tmp_path / "edges.csv", "source,target,kind\na,b,kin\n")
    answer = subprocess.run([sys.executable, "-m", "homeward", "investigations", "rings",
                             "--edges", str(edges), "--json"], capture_output=True,
                            text=True, check=False, env={**os.environ})
    assert answer.returncode == 0, answer.stderr
    assert json.loads(answer.stdout)["rings"][0]["members"] == ["a", "b"]
    bad = _write(tmp_path / "bad.csv", "source,target,kind\na,a,kin\n")
    answer = subprocess.run([sys.executable, "-m", "homeward", "investigations", "rings",
                             "--edges", str(bad)], capture_output=True, text=True,
                            check=False, env={**os.environ})
    assert answer.returncode == 2 and "row 2, target: self-loop" in answer.stderr


def test_rings_of_an_edges_file(run, tmp_path):
    edges = _write(tmp_path / "edges.csv", "source,target,kind\n"
                   "a,child1,abductor\nb,child1,transporter\nb,c,kin\nc,d,transaction\n"
                   "x,y,phone\n")
    answer = run("rings", "--edges", str(edges), "--json")
    assert answer.returncode == 0, answer.stderr
    document = json.loads(answer.stdout)
    assert (document["nodes"], document["edges"]) == (7, 5)
    assert [(r["members"], r["roles"]) for r in document["rings"]] == [
        (["a", "b", "c", "child1", "d"], {"abductor": 1, "transporter": 1}),
        (["x", "y"], {})]


BAD_FILES = {
    "missing column": ("source,target\na,b\n", "row 1, header: missing column 'kind'"),
    "unknown kind": ("source,target,kind\na,b,kin\nb,c,friend\n",
                     "row 3, kind: unknown kind 'friend'"),
    "empty id": ("source,target,kind\n,b,phone\n", "row 2, source: empty id"),
    "self-loop": ("source,target,kind\na,b,kin\nc,c,phone\n", "row 3, target: self-loop"),
    "not the format": ('{"nodes": [1, 2]}\n', "row 1, header: missing column"),
    "not text": ("\x00\x01PK\x03\x04", "a binary file"),
    "broken graphml": ("<?xml version='1.0'?><graphml><graph><node id='a'/>",
                       "not GraphML"),
    "graphml self-loop": (
        "<?xml version='1.0'?><graphml xmlns='http://graphml.graphdrawing.org/xmlns'>"
        "<key id='k' for='edge' attr.name='kind' attr.type='string'/><graph "
        "edgedefault='undirected'><node id='a'/><edge source='a' target='a'>"
        "<data key='k'>kin</data></edge></graph></graphml>", "row 1, target: self-loop"),
    "graphml unknown kind": (
        "<?xml version='1.0'?><graphml xmlns='http://graphml.graphdrawing.org/xmlns'>"
        "<key id='k' for='edge' attr.name='kind' attr.type='string'/><graph "
        "edgedefault='undirected'><edge source='a' target='b'><data key='k'>likes</data>"
        "</edge></graph></graphml>", "row 1, kind: unknown kind 'likes'"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_exits_2_with_the_row_and_stores_nothing(case, run, database_url,
                                                            tmp_path):
    text, message = BAD_FILES[case]
    suffix = ".graphml" if "graphml" in case else ".csv"
    path = _write(tmp_path / f"bad{suffix}", text)
    for command in (("rings", "--edges", str(path), "--json"), ("import", str(path))):
        answer = run(*command)
        assert answer.returncode == 2, (command, answer.stdout, answer.stderr)
        assert message in answer.stderr and answer.stdout == ""
    engine = make_engine(database_url)
    upgrade(engine)
    assert _counts(engine) == (0, 0)
    engine.dispose()
