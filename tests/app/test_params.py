"""Request parameters: one parser each, for the API, the pages and the CLI."""

from __future__ import annotations

from datetime import date

import pytest

from app import params
from app.errors import BadRequest, NotFound


def test_page_defaults_and_bounds():
    assert params.page({}) == params.Page(params.DEFAULT_LIMIT, 0)
    assert params.page({"limit": "5", "offset": "10"}) == params.Page(5, 10)
    for bad in ({"limit": "0"}, {"limit": "10001"}, {"offset": "-1"}, {"limit": "x"}):
        with pytest.raises(BadRequest, match="limit|offset"):
            params.page(bad)


def test_bbox():
    assert params.bbox({}) is None
    assert params.bbox({"bbox": "113,29,113.5,29.5"}) == (113, 29, 113.5, 29.5)
    for bad in ("1,2,3", "a,b,c,d", "1,2,nan,4", "10,0,5,1", "0,-91,1,1"):
        with pytest.raises(BadRequest, match="bbox"):
            params.bbox({"bbox": bad})


@pytest.mark.parametrize("text", ["2026-02-30", "2026-2-1", "20260201", "2026-W05-1",
                                  "yesterday", "2026-02-01T00:00"])
def test_dates_name_the_parameter(text):
    with pytest.raises(BadRequest, match=r"as_of must be a date written YYYY-MM-DD"):
        params.as_of(text)
    with pytest.raises(BadRequest, match=r"^started_on must be"):
        params.iso_date("started_on", text)


def test_dates():
    assert params.as_of(None) is None and params.as_of("") is None
    assert params.as_of("2024-02-29") == date(2024, 2, 29)


def test_booleans():
    args = {"a": "true", "b": "0", "c": "TRUE", "d": "", "e": "yes"}
    assert [params.boolean(args, k) for k in "abcdz"] == [True, False, True, None, None]
    with pytest.raises(BadRequest, match="e must be true or false"):
        params.boolean(args, "e")


@pytest.mark.parametrize("value", ["0", "-1", "1.5", "x", "²", str(2**31), "١"])
def test_whole_numbers_refuse(value):
    with pytest.raises(BadRequest, match=r"version must be a positive whole number"):
        params.whole_number("version", value)


def test_whole_numbers():
    assert params.whole_number("version", None) is None
    assert params.whole_number("version", "") is None
    assert params.whole_number("version", "7") == 7
    assert params.whole_number("version", 7) == 7


def test_versions_from_body_header_or_form():
    assert params.version({"version": 3}, '"9"') == 3
    assert params.version({}, '"9"') == 9
    assert params.version(["not", "a", "dict"], "4") == 4
    with pytest.raises(BadRequest, match="version you read"):
        params.version({}, None)
    with pytest.raises(BadRequest, match="version: must be a whole number"):
        params.version({"version": "abc"})
    with pytest.raises(BadRequest, match="version: must be a whole number"):
        params.version({"version": 1.9})
    with pytest.raises(BadRequest, match="version: must be a whole number"):
        params.version({"version": True})
    assert params.form_version({"version": "12"}) == 12
    with pytest.raises(BadRequest, match="version it was read at"):
        params.form_version({"version": "1e3"})


def test_edit_body():
    assert params.edit({"version": 2, "properties": {"name": "x"}}) == (2, {"name": "x"}, None)
    with pytest.raises(BadRequest, match="JSON object"):
        params.edit([1])
    with pytest.raises(BadRequest, match="properties: must be a JSON object"):
        params.edit({"version": 2, "properties": [1]})


def test_park_by_id_or_code(conn):
    park = conn.execute("SELECT id, code FROM parks ORDER BY id LIMIT 1").fetchone()
    assert params.park(conn, None) is None
    assert params.park(conn, "", required=True) == park["id"]
    assert params.park(conn, park["code"]) == park["id"]
    assert params.park(conn, str(park["id"])) == park["id"]
    with pytest.raises(NotFound, match="no park with code NOPE"):
        params.park(conn, "NOPE")
    with pytest.raises(NotFound):
        params.park(conn, str(2**31))
