"""A record's history from the audit log (DESIGN §5, §8): who changed it, when, and which
fields went from what to what, newest first.

The audit triggers (sql/source/05_audit.sql) keep every row before and after each
INSERT, UPDATE and DELETE (a bulk write's inserts: one entry naming its source and the
ids, migration 0027); this module turns those into entries a person can read.
Generic: plots use it (app.plots.history_of), projects read their rows with their own
query and turn them into entries with `readable` (app.projects.project.history_of).
Free of Flask.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import psycopg

from .db import queries

# Columns that change with every edit or follow from others: not listed as changes.
DERIVED = frozenset({"id", "park_id", "version", "created_at", "updated_at", "area_m2",
                     "geom", "geom_gk"})
MAX_ENTRIES = 500


def entries(conn: psycopg.Connection, table: str, row_id: int | str, timezone: str,
            order: Iterable[str] = (),
            describe: Callable[[str, object], str | None] = lambda _f, _v: None,
            limit: int = MAX_ENTRIES) -> list[dict]:
    """The audit entries of one row, newest first: `version` (the row's version after the
    change), `action`, `actor` (user name), `user` (display name or user name), `at` (in
    `timezone`), `changes` ([{field, before, after, before_name, after_name}] in `order`,
    then the other columns; names by `describe(field, value)`) and `geometry` ({before,
    after} GeoJSON when the geometry changed, else None)."""
    rows = queries().history.entries(conn, table_name=table, row_id=str(row_id),
                                     timezone=timezone, max_rows=limit)
    return readable(rows, order, describe)


def readable(rows: Iterable[dict], order: Iterable[str] = (),
             describe: Callable[[str, object], str | None] = lambda _f, _v: None) -> list[dict]:
    """Audit rows (id, action, actor, display_name, at_local, before, after) as the entries
    `entries` returns; a record made of several tables (a project and its milestones) reads
    its rows with its own query and turns them into entries here."""
    rank = {f: n for n, f in enumerate(order)}
    found = []
    for row in rows:
        before, after = row["before"] or {}, row["after"] or {}
        fields = sorted((set(before) | set(after)) - DERIVED,
                        key=lambda f: (rank.get(f, len(rank)), f))
        changes = [{"field": f, "before": before.get(f), "after": after.get(f),
                    "before_name": describe(f, before.get(f)),
                    "after_name": describe(f, after.get(f))}
                   for f in fields if before.get(f) != after.get(f)]
        geometry = None
        if before.get("geom") != after.get("geom"):
            geometry = {"before": before.get("geom"), "after": after.get("geom")}
        source = row.get("source")  # a bulk write's entry: no images, a row's first version
        found.append({
            "id": row["id"], "action": row["action"], "actor": row["actor"],
            "user": row["display_name"] or row["actor"], "at": row["at_local"],
            "version": 1 if source and row["action"] == "insert"
            else (after or before).get("version"),
            "changes": changes, "geometry": geometry, "source": source})
    return found
