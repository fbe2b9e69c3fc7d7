"""The import page (/imports, issue 13) in a real headless Chromium, against the live app
and the demo park: a planner uploads a zipped GBK Shapefile with no .prj (the upload's
progress bar, then the CRS asked for), picks the candidate, sees the incoming features on
the park map and in the table, changes one field of the mapping, sees a duplicate code,
chooses to skip it, commits through the confirmation dialog, reads the report and finds
the plots through the API; a feature named <script> stays text; an unreadable file is
refused in words; the English page, cancel; a viewer gets 403 and no menu link. No page
logs an error or asks anything of another host. Screenshots at 1440 and 1024 px wide go
into test-artifacts/."""

from __future__ import annotations

import ezdxf
import geopandas as gpd
import pyogrio
import pytest
from shapely.geometry import Polygon

from tests.builders import ORIGIN, bare_gbk_shapefile, cass_dxf, square

from .browser import api, login, wait_until
from .conftest import open_page

pytestmark = pytest.mark.browser

PANEL = "#pa-import"
MAP = ".folium-map"
X, Y = ORIGIN[0] + 2600, ORIGIN[1] + 7000
HOSTILE = "<script>alert(1)</script>"
MAX_MB = 2  # the live app's upload limit in these tests


@pytest.fixture(autouse=True)
def imports_dir(monkeypatch, tmp_path):
    """The live app keeps its uploads here (set before the live server is made); every
    test ends with it empty: committed, cancelled and refused uploads leave no file."""
    folder = tmp_path / "imports"
    monkeypatch.setenv("PARKATLAS_IMPORTS_DIR", str(folder))
    monkeypatch.setenv("PARKATLAS_IMPORT_MAX_MB", str(MAX_MB))
    yield folder
    assert not folder.exists() or list(folder.iterdir()) == []


def shapefile(tmp_path):
    """A zipped GBK Shapefile with no .prj; the third feature repeats the second's code."""
    return bare_gbk_shapefile(
        tmp_path, {"地块编号": ["UI-1", "UI-2", "UI-2"],
                   "DKMC": [HOSTILE, "物流仓储用地", "重复地块"],
                   "YDDWMC": ["湖南某某科技有限公司", "某某物流", "某某"]},
        [square(X + 200 * i, Y, 100) for i in range(3)])


def views(page) -> int:
    return int(page.get_attribute(PANEL, "data-views") or 0)


def wait_view(page, before: int, state: str = "preview") -> None:
    """Wait for the next answer of the API shown on the page, in the given state."""
    wait_until(page, f"Number(document.querySelector('{PANEL}').dataset.views || 0) > {before}"
                     f" && document.querySelector('{PANEL}').dataset.state === '{state}'")


def open_imports(page, base: str, query: str = "") -> None:
    page.goto(f"{base}/imports{query}")
    page.wait_for_selector(f"{MAP}[data-loaded='true']", timeout=60_000)


def upload(page, path) -> None:
    before = views(page)
    page.set_input_files("#pa-import-file", str(path))
    page.click("#pa-import-send")
    wait_view(page, before, "crs")


def assert_clean(record, refused_upload: bool = False) -> None:
    """No page error, no console error (but the browser's own line for an upload the test
    had refused: a 400), no request to another host."""
    assert record.page_errors == []
    errors = [m for m in record.console_errors()
              if not (refused_upload and "status of 400" in m[1] and "/api/v1/imports?" in m[2])]
    assert errors == []
    if refused_upload:
        assert len(record.console_errors()) == 1
    assert record.external_requests() == []


def test_upload_choose_crs_fix_mapping_skip_commit_and_report(
        chromium_browser, live_server, demo_users, tmp_path, artifacts_dir):
    archive = shapefile(tmp_path)
    page, record = open_page(chromium_browser, 1440)
    try:
        login(page, live_server, *demo_users["planner"])
        assert page.locator("#pa-menu a[href='/imports']").text_content() == "数据导入"
        open_imports(page, live_server)
        # the progress bar follows the upload (XMLHttpRequest's upload progress)
        page.evaluate("""() => { window.__progress = [];
          new MutationObserver(() => window.__progress.push(
            document.getElementById('pa-import-progress').getAttribute('aria-valuenow')))
          .observe(document.getElementById('pa-import-progress'), {attributes: true}); }""")
        upload(page, archive)
        assert "100" in page.evaluate("window.__progress")
        assert "GB18030" in page.inner_text("#pa-import-summary").upper()
        # no .prj: the CRS is asked for, the park's GK zone with its prefix first
        assert page.inner_text("#pa-import-counts") == "请先选择坐标系。"
        assert page.is_disabled("#pa-import-commit")
        first = page.locator("#pa-import-crs-candidates [data-epsg]").first
        assert first.get_attribute("data-epsg") == "4526"
        assert "公里" in first.inner_text()
        before = views(page)
        page.check("#pa-import-crs-4526")
        wait_view(page, before)
        assert page.get_attribute(MAP, "data-import-features") == "3"
        assert page.locator(".leaflet-pa-import-pane path").count() == 3  # no marker left
        rows = page.locator("#pa-import-table tbody tr")
        assert rows.count() == 3
        # a feature named <script> stays text, in the table and in the map's tooltip
        assert rows.nth(0).locator("td").nth(3).inner_text() == HOSTILE
        assert page.evaluate("document.querySelectorAll('#pa-import script').length") == 0
        assert rows.nth(0).locator("td").nth(4).inner_text() == "10,000.00"
        # the guessed mapping; one field changed: 用地单位 from YDDWMC
        assert page.input_value("select[data-field='地块编号']") == "code"
        assert page.input_value("select[data-field='YDDWMC']") == ""
        before = views(page)
        page.select_option("select[data-field='YDDWMC']", "land_user")
        wait_view(page, before)
        assert page.input_value("select[data-field='YDDWMC']") == "land_user"
        # the duplicate code: a problem of feature 3, red on the map; refused as it stands
        problems = page.locator("#pa-import-problem-list li")
        assert problems.count() == 1 and problems.first.get_attribute("data-n") == "3"
        assert "UI-2" in problems.first.inner_text()
        assert page.get_attribute("#pa-import-table tbody tr[data-n='3']", "class") == \
            "pa-import-bad"
        assert page.is_disabled("#pa-import-commit")
        assert page.inner_text("#pa-import-counts").startswith(
            "按当前设置，整个文件将被拒绝：1 个要素有问题。")
        before = views(page)
        page.check("#pa-import-treatment-skip")
        wait_view(page, before)
        assert page.get_attribute("#pa-import-table tbody tr[data-n='3']", "data-action") == \
            "skipped"
        assert page.inner_text("#pa-import-counts") == "新增 2 个 · 跳过 1 个"
        # a row highlights its feature on the map
        page.click("#pa-import-table tbody tr[data-n='2']")
        assert page.get_attribute(PANEL, "data-chosen") == "2"
        assert page.locator(".leaflet-pa-import-pane path[stroke='#ffc107']").count() == 1
        page.screenshot(path=str(artifacts_dir / "imports-preview-1440.png"), full_page=True)
        # commit, through the dialog that says the counts; the mapping saved as 测绘院
        page.fill("#pa-import-save-as", "测绘院")
        page.click("#pa-import-commit")
        assert page.is_visible("#pa-import-confirm")
        assert "新增 2 个 · 跳过 1 个" in page.inner_text("#pa-import-confirm-body")
        page.click("#pa-import-confirm-ok")
        wait_until(page, f"document.querySelector('{PANEL}').dataset.state === 'committed'")
        assert page.inner_text("#pa-import-report-counts") == "新增 2 个 · 跳过 1 个"
        actions = page.locator("#pa-import-report-table tbody tr")
        assert [actions.nth(i).get_attribute("data-action") for i in range(3)] == \
            ["inserted", "inserted", "skipped"]
        assert actions.nth(0).locator("td").nth(2).inner_text() == "UI-1"
        assert page.get_attribute("#pa-import-csv", "href").startswith(live_server + "/api/")
        csv = page.request.get(page.get_attribute("#pa-import-csv", "href"))
        assert csv.ok and "UI-1" in csv.text()
        xlsx = page.request.get(page.get_attribute("#pa-import-xlsx", "href"))
        assert xlsx.ok and xlsx.body()[:2] == b"PK"
        assert page.get_attribute("#pa-import-to-map", "href").startswith("/")
        # the park's layers are loaded again: the new plots are on the map
        wait_until(page, "ParkAtlas.current.data.plots.some(f => f.properties.code === 'UI-2')")
        page.screenshot(path=str(artifacts_dir / "imports-report-1440.png"), full_page=True)
        # the plots are there, with the names and the land user as mapped
        found = {f["properties"]["code"]: f["properties"]
                 for f in api(page, "/api/v1/plots?code=UI-")["features"]}
        assert sorted(found) == ["UI-1", "UI-2"]
        assert found["UI-1"]["name"] == HOSTILE
        assert found["UI-2"]["land_user"] == "某某物流"
        # the next delivery: the saved mapping loads (the guess leaves YDDWMC out); cancel
        page.click("#pa-import-again")
        assert page.get_attribute(PANEL, "data-state") == "empty"
        upload(page, archive)
        assert page.input_value("select[data-field='YDDWMC']") == ""
        assert page.locator("#pa-import-saved option[value='测绘院']").count() == 1
        page.select_option("#pa-import-saved", "测绘院")
        before = views(page)
        page.click("#pa-import-load")
        wait_view(page, before, "crs")
        assert page.input_value("select[data-field='YDDWMC']") == "land_user"
        page.click("#pa-import-cancel")
        wait_until(page, f"document.querySelector('{PANEL}').dataset.state === 'cancelled'")
        assert_clean(record)
    finally:
        page.context.close()


def test_english_page_errors_in_words_and_cancel(chromium_browser, live_server, demo_users,
                                                 tmp_path, artifacts_dir):
    archive = shapefile(tmp_path)
    broken = tmp_path / "损坏.geojson"
    broken.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    page, record = open_page(chromium_browser, 1024)
    try:
        login(page, live_server, *demo_users["planner"])
        open_imports(page, live_server, "?lang=en")
        assert page.inner_text("#pa-import-send") == "Upload and preview"
        page.screenshot(path=str(artifacts_dir / "imports-upload-1024.png"), full_page=True)
        # a file beyond the limit: refused before it is sent, saying the limit
        big = tmp_path / "big.geojson"
        big.write_bytes(b" " * (MAX_MB * 1024 * 1024 + 1))
        sent = len(record.requests)
        page.set_input_files("#pa-import-file", str(big))
        page.click("#pa-import-send")
        wait_until(page, f"document.querySelector('{PANEL}').dataset.state === 'error'")
        assert page.inner_text("#pa-import-error") == \
            f"The file is larger than the import limit of {MAX_MB} MB."
        assert page.get_attribute("#pa-import-error", "data-code") == "payload_too_large"
        assert not [u for u in record.requests[sent:] if "/api/v1/imports" in u]
        assert f"at most {MAX_MB} MB" in page.inner_text("#pa-import-upload")
        # an unreadable file: refused in words, the code kept out of the text
        page.set_input_files("#pa-import-file", str(broken))
        page.click("#pa-import-send")
        wait_until(page, f"document.querySelector('{PANEL}').dataset.state === 'error'")
        error = page.locator("#pa-import-error")
        code = error.get_attribute("data-code")
        assert code and code not in error.inner_text() and "损坏.geojson" in error.inner_text()
        upload(page, archive)
        assert page.inner_text("#pa-import-crs-said").startswith(
            "The file does not say its coordinate system")
        before = views(page)
        page.check("#pa-import-crs-4526")
        wait_view(page, before)
        assert page.inner_text("#pa-import-counts").startswith(
            "As things stand the whole file would be refused: 1 features have problems.")
        page.screenshot(path=str(artifacts_dir / "imports-preview-1024.png"), full_page=True)
        run_id = page.get_attribute(PANEL, "data-import")
        page.click("#pa-import-cancel")
        wait_until(page, f"document.querySelector('{PANEL}').dataset.state === 'cancelled'")
        assert page.is_visible("#pa-import-upload")
        assert page.locator(".leaflet-pa-import-pane path").count() == 0
        gone = page.request.put(f"{live_server}/api/v1/imports/{run_id}", data={},
                                headers={"X-CSRFToken": page.get_attribute(
                                    "meta[name=csrf-token]", "content")})
        assert gone.status == 409
        assert_clean(record, refused_upload=True)
    finally:
        page.context.close()


def test_a_viewer_gets_403_and_no_menu_link(chromium_browser, live_server, demo_users):
    page, record = open_page(chromium_browser, 1440)
    try:
        login(page, live_server, *demo_users["viewer"])
        assert page.locator("#pa-menu a[href='/imports']").count() == 0
        assert page.goto(live_server + "/imports").status == 403
        assert record.external_requests() == []
    finally:
        page.context.close()


def test_a_geopackage_layer_and_the_replace_mode(chromium_browser, live_server, demo_users,
                                                 tmp_path):
    """A GeoPackage of two layers: the source layer is chosen; replacing within a zone
    offers the park's zones."""
    gpkg = tmp_path / "交付.gpkg"
    for layer, codes in (("旧地块", ["GP-A"]), ("地块", ["GP-1", "GP-2"])):
        pyogrio.write_dataframe(gpd.GeoDataFrame({"DKBH": codes}, crs=4526, geometry=[
            Polygon(square(X + 200 * i, Y + 600, 100)) for i in range(len(codes))]),
            gpkg, layer=layer, append=gpkg.exists())
    page, record = open_page(chromium_browser, 1440)
    try:
        login(page, live_server, *demo_users["planner"])
        open_imports(page, live_server)
        before = views(page)
        page.set_input_files("#pa-import-file", str(gpkg))
        page.click("#pa-import-send")
        wait_view(page, before)
        assert page.is_visible("#pa-import-source")
        assert page.input_value("#pa-import-source") == "旧地块"
        assert page.get_attribute(MAP, "data-import-features") == "1"
        before = views(page)
        page.select_option("#pa-import-source", "地块")
        wait_view(page, before)
        assert page.get_attribute(MAP, "data-import-features") == "2"
        assert page.inner_text("#pa-import-crs-said") == "文件声明的坐标系为 EPSG:4526。"
        before = views(page)
        page.select_option("#pa-import-mode", "replace")
        wait_view(page, before)
        assert page.is_visible("#pa-import-zone")
        zones = {z["properties"]["code"] for z in api(page, "/api/v1/zones")["features"]}
        offered = page.eval_on_selector_all("#pa-import-zone option", "os => os.map(o => o.value)")
        assert set(offered) == zones and page.input_value("#pa-import-zone") == offered[0]
        assert page.get_attribute(PANEL, "data-state") == "preview"
        page.click("#pa-import-cancel")
        wait_until(page, f"document.querySelector('{PANEL}').dataset.state === 'cancelled'")
        assert_clean(record)
    finally:
        page.context.close()



def test_a_drawing_takes_several_cad_layers_at_once(chromium_browser, live_server, demo_users,
                                                    tmp_path, artifacts_dir):
    """A CASS drawing whose parcels lie on JZX and whose third is only a hatch on another
    layer: JZX is chosen first; Ctrl-choosing the hatch layer as well brings all three."""
    path = cass_dxf(tmp_path / "宗地图.dxf", [(square(X + 200 * i, Y + 1200, 100), [], f"CAD-{i}")
                                           for i in range(2)])
    drawing = ezdxf.readfile(path)
    hatch = drawing.modelspace().add_hatch(dxfattribs={"layer": "DLSS"})
    hatch.paths.add_polyline_path(square(X + 400, Y + 1200, 100)[:-1], is_closed=True)
    drawing.saveas(path)
    page, record = open_page(chromium_browser, 1024)
    try:
        login(page, live_server, *demo_users["planner"])
        open_imports(page, live_server)
        upload(page, path)
        before = views(page)
        page.check("#pa-import-crs-4526")
        wait_view(page, before)
        assert page.get_attribute(MAP, "data-import-features") == "2"
        assert page.is_visible("#pa-import-source-several")
        assert page.evaluate("document.getElementById('pa-import-source').multiple")
        before = views(page)
        page.select_option("#pa-import-source", ["DLSS", "JZX"])
        wait_view(page, before)
        assert page.get_attribute(MAP, "data-import-features") == "3"
        chosen = page.eval_on_selector_all("#pa-import-source option:checked",
                                           "os => os.map(o => o.value)")
        assert sorted(chosen) == ["DLSS", "JZX"]
        # the table names each feature's CAD layer
        assert page.is_visible("#pa-import-layer-col")
        layers = page.eval_on_selector_all("#pa-import-table td.pa-col-layer",
                                           "tds => tds.map(td => td.textContent)")
        assert sorted(layers) == ["DLSS", "JZX", "JZX"]
        page.screenshot(path=str(artifacts_dir / "imports-cad-layers-1024.png"), full_page=True)
        page.click("#pa-import-cancel")
        wait_until(page, f"document.querySelector('{PANEL}').dataset.state === 'cancelled'")
        assert_clean(record)
    finally:
        page.context.close()
