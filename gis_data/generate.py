#!/usr/bin/env python3
"""Deterministic generator of the ParkAtlas demo park (and of large benchmark parks).

The output follows the folder format of ``gis_data/README.md``: one sub-folder per
park with park.json, zones/plots/roads/networks/price_zones GeoJSON,
compensation_rates.json and projects.json.  The same arguments always give
byte-identical files: every random number comes from ``numpy.random.default_rng``
seeded by ``--seed`` and the park number, features are written in a fixed order,
coordinates are rounded to 8 decimals (about 1 mm) and nothing depends on the clock.

Geometry is built in metres, in a local frame centred on the park, then rotated a
few degrees and placed in the park's CGCS2000 3-degree Gauss-Krüger zone (EPSG:4547,
zone 38, for the demo near 113.0°E 29.45°N); GeoJSON is CGCS2000 lon/lat
(EPSG:4490).  Areas are therefore exact in the GK plane, as DESIGN §3 requires.

Layout of the demo park 君山产业园区 (JSCY), modelled on the seed documents:

* A "五纵七横" road grid.  The five north-south roads (west to east) are 洞庭大道,
  柳毅路, 荆江大道, 建业北路 and 创业路; the seven east-west roads (south to north)
  are 富岗路, 白杨路, 丁家路 in the south zone and 杨树路, 广兴路, 君山大道, 兴园路
  in the north zone.  Roads are straight but slightly skewed centrelines; the strip
  between 丁家路 and 杨树路 (villages and the 君建明渠 drainage channel) is not park land.
* Zones: 南片区 ``SQ`` (mixed manufacturing, logistics along 富岗路), and the north
  zone split by 荆江大道 into the food park ``NQ-W`` and the electronics park ``NQ-E``.
* Blocks are the quadrilaterals between road centrelines, set back from each road
  by half its width plus a few metres (or bounded by the park's red line on the
  outside).  A block deep enough is split along its long axis into two rows of
  plots, each row fronting a road; shallow blocks hold one row.  A row is cut into
  plots by straight, slightly slanted cuts, so plots are irregular quadrilaterals
  that tile the block exactly: they cannot overlap, and where two rows meet every
  plot carries every vertex lying on its edge (no T-junctions), so rounding the
  coordinates cannot create slivers.  A few row ends become an L-shaped plot
  wrapped around a corner plot, a few plots keep a retained pond or graveyard as a
  hole, and a few are split in two by a drainage ditch (MultiPolygon).
* Plot codes are ``<zone prefix>-<block>-<number>`` (``NQ-03-12``); blocks are
  numbered from the north-west within each prefix, plots row by row.
* Owners are the village collectives whose land it was (the party compensated on
  requisition; they stay recorded after requisition) or ``国有`` for land that was
  state-owned from the start (never requisitioned).
* The lifecycle stage of a plot grows with the maturity of its block (south zone
  oldest, north-east and outer blocks youngest) and is expressed only through its
  dated events (DESIGN §4.1).  On top of that the generator plants the cases the
  rules of DESIGN §4.2-4.4 must find, as of the demo's "today" 2026-11-22: idle
  land of type A and B, reclaim due, early warnings, government-cause exemptions,
  disposed idle plots, old approved-but-unsupplied land, low-efficiency plots, a
  zoning conflict and a use conflict.  ``python gis_data/generate.py`` prints them.
* Utility networks run along the road corridors, one feature per road section
  between intersections, offset from the centreline: complete in the south and the
  food park, planned or under construction in the north-east and outer blocks; gas
  and central heating exist only in parts of the park, so readiness ranges from
  七通一平 to raw land.
* Projects are the signed projects the seeds name (吉兴通电子, 大农米业, ...), with
  milestones, late ones (black flag) and ten-day progress reports (旬报).

``--plots N --parks K`` builds K generic parks (codes P001...) spread over China,
each in its own GK zone, with N plots in total, a grid of 经/纬 roads sized to the
plot count and the same rules; it makes 100 000 plots in well under a minute.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

# ---------------------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------------------

MU = 10000 / 15  # m² per 亩
EPOCH = date(1970, 1, 1)
DEFAULT_SEED = 20170808  # the date of the seed reply about the Junshan park
DEMO_PLOTS = 400
MIN_MU, MAX_MU = 10.6, 188.0  # margins inside the contract's 10-200 亩 per plot
ROW_MIN_DEPTH = 130.0  # a block is split into two rows only if each row is this deep
DRAWS_PER_PLOT = 48

CRS_4490 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}}
STAGES = ("planned", "approved", "requisitioned", "banked", "supplied", "delivered",
          "under_construction", "completed", "operating")
# EVENTS[k - 1] is the event that puts a plot in STAGES[k]
EVENTS = ("approved_on", "requisitioned_on", "banked_on", "supplied_on", "delivered_on",
          "started_on", "completed_on", "operating_on")
DATE_FIELDS = frozenset(EVENTS) | {"agreed_start_on", "suspended_since", "disposal_on"}
PLOT_FIELDS = (
    "code", "name", "zone", "land_class", "planned_use", "owner", "owner_type", "price_zone",
    "levelled", "special_crop", "house_floor_area_m2",
    "approved_on", "requisitioned_on", "banked_on", "supplied_on", "agreed_start_on",
    "delivered_on", "started_on", "completed_on", "operating_on",
    "supply_method", "land_price", "planned_investment", "actual_investment",
    "planned_floor_area_m2", "floor_area_m2", "high_floor_area_m2", "building_footprint_m2",
    "structure_footprint_m2", "open_storage_m2", "admin_living_area_m2", "developed_area_m2",
    "annual_tax", "annual_output", "suspended_since", "government_cause",
    "government_cause_note", "disposal", "disposal_on", "disposal_note",
)
QUANTITY_FIELDS = PLOT_FIELDS[PLOT_FIELDS.index("planned_investment"):
                              PLOT_FIELDS.index("suspended_since")]
PROJECT_STAGES = ("negotiating", "signed", "land_supplied", "started", "completed", "operating")
MILESTONES = PROJECT_STAGES[1:]
# the plot stage a project's plots are in once the project reaches a stage
PLOT_STAGE_OF_PROJECT = {"land_supplied": 5, "started": 6, "completed": 7, "operating": 8}


def day(text: str) -> int:
    """Days since 1970-01-01: dates are plain ints while generating."""
    return (date.fromisoformat(text) - EPOCH).days


def iso(days: int | None) -> str | None:
    return None if days is None else (EPOCH + timedelta(days=int(days))).isoformat()


def cn_date(days: int) -> str:
    d = EPOCH + timedelta(days=int(days))
    return f"{d.year}年{d.month}月{d.day}日"


TODAY = day("2026-11-22")  # the demo's evaluation date
FIRST_DAY = day("2012-01-01")
LAST_DAY = day("2026-10-31")  # no recorded event is later than this

# The window of the last event of a plot at each stage that no rule should flag.
HEALTHY_WINDOW = {
    1: ("2019-01-01", "2026-10-31"), 2: ("2020-01-01", "2026-10-31"),
    3: ("2019-06-01", "2026-10-31"), 4: ("2025-11-01", "2026-10-31"),
    5: ("2025-12-01", "2026-10-31"), 6: ("2024-06-01", "2026-10-31"),
    7: ("2024-01-01", "2026-10-31"), 8: ("2013-06-01", "2026-06-30"),
}
# days from the previous recorded event to this one
GAP_BEFORE = {
    "requisitioned_on": (60, 500), "banked_on": (30, 300), "supplied_on": (20, 500),
    "delivered_on": (0, 150), "started_on": (10, 200), "completed_on": (300, 900),
    "operating_on": (20, 240),
}

FARM_CLASSES = (("0101", 0.34), ("0103", 0.24), ("0201", 0.08), ("0301", 0.05),
                ("1104", 0.11), ("0702", 0.10), ("1202", 0.08))
STATE_CLASSES = (("1206", 0.55), ("0601", 0.30), ("0602", 0.15))
SPECIAL_CROP_CHANCE = {"0201": 0.6, "1104": 0.35, "0301": 0.2, "0101": 0.12, "0103": 0.12}
MIN_PLOT_RATIO = {  # DESIGN §4.3, by GB/T 4754 division
    **dict.fromkeys(("13", "14", "15", "16", "18", "19", "24", "30", "40", "41", "42"), 1.0),
    **dict.fromkeys(("17", "20", "21", "22", "23", "28", "29"), 0.8),
    **dict.fromkeys(("27", "31", "34", "35", "36", "37", "39", "43"), 0.7),
    **dict.fromkeys(("26", "32", "33"), 0.6), "25": 0.5,
}
# The table above numbers divisions by GB/T 4754-2002; projects carry 2017 codes, which
# from 29 on are renumbered (DESIGN §4.3; sql function industry_division_2002).
DIVISION_2002 = {"30": "31", "31": "32", "32": "33", "33": "34", "34": "35", "35": "36",
                 "36": "37", "37": "37", "38": "39", "39": "40", "40": "41", "41": "42",
                 "42": "43", "43": "35"}


def min_plot_ratio(industry: str | None) -> float:
    """The minimum plot ratio of a GB/T 4754-2017 industry code (1.0 when unknown)."""
    code = industry or "13"
    division = "30" if code.startswith("292") else DIVISION_2002.get(code[:2], code[:2])
    return MIN_PLOT_RATIO.get(division, 1.0)

LEADERS = ("李卫国", "周建新", "刘志勇", "彭立军", "胡海燕", "谭国庆")
OFFICIALS = ("易小平", "谭晓峰", "陈敏", "何俊", "罗婷", "汤志华", "任杰", "黎明辉", "方芳")
# responsible units (责任单位) of the 点将台, by the project's number (no random draw)
UNITS = ("招商合作局", "经济发展局", "规划建设局", "自然资源分局", "食品产业园办", "电子产业园办")

# ---------------------------------------------------------------------------------------
# Random draws
# ---------------------------------------------------------------------------------------


class Draws:
    """A plot's (or project's) own stream of uniform numbers, pre-drawn in bulk.

    Pre-drawing keeps per-plot Python code cheap at 100 000 plots and makes each
    plot's values independent of how many numbers other plots consumed.
    """

    __slots__ = ("_u", "_i")

    def __init__(self, u: np.ndarray):
        self._u = u
        self._i = 0

    def __call__(self, lo: float = 0.0, hi: float = 1.0) -> float:
        v = float(self._u[self._i % len(self._u)])
        self._i += 1
        return lo + v * (hi - lo)

    def days(self, lo: int | str, hi: int | str) -> int:
        lo = day(lo) if isinstance(lo, str) else lo
        hi = day(hi) if isinstance(hi, str) else hi
        return int(self(lo, hi + 0.999))

    def pick(self, options):
        return options[min(int(self(0, len(options))), len(options) - 1)]

    def weighted(self, pairs):
        x, acc = self(), 0.0
        for value, weight in pairs:
            acc += weight
            if x < acc:
                return value
        return pairs[-1][0]


# ---------------------------------------------------------------------------------------
# Plane geometry in the park's local frame (metres)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    """A straight road centreline, or the park's red line when ``name`` is None."""

    x: float
    y: float
    dx: float
    dy: float
    name: str | None = None
    width: float = 0.0
    cls: str = "branch"
    setback: float = 0.0


def ns_line(x: float, skew: float = 0.0, **kw) -> Line:
    """A north-south line through (x, 0), leaning ``skew`` metres east per metre north."""
    n = math.hypot(skew, 1.0)
    return Line(x, 0.0, skew / n, 1.0 / n, **kw)


def ew_line(y: float, tilt: float = 0.0, **kw) -> Line:
    """An east-west line through (0, y), rising ``tilt`` metres north per metre east."""
    n = math.hypot(1.0, tilt)
    return Line(0.0, y, 1.0 / n, tilt / n, **kw)


def intersect(a: Line, b: Line) -> tuple[float, float]:
    det = b.dx * a.dy - a.dx * b.dy
    t = (b.dx * (b.y - a.y) - (b.x - a.x) * b.dy) / det
    return a.x + t * a.dx, a.y + t * a.dy


def offset_toward(line: Line, dist: float, px: float, py: float) -> Line:
    nx, ny = -line.dy, line.dx
    if (px - line.x) * nx + (py - line.y) * ny < 0:
        nx, ny = -nx, -ny
    return replace(line, x=line.x + dist * nx, y=line.y + dist * ny)


def half_plane(line: Line, px: float, py: float, size: float = 1e6) -> Polygon:
    """The (large) half plane on the side of ``line`` that holds (px, py)."""
    far = offset_toward(line, size, px, py)
    pts = [(ln.x + s * ln.dx, ln.y + s * ln.dy) for ln, s in
           ((line, -size), (line, size), (far, size), (far, -size))]
    return Polygon(pts)


def bilinear(quad: np.ndarray, u, w: float) -> np.ndarray:
    """Points P(u, w) of the bilinear patch A,B,C,D; iso-w lines are straight segments."""
    lo = (1.0 - w) * quad[0] + w * quad[3]
    hi = (1.0 - w) * quad[1] + w * quad[2]
    u = np.asarray(u, dtype=float)[:, None]
    return (1.0 - u) * lo + u * hi


def quad_areas(p0, p1, p2, p3) -> np.ndarray:
    """Shoelace areas of quadrilaterals given as four (n, 2) corner arrays."""
    pts = (p0, p1, p2, p3)
    s = sum(pts[i][:, 0] * pts[(i + 1) % 4][:, 1] - pts[(i + 1) % 4][:, 0] * pts[i][:, 1]
            for i in range(4))
    return np.abs(s) / 2.0


class Frame:
    """Local metres -> rotated -> the park's GK zone -> CGCS2000 lon/lat."""

    def __init__(self, lon: float, lat: float, rotation_deg: float):
        zone = round(lon / 3)
        self.epsg = 4534 + zone - 25
        self.from_ll = Transformer.from_crs("EPSG:4490", f"EPSG:{self.epsg}", always_xy=True)
        self.e0, self.n0 = self.from_ll.transform(lon, lat)
        self.to_ll = Transformer.from_crs(f"EPSG:{self.epsg}", "EPSG:4490", always_xy=True)
        a = math.radians(rotation_deg)
        self.cos, self.sin = math.cos(a), math.sin(a)

    def gk(self, xy: np.ndarray) -> np.ndarray:
        x, y = xy[:, 0], xy[:, 1]
        return np.column_stack([self.e0 + x * self.cos - y * self.sin,
                                self.n0 + x * self.sin + y * self.cos])

    def lonlat(self, xy: np.ndarray) -> np.ndarray:
        g = self.gk(xy)
        lon, lat = self.to_ll.transform(g[:, 0], g[:, 1])
        return np.round(np.column_stack([lon, lat]), 8)

    def to_lonlat(self, geoms):
        return shapely.transform(geoms, self.lonlat)

    def lonlat_to_gk(self, geoms):
        """Output geometry back in the GK plane: what a reader of the files computes with."""
        return shapely.transform(
            geoms, lambda c: np.column_stack(self.from_ll.transform(c[:, 0], c[:, 1])))


# ---------------------------------------------------------------------------------------
# Park plans: the demo park and generic grid parks
# ---------------------------------------------------------------------------------------


@dataclass
class ZoneSpec:
    code: str
    prefix: str
    name: str
    name_en: str
    industries: tuple[str, ...]
    polygon: Polygon | None = None
    codes4: tuple[str, ...] = ()  # four-digit industries projects in the zone may have


@dataclass
class Section:
    """A road between two consecutive crossings, with the blocks on its two sides."""

    road: Line
    a: tuple[float, float]
    b: tuple[float, float]
    neighbours: tuple[tuple[int, int], ...]
    ends: tuple[str, str]
    name: str = ""
    status: str = "in_service"
    completion: int | None = None


@dataclass
class ProjectSpec:
    name: str
    company: str
    industry: str
    zone: str
    stage: str
    since: str | None  # when the current stage was reached
    n_plots: int
    tags: tuple[str, ...] = ()
    story: str = "on_track"
    plot_stage: int | None = None  # for projects not yet supplied with land
    conflict_use: str | None = None  # planned use given to one plot: a use conflict


class Plan:
    """What differs between parks; the machinery below is shared."""

    code: str
    name: str
    name_en: str
    centre: tuple[float, float]
    rotation: float
    verticals: list[Line]
    horizontals: list[Line]
    gap_bands: frozenset[int] = frozenset()
    zones: list[ZoneSpec]
    villages: list[tuple[str, float, float]]
    state_land: list[tuple[float, float, float]]  # circles (x, y, r)
    price_lines: tuple[Line, Line]
    price_points: tuple[tuple[float, float], tuple[float, float]]
    price_factor: float = 1.0
    n_plots: int
    counts: dict[str, int]

    def zone_of(self, col: int, band: int) -> str:
        raise NotImplementedError

    def maturity(self, col: int, band: int, x: float, y: float, dr: Draws) -> float:
        raise NotImplementedError

    def planned_use(self, zone: str, col: int, band: int, dr: Draws) -> str:
        raise NotImplementedError

    def road_status(self, s: Section, dr: Draws) -> tuple[str, str, int | None]:
        raise NotImplementedError

    def section_networks(self, s: Section, dr: Draws) -> list[tuple]:
        raise NotImplementedError

    def facilities(self) -> list[tuple]:
        return []

    def project_specs(self, rng: np.random.Generator) -> list[ProjectSpec]:
        raise NotImplementedError

    def zone_spec(self, code: str) -> ZoneSpec:
        return next(z for z in self.zones if z.code == code)

    def extent(self) -> Polygon:
        v, h = self.verticals, self.horizontals
        return Polygon([intersect(v[0], h[0]), intersect(v[-1], h[0]),
                        intersect(v[-1], h[-1]), intersect(v[0], h[-1])])


def quad_between(west: Line, east: Line, south: Line, north: Line) -> Polygon:
    return Polygon([intersect(west, south), intersect(east, south),
                    intersect(east, north), intersect(west, north)])


def in_service() -> tuple[str, None]:
    return "in_service", None


def planned(on: str) -> tuple[str, int]:
    return "planned", day(on)


def building(on: str) -> tuple[str, int]:
    return "under_construction", day(on)


# (utility, subtype, label, offset as a share of the half width)
UTILITIES = {
    "water": ("water", "main", "给水管", 0.55),
    "sewage": ("drainage", "sewage", "污水管", -0.25),
    "storm": ("drainage", "storm", "雨水管", 0.25),
    "power": ("power", "10kV", "10kV电力线路", -0.85),
    "telecom": ("telecom", "duct", "通信管道", -0.6),
    "gas": ("gas", "medium_pressure", "中压燃气管", 0.8),
    "heat": ("heat", "steam", "蒸汽管", 0.95),
}
PIPE_SIZES = {"water": ("DN", (200, 300, 400)), "sewage": ("d", (400, 500, 600)),
              "storm": ("d", (800, 1000, 1200)), "gas": ("DN", (160, 200)),
              "heat": ("DN", (200, 250, 300))}


class DemoPlan(Plan):
    """君山产业园区: the seeds' south zone and north zone (food west, electronics east)."""

    code, name, name_en = "JSCY", "君山产业园区", "Junshan Industrial Park"
    centre = (113.0, 29.45)
    rotation = 8.0
    gap_bands = frozenset({3})
    ROAD_STATUS = {  # name -> rule(col, band) giving (display name, status, completion)
        "富岗路": lambda c, b: ("富岗路二期", *planned("2027-12-31")) if c >= 4 else None,
        "建业北路": lambda c, b: ("建业北路", *building("2026-12-31")) if b >= 5 else None,
        "杨树路": lambda c, b: ("杨树路", *building("2027-06-30")) if c >= 3 else None,
        "广兴路": lambda c, b: ("广兴路东段", *planned("2027-10-31")) if c >= 3 else None,
        "兴园路": lambda c, b: (("兴园路", *building("2027-03-31")) if c <= 2
                                else ("兴园路东段", *planned("2028-06-30"))),
        "创业路": lambda c, b: ("创业路北段", *planned("2028-06-30")) if b >= 4 else None,
    }
    # utility -> region -> status; None: no such network there
    NETWORK_RULES = {
        "water": {"S": in_service(), "NW": in_service(), "GAP": in_service(),
                  "NE": building("2026-12-31"), "S_OUT": in_service(),
                  "N_OUT": planned("2027-09-30")},
        "sewage": {"S": in_service(), "NW": in_service(), "GAP": in_service(),
                   "NE": planned("2027-06-30"), "S_OUT": planned("2027-06-30"), "N_OUT": None},
        "storm": {"S": in_service(), "NW": in_service(), "GAP": None,
                  "NE": planned("2027-06-30"), "S_OUT": in_service(),
                  "N_OUT": planned("2028-06-30")},
        "power": {"S": in_service(), "NW": in_service(), "GAP": in_service(),
                  "NE": building("2027-03-31"), "S_OUT": in_service(),
                  "N_OUT": planned("2027-12-31")},
        "telecom": {"S": in_service(), "NW": in_service(), "GAP": None,
                    "NE": planned("2027-06-30"), "S_OUT": None, "N_OUT": None},
    }
    GAS_ROADS = {"富岗路", "柳毅路", "荆江大道", "白杨路", "君山大道", "广兴路"}
    HEAT_ROADS = {"白杨路", "柳毅路", "丁家路", "洞庭大道"}
    REGION_ORDER = ("S", "NW", "GAP", "NE", "S_OUT", "N_OUT")

    def __init__(self, n_plots: int = DEMO_PLOTS):
        self.n_plots = n_plots
        b = {"name": None}
        self.verticals = [
            ns_line(-1700, 0.01, **b),
            ns_line(-1400, 0.02, name="洞庭大道", width=50, cls="arterial", setback=8),
            ns_line(-700, 0.012, name="柳毅路", width=30, cls="secondary", setback=5),
            ns_line(0, -0.015, name="荆江大道", width=50, cls="arterial", setback=8),
            ns_line(700, 0.0, name="建业北路", width=30, cls="secondary", setback=5),
            ns_line(1400, 0.02, name="创业路", width=24, cls="secondary", setback=5),
            ns_line(1690, 0.03, **b),
        ]
        self.horizontals = [
            ew_line(-1760, 0.02, **b),
            ew_line(-1500, 0.012, name="富岗路", width=32, cls="secondary", setback=5),
            ew_line(-1080, 0.01, name="白杨路", width=20, cls="branch", setback=3),
            ew_line(-660, 0.0, name="丁家路", width=20, cls="branch", setback=3),
            ew_line(-120, -0.01, name="杨树路", width=30, cls="secondary", setback=5),
            ew_line(300, 0.0, name="广兴路", width=24, cls="secondary", setback=5),
            ew_line(720, 0.015, name="君山大道", width=40, cls="arterial", setback=8),
            ew_line(1140, 0.01, name="兴园路", width=16, cls="branch", setback=3),
            ew_line(1400, -0.01, **b),
        ]
        v, h = self.verticals, self.horizontals
        dingjia_north = offset_toward(h[3], h[3].width / 2, 0, 0)
        yangshu_south = offset_toward(h[4], h[4].width / 2, 0, -400)
        self.zones = [
            ZoneSpec("SQ", "SQ", "南片区综合产业园",
                     "South zone: mixed manufacturing and logistics",
                     ("13", "14", "15", "17", "18", "19", "20", "21", "22", "26", "27", "29",
                      "30", "33", "34", "35", "38", "59"),
                     quad_between(v[0], v[-1], h[0], dingjia_north)),
            ZoneSpec("NQ-W", "NQ", "北片区食品产业园", "North zone food park (west of 荆江大道)",
                     ("13", "14", "15"), quad_between(v[0], v[3], yangshu_south, h[-1])),
            ZoneSpec("NQ-E", "NQ", "北片区电子信息产业园",
                     "North zone electronics park (east of 荆江大道)",
                     ("38", "39", "40"), quad_between(v[3], v[-1], yangshu_south, h[-1])),
        ]
        self.villages = [
            ("君山区柳林洲街道新华村村民委员会", -1300, -1500),
            ("君山区柳林洲街道濠河村村民委员会", 900, -1600),
            ("君山区柳林洲街道荆江门村村民委员会", -200, -900),
            ("君山区许市镇华龙村村民委员会", -1300, 200),
            ("君山区许市镇湖滨村村民委员会", -500, 1100),
            ("君山区许市镇东港村村民委员会", 900, 200),
            ("君山区许市镇三角坪村村民委员会", 1300, 1200),
        ]
        self.state_land = [(-1050, -1300, 380), (1000, -900, 260)]  # 原国营农场、砖厂用地
        self.price_lines = (
            Line(-2100, -900, *unit(4200, 650)), Line(350, -300, *unit(300, 2200)))
        self.price_points = ((0, -1700), (-1000, 1000))
        self.counts = {"l_shape": 9, "hole": 6, "ditch": 4, "idle_a": 5, "reclaim": 4,
                       "warn_1y": 4, "warn_2y": 2, "exempt": 5, "disposed": 5, "idle_b": 5,
                       "suspended_recently": 2, "old_unsupplied": 6, "low_efficiency": 10,
                       "commercial": 3, "green": 3, "standard_factory": 4}

    @staticmethod
    def region(col: int, band: int) -> str:
        if band == 3:
            return "GAP"
        if band <= 2:
            return "S" if band >= 1 and 1 <= col <= 4 else "S_OUT"
        if band == 7 or col in (0, 5):
            return "N_OUT"
        return "NW" if col <= 2 else "NE"

    def zone_of(self, col: int, band: int) -> str:
        if band <= 2:
            return "SQ"
        return "NQ-W" if col <= 2 else "NQ-E"

    def maturity(self, col, band, x, y, dr) -> float:
        ranges = {"S": (6.3, 9.3), "S_OUT": (2.5, 5.5), "NW": (5.0, 8.8), "NE": (2.0, 6.5),
                  "N_OUT": (0.0, 3.0)}
        return dr(*ranges[self.region(col, band)])

    def planned_use(self, zone, col, band, dr) -> str:
        if zone == "SQ" and band == 1 and col in (3, 4):
            return "110101" if dr() < 0.8 else "100102"  # 华南仓储物流 and friends
        if zone == "SQ":
            return "100102" if dr() < 0.55 else "100101"
        return "100101" if dr() < 0.85 else "100102"

    def road_status(self, s, dr):
        rule = self.ROAD_STATUS.get(s.road.name)
        col, band = s.neighbours[-1]
        found = rule(col, band) if rule else None
        return found or (s.road.name, "in_service", None)

    def section_region(self, s: Section) -> str:
        regions = {self.region(c, b) for c, b in s.neighbours}
        return next(r for r in self.REGION_ORDER if r in regions)

    def section_networks(self, s, dr):
        region = self.section_region(s)
        out = [(key, *rule[region]) for key, rule in self.NETWORK_RULES.items()
               if rule[region] is not None and not (key == "telecom" and s.road.cls == "branch")]
        if s.road.name in self.GAS_ROADS and region in ("S", "NW", "GAP"):
            out.append(("gas", *in_service()))
        elif s.road.name == "君山大道" and region == "NE":
            out.append(("gas", *planned("2028-06-30")))
        if s.road.name in self.HEAT_ROADS and region == "S":
            out.append(("heat", *in_service()))  # 园区集中供热, built 2017
        elif s.road.name in ("杨树路", "荆江大道") and region == "NW":
            out.append(("heat", *planned("2027-10-31")))
        return out

    def facilities(self):
        v, h = self.verticals, self.horizontals
        jx, jy = intersect(v[3], h[3])
        lx, ly = intersect(v[2], h[3])
        ex, ey = intersect(v[4], h[4])
        fx, fy = intersect(v[3], h[1])
        return [
            ("power", "substation", "君山110kV变电站", "in_service", None,
             Point(jx + 60, jy + 140)),
            ("power", "substation", "北区110kV变电站", "planned", day("2027-12-31"),
             Point(ex + 90, ey - 120)),
            ("drainage", "pump_station", "南片区污水提升泵站", "in_service", None,
             Point(lx - 70, ly + 90)),
            ("power", "110kV", "君山变—北区变110kV线路", "planned", day("2027-12-31"),
             LineString([(jx + 60, jy + 140), (ex - 10, ey - 120), (ex + 90, ey - 120)])),
            ("water", "main", "南片区给水干管（水厂进线）", "in_service", None,
             LineString([(fx + 20, fy - 600), (fx + 20, fy)])),
        ]

    def project_specs(self, rng):
        return [ProjectSpec(*row[:8], **(row[8] if len(row) > 8 else {}))
                for row in DEMO_PROJECTS]


def unit(dx: float, dy: float) -> tuple[float, float]:
    n = math.hypot(dx, dy)
    return dx / n, dy / n


# name, company, industry, zone, stage, since (current stage reached), plots, tags, extras
DEMO_PROJECTS = (
    ("童记三利和总部", "岳阳童记三利和食品有限公司", "1419", "NQ-W", "operating", "2016-09-18", 2,
     ("municipal_key",)),
    ("兴蒙生物一期", "岳阳兴蒙生物科技有限公司", "1495", "NQ-W", "operating", "2017-06-28", 1,
     ("district_key",)),
    ("吉兴通电子一期", "岳阳吉兴通电子有限公司", "3982", "NQ-E", "operating", "2018-03-15", 2,
     ("municipal_key",)),
    ("大农米业", "岳阳大农米业有限公司", "1311", "NQ-W", "operating", "2018-05-20", 2,
     ("district_key",)),
    ("吉兴通电子二期", "岳阳吉兴通电子有限公司", "3982", "NQ-E", "operating", "2019-10-25", 2,
     ("municipal_key",)),
    ("华南仓储物流", "岳阳华南仓储物流有限公司", "5920", "SQ", "operating", "2019-07-01", 3,
     ("district_key",)),
    ("爱润食品生产", "岳阳爱润食品有限公司", "1499", "NQ-W", "operating", "2019-04-16", 1, ()),
    ("众厨乐食品", "湖南众厨乐食品有限公司", "1469", "NQ-W", "operating", "2019-11-08", 1, ()),
    ("脱水蔬菜加工", "岳阳绿野脱水蔬菜有限公司", "1371", "SQ", "operating", "2019-09-12", 1, ()),
    ("巧娃食品", "岳阳巧娃食品有限公司", "1419", "NQ-W", "land_supplied", "2022-05-20", 1, (),
     {"story": "disposed"}),
    ("华立丰电子", "岳阳华立丰电子科技有限公司", "3982", "NQ-E", "started", "2025-06-18", 2,
     ("municipal_key",), {"story": "lagging"}),
    ("君胜能源", "岳阳君胜能源科技有限公司", "3825", "SQ", "started", "2023-04-10", 2,
     ("district_key",), {"story": "suspended"}),
    ("莲子深加工", "岳阳洞庭湘莲食品有限公司", "1373", "NQ-W", "completed", "2026-08-30", 1, ()),
    ("康之源生物", "岳阳康之源生物科技有限公司", "1492", "NQ-W", "operating", "2020-06-18", 1, ()),
    ("口水娃食品", "湖南口水娃食品有限公司", "1439", "NQ-W", "started", "2026-03-18", 2,
     ("municipal_key",), {"conflict_use": "1401"}),
    ("天香中药饮片", "岳阳天香中药饮片有限公司", "2730", "SQ", "operating", "2020-11-02", 1, ()),
    ("创意欣电子", "岳阳创意欣电子有限公司", "3989", "NQ-E", "operating", "2020-08-20", 1, (),
     {"story": "low_ratio"}),
    ("雅美时电子", "岳阳雅美时电子科技有限公司", "3984", "NQ-E", "completed", "2026-05-26", 1, (),
     {"story": "late"}),
    ("佳顺风味休闲食品", "岳阳佳顺食品有限公司", "1431", "NQ-W", "operating", "2021-03-26", 1, ()),
    # an electronics project west of 荆江大道: the deliberate zoning conflict
    ("劲扬电子", "岳阳劲扬电子有限公司", "3981", "NQ-W", "started", "2025-10-12", 1, ()),
    ("华自新能源储能装备", "湖南华自新能源科技有限公司", "3824", "NQ-E", "signed", "2026-04-28", 3,
     ("provincial_key",), {"plot_stage": 3}),
    ("凯美特气二氧化碳回收", "岳阳凯美特气体有限公司", "2619", "SQ", "negotiating", None, 1, (),
     {"plot_stage": 0}),
    ("南方电梯", "湖南南方电梯有限公司", "3435", "SQ", "land_supplied", "2025-02-10", 2,
     ("municipal_key",), {"story": "idle"}),
    ("猎风户外用品", "岳阳猎风户外用品有限公司", "1811", "SQ", "land_supplied", "2026-08-20", 1,
     ()),
    ("电子包装园", "岳阳君山电子包装科技有限公司", "2231", "SQ", "started", "2026-01-08", 3,
     ("district_key",)),
    ("广恒照明", "岳阳广恒照明科技有限公司", "3872", "NQ-E", "operating", "2023-05-18", 1, ()),
    ("兴蒙生物二期", "岳阳兴蒙生物科技有限公司", "1495", "NQ-W", "started", "2025-12-05", 1,
     ("district_key",)),
    ("新宏食品扩产", "岳阳新宏食品有限公司", "1439", "NQ-W", "land_supplied", "2025-03-15", 1, (),
     {"story": "exempt"}),
    # requisition stalled by special-crop compensation (seed 000): land supply is late
    ("吉兴通电子三期", "岳阳吉兴通电子有限公司", "3982", "NQ-E", "signed", "2025-11-20", 2,
     ("municipal_key",), {"story": "late", "plot_stage": 1}),
    ("正源食品冷链加工", "岳阳正源食品有限公司", "1432", "NQ-W", "negotiating", None, 1, (),
     {"plot_stage": 1}),
)

CITIES = (("苏州", "Suzhou", 120.75, 31.28), ("成都", "Chengdu", 104.18, 30.45),
          ("郑州", "Zhengzhou", 113.80, 34.70), ("沈阳", "Shenyang", 123.55, 41.72),
          ("西安", "Xi'an", 109.05, 34.25), ("南宁", "Nanning", 108.45, 22.75),
          ("合肥", "Hefei", 117.35, 31.75), ("昆明", "Kunming", 102.90, 24.95),
          ("长春", "Changchun", 125.45, 43.80), ("兰州", "Lanzhou", 103.95, 36.10),
          ("福州", "Fuzhou", 119.40, 26.02), ("乌鲁木齐", "Urumqi", 87.70, 43.90))
PROFILES = (
    ("食品产业园", "food park", ("13", "14", "15"),
     ("1311", "1371", "1373", "1419", "1431", "1439", "1469", "1499", "1524")),
    ("电子信息产业园", "electronics park", ("38", "39", "40"),
     ("3824", "3872", "3971", "3982", "3984", "3989", "4011")),
    ("装备制造产业园", "equipment manufacturing park", ("33", "34", "35", "36", "37"),
     ("3311", "3435", "3511", "3599", "3670")),
    ("生物医药产业园", "biomedicine park", ("26", "27", "28", "29"),
     ("2619", "2710", "2730", "2761", "2929")),
    ("综合产业及物流园", "mixed industry and logistics park",
     ("17", "18", "19", "20", "21", "22", "30", "59"),
     ("1811", "2110", "2231", "3021", "5920", "5930")),
)
ARTERIAL_NAMES = ("兴业", "创新", "发展", "高新", "科技", "开元", "振兴", "长江", "黄河",
                  "迎宾", "富民", "望江")
VILLAGE_WORDS = ("新民", "红星", "光明", "永丰", "太平", "建设", "东升", "和平", "团结",
                 "联合", "长兴", "白沙", "石桥", "胜利", "群英", "金星")
TOWN_WORDS = ("城关", "新城", "河口", "马桥", "青山", "金塘", "柳塘", "花园")
FIRM_WORDS = ("华信", "金盛", "宏达", "天润", "恒通", "瑞丰", "博源", "中科", "远航", "嘉禾",
              "鑫鹏", "进利", "国泰", "正源", "新宏", "楚天", "湘源", "巴陵", "洞庭", "德利")
CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    if rest == 0:
        return CN_DIGITS[hundreds] + "百"
    if rest < 10:
        return CN_DIGITS[hundreds] + "百零" + CN_DIGITS[rest]
    return CN_DIGITS[hundreds] + "百" + (cn_number(rest) if rest >= 20 else "一" + cn_number(rest))


def zone_prefix(index: int) -> str:
    return chr(65 + index // 26 % 26) + chr(65 + index % 26)


class GridPlan(Plan):
    """A generic benchmark park: a grid of 经/纬 roads sized to its plot count."""

    COL, BAND, OUTER = 720.0, 430.0, 300.0
    TILE = (9, 11)  # blocks per zone across and up: at most 99 blocks, two-digit numbers

    def __init__(self, index: int, n_plots: int, rng: np.random.Generator):
        city, city_en, lon, lat = CITIES[index % len(CITIES)]
        shift = index // len(CITIES)  # more parks than cities: move east
        self.code, self.city = f"P{index + 1:03d}", city
        self.name = f"{city}{cn_number(index + 1)}号产业园区"
        self.name_en = f"{city_en} industrial park no. {index + 1} (benchmark)"
        self.centre = (round(lon + 0.35 * shift, 4), lat)
        self.rotation = float(rng.uniform(-12, 12))
        self.n_plots = n_plots
        blocks = n_plots * 22 * MU / ((self.COL - 40) * (self.BAND - 32))
        n_cols = max(2, round(math.sqrt(blocks * self.BAND / self.COL)))
        n_bands = max(2, math.ceil(blocks / n_cols))
        self.verticals = self._lines(n_cols, self.COL, "经", ns_line, rng)
        self.horizontals = self._lines(n_bands, self.BAND, "纬", ew_line, rng)
        self._size = (n_cols * self.COL / 2 + self.OUTER, n_bands * self.BAND / 2 + self.OUTER)
        self._make_zones(rng)
        self._make_owners(rng, city)
        w, h = self._size
        self.price_lines = (Line(-w, -0.2 * h, *unit(2 * w, 0.25 * h)),
                            Line(0.2 * w, -0.2 * h, *unit(0.2 * w, 1.2 * h)))
        self.price_points = ((0, -h), (-w, h))
        self.price_factor = round(float(rng.uniform(0.8, 1.8)), 2)
        frac = {"l_shape": 0.02, "hole": 0.004, "ditch": 0.003, "idle_a": 0.008,
                "reclaim": 0.005, "warn_1y": 0.004, "warn_2y": 0.002, "exempt": 0.004,
                "disposed": 0.005, "idle_b": 0.005, "suspended_recently": 0.002,
                "old_unsupplied": 0.01, "low_efficiency": 0.03, "commercial": 0.01,
                "green": 0.01, "standard_factory": 0.005}
        self.counts = {k: max(1, round(f * n_plots)) for k, f in frac.items()}
        self.road_shift = {}

    def _lines(self, n, spacing, word, make, rng) -> list[Line]:
        half = n * spacing / 2
        lines = [make(-half - self.OUTER, float(rng.uniform(-0.01, 0.01)))]
        for i in range(n + 1):
            pos = -half + i * spacing + float(rng.uniform(-30, 30))
            skew = float(rng.uniform(-0.012, 0.012))
            if i % 4 == 2:
                k = i // 4 + (len(ARTERIAL_NAMES) // 2 if word == "纬" else 0)
                kw = {"name": ARTERIAL_NAMES[k % len(ARTERIAL_NAMES)] + "大道"
                      + ("" if i < 2 * len(ARTERIAL_NAMES) else cn_number(i)),
                      "width": float(rng.choice((40, 50))), "cls": "arterial", "setback": 8}
            elif i % 2:
                kw = {"name": f"{word}{cn_number(i + 1)}路", "width": float(rng.choice((16, 20))),
                      "cls": "branch", "setback": 3}
            else:
                kw = {"name": f"{word}{cn_number(i + 1)}路", "width": float(rng.choice((24, 32))),
                      "cls": "secondary", "setback": 5}
            lines.append(make(pos, skew, **kw))
        lines.append(make(half + self.OUTER, float(rng.uniform(-0.01, 0.01))))
        return lines

    def _make_zones(self, rng) -> None:
        n_cols, n_bands = len(self.verticals) - 1, len(self.horizontals) - 1
        tc, tb = self.TILE
        self.zones, self._zone_grid = [], {}
        for zb in range(math.ceil(n_bands / tb)):
            for zc in range(math.ceil(n_cols / tc)):
                i = len(self.zones)
                profile = PROFILES[int(rng.integers(len(PROFILES)))]
                c0, c1 = zc * tc, min((zc + 1) * tc, n_cols)
                b0, b1 = zb * tb, min((zb + 1) * tb, n_bands)
                prefix = zone_prefix(i)
                self.zones.append(ZoneSpec(
                    prefix, prefix, f"{prefix}片区{profile[0]}", f"Zone {prefix} {profile[1]}",
                    profile[2], quad_between(self.verticals[c0], self.verticals[c1],
                                             self.horizontals[b0], self.horizontals[b1]),
                    profile[3]))
                self._zone_grid[(zc, zb)] = prefix

    def _make_owners(self, rng, city) -> None:
        w, h = self._size
        towns = rng.permutation(len(TOWN_WORDS))
        words = rng.permutation(len(VILLAGE_WORDS))
        self.villages = [
            (f"{city}市{TOWN_WORDS[towns[i % 3]]}镇{VILLAGE_WORDS[words[i]]}村村民委员会",
             float(rng.uniform(-w, w)), float(rng.uniform(-h, h))) for i in range(8)]
        self.state_land = [(float(rng.uniform(-w, w) * 0.7), float(rng.uniform(-h, h) * 0.7),
                            0.18 * min(w, h) + 200) for _ in range(3)]

    def zone_of(self, col, band):
        return self._zone_grid[(col // self.TILE[0], band // self.TILE[1])]

    def _radius(self, x, y) -> float:
        w, h = self._size
        return math.hypot(x / w, y / h) / math.sqrt(2) * 1.3

    def maturity(self, col, band, x, y, dr):
        return 10.0 - 9.0 * self._radius(x, y) + dr(-1.2, 1.2)

    def planned_use(self, zone, col, band, dr):
        if "59" in self.zone_spec(zone).industries and dr() < 0.3:
            return "110101"
        return "100101" if dr() < 0.7 else "100102"

    def road_status(self, s, dr):
        shift = self.road_shift.setdefault(s.road.name, dr(-0.06, 0.06))
        r = self._radius(*np.mean([s.a, s.b], axis=0)) + shift
        if r > 0.95:
            return s.road.name, "planned", quarter_end(dr.days("2027-03-01", "2028-12-31"))
        if r > 0.85:
            return s.road.name, "under_construction", quarter_end(
                dr.days("2026-12-01", "2027-09-30"))
        return s.road.name, "in_service", None

    def section_networks(self, s, dr):
        x, y = np.mean([s.a, s.b], axis=0)
        r = self._radius(x, y)
        out = []
        for key, reach in (("water", 0.85), ("power", 0.85), ("sewage", 0.75),
                           ("telecom", 0.7), ("storm", 0.65)):
            if key == "storm" and s.road.dx < 0.5:  # storm sewers only on east-west roads
                continue
            out.append(self._status(key, r, reach, dr))
        if x > 0:
            out.append(self._status("gas", r, 0.65, dr))
        if x > 0 and y > 0:
            out.append(self._status("heat", r, 0.55, dr))
        return [o for o in out if o is not None]

    @staticmethod
    def _status(key, r, reach, dr):
        if r < reach:
            return key, *in_service()
        if r < reach + 0.12:
            return key, "under_construction", quarter_end(dr.days("2026-12-01", "2027-12-31"))
        if r < reach + 0.3:
            return key, "planned", quarter_end(dr.days("2027-03-01", "2028-12-31"))
        return None

    def facilities(self):
        v, h = self.verticals, self.horizontals
        out = []
        for i, (vi, hi) in enumerate(((len(v) // 2, len(h) // 2), (len(v) // 4, len(h) // 4))):
            if 0 < vi < len(v) - 1 and 0 < hi < len(h) - 1:
                x, y = intersect(v[vi], h[hi])
                status, done = ("in_service", None) if i == 0 else ("planned", day("2027-12-31"))
                out.append(("power", "substation", f"{self.name}{cn_number(i + 1)}号110kV变电站",
                            status, done, Point(x + 18, y + 18)))
        return out

    def project_specs(self, rng):
        total = sum(z.polygon.area for z in self.zones)
        zones = [(z, z.polygon.area / total) for z in self.zones]  # room grows with area
        return [self._project(i, zones, Draws(rng.random(16)))
                for i in range(max(3, self.n_plots // 25))]

    def _project(self, i: int, zones, dr: Draws) -> ProjectSpec:
        zone = dr.weighted(zones)
        industry = dr.pick(zone.codes4)
        stage = dr.weighted(GRID_PROJECT_STAGES)
        story = dr.weighted(GRID_STORIES.get(stage, (("on_track", 1.0),)))
        window = grid_since(stage, story)
        firm, noun = dr.pick(FIRM_WORDS) + dr.pick(FIRM_WORDS), industry_noun(industry)
        tags = ((dr.pick(("provincial_key", "municipal_key", "district_key")),)
                if dr() < 0.3 else ())
        return ProjectSpec(
            f"{firm}{noun}项目{i + 1}", f"{self.city}{firm}{noun}有限公司", industry, zone.code,
            stage, iso(dr.days(*window)) if window else None, 1 + int(dr(0, 3)), tags, story,
            plot_stage=int(dr(0, 4)) if stage in ("signed", "negotiating") else None)


GRID_PROJECT_STAGES = (("operating", 0.35), ("started", 0.2), ("completed", 0.08),
                       ("land_supplied", 0.12), ("signed", 0.15), ("negotiating", 0.1))
GRID_STORIES = {
    "started": (("on_track", 0.7), ("lagging", 0.12), ("suspended", 0.08), ("late", 0.1)),
    "land_supplied": (("on_track", 0.6), ("idle", 0.25), ("exempt", 0.15)),
    "completed": (("on_track", 0.8), ("late", 0.2)),
    "signed": (("on_track", 0.8), ("late", 0.2)),
}


def grid_since(stage: str, story: str) -> tuple[str, str] | None:
    """When a generic project reached its stage; troubled ones got there long ago."""
    if stage == "started":
        stalled_long = story == "suspended"
        return ("2023-01-01", "2026-09-30") if stalled_long else ("2025-03-01", "2026-10-31")
    if stage == "land_supplied":
        overdue = story != "on_track"
        return ("2023-01-01", "2025-06-30") if overdue else ("2026-05-20", "2026-10-31")
    return {"operating": ("2016-01-01", "2026-06-30"), "completed": ("2025-06-01", "2026-10-31"),
            "signed": ("2025-06-01", "2026-10-31")}.get(stage)


def industry_noun(code: str) -> str:
    return {"13": "农产品加工", "14": "食品", "15": "饮料", "17": "纺织", "18": "服饰",
            "19": "皮革", "20": "木业", "21": "家具", "22": "包装", "26": "化工", "27": "药业",
            "28": "新材料", "29": "塑胶", "30": "建材", "33": "金属制品", "34": "机械",
            "35": "装备", "36": "汽车零部件", "37": "装备", "38": "电气", "39": "电子",
            "40": "仪器", "59": "仓储物流"}.get(code[:2], "科技")


def quarter_end(days: int) -> int:
    d = EPOCH + timedelta(days=days)
    month = (d.month - 1) // 3 * 3 + 3
    return (date(d.year, month, 30 if month in (6, 9) else 31) - EPOCH).days


# ---------------------------------------------------------------------------------------
# Blocks, rows and plot geometry
# ---------------------------------------------------------------------------------------


@dataclass
class Row:
    wf: float  # the side the row fronts (a road), in block parameter w
    wb: float  # the back: the mid-line shared with the other row, or the far side
    area: float = 0.0
    depth: float = 0.0
    n: int = 0
    uf: np.ndarray | None = None
    ub: np.ndarray | None = None
    l_t: float | None = None  # L-shape: where the corner plot ends, as a share of depth
    holes: dict[int, float] = field(default_factory=dict)  # cell -> hole area (亩)
    ditches: dict[int, tuple[float, float, float, float]] = field(default_factory=dict)


@dataclass
class Block:
    col: int
    band: int
    zone: str
    prefix: str
    quad: np.ndarray  # A, B, C, D of the bilinear patch; u along the long side
    rows: list[Row]
    number: int = 0

    def point(self, u, w) -> np.ndarray:
        return bilinear(self.quad, u, w)


def make_block(plan: Plan, col: int, band: int, dr: Draws) -> Block:
    west, east = plan.verticals[col], plan.verticals[col + 1]
    south, north = plan.horizontals[band], plan.horizontals[band + 1]
    cx, cy = np.mean([intersect(west, south), intersect(east, north)], axis=0)
    s, e, n, w = (offset_toward(ln, ln.width / 2 + ln.setback, cx, cy)
                  for ln in (south, east, north, west))
    sw, se, ne, nw = (np.array(intersect(a, b)) for a, b in ((w, s), (e, s), (e, n), (w, n)))
    if np.hypot(*(se - sw)) >= np.hypot(*(nw - sw)):
        quad, side0, side1 = np.array([sw, se, ne, nw]), south.name, north.name
    else:
        quad, side0, side1 = np.array([sw, nw, ne, se]), west.name, east.name
    depth = (np.hypot(*(quad[3] - quad[0])) + np.hypot(*(quad[2] - quad[1]))) / 2
    if side0 and side1 and depth >= 2 * ROW_MIN_DEPTH:
        m = 0.5 + dr(-0.06, 0.06)
        rows = [Row(0.0, m), Row(1.0, m)]
    else:
        front = 0.0 if side0 or not side1 else 1.0
        rows = [Row(front, 1.0 - front)]
    zone = plan.zone_of(col, band)
    block = Block(col, band, zone, plan.zone_spec(zone).prefix, quad, rows)
    for row in rows:
        f, b = block.point([0.0, 1.0], row.wf), block.point([0.0, 1.0], row.wb)
        row.area = float(quad_areas(f[:1], f[1:], b[1:], b[:1])[0])
        row.depth = float(np.hypot(*((f[0] + f[1]) - (b[0] + b[1])) / 2))
    return block


def make_blocks(plan: Plan, rng: np.random.Generator) -> list[Block]:
    blocks = []
    for band in range(len(plan.horizontals) - 1):
        if band in plan.gap_bands:
            continue
        for col in range(len(plan.verticals) - 1):
            blocks.append(make_block(plan, col, band, Draws(rng.random(4))))
    numbers = Counter()
    for b in sorted(blocks, key=lambda b: (-b.band, b.col)):  # from the north-west
        numbers[b.prefix] += 1
        b.number = numbers[b.prefix]
    return blocks


def allocate(rows: list[Row], n_plots: int) -> None:
    """Share ``n_plots`` among rows by road frontage, keeping every row's mean plot in bounds.

    Sharing by frontage rather than area gives plots of similar width everywhere, so
    deep rows hold larger plots instead of long thin strips.
    """
    areas = np.array([r.area for r in rows]) / MU
    frontage = np.array([r.area / max(r.depth, 1.0) for r in rows])
    hi = np.where(areas >= MIN_MU, np.maximum(np.floor(areas / 13.0), 1), 0)
    lo = np.minimum(np.ceil(areas / 150.0), hi)
    if not lo.sum() <= n_plots <= hi.sum():
        raise SystemExit(f"cannot fit {n_plots} plots in this layout ({lo.sum()}..{hi.sum()})")
    ideal = n_plots * frontage / frontage.sum()
    n = np.clip(np.floor(ideal), lo, hi)
    while (diff := n_plots - int(n.sum())) != 0:
        gap = ideal - n
        if diff > 0:
            cand = np.flatnonzero(n < hi)
            n[cand[np.argsort(-gap[cand], kind="stable")][:diff]] += 1
        else:
            cand = np.flatnonzero(n > lo)
            n[cand[np.argsort(gap[cand], kind="stable")][:-diff]] -= 1
    for row, k in zip(rows, n, strict=True):
        row.n = int(k)


def cell_areas(block: Block, row: Row, uf: np.ndarray, ub: np.ndarray) -> np.ndarray:
    f, b = block.point(uf, row.wf), block.point(ub, row.wb)
    return quad_areas(f[:-1], f[1:], b[1:], b[:-1]) / MU


def cut_row(block: Block, row: Row, rng: np.random.Generator) -> None:
    """Cut positions along the front and back of a row; plots of uneven width."""
    n = row.n
    for attempt in range(6):
        w = rng.lognormal(0.0, 0.45 * (1 - attempt / 6), n)
        uf = np.concatenate([[0.0], np.cumsum(w) / w.sum()])
        uf[-1] = 1.0
        ub = uf.copy()
        if n > 1:  # slant some cuts a little: real plot lines are rarely square
            widths = np.diff(uf)
            slack = np.minimum(widths[:-1], widths[1:])
            lean = np.clip(rng.normal(0, 0.15, n - 1), -0.4, 0.4) * (rng.random(n - 1) < 0.35)
            ub[1:-1] += lean * slack
        areas = cell_areas(block, row, uf, ub)
        if areas.min() >= MIN_MU and areas.max() <= MAX_MU:
            break
    else:
        uf = np.linspace(0.0, 1.0, n + 1)
        ub = uf.copy()
    row.uf, row.ub = uf, ub


def choose_specials(blocks: list[Block], counts: dict, rng: np.random.Generator) -> None:
    """Pick the L-shaped row ends, the plots with a hole and those split by a ditch."""
    rows = [(b, r) for b in blocks for r in b.rows if r.n >= 3]
    made = 0
    for i in rng.permutation(len(rows)):
        if made >= counts["l_shape"]:
            break
        made += try_l_shape(*rows[int(i)], float(rng.uniform(0.42, 0.6)))
    cells = []
    for b in blocks:
        for r in b.rows:
            if r.n == 0:
                continue
            areas = cell_areas(b, r, r.uf, r.ub)
            last = r.n - 2 if r.l_t else r.n
            cells += [(b, r, k, areas[k]) for k in range(last) if areas[k] >= 34]
    order = [cells[int(i)] for i in rng.permutation(len(cells))]
    for _b, r, k, _a in order[:counts["hole"]]:
        r.holes[k] = float(rng.uniform(1.2, 3.5))
    for b, r, k, _a in order[counts["hole"]:counts["hole"] + counts["ditch"]]:
        make_ditch(b, r, k, float(rng.uniform(0.4, 0.6)))


def try_l_shape(block: Block, row: Row, t: float) -> int:
    """Make the row's last plot a corner plot and wrap the one before it around it."""
    areas = cell_areas(block, row, row.uf, row.ub)
    corner, rest = areas[-1] * t, areas[-1] * (1 - t) + areas[-2]
    if corner < MIN_MU + 1 or rest > MAX_MU:
        return 0
    row.l_t = t
    return 1


def make_ditch(block: Block, row: Row, k: int, c: float) -> None:
    """Split cell k by a ditch about 6 m wide running from the front to the back."""
    lf = np.hypot(*np.diff(block.point([0.0, 1.0], row.wf), axis=0)[0])
    lb = np.hypot(*np.diff(block.point([0.0, 1.0], row.wb), axis=0)[0])
    cf = row.uf[k] + c * (row.uf[k + 1] - row.uf[k])
    cb = row.ub[k] + c * (row.ub[k + 1] - row.ub[k])
    row.ditches[k] = (cf - 3.0 / lf, cf + 3.0 / lf, cb - 3.0 / lb, cb + 3.0 / lb)


def block_cells(block: Block, dr: Draws) -> list[tuple[Polygon | MultiPolygon, str]]:
    """The plot geometries of a block, row by row; shared edges share their vertices."""
    backs: dict[float, np.ndarray] = {}
    for row in block.rows:  # every vertex on a back line, from both rows
        extra = [v for d in row.ditches.values() for v in d[2:]]
        vals = np.concatenate([np.atleast_1d(row.ub), np.asarray(extra, dtype=float)])
        backs[row.wb] = np.union1d(backs.get(row.wb, []), vals)
    points = {wb: block.point(vals, wb) for wb, vals in backs.items()}
    out = []
    for row in block.rows:
        if row.n:
            out += row_cells(block, row, backs[row.wb], points[row.wb], dr)
    return out


def row_cells(block: Block, row: Row, vals: np.ndarray, pts: np.ndarray, dr: Draws):
    front = block.point(row.uf, row.wf)

    def back(a: float, b: float) -> np.ndarray:  # back-line vertices from u=b down to u=a
        i, j = np.searchsorted(vals, a), np.searchsorted(vals, b)
        return pts[i:j + 1][::-1]

    cells = []
    for k in range(row.n):
        if row.l_t is not None and k >= row.n - 2:
            continue
        if k in row.ditches:
            fa, fb, ba, bb = row.ditches[k]
            fc = block.point([fa, fb], row.wf)
            parts = [Polygon(np.vstack([front[k], fc[0], back(row.ub[k], ba)])),
                     Polygon(np.vstack([fc[1], front[k + 1], back(bb, row.ub[k + 1])]))]
            cells.append((MultiPolygon(parts), "ditch"))
            continue
        ring = np.vstack([front[k], front[k + 1], back(row.ub[k], row.ub[k + 1])])
        if k in row.holes:
            cells.append(with_hole(ring, row.holes[k], dr))
        else:
            cells.append((Polygon(ring), "plain"))
    if row.l_t is not None:
        cells += l_cells(row, front, back, pts[np.searchsorted(vals, row.ub[-2])])
    return cells


def l_cells(row: Row, front: np.ndarray, back, back_cut: np.ndarray):
    """The L-shaped plot and the corner plot it wraps around, at the row's end."""
    t, n = row.l_t, row.n
    x = front[n - 1] + t * (back_cut - front[n - 1])
    y = front[n] + t * (back(1.0, 1.0)[0] - front[n])
    corner = Polygon(np.vstack([front[n - 1], front[n], y, x]))
    ell = Polygon(np.vstack([front[n - 2], front[n - 1], x, y, back(row.ub[n - 2], 1.0)]))
    return [(ell, "l_shape"), (corner, "corner")]


def with_hole(ring: np.ndarray, hole_mu: float, dr: Draws):
    """A plot keeping a pond or graveyard (not part of the plot) inside it."""
    shell = Polygon(ring)
    c = shell.centroid
    r = math.sqrt(hole_mu * MU / math.pi)
    angles = np.linspace(0, 2 * math.pi, 10, endpoint=False)
    radii = r * (1 + 0.15 * np.array([dr(-1, 1) for _ in angles]))
    hole = np.column_stack([c.x + radii * np.cos(angles), c.y + radii * np.sin(angles)])
    if not shell.buffer(-8).contains(Polygon(hole)):
        return shell, "plain"
    return Polygon(ring, [hole]), "hole"


@dataclass
class PlotGeom:
    code: str
    block: Block
    geom: Polygon | MultiPolygon
    kind: str


def build_plots(plan: Plan, rng: np.random.Generator) -> list[PlotGeom]:
    blocks = make_blocks(plan, rng)
    rows = [(b, r) for b in blocks for r in b.rows]
    allocate([r for _, r in rows], plan.n_plots)
    for b, r in rows:
        if r.n:
            cut_row(b, r, rng)
    choose_specials(blocks, plan.counts, rng)
    plots = []
    for b in sorted(blocks, key=lambda b: (b.prefix, b.number)):
        dr = Draws(rng.random(64))
        for i, (geom, kind) in enumerate(block_cells(b, dr), start=1):
            plots.append(PlotGeom(f"{b.prefix}-{b.number:02d}-{i:02d}", b, geom, kind))
    oriented = shapely.orient_polygons(np.array([p.geom for p in plots], dtype=object))
    for p, g in zip(plots, oriented, strict=True):
        p.geom = g
    return plots


# ---------------------------------------------------------------------------------------
# Plot attributes: owners, stages, dates, quantities
# ---------------------------------------------------------------------------------------


def owner_at(plan: Plan, x: float, y: float) -> tuple[str, str]:
    if any(math.hypot(x - cx, y - cy) < r for cx, cy, r in plan.state_land):
        return "国有", "state"
    name = min(plan.villages, key=lambda v: math.hypot(x - v[1], y - v[2]))[0]
    return name, "collective"


def base_records(plan: Plan, plots: list[PlotGeom], rng: np.random.Generator) -> list[dict]:
    """Identity, zone, owner, planned use and the block-driven lifecycle stage."""
    draws = rng.random((len(plots), DRAWS_PER_PLOT))
    centroids = shapely.get_coordinates(shapely.centroid([p.geom for p in plots]))
    areas = shapely.area([p.geom for p in plots])
    maturity: dict[int, float] = {}
    records = []
    for i, p in enumerate(plots):
        dr = Draws(draws[i])
        x, y = centroids[i]
        b = p.block
        if id(b) not in maturity:
            maturity[id(b)] = plan.maturity(b.col, b.band, x, y, dr)
        stage = int(np.clip(round(maturity[id(b)] + dr(-1.6, 1.6)), 0, 8))
        owner, owner_type = owner_at(plan, x, y)
        if owner_type == "state" and stage == 2:
            stage = 3  # state land is not requisitioned
        rec = dict.fromkeys(PLOT_FIELDS)
        rec.update(code=p.code, zone=b.zone, owner=owner, owner_type=owner_type,
                   planned_use=plan.planned_use(b.zone, b.col, b.band, dr))
        rec.update(_stage=stage, _area=float(areas[i]), _kind=p.kind, _dr=dr,
                   _post=[], _dated=False, _taken=None)
        records.append(rec)
    return records


def fill_before(rec: dict, idx: int, dr: Draws) -> None:
    """Date the events before EVENTS[idx] backwards from it (state land skips requisition)."""
    steps, later = [], idx
    for j in range(idx - 1, -1, -1):
        if EVENTS[j] == "requisitioned_on" and rec["owner_type"] == "state":
            rec[EVENTS[j]] = None
            continue
        steps.append((j, dr(*GAP_BEFORE[EVENTS[later]])))
        later = j
    cur = rec[EVENTS[idx]]
    room = cur - FIRST_DAY - dr(0, 150)
    total = sum(g for _, g in steps)
    scale = min(1.0, max(0.0, room) / total) if total else 1.0  # squeeze early chains into 2012+
    for j, gap in steps:
        cur -= int(gap * scale)
        rec[EVENTS[j]] = cur


def fill_events(rec: dict) -> None:
    """Dates of a plot no rule should flag, unless a scenario or project dated it."""
    stage, dr = rec["_stage"], rec["_dr"]
    if rec["_dated"] or stage == 0:
        return
    rec[EVENTS[stage - 1]] = dr.days(*HEALTHY_WINDOW[stage])
    fill_before(rec, stage - 1, dr)
    if stage in (4, 5):
        # the agreed start is far enough ahead that no early warning fires
        rec["agreed_start_on"] = max(rec["supplied_on"] + int(dr(120, 365)),
                                     day("2026-03-10") + int(dr(0, 200)))
    elif stage >= 6:
        rec["agreed_start_on"] = max(rec["supplied_on"], rec["started_on"] - int(dr(-60, 150)))


def fill_land(rec: dict) -> None:
    stage, dr, state = rec["_stage"], rec["_dr"], rec["owner_type"] == "state"
    built = "0508" if rec["planned_use"].startswith("1101") else "0601"
    if stage >= 6:
        lc = built
    elif stage >= 3:
        lc = "1206" if dr() < 0.75 else built
    elif stage == 2:
        lc = "1206" if dr() < 0.6 else dr.weighted(FARM_CLASSES)
    else:
        lc = dr.weighted(STATE_CLASSES if state else FARM_CLASSES)
    rec["land_class"] = lc
    rec["levelled"] = (stage >= 6 or (stage >= 3 and dr() < 0.92) or (stage == 2 and dr() < 0.4)
                       or (stage <= 1 and dr() < (0.4 if state else 0.03)))
    farm = not state and stage <= 2 and lc in SPECIAL_CROP_CHANCE
    rec["special_crop"] = bool(rec.get("special_crop")) or (
        farm and dr() < SPECIAL_CROP_CHANCE[lc])
    house = 0.0
    if not state and stage <= 2:
        if lc == "0702":
            house = dr(300, 3200)
        elif dr() < 0.12:
            house = dr(60, 600)
    rec["house_floor_area_m2"] = round(house, 2)


def fill_quantities(rec: dict) -> None:
    """Supply, investment, floor areas and tax of a healthy plot at its stage."""
    stage, dr, area = rec["_stage"], rec["_dr"], rec["_area"]
    mu = area / MU
    q = dict.fromkeys(QUANTITY_FIELDS, 0.0)
    if stage >= 4:  # industrial land is sold (出让); allocation is for the park's own works
        rec["supply_method"] = "sale"
        rec["land_price"] = round(mu * dr(13, 24), 2)
        q["planned_investment"] = mu * dr(260, 580)
        q["planned_floor_area_m2"] = area * dr(1.05, 1.7)
    if stage == 6:
        progress = dr(0.35, 0.9)
        q["actual_investment"] = q["planned_investment"] * progress
        q["floor_area_m2"] = q["planned_floor_area_m2"] * progress * dr(0.8, 1.0)
        q["developed_area_m2"] = q["floor_area_m2"]
        q["building_footprint_m2"] = area * dr(0.38, 0.52) * min(1.0, progress * 1.4)
        q["structure_footprint_m2"] = area * dr(0.0, 0.03)
    elif stage >= 7:
        logistics = rec["planned_use"].startswith("1101")
        q["actual_investment"] = q["planned_investment"] * dr(0.95, 1.1)
        q["floor_area_m2"] = q["planned_floor_area_m2"] * dr(0.97, 1.04)
        q["high_floor_area_m2"] = q["floor_area_m2"] * dr(0.0, 0.25) if dr() < 0.7 else 0.0
        q["developed_area_m2"] = q["floor_area_m2"]
        q["building_footprint_m2"] = area * dr(0.38, 0.55)
        q["structure_footprint_m2"] = area * dr(0.01, 0.05)
        q["open_storage_m2"] = area * (dr(0.05, 0.14) if logistics else dr(0.0, 0.04))
        q["admin_living_area_m2"] = area * dr(0.025, 0.065)
        q["annual_tax"] = mu * (dr(16, 40) if stage == 8 else dr(15.5, 24))
        q["annual_output"] = mu * (dr(280, 1200) if stage == 8 else dr(90, 300))
    for k, v in q.items():
        rec[k] = round(v, 2)


# ---------------------------------------------------------------------------------------
# Planted cases (DESIGN §4.2-4.4), applied to plots no project holds
# ---------------------------------------------------------------------------------------


def set_unstarted(rec: dict, t0: int, delivered: bool = True) -> None:
    """A supplied plot, not started, whose contract fixed the start date t0."""
    dr = rec["_dr"]
    rec["supplied_on"] = t0 - int(dr(90, 300))
    rec["agreed_start_on"] = t0
    if delivered:
        rec["delivered_on"] = min(rec["supplied_on"] + int(dr(0, 90)), LAST_DAY)
    rec["_stage"] = 5 if delivered else 4
    fill_before(rec, 3, dr)
    rec["_dated"] = True


def sc_idle_a(rec, i):  # idle type A, one to two years past the agreed start
    set_unstarted(rec, rec["_dr"].days("2025-03-01", "2025-08-28"))


def sc_reclaim(rec, i):  # two years past the agreed start: reclaim free of charge
    set_unstarted(rec, rec["_dr"].days("2021-06-01", "2024-09-30"), delivered=i % 3 != 2)


def sc_warn_1y(rec, i):  # idle type A within 6-85 days
    set_unstarted(rec, rec["_dr"].days("2025-11-28", "2026-02-15"), delivered=i % 2 == 0)


def sc_warn_2y(rec, i):  # idle already; reclaim due within 6-85 days
    set_unstarted(rec, rec["_dr"].days("2024-11-28", "2025-02-15"))


GOVERNMENT_CAUSES = (
    ("late_delivery", "征地拆迁未完成，未按约定交地"),
    ("plan_change", "园区控制性详细规划调整，地块用地红线变更，待重新核定"),
    ("petition", "周边村民信访，施工受阻，正在协调处理"),
    ("military_heritage", "地块内发现古墓葬，文物部门要求暂停施工并开展考古勘探"),
    ("force_majeure", "2024年7月洞庭湖汛期内涝，场地长期受淹无法施工"),
    ("policy_change", "国家产业政策调整，项目需重新核准备案"),
    ("government_action", "配套110kV线路迁改未完成，场地不具备开工条件"),
)


def sc_exempt(rec, i):
    cause, note = GOVERNMENT_CAUSES[i % len(GOVERNMENT_CAUSES)]
    set_unstarted(rec, rec["_dr"].days("2023-06-01", "2025-06-30"),
                  delivered=cause != "late_delivery")
    rec["government_cause"], rec["government_cause_note"] = cause, note


DISPOSALS = ("deadline", "fee", "agreement", "exchange", "reclaimed")


def sc_disposed(rec, i):
    dr = rec["_dr"]
    kind = DISPOSALS[i % len(DISPOSALS)]
    t0 = dr.days("2021-01-01", "2023-06-30" if kind == "reclaimed" else "2025-05-31")
    set_unstarted(rec, t0)
    rec["disposal"] = kind
    rec["disposal_on"] = dr.days(t0 + (740 if kind == "reclaimed" else 380), LAST_DAY)
    deadline = cn_date(quarter_end(rec["disposal_on"] + 150))
    notes = {
        "deadline": f"下达《闲置土地认定书》和限期动工通知，责令于{deadline}前动工",
        "agreement": "经协商，与用地单位签订协议，有偿收回国有建设用地使用权",
        "exchange": "安排置换至园区其他地块，原地块由园区收回",
        "reclaimed": "闲置满两年，依法无偿收回国有建设用地使用权",
    }
    rec["disposal_note"] = notes.get(kind)

    def fee_note(r):  # the idle fee is 20% of the land price, known once quantities exist
        if r["land_price"] is None:
            r["supply_method"], r["land_price"] = "sale", round(r["_area"] / MU * 18, 2)
        r["disposal_note"] = f"按土地出让价款的20%征缴土地闲置费{r['land_price'] * 0.2:.2f}万元"

    if kind == "fee":
        rec["_post"].append(fee_note)


def set_started(rec: dict, started: int) -> None:
    dr = rec["_dr"]
    rec["started_on"] = started
    rec["supplied_on"] = started - int(dr(150, 400))
    rec["agreed_start_on"] = rec["supplied_on"] + int(dr(90, 200))
    rec["delivered_on"] = rec["supplied_on"] + int(dr(0, 90))
    rec["_stage"] = 6
    fill_before(rec, 3, dr)
    rec["_dated"] = True


def stalled(r: dict, developed: float, invested: float) -> None:
    r["developed_area_m2"] = r["floor_area_m2"] = round(r["planned_floor_area_m2"] * developed, 2)
    r["actual_investment"] = round(r["planned_investment"] * invested, 2)
    r["building_footprint_m2"] = round(r["_area"] * 0.4 * developed, 2)


def sc_idle_b(rec, i):
    """Started, suspended for over a year, with too little built or invested."""
    dr = rec["_dr"]
    set_started(rec, dr.days("2022-03-01", "2024-06-30"))
    rec["suspended_since"] = dr.days(rec["started_on"] + 120, day("2025-10-15"))
    shares = ((dr(0.08, 0.28), dr(0.1, 0.22)), (dr(0.1, 0.3), dr(0.3, 0.5)),
              (dr(0.4, 0.6), dr(0.1, 0.2)))[i % 3]
    rec["_post"].append(lambda r: stalled(r, *shares))


def sc_suspended_recently(rec, i):
    """A control case: suspended less than a year ago, so not idle type B yet."""
    dr = rec["_dr"]
    set_started(rec, dr.days("2025-01-01", "2025-10-31"))
    rec["suspended_since"] = dr.days("2026-03-01", "2026-09-30")
    shares = (dr(0.1, 0.25), dr(0.1, 0.2))
    rec["_post"].append(lambda r: stalled(r, *shares))


def sc_old_unsupplied(rec, i):
    """Approved years ago (批而未供), requisition slowed by special-crop compensation."""
    dr = rec["_dr"]
    stage = (1, 2, 3)[i % 3]
    if rec["owner_type"] == "state" and stage == 2:
        stage = 3
    cur = rec["approved_on"] = dr.days("2013-01-01", "2017-12-31")
    for ev in EVENTS[1:stage]:
        if ev == "requisitioned_on" and rec["owner_type"] == "state":
            continue
        cur = rec[ev] = min(LAST_DAY, cur + int(dr(*GAP_BEFORE[ev])) + 200)
    rec["_stage"], rec["_dated"] = stage, True
    if stage == 1 and rec["owner_type"] == "collective":
        rec["special_crop"] = True


LOW_KINDS = ("intensity", "plot_ratio", "coverage", "admin_living", "tax", "intensity+tax")


def low_efficiency(r: dict, kind: str, dr: Draws) -> None:
    mu, area = r["_area"] / MU, r["_area"]
    if "intensity" in kind:
        r["planned_investment"] = round(mu * dr(110, 185), 2)
        r["actual_investment"] = round(r["planned_investment"] * dr(0.97, 1.05), 2)
    if kind == "plot_ratio":
        r["floor_area_m2"] = r["developed_area_m2"] = round(area * dr(0.32, 0.45), 2)
        r["high_floor_area_m2"] = 0.0
    if kind == "coverage":
        r["building_footprint_m2"] = round(area * dr(0.15, 0.22), 2)
        r["structure_footprint_m2"] = round(area * 0.02, 2)
        r["open_storage_m2"] = round(area * 0.01, 2)
    if kind == "admin_living":
        r["admin_living_area_m2"] = round(area * dr(0.085, 0.13), 2)
    if "tax" in kind:
        r["annual_tax"] = round(mu * dr(3, 11), 2)


def sc_low_efficiency(rec, i):
    if rec["_stage"] < 7:
        rec["_stage"] = 8
    kind = LOW_KINDS[i % len(LOW_KINDS)]
    rec["_post"].append(lambda r: low_efficiency(r, kind, r["_dr"]))


def sc_standard_factory(rec, i):
    """Standard factories (标准化厂房) the park builds on allocated (划拨) land to rent out."""
    if rec["_stage"] < 7:
        rec["_stage"] = 8
    rec["name"] = f"标准化厂房{cn_number(3 + i // 2)}期"
    rec["_post"].append(lambda r: r.update(supply_method="allocation", land_price=None))


def sc_commercial(rec, i):  # a corner kept for shops and services (0901)
    rec["planned_use"], rec["_stage"] = "0901", min(rec["_stage"], 1)


def sc_green(rec, i):  # a protective green strip (1401)
    rec["planned_use"], rec["_stage"] = "1401", min(rec["_stage"], 1)


# name -> (apply, stages it is most natural on, plot kinds it prefers)
SCENARIOS: dict[str, tuple[Callable, tuple[int, ...], tuple[str, ...]]] = {
    "commercial": (sc_commercial, (0, 1, 2, 3), ("corner",)),
    "green": (sc_green, (0, 1), ()),
    "idle_a": (sc_idle_a, (4, 5, 6), ()),
    "reclaim": (sc_reclaim, (4, 5, 6), ()),
    "warn_1y": (sc_warn_1y, (4, 5), ()),
    "warn_2y": (sc_warn_2y, (4, 5, 6), ()),
    "exempt": (sc_exempt, (4, 5), ()),
    "disposed": (sc_disposed, (4, 5, 6), ()),
    "idle_b": (sc_idle_b, (6,), ()),
    "suspended_recently": (sc_suspended_recently, (6,), ()),
    "old_unsupplied": (sc_old_unsupplied, (1, 2, 3), ()),
    "low_efficiency": (sc_low_efficiency, (8, 7), ()),
    "standard_factory": (sc_standard_factory, (8, 7), ()),
}


def plant_scenarios(plan: Plan, records: list[dict], rng: np.random.Generator) -> None:
    free = [r for r in records if r["_taken"] is None]
    for name, (apply, stages, kinds) in SCENARIOS.items():
        order = rng.permutation(len(free))
        ranked = sorted((free[int(i)] for i in order),
                        key=lambda r: (r["_taken"] is not None, r["_kind"] not in kinds,
                                       r["_stage"] not in stages))
        for i, rec in enumerate(ranked[:plan.counts[name]]):
            if rec["_taken"] is not None:
                break
            rec["_taken"] = name
            apply(rec, i)


# ---------------------------------------------------------------------------------------
# Projects
# ---------------------------------------------------------------------------------------

PLAN_GAP = {"land_supplied": (90, 240), "started": (150, 200), "completed": (420, 720),
            "operating": (30, 150)}
PROGRESS_NOTES = ((10, "场地平整、桩基施工"), (30, "基础施工"), (55, "主体结构施工"),
                  (70, "主体封顶"), (85, "屋面及外墙施工、设备采购"), (100, "设备安装调试"))


def place_project(spec: ProjectSpec, target: int, blocks_rows, records_by_cell, dr: Draws):
    """Pick ``spec.n_plots`` adjacent free plots of the project's zone, in block order.

    Of a few random candidates the one whose plots are closest to the project's stage
    wins, so projects land where the park is about as developed as they are.
    """
    best, best_score = None, None
    candidates = [[records_by_cell[c] for c in cells]
                  for block, cells in blocks_rows if block.zone == spec.zone]
    for _ in range(60):
        recs = candidates[int(dr(0, len(candidates)))]
        if len(recs) < spec.n_plots:
            continue
        start = int(dr(0, len(recs) - spec.n_plots + 1))
        run = recs[start:start + spec.n_plots]
        if any(r["_taken"] is not None for r in run):
            continue
        score = sum(abs(r["_stage"] - target) for r in run) + dr(0, 2)
        if best_score is None or score < best_score:
            best, best_score = run, score
    for n in range(spec.n_plots, 0, -1):  # a crowded zone: the first free run will do
        best = best or first_free_run(candidates, n)
    if best is None:
        raise SystemExit(f"no room for project {spec.name} in zone {spec.zone}")
    return best


def first_free_run(candidates: list[list[dict]], n: int) -> list[dict] | None:
    for recs in candidates:
        for start in range(len(recs) - n + 1):
            if all(r["_taken"] is None for r in recs[start:start + n]):
                return recs[start:start + n]
    return None


def project_timeline(spec: ProjectSpec, dr: Draws) -> tuple[dict, dict]:
    """Planned and actual milestone dates; a black-flag story leaves one overdue."""
    k = PROJECT_STAGES.index(spec.stage)
    actual: dict[str, int] = {}
    if k >= 1:
        actual[MILESTONES[k - 1]] = day(spec.since)
        for j in range(k - 2, -1, -1):
            gap = int(dr(*PLAN_GAP[MILESTONES[j + 1]]))
            actual[MILESTONES[j]] = actual[MILESTONES[j + 1]] - gap
    plan_dates = {m: a - int(dr(-20, 45)) for m, a in actual.items()}
    prev = actual[MILESTONES[k - 1]] if k >= 1 else TODAY - int(dr(30, 200))
    for m in MILESTONES[max(k, 0):]:
        lo, hi = PLAN_GAP.get(m, (60, 200))
        prev = plan_dates[m] = prev + int(dr(lo, hi))
    todo = MILESTONES[k:]
    if todo:
        first = plan_dates[todo[0]]
        if spec.story in ("late", "idle", "exempt", "disposed", "suspended"):
            last = actual[MILESTONES[k - 1]] if k >= 1 else TODAY - 400
            target = max(last + 15, min(first, TODAY - int(dr(30, 200))))
        else:
            target = max(first, TODAY + int(dr(20, 200)))
        for m in todo:
            plan_dates[m] += target - first
    return plan_dates, actual


def apply_project_to_plots(spec, run, planned_on, actual, invest, dr) -> None:
    stage = PLOT_STAGE_OF_PROJECT.get(spec.stage)
    for rec in run:
        pdr = rec["_dr"]
        if stage is None:  # not yet supplied: the plots are still being prepared
            rec["_stage"] = max(0, spec.plot_stage or 0)
            if rec["owner_type"] == "state" and rec["_stage"] == 2:
                rec["_stage"] = 3
            if rec["_stage"]:
                anchor = day(spec.since) if spec.since else TODAY - 400
                rec[EVENTS[rec["_stage"] - 1]] = min(LAST_DAY, anchor + int(pdr(-300, 120)))
                fill_before(rec, rec["_stage"] - 1, pdr)
            rec["special_crop"] = spec.story == "late" and rec["owner_type"] == "collective"
            rec["_dated"], rec["name"] = True, spec.name
            continue
        rec["_stage"], rec["name"] = stage, spec.name
        rec["supplied_on"] = actual["land_supplied"]
        rec["agreed_start_on"] = max(planned_on["started"], rec["supplied_on"])
        if spec.story != "exempt":
            cap = min(actual.get("started", LAST_DAY), LAST_DAY)
            rec["delivered_on"] = min(rec["supplied_on"] + int(pdr(0, 60)), cap)
        else:
            rec["_stage"] = 4
            rec["government_cause"], rec["government_cause_note"] = GOVERNMENT_CAUSES[0]
        for m, ev in (("started", "started_on"), ("completed", "completed_on"),
                      ("operating", "operating_on")):
            rec[ev] = actual.get(m)
        fill_before(rec, 3, pdr)
        rec["_dated"] = True
        share = rec["_area"] / sum(r["_area"] for r in run)
        rec["_post"].append(project_quantities(spec, share, invest, dr))
    if spec.industry.startswith("59"):  # warehousing sits on logistics land
        for rec in run:
            rec["planned_use"] = "110101"
    if spec.conflict_use:
        run[-1]["planned_use"] = spec.conflict_use


def project_quantities(spec: ProjectSpec, share: float, invest: tuple[float, float], dr):
    planned_inv, done_inv = invest
    low_ratio, suspended = dr(0.55, 0.65), dr.days("2025-03-01", "2025-09-30")

    def post(r: dict) -> None:
        r["planned_investment"] = round(planned_inv * share, 2)
        r["actual_investment"] = round(done_inv * share, 2)
        if spec.story == "suspended":  # idle type B once suspended for a year
            stalled(r, 0.2, done_inv / planned_inv)
            r["suspended_since"] = suspended
        if spec.story == "low_ratio":
            r["floor_area_m2"] = r["developed_area_m2"] = round(r["_area"] * low_ratio, 2)
            r["high_floor_area_m2"] = 0.0
        if spec.story == "disposed":
            r["disposal"], r["disposal_on"] = "deadline", day("2026-06-15")
            r["disposal_note"] = "下达《闲置土地认定书》和限期动工通知，责令于2027年3月31日前动工"

    return post


def ten_day_ends(start: int, end: int) -> list[int]:
    """Ends of the ten-day periods (10th, 20th, last day of month) in [start, end]."""
    out, d = [], EPOCH + timedelta(days=start)
    d = date(d.year, d.month, 1)
    while (d - EPOCH).days <= end:
        nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
        for e in (date(d.year, d.month, 10), date(d.year, d.month, 20), nxt - timedelta(days=1)):
            if start <= (e - EPOCH).days <= end:
                out.append((e - EPOCH).days)
        d = nxt
    return out


def progress_reports(spec, planned_on, actual, planned_inv, dr) -> list[dict]:
    start, finish = actual["started"], planned_on["completed"]
    dates = ten_day_ends(max(start + 10, day("2026-06-01")), TODAY - 1)
    pct, inv, out = 0.0, 0.0, []
    frozen, spent = dr(18, 28), dr(0.88, 1.0)
    for on in dates:
        schedule = 100.0 * (on - start) / max(1, finish - start)
        if spec.story == "suspended":
            value, note = frozen, "项目停工，企业资金链紧张，正在协调复工"
        elif spec.story == "lagging":
            value, note = schedule - dr(16, 24), "资金未完全到位，施工进度滞后"
        else:
            value, note = schedule + dr(-5, 6), None
        pct = max(pct, min(99.0, max(1.0, round(value * 2) / 2)))
        inv = max(inv, round(planned_inv * pct / 100 * spent, -1))
        note = note or next(text for limit, text in PROGRESS_NOTES if pct < limit)
        out.append({"reported_on": iso(on), "progress_pct": pct, "investment_done": inv,
                    "note": note, "reporter": spec.company})
    return out


def make_projects(plan: Plan, blocks_rows, records_by_cell,
                  rng: np.random.Generator) -> list[dict]:
    projects = []
    for n, spec in enumerate(plan.project_specs(rng)):
        dr = Draws(rng.random(320))  # progress reports draw two numbers per ten days
        target = PLOT_STAGE_OF_PROJECT.get(spec.stage, spec.plot_stage or 0)
        run = place_project(spec, target, blocks_rows, records_by_cell, dr)
        for rec in run:
            rec["_taken"] = "project"
        planned_on, actual = project_timeline(spec, dr)
        planned_inv = round(sum(r["_area"] for r in run) / MU * dr(280, 520), -2)
        reports = []
        if spec.stage == "started":
            reports = progress_reports(spec, planned_on, actual, planned_inv, dr)
        done = {"operating": dr(0.95, 1.08), "completed": dr(0.93, 1.02)}.get(spec.stage)
        done_inv = round(planned_inv * done, -1) if done else 0.0
        if reports:
            done_inv = reports[-1]["investment_done"]
        elif spec.story == "suspended":
            done_inv = round(planned_inv * 0.15, -1)
        apply_project_to_plots(spec, run, planned_on, actual, (planned_inv, done_inv), dr)
        projects.append({
            "code": None, "name": spec.name, "company": spec.company,
            "industry_code": spec.industry, "planned_investment": planned_inv,
            "completed_investment": done_inv, "tags": list(spec.tags),
            "leader": LEADERS[n % len(LEADERS)],
            "service_official": OFFICIALS[(n * 5) % len(OFFICIALS)],
            "responsible_unit": UNITS[(n * 7 + n // 6) % len(UNITS)],
            "stage": spec.stage, "zone": spec.zone, "plots": [r["code"] for r in run],
            "milestones": [{"stage": m, "planned_on": iso(planned_on[m]),
                            "actual_on": iso(actual.get(m))} for m in MILESTONES],
            "progress": reports,
            "_signed": actual.get("signed", min(planned_on["signed"], TODAY)),
        })
    number_projects(projects)
    return projects


def number_projects(projects: list[dict]) -> None:
    """Codes P<signing year>-<nnn>, in order of signing."""
    per_year = Counter()
    for p in sorted(projects, key=lambda p: (p["_signed"], p["name"])):
        year = (EPOCH + timedelta(days=p["_signed"])).year
        per_year[year] += 1
        p["code"] = f"P{year}-{per_year[year]:03d}"
    projects.sort(key=lambda p: p["code"])
    for p in projects:
        del p["_signed"]


# ---------------------------------------------------------------------------------------
# Roads, networks, price zones
# ---------------------------------------------------------------------------------------


def road_sections(plan: Plan, rng: np.random.Generator) -> list[Section]:
    """Every road cut at its crossings, with the blocks on both sides and its status."""
    sections = []
    groups = ((plan.horizontals, plan.verticals, False), (plan.verticals, plan.horizontals, True))
    for roads, crossing, is_ns in groups:
        for j, road in enumerate(roads):
            if road.name is None:
                continue
            pts = [intersect(road, c) for c in crossing]
            names = [c.name or "园区边界" for c in crossing]
            for i in range(len(crossing) - 1):
                nb = [(j - 1, i), (j, i)] if is_ns else [(i, j - 1), (i, j)]
                nb = tuple(x for x in nb if not _outside(plan, x))
                s = Section(road, pts[i], pts[i + 1], nb, (names[i], names[i + 1]))
                s.name, s.status, s.completion = plan.road_status(s, Draws(rng.random(8)))
                sections.append(s)
    return sections


def _outside(plan: Plan, cb: tuple[int, int]) -> bool:
    col, band = cb
    return (not 0 <= col < len(plan.verticals) - 1 or not 0 <= band < len(plan.horizontals) - 1)


def road_features(sections: list[Section]) -> list[tuple[dict, LineString]]:
    """Consecutive sections of a road with the same name and status make one feature."""
    out, run = [], []

    def flush():
        if run:
            s = run[0]
            props = {"name": s.name, "class": s.road.cls, "width_m": s.road.width,
                     "status": s.status, "planned_completion": iso(s.completion)}
            out.append((props, LineString([run[0].a] + [r.b for r in run])))

    for s in sections:
        if run and (s.road is not run[-1].road or (s.name, s.status) != (run[-1].name,
                                                                         run[-1].status)):
            flush()
            run = []
        run.append(s)
    flush()
    return out


def network_features(plan: Plan, sections: list[Section], rng) -> list[tuple[dict, object]]:
    out = []
    for s in sections:
        dr = Draws(rng.random(16))
        for key, status, done in plan.section_networks(s, dr):
            status, done = constrained_by_road(s, status, done)
            utility, subtype, label, share = UTILITIES[key]
            shift = offset_toward(s.road, 1.0, 0, 0)  # any fixed side works
            dx, dy = (shift.x - s.road.x), (shift.y - s.road.y)
            off = share * s.road.width / 2
            line = LineString([(s.a[0] + off * dx, s.a[1] + off * dy),
                               (s.b[0] + off * dx, s.b[1] + off * dy)])
            size = ""
            if key in PIPE_SIZES:
                unit_, sizes = PIPE_SIZES[key]
                size = f"{unit_}{sizes[min(len(sizes) - 1, int(s.road.width // 20))]}"
            name = f"{s.road.name}{label}{size}（{s.ends[0]}—{s.ends[1]}段）"
            out.append(({"utility": utility, "subtype": subtype, "name": name,
                         "status": status, "planned_completion": iso(done)}, line))
    for utility, subtype, name, status, done, geom in plan.facilities():
        out.append(({"utility": utility, "subtype": subtype, "name": name, "status": status,
                     "planned_completion": iso(done)}, geom))
    return out


def constrained_by_road(s: Section, status: str, done: int | None):
    """Pipes are laid with their road: none is ready before the road under which it runs."""
    if s.status == "in_service":
        return status, done
    done = max(done or 0, s.completion)
    if s.status == "planned" or status == "planned":
        return "planned", done
    return "under_construction", done


def price_zone_polygons(plan: Plan) -> list[tuple[str, str, Polygon]]:
    ext = plan.extent().buffer(300, join_style="mitre")
    line1, line2 = plan.price_lines
    (sx, sy), (wx, wy) = plan.price_points
    south = half_plane(line1, sx, sy)
    west = half_plane(line2, wx, wy)
    one = ext.intersection(south)
    rest = ext.difference(south)
    return [("I", "Ⅰ类区片（区片综合地价一级）", one),
            ("II", "Ⅱ类区片（区片综合地价二级）", rest.intersection(west)),
            ("III", "Ⅲ类区片（区片综合地价三级）", rest.difference(west))]


def assign_price_zones(records, geoms, zones) -> list[str]:
    """Each plot gets the price zone holding most of it; returns the straddling codes."""
    areas = np.column_stack([shapely.area(shapely.intersection(geoms, z[2])) for z in zones])
    straddling = []
    for rec, row in zip(records, areas, strict=True):
        rec["price_zone"] = zones[int(np.argmax(row))][0]
        if (row > 1.0).sum() > 1:
            straddling.append(rec["code"])
    return straddling


RATES = {  # price zone -> 区片综合地价 of cultivated land (元/亩), crops, special, houses, 社保
    "I": (70000, 2400, 16000, 1200, 32000),
    "II": (60000, 2100, 13000, 1000, 28000),
    "III": (50000, 1800, 10000, 800, 24000),
}
# the provincial price applies to all land of a zone, adjusted by land group
GROUP_SHARE = {"cultivated": 1.0, "agricultural": 0.95, "construction": 0.95, "unused": 0.9}


def compensation_rates(plan: Plan) -> list[dict]:
    rows = []
    f = plan.price_factor
    for zone, (land, crop, special, house, social) in RATES.items():
        for group, share in GROUP_SHARE.items():
            farm = group in ("cultivated", "agricultural")  # young crops grow on farmland only
            bonus = 1.15 if group == "agricultural" else 1.0  # orchards and ponds pay more
            rows.append({
                "price_zone": zone, "land_group": group,
                "land_price_yuan_mu": round(land * share * f, -2),
                "crop_yuan_mu": round(crop * bonus * f, -2) if farm else 0.0,
                "special_crop_yuan_mu": round(special * bonus * f, -2) if farm else 0.0,
                "house_yuan_m2": round(house * f, -1),
                "social_security_yuan_mu": round(social * f, -2),
            })
    return rows


# ---------------------------------------------------------------------------------------
# Generation of one park
# ---------------------------------------------------------------------------------------


@dataclass
class ParkData:
    plan: Plan
    frame: Frame
    records: list[dict]
    plot_geoms: np.ndarray  # local metres
    roads: list
    networks: list
    price_zones: list
    straddling: list[str]
    projects: list[dict]


def generate_park(plan: Plan, seed: int, index: int) -> ParkData:
    rng = np.random.default_rng([seed, index])
    frame = Frame(*plan.centre, plan.rotation)
    plots = build_plots(plan, rng)
    records = base_records(plan, plots, rng)
    by_cell = {id(p): r for p, r in zip(plots, records, strict=True)}
    blocks_rows = block_runs(plots)
    projects = make_projects(plan, blocks_rows, by_cell, rng)
    plant_scenarios(plan, records, rng)
    for rec in records:
        fill_events(rec)
        fill_land(rec)
        fill_quantities(rec)
        for post in rec["_post"]:
            post(rec)
        name_plot(rec)
    geoms = np.array([p.geom for p in plots], dtype=object)
    zones = price_zone_polygons(plan)
    straddling = assign_price_zones(records, geoms, zones)
    sections = road_sections(plan, rng)
    return ParkData(plan, frame, records, geoms, road_features(sections),
                    network_features(plan, sections, rng), zones, straddling, projects)


def block_runs(plots: list[PlotGeom]) -> list[tuple[Block, list[int]]]:
    """Plots of each block in code order (neighbours in a row are adjacent here)."""
    runs: dict[int, tuple[Block, list[int]]] = {}
    for p in plots:
        runs.setdefault(id(p.block), (p.block, []))[1].append(id(p))
    return list(runs.values())


def name_plot(rec: dict) -> None:
    """Built plots without a project carry their occupant's name, as on a planning map."""
    if rec["name"] or rec["_stage"] < 6 or rec["_taken"] == "project":
        return
    dr = rec["_dr"]
    if dr() < 0.6:
        noun = industry_noun("59" if rec["planned_use"].startswith("1101") else
                             {"NQ-W": "14", "NQ-E": "39"}.get(rec["zone"], "34"))
        rec["name"] = f"{dr.pick(FIRM_WORDS)}{noun}厂区"


# ---------------------------------------------------------------------------------------
# Checks and the summary of planted cases
# ---------------------------------------------------------------------------------------


def add_years(iso_date: str, years: int) -> date:
    d = date.fromisoformat(iso_date)
    try:
        return d.replace(year=d.year + years)
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28)


def plot_stage(p: dict) -> str:
    for k in range(len(EVENTS), 0, -1):
        if p[EVENTS[k - 1]]:
            return STAGES[k]
    return "planned"


def classify(p: dict, industry: str | None = None, today: date = date(2026, 11, 22)) -> set[str]:
    """The DESIGN §4.2/4.3 flags a plot (in output form) should raise: a self-check."""
    flags = set()
    idle = False
    t0 = p["agreed_start_on"]
    if p["supplied_on"] and not p["started_on"] and t0:
        one, two = add_years(t0, 1), add_years(t0, 2)
        if today >= one:
            flags.add("idle_a")
            idle = True
        if today >= two:
            flags.add("reclaim_due")
        if any(m - timedelta(days=90) <= today < m for m in (one, two)):
            flags.add("early_warning")
    if p["started_on"] and p["suspended_since"]:
        low = (p["developed_area_m2"] < (p["planned_floor_area_m2"] or 0) / 3
               or p["actual_investment"] < 0.25 * (p["planned_investment"] or 0))
        if low and today >= add_years(p["suspended_since"], 1):
            flags.add("idle_b")
            idle = True
    if idle and p["government_cause"]:
        flags.add("exempt")
    if idle and p["disposal"]:
        flags.add("disposed")
    if p["approved_on"] and not p["supplied_on"]:
        flags.add("approved_not_supplied")
    if plot_stage(p) in ("completed", "operating") and p["planned_use"][:4] in ("1001", "1101"):
        flags |= low_efficiency_reasons(p, industry)
    return flags


def low_efficiency_reasons(p: dict, industry: str | None) -> set[str]:
    mu = p["_area"] / MU
    area = p["_area"]
    out = set()
    if p["actual_investment"] / mu < 200:
        out.add("low_intensity")
    ratio = (p["floor_area_m2"] + p["high_floor_area_m2"]) / area
    if ratio < min_plot_ratio(industry):
        out.add("low_plot_ratio")
    cover = (p["building_footprint_m2"] + p["structure_footprint_m2"] + p["open_storage_m2"])
    if cover / area < 0.3:
        out.add("low_building_coefficient")
    if p["admin_living_area_m2"] / area > 0.07:
        out.add("high_admin_living")
    if p["annual_tax"] / mu < 15:
        out.add("low_tax")
    return out


def check_park(data: ParkData, full: bool) -> None:
    """Refuse to write a park that breaks the contract's rules."""
    problems = []
    gk = data.frame.lonlat_to_gk(data.frame.to_lonlat(data.plot_geoms))  # after rounding
    if not shapely.is_valid(gk).all():
        problems.append("invalid plot geometry")
    mu = shapely.area(gk) / MU
    if mu.min() < 10 or mu.max() > 200:
        problems.append(f"plot area out of 10-200 亩: {mu.min():.2f}..{mu.max():.2f}")
    for rec in data.records:
        days = [rec[e] for e in EVENTS if rec[e] is not None]
        if days != sorted(days) or (days and (days[0] < FIRST_DAY or days[-1] > LAST_DAY)):
            problems.append(f"{rec['code']}: events out of order or range")
        if rec["agreed_start_on"] is not None and rec["agreed_start_on"] < rec["supplied_on"]:
            problems.append(f"{rec['code']}: agreed start before supply")
        if rec["owner_type"] == "state" and rec["requisitioned_on"] is not None:
            problems.append(f"{rec['code']}: state land requisitioned")
    if full:
        tree = shapely.STRtree(gk)
        left, right = tree.query(gk, predicate="intersects")
        keep = left < right
        inter = shapely.area(shapely.intersection(gk[left[keep]], gk[right[keep]]))
        if inter.size and inter.max() > 0.01:
            problems.append(f"plots overlap by up to {inter.max():.4f} m²")
    if problems:
        raise SystemExit("generated data failed its checks:\n  " + "\n  ".join(problems[:20]))


def summarise(data: ParkData) -> dict:
    recs = [output_record(r) | {"_area": r["_area"]} for r in data.records]
    industry = {c: p["industry_code"] for p in data.projects for c in p["plots"]}
    flags: dict[str, list[str]] = {}
    for r in recs:
        for f in sorted(classify(r, industry.get(r["code"]))):
            flags.setdefault(f, []).append(r["code"])
    by_code = {r["code"]: r for r in recs}
    zoning, use = [], []
    for p in data.projects:
        admitted = data.plan.zone_spec(p["zone"]).industries
        if p["industry_code"][:2] not in admitted:
            zoning.append(f"{p['code']} {p['name']} ({p['industry_code']} in {p['zone']})")
        for c in p["plots"]:
            if by_code[c]["planned_use"][:4] not in ("1001", "1101"):
                use.append(f"{p['code']} {p['name']} on {c} ({by_code[c]['planned_use']})")
    kinds = {k: [r["code"] for r in data.records if r["_kind"] == k]
             for k in ("hole", "ditch", "l_shape", "corner")}
    planted: dict[str, list[str]] = {}
    for r in sorted(data.records, key=lambda r: r["code"]):
        if r["_taken"] not in (None, "project"):
            planted.setdefault(r["_taken"], []).append(r["code"])
    return {
        "plots": len(recs),
        "stages": dict(Counter(plot_stage(r) for r in recs).most_common()),
        "zones": dict(sorted(Counter(r["zone"] for r in recs).items())),
        "networks": dict(sorted(Counter(f"{p['utility']}/{p['status']}"
                                        for p, _ in data.networks).items())),
        "network_features": len(data.networks), "road_features": len(data.roads),
        "projects": len(data.projects),
        "project_stages": dict(Counter(p["stage"] for p in data.projects).most_common()),
        "flags": flags, "planted": planted, "shapes": kinds,
        "straddling_price_zones": data.straddling,
        "zoning_conflicts": zoning, "use_conflicts": use,
        "readiness": readiness_levels(data),
    }


def readiness_levels(data: ParkData) -> dict:
    """How many plots reach 三通一平 / 五通一平 / 七通一平 (DESIGN §4.5), as a sanity check."""
    geoms = data.plot_geoms
    have = {}
    for props, geom in data.networks + [({"utility": "road", **p}, g) for p, g in data.roads]:
        if props["status"] == "in_service" and geom.geom_type != "Point":
            have.setdefault(props["utility"], []).append(geom)
    avail = {}
    for utility, lines in have.items():
        tree = shapely.STRtree(np.array(lines, dtype=object))
        idx, _ = tree.query(geoms, predicate="dwithin", distance=30 if utility == "road" else 50)
        avail[utility] = np.isin(np.arange(len(geoms)), idx)
    none = np.zeros(len(geoms), dtype=bool)
    level = np.array([r["levelled"] for r in data.records])
    three = avail.get("road", none) & avail.get("water", none) & avail.get("power", none) & level
    five = three & avail.get("drainage", none) & avail.get("telecom", none)
    seven = five & avail.get("gas", none) & avail.get("heat", none)
    return {"七通一平": int(seven.sum()), "五通一平 only": int((five & ~seven).sum()),
            "三通一平 only": int((three & ~five).sum()), "raw land (生地)": int((~three).sum())}


# ---------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------


def output_record(rec: dict) -> dict:
    out = {}
    for k in PLOT_FIELDS:
        v = rec[k]
        out[k] = iso(v) if k in DATE_FIELDS else v
    return out


def write_json(path: Path, obj, indent: int | None = 2) -> None:
    path.write_text(json.dumps(obj, ensure_ascii=False, indent=indent) + "\n", encoding="utf-8")


def write_collection(path: Path, name: str, props: list[dict], geoms) -> None:
    """A FeatureCollection with one feature per line, for readable diffs."""
    texts = shapely.to_geojson(np.asarray(geoms, dtype=object))
    lines = [f'{{"type": "Feature", "properties": {json.dumps(p, ensure_ascii=False)}, '
             f'"geometry": {g}}}' for p, g in zip(props, texts, strict=True)]
    head = (f'{{"type": "FeatureCollection", "name": "{name}", '
            f'"crs": {json.dumps(CRS_4490)}, "features": [\n')
    path.write_text(head + ",\n".join(lines) + "\n]}\n", encoding="utf-8")


def write_park(data: ParkData, out: Path) -> Path:
    plan, frame = data.plan, data.frame
    folder = out / plan.code
    folder.mkdir(parents=True, exist_ok=True)
    write_json(folder / "park.json", {"code": plan.code, "name": plan.name,
                                      "name_en": plan.name_en, "centre": list(plan.centre),
                                      "settings": {}})
    zones = sorted(plan.zones, key=lambda z: z.code)
    write_collection(folder / "zones.geojson", "zones",
                     [{"code": z.code, "name": z.name, "name_en": z.name_en,
                       "admitted_industries": list(z.industries)} for z in zones],
                     frame.to_lonlat(np.array([z.polygon for z in zones], dtype=object)))
    order = sorted(range(len(data.records)), key=lambda i: data.records[i]["code"])
    write_collection(folder / "plots.geojson", "plots",
                     [output_record(data.records[i]) for i in order],
                     frame.to_lonlat(data.plot_geoms[order]))
    for name, items in (("roads", data.roads), ("networks", data.networks)):
        items = sorted(items, key=lambda it: tuple(str(v) for v in it[0].values()))
        write_collection(folder / f"{name}.geojson", name, [p for p, _ in items],
                         frame.to_lonlat(np.array([g for _, g in items], dtype=object)))
    write_collection(folder / "price_zones.geojson", "price_zones",
                     [{"code": c, "name": n} for c, n, _ in data.price_zones],
                     frame.to_lonlat(np.array([g for *_, g in data.price_zones], dtype=object)))
    write_json(folder / "compensation_rates.json", compensation_rates(plan))
    write_json(folder / "projects.json", data.projects, indent=None if len(data.projects) > 200
               else 2)
    return folder


# ---------------------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------------------


def build_plans(args) -> list[Plan]:
    if args.plots is None and args.parks is None:
        return [DemoPlan()]
    parks = args.parks or 1
    total = args.plots if args.plots is not None else DEMO_PLOTS * parks
    if total < 50 * parks:
        raise SystemExit("--plots must be at least 50 per park")
    shares = [total // parks + (1 if i < total % parks else 0) for i in range(parks)]
    return [GridPlan(i, n, np.random.default_rng([args.seed, 1000 + i]))
            for i, n in enumerate(shares)]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    here = Path(__file__).resolve().parent
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, help="output folder (default gis_data/demo for the "
                   "demo park, var/bench-data for --plots/--parks)")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--plots", type=int, help="total plots over all generic parks")
    p.add_argument("--parks", type=int, help="number of generic parks (P001...)")
    p.add_argument("--check", action="store_true",
                   help="also check benchmark parks for overlaps (always done for the demo)")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    if args.out is None:
        demo = args.plots is None and args.parks is None
        args.out = here / "demo" if demo else here.parent / "var" / "bench-data"
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    plans = build_plans(args)
    demo = isinstance(plans[0], DemoPlan)
    for i, plan in enumerate(plans):
        data = generate_park(plan, args.seed, i)
        check_park(data, full=demo or args.check)
        folder = write_park(data, args.out)
        if not args.quiet:
            report(data, folder, demo)
    if not args.quiet:
        print(f"done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return 0


def report(data: ParkData, folder: Path, detailed: bool) -> None:
    sizes = {f.name: f.stat().st_size for f in sorted(folder.iterdir()) if f.is_file()}
    print(f"{data.plan.code} {data.plan.name}: EPSG:{data.frame.epsg}, "
          f"{len(data.records)} plots, {len(data.networks)} network features, "
          f"{len(data.projects)} projects, {sum(sizes.values()) / 1e6:.2f} MB in {folder}")
    if detailed:
        summary = summarise(data)
        summary["files"] = sizes
        print(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    sys.exit(main())
