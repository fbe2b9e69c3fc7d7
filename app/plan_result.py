"""The computed result of a land-requisition plan (征地方案), as every export reads it.

`requisition.compute` builds one `PlanResult` in the park's Gauss-Krüger CRS; the page,
the API and every exporter (XLSX, 报批坐标 TXT, 界址点, GIS files, DXF, PDF) read the
same object, so their numbers cannot disagree. A submitted version is frozen as JSON
(`to_json`) and exported later from `from_json`, exactly as it was.

Geometry is shapely in the park's zone-prefixed GK CRS as PostGIS stores it:
x = easting with the zone prefix (e.g. 38 512 345.678), y = northing. Surveyors write
X for the northing and Y for the easting; exporters swap where their format says so.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon

from .crs import M2_PER_HA, M2_PER_MU, areas, to_ha, to_mu

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

#: Land groups of GB/T 21010 classes, in the order reports list them.
LAND_GROUPS = ("cultivated", "agricultural", "construction", "unused")
#: Compensation components, in the order reports list them.
COMPONENTS = ("land", "crops", "houses", "social_security")


def yuan(value) -> Decimal:
    """Money rounded to the fen (0.01 元), half up, as the finance office rounds."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


class Areas:
    """`area_mu` and `area_ha` of anything with an `area_m2`."""

    area_m2: float

    @property
    def area_mu(self) -> float:
        return to_mu(self.area_m2)

    @property
    def area_ha(self) -> float:
        return to_ha(self.area_m2)


@dataclass(frozen=True)
class Compensation:
    """Compensation estimate of one plot (or a sum), in 元 to the fen."""

    land: Decimal = ZERO             # 区片综合地价 × area
    crops: Decimal = ZERO            # 青苗补偿 (special-crop rate where the plot has one)
    houses: Decimal = ZERO           # 地上附着物: house floor area × 元/m²
    social_security: Decimal = ZERO  # 社会保障费用

    @property
    def total(self) -> Decimal:
        return self.land + self.crops + self.houses + self.social_security

    def __add__(self, other: Compensation) -> Compensation:
        return Compensation(*(getattr(self, c) + getattr(other, c) for c in COMPONENTS))


@dataclass(frozen=True)
class PricePiece(Areas):
    """The part of a plot inside one price zone (区片), with its rates.

    A plot in two price zones is split by area; the pieces' areas sum to the plot's area.
    """

    price_zone: str
    area_m2: float
    land_price_yuan_mu: Decimal
    crop_yuan_mu: Decimal
    house_yuan_m2: Decimal
    social_security_yuan_mu: Decimal


@dataclass(frozen=True)
class PlanPlot(Areas):
    """One plot of a plan with its computed areas and compensation."""

    code: str
    name: str | None
    land_class: str | None        # GB/T 21010 code, e.g. 0101
    land_class_name: str | None   # e.g. 水田
    land_group: str | None        # one of LAND_GROUPS
    owner: str                    # the village collective, or 国有 for state land
    owner_type: str               # collective | state
    planned_use: str | None       # planned-use code, e.g. 100101
    planned_use_name: str | None  # e.g. 一类工业用地
    special_crop: bool
    house_floor_area_m2: float
    area_m2: float                # GK area, full precision
    pieces: tuple[PricePiece, ...]
    compensation: Compensation
    geometry: MultiPolygon        # GK, x = prefixed easting, y = northing

    @property
    def needs_requisition(self) -> bool:
        """State land needs no requisition (and owes no compensation)."""
        return self.owner_type == "collective"

    @property
    def price_zones(self) -> str:
        """The price zones the plot lies in, e.g. "I" or "I/II"."""
        return "/".join(p.price_zone for p in self.pieces)


@dataclass(frozen=True)
class ExcludedPlot:
    """A selected plot left out of the export, and why (e.g. already requisitioned)."""

    code: str
    reason: str                   # requisitioned
    area_m2: float
    since: date | None = None


@dataclass(frozen=True)
class ContextFeature:
    """A feature drawn around the plan on the map sheet: a road, a zone or a neighbour plot."""

    kind: str                     # road | zone | plot
    label: str | None
    geometry: LineString | MultiLineString | Polygon | MultiPolygon
    status: str | None = None     # roads: planned | under_construction | in_service


@dataclass(frozen=True)
class ClassRow(Areas):
    """Area of one GB/T 21010 land class in the plan."""

    land_class: str | None
    land_class_name: str | None
    land_group: str | None
    plots: int
    area_m2: float


@dataclass(frozen=True)
class GroupRow(Areas):
    """Area of one land group (cultivated, other agricultural, construction, unused)."""

    land_group: str
    plots: int
    area_m2: float


@dataclass(frozen=True)
class OwnerRow(Areas):
    """Totals of one owner: a village collective, or the state."""

    owner: str
    owner_type: str
    plots: int
    area_m2: float
    area_by_group: dict[str, float]
    compensation: Compensation


@dataclass(frozen=True)
class BoundaryPoint:
    """One 界址点 of a plot: number, ring, surveyor's X (northing) and Y (prefixed easting).

    `side_m` is the length of the side to the next point of the same ring. Rings are
    numbered 1.. within the plot: each part's outer ring, then that part's holes. Outer
    rings run clockwise on the map from their north-westernmost point, holes
    anticlockwise; the closing point (same number as the ring's first) is not repeated here.
    """

    plot_code: str
    number: int                   # J<number>
    ring: int
    x: float                      # northing
    y: float                      # easting with zone prefix
    side_m: float

    @property
    def name(self) -> str:
        return f"J{self.number}"


@dataclass(frozen=True)
class PlanResult(Areas):
    """Everything a plan's page and exports show, computed once in the park's GK CRS."""

    plan_id: int
    plan_name: str
    version: int
    status: str                   # draft | submitted | approved
    park_id: int
    park_name: str
    organisation: str             # 数据产生单位, e.g. the park management committee
    gk_zone: int                  # 3-degree zone number (带号), e.g. 38
    gk_epsg: int                  # zone-prefixed CGCS2000 GK EPSG, e.g. 4526
    computed_on: date             # 数据产生日期
    author: str | None            # who created (draft) or submitted the version
    plots: tuple[PlanPlot, ...]
    excluded: tuple[ExcludedPlot, ...] = ()
    context: tuple[ContextFeature, ...] = field(default=(), compare=False)
    survey_precision: str = "0.05"  # 精度 (m), park setting survey.precision

    # --- totals, each computed once from the plots, in plot order -------------------

    @cached_property
    def area_m2(self) -> float:
        return sum(p.area_m2 for p in self.plots)

    @cached_property
    def compensation(self) -> Compensation:
        total = Compensation()
        for plot in self.plots:
            total = total + plot.compensation
        return total

    @cached_property
    def requisition_area_m2(self) -> float:
        """Area of collective land, the part that is actually requisitioned."""
        return sum(p.area_m2 for p in self.plots if p.needs_requisition)

    @cached_property
    def by_land_class(self) -> tuple[ClassRow, ...]:
        """One row per land class, ordered by code."""
        rows: dict[str | None, list] = {}
        for p in self.plots:
            row = rows.setdefault(p.land_class, [p.land_class_name, p.land_group, 0, 0.0])
            row[2] += 1
            row[3] += p.area_m2
        return tuple(ClassRow(code, *rows[code])
                     for code in sorted(rows, key=lambda c: (c is None, c or "")))

    @cached_property
    def by_land_group(self) -> tuple[GroupRow, ...]:
        """One row per land group in LAND_GROUPS order (groups with no plot included)."""
        counts = {g: [0, 0.0] for g in LAND_GROUPS}
        for p in self.plots:
            if p.land_group in counts:
                counts[p.land_group][0] += 1
                counts[p.land_group][1] += p.area_m2
        return tuple(GroupRow(g, *counts[g]) for g in LAND_GROUPS)

    @property
    def farmland_m2(self) -> float:
        """Farmland (农用地): cultivated plus other agricultural land."""
        return sum(r.area_m2 for r in self.by_land_group if r.land_group in
                   ("cultivated", "agricultural"))

    @cached_property
    def by_owner(self) -> tuple[OwnerRow, ...]:
        """One row per owner: collectives by name, then state land."""
        acc: dict[tuple[str, str], list] = {}
        for p in self.plots:
            row = acc.setdefault((p.owner_type, p.owner),
                                 [0, 0.0, dict.fromkeys(LAND_GROUPS, 0.0), Compensation()])
            row[0] += 1
            row[1] += p.area_m2
            if p.land_group in row[2]:
                row[2][p.land_group] += p.area_m2
            row[3] = row[3] + p.compensation
        keys = sorted(acc, key=lambda k: (k[0] != "collective", k[1]))
        return tuple(OwnerRow(owner, owner_type, *acc[(owner_type, owner)])
                     for owner_type, owner in keys)

    @cached_property
    def boundary_points(self) -> tuple[BoundaryPoint, ...]:
        """Every plot's 界址点, numbered J1.. per plot (see BoundaryPoint)."""
        points: list[BoundaryPoint] = []
        for plot in self.plots:
            number = 0
            for ring_no, ring in enumerate(plot_rings(plot.geometry), start=1):
                coords = ring[:-1]
                for i, (x, y) in enumerate(coords):
                    nx, ny = coords[(i + 1) % len(coords)]
                    number += 1
                    points.append(BoundaryPoint(
                        plot.code, number, ring_no, y, x,
                        ((nx - x) ** 2 + (ny - y) ** 2) ** 0.5))
        return tuple(points)

    @property
    def title(self) -> str:
        return f"{self.plan_name} v{self.version}"

    def summary(self) -> dict:
        """The numbers of the plan page and the API, as JSON-ready values: areas as full
        floats (m², 亩, 公顷), money as strings to the fen."""
        def money(c: Compensation) -> dict:
            return {**{k: str(getattr(c, k)) for k in COMPONENTS}, "total": str(c.total)}

        return {
            "plan_id": self.plan_id, "plan_name": self.plan_name, "version": self.version,
            "status": self.status, "park_id": self.park_id, "park_name": self.park_name,
            "gk_zone": self.gk_zone, "gk_epsg": self.gk_epsg,
            "computed_on": self.computed_on.isoformat(), "author": self.author,
            "plot_count": len(self.plots), **areas(self.area_m2),
            "requisition": areas(self.requisition_area_m2),
            "farmland": areas(self.farmland_m2),
            "by_land_group": [{"land_group": r.land_group, "plots": r.plots,
                               **areas(r.area_m2)} for r in self.by_land_group],
            "by_land_class": [{"land_class": r.land_class, "name": r.land_class_name,
                               "land_group": r.land_group, "plots": r.plots,
                               **areas(r.area_m2)} for r in self.by_land_class],
            "by_owner": [{"owner": r.owner, "owner_type": r.owner_type, "plots": r.plots,
                          **areas(r.area_m2), "compensation": money(r.compensation)}
                         for r in self.by_owner],
            "compensation": money(self.compensation),
            "plots": [{"code": p.code, "name": p.name, "land_class": p.land_class,
                       "land_class_name": p.land_class_name, "land_group": p.land_group,
                       "owner": p.owner, "owner_type": p.owner_type,
                       "price_zones": [{"price_zone": x.price_zone, "area_m2": x.area_m2}
                                       for x in p.pieces],
                       **areas(p.area_m2), "compensation": money(p.compensation)}
                      for p in self.plots],
            "excluded": [{"code": e.code, "reason": e.reason, "area_m2": e.area_m2,
                          "since": e.since.isoformat() if e.since else None}
                         for e in self.excluded],
        }

    # --- freezing a submitted version ------------------------------------------------

    def to_json(self) -> str:
        """Serialise for storage; `from_json` gives back an equal result."""
        return json.dumps(_encode(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | dict) -> PlanResult:
        data = json.loads(text) if isinstance(text, str) else text
        return _decode_result(data)


def plot_rings(geometry: MultiPolygon) -> list[list[tuple[float, float]]]:
    """The rings of a plot in 界址点 order, each closed (first point repeated at the end).

    For each part: the outer ring clockwise, then its holes anticlockwise; every ring
    starts at its north-westernmost vertex (largest northing, then smallest easting), the
    corner surveyors number J1 from.
    """
    rings = []
    polygons = geometry.geoms if isinstance(geometry, MultiPolygon) else [geometry]
    for polygon in polygons:
        polygon = shapely.orient_polygons(polygon, exterior_cw=True) \
            if hasattr(shapely, "orient_polygons") else _orient(polygon)
        rings.append(_start_north_west(list(polygon.exterior.coords)))
        rings.extend(_start_north_west(list(hole.coords)) for hole in polygon.interiors)
    return rings


def _orient(polygon: Polygon) -> Polygon:
    # shapely < 2.1: orient(sign=-1) makes the exterior clockwise and holes anticlockwise
    from shapely.geometry.polygon import orient
    return orient(polygon, sign=-1.0)


def _start_north_west(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
    coords = ring[:-1]
    start = min(range(len(coords)), key=lambda i: (-coords[i][1], coords[i][0]))
    coords = coords[start:] + coords[:start]
    return coords + [coords[0]]


# --- JSON encoding ---------------------------------------------------------------------

def _encode(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, shapely.Geometry):
        return shapely.to_wkb(value, hex=True)
    if isinstance(value, PlanResult):
        return {f: _encode(getattr(value, f)) for f in value.__dataclass_fields__}
    if hasattr(value, "__dataclass_fields__"):
        return {f: _encode(getattr(value, f)) for f in value.__dataclass_fields__}
    if isinstance(value, list | tuple):
        return [_encode(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    return value


def _geom(text: str):
    return shapely.from_wkb(text)


def _money(data: dict) -> Compensation:
    return Compensation(*(Decimal(data[c]) for c in COMPONENTS))


def _decode_result(d: dict) -> PlanResult:
    plots = tuple(
        PlanPlot(**{**p,
                    "pieces": tuple(PricePiece(
                        x["price_zone"], x["area_m2"], Decimal(x["land_price_yuan_mu"]),
                        Decimal(x["crop_yuan_mu"]), Decimal(x["house_yuan_m2"]),
                        Decimal(x["social_security_yuan_mu"])) for x in p["pieces"]),
                    "compensation": _money(p["compensation"]),
                    "geometry": _geom(p["geometry"])})
        for p in d["plots"])
    excluded = tuple(
        ExcludedPlot(e["code"], e["reason"], e["area_m2"],
                     date.fromisoformat(e["since"]) if e.get("since") else None)
        for e in d["excluded"])
    context = tuple(ContextFeature(c["kind"], c["label"], _geom(c["geometry"]), c.get("status"))
                    for c in d.get("context", ()))
    scalars = {k: d[k] for k in ("plan_id", "plan_name", "version", "status", "park_id",
                                 "park_name", "organisation", "gk_zone", "gk_epsg", "author")}
    # versions frozen before the setting existed state the default precision
    return PlanResult(**scalars, computed_on=date.fromisoformat(d["computed_on"]),
                      plots=plots, excluded=excluded, context=context,
                      survey_precision=d.get("survey_precision", "0.05"))


__all__ = [
    "COMPONENTS", "LAND_GROUPS", "M2_PER_HA", "M2_PER_MU", "BoundaryPoint", "ClassRow",
    "Compensation", "ContextFeature", "ExcludedPlot", "GroupRow", "OwnerRow", "PlanPlot",
    "PlanResult", "PricePiece", "plot_rings", "to_ha", "to_mu", "yuan",
]
