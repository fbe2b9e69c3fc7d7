"""Domain errors that carry their HTTP status, and the mapping of database errors to them.

Domain code raises these; one Flask handler (app.web_errors) turns them into a JSON error
or an error page, so no route decides a status code by hand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import psycopg
from psycopg import errors as pg

from . import labels
from .labels import N_


class Text:
    """A message in the user's language: an English message id of the Babel catalogue with
    %(name)s values (themselves Text or plain), translated where it is shown (the page, the
    API, the CLI); str() is the English."""

    def __init__(self, msgid: str, **values):
        self.msgid = msgid
        self.values = values

    def translate(self, gettext: Callable[[str], str]) -> str:
        values = {k: v.translate(gettext) if isinstance(v, Text) else v
                  for k, v in self.values.items()}
        return gettext(self.msgid) % values

    def __str__(self) -> str:
        return self.translate(str)

    def __repr__(self) -> str:
        return f"Text({self!s})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Text) and (self.msgid, self.values) == (other.msgid,
                                                                         other.values)

    def __hash__(self) -> int:
        return hash(self.msgid)


def localized(data, gettext: Callable[[str], str]):
    """`data` (dicts, lists, Text and plain values) with every Text translated."""
    if isinstance(data, Text):
        return data.translate(gettext)
    if isinstance(data, dict):
        return {k: localized(v, gettext) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return [localized(v, gettext) for v in data]
    return data


class AtlasError(Exception):
    """An error the user can act on, with the HTTP status that says what kind it is.

    `message` is English; when it was given as a `Text`, `text` keeps it for translation."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str | Text, *, code: str | None = None,
                 details: object = None):
        super().__init__(str(message))
        self.text = message if isinstance(message, Text) else None
        self.message = str(message)
        if code:
            self.code = code
        self.details = details

    def localize(self, gettext: Callable[[str], str]) -> AtlasError:
        """Put the message, and any Text in the details, in the language of `gettext`."""
        if self.text is not None:
            self.message = self.text.translate(gettext)
        self.details = localized(self.details, gettext)
        return self

    def to_dict(self) -> dict:
        body = {"code": self.code, "message": self.message}
        if self.details is not None:
            body["details"] = self.details
        return {"error": body}


class BadRequest(AtlasError):
    status, code = 400, "bad_request"


class Unauthorized(AtlasError):
    status, code = 401, "unauthorized"


class Forbidden(AtlasError):
    status, code = 403, "forbidden"


class NotFound(AtlasError):
    status, code = 404, "not_found"


class Conflict(AtlasError):
    status, code = 409, "conflict"


class Unprocessable(AtlasError):
    """Well-formed, but the data it names cannot be processed (e.g. a plan that fails its
    checks); `details` lists what to fix."""

    status, code = 422, "unprocessable"


STALE = N_("%(what)s was changed by someone else (now version %(current)s, you edited "
           "version %(version)s); reload it and edit again")


def stale(what: Text, current: int, version: int) -> Conflict:
    """The Conflict of an edit made to an old version of a row: never a silent overwrite.
    `what` names the row, e.g. Text(N_("plot %(id)s"), id=3)."""
    return Conflict(Text(STALE, what=what, current=current, version=version),
                    details={"current_version": current})


NO_PARK = N_("no park with id %(id)s")


class PayloadTooLarge(AtlasError):
    status, code = 413, "payload_too_large"


# Plausible values (issue 9), shared by the database's CHECKs (migration 0014, mapped below),
# the data set loader and the API schema: money in 万元, areas in m², rates in 元.
MONEY_MAX, AREA_MAX, RATE_MAX, WIDTH_MAX = 1e12, 1e9, 999_999_999_999.99, 500
NAME_MAX, CODE_MAX, NOTE_MAX = 100, 50, 2000
# What a name or code may not hold: the 报批坐标 TXT and other exchange formats split on commas
# and lines. Names of people, companies and owners may hold commas ("Co., Ltd.") but keep to
# one line; notes may hold line breaks and tabs. (The CHECKs spell the same sets.)
NOT_PLAIN = re.compile(r"[,\x00-\x1f\x7f-\x9f\u2028\u2029]")
NOT_ONE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
NOT_PRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

IN_RANGE = N_("must be a number from %(min)s to %(max)s")
TOO_LONG = N_("must be at most %(max)d characters long")
HAS_SEPARATOR = N_("must not contain a comma, a line break, a tab or another control "
                   "character (the exchange formats cannot carry them)")
HAS_LINE_BREAK = N_("must be one line, without line breaks, tabs or other control characters")
HAS_CONTROL = N_("must not contain control characters other than line breaks and tabs")
ONE_OF = N_("must be one of %(choices)s")
NOT_BLANK = N_("must not be blank")
NOT_NEGATIVE = N_("must not be negative")
POSITIVE = N_("must be greater than 0")
NOT_SUBNORMAL = N_("must be 0 or at least 0.000001 (a square millimetre, a hundredth of a yuan)")
LOOKS_LIKE = N_("must look like %(example)s")
SAME_CODE = N_("another record of the park has the same code")


def _number(x: float) -> str:
    if x < 1000:
        return f"{x:g}"
    return f"{x:,.0f}" if x == int(x) else f"{x:,.2f}"


def in_range(low: float, high: float) -> Text:
    return Text(IN_RANGE, min=_number(low), max=_number(high))


# The bounds of each kind of value, and {<check suffix>: problem}: a CHECK of migration 0014
# is named <table>_<column>_<suffix>.
RANGES = {"money": (0, MONEY_MAX), "area": (0, AREA_MAX), "rate": (0, RATE_MAX),
          "width": (0, WIDTH_MAX)}
LENGTHS = {"name": NAME_MAX, "code": CODE_MAX, "person": NAME_MAX, "note": NOTE_MAX}
FORBIDDEN = {"name": ("plain", NOT_PLAIN, HAS_SEPARATOR),
             "code": ("plain", NOT_PLAIN, HAS_SEPARATOR),
             "person": ("line", NOT_ONE_LINE, HAS_LINE_BREAK),
             "note": ("printable", NOT_PRINTABLE, HAS_CONTROL)}
PLAUSIBLE_KINDS: dict[str, dict[str, Text]] = {
    **{kind: {"range": in_range(*bounds)} for kind, bounds in RANGES.items()},
    **{kind: {"length": Text(TOO_LONG, max=LENGTHS[kind]), suffix: Text(problem)}
       for kind, (suffix, _pattern, problem) in FORBIDDEN.items()},
}
# The columns of each kind, as migration 0014 (and 0016) list them.
PLAUSIBLE_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "plots": {"money": ("land_price", "planned_investment", "actual_investment", "annual_tax",
                        "annual_output"),
              "area": ("house_floor_area_m2", "planned_floor_area_m2", "floor_area_m2",
                       "high_floor_area_m2", "building_footprint_m2", "structure_footprint_m2",
                       "open_storage_m2", "admin_living_area_m2", "developed_area_m2"),
              "name": ("name",), "code": ("code", "price_zone", "contract_no"),
              "person": ("owner", "land_user"),  # land_user, contract_no: migration 0016
              "note": ("government_cause_note", "disposal_note")},
    "parks": {"name": ("name", "name_en")},
    "zones": {"name": ("name", "name_en"), "code": ("code",)},
    "price_zones": {"name": ("name",), "code": ("code",)},
    "roads": {"name": ("name",), "width": ("width_m",)},
    "networks": {"name": ("name",), "code": ("subtype",)},
    "projects": {"name": ("name",), "code": ("code",),
                 "person": ("company", "leader", "service_official",
                            "responsible_unit"),  # responsible_unit: migration 0020
                 "money": ("planned_investment", "completed_investment")},
    "project_plots": {"area": ("claimed_area_m2",)},
    "progress_reports": {"money": ("investment_done",), "note": ("note",),
                         "person": ("reporter",)},  # reporter: migration 0020
    "compensation_rates": {"code": ("price_zone",),
                           "rate": ("land_price_yuan_mu", "crop_yuan_mu",
                                    "special_crop_yuan_mu", "house_yuan_m2",
                                    "social_security_yuan_mu")},
    "requisition_plans": {"name": ("name",)},
}


ROAD_CLASSES = ("arterial", "secondary", "branch")
SUPPLY_METHODS = ("sale", "allocation")


def _choices(values) -> Text:
    return Text(ONE_OF, choices=", ".join(values))


def _constraint_problems() -> dict[str, tuple[str, Text]]:
    """Every CHECK of the data tables → (field, problem): those of migration 0014 and the
    older ones (value lists, signs, formats, blanks)."""
    found = {}
    for table, kinds in PLAUSIBLE_COLUMNS.items():
        for kind, columns in kinds.items():
            for column in columns:
                for suffix, problem in PLAUSIBLE_KINDS[kind].items():
                    found[f"{table}_{column}_{suffix}"] = (column, problem)
    for column in PLAUSIBLE_COLUMNS["plots"]["money"] + PLAUSIBLE_COLUMNS["plots"]["area"]:
        found[f"plots_{column}_check"] = (column, Text(NOT_NEGATIVE))  # 0001–0002
        found[f"plots_{column}_plausible"] = (column, Text(NOT_SUBNORMAL))  # 0011
    for table, column in (("projects", "planned_investment"), ("projects", "completed_investment"),
                          ("progress_reports", "investment_done"),
                          *(("compensation_rates", c)
                            for c in PLAUSIBLE_COLUMNS["compensation_rates"]["rate"])):
        found[f"{table}_{column}_check"] = (column, Text(NOT_NEGATIVE))
    lists = {"plots_owner_type_check": ("owner_type", labels.OWNER_TYPES),
             "plots_supply_method_check": ("supply_method", SUPPLY_METHODS),
             "plots_disposal_check": ("disposal", labels.DISPOSALS),
             "plot_disposals_kind_check": ("kind", labels.DISPOSALS),
             "plots_government_cause_check": ("government_cause", labels.GOVERNMENT_CAUSES),
             "roads_class_check": ("class", ROAD_CLASSES),
             "roads_status_check": ("status", labels.STATUSES),
             "networks_status_check": ("status", labels.STATUSES),
             "networks_utility_check": ("utility", labels.UTILITIES),
             "projects_stage_check": ("stage", labels.PROJECT_STAGES),
             "milestones_stage_check": ("stage", list(labels.PROJECT_STAGES)[1:]),
             "compensation_rates_land_group_check": ("land_group", labels.LAND_GROUPS)}
    found.update({name: (field, _choices(values)) for name, (field, values) in lists.items()})
    found.update({
        "parks_code_format": ("code", Text(LOOKS_LIKE, example="JSCY")),
        "plots_code_format": ("code", Text(LOOKS_LIKE, example="NQ-03-12")),
        "plots_land_class_format": ("land_class", Text(LOOKS_LIKE, example="0101")),
        "plots_planned_use_format": ("planned_use", Text(LOOKS_LIKE, example="100101")),
        "projects_industry_format": ("industry_code", Text(LOOKS_LIKE, example="3971")),
        "zones_admitted_industries_format": ("admitted_industries",
                                             Text(LOOKS_LIKE, example='["13", "3971"]')),
        "projects_tags_format": ("tags", Text(LOOKS_LIKE,
                                              example='["municipal_key", "2+10", "园区重点"]')),
        "parks_name_check": ("name", Text(NOT_BLANK)),
        "projects_name_check": ("name", Text(NOT_BLANK)),
        "zones_code_check": ("code", Text(NOT_BLANK)),
        "requisition_plans_name_check": ("name", Text(NOT_BLANK)),
        "parks_settings_object": ("settings", Text(LOOKS_LIKE, example="{}")),
        "roads_width_m_check": ("width_m", Text(POSITIVE)),
        "project_plots_claimed_area_m2_check": ("claimed_area_m2", Text(POSITIVE)),
        "project_plots_conflict_reason_length": ("conflict_reason", Text(N_(
            "must not be blank and at most 2000 characters long"))),
        "progress_reports_progress_pct_check": ("progress_pct", in_range(0, 100)),
        "networks_geom_type": ("geometry", _choices(("LineString", "MultiLineString",
                                                     "Point"))),
    })
    return found



# What the user did wrong when a record breaks a constraint or a value is refused: one
# place for the words, used by the database error mapping below (API, pages, CLI) and by
# the data set loader, which checks the same rules before it inserts so that it can name
# the record. Keyed by constraint name, else by SQLSTATE; each gives (field, problem).
# a survey setting (界址点 numbering, 界址点成果表 vocabularies) outside its list: refused
# when the park's settings are written (sql/source/01_settings.sql) and, for settings
# written before that check, when a plan is computed (plan_result.Survey.from_settings)
SURVEY_SETTING = N_("the park setting %(setting)s is %(value)s; use one of: %(known)s")

PROBLEMS: dict[str, tuple[str | None, str | Text]] = {
    **_constraint_problems(),
    "parks_code_key": ("code", N_("this park code is already loaded; a park loads once")),
    "plots_park_id_code_key": ("code", N_("another plot of the park has the same code")),
    **{f"{t}_park_id_code_key": ("code", SAME_CODE)
       for t in ("zones", "price_zones", "projects")},
    "plots_cause_noted": ("government_cause_note",
                          N_("a government cause (government_cause) needs a note")),
    "plots_disposal_dated": ("disposal_on", N_(
        "a disposal (disposal) and its date (disposal_on) go together: give both or neither")),
    # the disposal record (0031); app/disposal/decision.py checks the same before writing
    "plot_disposals_deadline_given": ("deadline_on", N_(
        "a start deadline decision, and only it, has a new deadline")),
    "plot_disposals_deadline_after": ("deadline_on", N_(
        "the new start deadline must be after the decision date")),
    "plot_disposals_amount_given": ("amount", N_(
        "an idle fee decision, and only it, has an amount")),
    "plot_disposals_amount_positive": ("amount", N_(
        "the idle fee must be a number above 0 (10k yuan)")),
    "plot_disposals_doc_no_length": ("doc_no", N_(
        "must not be blank and at most 200 characters long")),
    "plot_disposals_note_length": ("note", N_("must be at most 2000 characters long")),
    # Trigger refusals (sql/source): the constraint names a rule, the DETAIL holds its values
    # as JSON (events by their name, see _detail_values).
    **{f"{t}_within_reach": ("geometry", N_(
        "outside the park's reach: %(km)s km from the nearest zone of its park (reach "
        "%(reach_km)s km); check the coordinates and the park (setting location.reach_m)"))
       for t in ("plots", "roads", "networks")},
    "parks_survey_settings": ("settings", SURVEY_SETTING),
    "project_plots_same_park": ("plot_ids", N_(
        "plot %(plot)s is not in the park of project %(project)s; a project occupies plots "
        "of its own park only")),
    "parks_evaluation_settings": ("settings", N_(
        "the park setting %(setting)s is %(value)s; see the README (亩均效益) for its "
        "method, weights, benchmarks, thresholds and quantiles")),
    "parks_import_settings": ("settings", N_(
        "the park setting %(setting)s is %(value)s; it must be a number of kilometres "
        "greater than 0")),
    "plots_lifecycle_order": ("supplied_on", N_(
        "the date of %(event)s (%(on)s) is earlier than the date of %(before)s "
        "(%(before_on)s); lifecycle events follow their order")),
    "plots_lifecycle_calendar": ("supplied_on", N_(
        "the date of %(event)s must be a calendar date, not %(on)s")),
    "plots_lifecycle_agreed_start_supply": ("agreed_start_on", N_(
        "an agreed start date needs a supply date")),
    "plots_lifecycle_agreed_start_order": ("agreed_start_on", N_(
        "the agreed start date (%(on)s) is earlier than the supply date (%(before_on)s)")),
    "plots_lifecycle_state_land": ("requisitioned_on", N_(
        "state-owned land is not requisitioned; clear the requisition date")),
    # geometry editing (sql/source/13_plot_shapes.sql): the values come as a JSON DETAIL
    # projects (sql/source/04_projects.sql, issue 12)
    "projects_industry_known": ("industry_code", N_(
        "%(industry_code)s is not a GB/T 4754-2017 industry code: its first two digits "
        "name no industry division")),
    "milestones_not_future": ("actual_on", N_(
        "the actual date %(on)s is in the future (today is %(today)s); record it once it "
        "has happened")),
    "progress_reports_not_future": ("reported_on", N_(
        "the report date %(on)s is in the future (today is %(today)s)")),
    "milestones_project_id_stage_key": ("stage", N_(
        "the project already has a milestone for this stage; edit that one")),
    "progress_reports_project_id_reported_on_key": ("reported_on", N_(
        "the project already has a progress report of this date; edit that one")),
    "plots_overlap": ("geometry", N_(
        "overlaps %(overlaps)s, more than the park allows (%(max)s m², setting "
        "editing.max_overlap_m2); clip it to its neighbours or redraw it")),
    "plots_split_misses": ("geometry", N_(
        "the line does not cut the plot into pieces: draw it across the plot, starting and "
        "ending outside it")),
    "plots_split_codes": ("codes", N_(
        "the line cuts the plot into %(pieces)s pieces but %(given)s codes were given")),
    "plots_merge_apart": ("plots", N_(
        "does not touch %(apart)s: only adjacent plots can be merged")),
    "plot_operations_reason_given": ("reason", N_("a reason is required to delete a plot")),
    "22008": (None, N_("a date is not on the calendar")),  # datetime_field_overflow
    "22007": (None, N_("a date or time is not written YYYY-MM-DD")),  # invalid format
}
RECORD_PROBLEM = N_("%(record)s, field %(field)s: %(problem)s")
RECORD = {"plots": N_("plot %(code)s"), "parks": N_("park %(code)s"),
          "projects": N_("project %(code)s"), "roads": N_("road %(code)s"),
          "networks": N_("network feature %(code)s"), "zones": N_("zone %(code)s")}
# plot_events() (sql/source/03_lifecycle.sql) names the events as stages: their fields
EVENT_FIELDS = (("approved", "approved_on"), ("requisitioned", "requisitioned_on"),
                ("banked", "banked_on"), ("supplied", "supplied_on"),
                ("agreed_start", "agreed_start_on"), ("delivered", "delivered_on"),
                ("under_construction", "started_on"), ("completed", "completed_on"),
                ("operating", "operating_on"))
EVENT_NAMES = {event: dict(labels.EVENTS)[column] for event, column in EVENT_FIELDS}
UNNAMED = {"plots": N_("a plot"), "parks": N_("a park"), "zones": N_("a zone"),
           "price_zones": N_("a price zone"), "roads": N_("a road"),
           "networks": N_("a network feature"), "projects": N_("a project"),
           "project_plots": N_("a plot of a project"), "milestones": N_("a milestone"),
           "progress_reports": N_("a progress report"),
           "compensation_rates": N_("a compensation rate"),
           "requisition_plans": N_("a requisition plan")}
# The record's code in a violation's detail: "Key (park_id, code)=(3, NQ-01-01) already
# exists."; for a plot's CHECK, the failing row starts (id, park_id, zone_id, code, …).
_CODE_IN_DETAIL = (
    re.compile(r"^Key \(.*\)=\((?:.*, )?(?P<code>[^,]*)\) already exists"),
    re.compile(r"^Failing row contains \(\d+, \d+, (?:\d+|null), (?P<code>[A-Za-z0-9-]+),"),
)


def record_problem(record: Text | str, field: str | None, problem: str | Text,
                   **values) -> Text:
    """'plot NQ-01-01, field disposal_on: …' as a translatable Text."""
    return Text(RECORD_PROBLEM, record=record, field=field or "-",
                problem=problem if isinstance(problem, Text) else Text(problem, **values))


# Problems raised with their values as a JSON DETAIL, and the API code of each; the values
# fill the message and go into the error's details (e.g. the overlapping plots as a list).
VALUED = {"plots_overlap": "plot_overlap", "plots_split_misses": "split_misses",
          "plots_split_codes": "split_codes", "plots_merge_apart": "merge_apart"}


def _named(exc: psycopg.Error) -> AtlasError | None:
    """The error of a constraint or SQLSTATE listed in PROBLEMS, naming record and field."""
    key = exc.diag.constraint_name if exc.diag.constraint_name in PROBLEMS else exc.sqlstate
    if key not in PROBLEMS:
        return None
    field, problem = PROBLEMS[key]
    # a trigger's RAISE names no table: its constraint starts with it (plots_within_reach)
    table = exc.diag.table_name or key.partition("_")[0]
    values = _detail_values(exc.diag.message_detail)
    field = values.pop("field", field)
    found = [m for r in _CODE_IN_DETAIL if (m := r.match(exc.diag.message_detail or ""))]
    code = values.get("code") or values.get("name") or (found[0]["code"] if found else None)
    if table in RECORD and code:
        record = Text(RECORD[table], code=code)
    else:
        record = Text(UNNAMED.get(table, N_("a record")))
    if not isinstance(problem, Text):
        problem = Text(problem, **values)
    text = record_problem(record, field, problem) if field else problem
    cls = Conflict if isinstance(exc, pg.UniqueViolation) else BadRequest
    details = {"field": field, **values} if field else None
    return cls(text, code=VALUED.get(key) or (None if cls is Conflict else "invalid_input"),
               details=details)


def _detail_values(detail: str | None) -> dict:
    """The values a trigger gave as a JSON DETAIL (events by their translatable name)."""
    try:
        values = json.loads(detail or "")
    except ValueError:
        return {}
    if not isinstance(values, dict):
        return {}
    if values.get("event") in EVENT_NAMES:  # the field of the event refused
        values["field"] = dict(EVENT_FIELDS)[values["event"]]
    return {k: Text(EVENT_NAMES[v]) if k in ("event", "before") and v in EVENT_NAMES else v
            for k, v in values.items()}


# SQLSTATE classes that mean "the input was wrong" rather than "the server broke".
_BAD_INPUT = (psycopg.DataError, psycopg.IntegrityError, pg.RaiseException)
_CONFLICT = (pg.UniqueViolation, pg.ExclusionViolation, pg.SerializationFailure,
             pg.LockNotAvailable)


def from_database(exc: psycopg.Error) -> AtlasError | None:
    """The domain error for a database error caused by bad input or a conflict, else None."""
    named = _named(exc)
    if named is not None:
        return named
    message = (exc.diag.message_primary or str(exc)).strip()
    if exc.diag.message_hint:
        message = f"{message} ({exc.diag.message_hint})"
    if isinstance(exc, _CONFLICT):  # before _BAD_INPUT: a unique violation is an IntegrityError
        return Conflict(message)
    if isinstance(exc, _BAD_INPUT) or _is_geometry_parse_error(exc, message):
        return BadRequest(message, code="invalid_input")
    return None


def _is_geometry_parse_error(exc: psycopg.Error, message: str) -> bool:
    # PostGIS reports unparsable GeoJSON/WKT as an internal error (XX000), not bad input.
    return isinstance(exc, pg.InternalError_) and (
        "GeoJSON" in message or message.startswith("parse error"))
