"""Everything a user reads is in their language (issue 10 item 5): every page of the URL
map and every error path, rendered in Chinese and in English, holds no English sentence in
the Chinese UI and no Chinese in the English UI outside an allow-list (codes, units, file
formats, proper names from the data)."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser

import pytest
from flask_babel import force_locale, gettext

from app import db, labels, plot_shapes, requisition, ui_messages
from app.cleanup.lists import LISTS as CLEANUP_LISTS
from app.db import transaction
from app.evaluation import evaluation
from tests.builders import DEMO_TODAY, Site, evaluate, make_app
from tests.client import csrf_token, login

# Words an English-free Chinese page may still hold: product and format names, units,
# coordinate systems, roles' machine names in codes.
ALLOWED_WORDS = {
    "parkatlas", "epsg", "cgcs2000", "gk", "geojson", "json", "csv", "xlsx", "dxf", "txt",
    "pdf", "kml", "shp", "api", "openstreetmap", "osm", "leaflet", "tianditu", "esri",
    "km", "mu", "ha", "yyyy", "mm", "dd", "utf", "gbk", "gb", "http", "https", "www", "org",
    "copyright", "contributors", "admin", "planner", "viewer", "en", "zh", "html", "svg",
    "shift", "ctrl",  # key names
    "png", "id", "url", "csrf", "m²", "wgs", "xyz", "wms", "wmts",
    "excel", "geopackage", "shapefile", "cpg", "kmz", "zip",
    "ogc", "crs", "bearer", "basic",  # OGC API Features, its clients and schemes
    "polygon", "multipolygon", *labels.STAGES,
    "english",  # the language switch names the other language in its own words
}
# The switch to the other language is in that language.
OTHER_LANGUAGE = {"zh": "English", "en": "中文"}
# Field and parameter names in messages are the API's machine names (codes).
FIELD_NAME = re.compile(r"\b[a-z]+(?:[_.][a-z0-9_]+)+\b|\b(?:version|limit|offset|bbox|geometry|"
                        r"stage|serviced|zone|project|polygon|codes|name|rates|body|"
                        r"minx|miny|maxx|maxy|true|false)\b|If-Match|'[^']*'")
# (a value the user gave is echoed in quotes: 'someday')
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
VISIBLE_ATTRIBUTES = ("title", "placeholder", "aria-label", "alt")


class _Visible(HTMLParser):
    """The text a person reads: data outside script/style, and the visible attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0
        self._closing: list[str] = []  # the tags whose text is hidden, innermost last

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style") or ("translate", "no") in attrs:  # machine names
            self._hidden += 1
            self._closing.append(tag)
        self.parts += [v for k, v in attrs if k in VISIBLE_ATTRIBUTES and v]
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.parts.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag):
        if self._closing and tag == self._closing[-1]:
            self._closing.pop()
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(page: str) -> list[str]:
    parser = _Visible()
    parser.feed(page)
    return [p.strip() for p in parser.parts if p.strip()]


def english_words(text: str, names: set[str]) -> list[str]:
    """English words (two letters or more) that are no allowed word nor part of a name."""
    text = FIELD_NAME.sub(" ", text)
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, " ")
    return [w for w in WORD.findall(text)
            if w.lower() not in ALLOWED_WORDS and not w.isupper()]  # codes: NQ, CAD, MB


def chinese(text: str, names: set[str]) -> list[str]:
    for name in sorted(names | {OTHER_LANGUAGE["en"]}, key=len, reverse=True):
        text = text.replace(name, " ")
    return CJK.findall(text)


def findings(texts: list[str], lang: str, names: set[str]) -> list[str]:
    found = []
    for text in texts:
        wrong = english_words(text, names) if lang == "zh" else chinese(text, names)
        if wrong:
            found.append(f"{text[:160]!r}: {wrong[:5]}")
    return found


# --- the data: a demo park with a plan in every status --------------------------------

@pytest.fixture(scope="module")
def world(module_db_url):
    """One app on one copy of the demo park, with a plan in every status and one with
    problems; shared by the module's tests (they only read, or refuse edits)."""
    url = module_db_url
    with db.connect(url, actor="pytest") as conn:
        park = conn.execute("SELECT id, code FROM parks ORDER BY id LIMIT 1").fetchone()
        codes = [r["code"] for r in conn.execute(
            "SELECT code FROM plots WHERE park_id = %s AND requisitioned_on IS NULL"
            " AND price_zone IS NOT NULL AND id NOT IN (SELECT plot_id FROM plan_plots"
            " WHERE plot_id IS NOT NULL)"  # a plot in two plans is not submitted (issue 11)
            " ORDER BY code LIMIT 6", [park["id"]])]
        plans = {}
        for i, status in enumerate(("draft", "submitted", "approved")):
            plan = requisition.create(conn, park["id"], f"语言测试方案{i}",
                                      {"codes": codes[2 * i:2 * i + 2]}, "pytest")
            if status != "draft":
                plan = requisition.submit(conn, plan["id"], plan["version"], "pytest")
            if status == "approved":
                plan = requisition.approve(conn, plan["id"], plan["version"], "pytest")
            plans[status] = plan["id"]
        with transaction(conn):
            conn.execute("UPDATE plots SET land_class = '9999' WHERE code = %s", [codes[0]])
        problem_plan = requisition.create(conn, park["id"], "有问题的方案",
                                          {"codes": codes[:1]}, "pytest")
        plans["problems"] = problem_plan["id"]
        # a split, so that the pages show a lineage and a retired plot
        cut = conn.execute(
            "SELECT id, version, ST_XMin(geom) - 0.001 AS x0, ST_XMax(geom) + 0.001 AS x1,"
            " ST_Y(ST_PointOnSurface(geom)) AS y FROM plots WHERE park_id = %s"
            " AND code <> ALL(%s) ORDER BY id LIMIT 1", [park["id"], codes]).fetchone()
        pieces = plot_shapes.split(conn, cut["id"], cut["version"], {
            "type": "LineString", "coordinates": [[cut["x0"], cut["y"]], [cut["x1"], cut["y"]]]},
            [])
        evaluation.keep(conn, park["id"], 2026)  # the 亩均效益 page shows a kept year
        names = proper_names(conn)
        ids = {"plot": pieces["features"][0]["id"], "retired": cut["id"],
               "project": conn.execute("SELECT min(id) AS id FROM projects").fetchone()["id"],
               "rate": conn.execute("SELECT min(id) AS id FROM compensation_rates")
               .fetchone()["id"],
               "park": park["id"], "park_code": park["code"], "plans": plans}
    application = make_app(url)
    yield application, names, ids
    application.extensions["parkatlas_pool"].close()


def proper_names(conn) -> set[str]:
    """Names from the data (park, zone, plot, road, project, company, owner, editor): proper
    names, left as they are in either language."""
    rows = conn.execute("""
        SELECT name FROM parks UNION SELECT name_en FROM parks
        UNION SELECT name FROM zones UNION SELECT name_en FROM zones
        UNION SELECT name FROM plots UNION SELECT owner FROM plots
        UNION SELECT land_user FROM plots
        UNION SELECT name FROM roads UNION SELECT name FROM networks
        UNION SELECT name FROM projects UNION SELECT company FROM projects
        UNION SELECT leader FROM projects UNION SELECT service_official FROM projects
        UNION SELECT responsible_unit FROM projects UNION SELECT reporter FROM progress_reports
        UNION SELECT name FROM requisition_plans UNION SELECT name FROM price_zones
        UNION SELECT code FROM price_zones UNION SELECT code FROM zones
        UNION SELECT username FROM users UNION SELECT created_by FROM requisition_plans
        UNION SELECT actor FROM audit_log""")
    return {r["name"] for r in rows if r["name"]} | {"语言测试方案", "有问题的方案", "pytest"}


def client_as(application, role: str | None, lang: str):
    client = application.test_client()
    client.get(f"/login?lang={lang}")
    if role:
        login(client, role)
    return client


# --- every page of the URL map --------------------------------------------------------

def page_urls(application, ids) -> list[str]:
    """Every GET page of the URL map (not the API, the tiles and basemap, static files or
    downloads), with its arguments filled in from the data: a plan in every status."""
    urls = []
    for rule in application.url_map.iter_rules():
        if "GET" not in rule.methods \
                or rule.rule.startswith(("/api/", "/static", "/tiles/", "/basemap/")) \
                or rule.endpoint in ("auth.logout", "projects.ranking_export", "cleanup.export",
                                     "dashboard.export", "evaluation.evaluation_export"):
            continue
        if rule.endpoint == "dashboard.plots_page":  # the plots behind one number
            urls.append(f"{rule.rule}?key=approved_not_supplied")
            continue
        if rule.endpoint == "web.retired_plot_page":
            urls.append(rule.rule.replace("<int:plot_id>", str(ids["retired"])))
        elif rule.arguments == {"plot_id"}:
            urls.append(rule.rule.replace("<int:plot_id>", str(ids["plot"])))
        elif rule.arguments == {"project_id"}:
            urls.append(rule.rule.replace("<int:project_id>", str(ids["project"])))
        elif rule.arguments == {"collection_id", "feature_id"}:  # OGC API Features
            urls.append(f"/ogc/collections/plots/items/{ids['plot']}")
        elif rule.arguments == {"collection_id"}:
            urls += [rule.rule.replace("<collection_id>", c)
                     for c in ("plots", "roads", "networks", "projects",
                               f"plan-{ids['plans']['approved']}")]
        elif rule.arguments == {"list"}:  # the clean-up lists (issue 15)
            urls += [rule.rule.replace("<list>", name) for name in CLEANUP_LISTS]
        elif rule.arguments == {"plan_id"}:
            urls += [rule.rule.replace("<int:plan_id>", str(p)) for p in ids["plans"].values()]
        elif not rule.arguments:
            urls.append(rule.rule)
        else:
            raise AssertionError(f"the language test does not know how to fill {rule.rule}")
    return [f"{u}?f=html" if u.startswith("/ogc") else u for u in urls]  # else JSON


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_is_in_the_users_language(world, lang):
    application, names, ids = world
    client = client_as(application, "admin", lang)
    found = {}
    urls = page_urls(application, ids)
    assert "/plans/<int:plan_id>" in {r.rule for r in application.url_map.iter_rules()}
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        if response.mimetype == "text/html" and response.status_code == 200 and (
                wrong := findings(visible_text(response.get_data(as_text=True)), lang, names)):
            found[url] = wrong
    assert len(urls) >= 8, urls
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_login_page_and_a_guest_are_in_the_users_language(world, lang):
    application, names, _ids = world
    client = client_as(application, None, lang)
    page = client.get("/login").get_data(as_text=True)
    assert not findings(visible_text(page), lang, names)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_scripts_strings_are_in_the_users_language(world, lang):
    application, names, _ids = world
    with application.test_request_context(), force_locale(lang):
        messages = ui_messages.translated(gettext)
    texts = [re.sub(r"\{\w+\}", " ", t) for t in messages.values()]
    assert not findings(texts, lang, names)


# --- every error path -----------------------------------------------------------------

def _error_requests(ids) -> list[tuple[str, str | None, str, str, dict | None]]:
    """(what, role, method, url, json body) of every kind of error the API and pages give."""
    plot, plans = ids["plot"], ids["plans"]
    old = {"version": 1}
    return [
        ("400 bad limit", "viewer", "GET", "/api/v1/plots?limit=abc", None),
        ("400 bad bbox", "viewer", "GET", "/api/v1/plots?bbox=1,2", None),
        ("400 bad date", "viewer", "GET", "/api/v1/plots?as_of=2024-13-01", None),
        ("400 bad filter", "viewer", "GET", "/api/v1/plots?stage=ripe", None),
        ("400 bad flag", "viewer", "GET", "/api/v1/plots?serviced=maybe", None),
        ("400 schema", "planner", "PATCH", f"/api/v1/plots/{plot}",
         {"version": 1, "properties": {"land_price": "lots"}}),
        ("400 unknown field", "planner", "PATCH", f"/api/v1/plots/{plot}",
         {"version": 1, "properties": {"colour": "red"}}),
        ("400 no version", "planner", "PATCH", f"/api/v1/plots/{plot}",
         {"properties": {"name": "x"}}),
        ("400 lifecycle order", "planner", "PATCH", f"/api/v1/plots/{plot}",
         {"version": "current", "properties": {
             "approved_on": "2020-05-01", "supplied_on": "2020-04-30",
             "requisitioned_on": None, "banked_on": None, "delivered_on": None,
             "started_on": None, "completed_on": None, "operating_on": None}}),
        ("400 agreed start", "planner", "PATCH", f"/api/v1/plots/{plot}",
         {"version": "current", "properties": {"agreed_start_on": "1990-01-01"}}),
        ("400 reach", "planner", "PATCH", f"/api/v1/plots/{plot}",
         {"version": "current", "geometry": {"type": "Polygon", "coordinates": [[
             [100.0, 20.0], [100.001, 20.0], [100.001, 20.001], [100.0, 20.001],
             [100.0, 20.0]]]}}),
        ("400 bow-tie", "planner", "PATCH", f"/api/v1/plots/{plot}",
         {"version": "current", "geometry": {"type": "Polygon", "coordinates": [[
             [113.1, 29.4], [113.101, 29.401], [113.101, 29.4], [113.1, 29.401],
             [113.1, 29.4]]]}}),
        ("400 outside China", "planner", "PATCH", f"/api/v1/plots/{plot}",
         {"version": "current", "geometry": {"type": "Polygon", "coordinates": [[
             [29.4, 113.1], [29.401, 113.1], [29.401, 113.101], [29.4, 113.101],
             [29.4, 113.1]]]}}),
        ("400 bad geometry", "planner", "PATCH", f"/api/v1/plots/{plot}",
         {"version": "current", "geometry": {"type": "Point", "coordinates": [1, 2]}}),
        ("400 plan selection", "planner", "POST", f"/api/v1/plans?park={ids['park']}",
         {"name": "x", "selection": {"codes": ["XX-99-99"]}}),
        ("400 plan selection kinds", "planner", "POST", f"/api/v1/plans?park={ids['park']}",
         {"name": "x", "selection": {"zone": "Z", "codes": ["A"]}}),
        ("400 rates", "admin", "PATCH", f"/api/v1/compensation-rates/{ids['rate']}",
         {"version": "current", "rates": {"land_price_yuan_mu": "a lot"}}),
        ("401 api", None, "GET", "/api/v1/plots", None),
        ("403 api", "viewer", "PATCH", f"/api/v1/plots/{plot}", old),
        ("403 api admin", "planner", "POST", f"/api/v1/plans/{plans['submitted']}/approve",
         {"version": "current"}),
        ("404 api", "viewer", "GET", "/api/v1/nothing-here", None),
        ("404 api plot", "viewer", "GET", "/api/v1/plots/999999", None),
        ("404 api plan", "viewer", "GET", "/api/v1/plans/999999", None),
        ("404 api project", "viewer", "GET", "/api/v1/projects/999999", None),
        ("404 api park", "viewer", "GET", "/api/v1/plots?park=NOPARK", None),
        ("405 api", "viewer", "DELETE", "/api/v1/plots", None),
        ("409 stale plot", "planner", "PATCH", f"/api/v1/plots/{plot}", {"version": 99}),
        ("409 stale plan", "planner", "PATCH", f"/api/v1/plans/{plans['draft']}",
         {"version": 99, "name": "新名"}),
        ("409 stale rate", "admin", "PATCH", f"/api/v1/compensation-rates/{ids['rate']}",
         {"version": 99, "rates": dict.fromkeys(requisition.RATE_FIELDS, 1)}),
        ("409 submitted twice", "planner", "POST", f"/api/v1/plans/{plans['submitted']}/submit",
         {"version": "current"}),
        ("409 approve a draft", "admin", "POST", f"/api/v1/plans/{plans['draft']}/approve",
         {"version": "current"}),
        ("409 delete submitted", "planner", "DELETE", f"/api/v1/plans/{plans['submitted']}",
         {"version": "current"}),
        ("422 plan check", "planner", "POST", f"/api/v1/plans/{plans['problems']}/submit",
         {"version": "current"}),
        ("422 plan result", "planner", "GET", f"/api/v1/plans/{plans['problems']}/result", None),
        ("404 page", "viewer", "GET", "/nothing-here", None),
        ("404 plot page", "viewer", "GET", "/plots/999999", None),
        ("404 plan page", "viewer", "GET", "/plans/999999", None),
        ("404 park page", "viewer", "GET", "/idle?park=NOPARK", None),
        ("405 page", "viewer", "POST", "/idle", None),
        ("400 page date", "viewer", "GET", f"/plots/{plot}?as_of=someday", None),
        ("403 page", "viewer", "POST", f"/plans/{plans['draft']}/delete", {"version": 1}),
        ("403 guest layer", "guest", "GET", "/api/v1/networks", None),
        ("400 guest as_of", "guest", "GET", "/api/v1/plots?as_of=2024-01-01", None),
        ("403 viewer draft", "viewer", "GET", f"/api/v1/plans/{plans['draft']}", None),
        ("403 viewer money", "viewer", "GET",
         f"/api/v1/parks/{ids['park']}/compensation-rates", None),
    ]


def _current_version(client, url: str) -> int:
    data = client.get(url).get_json()
    return (data.get("properties") or data).get("version", 1)


def _send(client, method: str, url: str, body: dict | None):
    if url.startswith("/api/"):
        if body and body.get("version") == "current":
            resource = url.replace("/submit", "").replace("/approve", "")
            if "compensation-rates" in url:
                rates = client.get("/api/v1/parks/1/compensation-rates").get_json()
                body = {**body, "version": rates["rates"][0]["version"]
                        if isinstance(rates, dict) and "rates" in rates
                        else rates[0]["version"]}
            else:
                body = {**body, "version": _current_version(client, resource)}
        headers = {"X-CSRFToken": csrf_token(client, "/")} if method != "GET" else {}
        return client.open(url, method=method, json=body, headers=headers)
    data = {**(body or {}), "csrf_token": csrf_token(client, "/")} if method == "POST" \
        else None
    return client.open(url, method=method, data=data)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_error_is_in_the_users_language(world, lang):
    application, names, ids = world
    clients = {role: client_as(application, role, lang)
               for role in (None, "guest", "viewer", "planner", "admin")}
    found, seen = {}, set()
    for what, role, method, url, body in _error_requests(ids):
        response = _send(clients[role], method, url, body)
        status = int(what[:3])
        assert response.status_code == status, (what, response.status_code,
                                                response.get_data(as_text=True)[:500])
        if response.mimetype == "application/json":
            error = response.get_json()["error"]
            assert error["code"], what
            texts = [error["message"]] + [
                p.get("problem", "") if isinstance(p, dict) else str(p)
                for p in (error.get("details") or {}).get("problems", [])] \
                if isinstance(error.get("details"), dict) else [error["message"]]
            seen.add(error["code"])
        else:
            texts = visible_text(response.get_data(as_text=True))
        if wrong := findings(texts, lang, names):
            found[what] = wrong
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
    assert {"not_found", "method_not_allowed", "conflict", "forbidden", "unauthorized",
            "invalid_input"} <= seen, seen


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_too_large_upload_and_a_csrf_failure_are_in_the_users_language(world, lang):
    application, names, ids = world
    client = client_as(application, "planner", lang)
    limit = application.config["MAX_CONTENT_LENGTH"]
    big = client.patch(f"/api/v1/plots/{ids['plot']}", data=b"x" * (limit + 1),
                       content_type="application/json")
    assert big.status_code == 413
    csrf = client.post(f"/plans/{ids['plans']['draft']}/delete", data={"version": 1})
    assert csrf.status_code == 400
    texts = [big.get_json()["error"]["message"], *visible_text(csrf.get_data(as_text=True))]
    assert not findings(texts, lang, names), texts


def test_reasons_name_industries_and_planned_uses_never_raw_json(conn):
    """项目行业 39 计算机、通信和其他电子设备制造业, not 项目行业 ["39"] (issue 10 item 2)."""
    site = Site(conn)
    zone = site.zone(["13"], code="TZ-LANG")
    plot = site.plot(zone_id=zone, planned_use="0901")
    site.project("3971", [plot], stage="started", code="LANG-1")
    status = evaluate(site, plot, DEMO_TODAY)
    zoning, use = status.reason("conflict.zoning"), status.reason("conflict.use")
    assert "39 计算机、通信和其他电子设备制造业" in zoning["zh"]
    assert "13 农副食品加工业" in zoning["zh"]
    assert "39 Manufacture of computers, communication and other electronic equipment" \
        in zoning["en"]
    for reason in (zoning, use):
        assert not re.search(r"[\[\]{}\"]", reason["zh"] + reason["en"]), reason
        assert not findings([reason["zh"]], "zh", {"TZ-LANG", "LANG-1"})
        assert not findings([reason["en"]], "en", {"TZ-LANG", "LANG-1"})
    assert "0901 商业用地" in use["zh"] and "0901 Commercial" in use["en"]
    assert "1001 工业用地" in use["zh"] and "1001 Industrial" in use["en"]


def test_the_detector_finds_english_in_chinese_and_chinese_in_english():
    """The test can fail: it sees the sentences it is meant to catch."""
    assert findings(["no plot with code XX-99-99 in this park"], "zh", set())
    assert findings(["项目行业 [\"39\"] not admitted"], "zh", set())
    assert not findings(["地块 NQ-01-01 面积 12.5 亩，EPSG:4527"], "zh", set())
    assert findings(["Plot 地块 NQ-01-01"], "en", set())
    assert not findings(["Plot NQ-01-01 of 南区"], "en", {"南区"})
    assert visible_text('<p title="标题">正文<script>var x = "English";</script></p>') == \
        ["标题", "正文"]
    assert html.unescape("&lt;") == "<"
