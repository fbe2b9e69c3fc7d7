"""Staging and validation of an import in PostGIS.

The features of an `Incoming` go, with their mapped values, into a temporary table in ONE
COPY (geometry as WKB); one INSERT stages them transformed from the file's CRS to CGCS2000
and the park's GK CRS (each row written once: no UPDATE pass over the staged rows); one
query (`sql/queries/imports/problems.sql`) finds every problem of every feature at once —
nothing is checked feature by feature in SQL. The tables live as long as the transaction
that filled them: the caller's, which also commits (app.imports.commit) or only previews.
Each problem names the feature (`Feature.where`), the field and what is
wrong, in the user's language.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
import shapely

from .. import plots
from ..db import queries
from ..errors import BadRequest, Text, record_problem
from ..labels import N_
from . import mapping as mappings
from .incoming import Incoming, dump

# GeometryType() names a layer's rows may have (its table's column type, before ST_Multi)
TYPES = {"plots": ("POLYGON", "MULTIPOLYGON"), "zones": ("POLYGON", "MULTIPOLYGON"),
         "roads": ("LINESTRING", "MULTILINESTRING"),
         "networks": ("LINESTRING", "MULTILINESTRING", "POINT")}
TYPE_NAMES = {"plots": N_("polygon"), "zones": N_("polygon"), "roads": N_("line"),
              "networks": N_("line or point")}
MODES = ("insert", "upsert", "replace")
TREATMENTS = ("refuse", "skip", "repair")

EMPTY = N_("the feature has no geometry")
WRONG_TYPE = N_("is a %(type)s; this layer takes a %(expected)s")
INVALID = N_("the geometry is not valid: %(reason)s at longitude %(lon)s, latitude %(lat)s")
DUPLICATE_IN_FILE = N_("the code %(code)s was already used by %(first)s")
DUPLICATE_IN_PARK = N_("the park already has the code %(code)s (update by code to change it)")
OVERLAP = N_("overlaps plot %(code)s by %(area_m2)s m², more than the %(limit_m2)s m² the "
             "park setting editing.max_overlap_m2 allows")
OVERLAP_IN_FILE = N_("overlaps %(first)s of the same file by %(area_m2)s m², more than the "
                     "%(limit_m2)s m² the park setting editing.max_overlap_m2 allows")
AREA = N_("the declared area is %(declared_m2)s m², the Gauss-Krüger area %(measured_m2)s m²: "
          "more than 1%% apart")
AREA_UNIT = N_("the declared area is %(declared_m2)s m², the Gauss-Krüger area "
               "%(measured_m2)s m²: the declared area looks like %(looks)s, not %(unit)s")
LAND_CLASS = N_("%(code)s is not a land class code of GB/T 21010")
ZONE = N_("%(code)s is not a zone code of this park")
NO_CRS = N_("the file does not say its coordinate system: choose one (EPSG code)")
NO_FEATURES = N_("the file holds no features")
MESSAGES = {"empty": EMPTY, "wrong_type": WRONG_TYPE, "invalid": INVALID,
            "duplicate_in_file": DUPLICATE_IN_FILE, "duplicate_in_park": DUPLICATE_IN_PARK,
            "overlap": OVERLAP, "overlap_in_file": OVERLAP_IN_FILE, "area": AREA,
            "land_class": LAND_CLASS, "zone": ZONE}
# ST_IsValidDetail's reasons (GEOS), in the catalogue
REASONS = {"Self-intersection": N_("self-intersection"),
           "Ring Self-intersection": N_("ring self-intersection"),
           "Too few points": N_("too few points"),
           "Interior is disconnected": N_("interior is disconnected"),
           "Hole lies outside shell": N_("hole lies outside the shell"),
           "Nested holes": N_("nested holes"), "Nested shells": N_("nested shells"),
           "Duplicate Rings": N_("duplicate rings"),
           "Invalid Coordinate": N_("invalid coordinate")}


# How a message names a field: the plot form's labels, and these for the rest
FIELD_NAMES = {"geometry": N_("Geometry"), "code": N_("Code"), "zone": N_("Zone"),
               mappings.DECLARED_AREA: N_("Declared area"),
               mappings.LAND_CLASS_NAME: N_("Land class name"), "class": N_("Road class"),
               "width_m": N_("Width (m)"), "status": N_("Status"),
               "planned_completion": N_("Planned completion"), "utility": N_("Utility"),
               "subtype": N_("Subtype"), "name_en": N_("English name")}


def field_name(key: str) -> Text | str:
    """A field as a message names it: its label in the user's language, else its key."""
    label = FIELD_NAMES.get(key) or plots.FIELDS.get(key)
    return Text(label) if label else key


@dataclass(frozen=True)
class Problem:
    """One problem of one feature: its number, where it is, the field and what is wrong."""

    n: int
    where: Text
    field: str
    kind: str
    text: Text  # "第 3 个要素, field code: …"
    repairable: bool = False

    def as_json(self) -> dict:
        return {"n": self.n, "where": self.where, "field": self.field, "kind": self.kind,
                "message": self.text}


@dataclass
class Staged:
    """What the staging found: the features' values, the problems, the features repaired."""

    layer: str
    park_id: int
    srid: int
    values: dict[int, dict]  # n → mapped values
    problems: list[Problem]
    repaired: set[int]

    def problem_features(self) -> set[int]:
        return {p.n for p in self.problems}


def source_fields(incoming: Incoming) -> list[str]:
    """The property names of the file, in the order first seen."""
    seen: dict[str, None] = {}
    for feature in incoming.features:
        seen.update(dict.fromkeys(feature.properties))
    return list(seen)


def crs_of(incoming: Incoming, chosen: int | None) -> int:
    """The EPSG code to read the coordinates in: the user's, the file's, or the one
    candidate; several candidates or none is a question to the user."""
    if chosen is not None:
        return chosen
    if incoming.crs is not None:
        return incoming.crs
    if len(incoming.crs_candidates) == 1:
        return incoming.crs_candidates[0].epsg
    raise BadRequest(Text(NO_CRS), code="crs_required",
                     details={"candidates": [{"epsg": c.epsg, "name": c.name}
                                             for c in incoming.crs_candidates]})


def _rows(layer: str, incoming: Incoming, mapping: mappings.Mapping, field_problems: list,
          values: dict[int, dict]):
    """The COPY rows (n, code, vals, declared_m2, wkb, place, layer), collecting the field
    problems."""
    features = incoming.features
    wkbs = shapely.to_wkb([f.geometry for f in features], output_dimension=2)
    for feature, wkb in zip(features, wkbs, strict=True):
        vals, problems = mappings.apply(layer, mapping, feature.properties)
        values[feature.n] = vals
        field_problems.extend((feature.n, f, p) for f, p in problems)
        code = vals.get("code")
        yield (feature.n, code if isinstance(code, str) else None,
               json.dumps({k: v for k, v in vals.items() if k not in mappings.NOT_STORED},
                          ensure_ascii=False),
               vals.get(mappings.DECLARED_AREA), wkb,
               json.dumps(dump(feature.where), ensure_ascii=False), feature.layer)


def stage(conn: psycopg.Connection, park_id: int, layer: str, incoming: Incoming,
          mapping: mappings.Mapping, srid: int, *, mode: str = "insert",
          zone_id: int | None = None, treatment: str = "refuse",
          progress: Callable[[int], None] | None = None) -> Staged:
    """Fill the staging table (inside the caller's transaction) and find every problem;
    with treatment `repair`, invalid geometries are made valid first (and so named)."""
    mappings.targets(layer)
    if not incoming.features:
        raise BadRequest(Text(NO_FEATURES), code="no_features")
    q = queries().imports
    q.create_stage(conn)
    values: dict[int, dict] = {}
    field_problems: list[tuple[int, str, Text]] = []
    with conn.cursor().copy("COPY import_read (n, code, vals, declared_m2, wkb, place, layer) "
                            "FROM STDIN") as copy:
        for i, row in enumerate(_rows(layer, incoming, mapping, field_problems, values), 1):
            copy.write_row(row)
            if progress is not None and i % 1000 == 0:
                progress(1000)
    if progress is not None:
        progress(len(incoming.features) % 1000)
    q.transform(conn, park_id=park_id, srid=srid)
    q.index_stage(conn)
    repaired: set[int] = set()
    if treatment == "repair":
        q.repair(conn, park_id=park_id)
        repaired = {r["n"] for r in q.repaired(conn)}
    return Staged(layer, park_id, srid, values,
                  problems(conn, park_id, layer, incoming, mapping, field_problems,
                           mode=mode, zone_id=zone_id), repaired)


def problems(conn: psycopg.Connection, park_id: int, layer: str, incoming: Incoming,
             mapping: mappings.Mapping, field_problems: list[tuple[int, str, Text]], *,
             mode: str, zone_id: int | None) -> list[Problem]:
    """The staged features' problems (the SQL validation's and the fields'), in file order."""
    where = {f.n: f.where for f in incoming.features}
    found = [_problem(where, layer, mapping, r["n"], r["field"], r["kind"], r["detail"] or {})
             for r in queries().imports.problems(
                 conn, park_id=park_id, layer=layer, types=list(TYPES[layer]), mode=mode,
                 zone_id=zone_id)]
    found += [Problem(n, where[n], field, "field",
                      record_problem(where[n], field_name(field), text))
              for n, field, text in field_problems]
    return sorted(found, key=lambda p: (p.n, p.field, p.kind))


def _problem(where: dict[int, Text], layer: str, mapping: mappings.Mapping, n: int,
             field: str, kind: str, detail: dict) -> Problem:
    values = dict(detail)
    msgid = MESSAGES[kind]
    if kind == "wrong_type":
        values["expected"] = Text(TYPE_NAMES[layer])
    elif kind == "invalid":
        values["reason"] = Text(REASONS[values["reason"]]) if values["reason"] in REASONS \
            else values["reason"]
    elif kind in ("duplicate_in_file", "overlap_in_file"):
        values["first"] = where[values["first"]]
    elif kind == "area" and (looks := _looks_like(values["ratio"], mapping.area_unit)):
        msgid = AREA_UNIT
        values.update(looks=Text(mappings.UNIT_NAMES[looks]),
                      unit=Text(mappings.UNIT_NAMES[mapping.area_unit]))
    values.pop("ratio", None)
    return Problem(n, where[n], field, kind,
                   record_problem(where[n], field_name(field), Text(msgid, **values)),
                   repairable=kind == "invalid")


def _looks_like(ratio: float, unit: str) -> str | None:
    """The unit the declared area was written in, when measured/declared says so (a
    declared 12.5 for 125 000 m² is 公顷, not m²)."""
    for other, factor in mappings.UNITS.items():
        expected = factor / mappings.UNITS[unit]
        if other != unit and abs(float(ratio) / expected - 1) <= 0.01:
            return other
    return None


def preview(conn: psycopg.Connection, limit: int = 5000) -> dict:
    """The staged features as a GeoJSON FeatureCollection in EPSG:4326 (n, code, the mapped
    values) for the preview map, at most `limit` of them."""
    return queries().imports.preview(conn, lim=limit)
