"""What each role sees (issue 9): a guest reads only the map of supplyable serviced land —
no owner, no money, no plan, no export, no history — through pages, the API and its
filters; a viewer reads the land base and approved plans only, without money unless the
park setting access.viewer_sees_money says so; planners and admins read everything.

Route by route, the access matrix is test_auth.py::test_access; this module looks at the
data each role gets back.
"""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from app import exporters, requisition
from app.cli import main
from app.errors import NotFound
from tests.builders import make_app
from tests.client import api_error, csrf_token, login

# What a guest may read of a plot (app.layers._GUEST_PLOT), and of its item the readiness.
GUEST_PLOT_KEYS = {"id", "park_id", "code", "zone", "zone_name", "planned_use",
                   "planned_use_name", "planned_use_name_en", "area_m2", "area_mu", "area_ha",
                   "stage", "level", "level_name", "level_name_en", "serviced"}
# Names of money and of people that must never reach a guest, in any key of any answer.
HIDDEN_KEYS = ("owner", "land_user", "land_price", "investment", "annual_tax", "annual_output",
               "compensation", "rates", "flags", "reasons", "company", "projects", "history")
MONEY_FREE = set(requisition.MONEY_FREE_FORMATS)
SUPPLYABLE = """SELECT f.id, f.code FROM plot_features f
JOIN plot_readiness_as_of(%(park)s, park_today(%(park)s)) r ON r.plot_id = f.id
WHERE f.park_id = %(park)s AND f.stage = 'banked' AND r.serviced ORDER BY f.code"""


def _park(conn) -> int:
    return conn.execute("SELECT min(id) AS id FROM parks").fetchone()["id"]


def _supplyable(conn) -> dict[str, int]:
    return {r["code"]: r["id"] for r in conn.execute(SUPPLYABLE, {"park": _park(conn)})}


def _keys(value) -> set[str]:
    """Every object key anywhere in a JSON value."""
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def _hidden(keys: set[str]) -> list[str]:
    return sorted(k for k in keys if any(word in k for word in HIDDEN_KEYS))


@pytest.fixture
def plans(conn) -> dict[str, int]:
    """The demo's plan submitted and approved, and a new draft plan: {status: id}."""
    plan = conn.execute("SELECT id, version FROM requisition_plans ORDER BY id LIMIT 1"
                        ).fetchone()
    submitted = requisition.submit(conn, plan["id"], plan["version"], "test-planner")
    requisition.approve(conn, plan["id"], submitted["version"], "test-admin")
    code = conn.execute("SELECT code FROM plots ORDER BY code LIMIT 1").fetchone()["code"]
    draft = requisition.create(conn, _park(conn), "草稿方案 draft", {"codes": code},
                               "test-planner")
    return {"approved": plan["id"], "draft": draft["id"]}


def _sees_money(conn, value: bool) -> None:
    conn.execute("UPDATE parks SET settings = jsonb_set(settings, '{access}', "
                 "jsonb_build_object('viewer_sees_money', %s::boolean))", (value,))


# --- the guest ------------------------------------------------------------------------------

def test_guest_lists_only_supplyable_serviced_plots_with_public_fields(client, conn):
    expected = _supplyable(conn)
    assert expected, "the demo has supplyable serviced plots"
    login(client, "guest")
    response = client.get(f"/api/v1/plots?park={_park(conn)}&limit=5000")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    features = response.get_json()["features"]
    assert {f["properties"]["code"] for f in features} == set(expected)
    for feature in features:
        props = feature["properties"]
        assert set(props) == GUEST_PLOT_KEYS, props
        assert props["stage"] == "banked" and props["serviced"] is True
        assert props["area_mu"] == pytest.approx(props["area_m2"] * 15 / 10000)
    # the staff see more plots, with owners
    staff = login(client.application.test_client(), "viewer")
    all_plots = staff.get(f"/api/v1/plots?park={_park(conn)}&limit=5000").get_json()
    assert len(all_plots["features"]) > len(features)
    assert "owner" in all_plots["features"][0]["properties"]


@pytest.mark.parametrize("query", ["stage=supplied", "flag=idle_a", "serviced=false",
                                   "as_of=2025-01-01"])
def test_guest_cannot_filter_by_a_hidden_field(client, query):
    login(client, "guest")
    error = api_error(client.get(f"/api/v1/plots?{query}"), 400)
    assert error["code"] == "bad_request"


def test_guest_filters_by_code_and_zone(client, conn):
    code = next(iter(_supplyable(conn)))
    login(client, "guest")
    features = client.get(f"/api/v1/plots?code={code}").get_json()["features"]
    assert [f["properties"]["code"] for f in features] == [code]
    zone = features[0]["properties"]["zone"]
    by_zone = client.get(f"/api/v1/plots?zone={zone}&limit=5000").get_json()["features"]
    assert code in {f["properties"]["code"] for f in by_zone}
    assert {f["properties"]["code"] for f in by_zone} <= set(_supplyable(conn))


def test_guest_reads_a_supplyable_plot_and_nothing_of_the_others(client, conn):
    visible = _supplyable(conn)
    hidden = conn.execute("SELECT id FROM plots WHERE NOT (id = ANY(%s)) ORDER BY id",
                          (list(visible.values()),)).fetchall()
    login(client, "guest")
    plot_id = next(iter(visible.values()))
    response = client.get(f"/api/v1/plots/{plot_id}")
    assert response.status_code == 200
    props = response.get_json()["properties"]
    assert set(props) == GUEST_PLOT_KEYS | {"readiness"}
    assert props["readiness"]["serviced"] is True and "utilities" in props["readiness"]
    assert _hidden(_keys(props)) == []
    for row in hidden[:5]:  # an unsupplyable plot is as absent as a plot that does not exist
        api_error(client.get(f"/api/v1/plots/{row['id']}"), 404)
    api_error(client.get(f"/api/v1/plots/{plot_id}?as_of=2025-01-01"), 400)


def _get_routes(app, conn) -> list[str]:
    """A path for every GET route of the app, with sample ids (plans: the draft)."""
    ids = {"plot_id": next(iter(_supplyable(conn).values())),
           "plan_id": conn.execute("SELECT max(id) AS id FROM requisition_plans").fetchone()["id"],
           "park_id": _park(conn), "project_id": conn.execute(
               "SELECT min(id) AS id FROM projects").fetchone()["id"],
           "rate_id": 1, "filename": "css/parkatlas.css", "import_id": 1, "fmt": "csv",
           "key": "development_rate", "collection_id": "plots", "list": "idle",
           "layer": "plots", "z": 14, "x": 13334, "y": 6788, **conn.execute(
               "SELECT code AS park_code, data_version FROM parks ORDER BY id LIMIT 1"
           ).fetchone()}
    ids["feature_id"] = ids["plot_id"]
    # a planner's finished export job (issue 14 item 5): its state and file are the asker's
    ids["job_id"] = conn.execute(
        """INSERT INTO jobs (kind, plan_id, state, message, result, file_name, file_ascii,
                             media_type, created_by, finished_at)
           SELECT 'plan_export', id, 'done', 'Done', convert_to(name, 'UTF8'), name || '.txt',
                  'plan.txt', 'text/plain', 'test-planner', now()
           FROM requisition_plans WHERE id = %s RETURNING id""", (ids["plan_id"],)
    ).fetchone()["id"]
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and rule.endpoint != "static":
            paths.append(rule.build({k: ids[k] for k in rule.arguments})[1])
    return sorted(paths) + [f"/api/v1/plans/{ids['plan_id']}/export?format=xlsx",
                            f"/api/v1/plans/{ids['plan_id']}/export?format=txt",
                            f"/ogc/collections/plan-{ids['plan_id']}/items",
                            "/ogc/collections/projects/items"]


def _secrets(conn) -> list[str]:
    """Texts a guest must never read: owners, project companies, plan names."""
    rows = conn.execute("""SELECT owner AS t FROM plots WHERE owner IS NOT NULL
                           UNION SELECT company FROM projects WHERE company IS NOT NULL
                           UNION SELECT name FROM requisition_plans""").fetchall()
    return sorted({r["t"] for r in rows if len(r["t"]) >= 2})


def test_guest_sees_no_owner_money_plan_or_export_anywhere(client, conn, plans):
    secrets = _secrets(conn)
    assert secrets
    login(client, "guest")
    read = []
    for path in _get_routes(client.application, conn):
        response = client.get(path)
        body = response.get_data().decode(errors="replace")  # a tile is binary
        assert response.status_code in (200, 302, 400, 403, 404), (path, response.status_code)
        assert "Content-Disposition" not in response.headers, path  # no export, ever
        leaked = [s for s in secrets if s in body]
        assert leaked == [], (path, leaked)
        if response.status_code == 200 and response.is_json and "openapi" not in path:
            assert _hidden(_keys(response.get_json())) == [], path
        if response.status_code == 200:
            read.append(path)
    assert {"/", "/api/v1/plots", "/api/v1/zones", "/api/v1/roads"} <= set(read), read
    for path in read:
        assert not path.startswith(("/plans", "/rates", "/idle", "/cleanup", "/dashboard",
                                    "/api/v1/plans", "/api/v1/cleanup", "/api/v1/projects",
                                    "/api/v1/networks")), path


def test_guest_map_page_offers_only_the_guest_layers(client):
    login(client, "guest")
    html = client.get("/?lang=en").get_data(as_text=True)
    config = json.loads(re.search(r'<script type="application/json" id="pa-map-config">'
                                  r"(.*?)</script>", html, re.DOTALL)[1])
    assert config["urls"]["plot"] is None  # the plot page is the staff's
    init = re.search(r"ParkAtlas\.init\((.*?)\);", html, re.DOTALL)[1]
    groups = set(re.findall(r'"([\w.]+)": feature_group_', init))
    assert groups == {"zones", "plots", "roads"}, groups  # no projects or networks layer
    for link in ("/plans", "/rates", "/idle", "/priorities", "/dashboard", "/cleanup/idle"):
        assert f'href="{link}"' not in html, link


def test_public_read_serves_an_anonymous_reader_as_a_guest(db_url, conn):
    app = make_app(db_url, PUBLIC_READ=True)
    try:
        client = app.test_client()
        features = client.get("/api/v1/plots?limit=5000").get_json()["features"]
        assert {f["properties"]["code"] for f in features} == set(_supplyable(conn))
        assert all(set(f["properties"]) == GUEST_PLOT_KEYS for f in features)
        assert client.get("/api/v1/projects").status_code == 401
        assert client.get("/api/v1/plans").status_code == 401
    finally:
        app.extensions["parkatlas_pool"].close()


def test_a_guest_cannot_write(client, conn):
    login(client, "guest")
    plot = conn.execute("SELECT id, version FROM plots ORDER BY id LIMIT 1").fetchone()
    response = client.patch(f"/api/v1/plots/{plot['id']}", json={"version": plot["version"],
                            "properties": {"owner": "X"}},
                            headers={"X-CSRFToken": csrf_token(client, "/")})
    assert api_error(response, 403)["code"] == "forbidden"


def test_cli_adds_a_guest(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("PARKATLAS_SECRET_KEY", "cli-test")
    result = CliRunner().invoke(main, ["user", "add", "investor.1", "--role", "guest",
                                       "--password", "guest-password-1"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "guest" in CliRunner().invoke(main, ["user", "list"]).output


# --- the viewer -----------------------------------------------------------------------------

def test_viewer_sees_approved_plans_only(client, plans):
    login(client, "viewer")
    listed = {p["id"] for p in client.get("/api/v1/plans").get_json()}
    assert listed == {plans["approved"]}
    page = client.get("/plans").get_data(as_text=True)
    assert "草稿方案" not in page
    # the planner sees both
    planner = login(client.application.test_client(), "planner")
    assert {p["id"] for p in planner.get("/api/v1/plans").get_json()} >= set(plans.values())


def test_viewer_is_forbidden_a_draft_plan_its_money_and_every_export(client, plans):
    """Drafts and their per-village compensation are for planners and admins: a viewer
    gets 403 on the plan, its summary, its check, its map and each of its exports."""
    login(client, "viewer")
    draft = plans["draft"]
    paths = [f"/api/v1/plans/{draft}", f"/api/v1/plans/{draft}/plots",
             f"/api/v1/plans/{draft}/check", f"/api/v1/plans/{draft}/result",
             *(f"/api/v1/plans/{draft}/export?format={fmt}" for fmt in exporters.FORMATS)]
    for path in paths:
        error = api_error(client.get(path), 403)
        assert error["code"] == "forbidden" and "草稿" in error["message"], path
    response = client.get(f"/plans/{draft}")
    assert response.status_code == 403 and "草稿方案" not in response.get_data(as_text=True)
    # the planner reads the same draft
    planner = login(client.application.test_client(), "planner")
    for path in paths:
        assert planner.get(path).status_code == 200, path


def test_viewer_sees_the_last_approved_version_never_a_newer_draft(client, conn, plans):
    """An approved plan edited into a version 2 draft: the viewer keeps reading version 1 —
    list, plan, map, numbers, exports and page — and version 2 is 403."""
    _sees_money(conn, True)  # so that every export is the viewer's to download
    approved = plans["approved"]
    plan = requisition.get(conn, approved)
    v1 = {f["properties"]["code"] for f in requisition.plots_geojson(conn, approved)["features"]}
    extra = conn.execute("""SELECT code FROM plots WHERE owner_type = 'collective'
                            AND requisitioned_on IS NULL AND NOT code = ANY(%s)
                            ORDER BY code LIMIT 1""", [sorted(v1)]).fetchone()["code"]
    requisition.edit(conn, approved, plan["version"], actor="test-planner",
                     add={"codes": [extra]})
    assert requisition.get(conn, approved)["status"] == "draft"

    login(client, "viewer")
    row = next(p for p in client.get("/api/v1/plans").get_json() if p["id"] == approved)
    assert (row["status"], row["current_version"], row["plot_count"]) == (
        "approved", 1, len(v1))
    detail = client.get(f"/api/v1/plans/{approved}").get_json()
    assert (detail["status"], detail["current_version"]) == ("approved", 1)
    assert [v["version_no"] for v in detail["versions"]] == [1]
    shown = client.get(f"/api/v1/plans/{approved}/plots").get_json()
    assert {f["properties"]["code"] for f in shown["features"]} == v1
    result = client.get(f"/api/v1/plans/{approved}/result").get_json()
    assert result["version"] == 1 and extra not in json.dumps(result)
    for fmt in exporters.FORMATS:
        response = client.get(f"/api/v1/plans/{approved}/export?format={fmt}")
        assert response.status_code == 200, (fmt, response.get_data(as_text=True)[:300])
    txt = client.get(f"/api/v1/plans/{approved}/export?format=txt").data.decode("gbk")
    assert extra not in txt
    page = client.get(f"/plans/{approved}").get_data(as_text=True)
    assert 'data-version="1"' in page and extra not in page
    assert 'data-status="approved"' in page and "pa-plan-edit" not in page
    for path in (f"/api/v1/plans/{approved}/result?version=2",
                 f"/api/v1/plans/{approved}/export?format=txt&version=2",
                 f"/api/v1/plans/{approved}/plots?version=2"):
        assert api_error(client.get(path), 403)["code"] == "forbidden", path
    assert client.get(f"/plans/{approved}?version=2").status_code == 403
    api_error(client.get(f"/api/v1/plans/{approved}/result?version=3"), 404)
    # the planner reads the draft
    planner = login(client.application.test_client(), "planner")
    assert planner.get(f"/api/v1/plans/{approved}").get_json()["current_version"] == 2


def test_a_guest_learns_nothing_of_plans(client, conn, plans):
    """A guest gets the same refusal for a draft, an approved and a missing plan; the
    domain, should a guest reach it, knows no plan at all (404)."""
    login(client, "guest")
    missing = max(plans.values()) + 100
    answers = {client.get(f"/api/v1/plans/{p}/result").get_data(as_text=True)
               for p in (*plans.values(), missing)}
    assert len(answers) == 1
    for plan in (*plans.values(), missing):
        assert client.get(f"/api/v1/plans/{plan}").status_code == 403
        assert client.get(f"/plans/{plan}").status_code == 403
        with pytest.raises(NotFound):
            requisition.get(conn, plan, "guest")
    assert requisition.list_plans(conn, role="guest") == []


def test_viewer_reads_no_money_by_default(client, conn, plans):
    login(client, "viewer")
    approved = plans["approved"]
    result = client.get(f"/api/v1/plans/{approved}/result").get_json()
    assert result["plot_count"] > 0 and "area_m2" in result
    assert "compensation" not in json.dumps(result)
    for fmt in ("xlsx", "pdf", "geojson", "kml", "shp", "gpkg"):
        api_error(client.get(f"/api/v1/plans/{approved}/export?format={fmt}"), 403)
    for fmt in sorted(MONEY_FREE):
        response = client.get(f"/api/v1/plans/{approved}/export?format={fmt}")
        assert response.status_code == 200, (fmt, response.get_data(as_text=True)[:300])
    api_error(client.get(f"/api/v1/parks/{_park(conn)}/compensation-rates"), 403)
    assert client.get("/rates").status_code == 403
    page = client.get(f"/plans/{approved}?lang=en").get_data(as_text=True)
    assert 'id="pa-plan-compensation"' not in page and "Compensation (yuan)" not in page
    offered = set(re.findall(r'data-format="([^"]+)"', page))
    assert offered == MONEY_FREE


def test_the_park_setting_lets_a_viewer_read_money_but_never_drafts(client, conn, plans):
    _sees_money(conn, True)
    login(client, "viewer")
    approved = plans["approved"]
    result = client.get(f"/api/v1/plans/{approved}/result").get_json()
    assert "total" in result["compensation"]
    assert all("compensation" in row for row in result["by_owner"])
    assert client.get(f"/api/v1/plans/{approved}/export?format=xlsx").status_code == 200
    assert client.get(f"/api/v1/parks/{_park(conn)}/compensation-rates").status_code == 200
    assert client.get("/rates").status_code == 200
    assert 'id="pa-plan-compensation"' in client.get(f"/plans/{approved}").get_data(
        as_text=True)
    api_error(client.get(f"/api/v1/plans/{plans['draft']}/result"), 403)


def test_planner_reads_drafts_and_money(client, conn, plans):
    login(client, "planner")
    result = client.get(f"/api/v1/plans/{plans['approved']}/result").get_json()
    assert "total" in result["compensation"]
    assert client.get(f"/api/v1/plans/{plans['draft']}").status_code == 200
    assert client.get(f"/api/v1/parks/{_park(conn)}/compensation-rates").status_code == 200


def test_a_guest_on_ogc_api_features_reads_the_guest_variants_only(client, conn):
    """/ogc (issue 14) serves the same guest variants as the API: supplyable serviced plots
    with the public fields, zones and roads; no network, project or plan."""
    login(client, "guest")
    found = client.get("/ogc/collections?f=json").get_json()["collections"]
    assert [c["id"] for c in found] == ["plots", "zones", "roads"]
    plots = client.get("/ogc/collections/plots/items?limit=5000&f=json").get_json()
    assert {f["properties"]["code"] for f in plots["features"]} == set(_supplyable(conn))
    assert all(set(f["properties"]) == GUEST_PLOT_KEYS for f in plots["features"])
    assert not _hidden(_keys(plots))
    for name in ("networks", "projects"):
        assert client.get(f"/ogc/collections/{name}/items?f=json").status_code == 403


# --- the clean-up lists and the disposal record (issue 15) ---------------------------------

def test_clean_up_lists_are_the_staffs_and_only_a_planner_records_a_decision(app, conn):
    plot = conn.execute("SELECT min(id) AS id FROM plots").fetchone()["id"]
    viewer = login(app.test_client(), "viewer")
    for path in ("/cleanup/idle", "/api/v1/cleanup/low_efficiency", "/cleanup/idle/export.xlsx",
                 f"/api/v1/plots/{plot}/disposals"):
        assert viewer.get(path).status_code == 200, path
    assert "/disposal" not in viewer.get("/cleanup/idle").get_data(as_text=True)
    assert viewer.get(f"/plots/{plot}/disposal").status_code == 403
    assert login(app.test_client(), "planner").get(f"/plots/{plot}/disposal").status_code == 200
    guest = login(app.test_client(), "guest")
    for path in ("/cleanup/idle", "/api/v1/cleanup/idle", "/cleanup/idle/export.xlsx",
                 f"/api/v1/plots/{plot}/disposals", f"/plots/{plot}/disposal"):
        assert guest.get(path).status_code == 403, path
