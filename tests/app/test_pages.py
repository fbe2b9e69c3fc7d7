"""Web pages: language choice (Chinese by default), the plot page, escaping, error pages."""

from __future__ import annotations

import re

import pytest

from tests.client import login

XSS = "<script>alert(1)</script>"


def html_lang(page: str) -> str:
    match = re.search(r'<html[^>]*\blang="([^"]+)"', page)
    assert match, "no <html lang>"
    return match[1]


def first_plot_id(conn) -> int:
    return conn.execute("SELECT min(id) AS id FROM plots").fetchone()["id"]


def test_login_page_is_chinese_by_default(client):
    response = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert html_lang(page) == "zh-CN"
    assert "登录" in page  # needs the zh catalogue (app/translations/zh)
    assert "Log in to ParkAtlas" not in page


def test_lang_en_switches_to_english_and_persists(client):
    page = client.get("/login?lang=en").get_data(as_text=True)
    assert html_lang(page) == "en"
    assert "Log in to ParkAtlas" in page
    assert "登录" not in page
    # the choice is kept in the session: the next request needs no ?lang
    page = client.get("/login").get_data(as_text=True)
    assert html_lang(page) == "en"
    assert "Log in to ParkAtlas" in page
    # and can be switched back
    page = client.get("/login?lang=zh").get_data(as_text=True)
    assert html_lang(page) == "zh-CN"
    assert html_lang(client.get("/login").get_data(as_text=True)) == "zh-CN"


def test_unknown_language_is_ignored(client):
    page = client.get("/login?lang=fr").get_data(as_text=True)
    assert html_lang(page) == "zh-CN"


def test_language_survives_login(client):
    client.get("/login?lang=en")
    login(client, "viewer")
    assert html_lang(client.get("/").get_data(as_text=True)) == "en"


@pytest.mark.parametrize(("lang", "mu", "ha"), [("zh", "亩", "公顷"), ("en", "mu", "ha")])
def test_plot_page_shows_code_and_areas(client, conn, lang, mu, ha):
    login(client, "viewer")
    plot_id = first_plot_id(conn)
    row = conn.execute("SELECT code, area_m2 FROM plots WHERE id = %s", (plot_id,)).fetchone()
    response = client.get(f"/plots/{plot_id}?lang={lang}")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert row["code"] in page
    area = row["area_m2"]
    assert f"{area:.2f} m²" in page
    assert f"{area * 15 / 10000:.4f} {mu}" in page
    assert f"{area / 10000:.4f} {ha}" in page


def test_plot_page_shows_lifecycle_dates(client, conn):
    login(client, "viewer")
    row = conn.execute("SELECT id, approved_on FROM plots WHERE approved_on IS NOT NULL "
                       "ORDER BY id LIMIT 1").fetchone()
    assert row
    page = client.get(f"/plots/{row['id']}").get_data(as_text=True)
    assert row["approved_on"].isoformat() in page


def test_plot_page_names_indicators_without_data(client, conn):
    login(client, "viewer")
    row = conn.execute("SELECT id FROM plots WHERE operating_on IS NOT NULL "
                       "AND planned_use LIKE '1001%' ORDER BY id LIMIT 1").fetchone()
    conn.execute("UPDATE plots SET building_footprint_m2 = NULL, structure_footprint_m2 = NULL,"
                 " open_storage_m2 = NULL WHERE id = %s", (row["id"],))
    page = client.get(f"/plots/{row['id']}").get_data(as_text=True)
    assert 'id="plot-not-assessable"' in page and "建筑系数" in page
    assert "缺少数据，无法评价" in page


@pytest.mark.parametrize("column", ["name", "owner"])
def test_plot_page_escapes_html(client, conn, column):
    login(client, "viewer")
    plot_id = first_plot_id(conn)
    conn.execute(f"UPDATE plots SET {column} = %s WHERE id = %s", (XSS, plot_id))
    response = client.get(f"/plots/{plot_id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert XSS not in page
    assert "<script>alert" not in page


def test_project_names_on_the_plot_page_are_escaped(client, conn):
    login(client, "viewer")
    row = conn.execute("SELECT plot_id, project_id FROM project_plots ORDER BY plot_id LIMIT 1"
                       ).fetchone()
    assert row, "the demo has projects on plots"
    conn.execute("UPDATE projects SET name = %s, company = %s WHERE id = %s",
                 (XSS, '"><img src=x onerror=alert(2)>', row["project_id"]))
    page = client.get(f"/plots/{row['plot_id']}").get_data(as_text=True)
    assert XSS not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page


@pytest.mark.parametrize("path", ["/plots/999999", "/plots/abc", "/no-such-page"])
def test_error_page_is_html_404(client, path):
    login(client, "viewer")
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "404" in page
    assert "<html" in page


def test_error_page_escapes_the_path(client):
    login(client, "viewer")
    response = client.get("/plots/%3Cscript%3Ealert(1)%3C%2Fscript%3E")
    assert response.status_code == 404
    assert "<script>alert(1)" not in response.get_data(as_text=True)


def test_map_page_loads_for_a_viewer(client):
    login(client, "viewer")
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'name="csrf-token"' in page
    # DESIGN §7: no asset comes from the internet
    for url in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert not url.startswith(("http://", "https://", "//")), url
