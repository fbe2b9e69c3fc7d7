"""Marking a project's plots on its page (issue 12 items 2-3) in a real headless Chromium.

A planner opens a project, clicks three plots (the panel's area follows), saves and sees
them on the page's map; draws a polygon that takes two more; marks a plot another project
(named with `<script>`) occupies, sees the double-claim warning as text and saves anyway
with a reason. The charts render (ECharts under the CSP). A viewer sees no marking tools.
Screenshots at 1440 and 1024 px. Waits are on data attributes the page sets.
"""

from __future__ import annotations

import pytest
import shapely
from shapely import affinity

from .browser import (
    api,
    click_plot,
    fit_map,
    fold_legend,
    login,
    plot_shape,
    screen_point,
    wait_until,
)

pytestmark = pytest.mark.browser

MAP = ".pa-map"
HOSTILE = "<script>window.paHacked=1</script>坏项目"


@pytest.fixture
def scene(conn):
    """A project without plots, five free industrial plots of the demo park (two of them
    side by side, for the polygon) and a plot another active project occupies."""
    park = conn.execute("SELECT id FROM parks WHERE code = 'JSCY'").fetchone()["id"]
    free = """NOT EXISTS (SELECT 1 FROM project_plots pp WHERE pp.plot_id = {a}.id)
              AND {a}.planned_use LIKE '1001%%' AND {a}.park_id = %(park)s"""
    pair = conn.execute(
        f"""SELECT a.code AS a, b.code AS b FROM plots a JOIN plots b
              ON a.id < b.id AND ST_Touches(a.geom_gk, b.geom_gk)
                 AND ST_Length(ST_Intersection(a.geom_gk, b.geom_gk)) > 50
            WHERE {free.format(a='a')} AND {free.format(a='b')}
            ORDER BY a.code, b.code LIMIT 1""", {"park": park}).fetchone()
    near = conn.execute(
        f"""SELECT p.code FROM plots p, plots a WHERE a.code = %(a)s AND {free.format(a='p')}
              AND p.code NOT IN (%(a)s, %(b)s)
            ORDER BY ST_Distance(p.geom_gk, a.geom_gk), p.code LIMIT 4""",
        {"park": park, "a": pair["a"], "b": pair["b"]}).fetchall()
    clicks, taken = [r["code"] for r in near[:3]], near[3]["code"]
    pid = conn.execute(
        "INSERT INTO projects (park_id, code, name, stage) VALUES (%s, 'UI-MARK', %s, "
        "'signed') RETURNING id", (park, "标注测试项目 <b>粗</b>")).fetchone()["id"]
    other = conn.execute(
        "INSERT INTO projects (park_id, code, name, stage) VALUES (%s, 'UI-OTHER', %s, "
        "'started') RETURNING id", (park, HOSTILE)).fetchone()["id"]
    conn.execute("INSERT INTO project_plots (project_id, plot_id) SELECT %s, id FROM plots "
                 "WHERE code = %s AND park_id = %s", (other, taken, park))
    areas = {r["code"]: r["area_m2"] for r in conn.execute(
        "SELECT code, area_m2 FROM plots WHERE park_id = %s", (park,))}
    return {"id": pid, "clicks": clicks, "pair": [pair["a"], pair["b"]], "taken": taken,
            "areas": areas}


@pytest.fixture
def browse(ui_pages, live_server, demo_users):
    """browse(role, width) → a page logged in as the role's test user, page.record its
    PageRecord (dialogs recorded and dismissed)."""

    def open_as(role: str, width: int = 1440):
        page, record = ui_pages(width, 1000)
        record.dialogs = []
        page.on("dialog", lambda dialog: (record.dialogs.append(dialog.message),
                                          dialog.dismiss()))
        page.record = record
        login(page, live_server, *demo_users[role])
        return page

    return open_as


def assert_clean(page, refused: bool = False) -> None:
    """No error, dialog, other host or injected script; `refused`: the browser's note of the
    save answered 422 (the conflict warnings) is expected."""
    record = page.record
    errors = [m for m in record.console_errors() if not (
        refused and "status of 422" in m[1] and m[2].endswith("/plots"))]
    assert record.page_errors == [] and errors == []
    assert record.external_requests() == [] and record.dialogs == []
    assert page.evaluate("() => window.paHacked === undefined")


def open_project(page, base: str, pid: int) -> None:
    page.goto(f"{base}/projects/{pid}")
    page.wait_for_selector(f"{MAP}[data-project-loaded]", state="attached", timeout=60_000)
    wait_until(page, f"document.querySelector('{MAP}').dataset.loaded === 'true'", 60)


def selected_count(page) -> int:
    return int(page.get_attribute("#pa-marking-summary", "data-count"))


def saved_codes(page, pid: int) -> set[str]:
    return {f["properties"]["code"] for f in api(page, f"/api/v1/projects/{pid}/plots")[
        "features"]}


def test_planner_marks_plots_by_clicking_and_drawing(live_server, browse, scene,
                                                     artifacts_dir):
    page = browse("planner")
    pid = scene["id"]
    open_project(page, live_server, pid)
    assert page.inner_text("#pa-project-title") == "标注测试项目 <b>粗</b>"
    assert selected_count(page) == 0 and not page.is_enabled("#pa-marking-save")
    # the charts are drawn by ECharts under the CSP (an empty project: their notes)
    assert page.locator("#pa-chart-timeline .pa-chart-empty, #pa-chart-timeline.pa-chart-empty"
                        ).count() == 1

    # click three plots: the panel lists them and sums their GK areas
    page.click("#pa-marking-toggle")
    for n, code in enumerate(scene["clicks"], 1):
        click_plot(page, code)
        wait_until(page, f"document.querySelector('#pa-marking-summary').dataset.count === '{n}'")
    area = sum(scene["areas"][c] for c in scene["clicks"])
    assert float(page.get_attribute("#pa-marking-summary", "data-area-m2")) == pytest.approx(
        area, abs=0.01)
    summary = page.inner_text("#pa-marking-summary")
    assert f"{area * 15 / 10000:,.2f}" in summary and "3" in summary
    for code in scene["clicks"]:
        assert code in page.inner_text("#pa-marking-codes")
    page.wait_for_selector(".leaflet-popup", state="detached")  # marking opens no popup
    page.screenshot(path=str(artifacts_dir / "project-marking-1440.png"))

    # a second click removes, a third adds it back
    click_plot(page, scene["clicks"][0])
    wait_until(page, "document.querySelector('#pa-marking-summary').dataset.count === '2'")
    click_plot(page, scene["clicks"][0])
    wait_until(page, "document.querySelector('#pa-marking-summary').dataset.count === '3'")

    with page.expect_navigation():
        page.click("#pa-marking-save")
    open_project(page, live_server, pid)
    assert page.get_attribute(MAP, "data-project-plots") == "3"
    assert page.locator(".leaflet-pa-project-pane path").count() == 3
    assert saved_codes(page, pid) == set(scene["clicks"])
    assert page.locator("#pa-project-plots tbody tr[data-plot-id]").count() == 3

    # draw a polygon a little larger than two side-by-side plots: it takes those two
    both = shapely.union(plot_shape(page, scene["pair"][0]), plot_shape(page, scene["pair"][1]))
    fit_map(page, both.bounds)
    fold_legend(page)
    corners = list(affinity.scale(shapely.minimum_rotated_rectangle(both), 1.03, 1.03)
                   .exterior.coords)[:4]
    points = [screen_point(page, x, y) for x, y in corners]
    page.click(".leaflet-draw-draw-polygon")
    for point in points + points[:1]:
        page.mouse.click(point["x"], point["y"])
        page.wait_for_timeout(150)  # Leaflet.draw ignores clicks in quick succession
    wait_until(page, "document.querySelector('#pa-marking-summary').dataset.count === '5'")
    for code in scene["pair"]:
        assert code in page.inner_text("#pa-marking-codes")
    with page.expect_navigation():
        page.click("#pa-marking-save")
    open_project(page, live_server, pid)
    assert saved_codes(page, pid) == set(scene["clicks"]) | set(scene["pair"])
    assert_clean(page)


def test_a_double_claim_is_warned_as_text_and_saved_with_a_reason(live_server, browse,
                                                                  scene, conn, artifacts_dir):
    pid = scene["id"]
    for width in (1440, 1024):
        page = browse("planner", width)
        open_project(page, live_server, pid)
        page.click("#pa-marking-toggle")
        click_plot(page, scene["taken"])
        wait_until(page, "document.querySelector('#pa-marking-summary').dataset.count === '1'")
        page.click("#pa-marking-save")
        page.wait_for_selector("#pa-marking-warnings:not([hidden])")
        warning = page.locator("#pa-marking-warning-list li").first
        assert warning.get_attribute("data-kind") == "double_claim"
        assert warning.get_attribute("data-plot-code") == scene["taken"]
        text = warning.inner_text()
        assert scene["taken"] in text and HOSTILE in text  # the name as text, not markup
        assert page.locator("#pa-marking-warning-list script").count() == 0
        page.screenshot(path=str(artifacts_dir / f"project-warning-{width}.png"), full_page=True)
        assert_clean(page, refused=True)
    page.fill("#pa-marking-reason", "同一厂区分两期建设")
    with page.expect_navigation():
        page.click("#pa-marking-force")
    open_project(page, live_server, pid)
    assert saved_codes(page, pid) == {scene["taken"]}
    row = conn.execute("SELECT conflict_reason FROM project_plots WHERE project_id = %s",
                       (pid,)).fetchone()
    assert row["conflict_reason"] == "同一厂区分两期建设"
    page.screenshot(path=str(artifacts_dir / "project-marked-1024.png"), full_page=True)
    assert_clean(page, refused=True)


def test_charts_and_a_viewer_without_marking_tools(live_server, browse, scene, conn,
                                                   artifacts_dir):
    pid = scene["id"]
    conn.execute("INSERT INTO milestones (project_id, stage, planned_on, actual_on) VALUES "
                 "(%s, 'signed', '2026-01-10', '2026-01-20'), (%s, 'started', '2026-03-01', "
                 "NULL), (%s, 'completed', '2027-03-01', NULL)", (pid, pid, pid))
    conn.execute("UPDATE projects SET planned_investment = 20000 WHERE id = %s", (pid,))
    conn.execute("INSERT INTO progress_reports (project_id, reported_on, progress_pct, "
                 "investment_done) VALUES (%s, '2026-06-30', 10, 4000), "
                 "(%s, '2026-09-30', 30, 8000)", (pid, pid))
    page = browse("viewer")
    open_project(page, live_server, pid)
    assert page.locator("#pa-marking-toggle").count() == 0
    assert page.locator(".leaflet-draw-draw-polygon").count() == 0
    for chart in ("timeline", "progress", "investment"):
        assert page.locator(f"#pa-chart-{chart} svg").count() >= 1, chart
    assert page.get_attribute("#pa-chart-investment", "data-share") == "40.00"
    page.screenshot(path=str(artifacts_dir / "project-charts-1440.png"), full_page=True)
    assert_clean(page)
