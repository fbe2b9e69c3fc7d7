"""The import API (issue 13 item 5, planner): upload → preview with the guessed mapping and
the problems → choices → commit → report (XLSX, CSV) → the file removed; cancel; roles;
Chinese and English messages; text that looks like a formula or HTML stays text."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import openpyxl

from app.imports import run
from tests.builders import (
    ORIGIN,
    approval_txt,
    bare_gbk_shapefile,
    gk_feature_collection,
    make_app,
    square,
    two_layer_dxf,
)
from tests.client import api_error, api_login

API = "/api/v1"
X, Y = ORIGIN[0] + 2000, ORIGIN[1] + 6000
BOW_TIE = [(X, Y + 300), (X + 100, Y + 400), (X + 100, Y + 300), (X, Y + 400), (X, Y + 300)]


def upload(client, features, crs=4526, lang="zh", **form):
    data = json.dumps(gk_feature_collection(features, crs), ensure_ascii=False).encode()
    return client.post(f"{API}/imports?park=JSCY&lang={lang}", content_type="multipart/form-data",
                       data={"layer": "plots", "file": (io.BytesIO(data), "地块.geojson"),
                             **form})


def folders(app) -> list[Path]:
    root = Path(app.config["IMPORTS_DIR"])
    return [p for p in root.iterdir()] if root.exists() else []


PLOTS = [(square(X, Y, 100), {"DKBH": "API-1", "DKMC": "<script>alert(1)</script>",
                              "DLBM": "0601", "MJ": "15", "BZ": "=1+1"}),
         (square(X + 200, Y, 100), {"DKBH": "API-2", "DKMC": "二号", "DLBM": "0602",
                                    "MJ": "15", "BZ": "备注"})]


def test_upload_preview_choose_commit_and_report(app, client, conn):
    planner = api_login(client, "planner")
    started = upload(planner, PLOTS, treatment="refuse")
    assert started.status_code == 201, started.get_data(as_text=True)[:500]
    assert started.mimetype == "application/json"
    body = started.get_json()
    assert body["preview"]["features"][0]["properties"]["name"] == "<script>alert(1)</script>"
    assert body["mapping"] == {"fields": {"DKBH": "code", "DKMC": "name", "DLBM": "land_class",
                                          "MJ": "declared_area"}, "area_unit": "m2"}
    assert body["fields"] == ["DKBH", "DKMC", "DLBM", "MJ", "BZ"]
    assert body["crs"] == 4526 and body["preview"]["features"][0]["properties"]["code"] == "API-1"
    # the declared area is 15 亩, written without a unit: 15 m² does not match
    assert [p["kind"] for p in body["report"]["problems"]] == ["area", "area"]
    assert "申报面积 15.0 平方米" in body["report"]["problems"][0]["message"]
    assert len(folders(app)) == 1
    run_id = body["id"]
    chosen = planner.put(f"{API}/imports/{run_id}", json={"mapping": {
        "fields": {"DKBH": "code", "BZ": "name", "DLBM": "land_class", "MJ": "declared_area"},
        "area_unit": "mu"}, "save_mapping": "测绘院"})
    assert chosen.status_code == 200, chosen.get_data(as_text=True)[:500]
    preview = chosen.get_json()
    assert preview["report"]["problems"] == []
    assert [f["properties"]["name"] for f in preview["preview"]["features"]] == ["=1+1", "备注"]
    done = planner.post(f"{API}/imports/{run_id}/commit", json={})
    assert done.status_code == 200, done.get_data(as_text=True)[:500]
    assert done.get_json()["state"] == "committed"
    assert done.get_json()["counts"]["inserted"] == 2
    assert folders(app) == []
    rows = conn.execute("SELECT code, name FROM plots WHERE code LIKE 'API-%' ORDER BY code"
                        ).fetchall()
    assert rows == [{"code": "API-1", "name": "=1+1"}, {"code": "API-2", "name": "备注"}]
    run = conn.execute("SELECT actor, state, file_name FROM import_runs WHERE id = %s",
                       (run_id,)).fetchone()
    assert run == {"actor": "test-planner", "state": "committed", "file_name": "地块.geojson"}
    # the import's INSERT is one audit entry naming the run, its file and the 2 plots
    assert conn.execute("SELECT source, cardinality(row_ids) AS n FROM audit_log WHERE "
                        "table_name = 'plots' AND actor = 'test-planner' AND action = 'insert'"
                        ).fetchall() == [{"source": f"#{run_id} 地块.geojson", "n": 2}]
    assert conn.execute("SELECT name FROM import_mappings").fetchone()["name"] == "测绘院"
    report = planner.get(f"{API}/imports/{run_id}/report?lang=en").get_json()
    assert report["counts"]["inserted"] == 2 and report["rows"][0]["where"] == "feature 1"
    csv_text = planner.get(f"{API}/imports/{run_id}/report.csv?lang=zh").get_data().decode(
        "utf-8-sig")
    assert csv_text.splitlines()[0] == "要素,位置,编号,处理,原因"
    assert csv_text.splitlines()[1].startswith("1,第 1 个要素,API-1,已新增")
    xlsx = planner.get(f"{API}/imports/{run_id}/report.xlsx?lang=en")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.get_data())).active
    assert [c.value for c in sheet[1]] == ["Feature", "Where", "Code", "Action", "Reasons"]
    assert [c.value for c in sheet[2]][:4] == [1, "feature 1", "API-1", "inserted"]
    # committed: the run is closed
    assert api_error(planner.put(f"{API}/imports/{run_id}", json={}), 409)["code"] == \
        "import_closed"


def test_text_that_looks_like_a_formula_stays_text_in_the_report(client):
    planner = api_login(client, "planner")
    features = [(square(X, Y + 1000, 100), {"DKBH": "=1+1"})]  # not a plot code
    run_id = upload(planner, features).get_json()["id"]
    done = planner.post(f"{API}/imports/{run_id}/commit", json={}).get_json()
    assert done["state"] == "refused"
    csv_text = planner.get(f"{API}/imports/{run_id}/report.csv?lang=en").get_data().decode(
        "utf-8-sig")
    assert "'=1+1" in csv_text
    sheet = openpyxl.load_workbook(io.BytesIO(planner.get(
        f"{API}/imports/{run_id}/report.xlsx?lang=en").get_data())).active
    cell = sheet.cell(row=2, column=3)
    assert cell.value == "=1+1" and cell.data_type == "s"


def test_problems_in_chinese_and_english(client):
    planner = api_login(client, "planner")
    zh = upload(planner, [(BOW_TIE, {"DKBH": "API-B"})]).get_json()["report"]["problems"]
    en = upload(planner, [(BOW_TIE, {"DKBH": "API-B"})], lang="en").get_json()
    assert "自相交" in zh[0]["message"]
    assert "self-intersection" in en["report"]["problems"][0]["message"]


def test_a_file_without_a_crs_asks_for_one(client):
    planner = api_login(client, "planner")
    body = upload(planner, PLOTS, crs=None).get_json()
    assert body["crs_required"] is True and body["preview"] is None
    chosen = planner.put(f"{API}/imports/{body['id']}", json={"crs": 4526}).get_json()
    assert chosen["crs_required"] is False and len(chosen["preview"]["features"]) == 2


def test_cancel_removes_the_file(app, client, conn):
    planner = api_login(client, "planner")
    run_id = upload(planner, PLOTS).get_json()["id"]
    assert len(folders(app)) == 1
    assert planner.delete(f"{API}/imports/{run_id}").status_code == 204
    assert folders(app) == []
    assert conn.execute("SELECT state FROM import_runs WHERE id = %s", (run_id,)
                        ).fetchone()["state"] == "cancelled"
    assert api_error(planner.post(f"{API}/imports/{run_id}/commit", json={}), 409)


def test_viewer_may_not_import(client):
    viewer = api_login(client, "viewer")
    assert api_error(upload(viewer, PLOTS), 403)["code"] == "forbidden"


def test_bad_choices_are_refused_with_their_code(client):
    planner = api_login(client, "planner")
    run_id = upload(planner, PLOTS).get_json()["id"]
    assert api_error(planner.put(f"{API}/imports/{run_id}", json={"mode": "append"}), 400)
    error = api_error(planner.put(f"{API}/imports/{run_id}", json={"mode": "replace"}), 400)
    assert error["code"] == "zone_required"
    error = api_error(planner.put(f"{API}/imports/{run_id}?lang=en",
                                  json={"mapping": {"fields": {"DKBH": "colour"}}}), 400)
    assert error["code"] == "bad_mapping" and "colour" in error["message"]
    assert api_error(planner.post(f"{API}/imports?park=JSCY", data={}), 400)["code"] == "no_file"


def test_open_runs_are_removed_by_age(app, client, conn):
    planner = api_login(client, "planner")
    run_id = upload(planner, PLOTS).get_json()["id"]
    stray = Path(app.config["IMPORTS_DIR"]) / "stray"
    stray.mkdir()
    assert run.sweep(conn, Path(app.config["IMPORTS_DIR"]), hours=1) == 0
    assert len(folders(app)) == 2
    assert run.sweep(conn, Path(app.config["IMPORTS_DIR"]), hours=0) == 1
    assert folders(app) == []
    assert conn.execute("SELECT state FROM import_runs WHERE id = %s", (run_id,)
                        ).fetchone()["state"] == "cancelled"


def test_an_upload_beyond_the_limit_is_a_413(db_url, tmp_path):
    """An import's upload has its own limit (PARKATLAS_IMPORT_MAX_MB), above the app's."""
    application = make_app(db_url, IMPORTS_DIR=str(tmp_path), MAX_CONTENT_LENGTH=1024,
                           IMPORT_MAX_BYTES=3 * 1024 * 1024)
    try:
        planner = api_login(application.test_client(), "planner")
        small = [(square(X + 200 * i, Y + 1500, 100), {"DKBH": f"BIG-{i}"}) for i in range(20)]
        assert upload(planner, small).status_code == 201  # over the app's 1 kB, within 3 MB
        big = [(square(X + 200 * i, Y + 1500, 100), {"DKBH": f"BIG-{i}", "note": "x" * 200_000})
               for i in range(20)]
        error = api_error(upload(planner, big), 413)
        assert error["code"] == "payload_too_large" and "3 MB" in error["message"]
        assert len(list(tmp_path.iterdir())) == 1  # the first upload's folder only
    finally:
        application.extensions["parkatlas_pool"].close()


def test_a_bare_gbk_shapefile_from_upload_to_plots(client, conn, tmp_path):
    """A zipped Shapefile as older ArcGIS/MapGIS writes it: GBK attributes with no .cpg, no
    .prj. The encoding is detected, the CRS asked for with its candidates (the park's GK
    zone with its prefix first), the mapping guessed from 地块编号/DKMC, and the plots come
    in with their Chinese names."""
    archive = bare_gbk_shapefile(
        tmp_path, {"地块编号": ["SHP-1", "SHP-2"], "DKMC": ["东区标准厂房", "物流仓储用地"]},
        [square(X + 200 * i, Y + 3000, 100) for i in range(2)])
    planner = api_login(client, "planner")
    started = planner.post(f"{API}/imports?park=JSCY&lang=zh",
                           content_type="multipart/form-data",
                           data={"layer": "plots", "file": (io.BytesIO(archive.read_bytes()),
                                                            "地块.zip")})
    assert started.status_code == 201, started.get_data(as_text=True)[:500]
    body = started.get_json()
    assert body["encoding"].lower() in ("gb18030", "gbk")
    assert body["crs"] is None and body["crs_candidates"][0]["epsg"] == 4526
    assert body["mapping"]["fields"] == {"地块编号": "code", "DKMC": "name"}
    chosen = planner.put(f"{API}/imports/{body['id']}", json={"crs": 4526})
    assert chosen.status_code == 200, chosen.get_data(as_text=True)[:500]
    assert chosen.get_json()["report"]["problems"] == []
    done = planner.post(f"{API}/imports/{body['id']}/commit", json={}).get_json()
    assert done["state"] == "committed" and done["counts"]["inserted"] == 2
    rows = conn.execute("SELECT code, name, round(area_m2) AS m2 FROM plots "
                        "WHERE code LIKE 'SHP-%' ORDER BY code").fetchall()
    assert rows == [{"code": "SHP-1", "name": "东区标准厂房", "m2": 10000},
                    {"code": "SHP-2", "name": "物流仓储用地", "m2": 10000}]


def test_an_unreadable_upload_is_refused_and_leaves_no_file(app, client, conn):
    """The page's upload of a broken file: a 400 in words, the run recorded as refused,
    its temporary folder gone at once (not at the next day's sweep)."""
    planner = api_login(client, "planner")
    response = planner.post(f"{API}/imports?park=JSCY&lang=en",
                            content_type="multipart/form-data",
                            data={"layer": "plots", "file": (io.BytesIO(
                                b'{"type": "FeatureCollection", "features": ['), "broken.geojson")})
    error = api_error(response, 400)
    assert "broken.geojson" in error["message"]
    assert folders(app) == []
    run = conn.execute("SELECT state, report FROM import_runs ORDER BY id DESC LIMIT 1").fetchone()
    assert run["state"] == "refused" and run["report"]["error"]



def _upload_drawing(planner, path: Path, source_layer: str):
    return planner.post(f"{API}/imports?park=JSCY&lang=en", content_type="multipart/form-data",
                        data={"layer": "plots", "crs": "4526", "source_layer": source_layer,
                              "file": (io.BytesIO(path.read_bytes()), path.name)})


def test_several_cad_layers_import_together_one_only_itself(client, conn, tmp_path):
    """Both layers chosen: the plots of both come in, each feature's layer in the preview
    (ZDH numbers matched across them); one layer chosen: only its plots."""
    path = two_layer_dxf(tmp_path / "宗地图.dxf", X, Y + 1500)
    planner = api_login(client, "planner")
    both = _upload_drawing(planner, path, "JZX,DK")
    assert both.status_code == 201, both.get_data(as_text=True)[:500]
    body = both.get_json()
    assert body["source_layer"] == "JZX,DK" and body["layer_counts"]["DK"] == 1
    assert sorted((f["properties"]["code"], f["properties"]["source_layer"])
                  for f in body["preview"]["features"]) == [
        ("CAD-A1", "JZX"), ("CAD-A2", "JZX"), ("CAD-B1", "DK")]
    assert body["report"]["problems"] == []
    done = planner.post(f"{API}/imports/{body['id']}/commit", json={}).get_json()
    assert done["state"] == "committed" and done["counts"]["inserted"] == 3
    assert [r["code"] for r in conn.execute(
        "SELECT code FROM plots WHERE code LIKE 'CAD-%' ORDER BY code")] == [
        "CAD-A1", "CAD-A2", "CAD-B1"]
    conn.execute("DELETE FROM plots WHERE code LIKE 'CAD-%'")
    conn.commit()
    one = _upload_drawing(planner, path, "DK").get_json()
    assert [f["properties"]["code"] for f in one["preview"]["features"]] == ["CAD-B1"]
    done = planner.post(f"{API}/imports/{one['id']}/commit", json={}).get_json()
    assert done["counts"]["inserted"] == 1
    assert [r["code"] for r in conn.execute(
        "SELECT code FROM plots WHERE code LIKE 'CAD-%'")] == ["CAD-B1"]
    # and back to both with a PUT of the choice
    again = _upload_drawing(planner, path, "JZX")
    assert [f["properties"]["code"] for f in again.get_json()["preview"]["features"]] == [
        "CAD-A1", "CAD-A2"]
    chosen = planner.put(f"{API}/imports/{again.get_json()['id']}",
                         json={"layer": "JZX,DK"}).get_json()
    assert len(chosen["preview"]["features"]) == 3


def test_a_broken_approval_txt_is_refused_naming_line_and_field_in_both_languages(
        client, tmp_path):
    """The 报批坐标 TXT reader's line messages reach the import API as catalogue texts:
    Chinese by default, English on request, with the line, the field and the value."""
    path = approval_txt(tmp_path / "报批坐标.txt",
                        [(square(X, Y + 2500, 100), "TXT-1", "一号地块", "0601")])
    broken = re.sub(rb"(?m)^J2,1,(\d+)\.", rb"J2,1,\1x.", path.read_bytes())
    planner = api_login(client, "planner")

    def refused(lang: str) -> dict:
        return api_error(planner.post(
            f"{API}/imports?park=JSCY&lang={lang}", content_type="multipart/form-data",
            data={"layer": "plots", "file": (io.BytesIO(broken), "报批坐标.txt")}), 400)

    zh, en = refused("zh")["message"], refused("en")["message"]
    assert zh.startswith("报批坐标.txt"), zh
    assert "第 14 行：X（北坐标） 的数值 '3267500x.0000' 无效" in zh, zh
    assert "line 14: bad number '3267500x.0000'" in en and "for X (northing)" in en, en
    assert "行" not in en and "数值" not in en
