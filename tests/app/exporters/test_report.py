"""The PDF report of a land-requisition plan, read back with poppler (no database).

pdftotext checks the words and numbers, pdftoppm the map sheet's pixels, pdffonts the
embedded font. The PDFs and the map PNG stay in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import subprocess
import time
from html import unescape

import numpy as np
import pytest
from PIL import Image
from shapely import affinity
from shapely.geometry import MultiPolygon, Polygon, box

from app.exporters import export, report
from app.exporters.report import MAP_FRAME, PAGE_H, PANEL_W, ReportFontMissing, write_pdf
from app.plan_result import to_mu
from tests.plan_samples import X0, Y0, sample_plots, sample_result

DPI = 110


def _squash(text: str) -> str:
    """Text without any whitespace: long cells and labels may break across lines."""
    return re.sub(r"\s+", "", text)


def _pages(path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                         check=True, capture_output=True).stdout.decode("utf-8")
    return out.split("\f")[:-1]


def _map_page(pages: list[str], word: str = "比例尺") -> int:
    """The 1-based number of the map sheet page (the only one with a stated scale)."""
    hits = [n for n, text in enumerate(pages, start=1) if re.search(word + r"\s*1:\d+", text)]
    assert len(hits) == 1, hits
    return hits[0]


def _words(path, page: int) -> list[tuple[str, float, float, float, float]]:
    """Words of one page with their boxes in points (x0, y0 top-down, x1, y1)."""
    html = subprocess.run(["pdftotext", "-bbox", "-enc", "UTF-8", "-f", str(page), "-l",
                           str(page), str(path), "-"], check=True,
                          capture_output=True).stdout.decode("utf-8")
    return [(unescape(m[5]), float(m[1]), float(m[2]), float(m[3]), float(m[4]))
            for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                                 r'yMax="([\d.]+)">([^<]*)</word>', html)]


def _png(pdf_path, page: int, out_stem) -> np.ndarray:
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page),
                    "-singlefile", str(pdf_path), str(out_stem)], check=True)
    return np.asarray(Image.open(f"{out_stem}.png").convert("RGB")).astype(int)


def _px(x_pt: float, y_pt: float) -> tuple[float, float]:
    """Page points (origin bottom-left) to pixel column and row of the rendered PNG."""
    return x_pt * DPI / 72, (PAGE_H - y_pt) * DPI / 72


@pytest.fixture(scope="module")
def sample_pdf(artifacts_dir):
    result = sample_result()
    started = time.perf_counter()
    data = write_pdf(result)
    print(f"\nPDF report of the 5-plot sample: {time.perf_counter() - started:.3f} s, "
          f"{len(data)} bytes")
    path = artifacts_dir / "plan-report.pdf"
    path.write_bytes(data)
    return result, path, _pages(path)


# --- text ----------------------------------------------------------------------------------

def test_report_names_the_plan_park_and_every_owner(sample_pdf):
    result, _, pages = sample_pdf
    text = _squash("".join(pages))
    assert _squash(result.plan_name) in text
    assert result.park_name in text
    assert result.organisation in text
    assert "已报批" in text
    assert "2026-11-22" in text
    assert "2000国家大地坐标系3度带高斯-克吕格投影第38带" in text
    collectives = [o.owner for o in result.by_owner if o.owner_type == "collective"]
    assert "君山区许市镇华龙村村民委员会" in collectives
    for owner in collectives:
        assert owner in text


def test_report_prints_the_results_totals(sample_pdf):
    result, _, pages = sample_pdf
    text = _squash("".join(pages))
    assert f"{result.area_m2:,.2f}" == "67,865.68"
    for number in (f"{result.area_m2:,.2f}", f"{result.area_mu:,.4f}",
                   f"{result.area_ha:,.6f}", f"{result.compensation.total:,.2f}",
                   f"{result.requisition_area_m2:,.2f}", f"{result.farmland_m2:,.2f}"):
        assert number in text, number
    for component in ("land", "crops", "houses", "social_security"):
        assert f"{getattr(result.compensation, component):,.2f}" in text
    for row in result.by_land_class:
        assert f"{row.land_class}{row.land_class_name}" in text
    for owner in result.by_owner:
        assert f"{owner.compensation.total:,.2f}" in text
    # one row per plot: code, owner, class, zones, 亩 and the five money columns
    for plot in result.plots:
        money = plot.compensation
        cells = [plot.code, plot.land_class, plot.price_zones, f"{plot.area_mu:,.4f}",
                 *(f"{getattr(money, c):,.2f}" for c in ("land", "crops", "houses",
                                                          "social_security")),
                 f"{money.total:,.2f}"]
        assert any(all(c in _squash(line) for c in cells)
                   for page in pages for line in page.splitlines()), plot.code


def test_units_are_in_the_headers(sample_pdf):
    _, path, _ = sample_pdf
    text = _squash("".join(_pages_of(path.read_bytes(), layout=False)))
    for header in ("面积（平方米）", "面积（亩）", "面积（公顷）", "区片综合地价（元）",
                   "青苗补偿（元）", "地上附着物（房屋）（元）", "社会保障费用（元）",
                   "补偿合计（元）", "合计（元）", "金额（元）"):
        assert header in text, header


def test_excluded_plot_is_noted(sample_pdf):
    result, _, pages = sample_pdf
    map_page = _map_page(pages)
    tables = _squash("".join(p for n, p in enumerate(pages, 1) if n > map_page))
    note, _, rest = tables.partition("已征收，不再列入本方案")
    assert rest, "no excluded-plot note"
    assert "NQ-04-01" in rest and "5,321.50" in rest and "2025-06-30" in rest
    assert "NQ-04-01" not in [p.code for p in result.plots]
    # and no note at all when nothing was left out
    assert "不再列入" not in "".join(_pages_of(write_pdf(sample_result(excluded=()))))


def _pages_of(data: bytes, layout: bool = True) -> list[str]:
    """Text of each page; without `layout`, a table cell's lines stay together (for
    headings whose unit is on a second line)."""
    out = subprocess.run(["pdftotext", *(["-layout"] if layout else []), "-enc", "UTF-8",
                          "-", "-"], input=data,
                         check=True, capture_output=True).stdout.decode("utf-8")
    return out.split("\f")[:-1]


def test_map_sheet_has_legend_scale_and_labels(sample_pdf):
    result, path, pages = sample_pdf
    map_page = _map_page(pages)
    assert map_page == 2
    text = _squash(pages[map_page - 1])
    for word in ("图例", "红线", "征地地块", "道路", "规划道路", "功能分区", "其他地块", "坐标北"):
        assert word in text, word
    for plot in result.plots:
        assert plot.code in text, plot.code
    assert "荆江大道" in text and "北区西片" in text and "NQ-04-01" in text
    assert re.search(r"0\s+(\d+)\s+(\d+)\s*m", pages[map_page - 1])
    assert "未标注" not in text  # every sample plot is big enough for its label
    # the multipart plot is named on both parts; the holed plot once
    codes = [w[0] for w in _words(path, map_page)]
    assert codes.count("NQ-02-01") == 2 and codes.count("NQ-01-02") == 1


def test_footer_numbers_every_page(sample_pdf):
    result, _, pages = sample_pdf
    total = len(pages)
    assert total >= 3
    for n, page in enumerate(pages, start=1):
        squashed = _squash(page)
        assert f"第{n}页/共{total}页" in squashed
        assert _squash(result.plan_name) + "第2版" in squashed


def test_metadata(sample_pdf):
    result, path, _ = sample_pdf
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True
                          ).stdout.decode("utf-8")
    fields = dict(re.findall(r"^([^:]+):\s*(.*)$", info, re.M))
    assert fields["Title"] == f"{result.plan_name} v2"
    assert fields["Author"] == "planner"
    assert result.park_name in fields["Subject"]
    assert fields["Page size"].startswith("841.89 x 595.276")  # A4 landscape


def test_font_is_embedded(sample_pdf):
    _, path, _ = sample_pdf
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True
                         ).stdout.decode("utf-8")
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows
    assert any("WenQuanYiMicroHei" in r[0] for r in rows)
    for r in rows:
        # columns: name type [subtype] encoding emb sub uni object id
        assert r[-5] == "yes", f"font not embedded: {r}"


def test_english(artifacts_dir):
    data = write_pdf(sample_result(), lang="en")
    (artifacts_dir / "plan-report-en.pdf").write_bytes(data)
    text = _squash("".join(_pages_of(data, layout=False)))
    for heading in ("Legend", "Redline", "Scale1:", "Compensationbyplot", "Totalsbyowner",
                    "Area(m²)", "Area(mu)", "Land(zoneprice)(yuan)", "Submitted",
                    "CGCS2000", "Page1of", "Plotsleftout"):
        assert heading in text, heading
    for chinese in ("图例", "红线", "合计", "已报批", "比例尺", "面积"):
        assert chinese not in text, chinese
    assert "君山区许市镇华龙村村民委员会" in text  # data stays as it is


# --- the map sheet's pixels -------------------------------------------------------------

def test_red_line_is_drawn_at_the_stated_scale_inside_the_frame(sample_pdf, artifacts_dir):
    result, path, pages = sample_pdf
    map_page = _map_page(pages)
    img = _png(path, map_page, artifacts_dir / "plan-report-map")
    red = (img[..., 0] > 180) & (img[..., 1] < 80) & (img[..., 2] < 80)
    rows, cols = np.nonzero(red)
    assert len(rows) > 1000

    fx0, fy0 = _px(MAP_FRAME[0], MAP_FRAME[3])   # top-left of the frame
    fx1, fy1 = _px(MAP_FRAME[2], MAP_FRAME[1])   # bottom-right
    inside = (cols > fx0) & (cols < fx1) & (rows > fy0) & (rows < fy1)
    panel_x0, _ = _px(MAP_FRAME[2] + 8, 0)       # the legend's red swatch sits in the panel
    assert inside.sum() > 1000
    assert not ((~inside) & (cols < panel_x0)).any(), "red outside the map frame"
    assert (~inside).sum() < 200                  # only the legend swatch
    assert _px(report.BODY[2] - PANEL_W, 0)[0] <= cols[~inside].min()

    # the plan is centred, at the stated scale, with equal scale in x and y
    r_in, c_in = rows[inside], cols[inside]
    minx, miny, maxx, maxy = MultiPolygon(
        [g for p in result.plots for g in p.geometry.geoms]).bounds
    scale = int(re.search(r"比例尺\s*1:(\d+)", pages[map_page - 1])[1])
    px_per_m = 1000 / scale / 25.4 * DPI
    width, height = c_in.max() - c_in.min(), r_in.max() - r_in.min()
    line = 2.0 * DPI / 72                         # the red line's width in pixels
    assert width == pytest.approx((maxx - minx) * px_per_m + line, abs=3)
    assert height == pytest.approx((maxy - miny) * px_per_m + line, abs=3)
    assert (c_in.min() + c_in.max()) / 2 == pytest.approx((fx0 + fx1) / 2, abs=3)
    assert (r_in.min() + r_in.max()) / 2 == pytest.approx((fy0 + fy1) / 2, abs=3)


def test_map_is_not_mirrored(sample_pdf):
    """NQ-03-01 lies north-east of NQ-01-01: its label is above and to the right."""
    _, path, pages = sample_pdf
    words = {w[0]: w for w in _words(path, _map_page(pages))}
    south_west, north_east = words["NQ-01-01"], words["NQ-03-01"]
    assert north_east[1] > south_west[1]          # further east → further right
    assert north_east[2] < south_west[2]          # further north → higher (smaller y down)


def test_nice_scale():
    assert report.nice_scale(3048) == 4000
    assert report.nice_scale(2000) == 2000
    assert report.nice_scale(2001) == 2500
    assert report.nice_scale(11_000) == 12_000
    assert report.nice_scale(10) == 200


# --- text handling and errors ----------------------------------------------------------

def test_markup_in_names_is_printed_not_parsed(artifacts_dir):
    result = sample_result(plan_name="征地<b>&测试</b> A&B", park_name="园区<i>&amp;",
                           organisation="管委会 <br/> & co")
    data = write_pdf(result)
    (artifacts_dir / "plan-report-escaping.pdf").write_bytes(data)
    pages = _pages_of(data)
    text = _squash("".join(pages))
    assert _squash("征地<b>&测试</b> A&B") in text
    assert "园区<i>&amp;" in text
    assert _squash("管委会 <br/> & co") in text
    # on the first page, in the title and the title block (the paragraphs)
    assert _squash(pages[0]).count(_squash("征地<b>&测试</b> A&B")) >= 3


def test_missing_font_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(report, "FONT_PATH", str(tmp_path / "wqy-microhei.ttc"))
    with pytest.raises(ReportFontMissing, match="fonts-wqy-microhei"):
        write_pdf(sample_result())


def test_unreadable_font_names_the_package(monkeypatch, tmp_path):
    broken = tmp_path / "broken.ttc"
    broken.write_bytes(b"not a font")
    monkeypatch.setattr(report, "FONT_PATH", str(broken))
    with pytest.raises(ReportFontMissing, match="fonts-wqy-microhei"):
        write_pdf(sample_result())


def test_registry_writes_the_pdf():
    data = export(sample_result(), "pdf", lang="en")
    assert data.startswith(b"%PDF-")
    assert "Legend" in "".join(_pages_of(data))


def test_plan_without_plots_still_renders():
    pages = _pages_of(write_pdf(sample_result(plots=(), excluded=())))
    text = _squash("".join(pages))
    assert "方案无地块" in text
    assert "0.00" in text


def test_plots_without_land_group_are_listed_as_unclassified():
    plot = dataclasses.replace(sample_plots()[0], land_class=None, land_class_name=None,
                               land_group=None)
    pages = _pages_of(write_pdf(sample_result(plots=(plot, *sample_plots()[1:]))))
    text = _squash("".join(pages))
    assert "未分类1" + f"{plot.area_m2:,.2f}" in text


# --- a 1 000-plot plan -----------------------------------------------------------------

def _large_result(n: int = 1000):
    """n − 1 translated copies of the sample plots (too small to label at the sheet's
    scale) and one large plot that must keep its label."""
    base = sample_plots()
    plots = []
    for k in itertools.count():
        dx, dy = (k % 20) * 600.0, (k // 20) * 340.0
        for p in base:
            plots.append(dataclasses.replace(
                p, code=f"B{k:03d}-{p.code}", geometry=affinity.translate(p.geometry, dx, dy)))
        if len(plots) >= n - 1:
            break
    plots = plots[:n - 1]
    big = box(X0 - 3000, Y0, X0 - 800, Y0 + 2400)
    plots.append(dataclasses.replace(base[0], code="BIG-01", area_m2=big.area,
                                     geometry=MultiPolygon([big])))
    return sample_result(plots=tuple(plots))


def test_large_plan(artifacts_dir):
    result = _large_result()
    assert len(result.plots) == 1000
    started = time.perf_counter()
    data = write_pdf(result)
    elapsed = time.perf_counter() - started
    print(f"\nPDF report of a 1 000-plot plan: {elapsed:.3f} s, {len(data)} bytes")
    path = artifacts_dir / "plan-report-1000.pdf"
    path.write_bytes(data)
    pages = _pages_of(data)
    assert len(pages) > 20                       # the per-plot table runs over many pages

    map_page = _map_page(pages)
    map_text = _squash(pages[map_page - 1])
    assert "BIG-01" in map_text and f"{to_mu(2200 * 2400):,.2f}亩" in map_text
    assert "共1000块，标注1块；999块图上过小未标注编号" in map_text
    assert "B000-NQ-01-01" not in map_text
    _png(path, map_page, artifacts_dir / "plan-report-1000-map")

    # every plot has its row, and the header repeats on every page of the table
    # the 界址点成果表 pages (the map sheet names the table too, without its columns)
    schedule = next(i for i, p in enumerate(pages) if "界址线类别" in p)
    tables = pages[map_page:schedule]
    text = _squash("".join(tables))
    assert all(p.code in text for p in result.plots[::37])
    table_pages = [p for p in tables if "B" in p and "-NQ-" in p]
    assert len(table_pages) > 20
    assert all("区片综合地价" in p and "权属单位" in p for p in table_pages)
    assert f"{result.compensation.total:,.2f}" in text
    # then the 界址点成果表: every plot's table, its heading repeated on every page
    points = pages[schedule:]
    assert all("点号" in p and "界址线类别" in p for p in points)
    assert sum(_squash(p).count("地块编号：") for p in points) >= 1000


def test_labels_never_overlap(artifacts_dir):
    """A denser plan, where some labels fit and some do not: no two labels touch."""
    base = sample_plots()
    plots = tuple(dataclasses.replace(p, code=f"{k}-{i}",
                                      geometry=affinity.translate(p.geometry, k * 560.0, 0))
                  for k in range(6) for i, p in enumerate(base))
    result = sample_result(plots=plots)
    data = write_pdf(result)
    path = artifacts_dir / "plan-report-dense.pdf"
    path.write_bytes(data)
    pages = _pages_of(data)
    map_page = _map_page(pages)
    words = _words(path, map_page)
    frame_x0, frame_x1 = MAP_FRAME[0], MAP_FRAME[2]
    top, bottom = PAGE_H - MAP_FRAME[3], PAGE_H - MAP_FRAME[1]
    labels = [w for w in words if frame_x0 < w[1] and w[3] < frame_x1 and top < w[2]
              and w[4] < bottom]
    codes = [w for w in labels if re.fullmatch(r"\d-\d", w[0])]
    assert codes, "no plot labelled"
    for a, b in itertools.combinations(labels, 2):
        overlap = min(a[3], b[3]) - max(a[1], b[1]) > 0.5 and \
            min(a[4], b[4]) - max(a[2], b[2]) > 0.5
        assert not overlap, (a, b)


# --- 界址点 on the map sheet, and the signature block --------------------------------------

J_WORD = re.compile(r"J[0-9]+")


def _j_words(path, page: int) -> list[tuple[str, float, float, float, float]]:
    """The J labels drawn inside the map frame (the legend's sample J1 is outside); two
    labels side by side, which pdftotext reads as one word ("J4J8"), share its box."""
    top, bottom = PAGE_H - MAP_FRAME[3], PAGE_H - MAP_FRAME[1]
    return [(label, *w[1:]) for w in _words(path, page)
            if re.fullmatch(r"(J[0-9]+)+", w[0]) and MAP_FRAME[0] < w[1]
            and w[3] < MAP_FRAME[2] and top < w[2] and w[4] < bottom
            for label in J_WORD.findall(w[0])]


def test_map_sheet_labels_every_boundary_point_when_they_fit(sample_pdf):
    result, path, pages = sample_pdf
    map_page = _map_page(pages)
    words = _j_words(path, map_page)
    # the sample's plots are large at the sheet's scale: every point is labelled, once
    assert sorted(w[0] for w in words) == \
        sorted(p.name for p in report._distinct_points(result.boundary_points))
    assert all(w[4] - w[2] >= 5 for w in words)  # 5.5 pt type: legible in print
    text = _squash(pages[map_page - 1])
    assert "界址点坐标见界址点成果表" in text and "界址点" in text.partition("图例")[2]


def _panel_text(path, page: int) -> str:
    """The words of the map sheet's side panel, in reading order, without spaces."""
    return "".join(w[0] for w in _words(path, page) if w[1] > MAP_FRAME[2])


def _round_plot(n: int):
    """A sample plot replaced by an n-gon of radius 120 m: its points crowd on paper."""
    ring = [(X0 + 900 + 120 * np.cos(a), Y0 + 150 + 120 * np.sin(a))
            for a in np.linspace(0, 2 * np.pi, n, endpoint=False)]
    geometry = MultiPolygon([Polygon(ring)])
    return dataclasses.replace(sample_plots()[0], code="ROUND-01", area_m2=geometry.area,
                               geometry=geometry)


def test_dense_boundary_points_are_thinned_and_the_sheet_says_so(artifacts_dir):
    result = sample_result(plots=(*sample_plots(), _round_plot(300)))
    path = artifacts_dir / "plan-report-dense-points.pdf"
    path.write_bytes(write_pdf(result))
    pages = _pages_of(path.read_bytes())
    map_page = _map_page(pages)
    words = _j_words(path, map_page)
    total = len(report._distinct_points(result.boundary_points))
    assert 20 < len(words) < total
    for a, b in itertools.combinations(words, 2):  # no label over another
        assert a[1:] == b[1:] or min(a[3], b[3]) - max(a[1], b[1]) <= 0.3 or \
            min(a[4], b[4]) - max(a[2], b[2]) <= 0.3, (a, b)
    note = f"图上标注界址点{len(words)}个（共{total}个，注记重叠处省略），全部界址点见界址点成果表"
    assert note in _panel_text(path, map_page)
    english_path = artifacts_dir / "plan-report-dense-points-en.pdf"
    english_path.write_bytes(write_pdf(result, lang="en"))
    english = _panel_text(english_path, map_page)
    assert f"of{total}boundarypointslabelled" in english and "boundarypointtable" in english


def test_a_corner_shared_under_one_number_is_drawn_once():
    first, second = sample_result().boundary_points[:2]
    shared = dataclasses.replace(first, plot_code="OTHER", ring=1, side_m=3.0)
    elsewhere = dataclasses.replace(first, y=first.y + 10)  # same number, another place
    assert report._distinct_points([first, second, shared, elsewhere]) == \
        [first, second, elsewhere]


@pytest.mark.parametrize(("lang", "words"), [
    ("zh", ("测量：", "制表：", "审核：")),
    ("en", ("Surveyedby:", "Tabulatedby:", "Checkedby:"))])
def test_the_summary_page_ends_with_the_signature_block(lang, words):
    result = sample_result(organisation="君山工业集中区管理委员会规划建设局")
    first = _squash(_pages_of(write_pdf(result, lang=lang), layout=False)[0])
    for word in words:
        assert word in first, word
    unit, date = ("Unit:", "Date:") if lang == "en" else ("单位：", "日期：")
    assert f"{unit}君山工业集中区管理委员会规划建设局" in first
    assert f"{date}2026-11-22" in first
    # in the order a form signs: 测量, 制表, 审核, then the unit and the date
    places = [first.index(w) for w in (*words, unit, date)]
    assert places == sorted(places)
