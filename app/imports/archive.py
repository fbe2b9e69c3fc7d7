"""Unpacking a zip archive (zipped Shapefile, KMZ) without trusting it.

Refused before anything is written: a member whose path leaves the folder (`..`, an
absolute path, a drive letter), a symbolic link, a zip inside the zip, more members than
`zip_max_members`, and a declared uncompressed total beyond `zip_max_bytes` or
`zip_max_ratio` times the archive's size. While unpacking, a member that grows beyond
what it declared (a forged header) stops the unpacking too. The caller unpacks into a
`tempfile.TemporaryDirectory` (`unpacked()`), which is removed whatever happens.
"""

from __future__ import annotations

import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from ..config import ImportLimits, import_limits
from ..errors import BadRequest, Text
from ..labels import N_

_CHUNK = 1024 * 1024
_NESTED = (".zip", ".kmz", ".7z", ".rar", ".gz", ".tar")
_ZIP_MAGIC = b"PK\x03\x04"
BAD_ZIP = N_("%(file)s is not a readable zip archive (%(problem)s)")
UNSAFE = N_("%(file)s: member %(member)s %(problem)s; the archive is refused")


def _refuse(file: str, member: str, problem: str) -> BadRequest:
    return BadRequest(Text(UNSAFE, file=file, member=member, problem=Text(problem)),
                      code="unsafe_archive")


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its author wrote it: zip tools on Chinese Windows write names in
    GBK without the UTF-8 flag, which Python reads as CP437."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437")
    for codec in ("utf-8", "gb18030"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return info.filename


def _member_path(file: str, info: zipfile.ZipInfo) -> PurePosixPath:
    name = member_name(info).replace("\\", "/")
    path = PurePosixPath(name)
    if (name.startswith("/") or (len(name) > 1 and name[1] == ":")
            or any(part == ".." for part in path.parts)):
        raise _refuse(file, member_name(info), N_("has a path outside the archive's folder"))
    if stat.S_ISLNK(info.external_attr >> 16):
        raise _refuse(file, member_name(info), N_("is a symbolic link"))
    if name.lower().endswith(_NESTED):
        raise _refuse(file, member_name(info), N_("is an archive inside the archive"))
    return path


def check(archive: zipfile.ZipFile, file: str, size: int,
          limits: ImportLimits) -> list[tuple[zipfile.ZipInfo, PurePosixPath]]:
    """The archive's file members with their safe relative paths, or a refusal."""
    infos = archive.infolist()
    if len(infos) > limits.zip_max_members:
        raise BadRequest(Text(N_("%(file)s holds %(count)s members; at most %(max)s are "
                                 "accepted"), file=file, count=len(infos),
                              max=limits.zip_max_members), code="unsafe_archive")
    members = [(info, _member_path(file, info)) for info in infos]
    total = sum(info.file_size for info in infos)
    if total > limits.zip_max_bytes or total > limits.zip_max_ratio * max(size, 1):
        raise BadRequest(Text(N_(
            "%(file)s would unpack to %(total)s MB from %(size)s MB (more than %(max)s MB or "
            "%(ratio)s times its size): refused as a possible zip bomb"), file=file,
            total=f"{total / _CHUNK:.1f}", size=f"{size / _CHUNK:.3f}",
            max=f"{limits.zip_max_bytes / _CHUNK:.0f}", ratio=f"{limits.zip_max_ratio:g}"),
            code="unsafe_archive")
    return [(info, path) for info, path in members if not info.is_dir()]


def _copy(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, file: str) -> None:
    written = 0
    with archive.open(info) as source, target.open("wb") as out:
        while chunk := source.read(_CHUNK):
            if written == 0 and chunk.startswith(_ZIP_MAGIC):
                raise _refuse(file, member_name(info), N_("is an archive inside the archive"))
            written += len(chunk)
            if written > info.file_size:
                raise _refuse(file, member_name(info),
                              N_("unpacks to more than its header declares"))
            out.write(chunk)


@contextmanager
def unpacked(path: Path, file: str, limits: ImportLimits | None = None) -> Iterator[Path]:
    """The archive unpacked into a temporary folder, removed on leaving (even on error)."""
    limits = limits or import_limits()
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise BadRequest(Text(BAD_ZIP, file=file, problem=str(exc)), code="bad_file") from None
    with archive, tempfile.TemporaryDirectory(prefix="parkatlas-import-") as folder:
        root = Path(folder)
        try:
            for info, relative in check(archive, file, path.stat().st_size, limits):
                target = root.joinpath(*relative.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                _copy(archive, info, target, file)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError,
                NotImplementedError, RuntimeError, zlib.error) as exc:
            raise BadRequest(Text(BAD_ZIP, file=file, problem=str(exc)),
                             code="bad_file") from None
        yield root
