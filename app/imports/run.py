"""An import run: the uploaded file in its own temporary folder under the instance folder,
the record of who imports what (`import_runs`, migration 0026), the choices made on the
way (CRS, source layer, encoding, mapping, treatment, mode, zone), the preview, the commit
and its report (XLSX and CSV). The folder goes on commit, on cancel and by age.

Flask-free: the API (`app.api.imports`) and the CLI call these with a connection whose
actor is the user (the audit log's name for the writes).
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg
import xlsxwriter

from ..db import queries, transaction
from ..errors import AtlasError, BadRequest, Conflict, NotFound, Text
from ..labels import N_
from . import commit, sources, staging
from . import mapping as mappings
from .incoming import Incoming, dump, revive

MAX_AGE_HOURS = 24  # an open run's file is removed after this long
PREVIEW_FEATURES = 5000  # at most this many features on the preview map
SAFE_NAME = re.compile(r"[^\w.\-\u4e00-\u9fff]+")

NO_RUN = N_("there is no import %(id)s")
NOT_OPEN = N_("import %(id)s is %(state)s: start a new one")
NO_REPORT = N_("import %(id)s has no report yet")
NO_FILE = N_("no file was uploaded")
ACTION_NAMES = {"inserted": N_("inserted"), "updated": N_("updated"), "skipped": N_("skipped"),
                "refused": N_("refused"), "not_written": N_("not written (file refused)")}
STATE_NAMES = {"committed": N_("committed"), "refused": N_("refused"),
               "dry_run": N_("dry run"), "cancelled": N_("cancelled"), "open": N_("open")}
HEADINGS = (N_("Feature"), N_("Where"), N_("Code"), N_("Action"), N_("Reasons"))
COUNT_NAMES = {"inserted": N_("inserted"), "updated": N_("updated"),
               "deleted": N_("deleted (replaced in the zone)"), "skipped": N_("skipped"),
               "repaired": N_("repaired"), "refused": N_("refused"),
               "not_written": N_("not written (file refused)")}
CHOICES = ("crs", "layer", "encoding", "mapping", "mapping_name", "save_mapping",
           "treatment", "mode", "zone")


# --- the run --------------------------------------------------------------------------------

def root(folder: str | Path) -> Path:
    """The folder holding one temporary folder per open import (made if missing)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def start(conn: psycopg.Connection, base: Path, park_id: int, layer: str, filename: str,
          data: bytes, actor: str, choices: dict) -> dict:
    """Keep the upload in a new temporary folder, record the run, read and preview it. A
    file that cannot be read (or previewed with the choices it came with) is refused: the
    run is recorded so, and its folder removed at once."""
    mappings.targets(layer)
    if not filename or not data:
        raise BadRequest(Text(NO_FILE), code="no_file")
    sweep(conn, base)
    folder = Path(tempfile.mkdtemp(prefix="run-", dir=base))
    name = SAFE_NAME.sub("_", Path(filename).name).lstrip(".") or "upload"
    (folder / name).write_bytes(data)
    run_id = queries().imports.create_run(
        conn, park_id=park_id, layer=layer, file_name=name, format=None, actor=actor,
        folder=str(folder), choices=json.dumps(choices))
    try:
        return view(conn, run_id, choices)
    except AtlasError as exc:  # unreadable, unsafe, too far…: the run ends here, its file goes
        queries().imports.finish_run(conn, id=run_id, state="refused", counts=None,
                                     report=json.dumps({"error": dump(exc.text or exc.message)}))
        _remove(str(folder))
        raise


def _run(conn: psycopg.Connection, run_id: int, open_only: bool = True) -> dict:
    row = queries().imports.run(conn, id=run_id)
    if row is None:
        raise NotFound(Text(NO_RUN, id=run_id), code="no_such_import")
    if open_only and row["state"] != "open":
        raise Conflict(Text(NOT_OPEN, id=run_id, state=Text(STATE_NAMES[row["state"]])),
                       code="import_closed")
    return row


def read(conn: psycopg.Connection, row: dict, choices: dict) -> Incoming:
    """The run's file read with the chosen source layer and encoding."""
    return read_file(conn, Path(row["folder"]) / row["file_name"], row["park_id"], choices)


def read_file(conn: psycopg.Connection, path: Path, park_id: int, choices: dict) -> Incoming:
    """A file read by app.imports.sources with the chosen source layer and encoding, its
    CRS candidates placed against the park."""
    return sources.read(path, filename=Path(path).name, layer=choices.get("layer"),
                        encoding=choices.get("encoding"), park=park_id, conn=conn)


def _mapping(conn: psycopg.Connection, row: dict, choices: dict,
             fields: list[str]) -> mappings.Mapping:
    layer, park_id = row["layer"], row["park_id"]
    if choices.get("mapping") is not None:
        return mappings.checked(layer, choices["mapping"], fields)
    if choices.get("mapping_name"):
        return mappings.load(conn, park_id, layer, choices["mapping_name"], fields)
    return mappings.guess(layer, fields)


def _options(row: dict, choices: dict, dry_run: bool = False) -> commit.Options:
    return commit.Options(mode=choices.get("mode") or "insert", zone=choices.get("zone"),
                          treatment=choices.get("treatment") or "refuse", dry_run=dry_run,
                          file_name=row["file_name"], run_id=row["id"])


def view(conn: psycopg.Connection, run_id: int, choices: dict | None = None) -> dict:
    """Read the run's file with the choices (merged over the last ones), validate it in
    PostGIS and say what a commit would do: the preview."""
    row = _run(conn, run_id)
    choices = {**row["choices"], **{k: v for k, v in (choices or {}).items() if k in CHOICES}}
    incoming = read(conn, row, choices)
    queries().imports.set_choices(conn, id=run_id, format=incoming.format,
                                  choices=json.dumps(choices))
    fields = staging.source_fields(incoming)
    chosen = _mapping(conn, row, choices, fields)
    result = {
        "id": run_id, "file_name": row["file_name"], "layer": row["layer"],
        "format": incoming.format, "layers": incoming.layers, "source_layer": incoming.layer,
        "layer_counts": incoming.layer_counts,
        "encoding": incoming.encoding, "encoding_source": incoming.encoding_source,
        "crs": incoming.crs, "warnings": incoming.warnings,
        "crs_candidates": [{"epsg": c.epsg, "name": c.name, "lon": c.lon, "lat": c.lat,
                            "km_from_park": c.km_from_park} for c in incoming.crs_candidates],
        "fields": fields, "mapping": chosen.as_json(),
        "targets": list(mappings.targets(row["layer"])),
        "saved_mappings": [m["name"] for m in mappings.saved(conn, row["park_id"],
                                                              row["layer"])],
        "choices": choices, "features": len(incoming.features), "crs_required": False,
        "preview": None, "report": None}
    try:
        srid = staging.crs_of(incoming, choices.get("crs"))
    except BadRequest as exc:
        if exc.code != "crs_required":
            raise
        return {**result, "crs_required": True}
    preview, report = commit.validate(conn, row["park_id"], row["layer"], incoming, chosen,
                                      srid, _options(row, choices))
    preview["features"] = preview["features"][:PREVIEW_FEATURES]
    return {**result, "srid": srid, "preview": preview, "report": report.as_json()}


def finish(conn: psycopg.Connection, run_id: int, choices: dict | None = None,
           progress: Callable[[int], None] | None = None, dry_run: bool = False) -> dict:
    """Commit the run with its choices (or a dry run); record the report; remove the file."""
    row = _run(conn, run_id)
    choices = {**row["choices"], **{k: v for k, v in (choices or {}).items() if k in CHOICES}}
    result = _commit(conn, row, read(conn, row, choices), choices, progress, dry_run)
    _remove(row["folder"])
    return result


def direct(conn: psycopg.Connection, park_id: int, layer: str, file_name: str,
           incoming: Incoming, actor: str, choices: dict,
           progress: Callable[[int], None] | None = None, dry_run: bool = False) -> dict:
    """Import a file read already (the CLI): recorded as a run, committed at once."""
    mappings.targets(layer)
    run_id = queries().imports.create_run(
        conn, park_id=park_id, layer=layer, file_name=file_name, format=incoming.format,
        actor=actor, folder=None, choices=json.dumps(choices))
    row = {"id": run_id, "park_id": park_id, "layer": layer, "file_name": file_name,
           "actor": actor}
    try:
        return _commit(conn, row, incoming, choices, progress, dry_run)
    except AtlasError as exc:  # refused by the database (or a choice): recorded so, re-raised
        queries().imports.finish_run(conn, id=run_id, state="refused", counts=None,
                                     report=json.dumps({"error": dump(exc.text or exc.message)}))
        raise


def _commit(conn: psycopg.Connection, row: dict, incoming: Incoming, choices: dict,
            progress: Callable[[int], None] | None, dry_run: bool) -> dict:
    chosen = _mapping(conn, row, choices, staging.source_fields(incoming))
    srid = staging.crs_of(incoming, choices.get("crs"))
    report = commit.run(conn, row["park_id"], row["layer"], incoming, chosen, srid,
                        _options(row, choices, dry_run), progress)
    if report.state == "committed" and choices.get("save_mapping"):
        mappings.save(conn, row["park_id"], row["layer"], choices["save_mapping"], chosen,
                      row["actor"])
    with transaction(conn):
        queries().imports.set_choices(conn, id=row["id"], format=incoming.format,
                                      choices=json.dumps(choices))
        queries().imports.finish_run(conn, id=row["id"], state=report.state,
                                     counts=json.dumps(report.counts),
                                     report=report.stored())
    return {"id": row["id"], **report.as_json()}


def cancel(conn: psycopg.Connection, run_id: int) -> None:
    """Give up an open run: its file goes."""
    row = _run(conn, run_id)
    queries().imports.finish_run(conn, id=run_id, state="cancelled", counts=None, report=None)
    _remove(row["folder"])


def sweep(conn: psycopg.Connection, base: Path, hours: float = MAX_AGE_HOURS) -> int:
    """Cancel the open runs older than `hours` and remove their folders, and any folder
    under `base` that no open run holds."""
    gone = [r["folder"] for r in queries().imports.expire_runs(conn, hours=hours)]
    for folder in gone:
        _remove(folder)
    oldest = time.time() - hours * 3600
    for folder in base.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < oldest:
            _remove(str(folder))
    return len(gone)


def _remove(folder: str | None) -> None:
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


# --- the report as a table --------------------------------------------------------------------

def report(conn: psycopg.Connection, run_id: int) -> dict:
    """A finished run's report (its Text revived, to be shown in the reader's language)."""
    row = _run(conn, run_id, open_only=False)
    if row["report"] is None:
        raise NotFound(Text(NO_REPORT, id=run_id), code="no_report")
    return {"id": run_id, "file_name": row["file_name"], "layer": row["layer"],
            "actor": row["actor"], "started_at": row["started_at"],
            **revive(row["report"])}


def table(data: dict, gettext: Callable[[str], str]) -> tuple[list[str], list[list]]:
    """The report as headings and rows: one row per feature, then the counts."""
    def said(value) -> str:
        return value.translate(gettext) if isinstance(value, Text) else str(value or "")

    rows = [[r["n"], said(r["where"]), r["code"] or "", gettext(ACTION_NAMES[r["action"]]),
             "; ".join(said(t) for t in r["reasons"])] for r in data["rows"]]
    rows.append([])
    rows += [["", gettext(COUNT_NAMES.get(k, k)), "", v, ""] for k, v in data["counts"].items()]
    return [gettext(h) for h in HEADINGS], rows


def as_xlsx(data: dict, gettext: Callable[[str], str]) -> bytes:
    """The report as an XLSX workbook; text stays text (never a formula)."""
    headings, rows = table(data, gettext)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_numbers": False})
    sheet = book.add_worksheet(gettext("Import report")[:31])
    bold = book.add_format({"bold": True})
    for col, heading in enumerate(headings):
        sheet.write_string(0, col, heading, bold)
    for r, values in enumerate(rows, 1):
        for col, value in enumerate(values):
            if isinstance(value, int | float):
                sheet.write_number(r, col, value)
            else:
                sheet.write_string(r, col, value)
    sheet.set_column(1, 1, 24)
    sheet.set_column(4, 4, 80)
    book.close()
    return buffer.getvalue()


def as_csv(data: dict, gettext: Callable[[str], str]) -> bytes:
    """The report as CSV (UTF-8 with BOM for Excel); a cell a spreadsheet would read as a
    formula (=, +, -, @ first) is prefixed with ' so that it stays text."""
    headings, rows = table(data, gettext)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    writer.writerows([_text_cell(v) for v in row] for row in rows)
    return out.getvalue().encode("utf-8-sig")


def _text_cell(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def mapping_choice(value: str) -> dict:
    """The CLI's --mapping: a JSON file holding a mapping, else a saved mapping's name."""
    path = Path(value)
    if not path.is_file():
        return {"mapping_name": value}
    try:
        return {"mapping": json.loads(path.read_text(encoding="utf-8"))}
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest(Text(mappings.NOT_A_MAPPING), code="bad_mapping") from exc
