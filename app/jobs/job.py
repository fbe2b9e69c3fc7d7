"""Starting and reading jobs, as the user who asked (or an admin) may see them."""

from __future__ import annotations

import json
from collections.abc import Callable

import psycopg

from .. import exporters, requisition
from ..db import queries
from ..errors import Forbidden, NotFound, Text
from ..labels import N_

NO_JOB = N_("no job with id %(id)s")
QUEUED = N_("Waiting for a worker")
DONE = N_("Done")
ADMIN = "admin"
RECOMPUTE = N_("Recompute of the land status and readiness")


def text_values(text: Text) -> dict:
    """A Text's values as JSON (a value that is a Text as {"msgid", "values"})."""
    return {k: {"msgid": v.msgid, "values": text_values(v)} if isinstance(v, Text) else v
            for k, v in text.values.items()}


def text_of(msgid: str, values: dict | None) -> Text:
    """The Text kept as a message id and its values (`text_values`)."""
    return Text(msgid, **{k: text_of(v["msgid"], v.get("values")) if isinstance(v, dict)
                          and "msgid" in v else v for k, v in (values or {}).items()})


def _add(conn: psycopg.Connection, kind: str, parameters: dict, actor: str,
         park_id: int | None = None, plan_id: int | None = None) -> int:
    return queries().jobs.add(conn, kind=kind, park_id=park_id, plan_id=plan_id,
                              parameters=json.dumps(parameters), message=QUEUED,
                              message_values="{}", created_by=actor)["id"]


def start_plan_export(conn: psycopg.Connection, plan_id: int, fmt: str, options: dict,
                      version_no: int | None, actor: str, role: str | None) -> int:
    """Queue an export of the plan's version (the current one as the role sees it) in format
    `fmt` with the export's options (lang, encoding, numbering); return the job's id. What
    the download would refuse (a plan or version the role may not read, money it may not
    see, an unknown format or option) is refused now; a draft's problems fail the job."""
    options = dict(options)
    lang = options.pop("lang", "zh")
    exporters.check_options(fmt, lang, options)
    plan, version_no = requisition.export_version(conn, plan_id, version_no, fmt, role)
    return _add(conn, "plan_export", {"format": fmt, "version": version_no, "lang": lang,
                                      "options": options, "role": role},
                actor, park_id=plan["park_id"], plan_id=plan_id)


def start_recompute(conn: psycopg.Connection, park_id: int | None, as_of, actor: str,
                    role: str | None) -> int:
    """Queue the status and readiness recompute of one park or of every park (admin)."""
    if role != ADMIN:
        raise Forbidden(Text(N_("only an administrator may start a recompute")))
    return _add(conn, "recompute", {"as_of": as_of.isoformat() if as_of else None},
                actor, park_id=park_id)


def get(conn: psycopg.Connection, job_id: int, actor: str, role: str | None) -> dict:
    """The job, if `actor` asked for it or is an admin; 404 otherwise (ids are not probed)."""
    row = queries().jobs.get(conn, id=job_id)
    if row is None or (row["created_by"] != actor and role != ADMIN):
        raise NotFound(Text(NO_JOB, id=job_id))
    return describe(row)


def mine(conn: psycopg.Connection, actor: str, plan_id: int | None = None,
         active_only: bool = False) -> list[dict]:
    """The user's jobs, newest first (at most 100): of one plan, running ones only."""
    return [describe(r) for r in queries().jobs.mine(conn, created_by=actor, plan_id=plan_id,
                                                     active_only=active_only)]


def result(conn: psycopg.Connection, job_id: int, actor: str, role: str | None) -> dict:
    """The finished job's file: bytes, file names and media type (404 before it is done)."""
    get(conn, job_id, actor, role)
    row = queries().jobs.result(conn, id=job_id)
    if row is None or row["result"] is None:
        raise NotFound(Text(N_("job %(id)s has no result (yet)"), id=job_id))
    return row


def describe(row: dict) -> dict:
    """A job as the API answers it (the message a Text, translated by the caller)."""
    p = row["parameters"] or {}
    return {
        "id": row["id"], "kind": row["kind"], "state": row["state"],
        "park_id": row["park_id"], "plan_id": row["plan_id"],
        "title": _title(row["kind"], p.get("format")),
        "format": p.get("format"), "version": p.get("version"), "as_of": p.get("as_of"),
        "progress": {"done": row["progress_done"], "total": row["progress_total"],
                     "percent": round(100 * row["progress_done"] / row["progress_total"])},
        "message": text_of(row["message"], row["message_values"]),
        "file_name": row["file_name"], "has_result": row["has_result"],
        "attempts": row["attempts"], "created_by": row["created_by"],
        "created_at": row["created_at"], "started_at": row["started_at"],
        "finished_at": row["finished_at"]}


def _title(kind: str, fmt: str | None) -> Text:
    """What the job makes, as a person reads it: the export's name, or the recompute."""
    if kind == "plan_export" and fmt in exporters.FORMATS:
        return Text(exporters.FORMATS[fmt].label)
    return Text(RECOMPUTE)


def with_links(job: dict, link: Callable[[str, int], str]) -> dict:
    """The job with its URL and, once done, its result's (`link(kind, id)`: the route's)."""
    return {**job, "url": link("job", job["id"]),
            "result_url": link("result", job["id"]) if job["has_result"] else None}

