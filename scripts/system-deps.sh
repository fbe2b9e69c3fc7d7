#!/usr/bin/env bash
# Install the Debian/Ubuntu packages ParkAtlas needs, only those missing.
# Usage: scripts/system-deps.sh [run|test]   ("test" adds Chromium and its driver)
# As root it uses apt-get, with passwordless sudo it uses sudo apt-get; otherwise it
# prints the exact command to run and stops, so nothing is half-installed.
set -euo pipefail
purpose=${1:-run}
PG_MAJOR=${PARKATLAS_PG_MAJOR:-15}

need=()
have_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
want() { have_pkg "$1" || need+=("$1"); }

# When DATABASE_URL points at an existing server, no local PostgreSQL is needed.
if [ -z "${DATABASE_URL:-}" ]; then
  want "postgresql-$PG_MAJOR"
  want "postgresql-$PG_MAJOR-postgis-3"
fi
want postgresql-client-common
command -v python3 >/dev/null || need+=(python3)
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
command -v npm >/dev/null || need+=(npm)
command -v node >/dev/null || need+=(nodejs)
want fonts-noto-cjk          # Chinese text in map screenshots (browser)
want fonts-wqy-microhei      # Chinese text embedded in PDF reports (TrueType outlines, which ReportLab can embed)
if [ "$purpose" = test ]; then
  want chromium
  want chromium-driver
  want poppler-utils         # pdftotext/pdftoppm read exported PDFs back in tests
  want gdal-bin              # ogrinfo/ogr2ogr 3.6, the land bureau's readers' stand-in, read exports back
fi

[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  SUDO=(sudo)
else
  echo "ParkAtlas needs these system packages: ${need[*]}" >&2
  echo "Install them, then run make again:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${need[*]}" >&2
  exit 1
fi
echo "Installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${need[@]}"
