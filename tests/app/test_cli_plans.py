"""`parkatlas plan …` and `parkatlas export-plan`, run in-process against the test's database.

The demo park loads one draft plan of 22 plots, one of them (NQ-10-01) already
requisitioned, so every export has 21 plots and names the one left out.
"""

from __future__ import annotations

import getpass
import json
import re
import zipfile

import pytest
from click.testing import CliRunner

from app import coordinate_file, exporters, requisition
from app.cli import export_plan, main
from app.plan_result import to_mu

DEMO_PLAN = "北区2026年度第一批次城镇建设用地征收方案"
REQUISITIONED = "NQ-10-01"


@pytest.fixture
def run(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("PARKATLAS_SECRET_KEY", "cli-test")
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)
    return invoke


@pytest.fixture
def plan_id(conn) -> int:
    return conn.execute("SELECT id FROM requisition_plans WHERE name = %s",
                        (DEMO_PLAN,)).fetchone()["id"]


def succeeded(result):
    assert result.exit_code == 0, result.output
    return result


def failed(result, exit_code: int = 1) -> str:
    """The command failed cleanly (no traceback) with this exit code; return its output."""
    assert result.exit_code == exit_code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        result.exception
    assert "Traceback" not in result.output
    return result.output


# --- plan list / create -------------------------------------------------------------------

def test_plan_list_shows_the_demo_plan(run, conn, plan_id):
    out = succeeded(run("plan", "list")).output
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1, out
    area = conn.execute("SELECT sum(p.area_m2) AS a FROM plan_plots pp JOIN plots p "
                        "ON p.id = pp.plot_id WHERE pp.plan_id = %s", (plan_id,)).fetchone()["a"]
    fields = lines[0].split()
    assert fields[:6] == [str(plan_id), "JSCY", "v1", "draft", "22", "plots"], lines[0]
    assert fields[6] == f"{to_mu(area):.4f}" and fields[7] == "亩"
    assert lines[0].endswith(DEMO_PLAN)
    assert DEMO_PLAN in succeeded(run("plan", "list", "--park", "JSCY")).output


def test_plan_list_of_a_park_without_plans_and_of_an_unknown_park(run, conn):
    other = conn.execute("INSERT INTO parks (code, name, gk_zone) VALUES ('OTHER', '别的园区', 38) "
                         "RETURNING id").fetchone()["id"]
    assert succeeded(run("plan", "list", "--park", "OTHER")).output == ""
    assert succeeded(run("plan", "list", "--park", other)).output == ""
    assert "no park with code NOPE" in failed(run("plan", "list", "--park", "NOPE"))


def test_plan_create_by_codes(run, conn):
    result = succeeded(run("plan", "create", "南区试点方案",
                           "--codes", "NQ-04-01, NQ-04-02，NQ-04-03"))
    row = conn.execute("SELECT * FROM requisition_plans WHERE name = '南区试点方案'").fetchone()
    assert row is not None and row["status"] == "draft"
    assert row["created_by"] == f"cli:{getpass.getuser()}"
    assert result.output.strip() == f"Created plan {row['id']} (南区试点方案), version 1, 3 plots"
    plan = requisition.get(conn, row["id"])
    assert plan["versions"][0]["plot_count"] == 3
    listed = succeeded(run("plan", "list")).output
    assert "南区试点方案" in listed and DEMO_PLAN in listed


def test_plan_create_by_zone(run, conn):
    out = succeeded(run("plan", "create", "按分区", "--zone", "SQ", "--park", "JSCY")).output
    n = conn.execute("SELECT count(*) AS n FROM plots p JOIN zones z ON z.id = p.zone_id "
                     "WHERE z.code = 'SQ'").fetchone()["n"]
    assert out.rstrip().endswith(f"version 1, {n} plots")


@pytest.mark.parametrize(("args", "message"), [
    (("--codes", "NQ-04-01,NO-SUCH-1"), "no plot with code NO-SUCH-1"),
    ((), "exactly one of"),
    (("--zone", "SQ", "--codes", "NQ-04-01"), "exactly one of"),
    (("--zone", "XX"), "zone XX selects no plot"),
    (("--codes", "NQ-04-01", "--park", "NOPE"), "no park with code NOPE"),
])
def test_plan_create_refuses_a_bad_selection(run, conn, args, message):
    before = conn.execute("SELECT count(*) AS n FROM requisition_plans").fetchone()["n"]
    assert message in failed(run("plan", "create", "坏的选择", *args))
    assert conn.execute("SELECT count(*) AS n FROM requisition_plans").fetchone()["n"] == before


def test_plan_create_refuses_a_duplicate_name(run):
    assert "already has a plan" in failed(run("plan", "create", DEMO_PLAN, "--codes",
                                              "NQ-04-01"))


# --- export-plan --------------------------------------------------------------------------

def test_export_txt_is_gbk_and_reads_back_with_the_plans_areas(run, conn, plan_id, tmp_path):
    path = tmp_path / "plan.txt"
    result = succeeded(run("export-plan", plan_id, "--format", "txt", "-o", path))
    data = path.read_bytes()
    assert data.decode("gbk").startswith("[属性描述]")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")  # GBK, not UTF-8: the Chinese header is not valid UTF-8

    parsed = coordinate_file.read(data)
    plan = requisition.compute(conn, plan_id)
    assert len(parsed.parcels) == len(plan.plots) == 21
    assert parsed.zone == plan.gk_zone == 38
    want = {p.code: p for p in plan.plots}
    assert [p.code for p in parsed.parcels] == list(want)
    for parcel in parsed.parcels:
        plot = want[parcel.code]
        assert parcel.area_ha * 10000 == pytest.approx(plot.area_m2, abs=0.01), parcel.code
        assert parcel.geometry.area == pytest.approx(plot.area_m2, abs=0.01), parcel.code
        assert parcel.land_class == plot.land_class
    assert REQUISITIONED not in want

    assert f"Left out {REQUISITIONED}: already requisitioned on 2025-12-28" in result.stderr
    assert re.search(rf"Wrote .*plan\.txt: plan {plan_id} v1, 21 plots, "
                     rf"{plan.area_m2:.2f} m², {len(data)} bytes", result.stderr)
    assert result.stdout == ""


def test_export_txt_in_utf_8(run, plan_id, tmp_path):
    path = tmp_path / "plan-utf8.txt"
    succeeded(run("export-plan", plan_id, "--format", "txt", "--encoding", "utf-8", "-o", path))
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("[属性描述]")
    assert len(coordinate_file.read(path.read_bytes()).parcels) == 21


@pytest.mark.parametrize(("fmt", "magic"), [("pdf", b"%PDF"), ("gpkg", b"SQLite format 3\0")])
def test_export_binary_formats_write_files(run, plan_id, tmp_path, fmt, magic):
    path = tmp_path / f"plan.{fmt}"
    result = succeeded(run("export-plan", plan_id, "--format", fmt, "-o", path))
    data = path.read_bytes()
    assert data.startswith(magic)
    assert f"{len(data)} bytes" in result.stderr
    assert f"Left out {REQUISITIONED}" in result.stderr


def test_gpkg_from_the_command_line_has_the_plans_plots(run, conn, plan_id, tmp_path):
    pyogrio = pytest.importorskip("pyogrio")
    path = tmp_path / "plan.gpkg"
    succeeded(run("export-plan", plan_id, "--format", "gpkg", "-o", path))
    layers = [name for name, _geometry in pyogrio.list_layers(path)]
    frame = pyogrio.read_dataframe(path, layer=layers[0])
    plan = requisition.compute(conn, plan_id)
    assert sorted(frame["plot_code"]) == sorted(p.code for p in plan.plots)
    assert frame.geometry.area.sum() == pytest.approx(plan.area_m2, abs=0.05)


def test_export_to_standard_output(run, conn, plan_id, tmp_path):
    result = succeeded(run("export-plan", plan_id, "--format", "geojson", "-o", "-"))
    doc = json.loads(result.stdout_bytes)
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) == 21
    assert not list(tmp_path.iterdir())
    # the bytes are exactly the export, with no message mixed in
    plan = requisition.compute(conn, plan_id)
    assert result.stdout_bytes == exporters.export(plan, "geojson")


def test_encoding_is_for_txt_and_shp_only(run, plan_id, tmp_path):
    path = tmp_path / "plan.xlsx"
    out = failed(run("export-plan", plan_id, "--format", "xlsx", "--encoding", "utf-8",
                     "-o", path), exit_code=2)
    assert "--encoding applies to --format txt and shp only" in out
    assert not path.exists()


@pytest.mark.parametrize(("encoding", "cpg"), [(None, b"936"), ("gbk", b"936"),
                                                ("utf-8", b"UTF-8")])
def test_shapefile_encoding_from_the_command_line(run, plan_id, tmp_path, encoding, cpg):
    path = tmp_path / "plan.zip"
    option = ("--encoding", encoding) if encoding else ()
    succeeded(run("export-plan", plan_id, "--format", "shp", *option, "-o", path))
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert archive.read(next(n for n in names if n.endswith(".cpg"))) == cpg
        dbf = archive.read(next(n for n in names if n.endswith(".dbf")))
    assert dbf[29] == (0x4D if cpg == b"936" else 0)


@pytest.mark.parametrize("args", [
    ("--format", "nope"),
    ("--format", "txt", "--encoding", "latin-1"),
    ("--format", "txt", "--lang", "fr"),
])
def test_bad_options_are_usage_errors(run, plan_id, tmp_path, args):
    failed(run("export-plan", plan_id, *args, "-o", tmp_path / "x"), exit_code=2)
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(("lang", "kind"), [("zh", "报批材料包"), ("en", "package")])
def test_without_output_the_file_gets_the_download_name(run, plan_id, tmp_path, monkeypatch,
                                                         lang, kind):
    monkeypatch.chdir(tmp_path)
    result = succeeded(run("export-plan", plan_id, "--format", "package", "--lang", lang))
    name = f"{DEMO_PLAN}_v1_{kind}.zip"
    assert [p.name for p in tmp_path.iterdir()] == [name]
    assert f"Wrote {name}: plan {plan_id} v1, 21 plots" in result.stderr
    with zipfile.ZipFile(tmp_path / name) as archive:
        manifest = json.loads(archive.read(f"{DEMO_PLAN}_v1_{kind}/manifest.json"))
    assert manifest["totals"]["plots"] == 21


def test_the_format_choices_are_the_export_formats():
    option = next(p for p in export_plan.params if p.name == "fmt")
    assert list(option.type.choices) == list(exporters.FORMATS)


def test_an_unknown_plan_is_a_clear_error(run, tmp_path):
    path = tmp_path / "none.txt"
    out = failed(run("export-plan", 999999, "--format", "txt", "-o", path))
    assert "Error: 没有 id 为 999999 的征地方案\nno requisition plan with id 999999" in out
    assert not path.exists()


def test_an_unknown_version_is_a_clear_error(run, plan_id, tmp_path):
    out = failed(run("export-plan", plan_id, "--format", "txt", "--version", 7,
                     "-o", tmp_path / "x.txt"))
    assert f"plan {plan_id} has no version 7" in out


def test_a_plan_with_problems_is_refused_and_nothing_is_written(run, conn, plan_id, tmp_path):
    # overlapping plots, as a park whose tolerance (editing.max_overlap_m2) allows them has
    conn.execute("UPDATE parks SET settings = jsonb_set(settings, '{editing}', "
                 "'{\"max_overlap_m2\": 1e9}');"
                 "UPDATE plots SET geom = ST_Multi(ST_Transform(ST_Buffer(geom_gk, 5), 4490)) "
                 "WHERE code = 'NQ-04-01'")
    path = tmp_path / "plan.txt"
    out = failed(run("export-plan", plan_id, "--format", "txt", "-o", path))
    assert "cannot be exported" in out and "NQ-04-01" in out and "overlaps" in out
    assert not path.exists()


def test_an_earlier_version_exports_as_it_was_submitted(run, conn, plan_id, tmp_path):
    plan = requisition.get(conn, plan_id)
    submitted = requisition.submit(conn, plan_id, plan["version"], "pytest")
    requisition.edit(conn, plan_id, submitted["version"], actor="pytest", remove=["NQ-04-01"])
    old, new = tmp_path / "v1.txt", tmp_path / "v2.txt"
    succeeded(run("export-plan", plan_id, "--format", "txt", "--version", 1, "-o", old))
    succeeded(run("export-plan", plan_id, "--format", "txt", "-o", new))
    assert "NQ-04-01" in [p.code for p in coordinate_file.read(old.read_bytes()).parcels]
    current = coordinate_file.read(new.read_bytes()).parcels
    assert len(current) == 20 and "NQ-04-01" not in [p.code for p in current]
