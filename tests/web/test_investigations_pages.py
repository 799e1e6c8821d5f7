"""The investigations pages and API (views/investigations.py, api_investigations.py) on
SQLite and PostgreSQL: police of the ring's province see its network, members by role and
price chain; police of another province are told it does not exist; a merge accepted and
undone from the page changes the rings and back; a bad decision is refused and stores
nothing; every view of a ring and every decision is audited."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from homeward.investigations.build import build_graph
from homeward.registry.models import AuditEvent, ResolutionCandidate
from homeward.workflow import operations
from homeward.workflow.investigations import propose_merges
from tests.investigations.world import make_case


@dataclass
class Graph:
    ring_id: str  # the family ring (abductor, transporter, seller, buyer, two children)
    abductor: str
    children: list[str]
    other_seller: str
    alias: str  # the other seller recorded a second time, outside any operation
    candidate_id: int
    operation_id: int


@pytest.fixture
def graph(factory, world) -> Graph:
    """tests/investigations/world.py's case in a Hebei operation, the graph built, and the
    other seller's duplicate proposed for a merge."""
    from homeward.investigations.service import registry_rings, rings_of_node

    with factory() as session, session.begin():
        case = make_case(session, actor="police.hebei")
        case.operation.provinces = ["13"]
        alias = operations.register_suspect(session, actor="police.hebei", operation=None,
                                            name="Wang Fang", role="seller",
                                            phones=["13911112222"])
        operations.register_suspect(session, actor="police.hebei", operation=None,
                                    name="Ma Li", role="buyer", phones=["13911112222"])
        case.other_seller.id_number = alias.id_number = "532601198502030021"
        session.flush()
        build_graph(session, actor="test", full=True)
        propose_merges(session, actor="test")
        other, twin = f"suspect:{case.other_seller.id}", f"suspect:{alias.id}"
        candidate = session.scalar(select(ResolutionCandidate).where(
            ResolutionCandidate.left_node == min(other, twin),
            ResolutionCandidate.right_node == max(other, twin)))
        abductor = f"suspect:{case.abductor.id}"
        (ring,) = rings_of_node(registry_rings(session), abductor)
        return Graph(ring.id, abductor, [f"child:{c.id}" for c in case.children], other,
                     twin, candidate.id, case.operation.id)


def _events(factory, **where) -> list[AuditEvent]:
    with factory() as session:
        query = select(AuditEvent).order_by(AuditEvent.seq)
        for key, value in where.items():
            query = query.where(getattr(AuditEvent, key) == value)
        return list(session.scalars(query))


def test_police_of_the_province_see_the_ring_drawn_with_roles_and_prices(signed_in, graph,
                                                                        factory):
    police, _ = signed_in("police.hebei")
    listing = police.get("/investigations/rings")
    assert listing.status_code == 200 and graph.ring_id in listing.text
    page = police.get(f"/investigations/rings/{graph.ring_id}")
    assert page.status_code == 200, page.text
    html = page.text
    assert '<svg id="network"' in html
    drawn = set(re.findall(r'class="node node-\w+" data-node="([^"]+)"', html))
    assert {graph.abductor, *graph.children} <= drawn
    assert 'data-role="abductor"' in html and 'data-role="buyer"' in html
    assert "张大军" in html and "Li Ming" in html
    assert "9,000" in html and "40,000" in html and "31,000" in html  # the markup
    assert "recorded kinship" in html
    assert f'href="/operations/{graph.operation_id}"' in html
    api = police.get(f"/api/v1/investigations/rings/{graph.ring_id}").json()
    assert api["price_chain"][graph.children[0]]["markup_yuan"] == 31000
    assert set(api["members_by_role"]) >= {"abductor", "transporter", "seller", "buyer"}
    reads = _events(factory, action="read", entity="ring", entity_id=graph.ring_id)
    assert [e.actor for e in reads] == ["police.hebei", "police.hebei"]
    assert graph.children[0] in reads[0].details
    assert _events(factory, action="list", entity="ring", actor="police.hebei")


def test_police_of_another_province_are_told_the_ring_does_not_exist(signed_in, graph):
    police, _ = signed_in("police.fujian")
    assert police.get(f"/investigations/rings/{graph.ring_id}").status_code == 404
    assert police.get(f"/api/v1/investigations/rings/{graph.ring_id}").status_code == 404
    listing = police.get("/api/v1/investigations/rings").json()
    assert listing["rings"] == [] and listing["not_shown"] >= 1
    assert police.get("/api/v1/investigations/resolution").json()["candidates"] == []
    assert police.get("/investigations/rings/R-0000000000").status_code == 404


def test_rings_of_a_suspect_and_of_a_child_are_linked_from_their_pages(signed_in, graph):
    police, _ = signed_in("police.hebei")
    child_id = graph.children[0].partition(":")[2]
    assert f'href="/investigations/rings?node={graph.children[0]}"' in police.get(
        f"/children/{child_id}").text
    assert f"/investigations/rings?node={graph.abductor}" in police.get(
        f"/operations/{graph.operation_id}").text
    mine = police.get("/api/v1/investigations/rings", params={"node": graph.abductor}).json()
    assert [r["id"] for r in mine["rings"]] == [graph.ring_id]
    assert graph.ring_id in police.get(f"/investigations/rings?node={graph.children[0]}").text


def _ring_with(client, node: str) -> set[str]:
    (ring,) = client.get("/api/v1/investigations/rings", params={"node": node}).json()["rings"]
    return set(ring["members"])


def test_accepting_then_undoing_a_merge_from_the_page_changes_the_rings_and_back(
        signed_in, graph, factory):
    police, token = signed_in("police.hebei")
    page = police.get("/investigations/resolution")
    assert f'id="candidate-{graph.candidate_id}"' in page.text and "id_number" in page.text
    before = _ring_with(police, graph.other_seller)
    assert graph.alias not in before

    def decide(decision: str, reason: str):
        return police.post(f"/investigations/resolution/{graph.candidate_id}",
                           data={"csrf_token": token, "decision": decision, "reason": reason},
                           follow_redirects=False)

    assert decide("accept", "the same ID number").status_code == 303
    assert graph.alias in _ring_with(police, graph.other_seller)
    assert decide("undo", "different mothers").status_code == 303
    assert _ring_with(police, graph.other_seller) == before
    steps = [(e.action, e.actor) for e in _events(factory, entity="resolution_candidate",
                                                   entity_id=str(graph.candidate_id))]
    assert steps == [("accepted", "police.hebei"), ("undone", "police.hebei")]
    assert _events(factory, action="list", entity="resolution_candidate", actor="police.hebei")


def test_a_bad_decision_is_refused_clearly_and_stores_nothing(signed_in, graph, factory):
    police, token = signed_in("police.hebei")

    def count() -> int:
        with factory() as session:
            return session.scalar(select(func.count()).select_from(AuditEvent).where(
                AuditEvent.entity == "resolution_candidate", AuditEvent.action != "list"))

    before = count()
    illegal = police.post(f"/investigations/resolution/{graph.candidate_id}",
                          data={"csrf_token": token, "decision": "undo", "reason": "oops"})
    assert illegal.status_code == 409
    assert "a proposed candidate cannot become undone" in illegal.text
    unknown = police.post("/investigations/resolution/999999",
                          data={"csrf_token": token, "decision": "accept", "reason": "x"})
    assert unknown.status_code == 404 and "no resolution candidate 999999" in unknown.text
    garbled = police.post(f"/investigations/resolution/{graph.candidate_id}",
                          data={"csrf_token": token, "decision": "merge", "reason": ""})
    assert garbled.status_code == 422 and "decision" in garbled.text
    api = police.post(f"/api/v1/investigations/resolution/{graph.candidate_id}",
                      json={"decision": "undo", "reason": "x"},
                      headers={"X-CSRF-Token": token})
    assert api.status_code == 409 and "cannot become undone" in api.json()["detail"]
    assert count() == before
    with factory() as session:
        assert session.get(ResolutionCandidate, graph.candidate_id).status == "proposed"


def test_routes_rebuild_and_the_chinese_pages(signed_in, graph, factory):
    police, token = signed_in("police.hebei")
    routes = police.get("/investigations/routes")
    assert routes.status_code == 200 and '<svg id="flows"' in routes.text
    assert 'data-route="53-13"' in routes.text  # Yunnan to Hebei
    flows = police.get("/api/v1/investigations/routes").json()
    assert any(p["origin"] == "53" and p["destination"] == "13" for p in flows["pairs"])
    assert _events(factory, action="read", entity="route_matrix", actor="police.hebei")
    assert 'id="route-map"' in routes.text
    drawn = police.get("/investigations/routes/map.svg")
    assert drawn.status_code == 200 and drawn.headers["content-type"] == "image/svg+xml"
    assert 'id="route-53-13"' in drawn.text and drawn.text.count('id="province-') >= 34
    assert "Yunnan" in drawn.text and "Hebei" in drawn.text
    png = police.get("/investigations/routes/map.png", cookies={"lang": "zh"})
    assert png.content.startswith(b"\x89PNG") and len(png.content) > 20_000
    assert "云南" in police.get("/investigations/routes/map.svg?lang=zh").text
    rebuilt = police.post("/api/v1/investigations/rebuild", json={"full": True},
                          headers={"X-CSRF-Token": token})
    assert rebuilt.status_code == 200 and rebuilt.json()["mode"] == "full"
    page = police.post("/investigations/rebuild", data={"csrf_token": token},
                       follow_redirects=False)
    assert page.status_code == 303 and "rebuilt=incremental" in page.headers["location"]
    police.cookies.set("lang", "zh")
    chinese = police.get(f"/investigations/rings/{graph.ring_id}").text
    assert "团伙" in chinese and "价格链" in chinese
    assert "线路" in police.get("/investigations/routes").text
