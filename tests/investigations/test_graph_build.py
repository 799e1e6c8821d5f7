"""The graph built from registry records and intake output: every node and edge has its
source and points back to a record; building again changes nothing; a change to a record
reaches the graph in the next (incremental) build."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from homeward.investigations.build import build_graph, load_graph
from homeward.investigations.graph import EDGE_KINDS, HTCDS_ROLES, NODE_KINDS, SOURCE_KINDS
from homeward.investigations.service import registry_rings
from homeward.registry.models import (
    ChildTransaction,
    FoundChild,
    GraphEdge,
    Incident,
    Suspect,
    SuspectChildLink,
)
from homeward.workflow import operations
from homeward.workflow.operations import SUSPECT_ROLES
from tests.investigations.world import make_case, store_kunming_articles

TABLE_OF_REF = {"suspects": Suspect, "found_children": FoundChild,
                "child_transactions": ChildTransaction, "incidents": Incident,
                "suspect_child_links": SuspectChildLink}


def test_every_case_role_maps_to_an_htcds_role():
    """HTCDS (Counter-Trafficking Data Collaborative) roles named in issue 14."""
    assert set(HTCDS_ROLES) == set(SUSPECT_ROLES)
    assert set(HTCDS_ROLES.values()) == {"Kidnapper", "RecruiterOrIntermediary",
                                         "Transporter", "Buyer", "Seller"}


def test_every_node_and_edge_has_its_source_and_points_back(session):
    case = make_case(session)
    store_kunming_articles(session)
    build_graph(session, actor="test")
    nodes, edges = load_graph(session)
    assert edges
    for node in nodes.values():
        assert node.kind in NODE_KINDS and node.source_kind in SOURCE_KINDS
        assert node.source_ref
    for edge in edges:
        assert edge.kind in EDGE_KINDS and edge.source_kind in SOURCE_KINDS, edge
        assert edge.source in nodes and edge.target in nodes, edge
        table, _, number = edge.source_ref.partition("/")
        if table in TABLE_OF_REF:
            assert session.get(TABLE_OF_REF[table], int(number)) is not None, edge
    kinds = {e.kind for e in edges}
    assert {"abductor", "transporter", "seller", "buyer", "transaction", "phone", "address",
            "kin", "movement", "member_of", "mentions"} <= kinds
    sales = [e for e in edges if e.kind == "transaction"]
    assert {(e.source, e.target, e.attributes["price_yuan"]) for e in sales} >= {
        (f"suspect:{case.abductor.id}", f"suspect:{case.seller.id}", 9000),
        (f"suspect:{case.seller.id}", f"suspect:{case.buyer.id}", 40000)}
    assert all(e.source_kind == "police_record" for e in sales)
    # the press: the Kunming articles' route Wenshan -> Hebei, told by an article
    press = [e for e in edges if e.kind == "movement" and e.source_kind == "article"]
    assert {(nodes[e.source].attributes["province"], nodes[e.target].attributes["province"])
            for e in press} >= {("Yunnan", "Hebei"), ("Yunnan", "Shandong")}
    # the child's own movement: sold in Wenshan (Yunnan), then in Handan, found in Handan
    moves = [e for e in edges if e.kind == "movement" and e.source_kind == "police_record"]
    assert {(nodes[e.source].attributes["province"], nodes[e.target].attributes["province"])
            for e in moves} == {("Yunnan", "Hebei")}
    # a shared phone, written two ways, is one node
    assert nodes["phone:13800000002"].kind == "phone"


def test_building_twice_changes_nothing(session):
    make_case(session)
    store_kunming_articles(session)
    first = build_graph(session, actor="test")
    rows = {r.key: (r.id, r.attributes) for r in session.scalars(select(GraphEdge))}
    again = build_graph(session, actor="test", full=True)
    assert (again.nodes_written, again.edges_written, again.removed) == (0, 0, 0)
    assert {r.key: (r.id, r.attributes) for r in session.scalars(select(GraphEdge))} == rows
    assert (again.nodes, again.edges) == (first.nodes, first.edges)
    quiet = build_graph(session, actor="test")
    assert quiet.mode == "incremental" and quiet.roots == 0


def test_an_incremental_build_follows_changed_records(session):
    case = make_case(session)
    build_graph(session, actor="test")
    before = {r.key for r in session.scalars(select(GraphEdge))}
    # a new sale links the second ring's buyer to the first ring's seller
    operations.record_transaction(session, actor="police:test", child=case.other_child,
                                  price_yuan=45000, date=dt.date(2011, 6, 1),
                                  seller=case.seller, buyer=case.other_buyer)
    summary = build_graph(session, actor="test")
    assert summary.mode == "incremental" and summary.roots >= 1
    added = {r.key for r in session.scalars(select(GraphEdge))} - before
    assert f"transaction|suspect:{case.seller.id}|suspect:{case.other_buyer.id}|" \
           f"child_transactions/" in "".join(added)
    full = build_graph(session, actor="test", full=True)
    assert (full.nodes_written, full.edges_written, full.removed) == (0, 0, 0)


def test_rings_of_the_registry_keep_two_cases_apart_and_flag_the_family(session):
    case = make_case(session)
    store_kunming_articles(session)
    build_graph(session, actor="test")
    rings = registry_rings(session).rings
    first = next(r for r in rings if f"suspect:{case.abductor.id}" in r.members)
    second = next(r for r in rings if f"suspect:{case.other_seller.id}" in r.members)
    assert first.id != second.id
    assert {f"suspect:{s.id}" for s in (case.abductor, case.transporter, case.seller,
                                        case.buyer)} | {f"child:{c.id}" for c in
                                                        case.children} <= set(first.members)
    assert first.roles == {"abductor": 1, "buyer": 1, "seller": 1, "transporter": 1}
    assert first.family and "recorded kinship" in first.family_reasons
    assert "shared household" in first.family_reasons
    assert not second.family
    # places, operations and articles never join rings
    assert not any(m.startswith(("place:", "operation:", "incident:")) for r in rings
                   for m in r.members)


def test_posts_and_tips_join_the_graph_as_leads(session):
    """The demo's bundled microblog posts (intake's sample) are leads of the graph, each
    with its post and place: a post's kind is an attribute, never the node's kind."""
    from pathlib import Path

    import homeward.intake
    from homeward.intake.posts import read_post, read_posts
    from homeward.intake.store import store_posts

    sample = Path(homeward.intake.__file__).parent / "samples/posts/weibo_sample.jsonl"
    posts, problems = read_posts(sample)
    store_posts(session, [read_post(p) for p in posts], actor="intake:test",
                problems=problems)
    build_graph(session, actor="test")
    nodes, edges = load_graph(session)
    leads = [n for n in nodes.values() if n.kind == "lead"]
    assert len(leads) == len(posts) and all(n.source_kind == "post" for n in leads)
    assert {n.attributes["post_kind"] for n in leads} == {read_post(p).kind for p in posts}
    assert any(e.kind == "located_at" and nodes[e.source].kind == "lead" for e in edges)
