"""The JSON API /api/v1: paging, filters, plot attributes, RFC 7946 GeoJSON, errors,
the OpenAPI document and plot edits (optimistic locking, domain validation).

Every test runs against its own copy of the demo database (the `db_url` fixture).
"""

from __future__ import annotations

import datetime as dt
import inspect
import math
import re
from urllib.parse import urlencode

import pytest
from pyproj import Geod
from shapely.geometry import box, shape
from shapely.geometry.polygon import LinearRing

from app.labels import STAGES, STATUSES, UTILITIES
from tests.builders import make_app
from tests.client import api_error, csrf_token, login

API = "/api/v1"
LAYERS = ("parks", "zones", "plots", "roads", "networks", "projects")
GEOMETRY_TYPES = {
    "parks": {"Polygon", "MultiPolygon"},
    "zones": {"MultiPolygon"},
    "plots": {"MultiPolygon"},
    "roads": {"MultiLineString"},
    "networks": {"MultiLineString", "Point"},
    "projects": {"MultiPolygon"},
}
REQUIRED_PLOT_PROPERTIES = ("id", "code", "zone", "stage", "land_class", "owner",
                            "area_m2", "area_mu", "area_ha")
# DESIGN §4.1: the dated events in legal order, and the stage each one puts a plot in
EVENT_STAGES = (("approved_on", "approved"), ("requisitioned_on", "requisitioned"),
                ("banked_on", "banked"), ("supplied_on", "supplied"),
                ("delivered_on", "delivered"), ("started_on", "under_construction"),
                ("completed_on", "completed"), ("operating_on", "operating"))
EVENT_DATES = ("approved_on", "requisitioned_on", "banked_on", "supplied_on",
               "agreed_start_on", "delivered_on", "started_on", "completed_on",
               "operating_on")
# China's extent (as the database's geometry_problem() checks it), longitude/latitude
CHINA = (73.0, 3.0, 135.1, 54.0)


# --- helpers ------------------------------------------------------------------------------

@pytest.fixture
def viewer(client):
    return login(client, "viewer")


@pytest.fixture
def planner(client):
    login(client, "planner")
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf_token(client, "/")
    return client


def get_json(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True)[:500])
    return response.get_json()


def assert_error(response, status: int) -> str:
    """The response is the API's JSON error with this status; return its message."""
    return api_error(response, status)["message"]


def fetch_all(client, layer: str, **params) -> list[dict]:
    """Every feature of a layer endpoint (one big page), checking the count."""
    query = urlencode({**params, "limit": 10000})
    fc = get_json(client, f"{API}/{layer}?{query}")
    assert fc["numberMatched"] == fc["numberReturned"] == len(fc["features"])
    return fc["features"]


def parks(client) -> list[dict]:
    """The parks (a FeatureCollection without paging)."""
    return get_json(client, f"{API}/parks")["features"]


def first_id(conn, table: str) -> int:
    return conn.execute(f"SELECT min(id) AS id FROM {table}").fetchone()["id"]


def plot_row(conn, plot_id: int) -> dict:
    return conn.execute("SELECT *, ST_AsEWKB(geom) AS wkb FROM plots WHERE id = %s",
                        (plot_id,)).fetchone()


def next_link(fc: dict) -> str | None:
    hrefs = [link["href"] for link in fc.get("links", []) if link.get("rel") == "next"]
    assert len(hrefs) <= 1, fc["links"]
    return hrefs[0] if hrefs else None


# --- paging --------------------------------------------------------------------------------

# limit=1 walks one block's 16 plots rather than the park's 400: a page costs about the same
# whatever its size, so 400 one-plot pages took a minute and proved nothing 16 do not; the
# tail of the whole park is checked at limit=1 by the next test.
@pytest.mark.parametrize(("limit", "code"), [(1, "NQ-11"), (7, None), (50, None)])
def test_plot_pages_cover_every_plot_exactly_once(viewer, conn, limit, code):
    total = conn.execute("SELECT count(*) AS n FROM plots WHERE code ILIKE %s",
                         (f"{code or ''}%",)).fetchone()["n"]
    assert total > limit, "the demo needs more plots than one page"
    url = f"{API}/plots?" + urlencode({"limit": limit, **({"code": code} if code else {})})
    seen: list[int] = []
    pages = 0
    while url:
        fc = get_json(viewer, url)
        pages += 1
        assert fc["numberMatched"] == total
        assert fc["numberReturned"] == len(fc["features"])
        assert 1 <= len(fc["features"]) <= limit
        seen += [f["id"] for f in fc["features"]]
        url = next_link(fc)
        if len(seen) < total:
            assert url, f"no next link after {len(seen)} of {total} plots"
            # keyset paging: the next page starts after this one's last key, no offset
            assert f"limit={limit}" in url and "after=" in url and "offset" not in url, url
            assert code is None or f"code={code}" in url, url
        else:
            assert url is None, "a next link after the last page"
    assert pages == math.ceil(total / limit)
    assert len(seen) == len(set(seen)), "a plot appeared on two pages"
    ids = {r["id"] for r in conn.execute("SELECT id FROM plots WHERE code ILIKE %s",
                                         (f"{code or ''}%",))}
    assert set(seen) == ids


def test_one_plot_pages_follow_the_order_of_one_big_page(viewer, conn):
    """Pages of one plot at the start, middle and end of the park are the plots of one
    10000-plot page at those offsets, and only the last page has no next link."""
    total = conn.execute("SELECT count(*) AS n FROM plots").fetchone()["n"]
    order = [f["id"] for f in fetch_all(viewer, "plots")]
    assert sorted(order) == sorted(r["id"] for r in conn.execute("SELECT id FROM plots"))
    for offset in (0, 1, total // 2, total - 2, total - 1):
        fc = get_json(viewer, f"{API}/plots?limit=1&offset={offset}")
        assert [f["id"] for f in fc["features"]] == [order[offset]]
        url = next_link(fc)
        if offset < total - 1:
            assert url and "after=" in url and "offset" not in url, url
            assert [f["id"] for f in get_json(viewer, url)["features"]] == [order[offset + 1]]
        else:
            assert url is None, "a next link after the last plot"


@pytest.mark.parametrize("layer", ["zones", "roads", "networks", "projects"])
def test_other_layers_page_completely(viewer, conn, layer):
    ids = {r["id"] for r in conn.execute(f"SELECT id FROM {layer}")}
    assert len(ids) > 2
    url, seen = f"{API}/{layer}?limit=2", []
    while url:
        fc = get_json(viewer, url)
        assert fc["numberMatched"] == len(ids)
        seen += [f["id"] for f in fc["features"]]
        url = next_link(fc)
    assert sorted(seen) == sorted(ids)


def test_next_link_keeps_the_filters(viewer, conn):
    code = conn.execute("SELECT code FROM plots ORDER BY code LIMIT 1").fetchone()["code"]
    prefix = code.split("-")[0].lower()
    expected = conn.execute("SELECT count(*) AS n FROM plots WHERE upper(code) LIKE %s",
                            (prefix.upper() + "%",)).fetchone()["n"]
    assert expected >= 2
    fc = get_json(viewer, f"{API}/plots?code={prefix}&limit=1")
    href = next_link(fc)
    assert href and f"code={prefix}" in href
    second = get_json(viewer, href)
    assert second["numberMatched"] == expected
    assert second["features"][0]["properties"]["code"].upper().startswith(prefix.upper())
    assert second["features"][0]["id"] != fc["features"][0]["id"]


def test_default_page_and_offset(viewer, conn):
    total = conn.execute("SELECT count(*) AS n FROM plots").fetchone()["n"]
    fc = get_json(viewer, f"{API}/plots")
    assert fc["numberReturned"] == min(total, 1000)
    page = get_json(viewer, f"{API}/plots?limit=3&offset=2")
    assert [f["id"] for f in page["features"]] == [f["id"] for f in fc["features"][2:5]]


def test_offset_past_the_end_still_reports_the_number_matched(viewer, conn):
    # numberMatched is the size of the selection, whatever page is asked for
    total = conn.execute("SELECT count(*) AS n FROM plots").fetchone()["n"]
    fc = get_json(viewer, f"{API}/plots?limit=10&offset={total + 5}")
    assert fc["features"] == []
    assert fc["numberReturned"] == 0
    assert fc["numberMatched"] == total
    assert next_link(fc) is None


@pytest.mark.parametrize("query", ["limit=0", "limit=10001", "limit=-1", "limit=x",
                                   "limit=1.5", "offset=-1", "offset=x"])
def test_bad_paging_is_a_400(viewer, query):
    message = assert_error(viewer.get(f"{API}/plots?{query}"), 400)
    assert query.split("=")[0] in message


@pytest.mark.parametrize("query", ["offset=99999999999999999999", "park=99999999999",
                                   "park=%C2%B2"])
def test_out_of_range_numbers_are_a_client_error(db_url, query):
    # not a 500: a number the database cannot hold, or a digit Python's int() refuses
    app = make_app(db_url, PROPAGATE_EXCEPTIONS=False)
    try:
        client = login(app.test_client(), "viewer")
        response = client.get(f"{API}/plots?{query}")
        assert response.status_code in (400, 404), response.get_data(as_text=True)[:300]
        assert_error(response, response.status_code)
    finally:
        app.extensions["parkatlas_pool"].close()


# --- filters -------------------------------------------------------------------------------

def test_code_filter_is_a_case_insensitive_prefix(viewer, conn):
    codes = [r["code"] for r in conn.execute("SELECT code FROM plots")]
    sample = sorted(codes)[len(codes) // 2]
    prefix = sample[:4].lower()  # e.g. "nq-0"
    expected = {c for c in codes if c.upper().startswith(prefix.upper())}
    assert expected and len(expected) < len(codes)
    got = {f["properties"]["code"] for f in fetch_all(viewer, "plots", code=prefix)}
    assert got == expected
    exact = fetch_all(viewer, "plots", code=sample.lower())
    assert sample in {f["properties"]["code"] for f in exact}


def test_code_filter_matches_nothing(viewer):
    fc = get_json(viewer, f"{API}/plots?code=ZZZ-NOPE")
    assert fc["features"] == [] and fc["numberMatched"] == 0


def test_code_filter_is_not_a_pattern(viewer):
    assert get_json(viewer, f"{API}/plots?code=%25")["numberMatched"] == 0
    assert get_json(viewer, f"{API}/plots?code=_")["numberMatched"] == 0


def test_the_search_filter_matches_a_code_prefix_or_a_part_of_the_name(viewer, conn, client):
    """q, the map's search box: a code prefix or a part of the name, case-insensitive, no
    pattern; a guest's q matches codes only (it reads no names)."""
    row = conn.execute("SELECT code, name FROM plots WHERE length(name) >= 4 "
                       "ORDER BY code LIMIT 1").fetchone()
    part = row["name"][1:4]
    named = {r["code"] for r in conn.execute(
        "SELECT code FROM plots WHERE strpos(lower(name), lower(%s)) > 0", [part])}
    got = {f["properties"]["code"] for f in fetch_all(viewer, "plots", q=part)}
    assert row["code"] in got and got == named
    prefix = row["code"][:5].lower()
    by_code = {f["properties"]["code"] for f in fetch_all(viewer, "plots", q=prefix)}
    assert row["code"] in by_code and all(
        c.upper().startswith(prefix.upper()) or c in named for c in by_code)
    assert get_json(viewer, f"{API}/plots?q=%25")["numberMatched"] == 0
    login(client, "guest")
    assert get_json(client, f"{API}/plots?q={part}")["numberMatched"] == 0


@pytest.mark.parametrize("stage", STAGES)
def test_stage_filter(viewer, conn, stage):
    expected = {r["id"] for r in conn.execute(
        "SELECT id FROM plots p WHERE plot_stage(p) = %s", (stage,))}
    features = fetch_all(viewer, "plots", stage=stage)
    assert all(f["properties"]["stage"] == stage for f in features)
    assert {f["id"] for f in features} == expected


def test_demo_has_plots_in_several_stages(viewer):
    stages = {f["properties"]["stage"] for f in fetch_all(viewer, "plots")}
    assert len(stages) >= 5, stages


def test_stage_is_the_last_event_that_has_happened(viewer, conn):
    # DESIGN §4.1, computed here from the raw dates rather than by the database function
    today = conn.execute("SELECT park_today(min(id)) AS d FROM parks").fetchone()["d"]
    rows = {r["id"]: r for r in conn.execute("SELECT * FROM plots")}
    for feature in fetch_all(viewer, "plots"):
        row = rows[feature["id"]]
        expected = "planned"
        for column, stage in EVENT_STAGES:
            if row[column] is not None and row[column] <= today:
                expected = stage
        assert feature["properties"]["stage"] == expected, (row["code"], expected)


def test_unknown_stage_names_the_allowed_values(viewer):
    message = assert_error(viewer.get(f"{API}/plots?stage=sold"), 400)
    assert "sold" in message
    for stage in STAGES:
        assert stage in message


def test_zone_filter(viewer, conn):
    zones = [f["properties"]["code"] for f in fetch_all(viewer, "zones")]
    assert zones
    for zone in zones:
        expected = {r["id"] for r in conn.execute(
            "SELECT p.id FROM plots p JOIN zones z ON z.id = p.zone_id WHERE z.code = %s",
            (zone,))}
        features = fetch_all(viewer, "plots", zone=zone)
        assert all(f["properties"]["zone"] == zone for f in features)
        assert {f["id"] for f in features} == expected
    assert get_json(viewer, f"{API}/plots?zone=NOPE")["numberMatched"] == 0


def _bbox_around(geometry, margin: float = 0.0) -> tuple[float, float, float, float]:
    minx, miny, maxx, maxy = shape(geometry).bounds
    return (minx - margin, miny - margin, maxx + margin, maxy + margin)


def test_bbox_filter_returns_exactly_the_plots_that_intersect(viewer):
    everything = fetch_all(viewer, "plots")
    target = everything[len(everything) // 2]
    bbox = _bbox_around(target["geometry"], margin=1e-5)
    area = box(*bbox)
    features = fetch_all(viewer, "plots", bbox=",".join(map(repr, bbox)))
    got = {f["id"] for f in features}
    assert target["id"] in got
    for feature in features:
        # a tolerance of ~0.1 m for the 7-decimal rounding of the output
        assert shape(feature["geometry"]).intersects(area.buffer(1e-6)), \
            f"{feature['properties']['code']} does not intersect bbox {bbox}"
    inside = box(*bbox).buffer(-1e-6)
    for feature in everything:
        if shape(feature["geometry"]).intersects(inside):
            assert feature["id"] in got, f"{feature['properties']['code']} missing"


def test_bbox_filter_tests_the_geometry_not_its_envelope(viewer, conn):
    # A triangular plot: a bbox in the empty corner of its envelope does not intersect it.
    park_id = first_id(conn, "parks")
    lon, lat = conn.execute(
        "SELECT ST_XMax(e) + 0.02 AS lon, ST_YMin(e) AS lat FROM "
        "(SELECT ST_Extent(geom) AS e FROM plots) s").fetchone().values()
    d = 0.002
    conn.execute(
        "INSERT INTO plots (park_id, code, geom) VALUES (%s, 'TST-TRI-1', ST_Multi("
        "ST_GeomFromText(%s, 4490)))",
        (park_id, f"POLYGON(({lon} {lat},{lon + d} {lat},{lon} {lat + d},{lon} {lat}))"))
    outside = (lon + 0.8 * d, lat + 0.8 * d, lon + 0.95 * d, lat + 0.95 * d)
    inside = (lon + 0.1 * d, lat + 0.1 * d, lon + 0.2 * d, lat + 0.2 * d)
    codes = {f["properties"]["code"] for f in
             fetch_all(viewer, "plots", bbox=",".join(map(str, inside)))}
    assert "TST-TRI-1" in codes
    codes = {f["properties"]["code"] for f in
             fetch_all(viewer, "plots", bbox=",".join(map(str, outside)))}
    assert "TST-TRI-1" not in codes


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "5,5,1,1", "0,0,200,1", "1,2,3,4,5",
                                  "nan,1,2,3", "0,-91,1,1", ","])
def test_malformed_bbox_is_a_400_naming_bbox(viewer, bbox):
    message = assert_error(viewer.get(f"{API}/plots?bbox={bbox}"), 400)
    assert "bbox" in message


@pytest.mark.parametrize("layer", ["zones", "roads", "networks"])
def test_bbox_applies_to_other_layers(viewer, layer):
    fc = get_json(viewer, f"{API}/{layer}?bbox=0,0,1,1")  # the Gulf of Guinea
    assert fc["features"] == [] and fc["numberMatched"] == 0
    assert get_json(viewer, f"{API}/{layer}")["numberMatched"] > 0


def test_park_filter_by_id_and_by_code(viewer, conn):
    park = parks(viewer)[0]
    total = conn.execute("SELECT count(*) AS n FROM plots WHERE park_id = %s",
                         (park["id"],)).fetchone()["n"]
    assert total > 0
    by_id = get_json(viewer, f"{API}/plots?park={park['id']}&limit=1")
    by_code = get_json(viewer, f"{API}/plots?park={park['properties']['code']}&limit=1")
    assert by_id["numberMatched"] == by_code["numberMatched"] == total
    other = get_json(viewer, f"{API}/plots?park={park['id'] + 1000}")
    assert other["numberMatched"] == 0


def test_unknown_park_code_is_a_404(viewer):
    message = assert_error(viewer.get(f"{API}/plots?park=NOPE"), 404)
    assert "NOPE" in message


# --- plot attributes -----------------------------------------------------------------------

def test_every_plot_has_the_required_properties_and_consistent_areas(viewer, conn):
    features = fetch_all(viewer, "plots")
    stored = {r["id"]: r for r in conn.execute(
        "SELECT id, code, ST_Area(geom_gk) AS gk_area FROM plots")}
    assert len(features) == len(stored)
    for feature in features:
        props = feature["properties"]
        missing = [k for k in REQUIRED_PLOT_PROPERTIES if k not in props]
        assert not missing, (props.get("code"), missing)
        assert props["id"] == feature["id"]
        assert props["code"] == stored[feature["id"]]["code"]
        assert props["stage"] in STAGES
        area = props["area_m2"]
        assert area > 0
        assert area == pytest.approx(stored[feature["id"]]["gk_area"], rel=1e-9)
        assert props["area_mu"] == pytest.approx(area * 15 / 10000, rel=1e-12)
        assert props["area_ha"] == pytest.approx(area / 10000, rel=1e-12)


def test_plot_area_is_measured_in_gauss_kruger_not_degrees(viewer, conn):
    # An independent check of DESIGN §3: pyproj in the park's GK EPSG gives the same area.
    import shapely
    from pyproj import Transformer

    park = parks(viewer)[0]
    epsg = park["properties"]["gk_epsg"]
    lon = (park["properties"]["bbox"][0] + park["properties"]["bbox"][2]) / 2
    assert epsg == 4534 + round(lon / 3) - 25
    to_gk = Transformer.from_crs(4326, epsg, always_xy=True).transform
    for feature in fetch_all(viewer, "plots")[:20]:
        gk_area = shapely.transform(shape(feature["geometry"]), to_gk, interleaved=False).area
        assert feature["properties"]["area_m2"] == pytest.approx(gk_area, rel=1e-3)


def test_plot_detail_has_the_full_attributes(viewer, conn):
    row = conn.execute("SELECT * FROM plots WHERE supplied_on IS NOT NULL ORDER BY id LIMIT 1"
                       ).fetchone() or conn.execute("SELECT * FROM plots LIMIT 1").fetchone()
    response = viewer.get(f"{API}/plots/{row['id']}")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    feature = response.get_json()
    assert feature["type"] == "Feature" and feature["id"] == row["id"]
    props = feature["properties"]
    for key in REQUIRED_PLOT_PROPERTIES + EVENT_DATES + ("version", "projects",
                                                         "planned_use", "owner_type"):
        assert key in props, key
    for key in EVENT_DATES:
        expected = row[key].isoformat() if row[key] else None
        assert props[key] == expected, key
    assert props["version"] == row["version"]
    assert isinstance(props["projects"], list)
    assert "geom" not in props and "geom_gk" not in props


def test_plot_detail_lists_the_projects_on_it(viewer, conn):
    row = conn.execute(
        "SELECT pp.plot_id, pr.code FROM project_plots pp JOIN projects pr ON pr.id = "
        "pp.project_id ORDER BY pp.plot_id LIMIT 1").fetchone()
    assert row, "the demo has projects on plots"
    props = get_json(viewer, f"{API}/plots/{row['plot_id']}")["properties"]
    assert row["code"] in [p["code"] for p in props["projects"]]


@pytest.mark.parametrize("path", ["999999", "0"])
def test_unknown_plot_is_a_404(viewer, path):
    assert_error(viewer.get(f"{API}/plots/{path}"), 404)


@pytest.mark.parametrize("path", ["abc", "-1", "1.5", "NQ-01-01"])
def test_non_integer_plot_id_is_a_404(viewer, path):
    assert_error(viewer.get(f"{API}/plots/{path}"), 404)


@pytest.mark.parametrize("path", ["parks/999999", "projects/999999"])
def test_unknown_park_or_project_is_a_404(viewer, path):
    assert_error(viewer.get(f"{API}/{path}"), 404)


# --- RFC 7946 ------------------------------------------------------------------------------

def _check_position(pos, where):
    assert isinstance(pos, list) and len(pos) in (2, 3), (where, pos)
    assert all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pos), where
    lon, lat = pos[0], pos[1]
    # [longitude, latitude], not swapped: inside China
    assert CHINA[0] <= lon <= CHINA[2] and CHINA[1] <= lat <= CHINA[3], (where, pos)


def _check_line(coords, where):
    assert isinstance(coords, list) and len(coords) >= 2, where
    for pos in coords:
        _check_position(pos, where)


def _check_ring(ring, where, exterior: bool):
    _check_line(ring, where)
    assert len(ring) >= 4, f"{where}: a linear ring needs at least 4 positions"
    assert ring[0] == ring[-1], f"{where}: ring not closed"
    ccw = LinearRing(ring).is_ccw
    if exterior:
        assert ccw, f"{where}: exterior ring must be counter-clockwise (RFC 7946 §3.1.6)"
    else:
        assert not ccw, f"{where}: hole must be clockwise (RFC 7946 §3.1.6)"


def _check_polygon(rings, where):
    assert isinstance(rings, list) and rings, where
    for i, ring in enumerate(rings):
        _check_ring(ring, f"{where} ring {i}", exterior=(i == 0))


def check_geometry(geometry, where):
    assert isinstance(geometry, dict), where
    kind = geometry.get("type")
    if kind == "GeometryCollection":
        for i, part in enumerate(geometry["geometries"]):
            check_geometry(part, f"{where} part {i}")
        return
    coords = geometry.get("coordinates")
    assert coords is not None, f"{where}: no coordinates"
    if kind == "Point":
        _check_position(coords, where)
    elif kind == "MultiPoint":
        for pos in coords:
            _check_position(pos, where)
    elif kind == "LineString":
        _check_line(coords, where)
    elif kind == "MultiLineString":
        assert coords, where
        for line in coords:
            _check_line(line, where)
    elif kind == "Polygon":
        _check_polygon(coords, where)
    elif kind == "MultiPolygon":
        assert coords, where
        for i, polygon in enumerate(coords):
            _check_polygon(polygon, f"{where} polygon {i}")
    else:
        pytest.fail(f"{where}: {kind!r} is not a GeoJSON geometry type")
    if kind in ("Polygon", "MultiPolygon"):
        geom = shape(geometry)
        assert geom.is_valid, f"{where}: invalid polygon"


def check_feature(feature, where, types):
    assert feature.get("type") == "Feature", where
    assert "geometry" in feature and "properties" in feature, where
    assert feature["properties"] is None or isinstance(feature["properties"], dict), where
    if "id" in feature:
        assert isinstance(feature["id"], (str, int, float)), where
    if feature["geometry"] is not None:
        assert feature["geometry"]["type"] in types, (where, feature["geometry"]["type"])
        check_geometry(feature["geometry"], where)


@pytest.mark.parametrize("layer", LAYERS)
def test_layer_is_rfc7946_geojson(viewer, layer):
    response = viewer.get(f"{API}/{layer}?limit=10000" if layer != "parks" else f"{API}/parks")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    fc = response.get_json()
    assert fc["type"] == "FeatureCollection"
    assert "crs" not in fc  # RFC 7946 §4: no crs member, coordinates are WGS 84
    assert isinstance(fc["features"], list) and fc["features"], f"{layer}: empty demo layer"
    for feature in fc["features"]:
        where = f"{layer} {feature.get('id')}"
        check_feature(feature, where, GEOMETRY_TYPES[layer])
        assert feature["geometry"] is not None or layer == "projects", where


@pytest.mark.parametrize("layer", ["parks", "plots", "projects"])
def test_single_feature_is_rfc7946_geojson(viewer, conn, layer):
    feature_id = first_id(conn, layer)
    response = viewer.get(f"{API}/{layer}/{feature_id}")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    feature = response.get_json()
    assert feature["id"] == feature_id
    check_feature(feature, f"{layer} {feature_id}", GEOMETRY_TYPES[layer])


def test_plot_with_a_hole_keeps_ring_orientation(viewer, conn):
    # Stored clockwise on purpose: the API must still write CCW exterior, CW hole.
    plot = conn.execute("SELECT id, ST_X(ST_Centroid(geom)) AS x, ST_Y(ST_Centroid(geom)) AS y"
                        " FROM plots ORDER BY id LIMIT 1").fetchone()
    x, y, d, h = plot["x"] + 0.05, plot["y"], 0.002, 0.0005
    outer_cw = f"{x} {y},{x} {y + d},{x + d} {y + d},{x + d} {y},{x} {y}"
    hole_ccw = (f"{x + h} {y + h},{x + 2 * h} {y + h},{x + 2 * h} {y + 2 * h},"
                f"{x + h} {y + 2 * h},{x + h} {y + h}")
    conn.execute(
        "INSERT INTO plots (park_id, code, geom) SELECT min(id), 'TST-HOLE-1', "
        "ST_Multi(ST_GeomFromText(%s, 4490)) FROM parks",
        (f"POLYGON(({outer_cw}),({hole_ccw}))",))
    new_id = conn.execute("SELECT id FROM plots WHERE code = 'TST-HOLE-1'").fetchone()["id"]
    feature = get_json(viewer, f"{API}/plots/{new_id}")
    assert len(feature["geometry"]["coordinates"][0]) == 2
    check_feature(feature, "TST-HOLE-1", {"MultiPolygon"})
    listed = fetch_all(viewer, "plots", code="TST-HOLE")
    check_feature(listed[0], "TST-HOLE-1 listed", {"MultiPolygon"})


# --- other layers --------------------------------------------------------------------------

@pytest.mark.parametrize("utility", UTILITIES)
def test_networks_utility_filter(viewer, conn, utility):
    expected = {r["id"] for r in conn.execute("SELECT id FROM networks WHERE utility = %s",
                                              (utility,))}
    features = fetch_all(viewer, "networks", utility=utility)
    assert all(f["properties"]["utility"] == utility for f in features)
    assert {f["id"] for f in features} == expected


def test_bad_utility_is_a_400(viewer):
    message = assert_error(viewer.get(f"{API}/networks?utility=oil"), 400)
    assert "oil" in message and all(u in message for u in UTILITIES)


@pytest.mark.parametrize("status", STATUSES)
def test_roads_status_filter(viewer, conn, status):
    expected = {r["id"] for r in conn.execute("SELECT id FROM roads WHERE status = %s",
                                              (status,))}
    features = fetch_all(viewer, "roads", status=status)
    assert all(f["properties"]["status"] == status for f in features)
    assert {f["id"] for f in features} == expected


@pytest.mark.parametrize("layer", ["roads", "networks"])
def test_bad_status_is_a_400(viewer, layer):
    message = assert_error(viewer.get(f"{API}/{layer}?status=done"), 400)
    assert "done" in message and all(s in message for s in STATUSES)


def test_projects_carry_their_plots(viewer, conn):
    features = fetch_all(viewer, "projects")
    assert features
    plots = {f["properties"]["code"]: shape(f["geometry"]) for f in fetch_all(viewer, "plots")}
    with_plots = 0
    for feature in features:
        props = feature["properties"]
        expected = [r["code"] for r in conn.execute(
            "SELECT pl.code FROM project_plots pp JOIN plots pl ON pl.id = pp.plot_id "
            "WHERE pp.project_id = %s ORDER BY pl.code", (feature["id"],))]
        assert props["plots"] == expected, props["code"]
        if not expected:
            assert feature["geometry"] is None
            continue
        with_plots += 1
        assert feature["geometry"]["type"] == "MultiPolygon"
        union = shape(feature["geometry"])
        for code in expected:
            assert union.buffer(1e-6).contains(plots[code]), (props["code"], code)
        total = sum(plots[c].area for c in expected)
        assert union.area <= total * (1 + 1e-6)
    assert with_plots > 0


def test_project_detail_has_milestones_and_progress(viewer, conn):
    row = conn.execute(
        "SELECT project_id, count(*) AS n FROM milestones GROUP BY project_id "
        "ORDER BY count(*) DESC, project_id LIMIT 1").fetchone()
    assert row, "the demo has milestones"
    reports = conn.execute("SELECT count(*) AS n FROM progress_reports WHERE project_id = %s",
                           (row["project_id"],)).fetchone()["n"]
    feature = get_json(viewer, f"{API}/projects/{row['project_id']}")
    props = feature["properties"]
    assert len(props["milestones"]) == row["n"]
    for milestone in props["milestones"]:
        assert {"stage", "planned_on", "actual_on"} <= set(milestone)
    assert isinstance(props["progress"], list) and len(props["progress"]) == reports
    for report in props["progress"]:
        assert {"reported_on", "progress_pct"} <= set(report)
    assert "plots" in props


def test_project_stage_filter(viewer, conn):
    stage = conn.execute("SELECT stage FROM projects ORDER BY id LIMIT 1").fetchone()["stage"]
    features = fetch_all(viewer, "projects", stage=stage)
    assert features and all(f["properties"]["stage"] == stage for f in features)
    assert_error(viewer.get(f"{API}/projects?stage=dreaming"), 400)


# --- errors ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/nope", "/plots/1/nope", "/PLOTS"])
def test_unknown_api_path_is_a_json_404(viewer, path):
    assert_error(viewer.get(API + path), 404)


def test_unknown_api_path_is_a_json_404_for_anonymous_too(client):
    assert_error(client.get(f"{API}/nope"), 404)


@pytest.mark.parametrize(("method", "path"), [("POST", "/plots/1"), ("DELETE", "/plots"),
                                              ("PUT", "/plots/1"), ("DELETE", "/parks")])
def test_wrong_method_is_a_json_405(viewer, method, path):
    assert_error(viewer.open(API + path, method=method), 405)


def test_405_says_which_methods_are_allowed(viewer):
    # RFC 9110 §15.5.6: a 405 response MUST carry an Allow header
    response = viewer.put(f"{API}/plots/1")
    assert response.status_code == 405
    allowed = {m.strip() for m in response.headers.get("Allow", "").split(",") if m.strip()}
    assert {"GET", "PATCH", "DELETE"} <= allowed, response.headers


def test_oversize_request_is_a_json_413(db_url, conn):
    app = make_app(db_url, MAX_CONTENT_LENGTH=1024 * 1024)
    try:
        from app import users

        token = users.issue_token(conn, "test-planner")
        plot_id = first_id(conn, "plots")
        body = {"version": 1, "properties": {"name": "x" * (2 * 1024 * 1024)}}
        response = app.test_client().patch(f"{API}/plots/{plot_id}", json=body,
                                           headers={"Authorization": f"Bearer {token}"})
        assert "MB" in assert_error(response, 413)
        assert plot_row(conn, plot_id)["version"] == 1
    finally:
        app.extensions["parkatlas_pool"].close()


# --- OpenAPI -------------------------------------------------------------------------------

def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.removeprefix(API))


def _api_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(f"{API}/") and rule.rule not in (f"{API}/",
                                                                 f"{API}/openapi.json"):
            yield rule


def test_openapi_is_public_and_3_1(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"] == "3.1.0"
    assert doc["info"]["title"] and doc["info"]["version"]


def test_every_api_route_is_documented(app, client):
    doc = client.get(f"{API}/openapi.json").get_json()
    paths = doc["paths"]
    missing = []
    for rule in _api_rules(app):
        path = _openapi_path(rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method.lower() not in paths.get(path, {}):
                missing.append(f"{method} {path}")
    assert not missing, f"routes missing from openapi.json: {missing}"


def test_every_documented_operation_exists(app, client):
    doc = client.get(f"{API}/openapi.json").get_json()
    routes = {(_openapi_path(r.rule), m.lower()) for r in _api_rules(app) for m in r.methods}
    stale = [f"{m.upper()} {p}" for p, ops in doc["paths"].items() for m in ops
             if m in ("get", "put", "post", "delete", "patch") and (p, m) not in routes]
    assert not stale, f"documented but not routed: {stale}"


def _query_parameters(view) -> set[str]:
    """The query parameters an API view reads, from the helpers it calls."""
    from app.layers import LAYERS

    source = inspect.getsource(view)
    module = inspect.getmodule(view)
    for helper in set(re.findall(r"\b(_\w+)\(", source)):  # and the module's helpers it calls
        if inspect.isfunction(found := getattr(module, helper, None)):
            source += inspect.getsource(found)
    names = set(re.findall(r'request\.args\.get\("(\w+)"', source))
    names |= {"as_of"} if "as_of()" in source else set()
    names |= {"park"} if re.search(r"(?<![\w.])park\(", source) else set()
    names |= {"version"} if "_version_arg()" in source else set()
    for name in re.findall(r'feature_page\("(\w+)"\)', source):
        layer = LAYERS[name]
        names |= {"park", "limit", "after", "offset", *(f.name for f in layer.filters)}
        names |= ({"bbox"} if layer.bbox else set()) | ({"as_of"} if layer.as_of else set())
    return names


def test_the_parameter_reader_sees_what_views_read(app):
    views = app.view_functions
    assert _query_parameters(views["api.plot_list"]) == {
        "park", "bbox", "limit", "after", "offset", "as_of", "code", "q", "stage", "zone",
        "flag",
        "serviced"}
    assert _query_parameters(views["api.plan_export"]) >= {"format", "version"}
    assert _query_parameters(views["api.status_summary"]) == {"park", "as_of"}


def test_every_query_parameter_is_documented(app, client):
    doc = client.get(f"{API}/openapi.json").get_json()
    missing = []
    for rule in _api_rules(app):
        path = _openapi_path(rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            op = doc["paths"].get(path, {}).get(method.lower())
            if op is None:
                continue  # test_every_api_route_is_documented reports it
            params = [_resolve(doc, p["$ref"]) if "$ref" in p else p
                      for p in op.get("parameters", [])]
            documented = {p["name"] for p in params if p["in"] == "query"}
            for name in sorted(_query_parameters(app.view_functions[rule.endpoint])
                               - documented):
                missing.append(f"{method} {path} ?{name}")
    assert not missing, f"query parameters missing from openapi.json: {missing}"


def _resolve(doc, ref: str):
    node = doc
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


def test_openapi_refs_resolve_and_path_parameters_are_declared(client):
    doc = client.get(f"{API}/openapi.json").get_json()

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                assert node["$ref"].startswith("#/"), node
                _resolve(doc, node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(doc)
    for path, operations in doc["paths"].items():
        names = set(re.findall(r"{([^}]+)}", path))
        for method, op in operations.items():
            params = [_resolve(doc, p["$ref"]) if "$ref" in p else p
                      for p in op.get("parameters", [])]
            declared = {p["name"] for p in params if p["in"] == "path"}
            assert declared == names, (method, path, declared)


# --- edits ---------------------------------------------------------------------------------

def _patch(client, plot_id: int, body: dict, **headers):
    return client.patch(f"{API}/plots/{plot_id}", json=body, headers=headers)


def test_patch_changes_a_field_and_bumps_the_version(planner, conn):
    plot_id = first_id(conn, "plots")
    before = plot_row(conn, plot_id)
    response = _patch(planner, plot_id, {"version": before["version"],
                                         "properties": {"owner": "测试村民委员会"}})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/geo+json"
    props = response.get_json()["properties"]
    assert props["owner"] == "测试村民委员会"
    assert props["version"] == before["version"] + 1
    after = plot_row(conn, plot_id)
    assert after["owner"] == "测试村民委员会" and after["version"] == before["version"] + 1
    assert after["code"] == before["code"] and after["wkb"] == before["wkb"]
    assert after["approved_on"] == before["approved_on"]
    detail = get_json(planner, f"{API}/plots/{plot_id}")
    assert detail["properties"]["owner"] == "测试村民委员会"


def test_patch_is_audited_with_the_editor(planner, conn):
    plot_id = first_id(conn, "plots")
    version = plot_row(conn, plot_id)["version"]
    assert _patch(planner, plot_id, {"version": version,
                                     "properties": {"name": "审计测试"}}).status_code == 200
    row = conn.execute(
        "SELECT actor, before ->> 'name' AS old, after ->> 'name' AS new FROM audit_log "
        "WHERE table_name = 'plots' AND row_id = %s AND action = 'update' "
        "ORDER BY id DESC LIMIT 1", (str(plot_id),)).fetchone()
    assert row and row["actor"] == "test-planner" and row["new"] == "审计测试"


def test_patch_version_from_if_match(planner, conn):
    plot_id = first_id(conn, "plots")
    version = plot_row(conn, plot_id)["version"]
    response = _patch(planner, plot_id, {"properties": {"levelled": True}},
                      **{"If-Match": f'"{version}"'})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert plot_row(conn, plot_id)["levelled"] is True


def test_stale_version_is_a_409_and_changes_nothing(planner, conn):
    plot_id = first_id(conn, "plots")
    version = plot_row(conn, plot_id)["version"]
    first = _patch(planner, plot_id, {"version": version, "properties": {"owner": "甲"}})
    assert first.status_code == 200
    second = _patch(planner, plot_id, {"version": version, "properties": {"owner": "乙"}})
    assert_error(second, 409)
    assert second.get_json()["error"]["details"]["current_version"] == version + 1
    row = plot_row(conn, plot_id)
    assert row["owner"] == "甲" and row["version"] == version + 1


def test_patch_without_version_is_a_400(planner, conn):
    plot_id = first_id(conn, "plots")
    before = plot_row(conn, plot_id)
    message = assert_error(_patch(planner, plot_id, {"properties": {"owner": "乙"}}), 400)
    assert "version" in message
    assert plot_row(conn, plot_id)["version"] == before["version"]


def test_unknown_field_is_a_400_naming_it(planner, conn):
    plot_id = first_id(conn, "plots")
    before = plot_row(conn, plot_id)
    response = _patch(planner, plot_id, {"version": before["version"], "properties": {
        "owner": "乙", "colour": "red", "stage": "operating"}})
    message = assert_error(response, 400)
    assert "colour" in message and "stage" in message
    assert plot_row(conn, plot_id) == before


def test_unknown_plot_patch_is_a_404(planner):
    assert_error(_patch(planner, 999999, {"version": 1, "properties": {"owner": "乙"}}), 404)


def test_dates_out_of_order_are_a_400_naming_both_events(planner, conn):
    row = conn.execute(
        "SELECT * FROM plots WHERE approved_on IS NOT NULL ORDER BY id LIMIT 1").fetchone()
    assert row, "the demo has approved plots"
    early = row["approved_on"] - dt.timedelta(days=30)
    # clear the events in between so that supply directly follows approval
    changes = {"requisitioned_on": None, "banked_on": None, "supplied_on": early.isoformat(),
               "agreed_start_on": None, "delivered_on": None, "started_on": None,
               "completed_on": None, "operating_on": None}
    before = plot_row(conn, row["id"])
    response = _patch(planner, row["id"], {"version": row["version"], "properties": changes})
    message = assert_error(response, 400)
    assert "供地" in message and "批复" in message, message  # both events, by name
    assert plot_row(conn, row["id"]) == before


@pytest.mark.parametrize(("field", "value"), [("approved_on", "2024-13-45"),
                                              ("levelled", "maybe"), ("land_price", -5),
                                              ("owner_type", "private"), ("land_class", "rice")])
def test_wrong_value_is_a_400(planner, conn, field, value):
    plot_id = first_id(conn, "plots")
    before = plot_row(conn, plot_id)
    response = _patch(planner, plot_id, {"version": before["version"],
                                         "properties": {field: value}})
    assert_error(response, 400)
    assert plot_row(conn, plot_id) == before


@pytest.mark.parametrize("value", ["infinity", "yesterday"])
def test_dates_must_be_real_calendar_dates(planner, conn, value):
    # DESIGN/gis_data: dates are ISO YYYY-MM-DD; PostgreSQL's special date words are not
    # dates a land officer recorded ('yesterday' even depends on the server's clock).
    plot_id = first_id(conn, "plots")
    before = plot_row(conn, plot_id)
    response = _patch(planner, plot_id, {"version": before["version"],
                                         "properties": {"approved_on": value}})
    assert_error(response, 400)
    assert plot_row(conn, plot_id) == before


def test_self_intersecting_geometry_is_a_400(planner, conn):
    plot = conn.execute("SELECT id, version, ST_X(ST_Centroid(geom)) AS x, "
                        "ST_Y(ST_Centroid(geom)) AS y FROM plots ORDER BY id LIMIT 1").fetchone()
    x, y, d = plot["x"], plot["y"], 0.001
    bow_tie = {"type": "Polygon", "coordinates": [[[x, y], [x + d, y + d], [x + d, y],
                                                   [x, y + d], [x, y]]]}
    before = plot_row(conn, plot["id"])
    response = _patch(planner, plot["id"], {"version": plot["version"],
                                            "properties": {"owner": "乙"},
                                            "geometry": bow_tie})
    message = assert_error(response, 400)
    assert "自相交" in message and "Self-intersection" not in message, message
    assert plot_row(conn, plot["id"]) == before


@pytest.mark.parametrize("geometry", [{"type": "LineString", "coordinates": [[113, 29],
                                                                             [113.1, 29.1]]},
                                      "POLYGON((0 0,1 0,1 1,0 0))", []])
def test_non_polygon_geometry_is_a_400(planner, conn, geometry):
    plot_id = first_id(conn, "plots")
    before = plot_row(conn, plot_id)
    response = _patch(planner, plot_id, {"version": before["version"], "geometry": geometry})
    message = assert_error(response, 400)
    assert "geometry" in message
    assert plot_row(conn, plot_id) == before


def test_swapped_coordinates_are_a_400(planner, conn):
    plot = conn.execute("SELECT id, version, ST_X(ST_Centroid(geom)) AS x, "
                        "ST_Y(ST_Centroid(geom)) AS y FROM plots ORDER BY id LIMIT 1").fetchone()
    x, y, d = plot["y"], plot["x"], 0.001  # latitude, longitude
    square = {"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d],
                                                  [x, y + d], [x, y]]]}
    before = plot_row(conn, plot["id"])
    response = _patch(planner, plot["id"], {"version": plot["version"], "geometry": square})
    message = assert_error(response, 400)
    assert "中国境外" in message and "CGCS2000" in message, message
    assert plot_row(conn, plot["id"]) == before


def test_new_geometry_changes_the_area(planner, conn):
    plot = conn.execute("SELECT id, version, area_m2, ST_X(ST_Centroid(geom)) AS x, "
                        "ST_Y(ST_Centroid(geom)) AS y FROM plots ORDER BY id LIMIT 1").fetchone()
    x, y, d = plot["x"], plot["y"], 0.0002  # inside the plot: no overlap
    square = {"type": "Polygon", "coordinates": [[[x, y], [x + d, y], [x + d, y + d],
                                                  [x, y + d], [x, y]]]}
    response = _patch(planner, plot["id"], {"version": plot["version"], "geometry": square})
    assert response.status_code == 200, response.get_data(as_text=True)
    props = response.get_json()["properties"]
    # the ellipsoidal area of the square (about 19.4 m × 22.2 m at 29.5°N); GK's scale
    # error near the central meridian is far below 0.1%
    geodesic, _ = Geod(ellps="GRS80").geometry_area_perimeter(shape(square))
    assert props["area_m2"] == pytest.approx(abs(geodesic), rel=1e-3)
    assert props["area_m2"] != pytest.approx(plot["area_m2"], rel=1e-6)
    assert props["area_mu"] == pytest.approx(props["area_m2"] * 15 / 10000)


# --- a broken rule and a bad date, in the user's language (issue 8) ------------------------

@pytest.mark.parametrize(("lang", "words"), [
    ("zh", "地块 {code}，字段 disposal_on：处置方式（disposal）与处置日期"),
    ("en", "plot {code}, field disposal_on: a disposal (disposal) and its date")])
def test_a_broken_plot_rule_names_plot_and_field_in_the_users_language(planner, conn, lang,
                                                                        words):
    row = conn.execute("SELECT id, code, version FROM plots WHERE disposal IS NULL "
                       "ORDER BY id LIMIT 1").fetchone()
    planner.get(f"/login?lang={lang}")
    response = _patch(planner, row["id"], {"version": row["version"],
                                           "properties": {"disposal": "fee"}})
    error = api_error(response, 400)
    assert error["code"] == "invalid_input"
    assert error["message"].startswith(words.format(code=row["code"])), error["message"]
    assert not re.search(r"violates|plots_disposal_dated|Failing row", error["message"])
    assert plot_row(conn, row["id"])["disposal"] is None


@pytest.mark.parametrize("as_of", ["2026-02-30", "2026-13-01", "tomorrow", "20261122x"])
def test_a_malformed_as_of_is_a_400(viewer, as_of):
    for path in ("plots", "status/summary", "idle"):
        response = viewer.get(f"{API}/{path}?{urlencode({'park': 'JSCY', 'as_of': as_of})}")
        message = assert_error(response, 400)
        assert as_of in message and "as_of" in message, message


def test_status_summary_lists_stages_in_lifecycle_order(viewer, conn):
    summary = get_json(viewer, f"{API}/status/summary")
    stages = [s["stage"] for s in summary["stages"]]
    assert len(stages) > 2
    assert stages == sorted(stages, key=list(STAGES).index)
    assert sum(s["count"] for s in summary["stages"]) == summary["plots"] == conn.execute(
        "SELECT count(*) AS n FROM plots WHERE park_id = (SELECT min(id) FROM parks)"
    ).fetchone()["n"]


def test_projects_take_no_bbox_as_before(viewer):
    # projects are not narrowed by a bbox (their geometry is their plots'), so none is read
    everything = get_json(viewer, f"{API}/projects")
    assert get_json(viewer, f"{API}/projects?bbox=not-a-box") == everything
