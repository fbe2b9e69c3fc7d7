"""Staging and validation in PostGIS (issue 13 item 4): every problem of every feature found
set-based, each naming the feature, the field and what is wrong, in Chinese and English;
20 000 features staged and validated in seconds."""

from __future__ import annotations

import time

import pytest
from flask_babel import force_locale, gettext
from shapely.geometry import LineString, Point

from app.errors import BadRequest
from app.imports import commit, mapping, staging
from app.imports.incoming import CrsCandidate
from tests.builders import GK_EPSG, ORIGIN, Site, incoming, make_app, square

X, Y = ORIGIN
BOW_TIE = [(X, Y + 2000), (X + 100, Y + 2100), (X + 100, Y + 2000), (X, Y + 2100),
           (X, Y + 2000)]


def park(conn) -> int:
    return conn.execute("SELECT id FROM parks WHERE code = 'JSCY'").fetchone()["id"]


def validate(conn, inc, layer="plots", **options):
    m = mapping.guess(layer, staging.source_fields(inc))
    if "area_unit" in options:
        m = mapping.Mapping(m.fields, options.pop("area_unit"))
    return commit.validate(conn, park(conn), layer, inc, m, GK_EPSG, commit.Options(**options))


def kinds(report) -> list[tuple[int, str, str]]:
    return [(p.n, p.field, p.kind) for p in report.problems]


def test_a_clean_file_has_no_problem_and_previews_in_4326(conn):
    inc = incoming([(square(X + 200 * i, Y, 100), {"DKBH": f"IMP-{i}", "DLBM": "0601",
                                                   "MJ": 10_000}) for i in range(3)])
    preview, report = validate(conn, inc)
    assert report.problems == [] and report.state == "dry_run"
    assert report.counts["inserted"] == 3
    assert len(preview["features"]) == 3
    lon, lat = preview["features"][0]["geometry"]["coordinates"][0][0]
    assert 100 < lon < 125 and 20 < lat < 40
    assert preview["features"][0]["properties"]["code"] == "IMP-0"


def test_each_problem_names_its_feature_and_field(conn):
    site = Site(conn)
    taken = site.plot(at=(X + 3000, Y), size=100, code="TAKEN-1")
    inc = incoming([
        (square(X, Y, 100), {"DKBH": "A-1", "DLBM": "0601"}),                     # 1 fine
        (BOW_TIE, {"DKBH": "A-2"}),                                               # 2 invalid
        (None, {"DKBH": "A-3"}),                                                  # 3 empty
        (LineString([(X, Y + 500), (X + 50, Y + 500)]), {"DKBH": "A-4"}),         # 4 type
        (square(X + 200, Y, 100), {"DKBH": "A-1"}),                               # 5 dup file
        (square(X + 400, Y, 100), {"DKBH": "TAKEN-1"}),                           # 6 dup park
        (square(taken.x0 + 50, taken.y0, 100), {"DKBH": "A-7"}),                  # 7 overlap
        (square(X + 600, Y, 100), {"DKBH": "A-8", "MJ": 10_500}),                 # 8 area
        (square(X + 800, Y, 100), {"DKBH": "A-9", "DLBM": "9999"}),               # 9 class
        (square(X + 1000, Y, 100), {"DKBH": "bad code!"}),                        # 10 field
        (square(X + 1020, Y + 50, 100), {"DKBH": "A-11"}),                        # 11 overlaps 10
    ])
    _, report = validate(conn, inc)
    assert kinds(report) == [
        (2, "geometry", "invalid"), (3, "geometry", "empty"), (4, "geometry", "wrong_type"),
        (5, "code", "duplicate_in_file"), (6, "code", "duplicate_in_park"),
        (7, "geometry", "overlap"), (8, "declared_area", "area"), (9, "land_class", "land_class"),
        (10, "code", "field"), (11, "geometry", "overlap_in_file")]
    messages = {p.n: str(p.text) for p in report.problems}
    assert messages[2].startswith("feature 2, field Geometry: the geometry is not valid: "
                                  "self-intersection at longitude 1")
    assert "already used by feature 1" in messages[5]
    assert "TAKEN-1" in messages[6] and "plot TAKEN-1 by 5000.0 m²" in messages[7]
    assert "10500.0 m²" in messages[8] and "10000.0 m²" in messages[8]
    assert "9999 is not a land class code of GB/T 21010" in messages[9]
    assert report.state == "refused" and report.counts["refused"] == 10
    with make_app(conn.info.dsn).test_request_context(), force_locale("zh"):
        zh = report.problems[0].text.translate(gettext)
    assert "几何图形无效：自相交，位于经度 1" in zh


def test_update_by_code_is_no_duplicate_and_not_an_overlap_with_itself(conn):
    site = Site(conn)
    mine = site.plot(at=(X + 3000, Y + 1000), size=100, code="UPS-1")
    inc = incoming([(square(mine.x0 + 10, mine.y0, 100), {"DKBH": "UPS-1"})])
    assert kinds(validate(conn, inc)[1])[0][2] == "duplicate_in_park"
    assert validate(conn, inc, mode="upsert")[1].problems == []


def test_the_declared_area_unit_from_the_field_name_and_a_wrong_unit_said(conn):
    one_mu = 10_000 / 15
    inc = incoming([(square(X, Y, 100), {"DKBH": "U-1", "面积(亩)": 15.0}),
                    (square(X + 200, Y, 100), {"DKBH": "U-2", "面积(亩)": 2.0})])
    _, report = validate(conn, inc)
    assert kinds(report) == [(2, "declared_area", "area")]
    assert "looks like" not in str(report.problems[0].text)
    m2 = incoming([(square(X, Y, 100), {"DKBH": "U-3", "MJ": 1.0})])  # 1 公顷 written as m²
    _, report = validate(conn, m2)
    assert "looks like hectares (公顷), not m²" in str(report.problems[0].text)
    assert round(one_mu, 3) == round(mapping.UNITS["mu"], 3)


def test_repair_makes_the_bow_tie_valid(conn):
    inc = incoming([(BOW_TIE, {"DKBH": "REP-1"})])
    preview, report = validate(conn, inc, treatment="repair")
    assert report.problems == [] and report.counts["repaired"] == 1
    assert preview["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_networks_take_lines_and_points_roads_only_lines(conn):
    line = LineString([(X, Y), (X + 100, Y)])
    point = Point(X + 50, Y + 50)
    props = {"GXLX": "给水", "ZT": "已建"}
    _, report = validate(conn, incoming([(line, props), (point, props)]), layer="networks")
    assert report.problems == []
    _, report = validate(conn, incoming([(line, {"DLMC": "经一路", "ZT": "在建"}),
                                         (point, {"DLMC": "x", "ZT": "在建"})]), layer="roads")
    assert kinds(report) == [(2, "geometry", "wrong_type")]


def test_a_file_without_a_crs_needs_a_choice_unless_there_is_one_candidate(conn):
    inc = incoming([(square(X, Y, 10), {})], crs=None, crs_candidates=[
        CrsCandidate(4526, "CGCS2000 GK 38", 114, 29, 1.0),
        CrsCandidate(2362, "Xian80 GK 38", 114, 29, 1.0)])
    with pytest.raises(BadRequest) as refused:
        staging.crs_of(inc, None)
    assert refused.value.code == "crs_required"
    assert [c["epsg"] for c in refused.value.details["candidates"]] == [4526, 2362]
    assert staging.crs_of(inc, 4526) == 4526
    inc.crs_candidates.pop()
    assert staging.crs_of(inc, None) == 4526


def test_20000_features_are_staged_and_validated_in_seconds(conn):
    n = 20_000
    inc = incoming([(square(X + 20 * (i % 200), Y + 4000 + 20 * (i // 200), 15),
                     {"DKBH": f"BIG-{i}", "DLBM": "0601", "MJ": 225.0}) for i in range(n)])
    started = time.perf_counter()
    _, report = validate(conn, inc)
    took = time.perf_counter() - started
    assert report.problems == [] and report.counts["inserted"] == n
    assert took < 20, took
