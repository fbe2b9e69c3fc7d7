"""Data is never a template: every text field holding template syntax or markup.

A park whose every free-text field (park, zone, plot, road, network, price zone,
project and plan names, owners, notes, settings) holds one payload is rendered on
every page, in Chinese and English, and exported to every plan format. The payload
must come back as text: never evaluated (``49``, a command's output), never a 500,
never an unescaped ``<script>`` in a page.
"""

from __future__ import annotations

import html
import io
import re
import subprocess
import zipfile

import pytest

from app import exporters, maps, ui_messages
from tests.client import login

MARK = "PX"  # precedes every payload, so an evaluated {{7*7}} shows as "PX49"
RCE = "{{ cycler.__init__.__globals__.os.popen(dict(id=1)|first).read() }}"
PAYLOADS = {
    "expression": "{{7*7}}",
    "raw": "{% raw %}",
    "open": "园区{{",
    "script": "<script>alert(1)</script>",
    "rce": "SSTI-" + RCE,
}
DEMO_PLAN = "北区2026年度第一批次城镇建设用地征收方案"


def forms(value: str) -> list[str]:
    """The ways a page may show a text: as is, HTML-escaped, or as Jinja's tojson writes it."""
    htmlsafe_json = (value.replace("&", "\\u0026").replace("<", "\\u003c")
                     .replace(">", "\\u003e").replace("'", "\\u0027"))
    return [value, html.escape(value, quote=False), html.escape(value), htmlsafe_json]


def assert_inert(text: str, where: str, *, markup: bool) -> None:
    assert f"{MARK}49" not in text, f"{where}: an expression was evaluated"
    assert "uid=" not in text, f"{where}: a command ran"
    if markup:
        assert "<script>alert(1)" not in text, f"{where}: unescaped <script> from data"


@pytest.fixture(params=sorted(PAYLOADS))
def tainted(request, conn):
    """The demo park with every free-text field set to MARK + one payload; ids to visit."""
    value = MARK + PAYLOADS[request.param]
    v = {"v": value}
    # The text checks of migration 0014 refuse some payloads at the door; data written before
    # them (or by another tool) may still hold anything, so this copy of the demo drops them.
    conn.execute("""DO $$ DECLARE r record; BEGIN
      FOR r IN SELECT conrelid::regclass AS t, conname FROM pg_constraint
               WHERE contype = 'c' AND conrelid::regclass::text IN ('parks', 'zones', 'plots',
                 'roads', 'networks', 'price_zones', 'projects', 'progress_reports',
                 'requisition_plans', 'plan_versions')
      LOOP EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.t, r.conname); END LOOP;
    END $$""")
    conn.execute("""UPDATE parks SET name = %(v)s, name_en = %(v)s,
                    settings = settings || jsonb_build_object('note', %(v)s::text)""", v)
    conn.execute("UPDATE zones SET name = %(v)s, name_en = %(v)s", v)
    conn.execute("""UPDATE plots SET name = %(v)s, owner = %(v)s,
                      government_cause_note = CASE WHEN government_cause_note IS NULL
                                              THEN NULL ELSE %(v)s END,
                      disposal_note = CASE WHEN disposal_note IS NULL THEN NULL ELSE %(v)s END""",
                 v)
    conn.execute("UPDATE roads SET name = %(v)s", v)
    conn.execute("UPDATE networks SET name = %(v)s, subtype = %(v)s", v)
    conn.execute("UPDATE price_zones SET name = %(v)s", v)
    conn.execute("""UPDATE projects SET name = %(v)s, company = %(v)s, leader = %(v)s,
                      service_official = %(v)s, tags = ARRAY[%(v)s]""", v)
    conn.execute("UPDATE progress_reports SET note = %(v)s", v)
    plan_id = conn.execute("SELECT id FROM requisition_plans WHERE name = %s",
                           (DEMO_PLAN,)).fetchone()["id"]
    conn.execute("UPDATE requisition_plans SET name = %(v)s, created_by = %(v)s", v)
    conn.execute("UPDATE plan_versions SET created_by = %(v)s", v)
    plots = [r["id"] for r in conn.execute("""
        (SELECT plot_id AS id FROM project_plots ORDER BY plot_id LIMIT 1)
        UNION (SELECT id FROM plots WHERE government_cause IS NOT NULL ORDER BY id LIMIT 1)
        UNION (SELECT id FROM plots WHERE disposal IS NOT NULL ORDER BY id LIMIT 1)""")]
    assert len(plots) == 3
    return {"value": value, "plan": plan_id, "plots": plots}


def test_pages_show_data_as_text(client, tainted):
    login(client, "admin")
    value = tainted["value"]
    paths = ["/", "/priorities", "/idle", "/plans", f"/plans/{tainted['plan']}", "/rates",
             *(f"/plots/{pid}" for pid in tainted["plots"])]
    for lang in ("zh", "en"):
        for path in paths:
            url = f"{path}{'&' if '?' in path else '?'}park=JSCY&lang={lang}"
            response = client.get(url)
            page = response.get_data(as_text=True)
            assert response.status_code == 200, (url, page[:2000])
            assert_inert(page, url, markup=True)
            # the payload did reach the page (as text), so the checks above could fail
            assert any(form in page for form in forms(value)), url


def test_folium_parts_hold_no_data():
    """The park's name and the basemap key reach only the config, never Folium's source."""
    name, key = MARK + RCE, MARK + "{{7*7}}"
    parts = maps.render_park_map(
        {"id": 1, "code": "T", "name": name, "bbox": [113.0, 29.4, 113.1, 29.5]},
        {"lang": "zh"}, ui_messages.UI_MESSAGES, lambda f: "/static/" + f, {"tianditu_key": key})
    for part in ("header", "html", "script"):
        assert MARK not in parts[part], part
    assert parts["config"]["park"]["name"] == name
    assert any("PX%7B%7B7%2A7%7D%7D" in layer["url"]
               for b in parts["config"]["basemaps"] for layer in b["layers"])


def _texts(fmt: str, body: bytes, tmp_path) -> str:
    """The text an export holds: zip members unpacked, the PDF's text extracted."""
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(n).decode("utf-8", "replace")
                             for n in archive.namelist())
    if fmt == "pdf":
        path = tmp_path / "plan.pdf"
        path.write_bytes(body)
        return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                              capture_output=True, check=True, text=True).stdout
    return body.decode("gbk" if fmt == "txt" else "utf-8", "replace")


def test_exports_write_data_as_text(client, tainted, tmp_path):
    login(client, "planner")  # every format of a draft plan: the planner's
    for lang in ("zh", "en"):
        for fmt in exporters.FORMATS:
            url = f"/api/v1/plans/{tainted['plan']}/export?format={fmt}&lang={lang}"
            response = client.get(url)
            assert response.status_code == 200, (url, response.get_data(as_text=True)[:2000])
            text = _texts(fmt, response.get_data(), tmp_path)
            assert_inert(text, url, markup=False)
            if fmt == "kml":  # Google Earth shows descriptions as HTML; the rest is text
                descriptions = re.findall(r"<description>(.*?)</description>", text, re.S)
                assert descriptions, text[:2000]
                assert_inert("\n".join(descriptions), url, markup=True)
