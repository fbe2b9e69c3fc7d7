"""The plot form, its history and the conflict panel in a real headless Chromium (issue 10
items 1, 3, 4), against the live app and the demo park.

A planner edits attributes and saves; enters a lifecycle date out of order and sees the
Chinese message at the field with nothing sent; gets the server's refusal at the field;
restores an earlier version from the history; and two browser contexts edit the same plot,
the second sees the conflict panel and re-applies its changes. Screenshots of the form, the
history and the conflict panel at 1440 and 1024 px are left in test-artifacts/.
"""

from __future__ import annotations

import pytest

from app import db

pytestmark = pytest.mark.browser

FORM = "#pa-plot-form"


@pytest.fixture
def plot(db_url) -> dict:
    """A collective demo plot: its id, version and owner."""
    with db.connect(db_url, actor="pytest") as conn:
        return conn.execute("SELECT id, version, owner, name, approved_on, geom FROM plots "
                            "WHERE owner_type = 'collective' AND approved_on IS NOT NULL "
                            "ORDER BY id LIMIT 1").fetchone()


def stored(db_url, plot_id: int) -> dict:
    with db.connect(db_url, actor="pytest") as conn:
        return conn.execute("SELECT * FROM plots WHERE id = %s", (plot_id,)).fetchone()


@pytest.fixture
def as_user(chromium_browser, live_server, demo_users):
    """as_user(role, width) → a logged-in page in its own browser context, recording its
    page errors, API writes and dialogs (which it accepts)."""
    contexts = []

    def open_as(role: str, width: int = 1440):
        context = chromium_browser.new_context(viewport={"width": width, "height": 900},
                                               locale="zh-CN")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        page.errors, page.writes, page.dialogs = [], [], []
        page.on("pageerror", lambda exc: page.errors.append(str(exc)))
        # console errors: a CSP violation, a failed script (a refused save's 4xx is expected)
        page.on("console", lambda m: m.type == "error" and "status of 4" not in m.text
                and page.errors.append(m.text))
        page.on("request", lambda r: r.method != "GET" and page.writes.append(r.url))
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.accept()))
        username, password = demo_users[role]
        page.goto(live_server + "/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        with page.expect_navigation():
            page.click("button[type=submit]")
        page.writes.clear()  # the login form's POST
        return page

    yield open_as
    for context in contexts:
        context.close()


def open_form(page, base: str, plot_id: int) -> None:
    page.goto(f"{base}/plots/{plot_id}/edit")
    page.wait_for_selector(FORM)


def shoot(page, path) -> None:
    """A screenshot of the whole page (the main area scrolls, not the body)."""
    size = page.viewport_size
    height = page.evaluate("document.querySelector('.pa-navbar').offsetHeight + "
                           "document.querySelector('.pa-main').scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def save(page) -> None:
    page.click("#pa-save")


@pytest.mark.parametrize("width", [1440, 1024])
def test_a_planner_edits_attributes_and_saves(as_user, live_server, db_url, plot, width,
                                              artifacts_dir):
    page = as_user("planner", width)
    open_form(page, live_server, plot["id"])
    shoot(page, artifacts_dir / f"plot-form-{width}.png")
    page.fill("#f-land_user", "江苏某某新材料有限公司")
    page.fill("#f-contract_no", "3205-2026-0007")
    page.fill("#f-land_class", "0601")
    page.dispatch_event("#f-land_class", "input")
    assert page.inner_text("#f-land_class-name").startswith("0601 ")
    page.select_option("#f-planned_use", "100102")
    page.fill("#f-annual_tax", "88.5")
    page.check("#f-levelled")
    with page.expect_navigation():
        save(page)
    assert page.url.endswith(f"/plots/{plot['id']}?saved=1")
    assert page.inner_text("#plot-land-user") == "江苏某某新材料有限公司"
    assert page.inner_text("#plot-contract-no") == "3205-2026-0007"
    assert "已保存" in page.inner_text("#plot-saved")
    row = stored(db_url, plot["id"])
    assert (row["land_class"], row["planned_use"], row["annual_tax"], row["levelled"]) == \
        ("0601", "100102", 88.5, True)
    assert row["version"] == plot["version"] + 1
    # the history section of the plot page lists the change, by field name
    entry = page.locator(".pa-history-entry").first
    assert "test-planner" in entry.inner_text() and "用地单位" in entry.inner_text()
    assert not page.errors


def test_a_lifecycle_date_out_of_order_is_marked_at_the_field_and_nothing_is_saved(
        as_user, live_server, db_url, plot):
    page = as_user("planner")
    open_form(page, live_server, plot["id"])
    page.fill("#f-approved_on", "2025-06-01")
    page.fill("#f-requisitioned_on", "2025-01-01")
    page.dispatch_event("#f-requisitioned_on", "change")
    problem = page.inner_text("#f-requisitioned_on-problem")
    assert "早于" in problem and "2025-01-01" in problem and "2025-06-01" in problem, problem
    assert "is-invalid" in page.get_attribute("#f-requisitioned_on", "class")
    save(page)
    assert "尚未保存" in page.inner_text("#pa-form-error")
    assert not page.writes
    # what only the server checks comes back at its field, in Chinese; nothing saved
    page.fill("#f-approved_on", "")
    page.fill("#f-requisitioned_on", "")
    page.fill("#f-contract_no", "HT,7")
    save(page)
    page.wait_for_selector("#f-contract_no.is-invalid")
    assert "逗号" in page.inner_text("#f-contract_no-problem")
    assert len(page.writes) == 1
    assert stored(db_url, plot["id"])["version"] == plot["version"]
    assert not page.errors


@pytest.mark.parametrize("width", [1440, 1024])
def test_a_planner_restores_an_earlier_version(as_user, live_server, db_url, plot, width,
                                               artifacts_dir):
    # a smaller outline, inside the old one: a reshape the overlap rule lets through
    with db.connect(db_url, actor="test-admin") as conn:
        conn.execute("UPDATE plots SET owner = '新主人', land_user = '乙公司', "
                     "geom = ST_Multi(ST_Buffer(geom, -0.00005)) WHERE id = %s", (plot["id"],))
    page = as_user("planner", width)
    page.goto(f"{live_server}/plots/{plot['id']}/history")
    page.wait_for_selector(".pa-history-map[data-drawn='true']")
    newest = page.locator(".pa-history-entry").first
    assert newest.locator(".pa-history-map path.leaflet-interactive").count() == 2
    assert "test-admin" in newest.inner_text() and "新主人" in newest.inner_text()
    shoot(page, artifacts_dir / f"plot-history-{width}.png")
    with page.expect_navigation():
        page.click(f".pa-restore[data-version='{plot['version']}']")
    assert page.dialogs and str(plot["version"]) in page.dialogs[0]
    row = stored(db_url, plot["id"])
    assert (row["owner"], row["land_user"]) == (plot["owner"], None)
    assert row["version"] == plot["version"] + 2
    with db.connect(db_url) as conn:
        assert conn.execute("SELECT ST_Equals(geom, %s::geometry) AS same FROM plots "
                            "WHERE id = %s", (plot["geom"], plot["id"])).fetchone()["same"]
    newest = page.locator(".pa-history-entry").first
    assert "test-planner" in newest.inner_text() and "新主人" in newest.inner_text()
    assert not page.errors


@pytest.mark.parametrize("width", [1440, 1024])
def test_two_editors_the_second_sees_the_conflict_and_reapplies(as_user, live_server, db_url,
                                                                plot, width, artifacts_dir):
    first, second = as_user("admin", width), as_user("planner", width)
    open_form(first, live_server, plot["id"])
    open_form(second, live_server, plot["id"])
    first.fill("#f-owner", "甲村")
    first.fill("#f-name", "甲改的名称")
    with first.expect_navigation():
        save(first)
    second.fill("#f-owner", "乙村")
    second.fill("#f-land_user", "乙公司")
    save(second)
    second.wait_for_selector("#pa-conflict:not([hidden])")
    table = second.locator("#pa-conflict-table")
    owner = table.locator("tr[data-field='owner']")
    assert "pa-conflict-both" in owner.get_attribute("class")
    assert owner.locator(".pa-theirs").inner_text() == "甲村"
    assert owner.locator(".pa-yours").inner_text() == "乙村"
    assert owner.locator(".pa-base").inner_text() == (plot["owner"] or "—")
    assert table.locator("tr[data-field='name'] .pa-theirs").inner_text() == "甲改的名称"
    assert "test-admin" in second.inner_text("#pa-conflict-intro")
    shoot(second, artifacts_dir / f"plot-conflict-{width}.png")
    assert stored(db_url, plot["id"])["owner"] == "甲村"  # nothing of the second was saved
    second.click("#pa-reapply")  # no choice made for owner yet: asked again
    assert "请为双方" in second.inner_text("#pa-form-error")
    owner.locator("input[value='mine']").check()
    second.click("#pa-reapply")
    assert second.is_hidden("#pa-conflict")
    assert second.inner_text("#pa-form-version") == f"第 {plot['version'] + 1} 版"
    assert second.input_value("#f-name") == "甲改的名称"
    assert second.input_value("#f-owner") == "乙村"
    with second.expect_navigation():
        save(second)
    row = stored(db_url, plot["id"])
    assert (row["owner"], row["name"], row["land_user"]) == ("乙村", "甲改的名称", "乙公司")
    assert row["version"] == plot["version"] + 2
    assert not first.errors and not second.errors


@pytest.mark.parametrize(("role", "edit_link"), [("planner", True), ("viewer", False)])
def test_the_map_popup_shows_the_land_user_and_an_edit_link_to_planners_only(
        as_user, live_server, db_url, plot, role, edit_link):
    with db.connect(db_url, actor="test-admin") as conn:
        conn.execute("UPDATE plots SET land_user = '丙公司', contract_no = 'HT-9' WHERE id = %s",
                     (plot["id"],))
    page = as_user(role)
    page.goto(f"{live_server}/?plot={plot['id']}")
    popup = page.locator(".leaflet-popup-content .pa-popup-plot")
    popup.wait_for(timeout=60_000)
    assert "丙公司" in popup.inner_text() and "HT-9" in popup.inner_text()
    links = popup.locator(".pa-popup-edit")
    assert links.count() == (1 if edit_link else 0)
    if edit_link:
        assert links.get_attribute("href").endswith(f"/plots/{plot['id']}/edit")
        assert links.inner_text() == "编辑"
    assert not page.errors
