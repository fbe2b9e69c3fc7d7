"""Folium rendering of the park map (园区一张图).

This module only builds HTML/JS with Folium: it imports neither Flask nor the
database. The caller (a Flask view) passes the park, the localised UI strings
and a ``static_url(filename) -> str`` callable (normally
``functools.partial(url_for, "static")``), and embeds the returned parts with
``templates/map.html`` and ``templates/_map_script.html``.

The Folium parts hold constants only (branca compiles a macro's output as a
Jinja template again, so data there would be evaluated); the park's name and
the other data go in ``config``, which the page renders as JSON. No plot data
is embedded in the page: ``app/static/js/parkatlas-map.js`` (an ES module)
fills the overlay layers declared here from the JSON API. Every JS/CSS asset is served
by the app from ``app/static/vendor/`` (see ``scripts/vendor-assets.sh``);
Folium's CDN defaults are replaced on each instance, so the page makes no
request to another host unless the user picks an online basemap.

The UI strings the JS shows are ``app.ui_messages.UI_MESSAGES`` (one set for the
map, the status pages and the plan page); the caller passes them translated.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import folium
import folium.plugins
from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from . import labels
from .ui_messages import UI_MESSAGES

StaticUrl = Callable[[str], str]


STAGES = tuple(labels.STAGES)
UTILITIES = tuple(labels.UTILITIES)
FLAGS = labels.FLAGS
# The seven utilities of 七通一平, in the trade's order (road first).
READINESS_UTILITIES = tuple(labels.READINESS_UTILITIES)

# Overlay layers in layer-control order. Networks start hidden so the default
# map stays readable; a planner switches on the utilities they need.
DEFAULT_LAYERS: dict[str, dict[str, Any]] = {
    "zones": {"show": True},
    "plots": {"show": True},
    "projects": {"show": True},
    "roads": {"show": True},
    **{f"network.{u}": {"show": False} for u in UTILITIES},
}

# The layers a guest may not read (app.layers.GUEST_LAYERS has zones, roads and plots):
# dropped from a guest's map, so its page requests nothing it would be refused.
GUEST_HIDDEN_LAYERS: dict[str, dict[str, Any]] = {
    key: {"show": None} for key in DEFAULT_LAYERS if key not in ("zones", "plots", "roads")}

# Online basemaps are only instantiated in the browser when the user picks
# one, so the default page (basemap "none") requests nothing from outside.
ONLINE_BASEMAPS: dict[str, dict[str, Any]] = {
    "osm": {
        "layers": [{
            "url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
            "options": {
                "maxZoom": 19,
                "attribution": "&copy; OpenStreetMap contributors",
            },
        }],
        "gcj02": False,
    },
    # 天地图 Web-Mercator ("_w") WMTS: vector map + Chinese annotation; CGCS2000,
    # no offset. Needs a key (tk).
    "tianditu": {
        "layers": [
            {
                "url": "https://t{s}.tianditu.gov.cn/vec_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
                "&VERSION=1.0.0&LAYER=vec&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
                "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={tk}",
                "options": {
                    "subdomains": "01234567",
                    "maxZoom": 18,
                    "attribution": "&copy; 天地图 Tianditu",
                },
            },
            {
                "url": "https://t{s}.tianditu.gov.cn/cva_w/wmts?SERVICE=WMTS&REQUEST=GetTile"
                "&VERSION=1.0.0&LAYER=cva&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles"
                "&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={tk}",
                "options": {"subdomains": "01234567", "maxZoom": 18},
            },
        ],
        "gcj02": False,
    },
    # 高德 tiles are in GCJ-02: the JS shifts the overlays while it is active.
    "gaode": {
        "layers": [{
            "url": "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1"
            "&style=8&x={x}&y={y}&z={z}",
            "options": {
                "subdomains": "1234",
                "maxZoom": 18,
                "attribution": "&copy; 高德地图 AutoNavi",
            },
        }],
        "gcj02": True,
    },
}

# Local copies of the assets Folium would load from CDNs (paths under static/).
VENDOR_JS = [
    ("leaflet", "vendor/leaflet/leaflet.js"),
    # Folium's map template uses jQuery for objects kept in front; cheap to keep.
    ("jquery", "vendor/jquery/jquery.min.js"),
]
VENDOR_CSS = [
    ("leaflet_css", "vendor/leaflet/leaflet.css"),
    ("fontawesome_css", "vendor/fontawesome-free/css/all.min.css"),
]
FULLSCREEN_JS = [("Control.Fullscreen.js", "vendor/leaflet.fullscreen/Control.FullScreen.js")]
FULLSCREEN_CSS = [("Control.FullScreen.css", "vendor/leaflet.fullscreen/Control.FullScreen.css")]
# Geometry editing (issue 10): Leaflet-Geoman, loaded only for planners and admins.
EDITING_JS = [("leaflet_geoman_js", "vendor/leaflet-geoman/leaflet-geoman.min.js")]
EDITING_CSS = [("leaflet_geoman_css", "vendor/leaflet-geoman/leaflet-geoman.css"),
               ("parkatlas_editing_css", "css/parkatlas-editing.css")]
# The measure tool (app/static/js/map/controls.js): Leaflet.PolylineMeasure draws and
# measures lines; leaflet-draw's L.GeometryUtil gives the enclosed area. Neither needs eval
# (leaflet-measure, used before, compiled lodash templates with `new Function`).
MEASURE_JS = [("polylinemeasure_js", "vendor/leaflet.polylinemeasure/Leaflet.PolylineMeasure.js"),
              ("leaflet_draw_js", "vendor/leaflet-draw/leaflet.draw.js")]
MEASURE_CSS = [("polylinemeasure_css",
                "vendor/leaflet.polylinemeasure/Leaflet.PolylineMeasure.css")]
APP_CSS = [("parkatlas_map_css", "css/parkatlas-map.css")]
# Vector tiles (issue 14): Leaflet.VectorGrid draws the /tiles/ endpoint's Mapbox vector
# tiles (its bundled build carries the pbf and vector-tile parsers).
VECTORGRID_JS = [("leaflet_vectorgrid_js",
                  "vendor/leaflet.vectorgrid/Leaflet.VectorGrid.bundled.min.js")]
# The layers drawn from tiles when the map is on tiles; zones stay GeoJSON (a few dozen
# features with permanent name labels).
TILE_LAYERS = ("plots", "roads", "networks", "projects")
# PARKATLAS_MAP_TILES: "auto" (tiles from PARKATLAS_MAP_TILES_FROM plots), "on", "off".
TILE_SETTINGS = ("auto", "on", "off")


def use_tiles(setting: str, plot_count: int | None, from_plots: int) -> bool:
    """Whether the park map draws from vector tiles: the one place that decides.

    "on" and "off" force it; "auto" uses tiles for a park of `from_plots` plots or more,
    where loading every plot as GeoJSON stops being fluid (README: the map at scale)."""
    if setting not in TILE_SETTINGS:
        raise ValueError(f"PARKATLAS_MAP_TILES must be one of {', '.join(TILE_SETTINGS)}")
    if setting != "auto":
        return setting == "on"
    return plot_count is not None and plot_count >= from_plots
# The id of the JSON element holding the page config (templates/_map_script.html).
CONFIG_ELEMENT_ID = "pa-map-config"

# Parts of Folium's standalone-page header that would override the page
# template: its viewport (which disables pinch zoom), a charset meta, and
# html/body and #map rules. The page layout belongs to base.html and
# parkatlas-map.css. Also its inline script setting L_NO_TOUCH and L_DISABLE_3D to
# false, which is what Leaflet does when they are unset: an inline script without
# the page's nonce would be refused by the Content-Security-Policy (app.security).
_PAGE_LEVEL_HEADER = re.compile(
    r'\s*<meta name="viewport"[^>]*>'
    r'|\s*<meta http-equiv="content-type"[^>]*>'
    r'|\s*<style>\s*html, body \{[^}]*\}\s*</style>'
    r'|\s*<style>\s*#map \{[^}]*\}\s*</style>'
    r'|\s*<script>\s*L_NO_TOUCH = false;\s*L_DISABLE_3D = false;\s*</script>',
    re.DOTALL,
)


class ParkAtlasInit(JSCSSMixin, MacroElement):
    """Call ``ParkAtlas.init`` with the map, its overlay groups and the page config.

    Added after the LayerControl, so every variable it names already exists.

    Branca renders a macro's output and then wraps it in an ``Element``, whose text
    is compiled as a Jinja template a second time: anything in the macro output is
    template *source*. So the macro emits only constants and Folium's generated
    variable names; the page config (park name, messages: data) is rendered by our
    own template as ``<script type="application/json" id="pa-map-config">`` (see
    ``templates/_map_script.html``) and read here with ``JSON.parse``.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            ParkAtlas.init({{ this._parent.get_name() }}, {
            {%- for key, group in this.groups.items() %}
                {{ key|tojson }}: {{ group.get_name() }},
            {%- endfor %}
            }, {{ this.layer_control.get_name() }},
            JSON.parse(document.getElementById({{ this.config_id|tojson }}).textContent));
        {% endmacro %}
        """
    )

    def __init__(
        self,
        groups: Mapping[str, folium.FeatureGroup],
        layer_control: folium.LayerControl,
        static_url: StaticUrl,
    ):
        super().__init__()
        self._name = "ParkAtlasInit"
        # Keys are our constant layer ids (DEFAULT_LAYERS), never data.
        self.groups = {key: group for key, group in groups.items() if key in DEFAULT_LAYERS}
        self.layer_control = layer_control
        self.config_id = CONFIG_ELEMENT_ID
        # Instance list: JSCSSMixin.add_css_link mutates the list it is given. The map's
        # JS is an ES module, loaded by the page (templates/_map_script.html).
        self.default_js = []
        self.default_css = _local(APP_CSS, static_url)


def _local(assets: list[tuple[str, str]], static_url: StaticUrl) -> list[tuple[str, str]]:
    """Map (name, path under static/) pairs to (name, URL) pairs."""
    return [(name, static_url(path)) for name, path in assets]


def _basemap_config(basemaps: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """List the basemaps offered in the switcher; "none" first (the offline default)."""
    basemaps = basemaps or {}
    offered: list[dict[str, Any]] = [{"id": "none", "layers": [], "gcj02": False}]
    local = basemaps.get("local")
    if local:
        # the office's own package (PARKATLAS_BASEMAP, served by the app): offline too, so
        # it is the default, before "none"
        offered.insert(0, {"id": "local", "gcj02": False, "layers": [{
            "url": local["url"], "options": {
                "minZoom": 0, "maxNativeZoom": local["maxzoom"], "maxZoom": 22,
                "attribution": local.get("attribution") or ""}}]})
    if not basemaps.get("online", True):
        return offered
    key = basemaps.get("tianditu_key")
    for ident, spec in ONLINE_BASEMAPS.items():
        if ident == "tianditu" and not key:
            continue
        layers = []
        for layer in spec["layers"]:
            url = layer["url"]
            if ident == "tianditu":
                # Fill the key here so the JS never sees a "{tk}" placeholder
                # (Leaflet would try to substitute it from the options).
                url = url.replace("{tk}", quote(str(key), safe=""))
            layers.append({"url": url, "options": dict(layer["options"])})
        offered.append({"id": ident, "layers": layers, "gcj02": spec["gcj02"]})
    return offered


def render_park_map(
    park: Mapping[str, Any],
    layers_config: Mapping[str, Any] | None,
    messages: Mapping[str, str],
    static_url: StaticUrl,
    basemaps: Mapping[str, Any] | None = None,
) -> dict[str, str]:
    """Render the park map: its ``header``, ``html``, ``script``, ``title`` and ``config``.

    The Folium parts (``header``, ``html``, ``script``) hold only constants and
    translated UI text; every datum (the park's name, id, extent) is in ``config``,
    which the page template must render as JSON with ``templates/_map_script.html``.

    ``park`` needs ``id``, ``name`` and ``bbox`` ([minx, miny, maxx, maxy] in
    lon/lat); ``centre`` ([lon, lat]) is optional.

    ``layers_config`` (all keys optional): ``api`` (API base, default
    "/api/v1"), ``lang`` ("zh" or "en"), ``login`` (login page URL),
    ``plot_page`` (plot page URL prefix, or a pattern with ``{id}``; False: none),
    ``plot_edit``
    (the plot form's pattern with ``{id}``, given to planners and admins only),
    ``view_state`` (True on the park map: the view lives in the URL and an as-of
    date picker is shown, map/viewstate.js),
    ``editing`` ({"admin": bool} for a planner or admin: load the editing tools),
    ``battle`` ({"project": the project page's pattern with ``{id}``} on a staff map: the
    battle-map view, map/battle.js),
    ``tiles`` ({"base": the park's tile URL prefix, e.g. "/tiles/P001", and the zooms
    served, "min_zoom", "max_zoom"} when the map draws TILE_LAYERS from vector tiles, see
    use_tiles; map/tiles.js), and
    ``layers`` to override DEFAULT_LAYERS per layer id
    (``{"network.power": {"show": True}}``; ``{"show": None}`` drops a layer).

    ``messages`` holds the translated UI_MESSAGES (missing keys fall back
    to English). ``basemaps`` is ``{"tianditu_key": str | None, "online": bool, "local":
    {"url", "maxzoom", "attribution"} | None}`` (an offline raster package).
    """
    cfg = dict(layers_config or {})
    locale = str(cfg.get("lang") or "zh")
    plot_page = cfg.get("plot_page", "/plots/")  # False: no link to a plot page
    if plot_page is not False:
        plot_page = str(plot_page or "/plots/")
        plot_page += "" if "{id}" in plot_page else "{id}"
    msgs = {**UI_MESSAGES, **dict(messages)}
    minx, miny, maxx, maxy = (float(v) for v in park["bbox"])
    centre = park.get("centre") or [(minx + maxx) / 2, (miny + maxy) / 2]

    m = folium.Map(
        location=[float(centre[1]), float(centre[0])],
        zoom_start=14,
        tiles=None,
        position="absolute",
        width="100%",
        height="100%",
        control_scale=False,  # metric-only scale is added by the JS
        prefer_canvas=False,  # SVG: paths stay addressable for tests and styling
        max_zoom=20,
        zoom_snap=0.5,  # lets "zoom to park" fill the screen better
    )
    editing = cfg.get("editing") or {}
    tiles = cfg.get("tiles") or None
    m.default_js = _local(VENDOR_JS + MEASURE_JS + (EDITING_JS if editing else [])
                          + (VECTORGRID_JS if tiles else []), static_url)
    m.default_css = _local(VENDOR_CSS + MEASURE_CSS + (EDITING_CSS if editing else []),
                           static_url)

    fullscreen = folium.plugins.Fullscreen(
        position="topleft",
        title=msgs["control.fullscreen"],
        title_cancel=msgs["control.fullscreen_exit"],
    )
    fullscreen.default_js = _local(FULLSCREEN_JS, static_url)
    fullscreen.default_css = _local(FULLSCREEN_CSS, static_url)
    fullscreen.add_to(m)

    layers = {key: dict(opts) for key, opts in DEFAULT_LAYERS.items()}
    for key, opts in (cfg.get("layers") or {}).items():
        if key in layers:
            layers[key].update(opts)
    groups: dict[str, folium.FeatureGroup] = {}
    for key, opts in layers.items():
        if opts.get("show") is None:
            continue
        # Leaflet's layer control inserts names as HTML: escape them.
        name = html.escape(msgs[f"layer.{key}"])
        groups[key] = folium.FeatureGroup(name=name, show=bool(opts["show"])).add_to(m)

    layer_control = folium.LayerControl(position="topright", collapsed=True).add_to(m)

    config = {
        "park": {
            "id": park["id"],
            "code": park.get("code"),
            "name": park.get("name"),
            "bbox": [minx, miny, maxx, maxy],
        },
        "api": str(cfg.get("api") or "/api/v1").rstrip("/"),
        "urls": {"login": str(cfg.get("login") or "/login"), "plot": plot_page or None,
                 # the plot form's URL pattern, only for those who may edit (planner, admin)
                 "plotEdit": cfg.get("plot_edit")},
        "locale": locale,
        "messages": msgs,
        "basemaps": _basemap_config(basemaps),
        "stages": list(STAGES),
        "stageColours": labels.STAGE_COLOURS,
        "utilities": list(UTILITIES),
        "readinessUtilities": list(READINESS_UTILITIES),
        "flags": list(FLAGS),
        "pageSize": 5000,
        # the park map keeps its view in the URL and offers the as-of date picker; the
        # maps of other pages (plan, priorities) do not (map/viewstate.js)
        "viewState": bool(cfg.get("view_state")),
        "plotLabelZoom": 16,
        "roadLabelZoom": 15,
        # {"admin": bool} for a planner or admin (drawing tools, app/static/js/map/editing.js)
        "editing": dict(editing) or None,
        # {"project": the project page's URL pattern with {id}} on a staff map: the
        # battle-map view (挂图作战, map/battle.js), which reads the board's cards
        "battle": cfg.get("battle"),
        # {"base": "/tiles/<park>", "layers": [...]}: plots, roads and networks from vector
        # tiles (map/tiles.js); None: every layer from the GeoJSON API
        "tiles": {"base": str(tiles["base"]).rstrip("/"), "layers": list(TILE_LAYERS),
                  "minZoom": tiles.get("min_zoom", 0), "maxZoom": tiles.get("max_zoom", 22)}
        if tiles else None,
    }
    ParkAtlasInit(groups, layer_control, static_url).add_to(m)

    root = m.get_root()
    root.render()
    header = root.header.render()
    header = _PAGE_LEVEL_HEADER.sub("", header)
    return {
        "header": header,
        "html": root.html.render(),
        "script": root.script.render(),
        "title": str(park.get("name") or msgs["page.title"]),
        "config": config,
        "config_id": CONFIG_ELEMENT_ID,
    }
