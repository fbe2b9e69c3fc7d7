"""GDAL (Debian's 3.6, the OAPIF driver) as a real client of /ogc: it lists the
collections, reads every plot through several pages with a Bearer header and with HTTP
Basic (the token as the password), copies them to a GeoPackage with the same areas, and
a bbox query returns the plots SQL finds."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess

import pytest
import shapely

from tests.gdal_cli import ogrinfo


def _plots(conn) -> dict[str, float]:
    return {r["code"]: r["area_m2"] for r in conn.execute("SELECT code, area_m2 FROM plots")}


def _bearer(token: str) -> dict[str, str]:
    return {"GDAL_HTTP_HEADERS": f"Authorization: Bearer {token}"}


def _basic(token: str) -> dict[str, str]:
    return {"GDAL_HTTP_AUTH": "BASIC", "GDAL_HTTP_USERPWD": f"qgis-user:{token}"}


def test_ogrinfo_lists_the_collections(ogc_server, tokens, ogc_conn):
    listed = ogrinfo(f"OAPIF:{ogc_server}", config=_bearer(tokens["viewer"])).stdout
    names = re.findall(r"^\d+: (\S+)", listed, re.MULTILINE)
    assert names[:5] == ["plots", "zones", "roads", "networks", "projects"], listed


@pytest.mark.parametrize("auth", [_bearer, _basic])
def test_ogrinfo_reads_every_plot_through_keyset_pages(ogc_server, tokens, ogc_conn, auth):
    run = ogrinfo("-al", "-oo", "PAGE_SIZE=37", f"OAPIF:{ogc_server}", "plots",
                  config={**auth(tokens["viewer"]), "CPL_DEBUG": "ON"})
    codes = re.findall(r"^  code \(String\) = (\S+)$", run.stdout, re.MULTILINE)
    expected = _plots(ogc_conn)
    assert sorted(codes) == sorted(expected)  # each plot once: no page skipped or repeated
    pages = set(re.findall(r"items\?[^\s)]*after=(\d+)", run.stderr))
    assert len(pages) >= len(expected) // 37, run.stderr[-2000:]  # followed the next links
    assert "offset=" not in run.stderr


def test_ogrinfo_is_refused_without_a_token(ogc_server):
    with pytest.raises(subprocess.CalledProcessError) as refused:
        ogrinfo(f"OAPIF:{ogc_server}")
    assert b"401" in refused.value.stderr


def test_ogr2ogr_copies_the_plots_to_a_geopackage_with_their_areas(ogc_server, tokens,
                                                                   ogc_conn, tmp_path):
    gk = ogc_conn.execute("SELECT gk_epsg_prefixed FROM parks ORDER BY id LIMIT 1"
                          ).fetchone()["gk_epsg_prefixed"]
    out = tmp_path / "plots.gpkg"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CPL_", "GDAL_", "OGR_"))}
    subprocess.run(["ogr2ogr", "-f", "GPKG", "-t_srs", f"EPSG:{gk}", "-oo", "PAGE_SIZE=150",
                    "-oo", f"USERPWD=someone:{tokens['viewer']}", str(out),
                    f"OAPIF:{ogc_server}", "plots"], check=True, env=env, capture_output=True,
                   timeout=120)
    with sqlite3.connect(out) as gpkg:
        copied = {code: _gpkg_geometry(blob).area
                  for code, blob in gpkg.execute("SELECT code, geom FROM plots")}
    expected = _plots(ogc_conn)
    assert copied.keys() == expected.keys()
    for code, area in expected.items():
        assert copied[code] == pytest.approx(area, abs=0.01), code


def _gpkg_geometry(blob: bytes):
    """The geometry of a GeoPackage blob: magic, version, flags, srs id, envelope, WKB."""
    envelope = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(blob[3] >> 1) & 7]
    return shapely.from_wkb(bytes(blob[8 + envelope:]))


def test_a_bbox_read_by_gdal_returns_the_plots_sql_finds(ogc_server, tokens, ogc_conn):
    box = (112.99, 29.44, 113.0, 29.45)
    expected = {r["code"] for r in ogc_conn.execute(
        "SELECT code FROM plots WHERE ST_Intersects(geom, ST_MakeEnvelope(%s, %s, %s, %s, 4490))",
        box)}
    assert 0 < len(expected) < 400
    run = ogrinfo("-al", "-spat", *map(str, box), "-oo", "PAGE_SIZE=20", f"OAPIF:{ogc_server}",
                  "plots", config=_basic(tokens["viewer"]))
    codes = set(re.findall(r"^  code \(String\) = (\S+)$", run.stdout, re.MULTILINE))
    assert codes == expected
