"""Routes from the graph: the origin-destination matrix, markups along the sales chain,
and leads from open missing reports at the source end of an active route."""

from __future__ import annotations

import datetime as dt

from homeward.investigations.build import build_graph, load_graph
from homeward.investigations.routes import markups, od_matrix, route_leads
from homeward.registry.gazetteer import places
from homeward.workflow.cases import location_for, register_missing_report
from tests.investigations.world import make_case

YUNNAN, HEBEI = "53", "13"
WENSHAN = "532600000000"


def test_routes_markups_and_leads(session):
    case = make_case(session)
    wenshan = location_for(session, places()[WENSHAN])
    register_missing_report(session, actor="police:test", external_id="mr-1",
                            child_name="小明", last_seen_date=dt.date(2011, 3, 9),
                            last_seen_location=wenshan)
    register_missing_report(session, actor="police:test", external_id="mr-2",
                            child_name="小红", last_seen_date=dt.date(2011, 8, 1),
                            last_seen_location=wenshan)
    build_graph(session, actor="test")
    nodes, edges = load_graph(session)
    # both children: sold in Wenshan (Yunnan) on 1 March, then in Handan (Hebei) on 4 March
    assert od_matrix(nodes, edges) == {(YUNNAN, HEBEI, "2011"): 2}
    # hand-computed: bought for 9,000 yuan, sold for 40,000 -> markup 31,000
    assert markups(edges)[f"child:{case.children[0].id}"] == {
        "bought_yuan": 9000, "sold_yuan": 40000, "markup_yuan": 31000}
    leads = route_leads(nodes, edges)
    assert [(nodes[lead.report].label, lead.route, lead.month) for lead in leads] == [
        ("mr-1", (YUNNAN, HEBEI), "2011-03")]
