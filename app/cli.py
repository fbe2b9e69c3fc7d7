"""The `parkatlas` command line: database, data loading, users and serving."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_babel import force_locale, gettext

from . import backup, clock, config, create_app, importer, migrations, params, users
from .db import connect, queries
from .errors import AtlasError, Text
from .imports import run as imports_run

DEMO_USERS = (("demo-admin", "admin"), ("demo-planner", "planner"), ("demo-viewer", "viewer"),
              ("demo-guest", "guest"))


def _actor() -> str:
    return f"cli:{getpass.getuser()}"


def _conn():
    return connect(current_app.config["ADMIN_DATABASE_URL"], actor=_actor())


def _fail(exc: AtlasError):
    raise click.ClickException(_bilingual(exc.text) if exc.text else exc.message) from exc


def _warn(warnings: list[Text]) -> None:
    for text in warnings:
        click.echo(f"警告 Warning: {_bilingual(text)}", err=True)


def _bilingual(text: Text) -> str:
    """A message in Chinese then English: the CLI has no language option."""
    with force_locale("zh"):
        return f"{text.translate(gettext)}\n{text}"


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False,
             load_dotenv=False)
def main():
    """ParkAtlas (园区一张图): the web GIS of an industrial park's land."""


@main.group()
def db():
    """Database schema."""


@db.command("upgrade")
@with_appcontext
def db_upgrade():
    """Apply the SQL migrations that have not run yet (idempotent)."""
    with _conn() as conn:
        done = migrations.upgrade(conn)
        migrations.grant(conn, current_app.config["APP_ROLE"])
    click.echo("Applied: " + ", ".join(done) if done else "Schema is up to date.")


@db.command("status")
@with_appcontext
def db_status():
    """List applied and pending migrations."""
    with _conn() as conn:
        pending = migrations.pending(conn)
        for version in sorted(migrations.applied(conn)):
            click.echo(f"applied  {version:04d}")
    for name in pending:
        click.echo(f"pending  {name}")


@main.command("load")
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@with_appcontext
def load(folder):
    """Load a data set folder (format: gis_data/README.md)."""
    with _conn() as conn:
        try:
            for park in importer.load_dataset(conn, folder):
                _warn(park["warnings"])
                click.echo(f"Loaded park {park['code']}: " + ", ".join(
                    f"{v} {k}" for k, v in park.items()
                    if k not in ("park_id", "code", "warnings")))
        except AtlasError as exc:
            _fail(exc)


@main.command("import")
@click.argument("layer", type=click.Choice(("plots", "roads", "networks", "zones")))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--park", help="Park code or id (default: the first park).")
@click.option("--crs", type=int, help="EPSG code of the coordinates when the file has none.")
@click.option("--layer", "source_layer", help="Layer of the file (GeoPackage table, CAD layers).")
@click.option("--encoding", help="Text encoding of the attributes (GBK, UTF-8 …).")
@click.option("--mapping", "mapping_file",
              help="Field mapping: a JSON file {\"fields\": {source: field}, \"area_unit\": "
                   "m2|mu|ha}, or the name of a mapping saved for the park.")
@click.option("--save-mapping", help="Save the mapping used under this name for the park.")
@click.option("--mode", type=click.Choice(("insert", "upsert", "replace")), default="insert",
              show_default=True)
@click.option("--zone", help="Zone code: replace the layer within it (--mode replace).")
@click.option("--treatment", type=click.Choice(("refuse", "skip", "repair")), default="refuse",
              show_default=True, help="What to do with features that have problems.")
@click.option("--dry-run", is_flag=True, help="Validate and report; write nothing.")
@with_appcontext
def import_file(layer, file, park, crs, source_layer, encoding, mapping_file, save_mapping,
                mode, zone, treatment, dry_run):
    """Import a surveyor's or land bureau's file into a layer, all or nothing; print the
    report (see README, "Imports")."""
    choices = {k: v for k, v in {"crs": crs, "layer": source_layer, "encoding": encoding,
                                 "save_mapping": save_mapping, "mode": mode, "zone": zone,
                                 "treatment": treatment}.items() if v is not None}
    with _conn() as conn:
        try:
            if mapping_file:
                choices.update(imports_run.mapping_choice(mapping_file))
            park_id = params.park(conn, park, required=True)
            incoming = imports_run.read_file(conn, file, park_id, choices)
            with click.progressbar(length=len(incoming.features), label=file.name) as bar:
                result = imports_run.direct(conn, park_id, layer, file.name, incoming,
                                            _actor(), choices, bar.update, dry_run)
        except AtlasError as exc:
            _fail(exc)
    _print_report(result)


def _print_report(result: dict) -> None:
    """The report: a line per feature that was not simply written, then the counts."""
    for row in result["rows"]:
        if row["reasons"] or row["action"] not in ("inserted", "updated"):
            head = f"{row['where']} {row['code'] or ''} [{row['action']}]"
            for reason in row["reasons"]:
                click.echo(f"{head}: {_bilingual(reason)}")
            if not row["reasons"]:
                click.echo(head)
    counts = ", ".join(f"{k} {v}" for k, v in result["counts"].items())
    click.echo(f"导入 Import {result['id']} {result['state']}: {counts}")
    if result["state"] == "refused":
        raise click.ClickException(_bilingual(result["summary"]))


@main.command("load-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when a park is already loaded.")
@with_appcontext
def load_demo(if_empty):
    """Load the demo park from gis_data/demo and create one demo account per role."""
    with _conn() as conn:
        if if_empty and not importer.is_empty(conn):
            return
        try:
            for park in importer.load_dataset(conn, importer.DEMO_DIR):
                _warn(park["warnings"])
                click.echo(f"Loaded demo park {park['code']}: {park['plots']} plots, "
                           f"{park['roads']} roads, {park['networks']} network features, "
                           f"{park.get('projects', 0)} projects")
        except AtlasError as exc:
            _fail(exc)
        existing = {u["username"] for u in users.list_users(conn)}
        created = [(name, role, users.add(conn, name, role)[1])
                   for name, role in DEMO_USERS if name not in existing]
    if created:
        click.echo("Demo accounts (shown once; reset with `parkatlas user passwd NAME`):")
        for name, role, password in created:
            click.echo(f"  {role:8} {name:14} {password}")


@main.command("evaluate")
@click.option("--year", required=True, help="The year to evaluate (YYYY).")
@click.option("--park", help="Park code or id (default: the first park).")
@with_appcontext
def evaluate(year, park):
    """Evaluate the 亩均效益 of the park's operating enterprises for a year and keep it
    (replacing that year's earlier evaluation only)."""
    from . import params
    from .evaluation import evaluation

    try:
        with _conn() as conn:
            kept = evaluation.keep(conn, params.park(conn, park, required=True),
                                   params.year(year, required=True))
    except AtlasError as exc:
        _fail(exc)
    counts = ", ".join(f'{t["class"]} {t["count"]}' for t in kept["totals"])
    click.echo(f'Evaluated {kept["enterprises"]} enterprises for {kept["year"]}: {counts}')


@main.group()
def user():
    """User accounts and API tokens."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(users.ROLES), required=True)
@click.option("--name", "display_name", help="Display name.")
@click.option("--password", envvar="PARKATLAS_NEW_PASSWORD",
              help="Password (default: generated and printed; or PARKATLAS_NEW_PASSWORD).")
@with_appcontext
def user_add(username, role, display_name, password):
    """Create a user with a role (guest, viewer, planner or admin)."""
    with _conn() as conn:
        try:
            _row, password_used = users.add(conn, username, role, password, display_name)
        except AtlasError as exc:
            _fail(exc)
    click.echo(f"Created {role} {username}" + ("" if password else f"; password: {password_used}"))


@user.command("passwd")
@click.argument("username")
@click.option("--password", envvar="PARKATLAS_NEW_PASSWORD",
              help="New password (default: generated and printed).")
@with_appcontext
def user_passwd(username, password):
    """Set a user's password."""
    with _conn() as conn:
        try:
            used = users.set_password(conn, username, password)
        except AtlasError as exc:
            _fail(exc)
    click.echo(f"Password of {username} changed" + ("" if password else f": {used}"))


@user.command("list")
@with_appcontext
def user_list():
    """List users with role, state and number of API tokens."""
    with _conn() as conn:
        for u in users.list_users(conn):
            state = "active" if u["active"] else "disabled"
            click.echo(f"{u['username']:20} {u['role']:8} {state:8} tokens={u['tokens']}")


@user.command("token")
@click.argument("username")
@click.option("--label", help="What the token is for.")
@click.option("--days", type=click.IntRange(1, users.MAX_TOKEN_DAYS), default=users.TOKEN_DAYS,
              show_default=True, help="How long the token is valid.")
@click.option("--revoke", "revoke", metavar="ID", type=int,
              help="Revoke the token with this id (see `user tokens`) instead of issuing one.")
@click.option("--revoke-all", is_flag=True, help="Revoke every token of the user.")
@with_appcontext
def user_token(username, label, days, revoke, revoke_all):
    """Issue a personal API token (send as `Authorization: Bearer …`), or revoke tokens."""
    with _conn() as conn:
        try:
            if revoke is not None or revoke_all:
                count = users.revoke_token(conn, username, None if revoke_all else revoke)
                click.echo(f"Revoked {count} token(s) of {username}")
            else:
                click.echo(users.issue_token(conn, username, label, days))
        except AtlasError as exc:
            _fail(exc)


@user.command("tokens")
@click.argument("username")
@with_appcontext
def user_tokens(username):
    """List a user's API tokens: id, state, expiry, last use, label (never the secret)."""
    with _conn() as conn:
        try:
            rows = users.list_tokens(conn, username)
        except AtlasError as exc:
            _fail(exc)
    for t in rows:
        used = t["last_used_at"].strftime("%Y-%m-%d %H:%M") if t["last_used_at"] else "never"
        click.echo(f"{t['id']:6} {t['state']:8} expires {t['expires_at']:%Y-%m-%d}  "
                   f"used {used:16} {t['label'] or ''}")


@user.command("disable")
@click.argument("username")
@with_appcontext
def user_disable(username):
    """Disable a user: their sessions end and their tokens are revoked at once."""
    _set_active(username, False)


@user.command("enable")
@click.argument("username")
@with_appcontext
def user_enable(username):
    """Enable a disabled user again (they log in anew and need new tokens)."""
    _set_active(username, True)


def _set_active(username: str, active: bool) -> None:
    with _conn() as conn:
        try:
            users.set_active(conn, username, active)
        except AtlasError as exc:
            _fail(exc)
    click.echo(f"{username} {'enabled' if active else 'disabled'}")


@main.command("backup")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path),
              help="Backup file (default: var/backups/parkatlas-YYYYMMDD-HHMMSSZ.dump, in UTC).")
@with_appcontext
def backup_command(output):
    """Back up the whole database to one file (pg_dump, custom format, mode 600)."""
    path = output or backup.default_path(config.VAR / "backups", clock.now())
    try:
        backup.dump(current_app.config["ADMIN_DATABASE_URL"], path)
    except AtlasError as exc:
        _fail(exc)
    click.echo(f"Backup written to {path} ({path.stat().st_size:,} bytes)")


@main.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database's contents without asking.")
@with_appcontext
def restore_command(file, yes):
    """Replace the database's contents with a backup, in one transaction."""
    if not yes:
        click.confirm(f"Replace everything in the database with {file}?", abort=True)
    try:
        backup.restore(current_app.config["ADMIN_DATABASE_URL"], file)
    except AtlasError as exc:
        _fail(exc)
    click.echo(f"Restored {file}; run `parkatlas db upgrade` if it is from an older version.")


@main.command("serve")
@click.option("--port", default=lambda: int(os.environ.get("PORT", "5000")), show_default="5000")
@click.option("--workers", default=2, show_default=True)
def serve(port, workers):
    """Serve the app with gunicorn on 127.0.0.1 (production WSGI server)."""
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    os.execv(gunicorn,  # noqa: S606 - replace this process, as a service manager expects
             [gunicorn, "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
                        "--access-logfile", "-", "app:create_app()"])


@main.command("recompute")
@click.option("--as-of", "as_of", help="Evaluate as of this date (YYYY-MM-DD; default today).")
@click.option("--park", help="Only this park (code or id).")
@click.option("--workers", default=2, show_default=True, help="Parallel database connections.")
@with_appcontext
def recompute(as_of, park, workers):
    """Recompute every plot's status and readiness (run it nightly: the clock matters), then
    the dashboard's month-end indicators the changes of the day made stale."""
    from . import params, status
    from .dashboard import snapshot

    try:
        day = params.as_of(as_of)
        with _conn() as conn:
            park_id = params.park(conn, park)
        done = status.recompute(current_app.config["ADMIN_DATABASE_URL"], park_id, day, workers)
        with _conn() as conn:
            months = sum(len(snapshot.refresh(conn, pid)) for pid in (
                [park_id] if park_id else [r["id"] for r in queries().parks.ids(conn)]))
    except AtlasError as exc:
        _fail(exc)
    click.echo(f"Recomputed {done['plots']} plots in {done['parks']} park(s) as of "
               f"{day or 'today'} in {done['seconds']:.1f} s; {months} month-end "
               f"indicator snapshot(s)")


@main.group()
def plan():
    """Land-requisition plans (征地方案)."""


@plan.command("list")
@click.option("--park", help="Only this park (code or id).")
@with_appcontext
def plan_list(park):
    """List the plans with their status, version, plot count and area."""
    from . import params, requisition
    from .crs import to_mu

    with _conn() as conn:
        try:
            park_id = params.park(conn, park)
            rows = requisition.list_plans(conn, park_id)
        except AtlasError as exc:
            _fail(exc)
    for r in rows:
        click.echo(f"{r['id']:>5}  {r['park_code']:<8} v{r['current_version']:<3} "
                   f"{r['status']:<10} {r['plot_count']:>5} plots "
                   f"{to_mu(r['area_m2']):>12.4f} 亩  {r['name']}")


@plan.command("create")
@click.argument("name")
@click.option("--park", help="Park code or id (default: the first park).")
@click.option("--project", type=int, help="The plots of this project (id).")
@click.option("--zone", help="The plots of this zone (code).")
@click.option("--codes", help="Plot codes, separated by commas or spaces.")
@with_appcontext
def plan_create(name, park, project, zone, codes):
    """Create a draft plan from a project's plots, a zone or a list of plot codes."""
    from . import params, requisition

    selection = {k: v for k, v in (("project", project), ("zone", zone), ("codes", codes)) if v}
    with _conn() as conn:
        try:
            park_id = params.park(conn, park, required=True)
            made = requisition.create(conn, park_id, name, selection, f"cli:{getpass.getuser()}")
        except AtlasError as exc:
            _fail(exc)
    click.echo(f"Created plan {made['id']} ({made['name']}), version 1, "
               f"{made['versions'][0]['plot_count']} plots")


@main.command("export-plan")
@click.argument("plan_id", type=int)
@click.option("--format", "fmt", required=True,
              type=click.Choice(["package", "xlsx", "txt", "points", "points-csv", "gpkg",
                                 "shp", "geojson", "kml", "dxf", "pdf"]),
              help="Export format (package: the 报批材料包 zip with every file and a manifest).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="File to write ('-' for standard output; default: the download name, "
                   "<plan name>_v<version>_<kind>.<ext>, in the current directory).")
@click.option("--version", "version_no", type=int, help="Plan version (default: current).")
@click.option("--encoding", type=click.Choice(["gbk", "utf-8"]),
              help="TXT and SHP only: text encoding (default gbk, as the land bureau's tools "
                   "and ArcGIS <= 10.2 or MapGIS expect).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language of headings in XLSX, PDF and the other documents.")
@click.option("--numbering", type=click.Choice(["plan", "plot"]),
              help="界址点 numbers: once per plan, a shared corner one number (plan), or J1 "
                   "afresh per plot (plot); default: the park setting survey.point_numbering.")
@with_appcontext
def export_plan(plan_id, fmt, output, version_no, encoding, lang, numbering):
    """Export a requisition plan (the same numbers as the plan page and the API)."""
    from . import exporters, params, requisition

    options = params.export_options({"lang": lang, "encoding": encoding,
                                     "numbering": numbering})
    if encoding and "encoding" not in exporters.FORMATS[fmt].options:
        raise click.UsageError("--encoding applies to --format txt and shp only")
    if numbering and not exporters.FORMATS[fmt].writes_points:
        raise click.UsageError("--numbering applies to the formats that write boundary points: "
                               + ", ".join(exporters.POINT_FORMATS))
    with _conn() as conn:
        try:
            result = requisition.compute(conn, plan_id, version_no)
            data = exporters.export(result, fmt, **options)
        except AtlasError as exc:
            _fail(exc)
    output = output or exporters.filename(result, fmt, lang)
    with click.open_file(output, "wb", atomic=output != "-") as out:
        out.write(data)
    if output != "-":
        click.echo(f"Wrote {output}: plan {plan_id} v{result.version}, {len(result.plots)} plots,"
                   f" {result.area_m2:.2f} m², {len(data)} bytes", err=True)
        for e in result.excluded:
            click.echo(f"Left out {e.code}: already requisitioned on {e.since}", err=True)


@main.group()
def jobs():
    """Jobs (long exports, recomputes): run them, purge the finished ones."""


@jobs.command("work")
@click.option("--once", is_flag=True, help="Run the waiting jobs, then stop.")
@with_appcontext
def jobs_work(once):
    """Run jobs in the foreground (besides or instead of the app's worker threads) until
    interrupted; a job whose worker died is taken again."""
    import threading

    from .jobs import worker

    settings = worker.Settings.of(current_app.config)
    ran = worker.Worker(current_app.config["DATABASE_URL"], settings).work(
        threading.Event(), once=once)
    click.echo(f"Ran {ran} job(s).")


@jobs.command("purge")
@click.option("--hours", type=float, default=None,
              help="Remove jobs finished more than this many hours ago "
                   "(default PARKATLAS_JOB_RETENTION_HOURS, 24).")
@with_appcontext
def jobs_purge(hours):
    """Remove finished jobs and their files after the retention time."""
    from .jobs import worker

    with _conn() as conn:
        n = worker.purge(conn, current_app.config["JOB_RETENTION_HOURS"] if hours is None
                         else hours)
    click.echo(f"Removed {n} finished job(s).")
