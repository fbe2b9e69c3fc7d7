"""The dashboard (issue 15 item 2) on the eight-plot park of test_indicator.py: the big
numbers are park_indicators()'s, the change is since the last month end, the month-end
series crosses a year boundary, the snapshots are recomputed when an edit moves the park's
data version, the XLSX reads back and the PDF opens; the page in both languages and by
role."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pytest

from app import parks
from app.dashboard import document, overview, snapshot
from app.errors import NotFound
from app.indicators import indicator
from tests.builders import make_app, pdf_text
from tests.client import login


def _now(conn, instant: str) -> None:
    """The park clock (park_today()) of this connection."""
    conn.execute("SELECT set_config('parkatlas.now', %s, false)", [instant])


def _values(readings) -> dict:
    return {r["key"]: r["value"] for r in readings}


def test_the_numbers_are_park_indicators_and_the_change_is_since_the_last_month_end(conn, park):
    park_id, _ = park
    _now(conn, "2026-07-15 12:00+08")
    found = overview.overview(conn, park_id)
    assert found["evaluated_on"] == date(2026, 7, 15)
    assert found["last_month_end"] == date(2026, 6, 30)
    now = _values(indicator.evaluate(conn, park_id, date(2026, 7, 15))["park"])
    then = _values(indicator.evaluate(conn, park_id, date(2026, 6, 30))["park"])
    assert [c["key"] for c in found["cards"]] == list(indicator.INDICATORS)
    for card in found["cards"]:
        key = card["key"]
        assert card["value"] == now[key] and card["previous"] == then[key], key
        assert card["change"] == (None if now[key] is None else
                                  pytest.approx(now[key] - then[key], abs=1e-6)), key
    cards = {c["key"]: c for c in found["cards"]}
    assert cards["development_rate"]["value"] == pytest.approx(75.0)
    assert cards["industrial_investment_intensity"]["value_per_mu"] == pytest.approx(2000 / 15)
    # the land per zone is the indicators' own sums, in 亩 (1 ha = 15 亩)
    zones = {z["code"]: z for z in found["zones"]}
    assert zones["ZA"]["developable"] == pytest.approx(60) and zones["ZA"]["built"] == \
        pytest.approx(30)
    assert zones["ZC"]["values"]["supply_rate"] is None  # an empty base: "—"
    assert sum(s["area_mu"] for s in found["stages"]) == pytest.approx(120)


def test_a_zone_its_empty_bases_and_an_unknown_zone(conn, park):
    park_id, _ = park
    found = overview.overview(conn, park_id, "ZC")
    cards = {c["key"]: c for c in found["cards"]}
    zc = {z["code"]: z for z in indicator.evaluate(conn, park_id)["zones"]}["ZC"]
    assert {k: c["value"] for k, c in cards.items()} == _values(zc["indicators"])
    assert cards["supply_rate"]["value"] is None and cards["supply_rate"]["change"] is None
    with pytest.raises(NotFound):
        overview.overview(conn, park_id, "NOPE")


def test_the_month_end_series_crosses_a_year_boundary(conn, park):
    """On 10 February 2026 the trend runs from February 2024 (29 days: a leap year) to
    January 2026; P7's disposal of 1 January 2026 shows on the last month end only."""
    park_id, _ = park
    _now(conn, "2026-02-10 09:00+08")
    history = snapshot.trend(conn, park_id)
    months = history["months"]
    assert len(months) == 24 and months[0] == date(2024, 2, 29) and months[-1] == date(2026, 1, 31)
    assert date(2024, 12, 31) in months and date(2025, 1, 31) in months
    series = history["scopes"][""]
    disposal = [r["value"] if r else None for r in series["idle_disposal_rate"]]
    assert disposal[-2:] == [0, pytest.approx(100)]
    for n in (-2, -1, 0):  # each month end is park_indicators() as of that day
        expected = _values(indicator.evaluate(conn, park_id, months[n])["park"])
        assert {k: v[n]["value"] if v[n] else None for k, v in series.items()} == expected
    zb = history["scopes"]["ZB"]["supply_rate"][-1]["value"]
    assert zb == _values({z["code"]: z for z in indicator.evaluate(
        conn, park_id, months[-1])["zones"]}["ZB"]["indicators"])["supply_rate"]


def test_an_edit_makes_the_snapshots_stale_and_they_are_computed_again(conn, park):
    park_id, ids = park
    _now(conn, "2026-07-15 12:00+08")
    assert len(snapshot.refresh(conn, park_id)) == 24
    assert snapshot.refresh(conn, park_id) == []  # kept: nothing moved
    before = snapshot.trend(conn, park_id)["scopes"][""]["tax_per_area"][-1]["value"]
    assert before == pytest.approx(50)
    conn.execute("UPDATE plots SET annual_tax = 160 WHERE id = %s", [ids["P1"]])
    assert len(snapshot.refresh(conn, park_id)) == 24
    after = snapshot.trend(conn, park_id)["scopes"][""]["tax_per_area"][-1]["value"]
    assert after == pytest.approx(100)  # (160 + 40) 万元 over 2 ha
    assert overview.overview(conn, park_id)["cards"][9]["previous"] == pytest.approx(100)


def test_the_workbook_reads_back_and_the_pdf_opens(conn, park):
    park_id, _ = park
    _now(conn, "2026-07-15 12:00+08")
    found = overview.overview(conn, park_id)
    info = parks.get(conn, park_id)["properties"]
    book = openpyxl.load_workbook(io.BytesIO(document.xlsx(found, info, "zh")))
    assert book.sheetnames == ["评价指标", "月末趋势"]
    ws = book["评价指标"]
    assert "开发区土地集约利用评价" in ws["A1"].value and "2026-07-15" in ws["A2"].value
    head = [c.value for c in ws[4]]
    assert head == ["指标", "单位", "园区", "ZA", "ZB", "ZC", "较上月末变化", "计算方法"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=5, values_only=True)}
    assert rows["土地开发率"][2] == pytest.approx(75)
    assert rows["土地开发率"][3] == pytest.approx(100)
    assert rows["土地供应率"][5] is None  # ZC: an empty base, a blank cell
    assert rows["土地开发率"][7].startswith("已开发土地")  # the formula, as text
    assert ws.cell(5, 8).data_type == "s"
    trend = book["月末趋势"]
    assert trend.max_row == 4 + 24
    assert trend["A28"].value.date() == date(2026, 6, 30)
    english = openpyxl.load_workbook(io.BytesIO(document.xlsx(found, info, "en")))
    assert english.sheetnames == ["Indicators", "Month-end trend"]
    assert [c.value for c in english["Indicators"][4]][:3] == ["Indicator", "Unit", "Park"]
    pdf = document.pdf(found, info, "en")
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    if text is not None:
        assert "Intensive land use evaluation" in text and "Land development rate" in text


def test_the_page_its_plots_and_exports_in_both_languages(db_url, conn, park):
    park_id, ids = park
    app = make_app(db_url)
    client = app.test_client()
    login(client, "viewer")
    zh = client.get("/dashboard?park=IND").get_data(as_text=True)
    assert "园区驾驶舱" in zh and "土地开发率" in zh and 'data-key="development_rate"' in zh
    shown = dict(re.findall(r"data-key=\"(\w+)\".*?data-value=\"[^\"]*\"[^>]*>([^<]*)<", zh, re.S))
    assert shown["development_rate"] == "75.00" and shown["remaining_supplyable"] == "15.0"
    en = client.get("/dashboard?park=IND&zone=ZC&lang=en").get_data(as_text=True)
    assert "Dashboard" in en and "Land supply rate" in en and "—" in en
    plots = client.get("/dashboard/plots?park=IND&key=remaining_supplyable&lang=en")
    assert plots.status_code == 200
    assert 'data-plot="P4"' in plots.get_data(as_text=True)
    assert f'/plots/{ids["P4"]}"' in plots.get_data(as_text=True)
    assert client.get("/dashboard/plots?park=IND&key=nothing").status_code == 404
    for kind, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
        response = client.get(f"/dashboard/export?park=IND&kind={kind}")
        assert response.status_code == 200 and response.data.startswith(magic), kind
        assert "attachment" in response.headers["Content-Disposition"]
    assert client.get("/dashboard/export?park=IND&kind=doc").status_code == 400
    guest = app.test_client()
    login(guest, "guest")
    assert guest.get("/dashboard?park=IND").status_code == 403
    assert 'href="/dashboard"' not in guest.get("/?lang=en").get_data(as_text=True)
    app.extensions["parkatlas_pool"].close()


def test_a_large_park_shows_its_stored_months_and_says_they_are_stale(conn, park,
                                                                      monkeypatch):
    """Above snapshot.REFRESH_PLOTS plots the page computes nothing: it reads the months as
    stored, and after an edit says how many are stale until the nightly recompute."""
    park_id, ids = park
    _now(conn, "2026-07-15 12:00+08")
    monkeypatch.setattr(snapshot, "REFRESH_PLOTS", 7)  # the park has eight
    first = overview.overview(conn, park_id)
    assert first["stale"] == first["trend"]["months"] and first["trend"]["series"] == {}
    assert all(c["change"] is None for c in first["cards"])
    snapshot.refresh(conn, park_id)  # the nightly run
    fresh = overview.overview(conn, park_id)
    assert fresh["stale"] == [] and len(fresh["trend"]["series"]["tax_per_area"]) == 24
    conn.execute("UPDATE plots SET annual_tax = 160 WHERE id = %s", [ids["P1"]])
    edited = overview.overview(conn, park_id)
    assert edited["stale"] == edited["trend"]["months"]
    assert edited["trend"]["series"]["tax_per_area"][-1] == pytest.approx(50)  # as stored
