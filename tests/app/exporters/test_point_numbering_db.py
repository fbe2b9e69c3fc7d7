"""界址点 of real plans (issue 11): the issue's plot, demo neighbours sharing corners, the
park setting survey.point_numbering and the export option numbering through the API."""

from __future__ import annotations

import psycopg
import pytest
from click.testing import CliRunner
from psycopg.types.json import Jsonb

from app import coordinate_file, requisition
from app.cli import main
from app.errors import Unprocessable, from_database
from app.labels import LINE_CATEGORIES, LINE_POSITIONS, MARKER_TYPES
from tests.client import api_error, login

API = "/api/v1"


def park_id(conn) -> int:
    return conn.execute("SELECT id FROM parks WHERE code = 'JSCY'").fetchone()["id"]


def new_plan(conn, *codes: str) -> int:
    return requisition.create(conn, park_id(conn), f"界址点 {' '.join(codes)}",
                              {"codes": list(codes)}, "pytest")["id"]


def set_survey(conn, **values) -> None:
    conn.execute("UPDATE parks SET settings = settings || jsonb_build_object('survey', %s) "
                 "WHERE id = %s", (Jsonb(values), park_id(conn)))


def test_the_issues_plot_starts_at_its_north_west_corner(conn):
    """NQ-24-04 (project P2025-004): J1 was its north-east corner (3260034.3696,
    38404631.1544), the highest; the north-west corner, then J4, is J1 now."""
    result = requisition.compute(conn, new_plan(conn, "NQ-24-04"))
    ring = [p for p in result.boundary_points if p.ring == 1]
    assert len(ring) == 4
    # of a near-rectangle turned a few degrees, the NW corner is the one furthest
    # north-west: the largest northing − easting
    north_west = max(ring, key=lambda p: p.x - p.y)
    assert ring[0] == north_west and ring[0].name == "J1"
    assert (round(ring[1].x, 4), round(ring[1].y, 4)) == (3260034.3696, 38404631.1544)
    assert [p.name for p in ring] == ["J1", "J2", "J3", "J4"]


def test_neighbours_in_a_plan_share_their_corners_numbers(conn):
    codes = ("NQ-04-03", "NQ-04-04", "NQ-04-05")
    result = requisition.compute(conn, new_plan(conn, *codes))
    points = result.boundary_points
    at = {}
    for p in points:
        at.setdefault((f"{p.x:.4f}", f"{p.y:.4f}"), set()).add(p.number)
    assert all(len(numbers) == 1 for numbers in at.values())      # one number per place
    assert len(at) == len({p.number for p in points})            # one place per number
    shared = [k for k, n in at.items()
              if len({p.plot_code for p in points if (f"{p.x:.4f}", f"{p.y:.4f}") == k}) > 1]
    assert shared                                                 # the neighbours touch
    assert sorted({p.number for p in points}) == list(range(1, len(at) + 1))
    # written and read back: the same polygons, the shared numbers in both plots
    parsed = coordinate_file.read(coordinate_file.write(result))
    for plot, parcel in zip(result.plots, parsed.parcels, strict=True):
        assert parcel.geometry.symmetric_difference(plot.geometry).area < 0.01


def test_the_park_setting_numbers_per_plot(conn):
    plan_id = new_plan(conn, "NQ-04-03", "NQ-04-04")
    assert requisition.compute(conn, plan_id).survey.numbering == "plan"
    set_survey(conn, point_numbering="plot", marker_type="steel_nail")
    result = requisition.compute(conn, plan_id)
    assert (result.survey.numbering, result.survey.marker_type) == ("plot", "steel_nail")
    assert result.survey.line_category == "two_point"             # defaults fill the rest
    firsts = [p for p in result.boundary_points if p.name == "J1"]
    assert [p.plot_code for p in firsts] == ["NQ-04-03", "NQ-04-04"]


def test_a_bad_park_setting_is_refused_when_written(conn):
    with pytest.raises(psycopg.errors.CheckViolation) as caught:
        set_survey(conn, line_category="hedge")
    conn.rollback()
    error = from_database(caught.value)
    assert error.code == "invalid_input"
    assert str(error) == ('park JSCY, field settings: the park setting survey.line_category is '
                          '"hedge"; use one of: wall, building_wall, fence, wire_fence, '
                          'drip_line, kerb, two_point')
    for values in ({"point_numbering": "sheet"}, {"line_position": None}, {"marker_type": 3}):
        with pytest.raises(psycopg.errors.CheckViolation):
            set_survey(conn, **values)
        conn.rollback()
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute("UPDATE parks SET settings = settings || '{\"survey\": \"plot\"}'")
    conn.rollback()
    # every name of the vocabularies in app/labels.py is accepted
    for key, table in (("marker_type", MARKER_TYPES), ("line_category", LINE_CATEGORIES),
                       ("line_position", LINE_POSITIONS), ("point_numbering", {"plan": 1,
                                                                              "plot": 1})):
        for value in table:
            set_survey(conn, **{key: value})
    set_survey(conn, precision="0.05")                # other survey keys: not this check's


def test_a_bad_setting_stored_before_the_check_is_refused_on_export(conn):
    plan_id = new_plan(conn, "NQ-04-03")
    conn.execute("ALTER TABLE parks DISABLE TRIGGER parks_survey_settings")
    set_survey(conn, marker_type="wooden_stake")
    conn.execute("ALTER TABLE parks ENABLE TRIGGER parks_survey_settings")
    with pytest.raises(Unprocessable, match='survey.marker_type is "wooden_stake"'):
        requisition.compute(conn, plan_id)


def test_the_numbering_option_through_the_api(app, conn):
    plan_id = new_plan(conn, "NQ-04-03", "NQ-04-04")
    conn.commit()
    client = login(app.test_client(), "planner")
    url = f"{API}/plans/{plan_id}/export?format=txt&encoding=utf-8"
    per_plan = client.get(url).get_data(as_text=True)
    per_plot = client.get(url + "&numbering=plot").get_data(as_text=True)
    assert per_plan.count("\r\nJ1,") == 2 and per_plot.count("\r\nJ1,") == 4  # 2 with closing
    assert client.get(url + "&numbering=plan").get_data(as_text=True) == per_plan
    error = api_error(client.get(url + "&numbering=zig"), 400)
    assert error["message"] == "numbering（界址点编号方式）只能是 plan, plot 之一，不能是 'zig'"
    error = api_error(client.get(url + "&numbering=zig&lang=en",
                                 headers={"Accept-Language": "en"}), 400)
    assert error["message"] == "numbering must be one of plan, plot, not 'zig'"
    error = api_error(client.get(f"{API}/plans/{plan_id}/export?format=kml&numbering=plot"),
                      400)
    assert "numbering" in error["message"]


def test_the_numbering_option_on_the_command_line(db_url, conn, monkeypatch, tmp_path):
    plan_id = new_plan(conn, "NQ-04-03", "NQ-04-04")
    conn.commit()
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("PARKATLAS_SECRET_KEY", "cli-test")
    runner = CliRunner()
    path = tmp_path / "plan.txt"
    args = ["export-plan", str(plan_id), "--format", "txt", "-o", str(path)]
    assert runner.invoke(main, [*args, "--numbering", "plot"]).exit_code == 0
    per_plot = coordinate_file.read(path.read_bytes())
    assert [ring[0][0] for p in per_plot.parcels for _, ring in p.rings] == ["J1", "J1"]
    assert runner.invoke(main, args).exit_code == 0
    per_plan = coordinate_file.read(path.read_bytes())
    assert per_plan.parcels[1].rings[0][1][0][0] != "J1"
    refused = runner.invoke(main, ["export-plan", str(plan_id), "--format", "kml", "-o",
                                   str(tmp_path / "plan.kml"), "--numbering", "plot"])
    assert refused.exit_code == 2 and "--numbering applies to" in refused.output


def test_the_default_survey_settings_hold_every_key(conn):
    """One 'survey' object in park_default_settings() (a second key of the same name in
    jsonb_build_object silently replaced the first)."""
    defaults = conn.execute("SELECT park_default_settings() -> 'survey' AS s").fetchone()["s"]
    assert defaults == {"point_numbering": "plan", "marker_type": "none",
                        "line_category": "two_point", "line_position": "middle",
                        "precision": "0.05"}
    park = conn.execute("SELECT park_settings(%s) -> 'survey' AS s", (park_id(conn),)
                        ).fetchone()["s"]
    assert park["point_numbering"] == "plan" and park["precision"] == "0.05"
