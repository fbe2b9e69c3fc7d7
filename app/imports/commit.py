"""Commit an import: all or nothing, audited, then the recompute of the plots it wrote.

Modes: `insert` new features (a code the park has is a problem), `upsert` (update the
park's records of the file's codes, insert the rest: plots and zones, which have codes),
`replace` a layer within a zone (the file's features replace the layer's features whose
inside point lies in the zone; plots the file names by code are updated, the zone's other
plots are retired as a plot deletion is, kept in the lineage). Problems are treated as the
user chose: `refuse` the whole file (nothing is written), `skip` the features that have
any, or `repair` (invalid geometries made valid with ST_MakeValid; a feature with another
problem is skipped). The staging, the validation and the writes are ONE transaction: a
database refusal mid-way (a rule only the database knows) leaves nothing behind. The audit
triggers record the writes as the connection's user (`db.set_actor`): the inserts as
one entry per statement naming the run and the file (app.bulk), the rest row by row. A
dry run validates and rolls back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import psycopg

from .. import bulk
from ..db import queries, transaction
from ..errors import BadRequest, Text
from ..labels import N_
from . import mapping as mappings
from . import staging
from .incoming import Incoming, dump, loads

UPSERT_NEEDS_CODES = N_("%(layer)s have no codes to update by: import them with insert or "
                        "replace")
REPLACE_NEEDS_ZONE = N_("replacing a layer needs the code of the zone to replace it in")
NO_REPLACE = N_("zones cannot be replaced within a zone: use insert or upsert")
BAD_MODE = N_("%(mode)s is not an import mode; use insert, upsert or replace")
BAD_TREATMENT = N_("%(treatment)s is not a treatment of problems; use refuse, skip or repair")
REFUSED = N_("the file has %(count)d problems: nothing was imported")
SKIPPED = N_("skipped")
REPAIRED = N_("geometry repaired with ST_MakeValid")
DELETE_REASON = "import %(file)s: replaced in zone %(zone)s"

INSERT = {"plots": "insert_plots", "zones": "insert_zones", "roads": "insert_roads",
          "networks": "insert_networks"}
UPDATE = {"plots": "update_plots", "zones": "update_zones"}
DELETE_IN_ZONE = {"roads": "delete_roads_in_zone", "networks": "delete_networks_in_zone"}


@dataclass
class Options:
    """The user's choices of how to write a read, mapped file."""

    mode: str = "insert"
    zone: str | None = None  # the zone's code, for replace (and as new plots' zone)
    treatment: str = "refuse"
    dry_run: bool = False
    file_name: str = ""
    run_id: int | None = None  # the import run (app.imports.run), named by the audit entry


@dataclass
class Report:
    """What an import did (or would do): counts and one row per feature. The rows come
    from SQL as one JSON text (sql/queries/imports/report.sql), stored as they are, read
    into Python only when shown."""

    state: str  # committed, refused, dry_run
    counts: dict[str, int]
    rows_json: str  # [{n, where, code, action, reasons [Text]}] as incoming.dump writes it
    problems: list[staging.Problem] = field(default_factory=list)
    summary: Text | None = None

    @cached_property
    def rows(self) -> list[dict]:
        return loads(self.rows_json)

    def _rest(self) -> dict:
        return {"state": self.state, "counts": self.counts,
                "problems": [p.as_json() for p in self.problems], "summary": self.summary}

    def as_json(self) -> dict:
        return {**self._rest(), "rows": self.rows}

    def stored(self) -> str:
        """The report as JSON text for the import run's record, its rows spliced in as SQL
        wrote them (no pass over them in Python)."""
        rest = json.dumps(dump({"rows": [], **self._rest()}), ensure_ascii=False)
        return '{"rows": ' + self.rows_json + rest[len('{"rows": []'):]


class _Rollback(Exception):
    def __init__(self, report: Report):
        super().__init__(report.state)
        self.report = report


def check_options(layer: str, options: Options) -> None:
    """Refuse a mode, treatment or zone that cannot apply to the layer."""
    mappings.targets(layer)
    if options.mode not in staging.MODES:
        raise BadRequest(Text(BAD_MODE, mode=str(options.mode)), code="bad_mode")
    if options.treatment not in staging.TREATMENTS:
        raise BadRequest(Text(BAD_TREATMENT, treatment=str(options.treatment)),
                         code="bad_treatment")
    if options.mode == "upsert" and layer not in UPDATE:
        raise BadRequest(Text(UPSERT_NEEDS_CODES, layer=layer), code="bad_mode")
    if options.mode == "replace" and layer == "zones":
        raise BadRequest(Text(NO_REPLACE), code="bad_mode")
    if options.mode == "replace" and not options.zone:
        raise BadRequest(Text(REPLACE_NEEDS_ZONE), code="zone_required")


def zone_id(conn: psycopg.Connection, park_id: int, code: str | None) -> int | None:
    if code is None:
        return None
    found = queries().imports.zone_id(conn, park_id=park_id, code=code)
    if found is None:
        raise BadRequest(Text(staging.ZONE, code=code), code="no_such_zone")
    return found


def validate(conn: psycopg.Connection, park_id: int, layer: str, incoming: Incoming,
             mapping: mappings.Mapping, srid: int, options: Options) -> tuple[dict, Report]:
    """Stage and validate, write nothing: (the preview GeoJSON in 4326, the report of what a
    commit with these choices would do)."""
    check_options(layer, options)
    preview: dict = {}
    try:
        with transaction(conn):
            staged = staging.stage(conn, park_id, layer, incoming, mapping, srid,
                                   mode=options.mode,
                                   zone_id=zone_id(conn, park_id, options.zone),
                                   treatment=options.treatment)
            preview = staging.preview(conn)
            raise _Rollback(_plan(conn, park_id, layer, staged, options, dry=True))
    except _Rollback as done:
        return preview, done.report


def run(conn: psycopg.Connection, park_id: int, layer: str, incoming: Incoming,
        mapping: mappings.Mapping, srid: int, options: Options,
        progress: Callable[[int], None] | None = None) -> Report:
    """Stage, validate and write the file in one transaction; a refusal, a dry run or a
    database error writes nothing."""
    check_options(layer, options)
    try:
        with transaction(conn):
            # one audit entry per inserting statement (app.bulk); plots: one recompute at
            # the end; other layers: their triggers recompute the plots they serve
            bulk.begin(conn, source(options), defer_recompute=layer == "plots")
            zone = zone_id(conn, park_id, options.zone)
            staged = staging.stage(conn, park_id, layer, incoming, mapping, srid,
                                   mode=options.mode, zone_id=zone,
                                   treatment=options.treatment, progress=progress)
            report = _plan(conn, park_id, layer, staged, options, dry=options.dry_run)
            if report.state != "committed":
                raise _Rollback(report)
            report.counts.update(_write(conn, park_id, layer, zone, options))
            return report
    except _Rollback as done:
        return done.report


def _plan(conn: psycopg.Connection, park_id: int, layer: str, staged: staging.Staged,
          options: Options, dry: bool) -> Report:
    """Decide each feature's action from the problems and the treatment; the report."""
    problems = staged.problems
    refuse = bool(problems) and options.treatment == "refuse"
    skip = sorted(staged.problem_features())
    queries().imports.mark_actions(conn, park_id=park_id, layer=layer, mode=options.mode,
                                   skip=skip)
    reasons: dict[str, list] = {}
    for p in problems:
        reasons.setdefault(str(p.n), []).append(dump(p.text))
    found = queries().imports.report(conn, refuse=refuse, reasons=json.dumps(reasons),
                                     repaired_note=json.dumps(dump(Text(REPAIRED))))
    counts = {"inserted": 0, "updated": 0, "skipped": 0, **found["counts"],
              "repaired": found["repaired"]}
    state = "refused" if refuse else "dry_run" if dry else "committed"
    summary = Text(REFUSED, count=len(problems)) if refuse else None
    return Report(state, counts, found["rows"], problems, summary)


def _write(conn: psycopg.Connection, park_id: int, layer: str, zone: int | None,
           options: Options) -> dict[str, int]:
    """The set-based writes of the marked staging rows; the recompute of the plots."""
    q = queries().imports
    deleted = 0
    if options.mode == "replace":
        if layer == "plots":
            deleted = q.delete_plots_in_zone(
                conn, park_id=park_id, zone_id=zone,
                reason=DELETE_REASON % {"file": options.file_name, "zone": options.zone})
        else:
            deleted = getattr(q, DELETE_IN_ZONE[layer])(conn, park_id=park_id, zone_id=zone)
    updated = [r["id"] for r in getattr(q, UPDATE[layer])(conn, park_id=park_id)] \
        if layer in UPDATE else []
    args = {"park_id": park_id, **({"zone_id": zone} if layer == "plots" else {})}
    inserted = [r["id"] for r in getattr(q, INSERT[layer])(conn, **args)]
    if layer == "plots":
        bulk.recompute(conn, park_id, updated + inserted,
                       written=len(updated) + len(inserted) + deleted)
    return {"deleted": deleted}


def source(options: Options) -> str:
    """How the audit entry of the import's bulk insert names it: the run and the file."""
    return " ".join(x for x in (f"#{options.run_id}" if options.run_id else "",
                                options.file_name) if x) or "import"

