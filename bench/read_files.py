"""Benchmark: reading large delivered files into an Incoming (issue 13: "reading a 20 000-
feature shp or DXF stays seconds"; no database: the readers issue no SQL per feature).

    .venv/bin/python -m bench.read_files [--features 20000]

Writes, into a temporary folder, a zipped GBK Shapefile without .cpg (encoding detected), a
GeoPackage, a CASS-style DXF (closed JZX polylines with a ZDH number each, R2018) and a
CSV coordinate list of that many plots, then times `app.imports.sources.read` of each
(best of two), and the ezdxf load alone for the DXF.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import zipfile
from pathlib import Path

import ezdxf
import geopandas as gpd
import pyogrio
from shapely.geometry import box

from app.imports import sources
from bench.common import timed

X0, Y0 = 38_405_000.0, 3_259_000.0


def corners(i: int) -> tuple[float, float]:
    return X0 + 20 * (i % 200), Y0 + 20 * (i // 200)


def write_files(folder: Path, n: int) -> dict[str, Path]:
    frame = gpd.GeoDataFrame(
        {"地块编号": [f"NQ-{i}" for i in range(n)], "DKMC": [f"南区第{i}号地块" for i in range(n)],
         "MJ": [100.0] * n},
        geometry=[box(*corners(i), corners(i)[0] + 10, corners(i)[1] + 10) for i in range(n)],
        crs=4526)
    shp = folder / "shp"
    shp.mkdir()
    pyogrio.write_dataframe(frame, shp / "plots.shp", encoding="GBK")
    (shp / "plots.cpg").unlink()
    with zipfile.ZipFile(folder / "plots.zip", "w", zipfile.ZIP_DEFLATED) as z:
        for member in shp.iterdir():
            z.write(member, member.name)
    pyogrio.write_dataframe(frame, folder / "plots.gpkg")
    doc = ezdxf.new("R2018")
    msp = doc.modelspace()
    for i in range(n):
        x, y = corners(i)
        msp.add_lwpolyline([(x, y), (x + 10, y), (x + 10, y + 10), (x, y + 10)], close=True,
                           dxfattribs={"layer": "JZX"})
        msp.add_text(f"ZD{i}", dxfattribs={"layer": "ZDH", "insert": (x + 5, y + 5)})
    doc.saveas(folder / "plots.dxf")
    lines = ["地块编号,点号,X,Y"]
    for i in range(n):
        x, y = corners(i)
        for k, (e, nn) in enumerate([(x, y), (x + 10, y), (x + 10, y + 10), (x, y + 10)]):
            lines.append(f"NQ-{i},J{k + 1},{nn:.3f},{e:.3f}")
    (folder / "plots.csv").write_text("\n".join(lines), encoding="utf-8")
    return {"zipped GBK Shapefile": folder / "plots.zip", "GeoPackage": folder / "plots.gpkg",
            "DXF (R2018, JZX + ZDH)": folder / "plots.dxf", "CSV list": folder / "plots.csv"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--features", type=int, default=20_000)
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; {args.features} plots per file")
    with tempfile.TemporaryDirectory() as folder:
        files = write_files(Path(folder), args.features)
        for label, path in files.items():
            best = cpu = None
            for _ in range(2):
                started = time.process_time()
                incoming, seconds = timed(sources.read, path, filename=path.name)
                used = time.process_time() - started
                best = seconds if best is None else min(best, seconds)
                cpu = used if cpu is None else min(cpu, used)
            assert len(incoming.features) == args.features, label
            size = path.stat().st_size / 1024 / 1024
            print(f"{label:26} {size:6.1f} MB  read {best:6.2f} s  (CPU {cpu:5.2f} s)")
        started = time.process_time()
        _, load = timed(ezdxf.readfile, files["DXF (R2018, JZX + ZDH)"])
        cpu = time.process_time() - started
        print(f"{'  of which ezdxf load':26} {'':6}     {load:6.2f} s  (CPU {cpu:5.2f} s)")


if __name__ == "__main__":
    main()
