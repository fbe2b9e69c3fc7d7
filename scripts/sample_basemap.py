"""Make the sample offline basemap of the demo park: a raster MBTiles package drawn with
Pillow from the demo's own zones, plots and roads (gis_data/demo), z12–z17, nothing
downloaded. `make demo` runs it once; serve it with PARKATLAS_BASEMAP=<the file>.

Usage: .venv/bin/python scripts/sample_basemap.py [--if-missing] OUT.mbtiles
"""

from __future__ import annotations

import argparse
import io
import json
import math
import sqlite3
from pathlib import Path

from PIL import Image, ImageDraw

DEMO = Path(__file__).resolve().parent.parent / "gis_data" / "demo" / "JSCY"
SIZE = 256
ZOOMS = range(12, 18)
LAND, ZONE, ZONE_EDGE, PLOT_EDGE = "#f2efe6", "#e2ead6", "#a9bd96", "#d6d0c2"
ROAD, ROAD_CASING = "#ffffff", "#bdb5a4"
ROAD_METRES = {"arterial": 40, "secondary": 24, "branch": 14}


def pixel(lon: float, lat: float, z: int) -> tuple[float, float]:
    """Global Web Mercator pixel of a point at a zoom (256-pixel tiles)."""
    scale = SIZE * 2**z
    return ((lon + 180) / 360 * scale,
            (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * scale)


def rings(geometry: dict):
    """The exterior rings of a (Multi)Polygon, or the lines of a (Multi)LineString."""
    kind, coords = geometry["type"], geometry["coordinates"]
    if kind == "Polygon":
        return [coords[0]]
    if kind == "MultiPolygon":
        return [polygon[0] for polygon in coords]
    if kind == "LineString":
        return [coords]
    if kind == "MultiLineString":
        return coords
    return []


def features(name: str) -> list[dict]:
    return json.loads((DEMO / f"{name}.geojson").read_text(encoding="utf-8"))["features"]


def draw_tile(z: int, x: int, y: int, layers: dict) -> bytes:
    image = Image.new("RGB", (SIZE, SIZE), LAND)
    pen = ImageDraw.Draw(image)

    def local(line):
        return [(px - x * SIZE, py - y * SIZE) for px, py in (pixel(lon, lat, z)
                                                              for lon, lat, *_ in line)]

    metres_per_pixel = 2 * math.pi * 6378137 * math.cos(math.radians(29.45)) / (SIZE * 2**z)
    for f in layers["zones"]:
        for ring in rings(f["geometry"]):
            pen.polygon(local(ring), fill=ZONE, outline=ZONE_EDGE)
    if z >= 15:
        for f in layers["plots"]:
            for ring in rings(f["geometry"]):
                pen.line(local(ring), fill=PLOT_EDGE, width=1)
    for casing in (True, False):
        for f in layers["roads"]:
            metres = ROAD_METRES.get(f["properties"].get("class"), 14)
            width = max(1, round(metres / metres_per_pixel))
            for line in rings(f["geometry"]):
                pen.line(local(line), fill=ROAD_CASING if casing else ROAD,
                         width=width + 2 if casing else width, joint="curve")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def bounds(layers: dict) -> tuple[float, float, float, float]:
    points = [p for f in layers["zones"] for ring in rings(f["geometry"]) for p in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return min(lons), min(lats), max(lons), max(lats)


def write(out: Path) -> int:
    layers = {name: features(name) for name in ("zones", "plots", "roads")}
    west, south, east, north = bounds(layers)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    count = 0
    with sqlite3.connect(partial) as db:
        db.executescript("""CREATE TABLE metadata (name text, value text);
            CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer,
                                tile_data blob);
            CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);""")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", [
            ("name", "ParkAtlas demo basemap"), ("format", "png"), ("type", "baselayer"),
            ("version", "1"), ("minzoom", str(ZOOMS[0])), ("maxzoom", str(ZOOMS[-1])),
            ("bounds", f"{west},{south},{east},{north}"),
            ("center", f"{(west + east) / 2},{(south + north) / 2},14"),
            ("description", "Drawn from the demo park's zones, plots and roads"),
            ("attribution", "ParkAtlas demo data")])
        for z in ZOOMS:
            x0, y0 = (int(v // SIZE) for v in pixel(west, north, z))
            x1, y1 = (int(v // SIZE) for v in pixel(east, south, z))
            for x in range(x0, x1 + 1):
                for y in range(y0, y1 + 1):
                    db.execute("INSERT INTO tiles VALUES (?, ?, ?, ?)",
                               (z, x, (1 << z) - 1 - y, draw_tile(z, x, y, layers)))
                    count += 1
    partial.replace(out)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--if-missing", action="store_true", help="keep an existing file")
    args = parser.parse_args()
    if args.if_missing and args.out.exists():
        return
    print(f"sample basemap: {write(args.out)} tiles in {args.out}")


if __name__ == "__main__":
    main()
