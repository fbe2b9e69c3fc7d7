#!/usr/bin/env bash
# Install the pinned browser assets (package.json / package-lock.json) from the
# npm registry and copy the dist files the pages use into app/static/vendor/.
#
# The app serves every JS/CSS/font file itself: the map must work on an
# intranet with no internet, so no page may point at a CDN.
#
# Idempotent and fast when already done: `npm ci` runs only when node_modules
# was installed from another package-lock.json (its sha256 is kept beside it:
# mtimes lie after a checkout or an `npm install --package-lock-only`), and the
# copy step is skipped when the vendor stamp is newer than the lock and this script.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

LOCK="package-lock.json"
NM_LOCK="node_modules/.package-lock.json"
VENDOR="app/static/vendor"
STAMP="$VENDOR/.stamp"
SELF="scripts/vendor-assets.sh"

if [[ ! -f "$LOCK" ]]; then
    echo "vendor-assets: $ROOT/$LOCK is missing" >&2
    exit 1
fi

LOCK_SUM="node_modules/.parkatlas-lock.sha256"
need_install=0
if [[ ! -f "$NM_LOCK" ]] || ! sha256sum --status -c "$LOCK_SUM" 2>/dev/null; then
    need_install=1
fi

if [[ $need_install -eq 0 && -f "$STAMP" && "$STAMP" -nt "$LOCK" && "$STAMP" -nt "$SELF" ]]; then
    exit 0
fi

if [[ $need_install -eq 1 ]]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "vendor-assets: npm is not installed; it is needed to install the map's" \
             "JS/CSS assets (Debian/Ubuntu: apt-get install -y nodejs npm)" >&2
        exit 1
    fi
    echo "vendor-assets: npm ci" >&2
    npm ci --no-audit --no-fund --loglevel=error
    # npm ci rewrites node_modules/.package-lock.json; make sure it is newer
    # than the lock file even on coarse-mtime file systems.
    touch "$NM_LOCK"
    sha256sum "$LOCK" > "$LOCK_SUM"
    rm -f "$STAMP"  # the copy below must run for what was just installed
fi

NM="node_modules"
mkdir -p "$(dirname "$VENDOR")"
tmp="$(mktemp -d "$ROOT/app/static/.vendor.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT

# copy SRC_DIR DEST_DIR FILE... : copy files keeping their relative paths, so
# the url(...) references inside the CSS files keep working.
copy() {
    local src="$1" dest="$2"
    shift 2
    local f
    for f in "$@"; do
        if [[ ! -f "$NM/$src/$f" ]]; then
            echo "vendor-assets: $NM/$src/$f not found (package layout changed?)" >&2
            exit 1
        fi
        mkdir -p "$tmp/$dest/$(dirname "$f")"
        cp "$NM/$src/$f" "$tmp/$dest/$f"
    done
}

copy leaflet/dist leaflet \
    leaflet.js leaflet.css \
    images/layers.png images/layers-2x.png \
    images/marker-icon.png images/marker-icon-2x.png images/marker-shadow.png
copy jquery/dist jquery jquery.min.js
copy bootstrap/dist bootstrap css/bootstrap.min.css js/bootstrap.bundle.min.js
copy @fortawesome/fontawesome-free fontawesome-free \
    css/all.min.css \
    webfonts/fa-brands-400.woff2 webfonts/fa-brands-400.ttf \
    webfonts/fa-regular-400.woff2 webfonts/fa-regular-400.ttf \
    webfonts/fa-solid-900.woff2 webfonts/fa-solid-900.ttf \
    webfonts/fa-v4compatibility.woff2 webfonts/fa-v4compatibility.ttf
copy leaflet.fullscreen leaflet.fullscreen \
    Control.FullScreen.js Control.FullScreen.css icon-fullscreen.svg
copy leaflet.polylinemeasure leaflet.polylinemeasure \
    Leaflet.PolylineMeasure.js Leaflet.PolylineMeasure.css
copy leaflet-draw/dist leaflet-draw \
    leaflet.draw.js leaflet.draw.css \
    images/spritesheet.png images/spritesheet-2x.png images/spritesheet.svg
copy echarts/dist echarts echarts.min.js
copy @geoman-io/leaflet-geoman-free/dist leaflet-geoman \
    leaflet-geoman.min.js leaflet-geoman.css
copy sortablejs sortablejs Sortable.min.js
copy leaflet.vectorgrid/dist leaflet.vectorgrid Leaflet.VectorGrid.bundled.min.js

# Swap the finished tree in at once so a running server never sees half a copy.
touch "$tmp/.stamp"
rm -rf "$VENDOR.old"
if [[ -d "$VENDOR" ]]; then
    mv "$VENDOR" "$VENDOR.old"
fi
mv "$tmp" "$VENDOR"
chmod 755 "$VENDOR"
rm -rf "$VENDOR.old"
trap - EXIT
echo "vendor-assets: copied to $VENDOR" >&2
