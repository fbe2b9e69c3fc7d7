"""Request parameters, parsed in one place for the API, the pages and the CLI.

Each parser takes the raw text (or a mapping such as a query string, a form or a JSON
body) and returns a plain value, or raises BadRequest naming the parameter. Free of
Flask: the web layer passes `request.args`, `request.form` or a header's value; the CLI
passes its options.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import psycopg

from . import parks, schemas
from .cleanup.lists import Filters as CleanupFilters
from .errors import NO_PARK, BadRequest, NotFound, Text
from .evaluation.evaluation import CLASSES, FIRST_YEAR, LAST_YEAR, NO_CLASS, Filters
from .labels import N_
from .plan_result import NUMBERINGS
from .projects.period import Period
from .projects.project import FILTERS, SORTS, ListQuery

DEFAULT_LIMIT = 1000
MAX_LIMIT = 10000
MAX_OFFSET = 2**31 - 1
MAX_ID = 2**31 - 1  # ids are PostgreSQL integers
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
BETWEEN = N_("%(name)s must be between %(low)s and %(high)s")
BBOX = N_("bbox must be four numbers minx,miny,maxx,maxy, not %(value)s")


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int
    after: tuple | None = None  # the paging key the page starts after (keyset paging)


def text(args: Mapping, name: str) -> str | None:
    """A text parameter; empty counts as absent."""
    return args.get(name) or None


def page(args: Mapping) -> Page:
    """limit (1–10000, default 1000), offset (≥ 0) and after (a key from a next link)."""
    limit, offset = args.get("limit"), args.get("offset")
    try:
        lim = DEFAULT_LIMIT if limit in (None, "") else int(limit)
        off = 0 if offset in (None, "") else int(offset)
    except ValueError as exc:
        raise BadRequest(Text(N_("limit and offset must be whole numbers"))) from exc
    if not 1 <= lim <= MAX_LIMIT:
        raise BadRequest(Text(BETWEEN, name="limit", low=1, high=MAX_LIMIT))
    if not 0 <= off <= MAX_OFFSET:
        raise BadRequest(Text(BETWEEN, name="offset", low=0, high=MAX_OFFSET))
    return Page(lim, off, cursor(args.get("after")))


CURSOR = N_("after must be the value of a next link of this list, not %(value)s")


def cursor(value: str | None) -> tuple | None:
    """after=<cursor>: a page's last key as `cursor_text` wrote it (a list of whole numbers
    and texts), or None when absent. Which columns and types it must have is the layer's
    to check."""
    if value in (None, ""):
        return None
    try:
        key = json.loads(base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)))
    except (ValueError, binascii.Error):
        raise BadRequest(Text(CURSOR, value=repr(value))) from None
    if not (isinstance(key, list) and key
            and all(isinstance(v, int | str) and not isinstance(v, bool) for v in key)):
        raise BadRequest(Text(CURSOR, value=repr(value)))
    return tuple(key)


def cursor_text(key: list | tuple) -> str:
    """The after= value of a paging key (URL-safe, opaque to clients)."""
    text = json.dumps(list(key), ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def bbox(args: Mapping) -> tuple[float, float, float, float] | None:
    """bbox=minx,miny,maxx,maxy in longitude/latitude degrees, or None when absent."""
    values = _four_numbers(args.get("bbox"))
    if values is None:
        return None
    minx, miny, maxx, maxy = values
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise BadRequest(Text(N_("bbox must have -180 ≤ minx ≤ maxx ≤ 180 and "
                                 "-90 ≤ miny ≤ maxy ≤ 90")))
    return values


def _four_numbers(value: str | None) -> tuple[float, float, float, float] | None:
    """A bbox's four finite numbers, or None when absent."""
    if value in (None, ""):
        return None
    try:
        values = tuple(float(p) for p in value.split(","))
    except ValueError as exc:
        raise BadRequest(Text(BBOX, value=repr(value))) from exc
    if len(values) != 4 or not all(math.isfinite(v) for v in values):
        raise BadRequest(Text(BBOX, value=repr(value)))
    return values


def iso_date(name: str, value) -> date | None:
    """A date written YYYY-MM-DD (a real calendar date), or None when absent."""
    if value in (None, ""):
        return None
    try:
        if not (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise BadRequest(Text(N_("%(name)s must be a date written YYYY-MM-DD, not %(value)s"),
                              name=name, value=repr(value))) from None


def as_of(value: str | None) -> date | None:
    """as_of=YYYY-MM-DD, or None for today (the database's date in the park's time zone)."""
    return iso_date("as_of", value)


MAX_DAYS = 3650


def cleanup_filters(args: Mapping) -> CleanupFilters:
    """A clean-up list's filters: zone (its code), kind (a type or cause of the list),
    land_user (part of the name), due_within (whole days 0–3650: the next legal mark that
    near, or passed) and sort (a key, a leading "-" for descending)."""
    due = args.get("due_within")
    if due in (None, ""):
        due = None
    elif isinstance(due, str) and due.isascii() and due.isdigit() and int(due) <= MAX_DAYS:
        due = int(due)
    else:
        raise BadRequest(Text(BETWEEN, name="due_within", low=0, high=MAX_DAYS),
                         code="bad_due_within")
    return CleanupFilters(zone=text(args, "zone"), kind=text(args, "kind"),
                          land_user=text(args, "land_user"), due_within=due,
                          sort=text(args, "sort"))


def boolean(args: Mapping, name: str) -> bool | None:
    """true/false/1/0, or None when absent."""
    value = args.get(name)
    if value in (None, ""):
        return None
    if value.lower() not in ("true", "false", "1", "0"):
        raise BadRequest(Text(N_("%(name)s must be true or false, not %(value)s"),
                              name=name, value=repr(value)))
    return value.lower() in ("true", "1")


def numbering(value) -> str | None:
    """The export option numbering=plan|plot (how 界址点 are numbered), or None when
    absent (the park's setting survey.point_numbering)."""
    if value in (None, ""):
        return None
    if value not in NUMBERINGS:
        raise BadRequest(Text(N_("numbering must be one of %(known)s, not %(value)s"),
                              known=", ".join(NUMBERINGS), value=repr(value)))
    return value


def export_options(args: Mapping) -> dict:
    """The options of an export download given: lang, encoding (TXT), numbering."""
    options = {k: v for k in ("lang", "encoding", "numbering") if (v := args.get(k))}
    if "numbering" in options:
        options["numbering"] = numbering(options["numbering"])
    return options


def whole_number(name: str, value, message: Text | None = None) -> int | None:
    """A positive whole number that fits an id (1 … 2³¹−1), or None when absent."""
    if value in (None, ""):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not (isinstance(value, str) and value.isascii() and value.isdigit()
            and 0 < int(value) <= MAX_ID):
        raise BadRequest(message or Text(N_("%(name)s must be a positive whole number, not "
                                            "%(value)s"), name=name, value=repr(value)))
    return int(value)


def version(body: Mapping | None, if_match: str | None = None) -> int:
    """The row version an edit was made to: "version" in the body (a whole number, not
    1.9 nor true), else an If-Match header."""
    value = body.get("version") if isinstance(body, Mapping) else None
    if value is None:
        value = (if_match or "").strip().strip('"') or None
        if value is not None and not (value.isascii() and value.isdigit()):
            raise schemas.refuse("If-Match", "type", expected=schemas.Text(
                schemas.TYPES["integer"]))
    if value is None:
        raise BadRequest(Text(N_("an edit needs the version you read (\"version\" or "
                                 "If-Match)")))
    if isinstance(value, bool) or not isinstance(value, int | str) or (
            isinstance(value, str) and not (value.isascii() and value.isdigit())):
        raise schemas.refuse("version", "type", expected=schemas.Text(schemas.TYPES["integer"]))
    return int(value)


def form_version(form: Mapping) -> int:
    """The version a form was read at (a hidden field)."""
    value = form.get("version", "")
    if not (value.isascii() and value.isdigit()):
        raise BadRequest(Text(N_("the form lacks the version it was read at (%(value)s)"),
                              value=repr(value)))
    return int(value)


class _NotFinite(ValueError):
    pass


def _no_constant(name: str):
    raise _NotFinite(name)


def json_body(raw: bytes | str, max_depth: int = schemas.MAX_DEPTH):
    """A JSON request body: refused (400 naming the body) when it is not JSON, holds NaN
    or Infinity, or nests deeper than `max_depth`; an empty body is None."""
    if not raw or not raw.strip():
        return None
    try:
        data = json.loads(raw, parse_constant=_no_constant)
    except RecursionError:
        raise schemas.refuse("body", "depth", limit=max_depth) from None
    except _NotFinite:
        raise schemas.refuse("body", "finite") from None
    except ValueError:
        raise schemas.refuse("body", "json") from None
    schemas.depth(data, max_depth)
    return data


def json_object(body) -> dict:
    """A request body that must be a JSON object."""
    if not isinstance(body, dict):
        raise schemas.refuse("body", "object")
    return body


def edit(body, if_match: str | None = None) -> tuple[int, dict, dict | None]:
    """version (body or If-Match), properties and geometry of a feature edit, checked
    against schemas.PLOT_EDIT (types, ranges, lengths, enums, no unknown key)."""
    body = json_object(body)
    schemas.check(schemas.PLOT_EDIT, body)
    number = version(body, if_match)
    geometry = body.get("geometry")
    for name in schemas.DATE_FIELDS & set(body.get("properties") or {}):
        try:
            iso_date(name, body["properties"][name])
        except BadRequest:
            raise schemas.refuse(f"properties.{name}", "date") from None
    return number, body.get("properties") or {}, geometry


def park(conn: psycopg.Connection, value: str | int | None, required: bool = False) -> int | None:
    """A park given by id or code; absent means every park (None), or the first park when
    `required`."""
    if value in (None, ""):
        return parks.resolve(conn) if required else None
    value = str(value)
    if value.isascii() and value.isdigit():
        return park_id(int(value))
    return parks.resolve(conn, value)


def park_id(value: int) -> int:
    """A park id as given, refused when it cannot be a park's (out of integer range)."""
    if not 0 < value <= MAX_ID:
        raise NotFound(Text(NO_PARK, id=value))
    return value


# --- projects (issue 12): the list's query and the forms' values -------------------------

def project_list(args: Mapping):
    """The project list's search, filters, sort (a column, "-" before it: descending),
    page and as_of, from a query string."""
    sort = args.get("sort") or "code"
    descending = sort.startswith("-")
    if sort.lstrip("-") not in SORTS:
        raise BadRequest(Text(N_("%(name)s must be one of %(choices)s, not %(value)s"),
                              name="sort", choices=", ".join(SORTS), value=repr(sort)))
    filters = {name: (text(args, name) or "").strip() or None for name in FILTERS}
    return ListQuery(filters=filters, sort=sort.lstrip("-"), descending=descending,
                     page=whole_number("page", args.get("page")) or 1,
                     as_of=as_of(args.get("as_of")))


TAG_SEPARATORS = re.compile(r"[,，、;；\s]+")


def record_form(form: Mapping, numbers: tuple[str, ...] = (), whole: tuple[str, ...] = (),
                lists: tuple[str, ...] = ()) -> dict:
    """An edit form's fields as an API body's properties: text trimmed, empty → None,
    numbers as numbers (text that is not one stays text, for the schema to name), lists
    from repeated fields plus a `<name>_free` field of words (commas, 、 or spaces apart)."""
    values: dict = {}
    for name in form:
        if name in ("csrf_token", "version", "action") or name.endswith("_free"):
            continue
        if name in lists:
            continue
        value = (form.get(name) or "").strip() or None
        if value is not None and name in numbers + whole:
            value = _number_or_text(value, int if name in whole else float)
        values[name] = value
    for name in lists:
        words = list(form.getlist(name)) if hasattr(form, "getlist") else []
        words += TAG_SEPARATORS.split(form.get(f"{name}_free") or "")
        values[name] = [w.strip() for w in words if w.strip()]
    return values


def _number_or_text(value: str, kind: type):
    try:
        return kind(value)
    except ValueError:
        return value


# The lobby screen's timing (seconds): how often it fetches the board again, and how long
# each slide (board, ranking, battle map) stays; defaults and the allowed range.
LOBBY_REFRESH = (60, 1, 3600)
LOBBY_SLIDE = (20, 1, 3600)


def lobby_timing(args: Mapping) -> dict:
    """?refresh= and ?slide= in whole seconds within their ranges, else the defaults."""
    timing = {}
    for name, (default, low, high) in (("refresh", LOBBY_REFRESH), ("slide", LOBBY_SLIDE)):
        value = whole_number(name, args.get(name)) or default
        if not low <= value <= high:
            raise BadRequest(Text(N_("%(name)s must be between %(low)s and %(high)s seconds, "
                                     "not %(value)s"), name=name, low=low, high=high,
                                  value=value))
        timing[name] = value
    return timing


def period(value: str | None) -> Period | None:
    """period=2026-11-3 (a 旬: year, month, part 1–3), or None when absent."""
    if value in (None, ""):
        return None
    return Period.parse(value)


def export_kind(value: str | None, known: Mapping) -> str:
    """kind=<one of known> of a download (the 旬报 and 点将台 files); required."""
    if value not in known:
        raise BadRequest(Text(N_("%(name)s must be one of %(choices)s, not %(value)s"),
                              name="kind", choices=", ".join(known), value=repr(value)))
    return value


NO_UPLOAD = N_("send the file as the multipart field \"file\" and the layer to import into "
               "(plots, roads, networks or zones) as \"layer\"")


def upload(form: Mapping, files: Mapping) -> tuple[str, str, bytes]:
    """An import's upload: (the layer to import into, the file's name, its bytes)."""
    file = files.get("file")
    layer = form.get("layer")
    if file is None or not file.filename or not layer:
        raise BadRequest(Text(NO_UPLOAD), code="no_file")
    return layer, file.filename, file.read()


def import_choices(form: Mapping) -> dict:
    """The choices an upload may carry already (form fields; the source layer as
    source_layer, a mapping as JSON text), checked like the JSON ones of a PUT."""
    choices = {k: form[k] for k in ("encoding", "mapping_name", "save_mapping", "treatment",
                                    "mode", "zone") if form.get(k)}
    if form.get("source_layer"):
        choices["layer"] = form["source_layer"]
    if form.get("crs"):
        choices["crs"] = whole_number("crs", form["crs"])
    if form.get("mapping"):
        choices["mapping"] = json_object(json_body(form["mapping"]))
    return schemas.check(schemas.IMPORT_CHOICES, choices)


# --- OGC API Features (issue 14) ------------------------------------------------------------

OGC_DEFAULT_LIMIT = 100
OGC_PARAMETERS = frozenset({"f", "lang", "limit", "bbox", "bbox-crs", "crs", "datetime",
                            "as_of", "park", "after", "before"})


def ogc_format(value: str | None, prefers_html: bool) -> str:
    """f=json|html; absent: what the Accept header prefers (the web layer says)."""
    if value in (None, ""):
        return "html" if prefers_html else "json"
    if value not in ("json", "html"):
        raise BadRequest(Text(N_("%(name)s must be one of %(choices)s, not %(value)s"),
                              name="f", choices="json, html", value=repr(value)))
    return value


def ogc_datetime(args: Mapping) -> date | None:
    """datetime= a date or an RFC 3339 date-time (its date), or as_of=; not an interval:
    the status is evaluated on one day."""
    value = args.get("datetime") or None
    if value is None:
        return as_of(args.get("as_of"))
    if "/" in value:
        raise BadRequest(Text(N_("datetime must be one date (the status is evaluated on one "
                                 "day), not the interval %(value)s"), value=repr(value)))
    return iso_date("datetime", value[:10] if len(value) > 10 and value[10] in "Tt"
                    else value)


def ogc_query(conn: psycopg.Connection, args: Mapping, collection, gk_srids: list[int]):
    """An items request: limit (1–10000, default 100), the `after`/`before` cursor ids, bbox
    with bbox-crs, crs, datetime/as_of, park and the collection's filters; any other
    parameter is refused (OGC API Features /req/core/query-param-unknown)."""
    from .ogc import crs
    from .ogc.items import Query

    names = {f.name: f for f in collection.filters}
    unknown = sorted(set(args) - OGC_PARAMETERS - set(names))
    if unknown:
        raise BadRequest(Text(N_("unknown parameter %(names)s; this collection takes %(known)s"),
                              names=", ".join(unknown),
                              known=", ".join(sorted(OGC_PARAMETERS | set(names)))))
    limit = whole_number("limit", args.get("limit") or None)
    limit = OGC_DEFAULT_LIMIT if limit is None else limit
    if not 1 <= limit <= MAX_LIMIT:
        raise BadRequest(Text(BETWEEN, name="limit", low=1, high=MAX_LIMIT))
    cursors = {name: whole_number(name, args.get(name) or None) for name in ("after", "before")}
    if all(v is not None for v in cursors.values()):
        raise BadRequest(Text(N_("give after or before, not both")))
    filters = tuple((name, boolean(args, name) if f.kind == "boolean" else text(args, name))
                    for name, f in names.items() if args.get(name))
    return Query(limit=limit, **cursors, bbox=_four_numbers(args.get("bbox")),
                 bbox_crs=crs.parse("bbox-crs", args.get("bbox-crs"), gk_srids),
                 crs=crs.parse("crs", args.get("crs"), gk_srids), as_of=ogc_datetime(args),
                 park_id=park(conn, args.get("park")), filters=filters)


def year(value: str | int | None, required: bool = False) -> int | None:
    """year=YYYY of an evaluation (1900 … 2200), or None when absent and not required."""
    if value in (None, "") and not required:
        return None
    text = str(value) if value is not None else ""
    if not (text.isascii() and text.isdigit() and FIRST_YEAR <= int(text) <= LAST_YEAR):
        raise BadRequest(Text(BETWEEN, name="year", low=FIRST_YEAR, high=LAST_YEAR))
    return int(text)


def evaluation(args: Mapping) -> Filters:
    """The 亩均效益 list's filters: year, zone (code), class (A–D or "none": no class for a
    missing figure) and industry (GB/T 4754 code; its division is matched)."""
    klass = text(args, "class")
    if klass not in (None, *CLASSES, NO_CLASS):
        raise BadRequest(Text(N_("%(name)s must be one of %(choices)s, not %(value)s"),
                              name="class", choices=", ".join((*CLASSES, NO_CLASS)),
                              value=repr(klass)))
    industry = text(args, "industry")
    if industry is not None and not re.fullmatch(r"[0-9]{2,4}", industry):
        raise BadRequest(Text(N_("%(name)s must be an industry code of 2 to 4 digits, not "
                                 "%(value)s"), name="industry", value=repr(industry)))
    return Filters(year=year(args.get("year")), zone=text(args, "zone"), klass=klass,
                   industry=industry)


def enterprise(args: Mapping, required: bool = False) -> str | None:
    """enterprise=project:<id> or plot:<id>, an enterprise of the 亩均效益 evaluation."""
    value = text(args, "enterprise")
    if value is None and not required:
        return None
    if value is None or not re.fullmatch(r"(project|plot):[0-9]{1,10}", value):
        raise BadRequest(Text(N_("%(name)s must be project:<id> or plot:<id>, not %(value)s"),
                              name="enterprise", value=repr(value)))
    return value
