"""The feature-layer registry: each layer's description serves its list and items."""

from __future__ import annotations

import pytest

from app import auth, labels, layers, params
from app.errors import BadRequest, Forbidden, NotFound

ALL = params.Page(limit=params.MAX_LIMIT, offset=0)
TABLES = {"zones": "zones", "plots": "plots", "roads": "roads", "networks": "networks",
          "projects": "projects"}


def test_every_layer_says_what_tiles_and_ogc_features_need():
    for layer in layers.LAYERS.values():
        assert layer.geometry and layer.geometry_types and layer.id_column and layer.order
        assert layer.role in auth.LEVELS
        assert layer.title and layer.noun


def test_a_guest_reads_its_own_variant_of_the_guest_layers_and_no_other():
    for name, layer in layers.LAYERS.items():
        for role in ("viewer", "planner", "admin"):
            assert layers.visible(name, role) is layer
        if layer.role == "guest":
            assert layers.visible(name, "guest") is layers.GUEST_LAYERS[name]
            assert layers.visible(name, None) is layers.GUEST_LAYERS[name]
        else:
            with pytest.raises(Forbidden):
                layers.visible(name, "guest")
    assert set(layers.GUEST_LAYERS) == {"zones", "roads", "plots"}


@pytest.mark.parametrize("name", sorted(layers.LAYERS))
def test_a_layer_lists_every_row_of_its_table(conn, name):
    result = layers.search(conn, layers.LAYERS[name], None, None, ALL)
    count = conn.execute(f"SELECT count(*) AS n FROM {TABLES[name]}").fetchone()["n"]
    assert result["matched"] == len(result["features"]) == count > 0
    one = result["features"][0]
    assert layers.get(conn, layers.LAYERS[name], one["id"])["geometry"] == one["geometry"]


@pytest.mark.parametrize("name,column,choices", [
    ("roads", "status", labels.STATUSES), ("networks", "utility", labels.UTILITIES),
    ("networks", "status", labels.STATUSES)])
def test_choice_filters_match_sql(conn, name, column, choices):
    layer = layers.LAYERS[name]
    for value in choices:
        got = layers.search(conn, layer, None, None, ALL, **{column: value})
        want = conn.execute(f"SELECT count(*) AS n FROM {name} WHERE {column} = %s",
                            (value,)).fetchone()["n"]
        assert got["matched"] == want
        assert all(f["properties"][column] == value for f in got["features"])


def test_filters_combine_with_park_and_bbox(conn):
    layer = layers.LAYERS["plots"]
    park_id = conn.execute("SELECT min(id) AS id FROM parks").fetchone()["id"]
    box = conn.execute("""SELECT ST_XMin(e) AS a, ST_YMin(e) AS b, ST_XMax(e) AS c,
                                 ST_YMax(e) AS d FROM (SELECT ST_Extent(geom) AS e FROM
                                 (SELECT geom FROM plots ORDER BY code LIMIT 20) s) x""").fetchone()
    bbox = (box["a"], box["b"], box["c"], box["d"])
    inside = layers.search(conn, layer, park_id, bbox, ALL)
    want = conn.execute("SELECT count(*) AS n FROM plots WHERE park_id = %s AND ST_Intersects("
                        "geom, ST_MakeEnvelope(%s, %s, %s, %s, 4490))",
                        (park_id, *bbox)).fetchone()["n"]
    assert inside["matched"] == want >= 20
    serviced = layers.search(conn, layer, park_id, bbox, ALL, serviced=True)
    raw = layers.search(conn, layer, park_id, bbox, ALL, serviced=False)
    assert all(f["properties"]["serviced"] for f in serviced["features"])
    assert not any(f["properties"]["serviced"] for f in raw["features"])
    assert serviced["matched"] + raw["matched"] == want


def test_projects_ignore_a_bbox_as_before(conn):
    layer = layers.LAYERS["projects"]
    assert not layer.bbox
    everywhere = layers.search(conn, layer, None, None, ALL)
    nowhere = layers.search(conn, layer, None, (0, 0, 0.001, 0.001), ALL)
    assert nowhere["matched"] == everywhere["matched"] > 0


def test_unknown_filters_and_values_are_refused(conn):
    with pytest.raises(BadRequest, match="roads cannot be filtered by utility"):
        layers.search(conn, layers.LAYERS["roads"], None, None, ALL, utility="water")
    with pytest.raises(BadRequest, match="stage must be one of planned, approved"):
        layers.search(conn, layers.LAYERS["plots"], None, None, ALL, stage="sold")


def test_a_missing_feature_is_not_found(conn):
    with pytest.raises(NotFound, match="no network feature with id 999999"):
        layers.get(conn, layers.LAYERS["networks"], 999999)
