"""亩均效益 evaluation (issue 15 item 3): score and classes by quantiles (ties, fewer than
four firms) and by thresholds, missing figures, an enterprise per project or per plot,
the year kept and replaced alone (audited), the trend, the settings' checks, the API and
the page in both languages and by role, and the XLSX export read back."""

from __future__ import annotations

import io
import json
from datetime import date

import openpyxl
import psycopg
import pytest
from click.testing import CliRunner

from app.cli import main
from app.db import transaction
from app.errors import AtlasError
from app.evaluation import evaluation
from tests.builders import Site
from tests.client import api_error, api_login, csrf_token, login

MU = 15.0  # a 100 m square plot: 10 000 m² = 15 亩
BUILT = dict(approved_on=date(2020, 1, 1), requisitioned_on=date(2020, 6, 1),
             banked_on=date(2020, 9, 1), supplied_on=date(2021, 1, 1),
             agreed_start_on=date(2021, 3, 1), started_on=date(2021, 3, 1),
             completed_on=date(2022, 6, 1), planned_use="100101")
TAX_ONLY = {"weights": {"tax_per_mu": 1, "output_per_mu": 0, "investment_per_mu": 0}}


@pytest.fixture
def park(conn):
    """An empty park 'EVA' (its own zone Z1) and a Site to build its plots."""
    park_id = conn.execute("INSERT INTO parks (code, name, gk_zone) VALUES "
                           "('EVA', '评价园区', 38) RETURNING id").fetchone()["id"]
    site = Site(conn, park_id)
    site.zone_id = site.zone([], "Z1")
    return site


def firm(site, tax=None, output=None, investment=None, operating_on=date(2024, 9, 1), **cols):
    """An operating plot of 15 亩 in no project: an enterprise of its own."""
    return site.plot(zone_id=site.zone_id, operating_on=operating_on, annual_tax=tax,
                     annual_output=output, actual_investment=investment, **BUILT, **cols)


def settings(conn, site, **evaluation_settings):
    conn.execute("UPDATE parks SET settings = settings || jsonb_build_object('evaluation', "
                 "%s::jsonb) WHERE id = %s", [json.dumps(evaluation_settings), site.park])


def classes(conn, site, year=2025) -> dict[str, str | None]:
    return {r["code"]: r["class"] for r in conn.execute(
        "SELECT code, class FROM evaluate_enterprises(%s, %s)", [site.park, year])}


def test_a_firm_at_every_benchmark_scores_100_and_the_figures_are_per_mu(conn, park):
    firm(park, tax=15 * MU, output=300 * MU, investment=200 * MU, code="AT")
    row = conn.execute("SELECT * FROM evaluate_enterprises(%s, 2025)", [park.park]).fetchone()
    assert row["tax_per_mu"] == pytest.approx(15)
    assert row["output_per_mu"] == pytest.approx(300)
    assert row["investment_per_mu"] == pytest.approx(200)
    assert row["score"] == pytest.approx(100)
    # weights 0.5/0.3/0.2: double the tax only → 100 × (0.5 × 2 + 0.3 + 0.2)
    firm(park, tax=30 * MU, output=300 * MU, investment=200 * MU, code="TWICE")
    scores = {r["code"]: r["score"] for r in conn.execute(
        "SELECT code, score FROM evaluate_enterprises(%s, 2025)", [park.park])}
    assert scores["TWICE"] == pytest.approx(150)


def test_quantile_classes_and_ties_share_a_class(conn, park):
    settings(conn, park, method="quantiles", **TAX_ONLY)
    for code, tax_per_mu in (("F1", 30), ("F2", 20), ("F3", 20), ("F4", 10), ("F5", 5)):
        firm(park, tax=tax_per_mu * MU, code=code)
    # ranks 1, 2, 2, 4, 5 of 5: shares ahead 0, .2, .2, .6, .8 against A .2, B .5, C .8
    assert classes(conn, park) == {"F1": "A", "F2": "B", "F3": "B", "F4": "C", "F5": "D"}
    ranks = {r["code"]: r["rank"] for r in conn.execute(
        "SELECT code, rank FROM evaluate_enterprises(%s, 2025)", [park.park])}
    assert ranks == {"F1": 1, "F2": 2, "F3": 2, "F4": 4, "F5": 5}


def test_all_tied_firms_are_all_class_a(conn, park):
    settings(conn, park, **TAX_ONLY)
    for code in ("T1", "T2", "T3", "T4", "T5"):
        firm(park, tax=10 * MU, code=code)
    assert set(classes(conn, park).values()) == {"A"}


@pytest.mark.parametrize("taxes, expected", [
    ((10,), ["A"]),              # one firm: no firm ahead of it
    ((10, 5), ["A", "C"]),       # the second has half the firms ahead: not below B's 0.5
    ((10, 5, 1), ["A", "B", "C"]),
])
def test_fewer_than_four_firms(conn, park, taxes, expected):
    settings(conn, park, **TAX_ONLY)
    for i, tax in enumerate(taxes):
        firm(park, tax=tax * MU, code=f"S{i}")
    found = classes(conn, park)
    assert [found[f"S{i}"] for i in range(len(taxes))] == expected


def test_threshold_classes_at_their_edges(conn, park):
    # thresholds A 120, B 90, C 60 on the score 100 × tax per 亩 / 15
    settings(conn, park, method="thresholds", **TAX_ONLY)
    for code, tax_per_mu in (("E120", 18), ("E119", 17.85), ("E90", 13.5), ("E60", 9),
                             ("E59", 8.85)):
        firm(park, tax=tax_per_mu * MU, code=code)
    assert classes(conn, park) == {"E120": "A", "E119": "B", "E90": "B", "E60": "C",
                                   "E59": "D"}
    settings(conn, park, method="thresholds", thresholds={"A": 200, "B": 100, "C": 50},
             **TAX_ONLY)
    found = classes(conn, park)
    assert (found["E120"], found["E90"], found["E59"]) == ("B", "C", "C")


def test_missing_figures_are_missing_not_zero(conn, park):
    firm(park, tax=None, output=300 * MU, investment=200 * MU, code="NOTAX")
    firm(park, tax=0, output=300 * MU, investment=200 * MU, code="ZERO")
    firm(park, tax=15 * MU, output=300 * MU, investment=200 * MU, code="FULL")
    rows = {r["code"]: r for r in conn.execute(
        "SELECT * FROM evaluate_enterprises(%s, 2025)", [park.park])}
    assert rows["NOTAX"]["tax"] is None and rows["NOTAX"]["tax_per_mu"] is None
    assert rows["NOTAX"]["score"] is None and rows["NOTAX"]["class"] is None
    assert rows["NOTAX"]["rank"] is None
    assert rows["ZERO"]["tax_per_mu"] == 0 and rows["ZERO"]["score"] == pytest.approx(50)
    # the two scored firms are classed among themselves
    assert (rows["FULL"]["class"], rows["ZERO"]["class"]) == ("A", "C")
    # a figure without weight may be missing
    settings(conn, park, weights={"tax_per_mu": 0})
    assert classes(conn, park)["NOTAX"] is not None


def test_a_project_is_one_enterprise_over_its_operating_plots(conn, park):
    a = firm(park, tax=100, output=1000, code="PA", land_user="甲公司")
    b = firm(park, tax=None, output=500, code="PB")
    later = firm(park, tax=999, code="PC", operating_on=date(2026, 3, 1))
    project = park.project("3872", [a, b, later], stage="operating", code="PRJ")
    conn.execute("UPDATE projects SET company = '广恒照明' WHERE id = %s", [project])
    lone = firm(park, tax=50, code="LONE", land_user="乙公司")
    rows = {r["enterprise_key"]: r for r in conn.execute(
        "SELECT * FROM evaluate_enterprises(%s, 2025)", [park.park])}
    assert set(rows) == {f"project:{project}", f"plot:{lone.id}"}
    mine = rows[f"project:{project}"]
    assert sorted(mine["plot_ids"]) == sorted([a.id, b.id])  # PC operates from 2026 only
    assert mine["area_m2"] == pytest.approx(a.area_m2 + b.area_m2)
    assert mine["tax"] == 100 and mine["output"] == 1500  # a plot lacking the tax adds none
    assert (mine["company"], mine["code"], mine["industry_code"]) == ("广恒照明", "PRJ", "3872")
    assert rows[f"plot:{lone.id}"]["company"] == "乙公司"
    assert f"plot:{later.id}" not in rows
    # a negotiating project claims nothing: its plots are their own enterprises
    conn.execute("UPDATE projects SET stage = 'negotiating' WHERE id = %s", [project])
    keys = {r["enterprise_key"] for r in conn.execute(
        "SELECT enterprise_key FROM evaluate_enterprises(%s, 2025)", [park.park])}
    assert keys == {f"plot:{a.id}", f"plot:{b.id}", f"plot:{lone.id}"}


def test_a_year_is_kept_replaced_alone_and_audited_and_the_trend_shows(conn, park):
    settings(conn, park, **TAX_ONLY)
    up = firm(park, tax=10 * MU, code="UP")
    firm(park, tax=20 * MU, code="DOWN")
    kept = evaluation.keep(conn, park.park, 2024)
    assert kept["enterprises"] == 2
    park.update(up, annual_tax=30 * MU)
    evaluation.keep(conn, park.park, 2025)
    ids_2024 = [r["id"] for r in conn.execute(
        "SELECT id FROM enterprise_evaluations WHERE year = 2024 ORDER BY id")]
    trend = evaluation.trend(conn, park.park, f"plot:{up.id}")
    assert [(t["year"], t["class"]) for t in trend] == [(2025, "A"), (2024, "C")]
    assert trend[1]["tax_per_mu"] == pytest.approx(10)  # 2024 kept its figures
    # evaluating 2025 anew replaces 2025 only
    park.update(up, annual_tax=None)
    evaluation.keep(conn, park.park, 2025)
    assert [r["id"] for r in conn.execute(
        "SELECT id FROM enterprise_evaluations WHERE year = 2024 ORDER BY id")] == ids_2024
    trend = evaluation.trend(conn, park.park, f"plot:{up.id}")
    assert [(t["year"], t["class"]) for t in trend] == [(2025, None), (2024, "C")]
    assert [y["year"] for y in evaluation.years(conn, park.park)] == [2025, 2024]
    audited = conn.execute("SELECT action, count(*) AS n FROM audit_log WHERE table_name = "
                           "'enterprise_evaluations' GROUP BY action ORDER BY action").fetchall()
    assert {r["action"]: r["n"] for r in audited} == {"delete": 2, "insert": 6}


def test_the_ranked_list_filters_and_totals(conn, park):
    settings(conn, park, **TAX_ONLY)
    z2 = park.zone([], "Z2")
    firm(park, tax=30 * MU, code="HI")
    park.plot(zone_id=z2, operating_on=date(2024, 9, 1), annual_tax=5 * MU, code="Z2LOW",
              **BUILT)
    firm(park, tax=None, code="NONE")
    evaluation.keep(conn, park.park, 2025)
    found = evaluation.ranked(conn, park.park, evaluation.Filters())
    assert found["year"] == 2025 and found["evaluated"]
    assert [r["code"] for r in found["enterprises"]] == ["HI", "Z2LOW", "NONE"]
    totals = {t["class"]: (t["count"], t["area_mu"]) for t in found["totals"]}
    assert totals["A"] == (1, pytest.approx(MU)) and totals["none"] == (1, pytest.approx(MU))
    only = evaluation.ranked(conn, park.park, evaluation.Filters(zone="Z2"))
    assert [r["code"] for r in only["enterprises"]] == ["Z2LOW"]
    assert only["enterprises"][0]["zone_name"] is not None
    none = evaluation.ranked(conn, park.park, evaluation.Filters(klass="none"))
    assert [r["code"] for r in none["enterprises"]] == ["NONE"]
    assert not evaluation.ranked(conn, park.park, evaluation.Filters(year=2019))["evaluated"]
    with pytest.raises(AtlasError) as refused:
        evaluation.ranked(conn, park.park, evaluation.Filters(zone="NOPE"))
    assert refused.value.status == 404


@pytest.mark.parametrize("bad, setting", [
    ({"method": "median"}, "evaluation.method"),
    ({"weights": {"tax_per_mu": -1}}, "evaluation.weights.tax_per_mu"),
    ({"weights": {"tax_per_mu": 0, "output_per_mu": 0, "investment_per_mu": 0}},
     "evaluation.weights"),
    ({"benchmarks": {"output_per_mu": 0}}, "evaluation.benchmarks.output_per_mu"),
    ({"thresholds": {"A": 50, "B": 90}}, "evaluation.thresholds"),
    ({"quantiles": {"C": 1.5}}, "evaluation.quantiles"),
    ({"quantiles": "top"}, "evaluation.quantiles"),
])
def test_settings_are_checked_when_written(conn, park, bad, setting):
    with pytest.raises(AtlasError) as refused, transaction(conn):
        settings(conn, park, **bad)
    assert refused.value.status == 400
    assert setting in refused.value.message
    with pytest.raises(psycopg.errors.CheckViolation):
        settings(conn, park, **bad)


def test_the_cli_evaluates_a_year(app, conn):
    runner = CliRunner()
    result = runner.invoke(main, ["evaluate", "--year", "2026", "--park", "JSCY"],
                           obj=_script_info(app))
    assert result.exit_code == 0, result.output
    assert "2026" in result.output
    n = conn.execute("SELECT count(*) AS n FROM enterprise_evaluations WHERE year = 2026"
                     ).fetchone()["n"]
    assert n > 0 and f"Evaluated {n} enterprises" in result.output
    bad = runner.invoke(main, ["evaluate", "--year", "26"], obj=_script_info(app))
    assert bad.exit_code != 0 and "year" in bad.output


def _script_info(app):
    from flask.cli import ScriptInfo
    return ScriptInfo(create_app=lambda: app)


# --- the API, the page and the export ----------------------------------------------------

@pytest.fixture
def kept(conn):
    """The demo park evaluated for 2025 and 2026, one company named like a formula."""
    conn.execute("UPDATE projects SET company = '=SUM(A1:A9)' WHERE code = 'P2020-001'")
    park_id = conn.execute("SELECT id FROM parks WHERE code = 'JSCY'").fetchone()["id"]
    evaluation.keep(conn, park_id, 2025)
    evaluation.keep(conn, park_id, 2026)
    return park_id


def test_the_api_by_role_with_filters(client, kept):
    assert client.get("/api/v1/evaluation?park=JSCY").status_code == 401
    guest = api_login(client.application.test_client(), "guest")
    api_error(guest.get("/api/v1/evaluation?park=JSCY"), 403)
    viewer = api_login(client, "viewer")
    body = viewer.get("/api/v1/evaluation?park=JSCY").get_json()
    assert body["year"] == 2026 and body["years"] == [2026, 2025]
    assert sum(t["count"] for t in body["totals"]) == len(body["enterprises"]) > 0
    best = body["enterprises"][0]
    assert best["rank"] == 1 and best["class"] == "A" and best["plot_ids"]
    zone = viewer.get("/api/v1/evaluation?park=JSCY&year=2025&zone=SQ&class=D").get_json()
    assert zone["year"] == 2025 and zone["enterprises"]
    assert {(r["zone_code"], r["class"]) for r in zone["enterprises"]} == {("SQ", "D")}
    food = viewer.get("/api/v1/evaluation?park=JSCY&industry=14").get_json()["enterprises"]
    assert food and all(r["industry_code"].startswith("14") for r in food)
    trend = viewer.get(f"/api/v1/evaluation/trend?park=JSCY&enterprise={best['enterprise_key']}"
                       ).get_json()
    assert [y["year"] for y in trend["years"]] == [2026, 2025]
    assert {y["enterprise_key"] for y in trend["years"]} == {best["enterprise_key"]}
    for bad in ("", "&enterprise=firm:1", "&enterprise=project:"):
        assert api_error(viewer.get(f"/api/v1/evaluation/trend?park=JSCY{bad}"), 400)["code"]
    assert api_error(viewer.get("/api/v1/evaluation?park=JSCY&class=E"), 400)["code"]
    english = api_error(viewer.get("/api/v1/evaluation?park=JSCY&year=99&lang=en"), 400)
    chinese = api_error(viewer.get("/api/v1/evaluation?park=JSCY&year=99&lang=zh"), 400)
    assert english["message"] == "year must be between 1900 and 2200"
    assert chinese["message"] == "year 必须在 1900 到 2200 之间"


@pytest.mark.parametrize("lang, words", [("zh", ("亩均效益", "等级", "亩")),
                                         ("en", ("Land-use efficiency", "Class", "mu"))])
def test_the_page_in_both_languages(client, kept, lang, words):
    login(client, "viewer")
    page = client.get(f"/evaluation?park=JSCY&lang={lang}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    for word in words:
        assert word in text
    assert text.count('data-enterprise="') > 100
    assert 'id="pa-evaluation-run"' not in text  # a viewer reads, does not evaluate
    key = text.split('data-enterprise="', 1)[1].split('"', 1)[0]
    trend = client.get(f"/evaluation?park=JSCY&enterprise={key}&lang={lang}")
    assert 'id="pa-evaluation-trend"' in trend.get_data(as_text=True)
    assert trend.get_data(as_text=True).count('<tr data-year="') == 2


def test_a_planner_evaluates_a_year_from_the_page_and_a_viewer_may_not(client, conn, kept):
    login(client, "viewer")
    token = csrf_token(client, "/evaluation")
    assert client.post("/evaluation", data={"csrf_token": token, "year": "2024"}
                       ).status_code == 403
    planner = login(client.application.test_client(), "planner")
    page = planner.get("/evaluation").get_data(as_text=True)
    assert 'id="pa-evaluation-run"' in page
    token = csrf_token(planner, "/evaluation")
    response = planner.post("/evaluation", data={"csrf_token": token, "year": "2024"})
    assert response.status_code == 302 and "year=2024" in response.headers["Location"]
    actors = {r["actor"] for r in conn.execute(
        "SELECT DISTINCT actor FROM audit_log WHERE table_name = 'enterprise_evaluations' "
        "AND after ->> 'year' = '2024'")}
    assert actors and "pytest" not in actors


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_export_reads_back(client, kept, lang):
    login(client, "viewer")
    response = client.get(f"/evaluation/export?park=JSCY&year=2026&lang={lang}")
    assert response.status_code == 200
    assert "2026" in response.headers["Content-Disposition"]
    ws = openpyxl.load_workbook(io.BytesIO(response.data)).active
    headings = [c.value for c in ws[4]]
    if lang == "zh":
        assert "面积 (亩)" in headings and "亩均税收 (万元/亩)" in headings
    else:
        assert "Area (mu)" in headings and "Tax per mu (10k yuan/mu)" in headings
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    body = client.get("/api/v1/evaluation?park=JSCY&year=2026").get_json()["enterprises"]
    assert len(rows) == len(body)
    col = {h: i for i, h in enumerate(headings)}
    area = col["面积 (亩)" if lang == "zh" else "Area (mu)"]
    assert rows[0][area] == pytest.approx(body[0]["area_mu"])
    company = col["企业" if lang == "zh" else "Enterprise"]
    formula = [r for r in ws.iter_rows(min_row=5) if r[company].value == "=SUM(A1:A9)"]
    assert formula and formula[0][company].data_type == "s"
