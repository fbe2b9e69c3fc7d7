"""The Chinese message catalogue is the one place translations live, and it is complete."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from app import labels, ui_messages

PO = Path(__file__).resolve().parents[2] / "app/translations/zh/LC_MESSAGES/messages.po"


def catalogue():
    with PO.open("rb") as f:
        return read_po(f, locale="zh")


def test_every_message_has_a_chinese_translation():
    untranslated = [m.id for m in catalogue() if m.id and (not m.string or m.fuzzy)]
    assert not untranslated, f"add the Chinese msgstr in {PO.name}: {untranslated}"


def test_every_ui_string_and_label_is_in_the_catalogue():
    ids = {m.id for m in catalogue() if m.id}
    texts = set(ui_messages.UI_MESSAGES.values())
    for name in dir(labels):
        table = getattr(labels, name)
        if name.isupper() and isinstance(table, dict) and name != "STAGE_COLOURS":
            texts |= set(table.values())
    texts |= {text for _, text in labels.EVENTS}
    missing = sorted(texts - ids)
    assert not missing, f"run `make messages` and translate: {missing}"


def test_no_message_is_in_the_catalogue_twice():
    """A msgid defined twice (live, or live and obsolete: a merge of two branches can do
    that) makes msgfmt refuse the catalogue and babel keep either translation."""
    text = PO.read_text(encoding="utf-8")
    live = re.findall(r'^msgid "(.+)"$', text, re.M)
    obsolete = re.findall(r'^#~ msgid "(.+)"$', text, re.M)
    assert len(live) == len(set(live)), sorted({m for m in live if live.count(m) > 1})
    assert not set(live) & set(obsolete), sorted(set(live) & set(obsolete))
