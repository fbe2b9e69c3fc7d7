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

import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property

import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon

from .crs import M2_PER_HA, M2_PER_MU, areas, to_ha, to_mu
from .errors import SURVEY_SETTING, Text, Unprocessable
from .labels import LINE_CATEGORIES, LINE_POSITIONS, MARKER_TYPES

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


#: Decimals of every written boundary-point coordinate (0.1 mm, the TXT's 精度): two
#: vertices equal at this precision are one 界址点.
POINT_DECIMALS = 4
#: How 界址点 are numbered (park setting survey.point_numbering, export option numbering):
#: once per plan, a corner shared by plots keeping one number, or J1.. afresh per plot.
NUMBERINGS = ("plan", "plot")


@dataclass(frozen=True)
class Survey:
    """How the plan's 界址点 are numbered and described in the 界址点成果表 (TD/T 1008).

    From the park's settings `survey.*` when the result is computed, frozen with it; a
    result frozen before these existed reads as the defaults (a plan not yet staked out:
    no marker, straight line between two points, boundary in the middle of the line).
    """

    numbering: str = "plan"           # plan | plot (NUMBERINGS)
    marker_type: str = "none"         # labels.MARKER_TYPES
    line_category: str = "two_point"  # labels.LINE_CATEGORIES
    line_position: str = "middle"     # labels.LINE_POSITIONS
    precision: str = "0.05"           # 精度 of the TXT header (m); checked when written

    @classmethod
    def from_settings(cls, settings: dict) -> Survey:
        """From a park's merged settings (`park_settings()`); a value outside its
        vocabulary (settings written before the database checked them) is refused naming
        the setting, before any file is written."""
        given = settings.get("survey") or {}
        values = {}
        for field_name, key, known in (
                ("numbering", "point_numbering", dict.fromkeys(NUMBERINGS)),
                ("marker_type", "marker_type", MARKER_TYPES),
                ("line_category", "line_category", LINE_CATEGORIES),
                ("line_position", "line_position", LINE_POSITIONS)):
            value = given.get(key, getattr(cls, field_name))
            if value not in known:
                raise Unprocessable(Text(SURVEY_SETTING, setting=f"survey.{key}",
                                         value=json.dumps(value, ensure_ascii=False),
                                         known=", ".join(known)), code="bad_setting")
            values[field_name] = value
        return cls(**values, precision=str(given.get("precision", cls.precision)))


@dataclass(frozen=True)
class BoundaryPoint:
    """One 界址点 of a plot: number, ring, surveyor's X (northing) and Y (prefixed easting).

    `side_m` is the length of the side to the next point of the same ring. Rings are
    numbered 1.. within the plot: each part's outer ring, then that part's holes (see
    `plot_rings` for the order and the start of each ring); the closing point (same number
    as the ring's first) is not repeated here. A point shared by several plots appears
    once in each of them, with the same number (see `number_points`).
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
    survey: Survey = Survey()

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
        """Every plot's 界址点 in plot order, numbered as `survey.numbering` says (see
        `number_points`)."""
        return number_points(self.plots, self.survey.numbering)

    @cached_property
    def points_by_plot(self) -> dict[str, tuple[BoundaryPoint, ...]]:
        """`boundary_points` grouped by plot code, in plot order."""
        grouped: dict[str, list[BoundaryPoint]] = {p.code: [] for p in self.plots}
        for pt in self.boundary_points:
            grouped[pt.plot_code].append(pt)
        return {code: tuple(points) for code, points in grouped.items()}

    def numbered(self, numbering: str | None) -> PlanResult:
        """This result with its points numbered per `numbering` (plan | plot); None keeps
        the result's own (the park's setting)."""
        if numbering is None or numbering == self.survey.numbering:
            return self
        if numbering not in NUMBERINGS:
            raise ValueError(f"numbering must be one of {NUMBERINGS}, not {numbering!r}")
        return dataclasses.replace(self, survey=dataclasses.replace(self.survey,
                                                                    numbering=numbering))

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


def number_points(plots, numbering: str = "plan") -> tuple[BoundaryPoint, ...]:
    """The 界址点 of `plots`, in plot order, ring by ring (`plot_rings`).

    `numbering="plan"` (the default, as a 勘测定界 report numbers them): J1, J2, … run on
    through the whole plan, and a vertex already numbered (in an earlier plot, or earlier
    in the same plot, e.g. a hole touching its shell) keeps its number wherever it comes
    again: equal means equal as written, to POINT_DECIMALS decimals. So a corner shared by
    two or three plots is one point with one number, listed under each plot that has it.
    A vertex of one plot lying on the side (not on a vertex) of its neighbour is a point
    of that plot only: the neighbour's side runs straight past it and is not split.
    `numbering="plot"`: each plot restarts at J1 (shared corners then have one number per
    plot).
    """
    if numbering not in NUMBERINGS:
        raise ValueError(f"numbering must be one of {NUMBERINGS}, not {numbering!r}")
    points: list[BoundaryPoint] = []
    numbers: dict[tuple[str, str], int] = {}
    for plot in plots:
        if numbering == "plot":
            numbers = {}
        for ring_no, ring in enumerate(plot_rings(plot.geometry), start=1):
            coords = ring[:-1]
            for i, (x, y) in enumerate(coords):
                nx, ny = coords[(i + 1) % len(coords)]
                key = (f"{x:.{POINT_DECIMALS}f}", f"{y:.{POINT_DECIMALS}f}")
                number = numbers.setdefault(key, len(numbers) + 1)
                points.append(BoundaryPoint(plot.code, number, ring_no, y, x,
                                            ((nx - x) ** 2 + (ny - y) ** 2) ** 0.5))
    return tuple(points)


def closed_rings(points) -> Iterator[tuple[BoundaryPoint, bool]]:
    """One plot's points as the files list them: each ring closed by its first point
    again, that closing point flagged True (same number, coordinates and ring)."""
    first = None
    for pt in points:
        if first is not None and pt.ring != first.ring:
            yield first, True
            first = None
        if first is None:
            first = pt
        yield pt, False
    if first is not None:
        yield first, True


def plot_rings(geometry: MultiPolygon) -> list[list[tuple[float, float]]]:
    """The rings of a plot in 界址点 order, each closed (first point repeated at the end).

    For each part: the outer ring clockwise, then its holes anticlockwise. Every ring
    starts at its north-west-most vertex, the one nearest the north-west corner of the
    ring's bounding box (of equally near ones the more northern, then the more western):
    the corner surveyors number J1 from, also on a plot turned against the grid, whose
    northernmost vertex may be its north-east corner.
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
    west = min(x for x, _ in coords)
    north = max(y for _, y in coords)

    def nearness(i: int) -> tuple[float, float, float]:
        x, y = coords[i]
        # distance to the box's NW corner, to the µm so float noise makes no false order
        return round(((x - west) ** 2 + (north - y) ** 2) ** 0.5, 6), -y, x

    start = min(range(len(coords)), key=nearness)
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
    # a result frozen before the survey settings existed reads as their defaults
    survey = Survey(**{k: v for k, v in (d.get("survey") or {}).items()
                       if k in Survey.__dataclass_fields__})
    return PlanResult(**scalars, computed_on=date.fromisoformat(d["computed_on"]),
                      plots=plots, excluded=excluded, context=context, survey=survey)


__all__ = [
    "COMPONENTS", "LAND_GROUPS", "M2_PER_HA", "M2_PER_MU", "NUMBERINGS", "POINT_DECIMALS",
    "BoundaryPoint", "ClassRow", "Compensation", "ContextFeature", "ExcludedPlot", "GroupRow",
    "OwnerRow", "PlanPlot", "PlanResult", "PricePiece", "Survey", "closed_rings", "number_points",
    "plot_rings", "to_ha", "to_mu", "yuan",
]
