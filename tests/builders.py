"""Builders of test data: scenario plots, roads, networks, zones and projects drawn in the
demo park's Gauss-Krüger CRS, and the app configured for a test database.

Test modules import these (never each other); fixtures stay in tests/conftest.py.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import subprocess
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import psycopg
from pyproj import Transformer

from app import config, create_app

ROOT = Path(__file__).resolve().parent.parent
GK_EPSG = 4526  # CGCS2000 3-degree GK zone 38, zone-prefixed: the demo park's metric CRS
ORIGIN = (38_410_000.0, 3_259_000.0)  # ≈ 5 km east of every demo plot, road and network
SPACING = 400.0  # between scenario plots: far beyond every service distance
DEMO_TODAY = date(2026, 11, 22)
DEMO_PASSWORDS = {"guest": "guest-pass-123", "viewer": "viewer-pass-123",
                  "planner": "planner-pass-123", "admin": "admin-pass-123"}

# The demo park's requisition plan (gis_data/demo), by name.
DEMO_PLAN = "北区2026年度第一批次城镇建设用地征收方案"

_TO_CGCS = Transformer.from_crs(GK_EPSG, 4490, always_xy=True)
_codes = itertools.count(1)


# ---------------------------------------------------------------------------------------
# Scenario building
# ---------------------------------------------------------------------------------------

def _lonlat(points):
    return [_TO_CGCS.transform(x, y) for x, y in points]


def _coords(points) -> str:
    # repr keeps every bit of the double: the GK round trip stays within a nanometre
    return ", ".join(f"{lon!r} {lat!r}" for lon, lat in _lonlat(points))


def polygon_wkt(points) -> str:
    return f"MULTIPOLYGON((({_coords(points)})))"


def line_wkt(points) -> str:
    return f"MULTILINESTRING(({_coords(points)}))"


def point_wkt(point) -> str:
    return f"POINT({_coords([point])})"


def square(x0: float, y0: float, size: float) -> list[tuple[float, float]]:
    return [(x0, y0), (x0 + size, y0), (x0 + size, y0 + size), (x0, y0 + size), (x0, y0)]


@dataclass(eq=False)
class Plot:
    """A scenario plot: a GK square with its lower-left corner at (x0, y0)."""

    id: int
    code: str
    x0: float
    y0: float
    size: float
    area_m2: float

    # lines parallel to one edge, at exactly d metres from it (overhanging both ends)
    def south(self, d: float, overhang: float = 10.0):
        return [(self.x0 - overhang, self.y0 - d), (self.x0 + self.size + overhang, self.y0 - d)]

    def north(self, d: float, overhang: float = 10.0):
        y = self.y0 + self.size + d
        return [(self.x0 - overhang, y), (self.x0 + self.size + overhang, y)]

    def east(self, d: float, overhang: float = 10.0):
        x = self.x0 + self.size + d
        return [(x, self.y0 - overhang), (x, self.y0 + self.size + overhang)]

    def west(self, d: float, overhang: float = 10.0):
        return [(self.x0 - d, self.y0 - overhang), (self.x0 - d, self.y0 + self.size + overhang)]

    def side(self, name: str, d: float, overhang: float = 10.0):
        return getattr(self, name)(d, overhang)

    @property
    def mu(self) -> float:
        return self.area_m2 * 15 / 10_000


class Site:
    """Builds scenario plots, roads, networks, zones and projects in one test's database."""

    def __init__(self, conn, park: int | None = None):
        self.conn = conn
        self.park = park or conn.execute("SELECT id FROM parks WHERE code = 'JSCY'"
                                         ).fetchone()["id"]
        self._slots = itertools.count()

    def next_slot(self) -> tuple[float, float]:
        k = next(self._slots)
        return ORIGIN[0] + SPACING * (k % 10), ORIGIN[1] + SPACING * (k // 10)

    def plot(self, at: tuple[float, float] | None = None, size: float = 100.0,
             **cols) -> Plot:
        """A square plot at absolute GK `at` (else the next free slot) with these columns."""
        x0, y0 = at if at is not None else self.next_slot()
        code = cols.pop("code", f"T-{next(_codes)}")
        names = ["park_id", "code", "geom", *cols]
        marks = ["%s", "%s", "ST_GeomFromText(%s, 4490)", *["%s"] * len(cols)]
        row = self.conn.execute(
            f"INSERT INTO plots ({', '.join(names)}) VALUES ({', '.join(marks)})"
            " RETURNING id, area_m2",
            [self.park, code, polygon_wkt(square(x0, y0, size)), *cols.values()]).fetchone()
        return Plot(row["id"], code, x0, y0, size, row["area_m2"])

    def update(self, plot: Plot | int, **cols) -> None:
        pid = plot.id if isinstance(plot, Plot) else plot
        sets = ", ".join(f"{k} = %s" for k in cols)
        self.conn.execute(f"UPDATE plots SET {sets} WHERE id = %s", [*cols.values(), pid])

    def road(self, points, status: str = "in_service", planned_completion=None,
             name: str = "test road") -> int:
        return self.conn.execute(
            "INSERT INTO roads (park_id, name, status, planned_completion, geom)"
            " VALUES (%s, %s, %s, %s, ST_GeomFromText(%s, 4490)) RETURNING id",
            [self.park, name, status, planned_completion, line_wkt(points)]).fetchone()["id"]

    def network(self, utility: str, geometry, status: str = "in_service",
                planned_completion=None, name: str | None = None) -> int:
        """A network feature: a line (list of GK points) or a facility (one GK point)."""
        wkt = point_wkt(geometry) if isinstance(geometry, tuple) else line_wkt(geometry)
        return self.conn.execute(
            "INSERT INTO networks (park_id, utility, name, status, planned_completion, geom)"
            " VALUES (%s, %s, %s, %s, %s, ST_GeomFromText(%s, 4490)) RETURNING id",
            [self.park, utility, name or f"test {utility}", status, planned_completion,
             wkt]).fetchone()["id"]

    def zone(self, admitted: list[str], code: str | None = None) -> int:
        code = code or f"TZ-{next(_codes)}"
        x0, y0 = ORIGIN
        return self.conn.execute(
            "INSERT INTO zones (park_id, code, name, admitted_industries, geom)"
            " VALUES (%s, %s, %s, %s, ST_GeomFromText(%s, 4490)) RETURNING id",
            [self.park, code, f"test zone {code}", admitted,
             polygon_wkt(square(x0 - 500, y0 - 500, 5_000))]).fetchone()["id"]

    def project(self, industry: str | None, plots=(), stage: str = "started",
                claims=None, code: str | None = None) -> int:
        """A project on `plots`; claims gives each plot's claimed_area_m2 (None = whole)."""
        code = code or f"TP-{next(_codes)}"
        pid = self.conn.execute(
            "INSERT INTO projects (park_id, code, name, industry_code, stage)"
            " VALUES (%s, %s, %s, %s, %s) RETURNING id",
            [self.park, code, f"test project {code}", industry, stage]).fetchone()["id"]
        claims = claims if claims is not None else [None] * len(plots)
        for plot, claimed in zip(plots, claims, strict=True):
            self.conn.execute(
                "INSERT INTO project_plots (project_id, plot_id, claimed_area_m2)"
                " VALUES (%s, %s, %s)", [pid, plot.id, claimed])
        return pid


@dataclass
class Status:
    """One evaluate_status() row, with helpers to read its flags and reasons."""

    row: dict

    @property
    def flags(self) -> set[str]:
        return set(self.row["flags"])

    @property
    def rules(self) -> list[str]:
        return [r["rule"] for r in self.row["reasons"]]

    def reason(self, rule: str) -> dict:
        found = [r for r in self.row["reasons"] if r["rule"] == rule]
        assert len(found) == 1, f"expected one {rule} reason, got {self.rules}"
        return found[0]


def evaluate(site: Site, plot: Plot | int, as_of: date) -> Status:
    pid = plot.id if isinstance(plot, Plot) else plot
    rows = site.conn.execute("SELECT * FROM evaluate_status(%s, %s, %s::int[])",
                             [site.park, as_of, [pid]]).fetchall()
    assert len(rows) == 1, rows
    assert rows[0]["evaluated_on"] == as_of
    return Status(rows[0])



def app_url(db_url: str) -> str:
    """The URL the app uses for a test database: as the unprivileged app role, as in
    production, when the server has it (the local cluster); else as the owner."""
    password_file = config.VAR / "db-app-password"
    if os.environ.get("DATABASE_URL") or not password_file.exists():
        return db_url
    info = psycopg.conninfo.conninfo_to_dict(db_url)
    info.update(user=config.APP_ROLE, password=password_file.read_text().strip())
    return psycopg.conninfo.make_conninfo(**info)


@contextlib.contextmanager
def serving(application):
    """Base URL of `application` served on 127.0.0.1 by a real WSGI server in a thread,
    while the block runs."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)


def run_jobs(db_url: str) -> int:
    """Run the waiting jobs with one worker, as `parkatlas jobs work --once` does; how many."""
    from app.jobs import worker

    settings = worker.Settings(workers=0, stale_seconds=60, retention_hours=24,
                               poll_seconds=0.1)
    return worker.Worker(app_url(db_url), settings).work(threading.Event(), once=True)


def make_app(db_url: str, **overrides):
    """The app on a test database, with test settings, connected as the app's role; the CLI
    parts (ADMIN_DATABASE_URL) as the owner."""
    settings = {"DATABASE_URL": app_url(db_url), "ADMIN_DATABASE_URL": db_url,
                "TESTING": True, "SECRET_KEY": "test-secret", "DB_POOL_MAX": 4,
                # no job worker threads: a test that wants one runs a Worker or asks
                "JOB_WORKERS": 0, **overrides}
    return create_app(settings)


# ---------------------------------------------------------------------------------------
# Data set folders (the gis_data format) for the loader and the CLI
# ---------------------------------------------------------------------------------------

def lonlat_square(lon: float, lat: float, size: float = 0.001) -> dict:
    """A GeoJSON square in CGCS2000 degrees with its south-west corner at (lon, lat)."""
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size],
            [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def write_dataset(folder, code: str = "TINY", centre=(113.0, 29.45), plots=None,
                  settings: dict | None = None) -> Path:
    """A park folder `folder/<code>` with one zone around `plots` (property dicts with a
    `geometry`; default two plots near the centre); returns the data set folder."""
    lon, lat = centre
    plots = plots if plots is not None else [
        {"code": "T-01", "geometry": lonlat_square(lon, lat)},
        {"code": "T-02", "geometry": lonlat_square(lon + 0.002, lat)}]
    lons = [x for p in plots for x, _y in p["geometry"]["coordinates"][0]] + [lon]
    lats = [y for p in plots for _x, y in p["geometry"]["coordinates"][0]] + [lat]
    west, east, south, north = min(lons) - 0.01, max(lons) + 0.01, min(lats) - 0.01, \
        max(lats) + 0.01
    park = Path(folder) / code
    park.mkdir(parents=True)
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4490"}}

    def collection(features):
        return {"type": "FeatureCollection", "crs": crs, "features": features}

    zone = {"type": "Polygon", "coordinates": [[[west, south], [east, south], [east, north],
                                                [west, north], [west, south]]]}
    files = {
        "park.json": {"code": code, "name": f"测试园区 {code}", "centre": [lon, lat],
                      "settings": settings or {}},
        "zones.geojson": collection([{"type": "Feature", "geometry": zone, "properties": {
            "code": "Z", "name": "测试片区", "admitted_industries": []}}]),
        "plots.geojson": collection([
            {"type": "Feature", "geometry": p["geometry"],
             "properties": {"zone": "Z", **{k: v for k, v in p.items() if k != "geometry"}}}
            for p in plots]),
    }
    for name, data in files.items():
        (park / name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return Path(folder)


def table_checksums(conn) -> dict[str, str]:
    """Table name → md5 of all its rows in a fixed order, for every table in public: equal
    before and after means nothing was written."""
    tables = [r["tablename"] for r in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
    return {t: conn.execute(f'SELECT md5(coalesce(string_agg(x::text, \'|\' ORDER BY x::text),'
                            f' \'\')) AS m FROM "{t}" x').fetchone()["m"] for t in tables}


def incoming(features, crs: int | None = GK_EPSG, fmt: str = "shp", **extra):
    """An `Incoming` as a reader would hand it on, built by hand: `features` are
    (shapely geometry or None, properties) in the CRS `crs`, numbered from 1."""
    from shapely.geometry import Polygon

    from app.errors import Text
    from app.imports.incoming import Feature, Incoming

    return Incoming(fmt, None, [], [
        Feature(n, Text("feature %(n)d", n=n),
                Polygon(g) if isinstance(g, list) else g, dict(props))
        for n, (g, props) in enumerate(features, 1)], crs=crs, **extra)


def gk_feature_collection(features, crs: int | None = GK_EPSG) -> dict:
    """A GeoJSON FeatureCollection of (GK ring, properties), in the GK CRS `crs` named as
    GDAL writes it (or without a crs member)."""
    return {"type": "FeatureCollection",
            **({"crs": {"type": "name", "properties": {"name": f"EPSG:{crs}"}}} if crs else {}),
            "features": [{"type": "Feature", "properties": props,
                          "geometry": {"type": "Polygon", "coordinates": [ring]}}
                         for ring, props in features]}


def bare_gbk_shapefile(folder: Path, columns: dict[str, list], squares: list) -> Path:
    """地块.zip in `folder`: a zipped Shapefile as older ArcGIS/MapGIS writes it, GBK
    attributes with no .cpg and no .prj; `squares` are rings in GK zone 38 with the zone
    prefix (EPSG:4526), `columns` the attribute table."""
    import zipfile

    import geopandas as gpd
    import pyogrio
    from shapely.geometry import Polygon

    frame = gpd.GeoDataFrame(columns, geometry=[Polygon(r) for r in squares], crs=4526)
    parts = folder / "shp"
    parts.mkdir()
    pyogrio.write_dataframe(frame, parts / "地块.shp", encoding="GBK")
    for extra in ("地块.cpg", "地块.prj"):
        (parts / extra).unlink()
    archive = folder / "地块.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for member in sorted(parts.iterdir()):
            z.write(member, member.name)
    return archive



def cass_dxf(path: Path, parcels: list[tuple[list, list, str]]) -> Path:
    """A surveyor's CASS drawing in GBK ($DWGCODEPAGE ANSI_936, R2000, no CRS): each
    parcel (outer ring, hole rings, ZDH number) as closed polylines on JZX, its corners
    as points on JZD and its number as a text on ZDH inside it; coordinates in GK zone 38
    with the zone prefix, CAD x = easting."""
    import ezdxf

    doc = ezdxf.new("R2000")
    doc.encoding = "gbk"
    msp = doc.modelspace()
    for name in ("JZX", "JZD", "ZDH"):
        doc.layers.add(name)
    for outer, holes, number in parcels:
        for ring in (outer, *holes):
            msp.add_lwpolyline(ring, close=True, dxfattribs={"layer": "JZX"})
        for x, y in outer:
            msp.add_point((x, y), dxfattribs={"layer": "JZD"})
        x, y = outer[0]
        msp.add_text(number, dxfattribs={"layer": "ZDH", "insert": (x + 3, y + 3)})
    doc.saveas(path)
    return path


def two_layer_dxf(path: Path, x: float, y: float) -> Path:
    """A CASS drawing (as cass_dxf) with parcels CAD-A1, CAD-A2 on JZX and CAD-B1 drawn on
    another layer, DK; each numbered by a ZDH text inside it. 100 m squares from (x, y)
    eastwards, 200 m apart."""
    import ezdxf

    cass_dxf(path, [(square(x + 200 * i, y, 100), [], f"CAD-A{i + 1}") for i in range(2)])
    drawing = ezdxf.readfile(path)
    drawing.layers.add("DK")
    drawing.modelspace().add_lwpolyline(square(x + 400, y, 100), close=True,
                                        dxfattribs={"layer": "DK"})
    drawing.modelspace().add_text("CAD-B1", dxfattribs={"layer": "ZDH",
                                                        "insert": (x + 450, y + 50)})
    drawing.saveas(path)
    return path


def approval_txt(path: Path, parcels: list[tuple[list, str, str, str]]) -> Path:
    """The 报批坐标 TXT (DESIGN §4.8) in GBK: each parcel (ring in GK zone 38 with the zone
    prefix as (easting, northing), 地块编号, 地块名称, 地类编码), its area in 公顷, the
    points as X = northing, Y = easting, closed by repeating J1."""
    from shapely.geometry import Polygon

    lines = ["[属性描述]", "格式版本号=1.01", "数据产生单位=某某园区管委会",
             "坐标系=2000国家大地坐标系", "几度分带=3", "投影类型=高斯克吕格", "计量单位=米",
             "带号=38", "精度=0.05", "转换参数=,,,,,,", "[地块坐标]"]
    for ring, code, name, land_class in parcels:
        ring = ring[:-1] if ring[0] == ring[-1] else ring
        area_ha = Polygon(ring).area / 1e4
        lines.append(f"{len(ring) + 1},{area_ha:.6f},{code},{name},面,,工业用地,{land_class},@")
        for i, (e, n) in enumerate([*ring, ring[0]]):
            lines.append(f"J{i % len(ring) + 1},1,{n:.4f},{e:.4f}")
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("gbk"))
    return path


def pdf_text(pdf: bytes) -> str | None:
    """The text of a PDF by poppler's pdftotext (None where it is not installed)."""
    try:
        done = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                              check=True)
    except FileNotFoundError:
        return None
    return done.stdout.decode()
