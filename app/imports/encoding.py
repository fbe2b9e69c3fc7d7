"""Which encoding a Shapefile's attributes are in (DBF text has no marker of its own).

In order: the caller's choice (`user`); the `.cpg` file beside the `.dbf` (`cpg`); the
DBF header's language-driver byte (`ldid`: 0x4D and 0x7A are code page 936, GBK; 0x57 and
0 say nothing); else the bytes themselves (`detected`): strict UTF-8 if they decode so,
else GB18030 (a superset of GBK and GB2312).
"""

from __future__ import annotations

import codecs
import struct
from pathlib import Path

from ..errors import BadRequest, Text
from ..labels import N_

# .cpg spellings (ArcGIS, QGIS, MapGIS) → Python codec
_CPG = {"936": "gbk", "cp936": "gbk", "ansi 936": "gbk", "ansi_936": "gbk", "gbk": "gbk",
        "gb2312": "gbk", "gb18030": "gb18030", "54936": "gb18030", "65001": "utf-8",
        "utf-8": "utf-8", "utf8": "utf-8", "950": "big5", "big5": "big5",
        "1252": "cp1252", "ansi 1252": "cp1252", "latin1": "latin-1",
        "iso-8859-1": "latin-1", "88591": "latin-1"}
# DBF language driver IDs that name a Chinese code page
_LDID = {0x4D: "gbk", 0x7A: "gbk", 0x78: "big5", 0x4F: "big5"}
UNKNOWN = N_("unknown encoding %(encoding)s; use for example GBK, GB18030 or UTF-8")


def codec(name: str) -> str:
    """A Python codec for an encoding name the user or a .cpg gives, or a BadRequest."""
    key = str(name).strip().lower()
    if key in _CPG:
        return _CPG[key]
    try:
        return codecs.lookup(key).name
    except LookupError:
        raise BadRequest(Text(UNKNOWN, encoding=repr(name)), code="bad_encoding") from None


def _dbf_texts(dbf: bytes, max_records: int = 5000) -> list[bytes]:
    """The DBF's field names and its first character values, each on its own: writers cut
    them at the field's width, which may split a character (checked apart, as prefixes)."""
    if len(dbf) < 32:
        return []
    records, header_size, record_size = struct.unpack("<IHH", dbf[4:12])
    names, fields, offset = [], [], 1
    for i in range(32, header_size - 1, 32):
        if dbf[i] == 0x0D:
            break
        names.append(dbf[i:i + 11].split(b"\0")[0])
        kind, width = dbf[i + 11:i + 12], dbf[i + 16]
        if kind == b"C":
            fields.append((offset, width))
        offset += width
    values = []
    for r in range(min(records, max_records)):
        start = header_size + r * record_size
        values += [dbf[start + o:start + o + w].rstrip(b" \0") for o, w in fields]
    return names + [v for v in values if v]


def _decodes(pieces: list[bytes], codec: str) -> bool:
    """Whether every piece decodes, allowing a character cut short at its end."""
    try:
        for piece in pieces:
            codecs.getincrementaldecoder(codec)().decode(piece, final=False)
    except UnicodeDecodeError:
        return False
    return True


def shapefile(dbf: Path, user: str | None = None) -> tuple[str, str]:
    """(codec, how it was decided) for a Shapefile's .dbf."""
    if user:
        return codec(user), "user"
    cpg = dbf.with_suffix(".cpg")
    if not cpg.exists():
        cpg = next((p for p in dbf.parent.glob("*") if p.suffix.lower() == ".cpg"
                    and p.stem == dbf.stem), cpg)
    if cpg.exists():
        text = cpg.read_bytes().decode("ascii", "replace").strip()
        if text:
            return codec(text), "cpg"
    data = _head(dbf)
    if len(data) > 29 and data[29] in _LDID:
        return _LDID[data[29]], "ldid"
    return ("utf-8" if _decodes(_dbf_texts(data), "utf-8") else "gb18030"), "detected"


def _head(dbf: Path, max_records: int = 5000) -> bytes:
    """The DBF's header and first records (what detection looks at), not the whole file."""
    if not dbf.exists():
        return b""
    with dbf.open("rb") as f:
        head = f.read(32)
        if len(head) < 12:
            return head
        header_size, record_size = struct.unpack("<HH", head[8:12])
        return head + f.read(header_size - 32 + max_records * record_size)


def detect(data: bytes) -> str:
    """UTF-8 when the bytes are strict UTF-8, else GB18030."""
    return "utf-8" if _decodes([data], "utf-8") and _complete(data) else "gb18030"


def _complete(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
