"""The park indicators (DESIGN §4.6) against a hand computation on a small park of eight
plots in three zones, as of a date and across a year boundary; empty bases give no value;
the API in both languages and by role."""

from __future__ import annotations

from datetime import date

import pytest

from app.indicators import indicator
from tests.client import api_error, api_login

D = date(2026, 6, 30)


def _by_key(readings):
    return {r["key"]: r for r in readings}


def test_every_indicator_of_the_park_by_hand(conn, park):
    park_id, ids = park
    result = indicator.evaluate(conn, park_id, D)
    assert result["evaluated_on"] == D
    got = _by_key(result["park"])
    expected = {  # value in its display unit: %, ratio, 万元/公顷, 亩
        "development_rate": 75.0, "supply_rate": 50 / 60 * 100, "built_rate": 60.0,
        "industrial_land_rate": 20 / 30 * 100, "plot_ratio": 1.75, "building_density": 40.0,
        "industrial_plot_ratio": 1.5, "industrial_investment_intensity": 2000.0,
        "industrial_tax_per_area": 60.0, "tax_per_area": 50.0, "idle_disposal_rate": 50.0,
        "remaining_supplyable": 15.0, "approved_not_supplied": 30.0, "supplied_not_used": 30.0}
    assert set(got) == set(expected) == set(indicator.INDICATORS)
    for key, value in expected.items():
        assert got[key]["value"] == pytest.approx(value, rel=1e-9), key
    names = {v: k for k, v in ids.items()}

    def codes(key, which="plots", zone=None):
        listed = indicator.plots(conn, park_id, key, D, zone, which)["plots"]
        assert len(listed) == (got[key][which] if zone is None else len(listed))
        assert [p["id"] for p in listed] == [ids[p["code"]] for p in listed]
        return [names[p["id"]] for p in listed]

    assert codes("development_rate") == ["P1", "P2", "P3", "P4", "P6", "P7"]
    assert got["development_rate"]["base_plots"] == 8
    assert codes("plot_ratio") == ["P1", "P2"] and codes("plot_ratio", "missing_plots") == ["P6"]
    assert codes("industrial_tax_per_area", "missing_plots") == ["P6"]
    assert got["industrial_investment_intensity"]["value_per_mu"] == pytest.approx(2000 / 15)
    assert codes("idle_disposal_rate") == ["P7"]
    assert codes("idle_disposal_rate", "base_plots") == ["P3", "P7"]
    assert codes("remaining_supplyable") == ["P4"]
    assert codes("supply_rate", "plots", zone="ZB") == ["P6", "P7"]
    ans, snu = got["approved_not_supplied"], got["supplied_not_used"]
    assert codes("approved_not_supplied") == ["P4", "P5"] and ans["hectares"] == pytest.approx(2)
    assert (ans["oldest_days"], ans["mean_days"]) == (1276, (1276 + 365) / 2)
    assert codes("supplied_not_used") == ["P3", "P7"]
    assert (snu["oldest_days"], snu["mean_days"]) == (911, (911 + 545) / 2)
    assert str(got["plot_ratio"]["formula"]).startswith("total floor area / built land")


def test_zones_and_empty_bases(conn, park):
    park_id, _ = park
    zones = {z["code"]: _by_key(z["indicators"])
             for z in indicator.evaluate(conn, park_id, D)["zones"]}
    assert set(zones) == {"ZA", "ZB", "ZC"}
    za, zc = zones["ZA"], zones["ZC"]
    assert za["development_rate"]["value"] == pytest.approx(100)
    assert za["supply_rate"]["value"] == pytest.approx(75)
    assert za["industrial_land_rate"]["value"] == pytest.approx(50)
    assert za["plot_ratio"]["value"] == pytest.approx(1.75)
    # a zone with no supplied or built land: no rate, not a division by zero
    assert zc["development_rate"]["value"] == 0
    for key in ("supply_rate", "built_rate", "plot_ratio", "building_density",
                "industrial_investment_intensity", "idle_disposal_rate"):
        assert zc[key]["value"] is None, key
    only = indicator.evaluate(conn, park_id, D, zone="ZB")["zones"]
    assert [z["code"] for z in only] == ["ZB"]


def test_across_a_year_boundary(conn, park):
    """P7's idle-fee disposal takes effect on 1 January 2026: the idle disposal rate is 0
    on New Year's Eve and 100% the next day (P3 becomes idle only in March)."""
    park_id, _ = park
    eve = _by_key(indicator.evaluate(conn, park_id, date(2025, 12, 31))["park"])
    new_year = _by_key(indicator.evaluate(conn, park_id, date(2026, 1, 1))["park"])
    assert eve["idle_disposal_rate"]["value"] == 0
    assert new_year["idle_disposal_rate"]["value"] == pytest.approx(100)
    # P5 was approved on 30 June 2025: not yet approved, not yet counted, a year earlier
    before = _by_key(indicator.evaluate(conn, park_id, date(2025, 6, 29))["park"])
    assert before["approved_not_supplied"]["value"] == pytest.approx(15)


def test_a_park_without_plots(conn):
    park_id = conn.execute("INSERT INTO parks (code, name, gk_zone) VALUES ('EMPTY', '空园区', 38)"
                           " RETURNING id").fetchone()["id"]
    result = indicator.evaluate(conn, park_id, D)
    assert result == {"evaluated_on": D, "park": [], "zones": []}


def test_the_api_in_both_languages_and_by_role(client, park):
    viewer = api_login(client, "viewer")
    zh = viewer.get(f"/api/v1/indicators?park=IND&as_of={D}").get_json()
    readings = _by_key(zh["park"])
    assert readings["development_rate"]["name"] == "土地开发率"
    assert readings["development_rate"]["value"] == pytest.approx(75)
    en = viewer.get(f"/api/v1/indicators?park=IND&as_of={D}&lang=en").get_json()
    assert _by_key(en["park"])["development_rate"]["name"] == "Land development rate"
    error = api_error(viewer.get("/api/v1/indicators?park=IND&zone=NOPE"), 404)
    assert error["code"] == "zone_not_found" and "NOPE" in error["message"]
    listed = viewer.get(f"/api/v1/indicators/plot_ratio/plots?park=IND&as_of={D}"
                        "&set=missing_plots&lang=en").get_json()
    assert listed["name"] == "Overall plot ratio"
    assert [(p["code"], p["zone"], p["stage"]) for p in listed["plots"]] == [
        ("P6", "ZB", "operating")]
    assert listed["plots"][0]["area_mu"] == pytest.approx(15)
    error = api_error(viewer.get("/api/v1/indicators/nope/plots?park=IND"), 404)
    assert error["code"] == "indicator_not_found" and "plot_ratio" in error["message"]
    error = api_error(viewer.get("/api/v1/indicators/plot_ratio/plots?park=IND&set=all"), 400)
    assert error["code"] == "bad_set"


def test_a_guest_and_an_anonymous_caller_are_refused(client, park):
    assert client.get("/api/v1/indicators?park=IND").status_code == 401
    guest = api_login(client, "guest")
    assert guest.get("/api/v1/indicators?park=IND").status_code == 403
