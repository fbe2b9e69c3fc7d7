"""The loader's bad-input corpus: every case is refused by `parkatlas load` with the park,
record and field named in Chinese then English, no traceback, and the database unchanged
(table checksums); a folder of two parks loads whole or not at all; the database itself
refuses implausible values (migration 0014) with a message naming the field."""

import json
import re
from pathlib import Path

import psycopg
import pytest
from babel.support import Translations
from click.testing import CliRunner

from app import db, importer
from app.cli import main
from app.errors import PROBLEMS, BadRequest
from tests.builders import ROOT, app_url, lonlat_square, table_checksums, write_dataset

RAW = re.compile(r"violates|Traceback|constraint \"|_check\b|_range\b|_plain\b")


@pytest.fixture
def load(db_url, monkeypatch):
    """`parkatlas load FOLDER` on this test's database; returns (exit code, output)."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("PARKATLAS_SECRET_KEY", "cli-test")

    def invoke(folder):
        result = CliRunner().invoke(main, ["load", str(folder)], catch_exceptions=False)
        return result.exit_code, result.output
    return invoke


def full_park(tmp_path) -> Path:
    """A small park with a file of every kind: zone, price zone, two plots, a road, a
    network feature, a project with a milestone and a progress report, rates."""
    folder = write_dataset(tmp_path)
    park = folder / "TINY"
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}}

    def collection(features):
        return {"type": "FeatureCollection", "crs": crs, "features": [
            {"type": "Feature", "geometry": g, "properties": p} for g, p in features]}

    line = {"type": "LineString", "coordinates": [[113.0, 29.4495], [113.004, 29.4495]]}
    files = {
        "price_zones.geojson": collection([(lonlat_square(112.995, 29.445, 0.02),
                                            {"code": "I", "name": "一类区片"})]),
        "roads.geojson": collection([(line, {"name": "测试路", "class": "branch",
                                             "width_m": 20, "status": "in_service"})]),
        "networks.geojson": collection([(line, {"utility": "water", "subtype": "DN300",
                                                "name": "给水管", "status": "in_service"})]),
        "projects.json": [{"code": "P-1", "name": "测试项目", "company": "测试有限公司",
                           "industry_code": "3971", "planned_investment": 1000,
                           "stage": "signed", "zone": "Z", "plots": ["T-01"],
                           "milestones": [{"stage": "signed", "planned_on": "2025-01-01"}],
                           "progress": [{"reported_on": "2025-06-01", "progress_pct": 10}]}],
        "compensation_rates.json": [{"price_zone": "I", "land_group": "cultivated",
                                     "land_price_yuan_mu": 70000}],
    }
    for name, data in files.items():
        (park / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return folder


def _edit(file: str, change):
    """A case's change: `change` applied to the parsed file, written back as JSON."""
    def apply(park: Path):
        data = json.loads((park / file).read_text(encoding="utf-8"))
        change(data)
        (park / file).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return apply


def _plot(**props):
    return _edit("plots.geojson", lambda fc: fc["features"][0]["properties"].update(props))


def _raw_plot_value(key: str, raw: str):
    """Write a plot property as raw JSON text (NaN, 1e400: what json.dumps will not)."""
    def apply(park: Path):
        _plot(**{key: "@@"})(park)
        path = park / "plots.geojson"
        path.write_text(path.read_text(encoding="utf-8").replace('"@@"', raw), encoding="utf-8")
    return apply


def _feature(file: str, **members):
    return _edit(file, lambda fc: fc["features"][0].update(members))


def _project(**props):
    return _edit("projects.json", lambda ps: ps[0].update(props))


EPSG_3857 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
SQUARE = lonlat_square(113.0, 29.45)

# (case, change of the park folder, field named, words of the English message)
CORPUS = [
    ("centre-a", _edit("park.json", lambda p: p.update(centre="a")), "centre",
     "must be [longitude, latitude] in degrees"),
    ("centre-1e300", _edit("park.json", lambda p: p.update(centre=[1e300, 29.45])), "centre",
     "must be [longitude, latitude]"),
    ("park-key-misspelt", _edit("park.json", lambda p: p.update(setings={})), "setings",
     "did you mean settings?"),
    ("name-50MB", _plot(name="x" * 50_000_000), "name", "at most 100 characters long"),
    ("name-comma", _plot(name="一期,二期"), "name", "must not contain a comma"),
    ("name-line-break", _plot(name="一期\n二期"), "name", "a line break"),
    ("name-number", _plot(name=5), "name", "must be text, not 5"),
    ("name-list", _plot(name=["a"]), "name", 'must be text, not ["a"]'),
    ("price-Infinity", _plot(land_price="Infinity"), "land_price",
     'must be a number from 0 to 1,000,000,000,000, not "Infinity"'),
    ("price-NaN-literal", _raw_plot_value("land_price", "NaN"), "land_price", 'not "NaN"'),
    ("investment-1e300", _plot(planned_investment=1e300), "planned_investment",
     "not 1e+300"),
    ("investment-1e400", _raw_plot_value("actual_investment", "1e400"), "actual_investment",
     "not Infinity"),
    ("tax-negative", _plot(annual_tax=-1), "annual_tax", "from 0 to"),
    ("area-too-large", _plot(floor_area_m2=2e9), "floor_area_m2", "from 0 to 1,000,000,000"),
    ("levelled-yes", _plot(levelled="yes"), "levelled", 'must be true or false, not "yes"'),
    ("owner-type", _plot(owner_type="private"), "owner_type", "must be one of collective, state"),
    ("owner-type-list", _plot(owner_type=["state"]), "owner_type", 'not ["state"]'),
    ("note-too-long", _plot(government_cause="petition", government_cause_note="说" * 2001),
     "government_cause_note", "at most 2000 characters"),
    ("key-misspelt", _plot(land_prise=100), "land_prise", "did you mean land_price?"),
    ("key-unknown", _plot(colour="red"), "colour", "is not a property of plots.geojson"),
    ("code-comma", _plot(code="T,01"), "code", "must look like NQ-03-12"),
    ("date-feb-30", _plot(approved_on="2024-02-30"), "approved_on", "not a date on the calendar"),
    ("feature-crs", _feature("plots.geojson", crs=EPSG_3857), "crs",
     "must be CGCS2000 (EPSG:4490) or WGS 84"),
    ("collection-crs", _edit("plots.geojson", lambda fc: fc.update(crs=EPSG_3857)), "crs",
     "EPSG::3857"),
    ("geometry-crs", _feature("plots.geojson", geometry={**SQUARE, "crs": EPSG_3857}),
     "geometry.crs", "EPSG::3857"),
    ("plot-as-line", _feature("plots.geojson", geometry={
        "type": "LineString", "coordinates": [[113.0, 29.45], [113.001, 29.45]]}), "geometry",
     "must be a GeoJSON Polygon, MultiPolygon"),
    ("position-text", _feature("plots.geojson", geometry={
        "type": "Polygon", "coordinates": [[["x", 29.45]] * 4]}), "geometry",
     "is not a position [longitude, latitude]"),
    ("open-ring", _feature("plots.geojson", geometry={
        "type": "Polygon", "coordinates": [SQUARE["coordinates"][0][:-1] + [[113.0, 29.4505]]]}),
     "geometry", "must end at the position it starts from"),
    ("road-width-NaN", _edit("roads.geojson", lambda fc: fc["features"][0]["properties"].update(
        width_m="NaN")), "width_m", "from 0 to 500"),
    ("road-as-polygon", _feature("roads.geojson", geometry=SQUARE), "geometry",
     "LineString, MultiLineString"),
    ("network-utility", _edit("networks.geojson", lambda fc: fc["features"][0][
        "properties"].update(utility="sewer")), "utility", "must be one of water"),
    ("zone-industries", _edit("zones.geojson", lambda fc: fc["features"][0][
        "properties"].update(admitted_industries=["food"])), "admitted_industries",
     "must look like 3971"),
    ("project-unknown-plot", _project(plots=["T-01", "T-99"]), "plots[2]",
     '"T-99" is not a plot code of plots.geojson'),
    ("project-negative", _project(planned_investment=-5), "planned_investment", "from 0 to"),
    ("project-key-misspelt", _project(compnay="x"), "compnay", "did you mean company?"),
    ("milestone-stage", _project(milestones=[{"stage": "begun"}]), "milestones[1].stage",
     "must be one of signed"),
    ("progress-150", _project(progress=[{"reported_on": "2025-06-01", "progress_pct": 150}]),
     "progress[1].progress_pct", "from 0 to 100"),
    ("rate-NaN", _edit("compensation_rates.json", lambda rs: rs[0].update(
        land_price_yuan_mu="NaN")), "land_price_yuan_mu", "from 0 to 999,999,999,999.99"),
]


def in_chinese(text) -> str:
    return text.translate(Translations.load(str(ROOT / "app" / "translations"), ["zh"]).gettext)


def test_the_full_park_loads(load, conn, tmp_path):
    """The corpus's starting point is good: what each case changes is what is refused."""
    code, out = load(full_park(tmp_path))
    assert code == 0, out
    assert out.startswith("Loaded park TINY: 1 zones, 1 price_zones, 2 plots, 1 roads, "
                          "1 networks, 1 compensation_rates, 1 projects"), out
    assert conn.execute("SELECT count(*) AS n FROM project_plots pp JOIN projects p "
                        "ON p.id = pp.project_id WHERE p.code = 'P-1'").fetchone()["n"] == 1


@pytest.mark.parametrize(("change", "field", "english"), [c[1:] for c in CORPUS],
                         ids=[c[0] for c in CORPUS])
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(
        load, conn, tmp_path, change, field, english):
    folder = full_park(tmp_path)
    change(folder / "TINY")
    before = table_checksums(conn)
    code, out = load(folder)
    assert code == 1, out
    assert not RAW.search(out), out
    chinese, english_line = out.removeprefix("Error: ").splitlines()[:2]
    assert chinese.startswith("园区 TINY：") and f"字段 {field}：" in chinese, chinese
    assert not re.search(r"\b(must|is not|not a)\b", chinese), chinese  # translated
    assert english_line.startswith("park TINY: ") and f"field {field}: " in english_line
    assert english in english_line, english_line
    assert len(out) < 2000  # a 50 MB value is never echoed
    assert table_checksums(conn) == before


def test_a_folder_of_two_parks_loads_whole_or_not_at_all(load, conn, tmp_path):
    write_dataset(tmp_path, code="AAA")
    write_dataset(tmp_path, code="BBB", plots=[
        {"code": "B-01", "geometry": lonlat_square(113.0, 29.45), "land_price": "Infinity"}])
    before = table_checksums(conn)
    code, out = load(tmp_path)
    assert code == 1 and "园区 BBB：地块 B-01" in out and "field land_price" in out, out
    assert table_checksums(conn) == before  # park AAA, read and good, is not written either
    _edit("plots.geojson", lambda fc: fc["features"][0]["properties"].update(
        land_price=120.5))(tmp_path / "BBB")
    code, out = load(tmp_path)
    assert code == 0, out
    assert [line.split(":")[0] for line in out.splitlines()] == ["Loaded park AAA",
                                                                 "Loaded park BBB"]
    rows = conn.execute("SELECT k.code, count(p.id) AS n, max(p.land_price) AS price "
                        "FROM parks k JOIN plots p ON p.park_id = k.id "
                        "WHERE k.code IN ('AAA', 'BBB') GROUP BY k.code ORDER BY 1").fetchall()
    assert [(r["code"], r["n"], r["price"]) for r in rows] == [("AAA", 2, None),
                                                               ("BBB", 1, 120.5)]


def test_a_database_refusal_in_the_second_park_rolls_back_the_first(conn, tmp_path):
    """A refusal only the database knows (dates out of order) comes after park AAA was
    inserted: the whole folder is still one transaction."""
    write_dataset(tmp_path, code="AAA")
    write_dataset(tmp_path, code="BBB", plots=[
        {"code": "B-01", "geometry": lonlat_square(113.0, 29.45),
         "approved_on": "2024-05-01", "requisitioned_on": "2024-04-01"}])
    before = table_checksums(conn)
    with pytest.raises(BadRequest) as caught:
        importer.load_dataset(conn, tmp_path)
    assert caught.value.message.startswith("park BBB: plot B-01"), caught.value.message
    assert table_checksums(conn) == before


def test_two_folders_with_one_park_code_are_refused(conn, tmp_path):
    write_dataset(tmp_path / "x", code="AAA")
    (tmp_path / "x" / "AAA").rename(tmp_path / "x" / "AAA-copy")
    write_dataset(tmp_path / "x", code="AAA")
    with pytest.raises(BadRequest, match="the folders AAA and AAA-copy hold the same park"):
        importer.load_dataset(conn, tmp_path / "x")


@pytest.mark.parametrize("name", ["urn:ogc:def:crs:EPSG::4326", "EPSG:4490",
                                  "urn:ogc:def:crs:OGC:1.3:CRS84",
                                  "http://www.opengis.net/def/crs/OGC/1.3/CRS84"])
def test_coordinates_in_wgs84_or_cgcs2000_load(conn, tmp_path, name):
    folder = write_dataset(tmp_path)
    crs = {"type": "name", "properties": {"name": name}}
    _edit("plots.geojson", lambda fc: (fc.update(crs=crs), fc["features"][0].update(crs=crs))
          )(folder / "TINY")
    [park] = importer.load_dataset(conn, folder)
    assert park["plots"] == 2


def test_generated_parks_satisfy_every_check(conn, tmp_path):
    """The generator's parks (not only the demo) pass the loader and the CHECKs of 0014."""
    import subprocess
    import sys

    subprocess.run([sys.executable, str(ROOT / "gis_data" / "generate.py"), "--plots", "400",
                    "--parks", "2", "--out", str(tmp_path), "--quiet"], check=True)
    parks = importer.load_dataset(conn, tmp_path)
    assert [p["plots"] for p in parks] == [200, 200]


# --- the database refuses too (migration 0014) ------------------------------------------------

DATA_TABLES = ("parks", "zones", "plots", "roads", "networks", "price_zones", "projects",
               "project_plots", "milestones", "progress_reports", "compensation_rates",
               "requisition_plans")


def test_every_check_and_unique_constraint_of_the_data_names_its_field(conn):
    rows = conn.execute(
        "SELECT c.conrelid::regclass::text AS tab, c.conname, "
        "  array(SELECT attname FROM pg_attribute a WHERE a.attrelid = c.conrelid "
        "        AND a.attnum > 0) AS cols "
        "FROM pg_constraint c WHERE c.contype IN ('c', 'u') "
        "AND c.conrelid::regclass::text = ANY(%s)", [list(DATA_TABLES)]).fetchall()
    internal = {"parks_gk_zone_range", "requisition_plans_status_check",
                "requisition_plans_park_id_name_key",  # requisition.create names it
                "project_plots_project_id_plot_id_key", "milestones_project_id_stage_key",
                "progress_reports_project_id_reported_on_key",
                "compensation_rates_park_id_price_zone_land_group_key"}  # the loader's checks
    unmapped = [r["conname"] for r in rows if r["conname"] not in PROBLEMS | dict.fromkeys(
        internal)]
    assert unmapped == []
    for r in rows:
        if r["conname"] in PROBLEMS:
            assert PROBLEMS[r["conname"]][0] in [*r["cols"], "geometry"], r["conname"]


@pytest.mark.parametrize(("sql", "values", "field", "english", "chinese"), [
    ("UPDATE plots SET land_price = %s WHERE code = 'NQ-01-01'", ["Infinity"], "land_price",
     "must be a number from 0 to 1,000,000,000,000", "须为 0 至 1,000,000,000,000 之间的数字"),
    ("UPDATE plots SET planned_investment = %s WHERE code = 'NQ-01-01'", ["NaN"],
     "planned_investment", "from 0 to", "之间的数字"),
    ("UPDATE plots SET annual_tax = %s WHERE code = 'NQ-01-01'", [-1], "annual_tax",
     "from 0 to", "之间的数字"),
    ("UPDATE plots SET floor_area_m2 = %s WHERE code = 'NQ-01-01'", [1e10], "floor_area_m2",
     "from 0 to 1,000,000,000", "之间的数字"),
    ("UPDATE plots SET name = %s WHERE code = 'NQ-01-01'", ["x" * 101], "name",
     "at most 100 characters", "不得超过 100 个字符"),
    ("UPDATE plots SET name = %s WHERE code = 'NQ-01-01'", ["a,b"], "name", "comma", "逗号"),
    ("UPDATE plots SET owner = %s WHERE code = 'NQ-01-01'", ["新华村\n红星村"], "owner",
     "must be one line", "须为单行"),
    ("UPDATE plots SET disposal_note = %s WHERE code = 'NQ-01-01'", ["\x07"], "disposal_note",
     "control characters", "控制字符"),
    ("UPDATE plots SET owner_type = %s WHERE code = 'NQ-01-01'", ["private"], "owner_type",
     "must be one of collective, state", "须为以下之一"),
    ("UPDATE roads SET width_m = %s", ["NaN"], "width_m", "from 0 to 500", "之间的数字"),
    ("UPDATE projects SET completed_investment = %s", [1e300], "completed_investment",
     "from 0 to", "之间的数字"),
    ("UPDATE projects SET tags = %s", [["a b"]], "tags", "must look like", "格式须如"),
    ("UPDATE zones SET admitted_industries = %s", [["food"]], "admitted_industries",
     "must look like", "格式须如"),
    ("UPDATE compensation_rates SET crop_yuan_mu = %s", ["NaN"], "crop_yuan_mu",
     "from 0 to 999,999,999,999.99", "之间的数字"),
    ("UPDATE progress_reports SET note = %s", ["x" * 2001], "note", "at most 2000",
     "不得超过 2000"),
])
def test_the_database_refuses_implausible_values_naming_the_field(
        conn, sql, values, field, english, chinese):
    before = table_checksums(conn)
    with pytest.raises(BadRequest) as caught, db.transaction(conn):
        conn.execute(sql, values)
    error = caught.value
    assert f"field {field}: {english}" in error.message or (
        f"field {field}: " in error.message and english in error.message), error.message
    assert error.details == {"field": field}
    assert not RAW.search(error.message), error.message
    zh = in_chinese(error.text)
    assert f"字段 {field}：" in zh and chinese in zh, zh
    assert table_checksums(conn) == before


def test_the_app_role_cannot_bypass_the_checks(db_url):
    """Defence in depth: the CHECKs hold for every role, not only for the loader's owner."""
    with db.connect(app_url(db_url)) as conn, pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("UPDATE plots SET land_price = 'NaN' WHERE code = 'NQ-01-01'")
