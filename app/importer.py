"""Load a data set folder (the gis_data format, see gis_data/README.md) into PostGIS.

A folder loads in one transaction, every park of it: a bad record anywhere writes
nothing, and once it is fixed the same command loads the whole folder. Each park's files
are read and checked first, then every layer is inserted with one set-based statement.

What is checked before anything is written, each refusal naming the park, the file, the
record (a plot by its code, else its number) and the field, in the words of
`errors.PROBLEMS` so that the loader, the API and the database say the same:
- the files: UTF-8 JSON, GeoJSON FeatureCollections of Features, coordinates in
  CGCS2000 (EPSG:4490) or WGS 84 (EPSG:4326, CRS84: within a metre of CGCS2000, stored as
  given) — a `crs` member naming anything else, on the collection, a feature or a
  geometry, is refused; geometries of the layer's types with [longitude, latitude]
  positions;
- every property: known to its layer (an unknown key, such as a misspelt one, is refused
  with the nearest known key: the API refuses unknown keys too, and a load that drops a
  misspelt `land_price` would store a plot without its price), of its type (a number is a
  JSON number, finite, within the field's range; a name is text of at most 100
  characters, free of commas and line breaks; ...), required ones present;
- what links records: a plot's or project's zone code, a project's plot codes (a code
  that matches no plot is refused, not dropped), codes used twice;
- the plot rules the database would report without naming the plot (a government cause
  without a note, a disposal without its date).
The database checks the same again (migration 0014) and the rules it alone knows (dates
in order, valid geometry, within the park's reach); its refusals are named by park too.

A plot outside the park's Gauss-Krüger zone gets its area and distances in the park's
zone, which inflates them: the loader warns about each such plot (naming its own zone and
the error) and refuses one more than `crs.max_gk_zone_offset_deg` (park setting, default
1.5°) beyond the zone's edge. There it lies 3° from the park's central meridian and its
area is inflated by (3° · cos φ)² ≈ 0.2% at 30°N, four times the most the projection
inflates any plot inside the zone (0.05% at its edge).
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import psycopg

from . import bulk, crs, labels, plots
from .db import queries, transaction
from .errors import (
    FORBIDDEN,
    LENGTHS,
    LOOKS_LIKE,
    NOT_BLANK,
    ONE_OF,
    PLAUSIBLE_KINDS,
    PROBLEMS,
    RANGES,
    RECORD,
    AtlasError,
    BadRequest,
    Text,
    in_range,
    record_problem,
)
from .labels import N_

DEMO_DIR = Path(__file__).resolve().parent.parent / "gis_data" / "demo"
LAYERS = ("zones", "price_zones", "plots", "roads", "networks")
MAX_GK_ZONE_OFFSET_DEG = 1.5  # default of the park setting crs.max_gk_zone_offset_deg

# --- messages ------------------------------------------------------------------------------

IN_PARK = N_("park %(park)s: %(error)s")
IN_RECORD = N_("%(record)s: %(error)s")
FEATURE = N_("%(file)s feature %(n)d")
RECORD_N = N_("%(file)s record %(n)d")
NAMED = N_("%(record)s (%(where)s)")
NOUNS = {"plots": RECORD["plots"], "zones": N_("zone %(code)s"),
         "price_zones": N_("price zone %(code)s"), "projects": RECORD["projects"]}
NOT_UTF8 = N_("%(file)s: not UTF-8 text (%(reason)s at byte %(at)d)")
NOT_JSON = N_("%(file)s: not valid JSON (%(reason)s, line %(line)d)")
UNREADABLE = N_("%(file)s cannot be read (%(reason)s)")
TOO_DEEP = N_("%(file)s: not valid JSON (nested too deeply)")
NO_PARK = N_("%(folder)s: no park.json found (see gis_data/README.md)")
SAME_PARK = N_("the folders %(first)s and %(second)s hold the same park code")
NOT_VALUE = N_("%(problem)s, not %(value)s")
REQUIRED = N_("is required")
MUST_BE_TEXT = N_("must be text")
MUST_BE_BOOLEAN = N_("must be true or false")
MUST_BE_LIST = N_("must be a list")
MUST_BE_OBJECT = N_("must be a JSON object")
NOT_A_COLLECTION = N_("must be a GeoJSON FeatureCollection")
NOT_A_FEATURE = N_("must be a GeoJSON Feature")
AT_MOST_ITEMS = N_("must have at most %(max)d items")
UNKNOWN_KEY = N_("is not a property of %(file)s (did you mean %(suggestion)s?)")
UNKNOWN_KEY_NO_HINT = N_("is not a property of %(file)s (gis_data/README.md lists them)")
TWICE = N_("%(value)s is used by another record of %(file)s")
LISTED_TWICE = N_("%(value)s is listed twice")
NO_SUCH_ZONE = N_("%(value)s is not a zone code of zones.geojson")
NO_SUCH_PLOT = N_("%(value)s is not a plot code of plots.geojson")
WRONG_CRS = N_("coordinates must be CGCS2000 (EPSG:4490) or WGS 84 (EPSG:4326, CRS84), "
               "not %(crs)s")
GEOMETRY_TYPES = N_("must be a GeoJSON %(types)s")
BAD_POSITION = N_("%(value)s is not a position [longitude, latitude] in degrees")
TOO_FEW_POSITIONS = N_("a %(type)s needs at least %(count)d positions in each line or ring")
NO_COORDINATES = N_("has no coordinates")
OPEN_RING = N_("a polygon ring must end at the position it starts from")
NOT_A_DATE = N_("%(value)s is not a date on the calendar written YYYY-MM-DD")
CENTRE = N_("must be [longitude, latitude] in degrees, within China's Gauss-Krüger zones "
            "(longitude 73.5 to 136.5)")
OUTSIDE_ZONE = N_("lies %(beyond).2f° beyond the edge of the park's Gauss-Krüger zone "
                  "%(zone)d, in zone %(own)d: its area, computed in zone %(zone)d, is "
                  "%(error).2f%% too large")
TOO_FAR_OUTSIDE_ZONE = N_("lies %(beyond).2f° beyond the edge of the park's Gauss-Krüger "
                          "zone %(zone)d, in zone %(own)d, more than the park setting "
                          "crs.max_gk_zone_offset_deg (%(limit)s°) allows")

# --- checks of one value: each returns the problem (a Text) or None -------------------------

Check = Callable[[object], "Text | None"]


def _shown(value) -> str:
    """A value as a message quotes it: JSON, cut to 40 characters."""
    text = json.dumps(value, ensure_ascii=False, allow_nan=True, default=str)
    return text if len(text) <= 40 else text[:39] + "…"


def _not(problem: Text, value) -> Text:
    return Text(NOT_VALUE, problem=problem, value=_shown(value))


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def text(kind: str, *, blank: bool = True) -> Check:
    """Text of a kind of errors.LENGTHS (name, code, person, note), with its length and the
    characters it may not hold."""
    rules, longest = PLAUSIBLE_KINDS[kind], LENGTHS[kind]
    suffix, forbidden, _problem = FORBIDDEN[kind]

    def check(value):
        if not isinstance(value, str):
            return _not(Text(MUST_BE_TEXT), value)
        if len(value) > longest:
            return rules["length"]
        if not blank and not value.strip():
            return Text(NOT_BLANK)
        return rules[suffix] if forbidden.search(value) else None
    return check


def number(kind: str | tuple[float, float]) -> Check:
    """A JSON number, finite, within the range of a kind of errors.RANGES or (low, high)."""
    low, high = RANGES.get(kind, kind)
    problem = in_range(low, high)

    def check(value):
        if not _is_number(value) or not math.isfinite(value) or not low <= value <= high:
            return _not(problem, value)
        return None
    return check


def boolean(value):
    return None if isinstance(value, bool) else _not(Text(MUST_BE_BOOLEAN), value)


def choice(values) -> Check:
    problem = Text(ONE_OF, choices=", ".join(values))
    return lambda value: None if isinstance(value, str) and value in values \
        else _not(problem, value)


def pattern(regex: str, example: str) -> Check:
    compiled = re.compile(regex)
    problem = Text(LOOKS_LIKE, example=example)
    return lambda value: None if isinstance(value, str) and compiled.fullmatch(value) \
        else _not(problem, value)


def iso_date(value):
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return Text(NOT_A_DATE, value=_shown(value))
    return None if len(value) == 10 else Text(NOT_A_DATE, value=_shown(value))


def list_of(item: Check, longest: int) -> Check:
    def check(value):
        if not isinstance(value, list):
            return _not(Text(MUST_BE_LIST), value)
        if len(value) > longest:
            return Text(AT_MOST_ITEMS, max=longest)
        return next((p for p in map(item, value) if p is not None), None)
    return check


@dataclass(frozen=True)
class Fields:
    """The properties of one kind of record: name → check, and which are required."""

    checks: dict[str, Check]
    required: frozenset[str] = frozenset()

    def problems(self, props: dict, file: str):
        """(field, problem) of the first bad property, or None."""
        for key, value in props.items():
            check = self.checks.get(key)
            if check is None:
                close = difflib.get_close_matches(key, self.checks, n=1, cutoff=0.75) \
                    if len(key) <= 100 else []
                return _shown(key).strip('"'), (
                    Text(UNKNOWN_KEY, file=file, suggestion=close[0]) if close
                    else Text(UNKNOWN_KEY_NO_HINT, file=file))
            if value is not None and (problem := check(value)) is not None:
                return key, problem
        missing = sorted(k for k in self.required if props.get(k) is None)
        return (missing[0], Text(REQUIRED)) if missing else None


PLOT_CODE = pattern(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)*", "NQ-03-12")
CODE, NAME, PERSON, NOTE = text("code", blank=False), text("name"), text("person"), text("note")
_MONEY = dict.fromkeys(("land_price", "planned_investment", "actual_investment", "annual_tax",
                        "annual_output"), number("money"))
_AREAS = {f: number("area") for f in plots.EDITABLE if f.endswith("_m2")}
INDUSTRY = pattern(r"[0-9]{2,4}", "3971")

PLOT = Fields({
    "code": PLOT_CODE, "name": NAME, "zone": CODE,
    "land_class": pattern(r"[0-9]{4}[A-Z]?", "0101"),
    "planned_use": pattern(r"[0-9]{2,6}", "100101"), "owner": PERSON,
    "owner_type": choice(labels.OWNER_TYPES), "price_zone": CODE,
    "levelled": boolean, "special_crop": boolean,
    **dict.fromkeys(sorted(plots.DATE_FIELDS), iso_date),
    "supply_method": choice(("sale", "allocation")), **_MONEY, **_AREAS,
    "government_cause": choice(labels.GOVERNMENT_CAUSES), "government_cause_note": NOTE,
    "disposal": choice(labels.DISPOSALS), "disposal_note": NOTE,
    "land_user": PERSON, "contract_no": CODE}, frozenset({"code"}))
FIELDS = {
    "plots": PLOT,
    "zones": Fields({"code": CODE, "name": text("name", blank=False), "name_en": NAME,
                     "admitted_industries": list_of(INDUSTRY, 100)},
                    frozenset({"code", "name"})),
    "price_zones": Fields({"code": CODE, "name": NAME}, frozenset({"code"})),
    "roads": Fields({"name": text("name", blank=False),
                     "class": choice(("arterial", "secondary", "branch")),
                     "width_m": number("width"), "status": choice(labels.STATUSES),
                     "planned_completion": iso_date}, frozenset({"name", "status"})),
    "networks": Fields({"utility": choice(labels.UTILITIES), "subtype": CODE, "name": NAME,
                        "status": choice(labels.STATUSES), "planned_completion": iso_date},
                       frozenset({"utility", "status"})),
}
GEOMETRIES = {"zones": ("Polygon", "MultiPolygon"), "price_zones": ("Polygon", "MultiPolygon"),
              "plots": ("Polygon", "MultiPolygon"),
              "roads": ("LineString", "MultiLineString"),
              "networks": ("LineString", "MultiLineString", "Point")}
PARK = Fields({"code": pattern(r"[A-Za-z0-9_-]{1,32}", "JSCY"),
               "name": text("name", blank=False), "name_en": NAME, "centre": lambda v: None,
               "settings": lambda v: None if isinstance(v, dict) else Text(MUST_BE_OBJECT)},
              frozenset({"code", "name", "centre"}))
MILESTONE = Fields({"stage": choice(list(labels.PROJECT_STAGES)[1:]), "planned_on": iso_date,
                    "actual_on": iso_date}, frozenset({"stage"}))
PROGRESS = Fields({"reported_on": iso_date, "progress_pct": number((0, 100)),
                   "investment_done": number("money"), "note": NOTE, "reporter": PERSON},
                  frozenset({"reported_on", "progress_pct"}))
PROJECT = Fields({
    "code": CODE, "name": text("name", blank=False), "company": PERSON,
    "industry_code": INDUSTRY, "planned_investment": number("money"),
    "completed_investment": number("money"),
    "tags": list_of(pattern(r"[A-Za-z0-9_-]{1,50}", "municipal_key"), 20),
    "leader": PERSON, "responsible_unit": PERSON, "service_official": PERSON,
    "stage": choice(labels.PROJECT_STAGES),
    "zone": CODE, "plots": list_of(PLOT_CODE, 10_000),
    "milestones": list_of(lambda v: None if isinstance(v, dict) else Text(MUST_BE_OBJECT), 10),
    "progress": list_of(lambda v: None if isinstance(v, dict) else Text(MUST_BE_OBJECT), 10_000),
}, frozenset({"code", "name"}))
RATE = Fields({"price_zone": CODE, "land_group": choice(labels.LAND_GROUPS),
               **{k: number("rate") for k in ("land_price_yuan_mu", "crop_yuan_mu",
                                               "special_crop_yuan_mu", "house_yuan_m2",
                                               "social_security_yuan_mu")}},
              frozenset({"price_zone", "land_group", "land_price_yuan_mu"}))
PLAN = Fields({"name": text("name", blank=False), "created_by": text("code"),
               "selection": lambda v: None if isinstance(v, dict) else Text(MUST_BE_OBJECT)},
              frozenset({"name", "selection"}))

# CGCS2000 and WGS 84 (GeoJSON's own CRS) by every name GDAL, QGIS and PostGIS write.
ACCEPTED_CRS = frozenset(name.lower() for code in ("4490", "4326") for name in (
    f"EPSG:{code}", f"urn:ogc:def:crs:EPSG::{code}", f"urn:ogc:def:crs:EPSG:0:{code}",
    f"http://www.opengis.net/def/crs/EPSG/0/{code}")) | frozenset(name.lower() for name in (
        "CRS84", "OGC:CRS84", "urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84",
        "http://www.opengis.net/def/crs/OGC/1.3/CRS84"))


# --- reading and checking a park folder ------------------------------------------------------

class _Refused(Exception):
    """A bad record: where, which field, what is wrong (becomes a BadRequest)."""

    def __init__(self, record, field: str | None, problem: Text):
        super().__init__(str(problem))
        self.record, self.field, self.problem = record, field, problem


def _read_json(path: Path):
    try:
        return json.loads(path.read_bytes().decode("utf-8"), parse_constant=_non_finite)
    except UnicodeDecodeError as exc:
        raise BadRequest(Text(NOT_UTF8, file=path.name, reason=exc.reason,
                              at=exc.start)) from exc
    except json.JSONDecodeError as exc:
        raise BadRequest(Text(NOT_JSON, file=path.name, reason=exc.msg,
                              line=exc.lineno)) from exc
    except OSError as exc:
        raise BadRequest(Text(UNREADABLE, file=path.name,
                              reason=exc.strerror or type(exc).__name__)) from exc
    except RecursionError:
        raise BadRequest(Text(TOO_DEEP, file=path.name)) from None


def _non_finite(name: str) -> str:
    # NaN and Infinity are not JSON: read them as the strings they are, which no number
    # field accepts (the message then quotes them)
    return name


def _crs_problem(crs_member) -> Text | None:
    if crs_member is None:
        return None
    props = crs_member.get("properties") if isinstance(crs_member, dict) else None
    name = props.get("name", props.get("code")) if isinstance(props, dict) else None
    if str(name).lower() in ACCEPTED_CRS or str(name) in ("4490", "4326"):
        return None
    return Text(WRONG_CRS, crs=_shown(name if name is not None else crs_member))


def _positions(geometry_type: str, coordinates, depth: int) -> list:
    """The positions of a GeoJSON geometry's coordinates (nested `depth` lists deep), or a
    _Refused problem naming the first that is not [longitude, latitude]."""
    if depth == 0:
        ok = isinstance(coordinates, list) and 2 <= len(coordinates) <= 3 and all(
            _is_number(c) and math.isfinite(c) for c in coordinates) \
            and -180 <= coordinates[0] <= 180 and -90 <= coordinates[1] <= 90
        if not ok:
            raise _Refused(None, "geometry", Text(BAD_POSITION, value=_shown(coordinates)))
        return [coordinates]
    if not isinstance(coordinates, list) or not coordinates:
        raise _Refused(None, "geometry", Text(NO_COORDINATES))
    parts = [_positions(geometry_type, c, depth - 1) for c in coordinates]
    if depth == 2 and "Polygon" in geometry_type:  # rings
        for ring in parts:
            if len(ring) < 4:
                raise _Refused(None, "geometry", Text(TOO_FEW_POSITIONS, type=geometry_type,
                                                      count=4))
            if ring[0] != ring[-1]:
                raise _Refused(None, "geometry", Text(OPEN_RING))
    if depth == 1 and "LineString" in geometry_type and len(parts) < 2:
        raise _Refused(None, "geometry", Text(TOO_FEW_POSITIONS, type=geometry_type, count=2))
    return [p for part in parts for p in part]


_DEPTH = {"Point": 0, "LineString": 1, "Polygon": 2, "MultiLineString": 2, "MultiPolygon": 3}


def _check_geometry(geometry, types: tuple[str, ...]) -> None:
    kinds = Text(GEOMETRY_TYPES, types=", ".join(types))
    if not isinstance(geometry, dict) or geometry.get("type") not in types:
        kind = geometry.get("type") if isinstance(geometry, dict) else geometry
        raise _Refused(None, "geometry", _not(kinds, kind))
    if (problem := _crs_problem(geometry.get("crs"))) is not None:
        raise _Refused(None, "geometry.crs", problem)
    _positions(geometry["type"], geometry.get("coordinates"), _DEPTH[geometry["type"]])


def _feature_record(layer: str, n: int, props: dict) -> Text:
    """How a message names a feature: by its code where it has a good one, and number."""
    where = Text(FEATURE, file=f"{layer}.geojson", n=n)
    code = props.get("code")
    if layer in NOUNS and isinstance(code, str) and CODE(code) is None:
        return Text(NAMED, record=Text(NOUNS[layer], code=code), where=where)
    return where


def _read_layer(folder: Path, layer: str) -> list[dict]:
    """The features of a layer's file, every one checked (none if the file is absent)."""
    file = f"{layer}.geojson"
    if not (folder / file).exists():
        return []
    data = _read_json(folder / file)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise _Refused(file, "type", Text(NOT_A_COLLECTION))
    if (problem := _crs_problem(data.get("crs"))) is not None:
        raise _Refused(file, "crs", problem)
    features = data.get("features")
    if not isinstance(features, list):
        raise _Refused(file, "features", _not(Text(MUST_BE_LIST), features))
    for n, f in enumerate(features, 1):
        if not isinstance(f, dict) or f.get("type") != "Feature":
            raise _Refused(Text(FEATURE, file=file, n=n), "type",
                           Text(NOT_A_FEATURE))
        if f.get("properties") is None:
            f["properties"] = {}
        props = f["properties"]
        if not isinstance(props, dict):
            raise _Refused(Text(FEATURE, file=file, n=n), "properties", Text(MUST_BE_OBJECT))
        record = _feature_record(layer, n, props)
        try:
            if (problem := _crs_problem(f.get("crs"))) is not None:
                raise _Refused(None, "crs", problem)
            if (found := FIELDS[layer].problems(props, file)) is not None:
                raise _Refused(None, *found)
            _check_geometry(f.get("geometry"), GEOMETRIES[layer])
        except _Refused as exc:
            exc.record = record
            raise
    _check_unique(file, [f["properties"] for f in features], "code",
                  lambda n, p: _feature_record(layer, n, p))
    return features


def _twice(values: list) -> tuple[int, object] | None:
    """(number from 1, value) of the first value seen before (None values aside)."""
    seen = set()
    for n, value in enumerate(values, 1):
        if value is not None and value in seen:
            return n, value
        seen.add(value)
    return None


def _check_unique(file: str, records: list[dict], key: str, record_of) -> None:
    """Refuse the second record of a file with the same value of `key`."""
    if (found := _twice([r.get(key) for r in records])) is not None:
        n, value = found
        raise _Refused(record_of(n, records[n - 1]), key,
                       Text(TWICE, value=_shown(value), file=file))


def _read_records(folder: Path, file: str, fields: Fields, noun: str | None = None) -> list | None:
    """The checked objects of a JSON file holding a list of them; None if it is absent."""
    if not (folder / file).exists():
        return None
    data = _read_json(folder / file)
    if not isinstance(data, list):
        raise _Refused(file, None, _not(Text(MUST_BE_LIST), data))
    for n, item in enumerate(data, 1):
        record = _record_n(file, n, item, noun)
        if not isinstance(item, dict):
            raise _Refused(record, None, Text(MUST_BE_OBJECT))
        if (found := fields.problems(item, file)) is not None:
            raise _Refused(record, *found)
    return data


def _record_n(file: str, n: int, item, noun: str | None) -> Text:
    where = Text(RECORD_N, file=file, n=n)
    code = item.get("code") if isinstance(item, dict) else None
    if noun and isinstance(code, str) and CODE(code) is None:
        return Text(NAMED, record=Text(noun, code=code), where=where)
    return where


def _check_projects(projects: list[dict], zones: set, plot_codes: set) -> None:
    file = "projects.json"
    for n, project in enumerate(projects, 1):
        record = _record_n(file, n, project, RECORD["projects"])
        if project.get("zone") is not None and project["zone"] not in zones:
            raise _Refused(record, "zone", Text(NO_SUCH_ZONE, value=_shown(project["zone"])))
        for i, code in enumerate(project.get("plots") or [], 1):
            if code not in plot_codes:
                raise _Refused(record, f"plots[{i}]", Text(NO_SUCH_PLOT, value=_shown(code)))
        for key, fields, unique in (("plots", None, None), ("milestones", MILESTONE, "stage"),
                                    ("progress", PROGRESS, "reported_on")):
            items = project.get(key) or []
            for i, item in enumerate(items, 1):
                if fields and (found := fields.problems(item, file)) is not None:
                    raise _Refused(record, f"{key}[{i}].{found[0]}", found[1])
            if (found := _twice([i.get(unique) for i in items] if unique else items)):
                i, value = found
                raise _Refused(record, f"{key}[{i}]" + (f".{unique}" if unique else ""),
                               Text(LISTED_TWICE, value=_shown(value)))
    _check_unique(file, projects, "code", lambda n, p: _record_n(file, n, p, RECORD["projects"]))


def _check_plot_rules(features: list[dict], zones: set) -> None:
    """The plots' constraints the database cannot name the plot for."""
    for n, f in enumerate(features, 1):
        p = f["properties"]
        if p.get("zone") is not None and p["zone"] not in zones:
            raise _Refused(_feature_record("plots", n, p), "zone",
                           Text(NO_SUCH_ZONE, value=_shown(p["zone"])))
        for constraint, broken in (
                ("plots_cause_noted", p.get("government_cause") is not None
                 and p.get("government_cause_note") is None),
                ("plots_disposal_dated", (p.get("disposal") is None)
                 != (p.get("disposal_on") is None))):
            if broken:
                field_name, problem = PROBLEMS[constraint]
                raise _Refused(_feature_record("plots", n, p), field_name, Text(problem))


def _check_gk_zone(features: list[dict], zone: int, latitude: float,
                   limit: float) -> list[Text]:
    """Warnings for plots beyond the edge of the park's GK zone; refuse one beyond `limit`."""
    warnings = []
    centre = crs.central_meridian(zone)
    for n, f in enumerate(features, 1):
        g = f["geometry"]
        lons = [p[0] for p in _positions(g["type"], g["coordinates"], _DEPTH[g["type"]])]
        far = max(lons, key=lambda lon: abs(lon - centre))
        beyond = abs(far - centre) - 1.5
        if beyond <= 0:
            continue
        record = _feature_record("plots", n, f["properties"])
        own = math.floor(far / 3 + 0.5)  # its own zone (crs.gk_zone, outside China too)
        values = {"beyond": beyond, "zone": zone, "own": own}
        if beyond > limit:
            raise _Refused(record, "geometry", Text(TOO_FAR_OUTSIDE_ZONE, limit=limit,
                                                    **values))
        # GK area scale ≈ 1 + (Δλ · cos φ)²: the plot's in the park's zone over its own
        mid = (min(lons) + max(lons)) / 2
        cos2 = math.cos(math.radians(latitude)) ** 2
        error = (math.radians(mid - centre) ** 2
                 - math.radians(mid - crs.central_meridian(own)) ** 2) * cos2 * 100
        warnings.append(record_problem(record, "geometry", OUTSIDE_ZONE, error=error, **values))
    return warnings


def _centre(value) -> tuple[float, float]:
    ok = isinstance(value, list) and len(value) == 2 and all(
        _is_number(c) and math.isfinite(c) for c in value) \
        and 73.5 <= value[0] < 136.5 and -90 <= value[1] <= 90
    if not ok:
        raise _Refused("park.json", "centre", _not(Text(CENTRE), value))
    return float(value[0]), float(value[1])


@dataclass
class ParkData:
    """A park folder read and checked: what load_dataset writes."""

    folder: Path
    code: str
    park: dict
    layers: dict[str, list[dict]]
    rates: list | None = None
    projects: list | None = None
    plans: list | None = None
    zone: int = 0
    warnings: list[Text] = field(default_factory=list)


def _park_code(folder: Path, park) -> str:
    code = park.get("code") if isinstance(park, dict) else None
    return code if isinstance(code, str) and PARK.checks["code"](code) is None else folder.name


def read_park(folder: Path) -> ParkData:
    """Read and check one park folder (nothing is written); a BadRequest names the park."""
    park = None
    try:
        park = _read_json(folder / "park.json")
        if not isinstance(park, dict):
            raise _Refused("park.json", None, Text(MUST_BE_OBJECT))
        if (found := PARK.problems(park, "park.json")) is not None:
            raise _Refused("park.json", *found)
        lon, lat = _centre(park["centre"])
        layers = {name: _read_layer(folder, name) for name in LAYERS}
        zones = {z["properties"]["code"] for z in layers["zones"]}
        _check_plot_rules(layers["plots"], zones)
        rates = _read_records(folder, "compensation_rates.json", RATE)
        if rates and (found := _twice([(r["price_zone"], r["land_group"]) for r in rates])):
            raise _Refused(Text(RECORD_N, file="compensation_rates.json", n=found[0]),
                           "land_group", Text(TWICE, value=_shown(found[1]),
                                              file="compensation_rates.json"))
        projects = _read_records(folder, "projects.json", PROJECT, RECORD["projects"])
        if projects:
            _check_projects(projects, zones,
                            {p["properties"]["code"] for p in layers["plots"]})
        plans = _read_records(folder, "plans.json", PLAN)
        zone = crs.gk_zone(lon)
        crs_settings = (park.get("settings") or {}).get("crs") or {}
        limit = crs_settings.get("max_gk_zone_offset_deg", MAX_GK_ZONE_OFFSET_DEG) \
            if isinstance(crs_settings, dict) else None
        if not _is_number(limit) or not 0 <= limit <= 90:
            raise _Refused("park.json", "settings.crs.max_gk_zone_offset_deg",
                           _not(in_range(0, 90), limit))
        warnings = _check_gk_zone(layers["plots"], zone, lat, float(limit))
    except _Refused as exc:
        raise BadRequest(Text(IN_PARK, park=_park_code(folder, park), error=record_problem(
            exc.record, exc.field, exc.problem)), details={"field": exc.field}) from None
    except AtlasError as exc:
        raise _prefixed(exc, IN_PARK, park=_park_code(folder, park)) from exc
    code = park["code"]
    return ParkData(folder, code, park, layers, rates, projects, plans, zone,
                    [Text(IN_PARK, park=code, error=w) for w in warnings])


def _prefixed(exc: AtlasError, template: str, **values) -> AtlasError:
    """The same error, its message put in `template` as %(error)s (park, record, …)."""
    wrapped = type(exc)(Text(template, error=exc.text or exc.message, **values),
                        details=exc.details)
    wrapped.code = exc.code
    return wrapped


# --- writing ---------------------------------------------------------------------------------

def _write_park(conn: psycopg.Connection, data: ParkData) -> dict:
    q = queries()
    park = data.park
    park_id = q.importer.insert_park(conn, code=data.code, name=park["name"],
                                     name_en=park.get("name_en"), gk_zone=data.zone,
                                     settings=json.dumps(park.get("settings") or {}))
    counts = {}
    try:
        with transaction(conn):
            inserts = {"zones": q.importer.insert_zones,
                       "price_zones": q.importer.insert_price_zones,
                       "plots": q.importer.insert_plots, "roads": q.importer.insert_roads,
                       "networks": q.importer.insert_networks}
            for name in LAYERS:
                counts[name] = inserts[name](conn, park_id=park_id,
                                             features=json.dumps(data.layers[name]))
            if data.rates is not None:
                counts["compensation_rates"] = q.importer.insert_compensation_rates(
                    conn, park_id=park_id, rates=json.dumps(data.rates))
            if data.projects is not None:
                counts["projects"] = q.importer.insert_projects(
                    conn, park_id=park_id, projects=json.dumps(data.projects))
            bulk.recompute(conn, park_id, None, written=sum(
                n for n in counts.values() if isinstance(n, int)))
            if data.plans is not None:
                counts["plans"] = _load_plans(conn, park_id, data.plans)
    except AtlasError as exc:
        raise _prefixed(exc, IN_PARK, park=data.code) from exc
    return {"park_id": park_id, "code": data.code, **counts, "warnings": data.warnings}


def _load_plans(conn: psycopg.Connection, park_id: int, plans: list[dict]) -> int:
    """Create the draft requisition plans of plans.json ([{name, selection}])."""
    from . import requisition

    for n, plan in enumerate(plans, 1):
        try:
            requisition.create(conn, park_id, plan["name"], plan["selection"],
                               plan.get("created_by"))
        except AtlasError as exc:
            raise _prefixed(exc, IN_RECORD, record=Text(RECORD_N, file="plans.json", n=n)
                            ) from exc
    return len(plans)


def load_dataset(conn: psycopg.Connection, folder: Path = DEMO_DIR) -> list[dict]:
    """Load every park folder (a folder holding park.json) under `folder`, all of them in
    one transaction: every park is read and checked first, and a refusal anywhere
    writes nothing. Returns each park's id, code, count per layer and `warnings`."""
    folder = Path(folder)
    folders = [folder] if (folder / "park.json").exists() else \
        sorted(p.parent for p in folder.glob("*/park.json"))
    if not folders:
        raise BadRequest(Text(NO_PARK, folder=str(folder)))
    parks = [read_park(f) for f in folders]
    first = {}
    for data in parks:
        if data.code in first:
            raise BadRequest(Text(IN_PARK, park=data.code, error=Text(
                SAME_PARK, first=first[data.code].name, second=data.folder.name)))
        first[data.code] = data.folder
    with transaction(conn):
        # one recompute per park at its end instead of one per inserted layer; one audit
        # entry per inserted layer instead of a copy of each feature (app.bulk)
        bulk.begin(conn, folder.name)
        return [_write_park(conn, data) for data in parks]


def is_empty(conn: psycopg.Connection) -> bool:
    """True when no park is loaded."""
    return queries().parks.count(conn) == 0
