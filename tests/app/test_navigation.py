"""The menu bar (app/web_navigation.py, templates/base.html): a few menus, each entry a page
the role may open (and every page a role may open from it answers), the current page
marked with aria-current and its menu active."""

from __future__ import annotations

import re

import pytest

from app.web_navigation import MENUS
from tests.builders import make_app
from tests.client import login

NAV = re.compile(r'<ul class="navbar-nav me-auto pa-nav">(.*?)<ul class="navbar-nav align-',
                 re.S)
LINK = re.compile(r'<a class="(?:nav-link|dropdown-item)( active)?" href="([^"]+)"'
                  r'( aria-current="page")?>([^<]*)</a>')
TOGGLE = re.compile(r'<button class="nav-link dropdown-toggle( active)?"[^>]*>([^<]*)</button>')


def menu(client, path: str) -> tuple[list[tuple[str, str, bool]], list[tuple[str, bool]]]:
    """(links: (href, text, current), dropdown toggles: (text, active)) of a page's menu."""
    response = client.get(path)
    assert response.status_code == 200, path
    nav = NAV.search(response.get_data(as_text=True))[1]
    links = [(href.replace("&amp;", "&"), text, bool(current))
             for active, href, current, text in LINK.findall(nav)
             if bool(active) == bool(current) or pytest.fail(f"{href}: active ≠ current")]
    return links, [(text, bool(active)) for active, text in TOGGLE.findall(nav)]


ALL = {"/", "/projects", "/board", "/ranking", "/?view=battle", "/lobby", "/idle",
       "/cleanup/idle", "/priorities", "/evaluation", "/plans", "/rates", "/imports",
       "/dashboard"}
PLANNER_ONLY = {"/rates", "/imports"}


@pytest.mark.parametrize(("role", "expected"), [
    ("guest", {"/"}), ("viewer", ALL - PLANNER_ONLY), ("planner", ALL), ("admin", ALL)])
def test_each_role_sees_the_pages_it_may_open_and_each_opens(client, role, expected):
    login(client, role)
    links, toggles = menu(client, "/?lang=en")
    assert {href for href, _, _ in links} == expected
    for href in expected - {"/"}:
        assert client.get(href).status_code == 200, href
    # the grouping: four top entries at most, two of them plain links
    assert len(toggles) + sum(1 for href, *_ in links if href in ("/", "/dashboard")) <= 4
    if role != "guest":
        assert [t for t, _ in toggles] == ["Projects", "Land"]


def test_an_anonymous_reader_sees_the_map_only(db_url):
    application = make_app(db_url, PUBLIC_READ=True)
    try:
        links, toggles = menu(application.test_client(), "/?lang=en")
        assert [(href, text) for href, text, _ in links] == [("/", "Map")] and not toggles
    finally:
        application.extensions["parkatlas_pool"].close()


@pytest.mark.parametrize(("path", "current", "menu_name"), [
    ("/", "/", None),
    ("/?view=battle", "/?view=battle", "项目"),
    ("/board", "/board", "项目"),
    ("/ranking", "/ranking", "项目"),
    ("/projects", "/projects", "项目"),
    ("/cleanup/low_efficiency", "/cleanup/idle", "土地"),
    ("/plans", "/plans", "土地"),
    ("/dashboard", "/dashboard", None),
])
def test_the_current_page_is_marked_once_and_its_menu_active(client, path, current,
                                                             menu_name):
    login(client, "planner")
    links, toggles = menu(client, path)
    assert [href for href, _, is_current in links if is_current] == [current]
    assert [text for text, active in toggles if active] == ([menu_name] if menu_name else [])


def test_a_project_page_marks_the_project_list(client, conn):
    login(client, "viewer")
    project = conn.execute("SELECT min(id) AS id FROM projects").fetchone()["id"]
    links, _ = menu(client, f"/projects/{project}")
    assert [href for href, _, is_current in links if is_current] == ["/projects"]


def test_menu_labels_are_in_the_page_language(client):
    login(client, "planner")
    links, toggles = menu(client, "/?lang=zh")
    texts = [text for _, text, _ in links] + [text for text, _ in toggles]
    assert "项目" in texts and "土地" in texts and "园区驾驶舱" in texts and "龙虎榜与旬报" in texts
    assert not [t for t in texts if re.search(r"[A-Za-z]", t)], texts


def test_every_entry_names_a_route(app):
    """A renamed endpoint fails here, not on every page."""
    endpoints = {e.endpoint for m in MENUS for g in m.groups for e in g}
    assert endpoints <= set(app.view_functions)
