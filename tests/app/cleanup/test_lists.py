"""The land clean-up lists (issue 15 item 4) on a small park of seven plots: each list's
members, filters and sort; the legal clock across a year boundary; the failing
indicators by how much; the API in both languages; the XLSX read back with openpyxl."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pytest

from app.cleanup import lists
from tests.builders import ORIGIN, Site
from tests.client import api_error, login

D = date(2026, 1, 1)


@pytest.fixture
def park(conn):
    """Seven 1-ha plots (15 亩) of a park CLN in zones ZA and ZB:
    I1 idle, reclaim due (agreed start 2023-06-10, not started), I2 soon idle (agreed
    start 2025-01-20),
    L1 low efficiency by its investment, L2 by its tax, A1 and A2 approved not supplied,
    S1 supplied, not used yet, its agreed start 2026-06-01."""
    park_id = conn.execute("INSERT INTO parks (code, name, gk_zone) VALUES ('CLN', '清理园区', 38)"
                           " RETURNING id").fetchone()["id"]
    site = Site(conn, park_id)
    za, zb = site.zone([], "ZA"), site.zone([], "ZB")

    def at(slot):
        return ORIGIN[0] + 400 * slot, ORIGIN[1]

    built = dict(approved_on=date(2020, 1, 1), supplied_on=date(2021, 1, 1),
                 agreed_start_on=date(2021, 3, 1), started_on=date(2021, 3, 1),
                 completed_on=date(2022, 6, 1), planned_use="100101")
    plots = {
        "I1": site.plot(at(0), code="I1", zone_id=za, land_user="=甲公司", land_price=1000.0,
                        supplied_on=date(2023, 1, 1), agreed_start_on=date(2023, 6, 10)),
        "I2": site.plot(at(1), code="I2", zone_id=zb, land_user="乙公司",
                        supplied_on=date(2024, 6, 1), agreed_start_on=date(2025, 1, 20)),
        "L1": site.plot(at(2), code="L1", zone_id=za, land_user="丙公司", **built,
                        actual_investment=1500.0, annual_tax=300.0),
        "L2": site.plot(at(3), code="L2", zone_id=zb, land_user="丁公司", **built,
                        actual_investment=4500.0, annual_tax=75.0),
        "A1": site.plot(at(4), code="A1", zone_id=za, approved_on=date(2024, 6, 1)),
        "A2": site.plot(at(5), code="A2", zone_id=zb, approved_on=date(2025, 6, 1),
                        requisitioned_on=date(2025, 8, 1)),
        "S1": site.plot(at(6), code="S1", zone_id=za, land_user="甲公司",
                        supplied_on=date(2025, 9, 1), agreed_start_on=date(2026, 6, 1)),
    }
    return {"id": park_id, "plots": plots}


def _codes(conn, park, name, as_of=D, **filters):
    return [r["code"] for r in lists.rows(conn, park["id"], name, as_of,
                                          lists.Filters(**filters))]


def test_each_list_holds_its_plots(conn, park):
    assert _codes(conn, park, "idle", sort="code") == ["I1", "I2"]
    assert _codes(conn, park, "low_efficiency") == ["L1", "L2"]
    assert _codes(conn, park, "approved_not_supplied", sort="code") == ["A1", "A2"]
    assert _codes(conn, park, "supplied_not_used", sort="code") == ["I1", "I2", "S1"]


def test_filters_zone_kind_land_user_and_deadline_window(conn, park):
    assert _codes(conn, park, "idle", zone="ZA") == ["I1"]
    assert _codes(conn, park, "idle", kind="idle_a") == ["I1"]
    assert _codes(conn, park, "idle", kind="idle_warning") == ["I2"]
    assert _codes(conn, park, "idle", kind="reclaim_due") == ["I1"]
    assert _codes(conn, park, "low_efficiency", kind="tax_per_mu") == ["L2"]
    assert _codes(conn, park, "low_efficiency", kind="investment_intensity") == ["L1"]
    assert _codes(conn, park, "approved_not_supplied", kind="requisitioned") == ["A2"]
    assert _codes(conn, park, "supplied_not_used", land_user="甲公司", sort="code") == ["I1", "S1"]
    # I2's 1-year mark 2026-01-20 is 19 days off; I1 is past its marks (always due)
    assert _codes(conn, park, "idle", due_within=18, sort="code") == ["I1"]
    assert _codes(conn, park, "idle", due_within=19, sort="code") == ["I1", "I2"]


def test_sort_by_any_key_both_ways_blanks_last(conn, park):
    assert _codes(conn, park, "approved_not_supplied", sort="-age_days") == ["A1", "A2"]
    assert _codes(conn, park, "approved_not_supplied", sort="age_days") == ["A2", "A1"]
    assert _codes(conn, park, "supplied_not_used", sort="-land_user") == ["S1", "I2", "I1"]
    assert _codes(conn, park, "idle") == ["I2", "I1"]  # default: days left, blanks last
    with pytest.raises(Exception, match="sort key"):
        _codes(conn, park, "idle", sort="owner; DROP TABLE plots")


def test_legal_clock_across_a_year_boundary(conn, park):
    site = Site(conn, park["id"])
    y = site.plot((ORIGIN[0] + 400 * 7, ORIGIN[1]), code="Y1", supplied_on=date(2024, 6, 1),
                  agreed_start_on=date(2025, 1, 1))
    assert y

    def row(as_of):
        found = [r for r in lists.rows(conn, park["id"], "idle", as_of) if r["code"] == "Y1"]
        return found[0] if found else None

    eve = row(date(2025, 12, 31))
    assert "idle_warning" in eve["kinds"] and "idle_a" not in eve["kinds"]
    assert (eve["mark_1y"], eve["mark_2y"]) == (date(2026, 1, 1), date(2027, 1, 1))
    assert (eve["days_left"], eve["days_over"]) == (1, None)
    day = row(date(2026, 1, 1))
    assert "idle_a" in day["kinds"]
    assert (day["days_left"], day["days_over"]) == (365, 0)  # idle from today; 2 years ahead
    after = row(date(2027, 1, 2))
    assert "reclaim_due" in after["kinds"]
    assert (after["days_left"], after["days_over"]) == (None, 1)
    assert after["age_days"] == (date(2027, 1, 2) - date(2025, 1, 1)).days


def test_failing_indicators_with_their_values_and_gaps(conn, park):
    rows = {r["code"]: r for r in lists.rows(conn, park["id"], "low_efficiency", D)}
    (f,) = rows["L1"]["failing"]
    assert f["indicator"] == "investment_intensity" and f["bound"] == "min"
    assert f["value"] == pytest.approx(1500 / rows["L1"]["area_mu"])
    assert f["gap"] == pytest.approx(f["value"] - 200)
    assert "below the minimum 200.00" in lists.failing_text(f, "en")
    assert "低于下限 200.00" in lists.failing_text(f, "zh")
    (t,) = rows["L2"]["failing"]
    assert t["indicator"] == "tax_per_mu" and t["limit"] == 15


def test_api_lists_filters_and_refuses_in_the_users_language(client, conn, park):
    login(client, "viewer")
    body = client.get("/api/v1/cleanup/idle?park=CLN&as_of=2026-01-01&zone=ZA&lang=en").get_json()
    assert [p["code"] for p in body["plots"]] == ["I1"]
    assert body["name"] == "Idle land" and body["filters"] == {"zone": "ZA"}
    assert body["totals"]["plots"] == 1 and body["totals"]["area_mu"] == pytest.approx(15, 0.01)
    zh = client.get("/api/v1/cleanup/idle?park=CLN&as_of=2026-01-01&lang=zh").get_json()
    assert zh["name"] == "闲置土地"
    for query, code in (("kind=idle_a", "bad_kind"), ("sort=owner", "bad_sort"),
                        ("due_within=-1", "bad_due_within")):
        error = api_error(client.get(f"/api/v1/cleanup/low_efficiency?park=CLN&{query}"
                                     "&lang=zh"), 400)
        assert error["code"] == code and re.search(r"[\u4e00-\u9fff]", error["message"])
    assert api_error(client.get("/api/v1/cleanup/nothing?park=CLN"), 404)["code"] == \
        "no_such_list"


def test_page_shows_the_list_with_links(client, conn, park):
    login(client, "viewer")
    html = client.get("/cleanup/idle?park=CLN&as_of=2026-01-01&lang=en").get_data(as_text=True)
    assert 'data-code="I1"' in html and 'data-code="I2"' in html and 'data-code="L1"' not in html
    i1 = park["plots"]["I1"].id
    assert f'/plots/{i1}"' in html and f'/?plot={i1}' in html
    assert "Record decision" not in html  # a viewer records nothing
    assert "=甲公司" in html


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_xlsx_in_the_land_office_layout(client, conn, park, lang):
    login(client, "viewer")
    response = client.get(f"/cleanup/supplied_not_used/export.xlsx?park=CLN&as_of=2026-01-01"
                          f"&lang={lang}")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    title = rows[0][0]
    assert (title.startswith("清理园区") and "供而未用" in title) if lang == "zh" else \
        "Supplied, not used" in title
    head = rows[3]
    assert head[:3] == (["序号", "地块编号", "地块名称"] if lang == "zh" else
                        ["No.", "Plot", "Plot name"])
    mu = head.index("面积（亩）" if lang == "zh" else "Area (mu)")
    body = rows[4:-1]
    assert [r[1] for r in body] == ["I1", "I2", "S1"]  # sorted by age, oldest first
    assert all(r[mu] == pytest.approx(15, 0.01) for r in body)
    total = rows[-1]
    assert total[0] == ("合计" if lang == "zh" else "Total")
    assert total[mu] == pytest.approx(sum(r[mu] for r in body))
    user = head.index("用地单位" if lang == "zh" else "Land user")
    first = ws.cell(row=5, column=user + 1)
    assert first.value == "=甲公司" and first.data_type == "s"  # text, not a formula
    days = head.index("已历天数" if lang == "zh" else "Age (days)")
    assert body[0][days] == (D - date(2023, 6, 10)).days


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_zone_names_in_the_page_language_on_the_page_and_in_the_workbook(client, conn, park,
                                                                         lang):
    """Zones carry name_en: an English page and workbook name them in English (a zone
    without one keeps its Chinese name), a Chinese one in Chinese."""
    conn.execute("UPDATE zones SET name = '北片区', name_en = 'North Area' WHERE code = 'ZA'")
    conn.execute("UPDATE zones SET name = '南片区', name_en = NULL WHERE code = 'ZB'")
    conn.commit()
    login(client, "viewer")
    html = client.get(f"/cleanup/idle?park=CLN&as_of=2026-01-01&lang={lang}").get_data(
        as_text=True)
    cells = re.findall(r'<td class="pa-cleanup-text[^"]*">([^<]*)</td>', html)
    options = re.findall(r'<option value="Z[AB]"[^>]*>([^<]*)</option>', html)
    if lang == "en":
        assert "North Area" in cells and "北片区" not in html
        assert options == ["ZA North Area", "ZB 南片区"]
    else:
        assert "北片区" in cells and "North Area" not in html
    response = client.get(f"/cleanup/idle/export.xlsx?park=CLN&as_of=2026-01-01&lang={lang}")
    ws = openpyxl.load_workbook(io.BytesIO(response.data)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    zone = rows[3].index("Zone" if lang == "en" else "功能分区")
    by_code = {r[1]: r[zone] for r in rows[4:-1]}
    assert by_code == ({"I1": "North Area", "I2": "南片区"} if lang == "en" else
                       {"I1": "北片区", "I2": "南片区"})
