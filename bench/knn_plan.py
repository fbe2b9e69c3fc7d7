"""EXPLAIN (ANALYZE) of the recompute's nearest-feature search for a park written in the
same transaction, before and after app.bulk takes the statistics, in a fresh database and
in one already holding the demo park (issue 13 benchmark: the 59× case).

Loads a generated park (gis_data/generate.py, --plots, default 10 000) with the loader's
writes (app.importer, without its recompute), then explains, for every plot of the new
park, the nearest in-service water feature (the search of evaluate_readiness, the park
written `(SELECT park)` so that the plan does not follow the new park's row estimate),
rolls back. The "before" rows, without the new park's statistics, must be KNN searches.

Usage: .venv/bin/python -m bench.knn_plan [--plots 10000]
"""

from __future__ import annotations

import argparse
import contextlib
import json

from app import bulk, db, importer, migrations
from app.db import queries, transaction
from bench.common import fresh_database, generated

SEARCH = """EXPLAIN (ANALYZE, FORMAT JSON)
SELECT (SELECT f.geom_gk <-> p.geom_gk FROM networks f
        WHERE f.park_id = (SELECT {park}) AND f.utility = 'water' AND f.status = 'in_service'
        ORDER BY f.geom_gk <-> p.geom_gk LIMIT 1)
FROM plots p WHERE p.park_id = {park}"""


def explain(conn, park: int) -> str:
    plan = conn.execute(SEARCH.format(park=int(park))).fetchone()
    top = next(iter(plan.values()))[0]
    sub = next(p for p in top["Plan"]["Plans"] if p.get("Parent Relationship") == "SubPlan")
    nodes = []
    while sub:
        nodes.append(sub["Node Type"] + (f" {sub['Index Name']}" if "Index Name" in sub else ""))
        sub = next((p for p in sub.get("Plans", []) if p["Parent Relationship"] != "InitPlan"),
                   None)
    return f"{top['Execution Time'] / 1000:7.2f} s for all plots, each: {' → '.join(nodes)}"


def check(name: str, with_demo: bool, data) -> None:
    url = fresh_database(name)
    with db.connect(url, actor="bench") as conn:
        migrations.upgrade(conn)
        if with_demo:
            importer.load_dataset(conn, importer.DEMO_DIR)
            conn.execute("ANALYZE")
        park = importer.read_park(next(data.glob("*/park.json")).parent)
        with contextlib.suppress(_Undo):
            _explained(conn, park, with_demo)


class _Undo(Exception):
    """Rolls the park back."""


def _explained(conn, park, with_demo: bool) -> None:
    with transaction(conn):
        bulk.begin(conn, "knn-plan")
        q = queries().importer
        park_id = q.insert_park(conn, code=park.code, name=park.park["name"],
                                name_en=None, gk_zone=park.zone, settings=json.dumps({}))
        for layer in importer.LAYERS:
            getattr(q, f"insert_{layer}")(conn, park_id=park_id,
                                         features=json.dumps(park.layers[layer]))
        print(f"{'with the demo park' if with_demo else 'fresh database':20} before: "
              f"{explain(conn, park_id)}")
        queries().bulk.analyze(conn)
        print(f"{'':20} after:  {explain(conn, park_id)}")
        raise _Undo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plots", type=int, default=10_000)
    args = parser.parse_args()
    data = generated(args.plots, 1)
    check("parkatlas_bench_knn_fresh", False, data)
    check("parkatlas_bench_knn_demo", True, data)


if __name__ == "__main__":
    main()
