"""The 报批材料包: every file in it, read back by an independent reader, agrees with its
manifest (areas to 0.01 m², money to the fen), and the manifest lists every file with its
true size and SHA-256 (no database: the sample plan of tests/plan_samples.py)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import subprocess
import zipfile
from collections import defaultdict
from decimal import Decimal

import ezdxf
import openpyxl
import pyogrio
import pytest

from app import coordinate_file, exporters
from tests.plan_samples import sample_result

CENT = Decimal("0.01")
J_NAME = re.compile(r"J[0-9]+")


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory):
    """The sample plan's package, unzipped: (result, folder, manifest)."""
    result = sample_result()
    data = exporters.export(result, "package")
    root = tmp_path_factory.mktemp("package")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert all(info.flag_bits & 0x800 for info in archive.infolist()
                   if not info.filename.isascii())  # UTF-8 names, flagged as such
        archive.extractall(root)
    folder = root / "君山工业园北区2026年第一批次征地_v2_报批材料包"
    assert {n.split("/", 1)[0] for n in names} == {folder.name}
    return result, folder, json.loads((folder / "manifest.json").read_text("utf-8"))


def _file(folder, manifest, fmt: str):
    paths = [f["path"] for f in manifest["files"] if f["format"] == fmt]
    assert paths, fmt
    return folder / paths[0]


def test_the_manifest_lists_every_file_with_its_size_and_sha256(unpacked):
    result, folder, manifest = unpacked
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    assert on_disk == set(listed) | {"manifest.json", "清单.txt"}
    for path, entry in listed.items():
        content = (folder / path).read_bytes()
        assert entry["size"] == len(content), path
        assert entry["sha256"] == hashlib.sha256(content).hexdigest(), path
    base = "君山工业园北区2026年第一批次征地_v2"
    assert {f["path"] for f in manifest["files"] if "/" not in f["path"]} == {
        f"{base}_报批坐标.txt", f"{base}_汇总表.xlsx", f"{base}_界址点成果表.xlsx",
        f"{base}_CAD图.dxf", f"{base}_图形.gpkg", f"{base}_报告.pdf"}
    shp = {p.rsplit(".", 1)[1] for p in listed if p.startswith(f"{base}_图形SHP/")}
    assert {"shp", "shx", "dbf", "prj", "cpg"} <= shp
    plan = manifest["plan"]
    assert (plan["name"], plan["version"], plan["status"], plan["computed_on"]) == (
        result.plan_name, 2, "submitted", "2026-11-22")
    assert manifest["crs"]["epsg"] == 4526 and manifest["crs"]["zone"] == 38


def test_the_manifest_totals_are_the_results(unpacked):
    result, _, manifest = unpacked
    totals = manifest["totals"]
    assert totals["plots"] == len(result.plots) == 5
    assert totals["area_m2"] == round(result.area_m2, 2)
    assert totals["area_mu"] == round(result.area_mu, 4)
    assert totals["area_ha"] == round(result.area_ha, 6)
    assert Decimal(totals["compensation"]["total"]) == result.compensation.total
    owners = {o["owner"]: o for o in manifest["owners"]}
    assert set(owners) == {o.owner for o in result.by_owner}
    for o in result.by_owner:
        assert owners[o.owner]["area_m2"] == round(o.area_m2, 2)
        assert Decimal(owners[o.owner]["compensation"]["total"]) == o.compensation.total
    assert sum(Decimal(o["compensation"]["total"]) for o in owners.values()) == \
        Decimal(totals["compensation"]["total"])


def _points_of_txt(parsed) -> set[tuple[str, float, float]]:
    return {(name, round(x, 3), round(y, 3))
            for parcel in parsed.parcels for _, ring in parcel.rings for name, x, y in ring}


def test_the_txt_agrees(unpacked):
    _, folder, manifest = unpacked
    parsed = coordinate_file.read(_file(folder, manifest, "txt").read_bytes(), "gbk")
    totals = manifest["totals"]
    assert len(parsed.parcels) == totals["plots"]
    assert len(_points_of_txt(parsed)) == totals["boundary_points"]
    assert abs(sum(p.geometry.area for p in parsed.parcels) - totals["area_m2"]) < 0.01
    assert abs(sum(p.area_ha for p in parsed.parcels) - totals["area_ha"]) < 1e-5
    assert parsed.zone == manifest["crs"]["zone"]
    assert parsed.attributes["精度"] == "0.05"


def test_the_workbooks_agree(unpacked):
    _, folder, manifest = unpacked
    totals = manifest["totals"]
    book = openpyxl.load_workbook(_file(folder, manifest, "xlsx"), data_only=True)
    rows = [r for r in book["汇总"].iter_rows(values_only=True) if r[0] is not None]
    total_area = next(r for r in rows if r[0] == "总面积")
    assert total_area[1] == totals["plots"]
    assert abs(total_area[2] - totals["area_m2"]) < 0.01
    money = [r for r in rows if r[0] == "合计" and isinstance(r[1], int | float)][-1]
    assert Decimal(str(money[1])).quantize(CENT) == Decimal(totals["compensation"]["total"])

    points = openpyxl.load_workbook(_file(folder, manifest, "points"), data_only=True)
    found = set()
    for sheet in points.worksheets:
        for row in sheet.iter_rows(values_only=True):
            name = next((c for c in row if isinstance(c, str) and J_NAME.fullmatch(c)), None)
            coords = [c for c in row if isinstance(c, int | float) and c > 1e6]
            if name and len(coords) >= 2:
                found.add((name, round(coords[0], 3), round(coords[1], 3)))
    assert len(found) == totals["boundary_points"]


def test_the_dxf_agrees(unpacked):
    result, folder, manifest = unpacked
    doc = ezdxf.readfile(_file(folder, manifest, "dxf"))
    vertices = set()
    for entity in doc.modelspace().query('*[layer=="JZX" | layer=="JZD"]'):
        if entity.dxftype() == "LWPOLYLINE":
            vertices |= {(round(x, 3), round(y, 3)) for x, y in entity.get_points("xy")}
        elif entity.dxftype() == "POINT":
            vertices.add((round(entity.dxf.location.x, 3), round(entity.dxf.location.y, 3)))
    # every 界址点 and nothing else is a boundary vertex (x easting, y northing in the DXF)
    assert vertices == {(round(p.y, 3), round(p.x, 3)) for p in result.boundary_points}
    texts = " ".join(e.plain_text() if e.dxftype() == "MTEXT" else e.dxf.text
                     for e in doc.modelspace() if e.dxftype() in ("TEXT", "MTEXT"))
    assert all(p.code in texts for p in result.plots)


@pytest.mark.parametrize("fmt", ["shp", "gpkg"])
def test_the_gis_files_agree(unpacked, fmt):
    _, folder, manifest = unpacked
    path = _file(folder, manifest, fmt)
    if fmt == "shp":
        path = next(p for p in path.parent.iterdir() if p.suffix == ".shp")
        area, owner, money, layer = "AREA_M2", "OWNER", "COMP_TOTAL", None
    else:
        area, owner, money, layer = "area_m2", "owner", "compensation_total", "plan_plots"
    frame = pyogrio.read_dataframe(path, layer=layer)
    totals = manifest["totals"]
    assert len(frame) == totals["plots"]
    # GDAL 3.6's ogrinfo, the bureau's readers' stand-in, opens the file as it lies in the
    # unpacked package and counts the same plots
    info = subprocess.run(["ogrinfo", "-ro", "-so", str(path), *([layer] if layer else ["-al"])],
                          capture_output=True, text=True, check=True,
                          env={k: v for k, v in os.environ.items() if not k.startswith("DXF_")})
    assert f"Feature Count: {totals['plots']}" in info.stdout, info.stdout
    assert abs(frame.geometry.area.sum() - totals["area_m2"]) < 0.01
    assert abs(frame[area].sum() - totals["area_m2"]) < 0.01
    assert Decimal(str(round(frame[money].sum(), 2))).quantize(CENT) == \
        Decimal(totals["compensation"]["total"])
    by_owner = defaultdict(float)
    for name, value in zip(frame[owner], frame.geometry.area, strict=True):
        by_owner[name] += value
    for o in manifest["owners"]:
        assert abs(by_owner[o["owner"]] - o["area_m2"]) < 0.01, o["owner"]


def test_the_pdf_agrees(unpacked):
    _, folder, manifest = unpacked
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8",
                           str(_file(folder, manifest, "pdf")), "-"],
                          capture_output=True, check=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)
    totals = manifest["totals"]
    assert f"{totals['area_m2']:,.2f}" in flat
    assert f"{Decimal(totals['compensation']['total']):,.2f}" in flat
    for o in manifest["owners"]:
        assert f"{Decimal(o['compensation']['total']):,.2f}" in flat


def test_the_people_manifest_states_the_same_totals(unpacked):
    _, folder, manifest = unpacked
    raw = (folder / "清单.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    text = raw.decode("utf-8-sig")
    totals = manifest["totals"]
    assert f"地块数：{totals['plots']}" in text
    assert f"界址点数：{totals['boundary_points']}" in text
    assert f"{totals['area_m2']:,.2f} 平方米 = {totals['area_mu']:,.4f} 亩" in text
    assert f"{Decimal(totals['compensation']['total']):,.2f} 元" in text
    for f in manifest["files"]:
        assert f"{f['path']}  {f['size']:,} 字节  SHA-256 {f['sha256']}" in text
    for o in manifest["owners"]:
        assert o["owner"] in text


def test_the_english_package_names_its_files_in_english():
    result = sample_result(plan_name='North / "A" plan')
    with zipfile.ZipFile(io.BytesIO(exporters.export(result, "package", lang="en"))) as z:
        names = z.namelist()
        manifest = json.loads(z.read("North_A_plan_v2_package/manifest.json"))
        text = z.read("North_A_plan_v2_package/manifest.txt").decode("utf-8-sig")
    assert "North_A_plan_v2_package/North_A_plan_v2_coordinates.txt" in names
    assert "North_A_plan_v2_package/North_A_plan_v2_report.pdf" in names
    assert manifest["language"] == "en" and manifest["plan"]["name"] == 'North / "A" plan'
    assert text.startswith("Submission package manifest") and "Boundary points: " in text

