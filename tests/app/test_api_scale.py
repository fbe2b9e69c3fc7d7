"""The API at scale (issue 14 item 4): the as-of evaluation of only the plots a request
asks for, keyset paging, gzip and ETag.

The restricted evaluation must give exactly what the whole-park one gives, for every date:
the stored date (rows read by key), other dates (evaluated on the spot) and a mix (some
plots without stored rows).
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import random

import pytest

from app import layers, params
from app.errors import BadRequest
from tests.client import api_error, login

API = "/api/v1"
ALL = params.Page(limit=params.MAX_LIMIT, offset=0)
STATUS_COLUMNS = "plot_id, park_id, evaluated_on, stage, flags, reasons, details"
READINESS_COLUMNS = ("plot_id, park_id, evaluated_on, utilities, levelled, level, level_name, "
                     "level_name_en, serviced")


def _park_today(conn) -> tuple[int, dt.date]:
    row = conn.execute("SELECT id, park_today(id) AS d FROM parks ORDER BY id LIMIT 1").fetchone()
    return row["id"], row["d"]


def _dates(today: dt.date) -> list[dt.date]:
    """Today (stored rows), and dates before and after it that move idle clocks and stages."""
    return [today, today - dt.timedelta(days=700), today - dt.timedelta(days=120),
            today + dt.timedelta(days=1), today + dt.timedelta(days=400),
            today + dt.timedelta(days=1100)]


def _rows(conn, function: str, columns: str, park: int, day: dt.date, ids=None) -> dict:
    args = "%s, %s" if ids is None else "%s, %s, %s::int[]"
    values = [park, day] if ids is None else [park, day, ids]
    return {r["plot_id"]: r for r in conn.execute(
        f"SELECT {columns} FROM {function}({args})", values)}


@pytest.mark.parametrize("function,columns", [("plot_status_as_of", STATUS_COLUMNS),
                                              ("plot_readiness_as_of", READINESS_COLUMNS)])
def test_the_evaluation_of_some_plots_is_the_whole_parks_for_those_plots(conn, function,
                                                                         columns):
    park, today = _park_today(conn)
    ids = [r["id"] for r in conn.execute("SELECT id FROM plots WHERE park_id = %s ORDER BY id",
                                         [park])]
    some = random.Random(14).sample(ids, 60)
    # a few plots without a stored row: today they are evaluated, the others read
    table = "plot_status" if "status" in function else "plot_readiness"
    conn.execute(f"DELETE FROM {table} WHERE plot_id = ANY(%s)", [some[:5]])
    for day in _dates(today):
        whole = _rows(conn, function, columns, park, day)
        assert set(whole) == set(ids)
        assert all(r["evaluated_on"] == day for r in whole.values())
        part = _rows(conn, function, columns, park, day, some)
        assert part == {i: whole[i] for i in some}, day
        assert _rows(conn, function, columns, park, day, []) == {}
    # another park's plot is not evaluated as this park's
    other = conn.execute("SELECT id FROM parks WHERE id <> %s LIMIT 1", [park]).fetchone()
    if other is not None:
        assert _rows(conn, function, columns, other["id"], today, some) == {}


def _in_box(conn, bbox) -> set[int]:
    return {r["id"] for r in conn.execute(
        "SELECT id FROM plots WHERE ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, 4490))",
        bbox)}


def _a_box(conn, n: int = 30) -> tuple:
    row = conn.execute("""SELECT ST_XMin(e) AS a, ST_YMin(e) AS b, ST_XMax(e) AS c,
                                 ST_YMax(e) AS d FROM (SELECT ST_Extent(geom) AS e FROM
                                 (SELECT geom FROM plots ORDER BY code LIMIT %s) s) x""",
                       [n]).fetchone()
    return row["a"], row["b"], row["c"], row["d"]


def test_a_bbox_page_has_the_status_and_readiness_of_the_whole_park_for_every_date(conn):
    park, today = _park_today(conn)
    bbox = _a_box(conn)
    inside = _in_box(conn, bbox)
    assert 30 <= len(inside) < conn.execute("SELECT count(*) AS n FROM plots").fetchone()["n"]
    for day in _dates(today):
        status = _rows(conn, "plot_status_as_of", STATUS_COLUMNS, park, day)
        ready = _rows(conn, "plot_readiness_as_of", READINESS_COLUMNS, park, day)
        got = layers.search(conn, layers.LAYERS["plots"], park, bbox, ALL,
                            None if day == today else day)
        assert got["matched"] == len(got["features"]) == len(inside)
        for f in got["features"]:
            props, want, rd = f["properties"], status[f["id"]], ready[f["id"]]
            assert (props["stage"], props["flags"], props["evaluated_on"]) == (
                want["stage"], list(want["flags"]), day.isoformat())
            assert (props["level"], props["level_name"], props["serviced"]) == (
                rd["level"], rd["level_name"], rd["serviced"])


@pytest.mark.parametrize("name,value", [("stage", "under_construction"), ("flag", "idle"),
                                        ("serviced", True), ("flag", "low_efficiency")])
def test_state_filters_count_what_the_whole_park_evaluation_counts(conn, name, value):
    park, today = _park_today(conn)
    for day in _dates(today)[:4]:
        status = _rows(conn, "plot_status_as_of", STATUS_COLUMNS, park, day)
        ready = _rows(conn, "plot_readiness_as_of", READINESS_COLUMNS, park, day)
        want = {i for i in status if (
            status[i]["stage"] == value if name == "stage" else
            value in status[i]["flags"] if name == "flag" else ready[i]["serviced"] is value)}
        got = layers.search(conn, layers.LAYERS["plots"], park, None,
                            params.Page(limit=7, offset=0), day, **{name: value})
        assert got["matched"] == len(want)
        assert {f["id"] for f in got["features"]} <= want
        assert len(got["features"]) == min(7, len(want))


@pytest.mark.parametrize("name,filters", [("plots", {}), ("plots", {"flag": "idle"}),
                                          ("plots", {"zone": None}), ("roads", {}),
                                          ("networks", {}), ("zones", {}), ("projects", {})])
def test_keyset_pages_are_the_offset_pages(conn, name, filters):
    layer = layers.LAYERS[name]
    # one date for both reads: a run across the park's midnight must not compare two days
    day = conn.execute("SELECT park_today(min(id)) AS d FROM parks").fetchone()["d"] \
        if layer.as_of else None
    everything = layers.search(conn, layer, None, None, ALL, day, **filters)["features"]
    assert len(everything) > 2
    walked, after, pages = [], None, 0
    while True:
        page = layers.search(conn, layer, None, None, params.Page(2, 0, after), day, **filters)
        assert page["matched"] == len(everything)
        walked += page["features"]
        pages += 1
        after = page["next"]
        if after is None:
            break
        assert len(page["features"]) == 2
        after = params.cursor(params.cursor_text(after))  # as it travels in a link
    assert [f["id"] for f in walked] == [f["id"] for f in everything]
    assert walked == everything
    assert pages == -(-len(everything) // 2)
    # offset still works, after the key as well
    assert layers.search(conn, layer, None, None, params.Page(2, 1), **filters)["features"] \
        == everything[1:3]


@pytest.mark.parametrize("value", ["not-base64!", "bm90IGpzb24", params.cursor_text([1]),
                                   params.cursor_text(["1", "NQ-01"]),
                                   params.cursor_text([True, "x"])])
def test_a_key_that_is_not_the_layers_is_refused(conn, value):
    with pytest.raises(BadRequest):
        key = params.cursor(value)
        layers.search(conn, layers.LAYERS["plots"], None, None, params.Page(3, 0, key))


def test_next_links_walk_the_plots_by_key_and_a_forged_key_is_a_400(client):
    login(client, "viewer")
    url, seen = f"{API}/plots?limit=30&flag=supplied_not_used", []
    while url:
        fc = client.get(url).get_json()
        seen += [f["id"] for f in fc["features"]]
        links = [link["href"] for link in fc["links"] if link["rel"] == "next"]
        url = links[0] if links else None
        assert url is None or ("after=" in url and "offset" not in url and "flag=" in url)
    assert len(seen) == len(set(seen)) == fc["numberMatched"] > 30
    response = client.get(f"{API}/plots?after={params.cursor_text(['x', 'y'])}&lang=en")
    assert "after" in api_error(response, 400)["message"]


def test_geojson_is_gzipped_when_asked_and_has_an_etag_that_answers_304(client):
    login(client, "viewer")
    plain = client.get(f"{API}/plots?limit=20")
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    tag = plain.headers["ETag"]
    assert "Accept-Encoding" in plain.headers["Vary"]
    zipped = client.get(f"{API}/plots?limit=20", headers={"Accept-Encoding": "gzip, br"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(zipped.data)) == plain.get_json()
    assert len(zipped.data) < len(plain.data) / 3
    assert zipped.headers["ETag"] != tag  # another representation, another strong tag
    for sent in (tag, zipped.headers["ETag"]):
        again = client.get(f"{API}/plots?limit=20", headers={"If-None-Match": sent})
        assert again.status_code == 304 and again.data == b""
    other = client.get(f"{API}/plots?limit=21", headers={"If-None-Match": tag})
    assert other.status_code == 200 and other.headers["ETag"] != tag
    # plain JSON is gzipped too, and has no ETag
    summary = client.get(f"{API}/status/summary", headers={"Accept-Encoding": "gzip"})
    assert summary.headers["Content-Encoding"] == "gzip" and "ETag" not in summary.headers
    # an error is sent as it is
    missing = client.get(f"{API}/plots/999999", headers={"Accept-Encoding": "gzip"})
    assert missing.status_code == 404 and "Content-Encoding" not in missing.headers


def test_zone_and_search_filters_find_in_the_plots_table_what_the_view_finds(conn):
    """The plot lists find their candidates in `plots`, not through plot_features (issue
    14): the zone and search filters pick what the view's zone_code and name picked."""
    zones = [r["z"] for r in conn.execute("SELECT DISTINCT zone_code AS z FROM plot_features "
                                          "WHERE zone_code IS NOT NULL")]
    assert len(zones) > 1
    for zone in zones:
        want = {r["id"] for r in conn.execute("SELECT id FROM plot_features WHERE zone_code = %s",
                                              [zone])}
        got = layers.search(conn, layers.LAYERS["plots"], None, None, ALL, zone=zone)
        assert {f["id"] for f in got["features"]} == want and got["matched"] == len(want)
        guest = layers.search(conn, layers.GUEST_LAYERS["plots"], None, None, ALL, zone=zone)
        assert {f["id"] for f in guest["features"]} <= want
    names = [r["name"] for r in conn.execute(
        "SELECT properties ->> 'name' AS name FROM plot_features "
        "WHERE length(properties ->> 'name') > 3 ORDER BY id LIMIT 4")]
    code = conn.execute("SELECT code FROM plots ORDER BY id LIMIT 1").fetchone()["code"]
    for q in [n[1:3] for n in names] + [code[:4].lower()]:
        want = {r["id"] for r in conn.execute(
            "SELECT id FROM plot_features WHERE starts_with(upper(code), upper(%(q)s)) "
            "OR strpos(lower(properties ->> 'name'), lower(%(q)s)) > 0", {"q": q})}
        got = layers.search(conn, layers.LAYERS["plots"], None, None, ALL, q=q)
        assert want and {f["id"] for f in got["features"]} == want, q


def test_a_bbox_page_is_the_views_features_and_answers_304_until_a_plot_changes(client, conn):
    """The page's features go out as PostgreSQL wrote them: each plot's properties are the
    plot_features view's plus its state; numberMatched / numberReturned count them; the
    page's ETag answers 304, and no more once a plot in the box has changed."""
    login(client, "viewer")
    park, _today = _park_today(conn)
    bbox = _a_box(conn)
    inside = _in_box(conn, bbox)
    url = f"{API}/plots?park={park}&bbox={','.join(map(str, bbox))}&limit=12"
    response = client.get(url)
    fc = response.get_json()
    assert response.mimetype == "application/geo+json"
    assert fc["numberMatched"] == len(inside) and fc["numberReturned"] == 12
    assert [f["id"] for f in fc["features"]] == [r["id"] for r in conn.execute(
        "SELECT id FROM plots WHERE id = ANY(%s) ORDER BY code LIMIT 12", [list(inside)])]
    view = {r["id"]: r["properties"] for r in conn.execute(
        "SELECT id, properties FROM plot_features WHERE id = ANY(%s)", [list(inside)])}
    for feature in fc["features"]:
        props = feature["properties"]
        assert {k: props[k] for k in view[feature["id"]]} == view[feature["id"]]
        assert feature["geometry"]["type"] == "MultiPolygon"
    tag = response.headers["ETag"]
    again = client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b""
    conn.execute("UPDATE plots SET owner = '新业主' WHERE id = %s", [fc["features"][0]["id"]])
    changed = client.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert changed.get_json()["features"][0]["properties"]["owner"] == "新业主"
