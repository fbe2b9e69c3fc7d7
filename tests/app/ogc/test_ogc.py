"""OGC API Features at /ogc: the documents, keyset paging, bbox and crs (Part 2), status as
of a date, filters, single items, the plans' collections, who may read what, and the
pages for people in both languages."""

from __future__ import annotations

import base64
import gzip
from urllib.parse import urlsplit

import pytest
import shapely
import shapely.affinity

from app import requisition
from tests.client import api_error

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG = "http://www.opengis.net/def/crs/EPSG/0/"


@pytest.fixture
def get(ogc_app, tokens):
    """GET as a role (a Bearer token; None: anonymous) in a language."""
    client = ogc_app.test_client()

    def fetch(url: str, role: str | None = "viewer", lang: str = "en", **headers):
        if role:
            headers.setdefault("Authorization", f"Bearer {tokens[role]}")
        return client.get(f"{url}{'&' if '?' in url else '?'}lang={lang}", headers=headers)
    return fetch


def _json(response, status: int = 200) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    return response.get_json()


def _park(conn) -> dict:
    return conn.execute("SELECT id, gk_epsg, gk_epsg_prefixed FROM parks ORDER BY id LIMIT 1"
                        ).fetchone()


def _rel(doc: dict, rel: str) -> str | None:
    return next((link["href"] for link in doc["links"] if link["rel"] == rel), None)


def _path(href: str) -> str:
    parts = urlsplit(href)
    return f"{parts.path}?{parts.query}"


# --- the documents ----------------------------------------------------------------------

def test_landing_page_conformance_and_collections(get, ogc_conn):
    landing = _json(get("/ogc?f=json"))
    assert {"self", "conformance", "data", "service-doc"} <= {x["rel"] for x in landing["links"]}
    classes = _json(get("/ogc/conformance"))["conformsTo"]
    assert set(classes) == {
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
        "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"}
    found = _json(get("/ogc/collections"))["collections"]
    assert [c["id"] for c in found][:5] == ["plots", "zones", "roads", "networks", "projects"]
    plots = found[0]
    park = _park(ogc_conn)
    assert plots["storageCrs"] == f"{EPSG}4490"
    assert plots["crs"][:2] == [CRS84, f"{EPSG}4490"]
    assert {f"{EPSG}{park['gk_epsg']}", f"{EPSG}{park['gk_epsg_prefixed']}"} <= set(plots["crs"])
    minx, miny, maxx, maxy = plots["extent"]["spatial"]["bbox"][0]
    assert 112 < minx < maxx < 114 and 29 < miny < maxy < 30
    assert _json(get("/ogc/collections/plots"))["id"] == "plots"
    queryables = _json(get("/ogc/collections/plots/queryables"))["properties"]
    assert {"stage", "flag", "zone", "code", "serviced", "datetime"} <= set(queryables)
    assert "operating" in queryables["stage"]["enum"]


# --- paging -----------------------------------------------------------------------------

def test_keyset_pages_read_every_plot_once_and_prev_goes_back(get, ogc_conn):
    ids = [r["id"] for r in ogc_conn.execute("SELECT id FROM plots ORDER BY id")]
    url, seen, pages = "/ogc/collections/plots/items?limit=50&f=json", [], []
    while url:
        page = _json(get(url))
        assert page["numberMatched"] == len(ids)
        assert page["numberReturned"] == len(page["features"]) <= 50
        assert "offset" not in url
        seen += [f["id"] for f in page["features"]]
        pages.append(page)
        url = _rel(page, "next") and _path(_rel(page, "next"))
    assert seen == ids
    assert len(pages) == -(-len(ids) // 50)
    assert _rel(pages[0], "prev") is None
    back = _json(get(_path(_rel(pages[2], "prev"))))
    assert [f["id"] for f in back["features"]] == [f["id"] for f in pages[1]["features"]]
    assert _rel(back, "next") and _rel(back, "prev")


def test_limit_is_bounded(get):
    assert _json(get("/ogc/collections/zones/items"))["numberReturned"] <= 100
    for bad in ("0", "10001", "x"):
        api_error(get(f"/ogc/collections/plots/items?limit={bad}"), 400)
    api_error(get("/ogc/collections/plots/items?after=3&before=9"), 400)


# --- bbox and crs -------------------------------------------------------------------------

BOX = (112.99, 29.44, 113.0, 29.45)


def _bbox_sql(conn) -> set[int]:
    return {r["id"] for r in conn.execute(
        "SELECT id FROM plots WHERE ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, 4490))",
        BOX)}


def _ids(page: dict) -> set[int]:
    return {f["id"] for f in page["features"]}


def test_bbox_returns_the_plots_sql_finds_in_every_bbox_crs(get, ogc_conn):
    expected = _bbox_sql(ogc_conn)
    assert 0 < len(expected) < 400
    lonlat = ",".join(map(str, BOX))
    assert _ids(_json(get(f"/ogc/collections/plots/items?limit=1000&bbox={lonlat}"))) \
        == expected
    latlon = ",".join(map(str, (BOX[1], BOX[0], BOX[3], BOX[2])))  # EPSG:4490 is lat, lon
    assert _ids(_json(get(f"/ogc/collections/plots/items?limit=1000&bbox={latlon}"
                          f"&bbox-crs={EPSG}4490"))) == expected
    gk = _park(ogc_conn)["gk_epsg_prefixed"]
    corners = ogc_conn.execute(
        "SELECT ST_X(a) AS e1, ST_Y(a) AS n1, ST_X(b) AS e2, ST_Y(b) AS n2 FROM ("
        " SELECT ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 4490), %s) AS a,"
        "        ST_Transform(ST_SetSRID(ST_MakePoint(%s, %s), 4490), %s) AS b) AS t",
        (BOX[0], BOX[1], gk, BOX[2], BOX[3], gk)).fetchone()
    inner = (corners["n1"] + 5, corners["e1"] + 5, corners["n2"] - 5, corners["e2"] - 5)
    in_gk = _ids(_json(get(f"/ogc/collections/plots/items?limit=1000&bbox-crs={EPSG}{gk}"
                           f"&bbox={','.join(map(str, inner))}")))
    assert in_gk and in_gk <= expected  # a box 5 m inside, in northing, easting order


def test_crs_4490_is_latitude_longitude_and_gk_is_northing_easting(get, ogc_conn):
    park = _park(ogc_conn)
    plot = ogc_conn.execute(
        "SELECT id, area_m2, ST_X(ST_Centroid(geom)) AS lon, ST_Y(ST_Centroid(geom)) AS lat,"
        " ST_X(ST_Centroid(geom_gk)) AS e, ST_Y(ST_Centroid(geom_gk)) AS n"
        " FROM plots ORDER BY id LIMIT 1").fetchone()
    url = f"/ogc/collections/plots/items/{plot['id']}?f=json"
    plain = get(url)
    assert plain.headers["Content-Crs"] == f"<{CRS84}>"
    centre = shapely.geometry.shape(plain.get_json()["geometry"]).centroid
    assert (centre.x, centre.y) == pytest.approx((plot["lon"], plot["lat"]), abs=1e-7)

    geographic = get(f"{url}&crs={EPSG}4490")
    assert geographic.headers["Content-Crs"] == f"<{EPSG}4490>"
    centre = shapely.geometry.shape(geographic.get_json()["geometry"]).centroid
    assert (centre.x, centre.y) == pytest.approx((plot["lat"], plot["lon"]), abs=1e-7)

    for srid in (park["gk_epsg_prefixed"], park["gk_epsg"]):
        metric = get(f"{url}&crs={EPSG}{srid}")
        assert metric.headers["Content-Crs"] == f"<{EPSG}{srid}>"
        shape = shapely.geometry.shape(metric.get_json()["geometry"])
        assert "crs" not in metric.get_json()["geometry"]
        x0, y0 = shape.geoms[0].exterior.coords[0]  # (shoelace on 4e7 m loses 0.03 m²)
        assert shapely.affinity.translate(shape, -x0, -y0).area == pytest.approx(
            plot["area_m2"], abs=0.01)
        false_easting = plot["e"] - (0 if srid == park["gk_epsg_prefixed"]
                                     else int(plot["e"] // 1_000_000) * 1_000_000)
        assert (shape.centroid.x, shape.centroid.y) == pytest.approx(
            (plot["n"], false_easting), abs=0.001)

    error = api_error(get(f"{url}&crs={EPSG}3857"), 400)
    assert error["code"] == "crs_not_supported" and "4490" in error["message"]


# --- status as of a date, filters -------------------------------------------------------------

def test_datetime_and_as_of_evaluate_the_status_on_that_day(get, ogc_conn):
    for query in ("datetime=2029-03-01", "datetime=2029-03-01T10:00:00Z", "as_of=2029-03-01"):
        page = _json(get(f"/ogc/collections/plots/items?limit=5&{query}"))
        assert {f["properties"]["evaluated_on"] for f in page["features"]} == {"2029-03-01"}
    error = api_error(get("/ogc/collections/plots/items?datetime=2029-01-01/2029-02-01"), 400)
    assert "datetime" in error["message"]
    api_error(get("/ogc/collections/zones/items?datetime=2029-03-01"), 400)


def test_filters_by_stage_flag_and_zone_match_sql(get, ogc_conn):
    rows = ogc_conn.execute(
        "SELECT s.plot_id, s.stage, s.flags, f.zone_code FROM plot_status_as_of("
        "(SELECT min(id) FROM parks), DATE '2029-03-01') s JOIN plot_features f"
        " ON f.id = s.plot_id").fetchall()
    stage, zone = rows[0]["stage"], rows[0]["zone_code"]
    flag = next(f for r in rows for f in r["flags"])
    base = "/ogc/collections/plots/items?limit=1000&datetime=2029-03-01"
    assert _ids(_json(get(f"{base}&stage={stage}"))) == {
        r["plot_id"] for r in rows if r["stage"] == stage}
    assert _ids(_json(get(f"{base}&flag={flag}"))) == {
        r["plot_id"] for r in rows if flag in r["flags"]}
    assert _ids(_json(get(f"{base}&zone={zone}&stage={stage}"))) == {
        r["plot_id"] for r in rows if r["zone_code"] == zone and r["stage"] == stage}
    error = api_error(get(f"{base}&stage=ripe", lang="zh"), 400)
    assert "stage" in error["message"] and "必须" in error["message"]
    error = api_error(get(f"{base}&colour=red"), 400)
    assert "colour" in error["message"]


# --- single items, errors in the catalogue's words ---------------------------------------------

def test_a_single_item_and_the_404s(get, ogc_conn):
    plot = ogc_conn.execute("SELECT id, code FROM plots ORDER BY id LIMIT 1").fetchone()
    feature = _json(get(f"/ogc/collections/plots/items/{plot['id']}"))
    assert feature["id"] == plot["id"] and feature["properties"]["code"] == plot["code"]
    assert {"self", "collection"} <= {x["rel"] for x in feature["links"]}
    assert api_error(get("/ogc/collections/plots/items/999999", lang="zh"), 404)[
        "message"] == "没有 id 为 999999 的地块"
    assert api_error(get("/ogc/collections/plots/items/999999"), 404)[
        "message"] == "no plot with id 999999"
    assert api_error(get("/ogc/collections/parcels", lang="zh"), 404)[
        "message"] == "没有名为 parcels 的要素集"
    assert api_error(get("/ogc/collections/plan-999999"), 404)["code"] == "not_found"


# --- who may read what ----------------------------------------------------------------------

def test_anonymous_is_asked_for_basic_credentials_and_a_browser_to_log_in(get):
    response = get("/ogc/collections/plots/items", role=None, lang="zh")
    error = api_error(response, 401)
    assert response.headers["WWW-Authenticate"] == 'Basic realm="ParkAtlas"'
    assert error["message"] == "请先登录。"
    page = get("/ogc/collections", role=None, Accept="text/html")
    assert page.status_code == 302 and urlsplit(page.location).path == "/login"


def _basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_basic_takes_the_token_as_password_on_ogc_and_the_api(get, tokens):
    token = _basic("anyone", tokens["viewer"])
    assert _json(get("/ogc/collections/networks/items?limit=3", Authorization=token))[
        "numberReturned"] == 3
    assert _json(get("/api/v1/networks?limit=3", Authorization=token))["numberReturned"] == 3
    for bad in (_basic("test-viewer", "viewer-pass-123"), "Basic !!!", _basic("x", "")):
        response = get("/ogc/collections", Authorization=bad, lang="zh")
        assert api_error(response, 401)["message"] == "API 令牌无效"
        assert response.headers["WWW-Authenticate"] == 'Basic realm="ParkAtlas"'
    response = get("/api/v1/networks", role=None)
    api_error(response, 401)
    assert "Basic" in response.headers["WWW-Authenticate"]


def test_a_guest_reads_the_guest_variants_only(get):
    found = [c["id"] for c in _json(get("/ogc/collections", role="guest"))["collections"]]
    assert found == ["plots", "zones", "roads"]
    plots = _json(get("/ogc/collections/plots/items?limit=1000", role="guest"))
    assert plots["features"]
    for feature in plots["features"]:
        assert feature["properties"]["stage"] == "banked" and feature["properties"]["serviced"]
        assert not {"owner", "flags", "land_user"} & set(feature["properties"])
    assert api_error(get("/ogc/collections/networks/items", role="guest"), 403)
    api_error(get("/ogc/collections/plots/items?datetime=2029-01-01", role="guest"), 400)
    api_error(get("/ogc/collections/plots/items?stage=supplied", role="guest"), 400)


def test_each_plan_is_a_collection_as_the_role_may_read_it(get, ogc_conn):
    plan = ogc_conn.execute("SELECT id, version FROM requisition_plans ORDER BY id LIMIT 1"
                            ).fetchone()
    draft_id = f"plan-{plan['id']}"
    assert draft_id not in [c["id"] for c in _json(get("/ogc/collections"))["collections"]]
    api_error(get(f"/ogc/collections/{draft_id}/items"), 403)  # a viewer: approved only
    planner = _json(get(f"/ogc/collections/{draft_id}/items", role="planner"))
    count = ogc_conn.execute(
        "SELECT count(*) AS n FROM plan_plots pp JOIN requisition_plans rp ON rp.id = pp.plan_id"
        " WHERE rp.id = %s AND pp.plan_version = rp.current_version", [plan["id"]]
    ).fetchone()["n"]
    assert planner["numberMatched"] == count > 0
    assert {f["properties"]["plan_id"] for f in planner["features"]} == {plan["id"]}
    submitted = requisition.submit(ogc_conn, plan["id"], plan["version"], "test-planner")
    requisition.approve(ogc_conn, plan["id"], submitted["version"], "test-admin")
    assert draft_id in [c["id"] for c in _json(get("/ogc/collections"))["collections"]]
    assert _json(get(f"/ogc/collections/{draft_id}/items"))["numberMatched"] == count
    api_error(get(f"/ogc/collections/{draft_id}/items", role="guest"), 404)


# --- pages for people -----------------------------------------------------------------------

@pytest.mark.parametrize(("lang", "words"), [("zh", ("要素集", "下一页", "阶段")),
                                             ("en", ("Feature collections", "Next page",
                                                     "Stage"))])
def test_pages_in_the_users_language(get, lang, words):
    collections = get("/ogc/collections", lang=lang, Accept="text/html")
    assert collections.status_code == 200 and collections.mimetype == "text/html"
    assert words[0] in collections.get_data(as_text=True)
    items = get("/ogc/collections/plots/items?limit=20", lang=lang, Accept="text/html")
    body = items.get_data(as_text=True)
    assert items.mimetype == "text/html" and words[1] in body and words[2] in body
    assert body.count('<tr data-id="') == 20
    assert get("/ogc/collections/plots/items?limit=2&f=html", lang=lang).mimetype == "text/html"
    assert get("/ogc/collections/plots/items?limit=2", lang=lang,
               Accept="application/geo+json").mimetype == "application/geo+json"
    api_error(get("/ogc?f=xml"), 400)


def test_an_items_page_is_gzipped_when_asked_and_its_etag_answers_304(get):
    url = "/ogc/collections/plots/items?limit=50&f=json"
    plain = get(url)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    zipped = get(url, **{"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.data) == plain.data and len(zipped.data) < len(plain.data) / 3
    for tag in (plain.headers["ETag"], zipped.headers["ETag"]):
        again = get(url, **{"If-None-Match": tag})
        assert again.status_code == 304 and again.data == b""
    assert get(url.replace("50", "51"), **{"If-None-Match": plain.headers["ETag"]}
               ).status_code == 200
