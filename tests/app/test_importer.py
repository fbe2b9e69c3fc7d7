"""The data set loader: the demo loads whole; a bad file loads nothing and says why."""

import json
import re
import shutil

import pytest
from babel.support import Translations
from pyproj import Transformer
from shapely.geometry import Polygon

from app import importer
from app.errors import AtlasError, BadRequest, Conflict
from tests.builders import ROOT, lonlat_square, write_dataset


def test_demo_park_is_complete(conn):
    """The demo meets the foundation issue's bar (counts, stages, networks, projects)."""
    n = conn.execute("""SELECT (SELECT count(*) FROM plots) AS plots,
                               (SELECT count(*) FROM zones) AS zones,
                               (SELECT count(*) FROM roads) AS roads,
                               (SELECT count(DISTINCT utility) FROM networks) AS utilities,
                               (SELECT count(*) FROM projects) AS projects,
                               (SELECT count(*) FROM project_plots) AS occupied,
                               (SELECT count(*) FROM milestones) AS milestones,
                               (SELECT count(*) FROM compensation_rates) AS rates,
                               (SELECT count(*) FROM price_zones) AS price_zones""").fetchone()
    assert 300 <= n["plots"] <= 600
    assert n["zones"] >= 3 and n["roads"] >= 12 and n["utilities"] == 6
    assert n["projects"] >= 20 and n["occupied"] >= 20 and n["milestones"] > 0
    assert n["rates"] > 0 and n["price_zones"] >= 2
    stages = {r["s"] for r in conn.execute("SELECT DISTINCT plot_stage(p) AS s FROM plots p")}
    assert stages == {"planned", "approved", "requisitioned", "banked", "supplied", "delivered",
                      "under_construction", "completed", "operating"}
    sizes = conn.execute("SELECT min(area_m2) * 15 / 10000 AS lo, max(area_m2) * 15 / 10000 AS hi "
                         "FROM plots").fetchone()
    assert sizes["lo"] >= 10 and sizes["hi"] <= 200
    statuses = {r["status"] for r in conn.execute("SELECT DISTINCT status FROM networks")}
    assert {"in_service", "planned"} <= statuses


@pytest.fixture
def copy_of_demo(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(importer.DEMO_DIR, target)
    return next(target.glob("*/park.json")).parent


def _rewrite(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _load_into_fresh_park(conn, folder):
    _rewrite(folder / "park.json", lambda p: p.update(code="COPY"))
    return importer.load_dataset(conn, folder.parent)


def test_copy_of_demo_loads_as_second_park(conn, copy_of_demo):
    before = conn.execute("SELECT count(*) AS n FROM plots").fetchone()["n"]
    [park] = _load_into_fresh_park(conn, copy_of_demo)
    assert park["plots"] == before


def _bowtie_last_plot(fc):
    fc["features"][-1]["geometry"] = {"type": "Polygon", "coordinates": [[
        [113.0, 29.45], [113.002, 29.452], [113.002, 29.45], [113.0, 29.452], [113.0, 29.45]]]}


def _swap_dates(fc):
    props = next(f["properties"] for f in fc["features"] if f["properties"].get("started_on"))
    props["started_on"], props["completed_on"] = "2024-03-02", "2024-03-01"
    props["operating_on"] = None


@pytest.mark.parametrize(("file", "change", "message"), [
    ("plots.geojson", _bowtie_last_plot, "invalid geometry: Self-intersection"),
    ("plots.geojson", _swap_dates,
     "the date of Completed (2024-03-01) is earlier than the date of Start of "
     "construction (2024-03-02)"),
    ("plots.geojson", lambda fc: fc["features"][0]["properties"].update(zone="NOPE"),
     'field zone: "NOPE" is not a zone code of zones.geojson'),
    ("plots.geojson", lambda fc: fc.update(crs={"type": "name", "properties": {
        "name": "urn:ogc:def:crs:EPSG::3857"}}),
     "plots.geojson, field crs: coordinates must be CGCS2000 (EPSG:4490) or WGS 84"),
    ("roads.geojson", lambda fc: fc.update(type="Feature"),
     "roads.geojson, field type: must be a GeoJSON FeatureCollection"),
])
def test_bad_file_loads_nothing(conn, copy_of_demo, file, change, message):
    _rewrite(copy_of_demo / file, change)
    before = conn.execute("SELECT count(*) AS parks FROM parks").fetchone()
    with pytest.raises(BadRequest, match=message.replace("(", r"\(").replace(")", r"\)")):
        _load_into_fresh_park(conn, copy_of_demo)
    assert conn.execute("SELECT count(*) AS parks FROM parks").fetchone() == before


def test_wrong_encoding_and_broken_json_are_named(conn, copy_of_demo):
    (copy_of_demo / "zones.geojson").write_bytes("{\"名\": 1}".encode("gbk"))
    with pytest.raises(BadRequest, match="zones.geojson: not UTF-8"):
        _load_into_fresh_park(conn, copy_of_demo)
    (copy_of_demo / "zones.geojson").write_text("{\"type\": ", encoding="utf-8")
    with pytest.raises(BadRequest, match="zones.geojson: not valid JSON"):
        importer.load_dataset(conn, copy_of_demo.parent)


def test_folder_without_park_is_refused(conn, tmp_path):
    with pytest.raises(BadRequest, match="no park.json"):
        importer.load_dataset(conn, tmp_path)


# --- what the database would refuse without naming the plot -------------------------------

RAW = re.compile(r"violates|constraint|plots_|parks_|date/time field|out of range")


def in_chinese(exc: AtlasError) -> str:
    """The error's message in Chinese, from the compiled catalogue (as the API and CLI
    show it)."""
    catalogue = Translations.load(str(ROOT / "app" / "translations"), ["zh"])
    return exc.localize(catalogue.gettext).message


def _first_plot(change):
    def apply(fc):
        change(fc["features"][0]["properties"])
    return apply


def _second_plot_takes_the_first_code(fc):
    fc["features"][1]["properties"]["code"] = fc["features"][0]["properties"]["code"]


def _road_completion_feb_30(fc):
    fc["features"][0]["properties"]["planned_completion"] = "2027-02-30"


@pytest.mark.parametrize(("change", "n", "field", "english", "chinese"), [
    (_first_plot(lambda p: p.update(approved_on="2024-02-30")), 1,
     "approved_on", '"2024-02-30" is not a date on the calendar', '"2024-02-30" 不是有效日期'),
    (_first_plot(lambda p: p.update(suspended_since="2024-13-01")), 1,
     "suspended_since", '"2024-13-01" is not a date', '"2024-13-01" 不是有效日期'),
    (_second_plot_takes_the_first_code, 2, "code",
     "is used by another record of plots.geojson", "已被 plots.geojson 的另一条记录使用"),
    (_first_plot(lambda p: p.update(government_cause="plan_change",
                                    government_cause_note=None)), 1,
     "government_cause_note", "needs a note", "须附说明"),
    (_first_plot(lambda p: p.update(disposal="fee", disposal_on=None)), 1,
     "disposal_on", "give both or neither", "同时填写或同时留空"),
    (_first_plot(lambda p: p.update(disposal=None, disposal_on="2025-01-02")), 1,
     "disposal_on", "give both or neither", "同时填写或同时留空"),
])
def test_plot_errors_name_the_park_plot_and_field_in_the_users_language(
        conn, copy_of_demo, change, n, field, english, chinese):
    code = json.loads((copy_of_demo / "plots.geojson").read_text(encoding="utf-8")
                      )["features"][0]["properties"]["code"]
    _rewrite(copy_of_demo / "plots.geojson", change)
    before = conn.execute("SELECT count(*) AS parks FROM parks").fetchone()
    with pytest.raises(BadRequest) as caught:
        _load_into_fresh_park(conn, copy_of_demo)
    message = caught.value.message
    assert message.startswith(f"park COPY: plot {code} (plots.geojson feature {n}), "
                              f"field {field}: "), message
    assert english in message, message
    assert not RAW.search(message), message
    zh = in_chinese(caught.value)
    assert zh.startswith(f"园区 COPY：地块 {code}（plots.geojson 第 {n} 个要素），"
                         f"字段 {field}："), zh
    assert chinese in zh, zh
    assert conn.execute("SELECT count(*) AS parks FROM parks").fetchone() == before


def test_a_road_date_off_the_calendar_names_the_feature(conn, copy_of_demo):
    _rewrite(copy_of_demo / "roads.geojson", _road_completion_feb_30)
    with pytest.raises(BadRequest) as caught:
        _load_into_fresh_park(conn, copy_of_demo)
    assert caught.value.message == ('park COPY: roads.geojson feature 1, field '
                                    'planned_completion: "2027-02-30" is not a date on the '
                                    'calendar written YYYY-MM-DD')
    assert in_chinese(caught.value).startswith("园区 COPY：roads.geojson 第 1 个要素，字段 "
                                               "planned_completion：")


def test_a_milestone_date_off_the_calendar_names_the_project(conn, copy_of_demo):
    def feb_30(projects):
        projects[0]["milestones"][1]["actual_on"] = "2014-02-30"
    _rewrite(copy_of_demo / "projects.json", feb_30)
    code = json.loads((copy_of_demo / "projects.json").read_text(encoding="utf-8"))[0]["code"]
    with pytest.raises(BadRequest) as caught:
        _load_into_fresh_park(conn, copy_of_demo)
    assert caught.value.message.startswith(
        f"park COPY: project {code} (projects.json record 1), field milestones[2].actual_on: "
        '"2014-02-30" is not a date')
    assert conn.execute("SELECT count(*) AS n FROM parks WHERE code = 'COPY'").fetchone()["n"] == 0


def test_reloading_a_park_names_the_park_and_writes_nothing(conn):
    counts = conn.execute("SELECT (SELECT count(*) FROM parks) AS parks,"
                          " (SELECT count(*) FROM plots) AS plots").fetchone()
    with pytest.raises(Conflict) as caught:
        importer.load_dataset(conn, importer.DEMO_DIR)
    message = caught.value.message
    assert message == ("park JSCY, field code: this park code is already loaded; "
                       "a park loads once"), message
    assert caught.value.details == {"field": "code"}
    assert in_chinese(caught.value).startswith("园区 JSCY，字段 code：该园区编号已导入")
    assert conn.execute("SELECT (SELECT count(*) FROM parks) AS parks,"
                        " (SELECT count(*) FROM plots) AS plots").fetchone() == counts


# --- plots beyond the park's Gauss-Krüger zone ---------------------------------------------

# Park centre 115.4°E: zone 38 (central meridian 114°E, edge 115.5°E).
EDGE_PARK = (115.4, 29.45)


def test_a_plot_in_the_park_zone_loads_without_warning(conn, tmp_path):
    [park] = importer.load_dataset(conn, write_dataset(tmp_path, centre=EDGE_PARK))
    assert park["plots"] == 2 and park["warnings"] == []


def test_a_plot_beyond_the_zone_edge_is_loaded_with_a_warning_naming_its_zone(conn, tmp_path):
    plots = [{"code": "IN-1", "geometry": lonlat_square(115.4, 29.45)},
             {"code": "OUT-1", "geometry": lonlat_square(116.9, 29.45)}]
    [park] = importer.load_dataset(conn, write_dataset(tmp_path, centre=EDGE_PARK,
                                                       plots=plots))
    assert park["plots"] == 2
    [warning] = park["warnings"]
    text = str(warning)
    assert text.startswith("park TINY: plot OUT-1 (plots.geojson feature 2), field geometry: "
                           "lies 1.40° beyond the edge of the park's Gauss-Krüger zone 38, "
                           "in zone 39"), text
    # the area error it states is what the two zones' projections give
    ring = plots[1]["geometry"]["coordinates"][0]
    areas = [Polygon(Transformer.from_crs(4490, epsg, always_xy=True).itransform(ring)).area
             for epsg in (4526, 4527)]  # zone 38 (the park's), zone 39 (the plot's)
    stated = float(re.search(r"is ([0-9.]+)% too large", text)[1])
    assert stated == pytest.approx((areas[0] / areas[1] - 1) * 100, abs=0.01)
    assert "处于 39 带" in warning.translate(
        Translations.load(str(ROOT / "app" / "translations"), ["zh"]).gettext)


@pytest.mark.parametrize(("settings", "refused"), [
    ({}, True), ({"crs": {"max_gk_zone_offset_deg": 2.0}}, False)])
def test_a_plot_far_beyond_the_zone_edge_is_refused_unless_the_park_allows_it(
        conn, tmp_path, settings, refused):
    plots = [{"code": "IN-1", "geometry": lonlat_square(115.4, 29.45)},
             {"code": "FAR-1", "geometry": lonlat_square(117.2, 29.45)}]
    folder = write_dataset(tmp_path, centre=EDGE_PARK, plots=plots, settings=settings)
    if not refused:
        [park] = importer.load_dataset(conn, folder)
        assert [str(w).split(" (")[0] for w in park["warnings"]] == ["park TINY: plot FAR-1"]
        return
    with pytest.raises(BadRequest) as caught:
        importer.load_dataset(conn, folder)
    assert caught.value.message.startswith(
        "park TINY: plot FAR-1 (plots.geojson feature 2), field geometry: lies 1.70° beyond "
        "the edge of the park's Gauss-Krüger zone 38, in zone 39, more than the park setting "
        "crs.max_gk_zone_offset_deg (1.5°)")
    assert conn.execute("SELECT count(*) AS n FROM parks WHERE code = 'TINY'"
                        ).fetchone()["n"] == 0


def test_malformed_coordinates_are_left_to_the_geometry_check(conn, tmp_path):
    folder = write_dataset(tmp_path)
    _rewrite(folder / "TINY" / "plots.geojson", lambda fc: fc["features"][1].update(
        geometry={"type": "Polygon", "coordinates": [[["x", 29.4]]]}))
    with pytest.raises(BadRequest, match="GeoJSON|geometry|coordinate"):
        importer.load_dataset(conn, folder)
    assert conn.execute("SELECT count(*) AS n FROM parks WHERE code = 'TINY'").fetchone()["n"] == 0


def test_the_loader_checks_every_plot_field_the_api_edits():
    from app import plots

    # a data set names the zone by its code, the API by its id
    assert set(importer.PLOT.checks) == plots.EDITABLE - {"zone_id"} | {"code", "zone"}


def test_an_unreadable_file_is_named_not_a_traceback(conn, tmp_path):
    folder = write_dataset(tmp_path)
    (folder / "TINY" / "roads.geojson").mkdir()  # a folder where a file is expected
    with pytest.raises(BadRequest, match=r"^park TINY: roads.geojson cannot be read \("):
        importer.load_dataset(conn, folder)


def test_json_nested_too_deeply_is_named_not_a_traceback(conn, tmp_path):
    folder = write_dataset(tmp_path)
    (folder / "TINY" / "roads.geojson").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(BadRequest, match=r"^park TINY: roads.geojson: not valid JSON \(nested"):
        importer.load_dataset(conn, folder)
