"""Hand-made `PlanResult`s for exporter tests that need no database.

The sample has every case the exports must get right: a plot with a hole, a multipart
plot, a plot split between two price zones, a special-crop plot, a plot with houses,
state land (no compensation), two village collectives, Chinese names, and an excluded
(already requisitioned) plot. Coordinates are CGCS2000 GK zone 38 with the zone prefix
(x = easting 38 4xx xxx, y = northing 3 25x xxx), near Junshan, Yueyang.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from shapely.geometry import LineString, MultiPolygon, Polygon, box

from app.plan_result import (
    Compensation,
    ContextFeature,
    ExcludedPlot,
    PlanPlot,
    PlanResult,
    PricePiece,
    to_mu,
    yuan,
)

X0, Y0 = 38_403_000.0, 3_256_000.0

RATES = {  # price zone -> (land 元/亩, crops, special crops, houses 元/m², social security 元/亩)
    "I": (Decimal("70000"), Decimal("2400"), Decimal("16000"), Decimal("1200"), Decimal("32000")),
    "II": (Decimal("62000"), Decimal("2400"), Decimal("16000"), Decimal("1100"), Decimal("30000")),
}


def _piece(zone: str, area_m2: float, special: bool, land_group: str) -> PricePiece:
    land, crop, special_crop, house, social = RATES[zone]
    crop_rate = (special_crop if special else crop) if land_group in (
        "cultivated", "agricultural") else Decimal(0)
    return PricePiece(zone, area_m2, land, crop_rate, house, social)


def _plot(code, name, land_class, land_class_name, land_group, owner, geometry,
          zones=(("I", 1.0),), special=False, houses=0.0, owner_type="collective",
          planned_use="100101", planned_use_name="一类工业用地") -> PlanPlot:
    if isinstance(geometry, Polygon):
        geometry = MultiPolygon([geometry])
    area = geometry.area
    pieces = tuple(_piece(z, area * share, special, land_group) for z, share in zones)
    if owner_type == "state":
        money = Compensation()
    else:
        money = Compensation(
            land=yuan(sum(Decimal(str(to_mu(p.area_m2))) * p.land_price_yuan_mu
                          for p in pieces)),
            crops=yuan(sum(Decimal(str(to_mu(p.area_m2))) * p.crop_yuan_mu for p in pieces)),
            houses=yuan(Decimal(str(houses)) * pieces[0].house_yuan_m2),
            social_security=yuan(sum(Decimal(str(to_mu(p.area_m2))) * p.social_security_yuan_mu
                                     for p in pieces)),
        )
    return PlanPlot(code, name, land_class, land_class_name, land_group, owner, owner_type,
                    planned_use, planned_use_name, special, houses, area, pieces, money,
                    geometry)


def sample_plots() -> tuple[PlanPlot, ...]:
    """Five plots covering holes, multipart, split price zones, houses and state land."""
    square = box(X0, Y0, X0 + 120.25, Y0 + 95.5)
    holed = Polygon(
        [(X0 + 200, Y0), (X0 + 350.5, Y0), (X0 + 350.5, Y0 + 140), (X0 + 200, Y0 + 140)],
        [[(X0 + 250, Y0 + 40), (X0 + 290, Y0 + 40), (X0 + 290, Y0 + 80), (X0 + 250, Y0 + 80)]])
    multi = MultiPolygon([
        box(X0, Y0 + 200, X0 + 60, Y0 + 260),
        Polygon([(X0 + 100, Y0 + 200), (X0 + 180.123, Y0 + 205.456), (X0 + 170, Y0 + 290),
                 (X0 + 110, Y0 + 280)]),
    ])
    skewed = Polygon([(X0 + 400, Y0 + 10), (X0 + 530.7, Y0 + 25.3), (X0 + 515.2, Y0 + 160.9),
                      (X0 + 430.4, Y0 + 171.1), (X0 + 395.5, Y0 + 90.2)])
    state = box(X0 + 200, Y0 + 200, X0 + 300, Y0 + 300)
    return (
        _plot("NQ-01-01", None, "0101", "水田", "cultivated", "君山区许市镇华龙村村民委员会",
              square),
        _plot("NQ-01-02", "华龙村二组", "0201", "果园", "agricultural",
              "君山区许市镇华龙村村民委员会", holed, special=True),
        _plot("NQ-02-01", None, "0702", "农村宅基地", "construction",
              "君山区许市镇东港村村民委员会", multi, houses=860.5),
        _plot("NQ-02-02", None, "1206", "裸土地", "unused", "君山区许市镇东港村村民委员会",
              skewed, zones=(("I", 0.4), ("II", 0.6))),
        _plot("NQ-03-01", None, "0601", "工业用地", "construction", "国有", state,
              owner_type="state"),
    )


def sample_result(**overrides) -> PlanResult:
    """A submitted plan with the five sample plots, one excluded plot and map context."""
    values = dict(
        plan_id=7, plan_name="君山工业园北区2026年第一批次征地", version=2, status="submitted",
        park_id=1, park_name="君山工业集中区", organisation="君山工业集中区管理委员会",
        gk_zone=38, gk_epsg=4526, computed_on=date(2026, 11, 22), author="planner",
        plots=sample_plots(),
        excluded=(ExcludedPlot("NQ-04-01", "requisitioned", 5321.5, date(2025, 6, 30)),),
        context=(
            ContextFeature("road", "荆江大道",
                           LineString([(X0 - 50, Y0 + 180), (X0 + 600, Y0 + 180)]), "in_service"),
            ContextFeature("road", "富岗路",
                           LineString([(X0 + 370, Y0 - 50), (X0 + 370, Y0 + 350)]), "planned"),
            ContextFeature("zone", "北区西片", box(X0 - 80, Y0 - 80, X0 + 370, Y0 + 380)),
            ContextFeature("plot", "NQ-04-01", box(X0 + 400, Y0 + 200, X0 + 480, Y0 + 260)),
        ),
    )
    values.update(overrides)
    return PlanResult(**values)
