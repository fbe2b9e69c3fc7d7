"""The eight-plot park the indicator and dashboard tests compute by hand."""

from __future__ import annotations

from datetime import date

import pytest

from tests.builders import ORIGIN, Site

ROW0 = ORIGIN[1]


@pytest.fixture
def park(conn):
    """Eight 1-ha plots; row 0 (P1–P4, P6, P7) lies along a road, water and power line in
    service, row 1 (P5, P8) 400 m away: unserviced."""
    park_id = conn.execute("INSERT INTO parks (code, name, gk_zone) VALUES ('IND', '指标园区', 38)"
                           " RETURNING id").fetchone()["id"]
    site = Site(conn, park_id)
    za, zb, zc = (site.zone([], code) for code in ("ZA", "ZB", "ZC"))
    x0, x1 = ORIGIN[0] - 50, ORIGIN[0] + 4000
    site.road([(x0, ROW0 - 10), (x1, ROW0 - 10)])
    for utility in ("water", "power"):
        site.network(utility, [(x0, ROW0 - 20), (x1, ROW0 - 20)])

    def at(slot, row=0):
        return ORIGIN[0] + 400 * slot, ROW0 + 400 * row

    built = dict(approved_on=date(2020, 1, 1), requisitioned_on=date(2020, 6, 1),
                 banked_on=date(2020, 9, 1), supplied_on=date(2021, 1, 1),
                 agreed_start_on=date(2021, 3, 1), started_on=date(2021, 3, 1),
                 completed_on=date(2022, 6, 1), levelled=True)
    plots = {
        "P1": site.plot(at(0), code="P1", zone_id=za, planned_use="100101",
                        operating_on=date(2022, 9, 1), floor_area_m2=15000,
                        building_footprint_m2=5000, actual_investment=3000, annual_tax=60,
                        **built),
        "P2": site.plot(at(1), code="P2", zone_id=za, planned_use="0901", floor_area_m2=20000,
                        building_footprint_m2=4000, annual_tax=40, **built),
        "P3": site.plot(at(2), code="P3", zone_id=za, planned_use="100101", levelled=True,
                        supplied_on=date(2025, 1, 1), agreed_start_on=date(2025, 3, 1)),
        "P4": site.plot(at(3), code="P4", zone_id=za, planned_use="100101", levelled=True,
                        approved_on=date(2023, 1, 1), requisitioned_on=date(2023, 6, 1),
                        banked_on=date(2024, 1, 1)),
        "P5": site.plot(at(0, 1), code="P5", zone_id=zb, planned_use="100101",
                        approved_on=date(2025, 6, 30), requisitioned_on=date(2025, 12, 1)),
        "P6": site.plot(at(4), code="P6", zone_id=zb, planned_use="110101",
                        operating_on=date(2022, 9, 1), building_footprint_m2=3000,
                        actual_investment=1000, **built),
        "P7": site.plot(at(5), code="P7", zone_id=zb, planned_use="100101", levelled=True,
                        supplied_on=date(2024, 1, 1), agreed_start_on=date(2024, 3, 1),
                        disposal="fee", disposal_on=date(2026, 1, 1)),
        "P8": site.plot(at(1, 1), code="P8", zone_id=zc, planned_use="100101"),
    }
    return park_id, {code: p.id for code, p in plots.items()}
