"""The offline basemap (issue 14 item 6): the sample package made at set-up from the demo's
own data, served tile by tile with its TileJSON; a vector package's gzip tiles; access as
for the map; no package configured."""

from __future__ import annotations

import gzip
import io
import sqlite3
from pathlib import Path

import pytest
from PIL import Image

from app.tiles.tile import address
from tests.builders import make_app
from tests.client import api_error, login

DEMO_CENTRE = (113.0, 29.448)


@pytest.fixture
def sample(sample_basemap) -> Path:
    return sample_basemap


@pytest.fixture
def served(db_url, sample):
    app = make_app(db_url, BASEMAP=str(sample))
    yield app
    app.extensions["parkatlas_pool"].close()


def test_the_sample_package_is_served_tile_by_tile(served):
    client = login(served.test_client(), "viewer")
    for z in (12, 14, 17):
        x, y = address(*DEMO_CENTRE, z)
        response = client.get(f"/basemap/{z}/{x}/{y}")
        assert response.status_code == 200, z
        assert response.mimetype == "image/png"
        assert response.headers["Cache-Control"] == "private, max-age=86400"
        image = Image.open(io.BytesIO(response.data))
        assert image.size == (256, 256)
        assert len(image.convert("RGB").getcolors(256 * 256)) > 1, "the tile draws the park"


def test_a_tile_the_package_lacks_is_an_empty_204(served):
    client = login(served.test_client(), "viewer")
    response = client.get("/basemap/14/0/0")
    assert response.status_code == 204 and response.data == b""
    assert client.get("/basemap/18/1/1").status_code == 204


def test_tilejson_of_the_package(served):
    client = login(served.test_client(), "guest")
    doc = client.get("/basemap/tilejson.json").get_json()
    assert doc["tilejson"] == "3.0.0"
    assert doc["tiles"] == ["http://localhost/basemap/{z}/{x}/{y}"]
    assert (doc["format"], doc["minzoom"], doc["maxzoom"], doc["vector"]) == ("png", 12, 17,
                                                                              False)
    west, south, east, north = doc["bounds"]
    assert west < DEMO_CENTRE[0] < east and south < DEMO_CENTRE[1] < north


def test_the_basemap_needs_a_login_like_the_map(served):
    client = served.test_client()
    x, y = address(*DEMO_CENTRE, 14)
    api_error(client.get(f"/basemap/14/{x}/{y}"), 401)
    api_error(client.get("/basemap/tilejson.json"), 401)
    assert login(client, "guest").get(f"/basemap/14/{x}/{y}").status_code == 200


def test_without_a_package_the_basemap_is_a_404(client):
    login(client, "viewer")
    error = api_error(client.get("/basemap/tilejson.json"), 404)
    assert "PARKATLAS_BASEMAP" in error["message"] and "底图" in error["message"]
    api_error(client.get("/basemap/14/1/1"), 404)


def test_a_vector_package_serves_its_gzip_tiles_as_they_are(db_url, tmp_path):
    path = tmp_path / "vector.mbtiles"
    body = gzip.compress(b"\x1a\x00")  # an (empty) MVT, gzip-compressed as MBTiles keeps it
    with sqlite3.connect(path) as db:
        db.executescript("""CREATE TABLE metadata (name text, value text);
            CREATE TABLE tiles (zoom_level integer, tile_column integer, tile_row integer,
                                tile_data blob);
            INSERT INTO metadata VALUES ('format', 'pbf'), ('name', 'v');""")
        db.execute("INSERT INTO tiles VALUES (3, 6, 4, ?)", (body,))  # XYZ 3/6/3
    app = make_app(db_url, BASEMAP=str(path))
    try:
        client = login(app.test_client(), "viewer")
        response = client.get("/basemap/3/6/3")
        assert response.status_code == 200 and response.data == body
        assert response.mimetype == "application/vnd.mapbox-vector-tile"
        assert response.headers["Content-Encoding"] == "gzip"
        doc = client.get("/basemap/tilejson.json").get_json()
        assert (doc["vector"], doc["minzoom"], doc["maxzoom"]) == (True, 3, 3)
    finally:
        app.extensions["parkatlas_pool"].close()


def test_a_pmtiles_package_serves_the_same_tiles(db_url, sample, tmp_path):
    from pmtiles.convert import mbtiles_to_pmtiles

    path = tmp_path / "demo.pmtiles"
    mbtiles_to_pmtiles(str(sample), str(path), None)
    apps = [make_app(db_url, BASEMAP=str(p)) for p in (sample, path)]
    try:
        mb, pm = (login(a.test_client(), "viewer") for a in apps)
        for z in (12, 15, 17):
            x, y = address(*DEMO_CENTRE, z)
            tile = pm.get(f"/basemap/{z}/{x}/{y}")
            assert tile.status_code == 200 and tile.mimetype == "image/png"
            assert tile.data == mb.get(f"/basemap/{z}/{x}/{y}").data
        assert pm.get("/basemap/14/0/0").status_code == 204
        doc = pm.get("/basemap/tilejson.json").get_json()
        assert (doc["format"], doc["minzoom"], doc["maxzoom"]) == ("png", 12, 17)
        assert doc["bounds"] == pytest.approx(mb.get("/basemap/tilejson.json")
                                              .get_json()["bounds"], abs=1e-6)
    finally:
        for a in apps:
            a.extensions["parkatlas_pool"].close()
