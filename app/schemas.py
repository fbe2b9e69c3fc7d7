"""One JSON Schema per API request body, checked at the boundary (issue 9).

The schemas (JSON Schema 2020-12, checked by the `jsonschema` library) say every field's
type, range, length and allowed values, and refuse unknown keys; the OpenAPI document
serves the same schemas. A refused body is a BadRequest whose message names the field
and the problem in the user's language: the library's error kinds (type, maximum,
enum …) map to one translated message each (PROBLEMS), not one message per field.
Free of Flask.
"""

from __future__ import annotations

import math
import os
import re

from jsonschema import Draft202012Validator

from . import labels
from .errors import AREA_MAX, MONEY_MAX, NAME_MAX, NOTE_MAX, BadRequest, PayloadTooLarge, Text
from .labels import N_

MAX_DEPTH = 20          # nesting of a JSON body (a GeoJSON MultiPolygon needs 5)
MAX_VERTICES = int(os.environ.get("PARKATLAS_MAX_VERTICES", "10000"))  # of one geometry
# The plausible values the database's CHECKs hold too (one definition, in app.errors).
MAX_MONEY, MAX_AREA, MAX_NAME, MAX_NOTE = MONEY_MAX, AREA_MAX, NAME_MAX, NOTE_MAX
MAX_CODES = 10_000
# Text that goes into the exchange formats (报批坐标 TXT lines are comma-separated, one
# record a line): no comma, no line break, tab or other control character.
CLEAN_TEXT = r"^[^,\u0000-\u001f\u007f-\u009f\u2028\u2029]*$"
# GeoJSON `crs` names taken as lon/lat: CGCS2000 and WGS 84 differ by well under a metre.
LONLAT_CRS = frozenset({
    "EPSG:4326", "EPSG:4490", "urn:ogc:def:crs:EPSG::4326", "urn:ogc:def:crs:EPSG::4490",
    "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "OGC:CRS84"})


def _nullable(schema: dict) -> dict:
    return {"anyOf": [schema, {"type": "null"}]}


def _name(max_length: int = MAX_NAME) -> dict:
    return {"type": "string", "minLength": 1, "maxLength": max_length, "pattern": CLEAN_TEXT}


def _number(maximum: float) -> dict:
    return {"type": "number", "minimum": 0, "maximum": maximum}


_DATE = _nullable({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"})
_NOTE = _nullable({"type": "string", "maxLength": MAX_NOTE})
_MONEY = ("land_price", "planned_investment", "actual_investment", "annual_tax",
          "annual_output")
_AREAS = ("planned_floor_area_m2", "floor_area_m2", "high_floor_area_m2",
          "building_footprint_m2", "structure_footprint_m2", "open_storage_m2",
          "admin_living_area_m2", "developed_area_m2")
DATE_FIELDS = frozenset((
    "approved_on", "requisitioned_on", "banked_on", "supplied_on", "agreed_start_on",
    "delivered_on", "started_on", "completed_on", "operating_on", "suspended_since",
    "disposal_on"))

_POSITION = {"type": "array", "minItems": 2, "maxItems": 3,
             "items": {"type": "number", "minimum": -180, "maximum": 180}}
_RING = {"type": "array", "minItems": 4, "items": _POSITION}
_POLYGON = {"type": "array", "minItems": 1, "items": _RING}
_CRS = {"type": "object", "required": ["type", "properties"],
        "properties": {"type": {"const": "name"},
                       "properties": {"type": "object", "required": ["name"],
                                      "properties": {"name": {"enum": sorted(LONLAT_CRS)}}}}}
GEOMETRY = {
    "type": "object", "required": ["type", "coordinates"],
    "description": f"GeoJSON Polygon or MultiPolygon in longitude/latitude, at most "
                   f"{MAX_VERTICES} vertices; a `crs` member may only name EPSG:4326, "
                   "EPSG:4490 or CRS84",
    "properties": {"type": {"enum": ["Polygon", "MultiPolygon"]},
                   "coordinates": {"type": "array"}, "crs": _CRS, "bbox": {"type": "array"}},
    "additionalProperties": False,
    "if": {"properties": {"type": {"const": "Polygon"}}},
    "then": {"properties": {"coordinates": _POLYGON}},
    "else": {"properties": {"coordinates": {"type": "array", "minItems": 1,
                                            "items": _POLYGON}}},
}

PLOT_PROPERTIES = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "name": _nullable(_name()),
        "owner": _nullable(_name()),
        "zone_id": _nullable({"type": "integer", "minimum": 1, "maximum": 2**31 - 1}),
        "land_user": _nullable(_name()),  # like owner: no comma (the exchange formats)
        "contract_no": _nullable(_name(50)),
        "land_class": _nullable({"type": "string", "pattern": r"^[0-9]{4}[A-Z]?$"}),
        "planned_use": _nullable({"type": "string", "pattern": r"^[0-9]{2,6}$"}),
        "owner_type": {"enum": list(labels.OWNER_TYPES)},
        "price_zone": _nullable(_name(50)),
        "levelled": {"type": "boolean"},
        "special_crop": {"type": "boolean"},
        "house_floor_area_m2": _number(MAX_AREA),
        "supply_method": _nullable({"enum": ["sale", "allocation"]}),
        "government_cause": _nullable({"enum": list(labels.GOVERNMENT_CAUSES)}),
        "disposal": _nullable({"enum": list(labels.DISPOSALS)}),
        "government_cause_note": _NOTE,
        "disposal_note": _NOTE,
        **{f: _nullable(_number(MAX_MONEY)) for f in _MONEY},
        **{f: _nullable(_number(MAX_AREA)) for f in _AREAS},
        **{f: _DATE for f in sorted(DATE_FIELDS)},
    },
}
_VERSION = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}

PLOT_EDIT = {
    "type": "object", "additionalProperties": False,
    "properties": {"version": _VERSION, "properties": PLOT_PROPERTIES,
                   "geometry": GEOMETRY},
}
PLOT_RESTORE = {  # the version to go back to; the version read comes in If-Match
    "type": "object", "additionalProperties": False, "required": ["version"],
    "properties": {"version": _VERSION},
}
SELECTION = {
    "type": "object", "additionalProperties": False,
    "description": "exactly one of project (id), zone (code), polygon (GeoJSON in lon/lat; "
                   "plots more than half inside) or codes (list)",
    "properties": {
        "project": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        "zone": _name(50),
        "polygon": GEOMETRY,
        "codes": {"anyOf": [
            {"type": "array", "maxItems": MAX_CODES, "items": _name(50)},
            {"type": "string", "maxLength": MAX_CODES * 51}]},
    },
}
_CODES = SELECTION["properties"]["codes"]
PLAN_CREATE = {
    "type": "object", "additionalProperties": False, "required": ["name", "selection"],
    "properties": {"name": _name(), "selection": SELECTION},
}
PLAN_EDIT = {  # the version may come in If-Match instead
    "type": "object", "additionalProperties": False,
    "properties": {"version": _VERSION, "name": _name(), "add": SELECTION,
                   "remove": _CODES},
}
VERSION_ONLY = {
    "type": "object", "additionalProperties": False,
    "properties": {"version": _VERSION},
}
# Jobs (app/jobs/): a plan export (the format and the export's options) and a recompute.
_SHORT = {"type": "string", "maxLength": 20}
EXPORT_JOB = {
    "type": "object", "additionalProperties": False, "required": ["format"],
    "properties": {"format": _SHORT, "version": {"type": "integer", "minimum": 1,
                                                 "maximum": 2**31 - 1},
                   "lang": _SHORT, "encoding": _SHORT, "numbering": _SHORT},
}
RECOMPUTE_JOB = {
    "type": "object", "additionalProperties": False,
    "properties": {"park": {"type": ["string", "integer", "null"], "maxLength": 50},
                   "as_of": {"type": ["string", "null"], "maxLength": 10}},
}
# Geometry editing (app/plot_shapes.py).
_PLOT_CODE = {"type": "string", "minLength": 1, "maxLength": 50,
              "pattern": r"^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$"}
_ID = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
LINE = {
    "type": "object", "required": ["type", "coordinates"], "additionalProperties": False,
    "description": "GeoJSON LineString in longitude/latitude",
    "properties": {"type": {"const": "LineString"},
                   "coordinates": {"type": "array", "minItems": 2, "maxItems": MAX_VERTICES,
                                   "items": _POSITION}},
}
PLOT_CREATE = {
    "type": "object", "additionalProperties": False, "required": ["properties", "geometry"],
    "properties": {"geometry": GEOMETRY, "properties": {
        "type": "object", "additionalProperties": False, "required": ["code"],
        "properties": {"code": _PLOT_CODE, "name": _nullable(_name()),
                       "zone_id": _nullable(_ID),
                       "land_class": PLOT_PROPERTIES["properties"]["land_class"],
                       "planned_use": PLOT_PROPERTIES["properties"]["planned_use"]}}},
}
SHAPE_CHECK = {  # a drawn or reshaped geometry to propose for or to clip
    "type": "object", "additionalProperties": False, "required": ["geometry"],
    "properties": {"geometry": GEOMETRY,
                   "except": {"type": "array", "maxItems": 100, "items": _ID}},
}
PLOT_SPLIT = {
    "type": "object", "additionalProperties": False, "required": ["line"],
    "properties": {"version": _VERSION, "line": LINE,
                   "codes": {"type": "array", "minItems": 2, "maxItems": 100,
                             "items": _PLOT_CODE}},
}
PLOT_MERGE = {
    "type": "object", "additionalProperties": False, "required": ["plots", "code"],
    "properties": {"code": _PLOT_CODE, "plots": {
        "type": "array", "minItems": 2, "maxItems": 100, "items": {
            "type": "object", "additionalProperties": False, "required": ["id", "version"],
            "properties": {"id": _ID, "version": _VERSION}}}},
}
PLOT_DELETE = {
    "type": "object", "additionalProperties": False, "required": ["reason"],
    "properties": {"version": _VERSION, "reason": {"type": "string", "maxLength": MAX_NOTE}},
}
_RATE = {"anyOf": [{"type": "number", "minimum": 0, "maximum": MAX_MONEY},
                   {"type": "string", "maxLength": 30}]}
RATE_EDIT = {
    "type": "object", "additionalProperties": False, "required": ["rates"],
    "properties": {"version": _VERSION, "rates": {
        "type": "object", "additionalProperties": False,
        "properties": {f: _RATE for f in ("land_price_yuan_mu", "crop_yuan_mu",
                                          "special_crop_yuan_mu", "house_yuan_m2",
                                          "social_security_yuan_mu")}}},
}

# An import's choices (app.imports.run): the CRS, the source layer and encoding, the field
# mapping (or a saved one by name, and a name to save it under), the treatment of
# problems, the mode and the zone; every one optional (the last choice stands).
_IMPORT_TEXT = {"type": ["string", "null"], "maxLength": MAX_NAME}
IMPORT_CHOICES = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "crs": {"type": ["integer", "null"], "minimum": 1024, "maximum": 999_999},
        "layer": _IMPORT_TEXT, "encoding": {"type": ["string", "null"], "maxLength": 40},
        "mapping": {"type": ["object", "null"], "additionalProperties": False,
                    "required": ["fields"], "properties": {
                        "fields": {"type": "object", "maxProperties": 500,
                                   "additionalProperties": {"type": ["string", "null"],
                                                            "maxLength": 50}},
                        "area_unit": {"enum": ["m2", "mu", "ha"]}}},
        "mapping_name": _IMPORT_TEXT, "save_mapping": _IMPORT_TEXT,
        "treatment": {"enum": ["refuse", "skip", "repair"]},
        "mode": {"enum": ["insert", "upsert", "replace"]},
        "zone": {"type": ["string", "null"], "maxLength": 50},
    },
}

# --- messages -------------------------------------------------------------------------

FIELD_PROBLEM = N_("%(field)s: %(problem)s")
TYPES = {"string": N_("text"), "number": N_("a number"), "integer": N_("a whole number"),
         "boolean": N_("true or false"), "object": N_("a JSON object"),
         "array": N_("a list"), "null": N_("null")}
PROBLEMS = {
    "type": N_("must be %(expected)s"),
    "minimum": N_("must be at least %(limit)s"),
    "maximum": N_("must be at most %(limit)s"),
    "minLength": N_("must not be empty"),
    "maxLength": N_("has more than %(limit)s characters"),
    "minItems": N_("needs at least %(limit)s items"),
    "maxItems": N_("has more than %(limit)s items"),
    "enum": N_("must be one of: %(choices)s"),
    "const": N_("must be %(choices)s"),
    "pattern": N_("has a wrong format"),
    "clean": N_("must not contain commas, line breaks, tabs or control characters"),
    "date": N_("must be a date written YYYY-MM-DD"),
    "crs": N_("names a coordinate system other than EPSG:4326, EPSG:4490 or CRS84; send "
              "longitude/latitude"),
    "additionalProperties": N_("is not a field here"),
    "required": N_("is required"),
    "unknown": N_("is not valid"),
    "finite": N_("must be a finite number (not NaN or Infinity)"),
    "depth": N_("is nested more than %(limit)s levels deep"),
    "json": N_("is not valid JSON"),
    "object": N_("must be a JSON object"),
    "vertices": N_("has %(count)s vertices; at most %(limit)s are allowed"),
    "invalid": N_("is not a valid polygon: %(reason)s"),
    "body_size": N_("is larger than %(limit)s MB"),
}


def problem(field: str, kind: str, **values) -> Text:
    """'<field>: <problem>' as a translatable Text."""
    return Text(FIELD_PROBLEM, field=field, problem=Text(PROBLEMS[kind], **values))


def refuse(field: str, kind: str, **values) -> BadRequest:
    return BadRequest(problem(field, kind, **values), code="invalid_input",
                      details={"field": field})


def _field(path) -> str:
    return ".".join(str(p) for p in path) or "body"


def _explain(error) -> BadRequest:
    """The BadRequest of one jsonschema error: its field and a translated problem."""
    if error.validator == "anyOf" and error.context:
        # a nullable field or a choice of forms: report the branch that got furthest
        error = max(error.context, key=lambda e: (len(e.path), e.validator != "type"))
    field, kind, values = _field(error.absolute_path), error.validator, {}
    if kind == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        field = ", ".join(".".join([*map(str, error.absolute_path), k]) for k in extra) \
            if extra else field
    elif kind == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        field = ".".join([*map(str, error.absolute_path), missing[0]])
    elif kind == "type":
        wanted = error.validator_value
        wanted = [wanted] if isinstance(wanted, str) else wanted
        values["expected"] = Text(TYPES.get(wanted[0], N_("text")))
    elif kind in ("minimum", "maximum", "maxLength", "minItems", "maxItems"):
        values["limit"] = f"{error.validator_value:g}" if isinstance(
            error.validator_value, float) else error.validator_value
    elif kind in ("enum", "const"):
        choices = error.validator_value if kind == "enum" else [error.validator_value]
        values["choices"] = ", ".join(str(c) for c in choices)
        if "crs" in error.absolute_path:
            kind, values = "crs", {}
    elif kind == "pattern":
        kind = {CLEAN_TEXT: "clean", r"^\d{4}-\d{2}-\d{2}$": "date"}.get(
            error.validator_value, "pattern")
    if kind not in PROBLEMS:
        kind, values = "unknown", {}
    return refuse(field, kind, **values)


_VALIDATORS: dict[int, Draft202012Validator] = {}


def check(schema: dict, data, where: str = "") -> dict:
    """`data` if it fits `schema`, else a BadRequest naming the first wrong field (the one
    nearest the top; unknown keys first). `where` prefixes the field names."""
    validator = _VALIDATORS.setdefault(id(schema), Draft202012Validator(schema))
    _finite(data, where or "body")
    errors = sorted(validator.iter_errors(data),
                    key=lambda e: (e.validator != "additionalProperties", len(e.path)))
    if errors:
        error = _explain(errors[0])
        if where:
            field = error.details["field"]
            error = refuse_from(error, f"{where}.{field}" if field != "body" else where)
        raise error
    return data


def refuse_from(error: BadRequest, field: str) -> BadRequest:
    """The same problem under another field name."""
    text = error.text
    return BadRequest(Text(FIELD_PROBLEM, field=field, problem=text.values["problem"]),
                      code="invalid_input", details={"field": field})


def _finite(data, field: str) -> None:
    """Refuse NaN and ±Infinity anywhere (Python's JSON reader takes them as numbers)."""
    stack = [(data, field)]
    while stack:
        value, name = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            raise refuse(name, "finite")
        if isinstance(value, dict):
            stack.extend((v, f"{name}.{k}") for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, f"{name}.{i}") for i, v in enumerate(value))


def depth(data, limit: int = MAX_DEPTH) -> None:
    """Refuse a body nested deeper than `limit` levels (each array or object is one)."""
    level, n = [data], 0
    while level:
        level = [c for v in level if isinstance(v, dict | list)
                 for c in (v.values() if isinstance(v, dict) else v)]
        n += 1
        if n > limit and any(isinstance(v, dict | list) for v in level):
            raise refuse("body", "depth", limit=limit)


def polygon(conn, geometry: dict, field: str) -> dict:
    """A checked GeoJSON polygon without its `crs` member (only lon/lat ones pass the
    schema): at most MAX_VERTICES vertices, and valid for PostGIS, else refused saying
    where (ST_IsValidReason, e.g. "Self-intersection[113.1 29.5]")."""
    import json

    import psycopg

    from .db import queries

    vertices(geometry, field)
    geometry = {k: v for k, v in geometry.items() if k != "crs"}
    try:
        reason = queries().plots.geometry_problem(conn, geometry=json.dumps(geometry))
    except psycopg.Error as exc:
        reason = (exc.diag.message_primary or str(exc)).strip()
    if reason:
        raise refuse(field, "invalid", reason=geometry_reason(reason))
    return geometry


# geometry_problem() (sql/source/02_features.sql) and PostGIS's ST_IsValidReason speak
# English; the user reads them in the catalogue's words, with the coordinates kept.
_GEOMETRY_REASONS = (
    (re.compile(r"^geometry is missing$"), N_("the geometry is missing")),
    (re.compile(r"^geometry is empty$"), N_("the geometry is empty")),
    (re.compile(r"^coordinates outside China .*bounding box (?P<bbox>[-\d.]+ [-\d.]+ [-\d.]+ "
                r"[-\d.]+)"),
     N_("the coordinates lie outside China (bounding box %(bbox)s); they must be CGCS2000 "
        "longitude and latitude in degrees")),
    (re.compile(r"^(?:invalid geometry: )?Ring Self-intersection(?P<at>.*)$"),
     N_("a ring crosses itself at %(at)s")),
    (re.compile(r"^(?:invalid geometry: )?Self-intersection(?P<at>.*)$"),
     N_("the outline crosses itself at %(at)s")),
    (re.compile(r"^(?:invalid geometry: )?Too few points(?P<at>.*)$"),
     N_("a ring has too few points %(at)s")),
    (re.compile(r"^(?:invalid geometry: )?Hole lies outside shell(?P<at>.*)$"),
     N_("a hole lies outside its outline at %(at)s")),
    (re.compile(r"^(?:invalid geometry: )?Nested shells(?P<at>.*)$"),
     N_("one outline lies inside another at %(at)s")),
    (re.compile(r"^(?:invalid geometry: )?Interior is disconnected(?P<at>.*)$"),
     N_("the holes cut the polygon apart at %(at)s")),
    (re.compile(r"^(?:invalid geometry: )?Holes are nested(?P<at>.*)$"),
     N_("a hole lies inside another hole at %(at)s")),
)


def geometry_reason(reason: str) -> Text | str:
    """A geometry problem in the user's language (an unknown one as PostGIS words it)."""
    for pattern, msgid in _GEOMETRY_REASONS:
        found = pattern.match(reason)
        if found:
            return Text(msgid, **{k: v.strip() for k, v in found.groupdict().items()})
    return reason


def vertices(geometry: dict, field: str, limit: int = MAX_VERTICES) -> None:
    """Refuse a geometry with more positions than `limit`."""
    coords = geometry["coordinates"]
    rings = coords if geometry["type"] == "Polygon" else [r for p in coords for r in p]
    count = sum(len(r) for r in rings)
    if count > limit:
        raise refuse(field, "vertices", count=count, limit=limit)


def body_size(length: int | None, limit_bytes: int) -> None:
    """A request body over the route's limit is a 413 naming the body."""
    if length is not None and length > limit_bytes:
        raise PayloadTooLarge(problem("body", "body_size", limit=limit_bytes // (1024 * 1024)),
                              code="payload_too_large")
