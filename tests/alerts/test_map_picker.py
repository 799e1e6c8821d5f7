"""The subscriber's map picker: the base map is served offline, its frame on the page is
the one the SVG is drawn in, and a click in Chromium sets the place that is stored."""

from __future__ import annotations

import re

import pytest

from homeward.alerts.geo import haversine_km
from homeward.registry.db import make_engine, make_session_factory
from homeward.registry.models import AlertSubscriberLocation
from homeward.web.map_picker import FRAME
from tests.web.browser import browser, registry, serve, shot  # noqa: F401 - the fixture

KUNMING = (24.880095, 102.832891)


def test_the_map_and_its_frame(client):
    svg = client.get("/maps/china.svg")
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    box = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg.text)
    assert float(box[1]) == pytest.approx(FRAME.width, abs=1e-4)
    assert float(box[2]) == pytest.approx(FRAME.height)
    assert svg.text.count("<path") == 34  # provinces, regions, municipalities, SARs, Taiwan
    page = client.get("/subscribe").text
    for key, value in FRAME.attributes().items():
        assert f'data-{key}="{value}"' in page
    assert 'src="/static/map-picker.js"' in page


def test_the_frame_inverts():
    # Kunming drawn at x = (102.83 - 73) * cos 35°, y = 54 - 24.88; and read back
    x, y = FRAME.point(KUNMING[1], KUNMING[0])
    assert x == pytest.approx((KUNMING[1] - 73.0) * 0.8191520443, abs=1e-9)
    assert y == pytest.approx(54.0 - KUNMING[0])
    assert FRAME.place(x, y) == pytest.approx(KUNMING)


def test_a_click_on_the_map_sets_the_place(browser, tmp_path):  # noqa: F811
    url, env, _ = registry(tmp_path)
    with serve(tmp_path, env) as base:
        page = browser.new_context(viewport={"width": 900, "height": 1400}).new_page()
        page.goto(f"{base}/subscribe")
        page.select_option("select[name=adcode]", index=3)  # a city first, then the map
        box = page.locator("#place-map").bounding_box()
        x, y = FRAME.point(KUNMING[1], KUNMING[0])
        page.mouse.click(box["x"] + x / FRAME.width * box["width"],
                         box["y"] + y / FRAME.height * box["height"])
        assert page.locator("#place-marker").is_visible()
        assert page.input_value("select[name=adcode]") == ""
        picked = (float(page.input_value("input[name=latitude]")),
                  float(page.input_value("input[name=longitude]")))
        pixel_km = FRAME.height / box["height"] * 111.2  # one pixel, north to south
        assert haversine_km(*picked, *KUNMING) <= 2 * pixel_km
        shot(page, "alerts-map-picker")
        page.click("#subscribe")
        page.wait_for_load_state()
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        stored = session.query(AlertSubscriberLocation).one()
        assert (stored.latitude, stored.longitude) == pytest.approx(picked)
    engine.dispose()
