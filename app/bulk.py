"""Bulk writes: `parkatlas load` (app.importer) and an import's commit (app.imports.commit)
share this path (issue 13, benchmark).

`begin` marks the transaction as a bulk write from a source (the loaded folder, the import
run and its file): the audit triggers record each statement's inserted features as ONE
entry naming the source, the count and the ids (migration 0027) instead of a copy of each
row, and the plot writes leave the recompute to `recompute`, once at the end. `recompute`
first takes the statistics of the tables the recompute reads when the write was large, so
the planner sees the new rows (a park written in this transaction is otherwise estimated
at one row, and its recompute planned for one). Free of Flask.
"""

from __future__ import annotations

from collections.abc import Sequence

import psycopg

from .db import queries

# From this many written rows the statistics are taken again before the recompute: below,
# the plans made for the old statistics are good enough and ANALYZE would cost more.
ANALYZE_FROM = 1000


def begin(conn: psycopg.Connection, source: str, defer_recompute: bool = True) -> None:
    """Mark the current transaction as a bulk write from `source`; `defer_recompute`: the
    writer calls `recompute` itself (else the triggers recompute what each write touches:
    an import of roads, networks or zones)."""
    queries().bulk.begin(conn, source=source, defer=defer_recompute)


def recompute(conn: psycopg.Connection, park_id: int, ids: Sequence[int] | None,
              written: int) -> None:
    """Store the status and readiness of the park's plots (`ids`, or all of them: None),
    after taking the statistics when `written` rows make a difference to them."""
    if written >= ANALYZE_FROM:
        queries().bulk.analyze(conn)
    queries().status.recompute_park(conn, park_id=park_id, as_of=None,
                                    ids=None if ids is None else list(ids))
