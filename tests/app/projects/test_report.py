"""The 旬报 (XLSX and PDF) and the 点将台 (XLSX) of issue 12 item 6: every key project with
its values at the end of the 旬 and what changed since the previous one; a past 旬's
report regenerated after later records has the same cells; names stay text (no formula);
headings in both languages; viewers download, guests cannot."""

from __future__ import annotations

import io
from datetime import timedelta

import openpyxl
import pytest

from app import db
from app.projects import report
from app.projects.period import last_complete
from tests.builders import pdf_text
from tests.client import csrf_token, login

EVIL = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"
HEAD_ROW = 4  # title, period, blank, headings


@pytest.fixture
def scene(db_url, conn):
    """Two key projects loaded with their history (not by a user) in the last complete 旬
    (P): K1 named like a formula, reported 40 % and 600 of 1 000 at P's end, 20 % and 300 at
    the previous end, its 开工 reached during P; K2 named <script>, its 竣工 overdue."""
    park = conn.execute("SELECT id, code, name, name_en FROM parks ORDER BY id LIMIT 1"
                        ).fetchone()
    today = conn.execute("SELECT park_today(%s) AS d", (park["id"],)).fetchone()["d"]
    period = last_complete(today)
    with db.connect(db_url) as loader:
        k1, k2 = (loader.execute(
            "INSERT INTO projects (park_id, code, name, company, stage, planned_investment, "
            "tags, leader, responsible_unit, service_official) VALUES (%s, %s, %s, %s, "
            "'signed', 1000, %s, '王五', '招商局', '赵六') RETURNING id",
            (park["id"], code, name, name, tags)).fetchone()["id"]
            for code, name, tags in (("K1", FORMULA, ["provincial_key"]),
                                     ("K2", EVIL, ["two_plus_ten", "free"])))
        for on, pct, inv in ((period.previous.end, 20, 300), (period.end, 40, 600)):
            loader.execute("INSERT INTO progress_reports (project_id, reported_on, "
                           "progress_pct, investment_done) VALUES (%s, %s, %s, %s)",
                           (k1, on, pct, inv))
        loader.execute("INSERT INTO milestones (project_id, stage, planned_on, actual_on) "
                       "VALUES (%s, 'started', %s, %s)", (k1, period.start, period.start))
        loader.execute("INSERT INTO milestones (project_id, stage, planned_on) VALUES "
                       "(%s, 'completed', %s)", (k2, period.end - timedelta(days=5)))
    return {"park": park, "period": period, "today": today, "conn": conn, "ids": (k1, k2)}


def sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]


def table(ws) -> list[tuple]:
    return [r for r in ws.iter_rows(min_row=HEAD_ROW + 1, values_only=True)]


def row_of(ws, code: str) -> dict:
    heads = [c.value for c in ws[HEAD_ROW]]
    (found,) = [r for r in table(ws) if r[1] == code]
    return dict(zip(heads, found, strict=True))


def test_every_key_project_with_its_values_and_changes(scene):
    conn, park, period = scene["conn"], scene["park"], scene["period"]
    ws = sheet(report.period_xlsx(conn, park, period, "zh"))
    assert ws["A1"].value == f"{park['name']} 重点项目旬报"
    assert period.name("zh") in ws["A2"].value and period.end.isoformat() in ws["A2"].value
    key = conn.execute("SELECT count(*) AS n FROM projects WHERE tags && %s",
                       (report.KEY_TAGS,)).fetchone()["n"]
    assert len(table(ws)) == key
    k1 = row_of(ws, "K1")
    assert (k1["阶段"], k1["形象进度（%）"], k1["完成投资（万元）"], k1["投资完成率（%）"]) == (
        "开工", 40, 600, 60)
    assert (k1["旗帜"], k1["滞后天数"], k1["责任领导"], k1["首席代办"]) == (
        "红旗", 0, "王五", "赵六")
    assert k1["重点类别"] == "省重点项目"
    assert k1["较上旬变化"] == (f"阶段 签约→开工；开工节点 {period.start} 完成；"
                             "进度 +20.0 个百分点；投资 +300.00 万元")
    k2 = row_of(ws, "K2")
    assert (k2["旗帜"], k2["滞后天数"]) == ("黑旗", 5) and k2["较上旬变化"] == "红旗→黑旗"


def test_names_stay_text_never_a_formula(scene):
    ws = sheet(report.period_xlsx(scene["conn"], scene["park"], scene["period"]))
    cells = [c for row in ws.iter_rows(min_row=HEAD_ROW + 1) for c in row
             if c.value in (FORMULA, EVIL)]
    assert len(cells) == 4  # name and company of each
    assert all(c.data_type == "s" for c in cells)
    roster = sheet(report.roster_xlsx(scene["conn"], scene["park"], scene["period"]))
    assert [c.data_type for row in roster.iter_rows() for c in row
            if c.value == FORMULA] == ["s", "s"]


def test_a_past_report_regenerated_after_later_records_has_the_same_cells(scene, client):
    conn, park, period = scene["conn"], scene["park"], scene["period"]
    k1, k2 = scene["ids"]
    first = table(sheet(report.period_xlsx(conn, park, period)))
    # later, through the API as a planner: a report dated today, a milestone with a plan
    # inside the 旬 and no actual date, K2's overdue plan moved on, K1's plan investment
    login(client, "planner")
    client.environ_base["HTTP_X_CSRFTOKEN"] = _token(client)
    api = "/api/v1/projects"
    assert client.post(f"{api}/{k1}/progress", json={"properties": {
        "reported_on": scene["today"].isoformat(), "progress_pct": 90,
        "investment_done": 950}}).status_code == 201
    assert client.post(f"{api}/{k1}/milestones", json={"properties": {
        "stage": "land_supplied", "planned_on": period.start.isoformat()}}).status_code == 201
    m = client.get(f"{api}/{k2}").get_json()["properties"]["milestones"][0]
    assert client.patch(f"{api}/{k2}/milestones/{m['id']}", json={
        "version": m["version"], "properties": {
            "planned_on": (scene["today"] + timedelta(days=30)).isoformat()}}).status_code == 200
    p = client.get(f"{api}/{k1}").get_json()["properties"]
    assert client.patch(f"{api}/{k1}", json={"version": p["version"], "properties": {
        "planned_investment": 5000}}).status_code == 200
    assert table(sheet(report.period_xlsx(conn, park, period))) == first
    # while the report of today's 旬 reads the new records
    now = table(sheet(report.period_xlsx(conn, park, last_complete(scene["today"]).next)))
    assert now != first


def _token(client) -> str:
    return csrf_token(client, "/")


def test_english_headings_and_the_pdf_opens(scene):
    conn, park, period = scene["conn"], scene["park"], scene["period"]
    ws = sheet(report.period_xlsx(conn, park, period, "en"))
    assert [c.value for c in ws[HEAD_ROW]][:6] == ["No.", "Code", "Project", "Company",
                                                   "Key lists", "Stage"]
    assert row_of(ws, "K2")["Flag"] == "Black flag"
    assert period.name("en") in ws["A2"].value
    pdf = report.period_pdf(conn, park, period, "zh")
    assert pdf.startswith(b"%PDF") and b"WenQuanYi" in pdf
    text = pdf_text(pdf)
    if text is not None:
        assert "K1" in text and "<script>" in text  # drawn as text, not markup


def test_roster_lists_targets_people_and_monthly_progress(scene):
    conn, park, period = scene["conn"], scene["park"], scene["period"]
    ws = sheet(report.roster_xlsx(conn, park, period, "zh"))
    heads = [c.value for c in ws[HEAD_ROW]]
    months = report.roster_months(period)
    assert heads[-6:] == [f"{m} 形象进度（%）" for m in months]
    assert heads[9:12] == ["责任领导", "责任单位", "首席代办"]
    k1 = row_of(ws, "K1")
    assert k1[f"{period.end:%Y-%m} 形象进度（%）"] == 40
    assert (k1["责任领导"], k1["责任单位"], k1["首席代办"]) == ("王五", "招商局", "赵六")


@pytest.mark.parametrize("kind,mime", [("report-xlsx", report.XLSX), ("report-pdf", report.PDF),
                                       ("roster-xlsx", report.XLSX)])
def test_a_viewer_downloads_and_a_guest_cannot(client, scene, kind, mime):
    login(client, "viewer")
    response = client.get(f"/ranking/export?kind={kind}&period={scene['period']}&lang=zh")
    assert response.status_code == 200 and response.mimetype == mime
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=\"") and "filename*=UTF-8''" in disposition
    assert str(scene["period"]) in disposition
    login(client, "guest")
    assert client.get(f"/ranking/export?kind={kind}").status_code == 403


def test_an_unknown_download_is_a_400_naming_the_kinds(client):
    login(client, "viewer")
    response = client.get("/ranking/export?kind=evil&lang=en")
    assert response.status_code == 400
    assert "report-xlsx, report-pdf, roster-xlsx" in response.get_data(as_text=True)
