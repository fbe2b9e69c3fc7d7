"""GDAL's command-line tools (gdal-bin, GDAL 3.6 on Debian 12) as the land bureau's readers'
stand-in: exports are read back by `ogrinfo` exactly as a user would run it, without any
configuration option (no DXF_ENCODING, no SHAPE_ENCODING) and in a C locale."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass

#: Environment variables that change how GDAL reads a file; the readers get none of them.
GDAL_HINTS = ("DXF_ENCODING", "SHAPE_ENCODING", "DXF_INCLUDE_RAW_CODE_VALUES",
              "DXF_CLOSED_LINE_AS_POLYGON", "DXF_INLINE_BLOCKS", "OGR_GPKG_INTEGRITY_CHECK")


@dataclass(frozen=True)
class Run:
    stdout: str
    stderr: str


def ogrinfo(*args: str, config: dict[str, str] | None = None) -> Run:
    """`ogrinfo -ro <args>`; `config` adds `--config KEY VALUE` pairs where a test says so."""
    env = {k: v for k, v in os.environ.items() if k not in GDAL_HINTS and not k.startswith(
        ("CPL_", "GDAL_", "OGR_"))}
    env["LC_ALL"] = "C.UTF-8"
    options = [item for key, value in (config or {}).items() for item in ("--config", key, value)]
    done = subprocess.run(["ogrinfo", "-ro", *options, *args], env=env, capture_output=True,
                          check=True, timeout=120)
    return Run(done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))


def gdal_version() -> str:
    return ogrinfo("--version").stdout.split(",")[0].removeprefix("GDAL ").strip()
