"""Geometry editing in Chromium (issue 10 item 2): a planner draws a plot (snapping to its
neighbour), splits one with a line (lineage on the plot page), merges two adjacent plots,
and is refused an overlapping reshape that "clip to neighbours" then fixes. A viewer sees
no editing tool. Screenshots at 1440 and 1024 px go to test-artifacts/."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import dict_row
from pyproj import Transformer

from tests.builders import GK_EPSG, Site
from tests.ui.browser import login

MAP = ".folium-map"
TO_LONLAT = Transformer.from_crs(GK_EPSG, 4490, always_xy=True)
CSP_WATCH = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  e.violatedDirective + ' ' + e.blockedURI));
"""


def open_page(browser):
    """A fresh zh-CN context and page, with the page errors it raises."""
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, errors


@pytest.fixture
def db(db_url):
    with psycopg.connect(db_url, autocommit=True, row_factory=dict_row) as conn:
        yield conn


def open_map(page, base: str, width: int = 1440):
    page.set_viewport_size({"width": width, "height": 900})
    page.add_init_script(CSP_WATCH)
    page.goto(base + "/")
    page.wait_for_selector(f"{MAP}[data-loaded='true']", timeout=60_000)


def show(page, plots, zoom: float = 18):
    """Centre the map on some scenario plots."""
    xs = [p.x0 + p.size / 2 for p in plots]
    ys = [p.y0 + p.size / 2 for p in plots]
    lon, lat = TO_LONLAT.transform(sum(xs) / len(xs), sum(ys) / len(ys))
    page.evaluate("([lat, lon, z]) => ParkAtlas.current.map.setView([lat, lon], z, "
                  "{animate: false})", [lat, lon, zoom])
    page.wait_for_timeout(300)


def on_map(browser, base: str, user: tuple[str, str], plots, zoom: float = 18):
    """A page logged in as `user`, on the map centred on some plots."""
    page, errors = open_page(browser)
    login(page, base, *user)
    open_map(page, base)
    show(page, plots, zoom)
    return page, errors


def side_by_side(site: Site, prefix: str):
    """Two 60 m squares sharing an edge, coded <prefix>-1 (west) and <prefix>-2."""
    x0, y0 = site.next_slot()
    return (site.plot(at=(x0, y0), code=f"{prefix}-1", size=60),
            site.plot(at=(x0 + 60, y0), code=f"{prefix}-2", size=60))


def point(page, x: float, y: float) -> tuple[float, float]:
    """The page coordinates of a GK point on the map."""
    lon, lat = TO_LONLAT.transform(x, y)
    return tuple(page.evaluate(
        """([lat, lon]) => {
          const map = ParkAtlas.current.map;
          const p = map.latLngToContainerPoint([lat, lon]);
          const box = map.getContainer().getBoundingClientRect();
          return [box.left + p.x, box.top + p.y];
        }""", [lat, lon]))


def click(page, x: float, y: float):
    px, py = point(page, x, y)
    page.mouse.click(px, py)
    page.wait_for_timeout(150)


def tool(page, name: str):
    page.click(f".pa-edit-tool[data-tool={name}]")


def saved(page):
    page.click(".pa-edit-panel .pa-edit-save")


def wait_done(page):
    """Wait for the edit to be saved and the plots reloaded (else fail with the panel)."""
    try:
        page.wait_for_selector(f"{MAP}[data-edit-done]", state="attached", timeout=30_000)
    except Exception:
        raise AssertionError(page.inner_text(".pa-edit-panel")) from None


def shots(page, artifacts_dir, name: str):
    page.screenshot(path=str(artifacts_dir / f"{name}-1440.png"))
    page.set_viewport_size({"width": 1024, "height": 768})
    page.wait_for_timeout(300)
    page.screenshot(path=str(artifacts_dir / f"{name}-1024.png"))
    page.set_viewport_size({"width": 1440, "height": 900})


def no_csp_violation(page, errors):
    assert page.evaluate("window.__csp") == []
    assert not errors, errors


def test_a_planner_draws_a_plot_snapped_to_its_neighbour(live_server, demo_users, db,
                                                        chromium_browser, artifacts_dir):
    site = Site(db)
    west = site.plot(code="UI-DRAW-1")
    page, record = on_map(chromium_browser, live_server, demo_users["planner"], [west], zoom=18.5)
    tool(page, "draw")
    x1, y0, y1 = west.x0 + west.size, west.y0, west.y0 + west.size
    corners = [(x1 + 0.3, y0 + 0.2), (x1 + 60, y0), (x1 + 60, y1), (x1 + 0.3, y1 - 0.2)]
    for x, y in corners:  # the west corners land 30 cm off the neighbour's: they snap
        click(page, x, y)
    click(page, *corners[0])
    page.wait_for_selector(".pa-edit-panel input[name=code]")
    assert page.input_value(".pa-edit-panel input[name=code]")  # a proposed code
    page.fill(".pa-edit-panel input[name=code]", "UI-DRAW-2")
    page.fill(".pa-edit-panel input[name=name]", "新画地块")
    land_class = page.locator(".pa-edit-panel select[name=land_class]")
    assert "0101 水田" in land_class.inner_text()  # names beside codes
    land_class.select_option("0101")
    shots(page, artifacts_dir, "edit-draw-form")
    saved(page)
    wait_done(page)
    row = db.execute(
        "SELECT b.area_m2, ST_Area(ST_Intersection(a.geom_gk, b.geom_gk)) AS overlap, "
        "ST_Distance(a.geom_gk, b.geom_gk) AS gap, b.name, b.land_class FROM plots a, plots b "
        "WHERE a.code = 'UI-DRAW-1' AND b.code = 'UI-DRAW-2'").fetchone()
    assert row, "the drawn plot was not saved"
    assert row["name"] == "新画地块" and row["land_class"] == "0101"
    assert row["area_m2"] == pytest.approx(60 * 100, rel=0.03)
    assert row["overlap"] < 1 and row["gap"] < 0.01  # snapped onto the neighbour's edge
    shots(page, artifacts_dir, "edit-draw-done")
    no_csp_violation(page, record)
    page.context.close()


def test_a_planner_splits_a_plot_with_a_line_and_sees_the_lineage(
        live_server, demo_users, db, chromium_browser, artifacts_dir):
    site = Site(db)
    plot = site.plot(code="UI-SPLIT-1", owner="乙村")
    page, record = on_map(chromium_browser, live_server, demo_users["planner"], [plot])
    tool(page, "split")
    click(page, plot.x0 + 20, plot.y0 + 20)
    page.wait_for_timeout(300)
    click(page, plot.x0 + 40, plot.y0 - 15)
    click(page, plot.x0 + 55, plot.y0 + plot.size + 15)
    click(page, plot.x0 + 55, plot.y0 + plot.size + 15)  # the last point again: finish
    page.wait_for_selector(".pa-edit-pieces li")
    codes = page.locator(".pa-edit-pieces input")
    assert codes.count() == 2
    assert [codes.nth(i).input_value() for i in range(2)] == ["UI-SPLIT-1-1", "UI-SPLIT-1-2"]
    codes.nth(1).fill("UI-SPLIT-1B")
    shots(page, artifacts_dir, "edit-split-preview")
    saved(page)
    wait_done(page)
    kids = db.execute("SELECT id, code, area_m2, owner FROM plots WHERE code LIKE 'UI-SPLIT-1%' "
                      "ORDER BY code").fetchall()
    assert [k["code"] for k in kids] == ["UI-SPLIT-1-1", "UI-SPLIT-1B"]
    assert abs(sum(k["area_m2"] for k in kids) - plot.area_m2) < 0.01
    assert {k["owner"] for k in kids} == {"乙村"}
    page.click(".pa-edit-links a >> nth=0")
    page.wait_for_selector("#plot-lineage")
    parents = page.locator(".pa-lineage-parents li")
    assert parents.count() == 1 and "UI-SPLIT-1" in parents.inner_text()
    assert "分割" in parents.inner_text() and "已注销" in parents.inner_text()
    shots(page, artifacts_dir, "edit-split-lineage")
    page.click(".pa-lineage-parents a")
    page.wait_for_selector("#plot-retired")
    children = page.locator(".pa-lineage-children li")
    assert children.count() == 2
    shots(page, artifacts_dir, "edit-split-retired")
    no_csp_violation(page, record)
    page.context.close()


def test_a_planner_merges_two_adjacent_plots(live_server, demo_users, db, chromium_browser,
                                             artifacts_dir):
    a, b = side_by_side(Site(db), "UI-MERGE")
    page, record = on_map(chromium_browser, live_server, demo_users["planner"], [a, b])
    tool(page, "merge")
    click(page, a.x0 + 30, a.y0 + 30)
    click(page, b.x0 + 30, b.y0 + 30)
    page.wait_for_selector(".pa-edit-selected li >> nth=1")
    assert page.inner_text(".pa-edit-selected").split() == ["UI-MERGE-1", "UI-MERGE-2"]
    page.fill(".pa-edit-panel input[name=code]", "UI-MERGE-9")
    shots(page, artifacts_dir, "edit-merge-form")
    saved(page)
    wait_done(page)
    row = db.execute("SELECT area_m2 FROM plots WHERE code = 'UI-MERGE-9'").fetchone()
    assert row and row["area_m2"] == pytest.approx(a.area_m2 + b.area_m2, abs=0.01)
    assert db.execute("SELECT count(*) AS n FROM plots WHERE code IN ('UI-MERGE-1', "
                      "'UI-MERGE-2')").fetchone()["n"] == 0
    no_csp_violation(page, record)
    page.context.close()


def test_an_overlapping_reshape_is_refused_and_then_clipped(live_server, demo_users, db,
                                                            chromium_browser, artifacts_dir):
    a, b = side_by_side(Site(db), "UI-RS")
    page, record = on_map(chromium_browser, live_server, demo_users["planner"], [a, b])
    page.evaluate("() => { window.paPopups = 0; "
                  "ParkAtlas.current.map.on('popupopen', () => window.paPopups++); }")
    tool(page, "reshape")
    click(page, a.x0 + 20, a.y0 + 30)
    page.wait_for_selector(".leaflet-marker-icon.marker-icon")
    # the click picks the plot and opens no popup (one that opened, panned and faded out
    # covered the vertex and took the drag)
    assert page.evaluate("window.paPopups") == 0
    # drag the north-east corner of UI-RS-1 20 m into UI-RS-2
    sx, sy = point(page, a.x0 + 60, a.y0 + 60)
    tx, ty = point(page, a.x0 + 80, a.y0 + 60)
    page.mouse.move(sx, sy)
    page.mouse.down()
    page.mouse.move((sx + tx) / 2, (sy + ty) / 2, steps=5)
    page.mouse.move(tx, ty, steps=5)
    page.mouse.up()
    page.wait_for_timeout(200)
    saved(page)
    error = page.locator(".pa-edit-panel .pa-edit-error")
    error.wait_for()
    assert "UI-RS-2" in error.inner_text() and "重叠" in error.inner_text()
    version = db.execute("SELECT version, area_m2 FROM plots WHERE id = %s", (a.id,)).fetchone()
    assert version["version"] == 1
    shots(page, artifacts_dir, "edit-overlap-refused")
    page.click(".pa-edit-panel .pa-edit-clip")
    page.wait_for_selector(".pa-edit-panel .pa-edit-note")
    shots(page, artifacts_dir, "edit-overlap-clipped")
    saved(page)
    wait_done(page)
    row = db.execute(
        "SELECT a.version, a.area_m2, ST_Area(ST_Intersection(a.geom_gk, b.geom_gk)) AS overlap "
        "FROM plots a, plots b WHERE a.id = %s AND b.id = %s", (a.id, b.id)).fetchone()
    assert row["version"] == 2 and row["overlap"] < 0.01
    # the dragged corner made a triangle over UI-RS-2 (20 × 60 / 2 = 600 m²), now clipped
    assert row["area_m2"] == pytest.approx(a.area_m2, abs=0.5)
    no_csp_violation(page, record)
    page.context.close()


def test_a_viewer_sees_no_editing_tool_and_an_admin_can_delete(live_server, demo_users, db,
                                                                chromium_browser):
    site = Site(db)
    plot = site.plot(code="UI-DEL-1")
    page, record = on_map(chromium_browser, live_server, demo_users["viewer"], [plot])
    assert page.locator(".pa-edit-bar").count() == 0
    assert page.evaluate("typeof window.L.PM") == "undefined"  # the library is not loaded
    page.context.close()
    page, record = on_map(chromium_browser, live_server, demo_users["planner"], [plot])
    assert page.locator(".pa-edit-tool[data-tool=delete]").count() == 0
    page.context.close()
    page, record = on_map(chromium_browser, live_server, demo_users["admin"], [plot])
    tool(page, "delete")
    click(page, plot.x0 + 50, plot.y0 + 50)
    page.fill(".pa-edit-panel textarea[name=reason]", "重复录入")
    saved(page)
    wait_done(page)
    assert db.execute("SELECT 1 FROM plots WHERE id = %s", (plot.id,)).fetchone() is None
    row = db.execute("SELECT o.reason FROM retired_plots r JOIN plot_operations o "
                     "ON o.id = r.operation_id WHERE r.id = %s", (plot.id,)).fetchone()
    assert row["reason"] == "重复录入"
    no_csp_violation(page, record)
    page.context.close()
