"""Zip safety: traversal, absolute paths, symlinks, nested archives, too many members and
zip bombs are refused before anything is unpacked, and the temporary folder is always gone."""

from __future__ import annotations

import stat
import tempfile
import zipfile

import pytest

from app.config import ImportLimits, import_limits
from app.errors import BadRequest
from app.imports import archive, sources


@pytest.fixture
def temp_root(tmp_path, monkeypatch):
    """Where tempfile puts folders during the test, to see that nothing stays behind."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


def _zip(path, members: dict[str, bytes], symlink: str | None = None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, "/etc/passwd")
    return path


def _refused(path, temp_root, *words, limits=None):
    with pytest.raises(BadRequest) as caught:
        sources.read(path, filename=path.name, limits=limits)
    message = str(caught.value)
    assert path.name in message
    for word in words:
        assert word in message, message
    assert list(temp_root.iterdir()) == [], "the temporary folder was left behind"
    return caught.value


def test_path_traversal_is_refused_and_nothing_is_left(tmp_path, temp_root):
    path = _zip(tmp_path / "up.zip", {"a.shp": b"x", "../../evil.txt": b"pwned"})
    error = _refused(path, temp_root, "../../evil.txt", "outside the archive")
    assert error.code == "unsafe_archive"
    assert not (tmp_path / "evil.txt").exists()


def test_absolute_and_drive_paths_are_refused(tmp_path, temp_root):
    _refused(_zip(tmp_path / "abs.zip", {"/srv/evil.shp": b"x"}), temp_root, "/srv/evil.shp")
    _refused(_zip(tmp_path / "drive.zip", {"C:/evil.shp": b"x"}), temp_root, "C:/evil.shp")


def test_a_symlink_member_is_refused(tmp_path, temp_root):
    path = _zip(tmp_path / "link.zip", {"a.txt": b"x"}, symlink="passwd.shp")
    _refused(path, temp_root, "passwd.shp", "symbolic link")


def test_a_zip_inside_the_zip_is_refused_by_name_and_by_content(tmp_path, temp_root):
    inner = _zip(tmp_path / "inner.zip", {"a.txt": b"x"}).read_bytes()
    _refused(_zip(tmp_path / "nested.zip", {"inner.zip": inner}), temp_root, "inner.zip",
             "inside the archive")
    _refused(_zip(tmp_path / "hidden.zip", {"data.shp": inner}), temp_root, "data.shp",
             "inside the archive")


def test_too_many_members_are_refused(tmp_path, temp_root):
    path = _zip(tmp_path / "many.zip", {f"f{i}.txt": b"x" for i in range(12)})
    _refused(path, temp_root, "12", "10", limits=ImportLimits(zip_max_members=10))


def test_a_zip_bomb_is_refused_by_its_ratio_before_unpacking(tmp_path, temp_root):
    path = _zip(tmp_path / "bomb.zip", {"a.dbf": b"\0" * (50 * 1024 * 1024)})
    assert path.stat().st_size < 100 * 1024  # 50 MB of zeros deflate to ~50 KB: ratio ~1000
    _refused(path, temp_root, "zip bomb", limits=ImportLimits(zip_max_ratio=100))


def test_an_absolute_cap_holds_whatever_the_ratio(tmp_path, temp_root):
    path = _zip(tmp_path / "big.zip", {"a.dbf": bytes(range(256)) * 8192})  # 2 MB
    _refused(path, temp_root, "zip bomb",
             limits=ImportLimits(zip_max_bytes=1024 * 1024, zip_max_ratio=1e9))


def test_a_member_larger_than_its_header_says_stops_unpacking(tmp_path, temp_root):
    path = _zip(tmp_path / "forged.zip", {"a.csv": b"X,Y\n" * 10000})
    data = bytearray(path.read_bytes())
    # forge the central directory's uncompressed size (offset 24 of the entry) to 100
    at = data.rfind(b"PK\x01\x02")
    data[at + 24:at + 28] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    _refused(path, temp_root, "a.csv")


def test_a_damaged_zip_names_the_file(tmp_path, temp_root):
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04" + b"\0" * 40)
    assert _refused(path, temp_root, "not a readable zip").code == "bad_file"


def test_a_good_archive_is_unpacked_and_then_removed(tmp_path, temp_root):
    path = _zip(tmp_path / "ok.zip", {"dir/a.txt": b"hello"})
    with archive.unpacked(path, "ok.zip") as folder:
        assert (folder / "dir" / "a.txt").read_bytes() == b"hello"
        assert folder.parent == temp_root
    assert list(temp_root.iterdir()) == []


def test_limits_come_from_the_environment():
    limits = import_limits({"PARKATLAS_IMPORT_MAX_MB": "5", "PARKATLAS_IMPORT_ZIP_MAX_MEMBERS": "7",
                            "PARKATLAS_IMPORT_ZIP_MAX_MB": "64",
                            "PARKATLAS_IMPORT_ZIP_MAX_RATIO": "50"})
    assert limits == ImportLimits(5 * 1024 * 1024, 7, 64 * 1024 * 1024, 50.0)
    assert import_limits({}).max_bytes == 200 * 1024 * 1024


def test_the_folder_is_removed_when_reading_what_was_unpacked_fails(tmp_path, temp_root):
    path = _zip(tmp_path / "broken_shp.zip", {"plots.shp": b"\0" * 100, "plots.dbf": b"x"})
    error = _refused(path, temp_root, "plots.shp", "cannot be read as shp")
    assert error.code == "bad_file"
