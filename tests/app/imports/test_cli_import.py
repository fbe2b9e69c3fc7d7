"""`parkatlas import` (issue 13 item 5): the report printed, a dry run that writes nothing,
a refused file that writes nothing and fails, a saved mapping reused by name, the run
recorded as the CLI's user. Reads GeoJSON through the stand-in of tests/builders.py while
app.imports.sources (another branch) is missing."""

from __future__ import annotations

import getpass
import json

import pytest
from click.testing import CliRunner

from app.cli import main
from tests.builders import ORIGIN, gk_feature_collection, square, table_checksums, two_layer_dxf

X, Y = ORIGIN[0] + 2000, ORIGIN[1] + 7000


@pytest.fixture
def run(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("PARKATLAS_SECRET_KEY", "cli-test")
    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(map(str, args)), catch_exceptions=False)


def write(tmp_path, features, name="plots.geojson", crs=4526):
    path = tmp_path / name
    path.write_text(json.dumps(gk_feature_collection(features, crs), ensure_ascii=False),
                    encoding="utf-8")
    return path


def test_import_prints_the_report_and_records_the_run(run, tmp_path, conn):
    path = write(tmp_path, [(square(X + 200 * i, Y, 100), {"宗地号": f"CLI-{i}", "MJ": 15})
                            for i in range(2)])
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"fields": {"宗地号": "code", "MJ": "declared_area"},
                                   "area_unit": "mu"}), encoding="utf-8")
    result = run("import", "plots", path, "--park", "JSCY", "--mapping", mapping,
                 "--save-mapping", "测绘院")
    assert result.exit_code == 0, result.output
    assert "committed: inserted 2, updated 0, skipped 0, repaired 0, deleted 0" in result.output
    assert conn.execute("SELECT count(*) AS n FROM plots WHERE code LIKE 'CLI-%'"
                        ).fetchone()["n"] == 2
    recorded = conn.execute("SELECT actor, state, file_name, layer FROM import_runs").fetchone()
    assert recorded == {"actor": f"cli:{getpass.getuser()}", "state": "committed",
                        "file_name": "plots.geojson", "layer": "plots"}
    # the next delivery: the saved mapping by name, updated by code
    again = run("import", "plots", path, "--mapping", "测绘院", "--mode", "upsert")
    assert again.exit_code == 0, again.output
    assert "inserted 0, updated 2" in again.output


def test_dry_run_and_refusal_write_nothing(run, tmp_path, conn):
    bow_tie = [(X, Y + 300), (X + 100, Y + 400), (X + 100, Y + 300), (X, Y + 400), (X, Y + 300)]
    good = write(tmp_path, [(square(X, Y + 600, 100), {"DKBH": "DRY-1"})], "good.geojson")
    bad = write(tmp_path, [(square(X, Y + 600, 100), {"DKBH": "DRY-1"}),
                           (bow_tie, {"DKBH": "DRY-2"})], "bad.geojson")
    before = table_checksums(conn) | {"import_runs": None}
    dry = run("import", "plots", good, "--dry-run")
    assert dry.exit_code == 0 and "dry_run: inserted 1" in dry.output
    refused = run("import", "plots", bad)
    assert refused.exit_code == 1
    assert "feature 2 DRY-2 [refused]: " in refused.output
    assert "自相交" in refused.output and "self-intersection" in refused.output
    assert "文件有 1 个问题：未导入任何要素" in refused.output
    assert table_checksums(conn) | {"import_runs": None} == before
    states = [r["state"] for r in conn.execute("SELECT state FROM import_runs ORDER BY id")]
    assert states == ["dry_run", "refused"]


def test_a_file_without_a_crs_needs_crs(run, tmp_path):
    path = write(tmp_path, [(square(X, Y + 900, 100), {"DKBH": "NOCRS-1"})], crs=None)
    result = run("import", "plots", path)
    assert result.exit_code == 1 and "EPSG" in result.output
    assert run("import", "plots", path, "--crs", 4526).exit_code == 0


def test_a_refusal_by_the_database_mid_way_writes_nothing_and_is_recorded(run, tmp_path, conn):
    # the file's centre lands near the park (the readers accept it), its last plot 24 km
    # north: beyond the park's reach, which the database refuses mid-way through the insert
    far = [(square(X + 200 * i, Y + 1200, 100), {"DKBH": f"FAR-{i}"}) for i in range(4)]
    far.append((square(X, Y + 24_000, 100), {"DKBH": "FAR-X"}))
    before = table_checksums(conn) | {"import_runs": None}
    result = run("import", "plots", write(tmp_path, far))
    assert result.exit_code == 1 and "FAR-X" in result.output
    assert table_checksums(conn) | {"import_runs": None} == before
    assert conn.execute("SELECT state FROM import_runs").fetchone()["state"] == "refused"


def test_several_cad_layers_with_layer(run, tmp_path, conn):
    """`--layer JZX,DK` reads both layers of a drawing; `--layer DK` only its own."""
    path = two_layer_dxf(tmp_path / "宗地图.dxf", X, Y + 1500)
    one = run("import", "plots", path, "--park", "JSCY", "--crs", 4526, "--layer", "DK",
              "--dry-run")
    assert one.exit_code == 0, one.output
    assert "inserted 1," in one.output
    both = run("import", "plots", path, "--park", "JSCY", "--crs", 4526, "--layer", "JZX,DK")
    assert both.exit_code == 0, both.output
    assert "inserted 3," in both.output
    assert [r["code"] for r in conn.execute(
        "SELECT code FROM plots WHERE code LIKE 'CAD-%' ORDER BY code")] == [
        "CAD-A1", "CAD-A2", "CAD-B1"]
