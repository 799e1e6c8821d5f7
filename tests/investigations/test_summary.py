"""A ring's summary (investigations/summary.py) on the small case of tests/investigations/
world.py: members by role, the children handled, the price chain, the route, the dates,
the operation, and a drawing whose layout is the same every time."""

from __future__ import annotations

import datetime as dt

from homeward.investigations.build import build_graph
from homeward.investigations.service import registry_rings, rings_of_node
from homeward.investigations.summary import summarise_ring
from tests.investigations.world import make_case


def test_the_family_ring_is_summarised_with_its_price_chain_and_route(session):
    case = make_case(session)
    build_graph(session, actor="test", full=True)
    found = registry_rings(session)
    (ring,) = rings_of_node(found, f"suspect:{case.abductor.id}")
    summary = summarise_ring(ring, found.nodes, found.edges, aliases=found.aliases)
    roles = {role: {m.id for m in people} for role, people in summary.by_role.items()}
    assert roles["abductor"] == {f"suspect:{case.abductor.id}"}
    assert roles["seller"] == {f"suspect:{case.seller.id}"}
    assert roles["buyer"] == {f"suspect:{case.buyer.id}"}
    assert summary.children == sorted(f"child:{c.id}" for c in case.children)
    chain = summary.price_chain[f"child:{case.children[0].id}"]
    assert chain == {"bought_yuan": 9000, "sold_yuan": 40000, "markup_yuan": 31000}
    assert [s.price_yuan for s in summary.sales] == [9000, 9000, 40000, 40000]
    assert summary.first_activity == dt.date(2011, 3, 1)
    assert summary.last_activity == dt.date(2011, 7, 20)
    assert {(m.origin_province, m.destination_province) for m in summary.movements} \
        >= {("Yunnan", "Hebei")}
    assert [n.id for n in summary.operations] == [f"operation:{case.operation.id}"]
    assert ring.family and "recorded kinship" in ring.family_reasons
    drawn = {n.id for n in summary.drawing_nodes}
    assert drawn >= set(roles["abductor"]) | set(summary.children)
    assert all(0 <= n.x <= 1 and 0 <= n.y <= 1 for n in summary.drawing_nodes)
    again = summarise_ring(ring, found.nodes, found.edges, aliases=found.aliases)
    assert again.drawing_nodes == summary.drawing_nodes  # seeded layout
    assert summary.as_json()["price_chain"] == summary.price_chain
