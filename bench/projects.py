"""Benchmark the battle map's queries (issue 12): the flags of every project (what the
board needs), the 龙虎榜 and the 旬报 exports, in a park of N plots (default 100 000) and
P projects (default 2 000).

Loads (once) a generated park into `parkatlas_bench_projects`; the generator scales its own
projects with the plots (4 000 for 100 000), so the bench removes every project of the park
and, in this database only, their audit trail (as if the generator had made none and no
earlier run had been: P counts the park's projects in all); then adds P projects (code order,
40 % on a key list, 20 leaders, 15 units), each with its five milestones (some late) and,
for those under construction, a progress report at the end of each of the last six 旬;
then a user account moves 10 % of the planned dates, so that the audit trail has later
changes for the "as of the end of a 旬" values to undo. Then times, each run several times
(min / median / max):

  1. the board's flags: project_flags(park) for every project, one statement; and the
     obvious alternative, one flag query per project (timed on 100 projects, scaled);
  2. the ranking (ranking.ranking: two 旬 of values from the dated records and the audit
     trail, ranks, leaders and units); and the obvious alternative: per project, read its
     milestones and reports and score it in Python (current plan, no audit trail);
  3. the 旬报 XLSX and PDF and the 点将台 XLSX of the last complete 旬;
  4. the ranking and the 旬报 XLSX again for **a park in use**: the records entered as things
     happened (the bench's load entries dated before the previous 旬), so that the audit
     trail after the 旬 holds only what changed since (the user's moved dates). Steps 2–3
     are the worst case: the whole park loaded after the 旬s read, every entry to undo.

The load average is printed before and after: on a shared machine, read the figures with it.

Usage: .venv/bin/python -m bench.projects [--plots 100000] [--projects 2000] [--reuse]
"""

from __future__ import annotations

import argparse
import os
import statistics
from datetime import date

from app import clock, db, migrations, users
from app.db import queries
from app.projects import ranking, report
from app.projects.period import last_complete
from bench.common import loaded_park, machine, timed

DB_NAME = "parkatlas_bench_projects"
RUNS = 7


def load(plots: int, reuse: bool) -> str:
    return loaded_park(DB_NAME, plots, reuse)


def clear_projects(conn, park_id: int) -> None:
    """Remove the park's projects (their milestones, reports and plots follow) and the audit
    trail of every project no longer there: the bench database's trail then starts with the
    bench's own projects. The owner lifts the log's append-only trigger for that, in this
    transaction only."""
    with conn.transaction():
        conn.execute("DELETE FROM projects WHERE park_id = %s", (park_id,))
        conn.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        conn.execute("""
            DELETE FROM audit_log a
            WHERE a.table_name IN ('projects', 'milestones', 'progress_reports', 'project_plots')
              AND NOT EXISTS (
                SELECT 1 FROM projects pr
                WHERE pr.id::text = CASE WHEN a.table_name = 'projects' THEN a.row_id
                                         ELSE coalesce(a.after, a.before) ->> 'project_id' END)
            """)
        conn.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")


def add_projects(conn, park_id: int, n: int) -> None:
    """n projects (the park's only ones) with milestones and six 旬 of reports, set-based;
    then a user moves 10 % of the planned dates (audited after the 旬 they are read for)."""
    clear_projects(conn, park_id)
    today = clock.park_today(conn, park_id)
    ends = []
    period = last_complete(today)
    for _ in range(6):
        ends.append(period.end)
        period = period.previous
    conn.execute("""
        INSERT INTO projects (park_id, code, name, company, stage, planned_investment,
                              completed_investment, tags, leader, responsible_unit,
                              service_official)
        SELECT %(park)s, format('BP-%%s', lpad(i::text, 5, '0')), format('基准项目%%s', i),
               format('基准企业%%s', i %% 700),
               (ARRAY['signed', 'land_supplied', 'started', 'started', 'completed',
                      'operating'])[1 + i %% 6],
               1000 + (i * 37) %% 20000, 0,
               CASE WHEN i %% 5 < 2 THEN ARRAY['municipal_key'] ELSE '{}' END,
               format('领导%%s', i %% 20), format('单位%%s', i %% 15), format('代办%%s', i %% 30)
        FROM generate_series(1, %(n)s) i""", {"park": park_id, "n": n})
    conn.execute("""
        INSERT INTO milestones (project_id, stage, planned_on, actual_on)
        SELECT pr.id, s.stage, %(today)s::date + (s.k - 3) * 120 + (pr.id %% 40) - 20,
               CASE WHEN s.k <= project_stage_index(pr.stage) - 1
                    THEN least(%(today)s::date, %(today)s::date + (s.k - 3) * 120
                               + (pr.id %% 50) - 10) END
        FROM projects pr
        CROSS JOIN LATERAL (VALUES ('signed', 1), ('land_supplied', 2), ('started', 3),
                                   ('completed', 4), ('operating', 5)) s (stage, k)
        WHERE pr.park_id = %(park)s AND pr.code LIKE 'BP-%%'""",
                 {"park": park_id, "today": today})
    conn.execute("""
        INSERT INTO progress_reports (project_id, reported_on, progress_pct, investment_done)
        SELECT pr.id, e.d, least(100, 5 * e.k + pr.id %% 30),
               pr.planned_investment * least(100, 5 * e.k + pr.id %% 30) / 100
        FROM projects pr, unnest(%(ends)s::date[]) WITH ORDINALITY e (d, k)
        WHERE pr.park_id = %(park)s AND pr.code LIKE 'BP-%%' AND pr.stage = 'started'""",
                 {"park": park_id, "ends": sorted(ends)})
    if not conn.execute("SELECT 1 FROM users WHERE username = 'bench-planner'").fetchone():
        users.add(conn, "bench-planner", "planner")
    db.set_actor(conn, "bench-planner")
    conn.execute("""
        UPDATE milestones m SET planned_on = planned_on + 30
        FROM projects pr
        WHERE pr.id = m.project_id AND pr.park_id = %s AND pr.code LIKE 'BP-%%'
          AND m.id %% 10 = 0""", (park_id,))
    db.set_actor(conn, "bench")
    conn.execute("ANALYZE projects; ANALYZE milestones; ANALYZE progress_reports; "
                 "ANALYZE audit_log")


def settle_trail(conn, park_id: int, before: date) -> int:
    """A park in use: the records were entered as things happened, so the trail after a 旬
    holds only what changed since (here the user's moved planned dates). Dates the bench's
    own load entries (not the user's) to the start of the day `before` in the park, in this
    database only (the owner lifts the append-only trigger in this transaction). Returns
    the entries moved."""
    with conn.transaction():
        conn.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only")
        moved = conn.execute("""
            WITH t AS (SELECT park_day_end(%(park)s, %(d)s::date - 1) AS t)
            UPDATE audit_log SET at = t.t FROM t
            WHERE table_name IN ('projects', 'milestones', 'progress_reports', 'project_plots')
              AND actor <> 'bench-planner' AND at > t.t""",
                             {"park": park_id, "d": before}).rowcount
        conn.execute("ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only")
    conn.execute("ANALYZE audit_log")
    return moved


def runs(fn, *args, n: int = RUNS) -> tuple[object, list[float]]:
    times, result = [], None
    for _ in range(n):
        result, seconds = timed(fn, *args)
        times.append(seconds)
    return result, times


def spread(times: list[float]) -> str:
    return (f"min {min(times) * 1000:8.1f} ms  median {statistics.median(times) * 1000:8.1f} ms"
            f"  max {max(times) * 1000:8.1f} ms  ({len(times)} runs)")


def board_flags(conn, park_id: int) -> list:
    return conn.execute("SELECT * FROM project_flags(%s)", (park_id,)).fetchall()


def flags_one_by_one(conn, park_id: int, ids: list[int]) -> list:
    return [queries().projects.flag(conn, park_id=park_id, id=i, as_of=None) for i in ids]


def ranking_in_python(conn, park_id: int, end) -> list:
    """The obvious alternative: per project its milestones and reports, scored in Python
    with the same rule (the plan as it is now: no audit trail)."""
    scored = []
    for pr in conn.execute("SELECT id, code, planned_investment, completed_investment "
                           "FROM projects WHERE park_id = %s", (park_id,)).fetchall():
        ms = conn.execute("SELECT stage, planned_on, actual_on FROM milestones "
                          "WHERE project_id = %s", (pr["id"],)).fetchall()
        reps = conn.execute("SELECT reported_on, progress_pct, investment_done "
                            "FROM progress_reports WHERE project_id = %s AND reported_on <= %s "
                            "ORDER BY reported_on DESC", (pr["id"], end)).fetchall()
        late = [(end - m["planned_on"]).days for m in ms if m["planned_on"]
                and m["planned_on"] < end and (m["actual_on"] is None or m["actual_on"] > end)]
        days = max(late, default=0)
        done = next((r["investment_done"] for r in reps if r["investment_done"] is not None),
                    pr["completed_investment"]) or 0
        share = 100 * done / pr["planned_investment"] if pr["planned_investment"] else 0
        scored.append((round(0.6 * max(0, 100 - days) + 0.4 * min(100, share), 2),
                       -days, share, pr["code"]))
    return sorted(scored, key=lambda s: (-s[0], -s[1], -s[2], s[3]))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plots", type=int, default=100_000)
    parser.add_argument("--projects", type=int, default=2000, help="the park's projects in all")
    parser.add_argument("--reuse", action="store_true", help="reuse the loaded park")
    args = parser.parse_args(argv)
    url = load(args.plots, args.reuse)
    with db.connect(url, actor="bench") as conn:
        migrations.upgrade(conn)  # the SQL under test, also on a reused database
        park = conn.execute("SELECT id, code, name, name_en FROM parks ORDER BY id LIMIT 1"
                            ).fetchone()
        _, seconds = timed(add_projects, conn, park["id"], args.projects)
        counts = conn.execute("""
            SELECT (SELECT count(*) FROM plots) AS plots, (SELECT count(*) FROM projects) AS p,
                   (SELECT count(*) FROM milestones) AS m,
                   (SELECT count(*) FROM progress_reports) AS r,
                   (SELECT count(*) FROM audit_log) AS a""").fetchone()
        print(machine(conn), f"; load average {os.getloadavg()[0]:.1f}")
        print(f"{counts['plots']} plots, {counts['p']} projects, {counts['m']} milestones, "
              f"{counts['r']} progress reports, {counts['a']} audit rows "
              f"(projects added in {seconds:.1f} s)")
        period = last_complete(clock.park_today(conn, park["id"]))
        flags, t = runs(board_flags, conn, park["id"])
        print(f"board flags, one statement ({len(flags)} projects)   {spread(t)}")
        ids = [f["project_id"] for f in flags[:100]]
        _, t1 = timed(flags_one_by_one, conn, park["id"], ids)
        print(f"  alternative: one flag query per project   {t1 * 1000 / len(ids):8.1f} ms each, "
              f"≈ {t1 * len(flags) / len(ids):6.1f} s for all")
        found, t = runs(ranking.ranking, conn, park["id"], period)
        print(f"ranking {period} ({len(found['projects'])} ranked)  {spread(t)}")
        _, t2 = timed(ranking_in_python, conn, park["id"], period.end)
        print(f"  alternative: per-project queries + Python, one 旬, no audit trail  "
              f"{t2 * 1000:8.1f} ms")
        for name, writer in (("旬报 XLSX", report.period_xlsx), ("旬报 PDF", report.period_pdf),
                             ("点将台 XLSX", report.roster_xlsx)):
            data, t = runs(writer, conn, park, period, n=3)
            print(f"{name:<10} ({len(data):>9,} bytes)  {spread(t)}")
        moved = settle_trail(conn, park["id"], period.previous.start)
        print(f"a park in use: {moved} load entries dated before {period.previous.start}, "
              "the user's moves after")
        found, t = runs(ranking.ranking, conn, park["id"], period)
        print(f"ranking {period} ({len(found['projects'])} ranked)  {spread(t)}")
        data, t = runs(report.period_xlsx, conn, park, period, n=3)
        print(f"旬报 XLSX  ({len(data):>9,} bytes)  {spread(t)}")
        print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
