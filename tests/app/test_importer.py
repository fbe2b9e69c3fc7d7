"""The data set loader: the demo loads whole; a bad file loads nothing and says why."""

import json
import shutil

import pytest

from app import importer
from app.errors import BadRequest


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
     "竣工 completion date 2024-03-01 is earlier than 开工 start date 2024-03-02"),
    ("plots.geojson", lambda fc: fc["features"][0]["properties"].update(zone="NOPE"),
     "unknown zone codes NOPE"),
    ("plots.geojson", lambda fc: fc.update(crs={"type": "name", "properties": {
        "name": "urn:ogc:def:crs:EPSG::4326"}}), "must be CGCS2000 (EPSG:4490)"),
    ("roads.geojson", lambda fc: fc.update(type="Feature"), "not a GeoJSON FeatureCollection"),
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
