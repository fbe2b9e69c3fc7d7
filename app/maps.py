"""Folium rendering of the park map (园区一张图).

This module only builds HTML/JS with Folium: it imports neither Flask nor the
database. The caller (a Flask view) passes the park, the localised UI strings
and a ``static_url(filename) -> str`` callable (normally
``functools.partial(url_for, "static")``), and embeds the three returned parts
in ``templates/map.html``.

No data is embedded in the page: ``app/static/js/parkatlas-map.js`` fills the
overlay layers declared here from the JSON API. Every JS/CSS asset is served
by the app from ``app/static/vendor/`` (see ``scripts/vendor-assets.sh``);
Folium's CDN defaults are replaced on each instance, so the page makes no
request to another host unless the user picks an online basemap.

MAP_MESSAGE_KEYS also holds the strings of the status pages (/idle,
/priorities: ``static/js/parkatlas-idle.js`` and ``parkatlas-priorities.js``),
so the map and those pages share one set of flag, cause and utility names.
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
from .labels import N_

StaticUrl = Callable[[str], str]


STAGES = tuple(labels.STAGES)
# Fill colours of the plot stages on the map (pale to dark as land gets
# developed). Exposed so other pages can use the same palette.
STAGE_COLOURS: dict[str, str] = {
    "planned": "#d9d9d9",
    "approved": "#fff2a8",
    "requisitioned": "#ffd166",
    "banked": "#f4a259",
    "supplied": "#9ecae1",
    "delivered": "#4292c6",
    "under_construction": "#b07cd8",
    "completed": "#8fd18a",
    "operating": "#2e9e4f",
}
UTILITIES = tuple(labels.UTILITIES)

FLAGS = labels.FLAGS
# Colour classes of the "flags" plot view, most severe first (a plot takes the first
# that applies); idle_disposed is drawn as an outline on top of its class.
FLAG_CLASSES: dict[str, str] = {
    "reclaim_due": N_("Reclaim due"),
    "idle": N_("Idle land"),
    "idle_government": N_("Idle, government cause"),
    "idle_warning": N_("Soon idle"),
    "low_efficiency": N_("Low efficiency"),
    "conflict": N_("Conflict (zoning, use, double claim)"),
    "none": N_("No flag"),
}
GOVERNMENT_CAUSES = labels.GOVERNMENT_CAUSES
DISPOSALS = labels.DISPOSALS
# The seven utilities of 七通一平, in the trade's order (road first).
READINESS_UTILITIES = ("road", *UTILITIES)
READINESS_STATES = labels.READINESS_STATES

# Every user-facing string of the map page, keyed by a short English key, with
# the English text as default. The server translates the values (Chinese is
# the default UI language) and passes the result as ``messages``; the JS reads
# only these. ``{name}``-style placeholders are filled in by the JS.
MAP_MESSAGE_KEYS: dict[str, str] = {
    "page.title": N_("Park map"),
    # overlay layers
    "layer.zones": N_("Zones"),
    "layer.plots": N_("Plots"),
    "layer.roads": N_("Roads"),
    "layer.projects": N_("Projects"),
    **{f"layer.network.{code}": text for code, text in labels.UTILITIES.items()},
    **{f"stage.{code}": text for code, text in labels.STAGES.items()},
    **{f"status.{code}": text for code, text in labels.STATUSES.items()},
    # road classes
    "road_class.arterial": N_("Arterial road"),
    "road_class.secondary": N_("Secondary road"),
    "road_class.branch": N_("Branch road"),
    # project stages (DESIGN §4.7)
    **{f"project_stage.{code}": text for code, text in labels.PROJECT_STAGES.items()},
    # popup field labels
    "field.code": N_("Code"),
    "field.name": N_("Name"),
    "field.stage": N_("Stage"),
    "field.area": N_("Area"),
    "field.land_class": N_("Land class"),
    "field.planned_use": N_("Planned use"),
    "field.owner": N_("Owner"),
    "field.zone": N_("Zone"),
    "field.status": N_("Status"),
    "field.class": N_("Class"),
    "field.width": N_("Width"),
    "field.planned_completion": N_("Planned completion"),
    "field.utility": N_("Utility"),
    "field.subtype": N_("Type"),
    "field.company": N_("Company"),
    "field.industry": N_("Industry"),
    "field.plots": N_("Plots"),
    "field.admitted_industries": N_("Admitted industries"),
    "popup.details": N_("Plot details"),
    # status flags and readiness (DESIGN §4.2–4.5)
    **{f"flag.{code}": text for code, text in FLAGS.items()},
    **{f"flag_class.{code}": text for code, text in FLAG_CLASSES.items()},
    **{f"cause.{code}": text for code, text in GOVERNMENT_CAUSES.items()},
    **{f"disposal.{code}": text for code, text in DISPOSALS.items()},
    **{f"readiness.state.{code}": text for code, text in READINESS_STATES.items()},
    "utility.road": N_("Road"),
    **{f"utility.{code}": text for code, text in labels.UTILITIES.items()},
    "popup.status": N_("Status"),
    "popup.no_flags": N_("No status flag."),
    "popup.loading_status": N_("Loading status…"),
    "popup.readiness": N_("Readiness (七通一平)"),
    "popup.levelled": N_("Site levelled"),
    "popup.serviced": N_("Serviced land, ready for supply"),
    "popup.not_serviced": N_("Not serviced"),
    "popup.as_of": N_("As of {date}"),
    "readiness.distance": N_("{distance} m away"),
    "readiness.planned_on": N_("planned {date}"),
    "yes": N_("yes"),
    "no": N_("no"),
    # units
    "unit.m2": N_("m²"),
    "unit.mu": N_("mu"),
    "unit.ha": N_("ha"),
    "unit.m": N_("m"),
    # legend and thematic views
    "legend.title": N_("Legend"),
    "legend.view": N_("Colour plots by"),
    "view.stage": N_("Lifecycle stage"),
    "view.flags": N_("Status flags"),
    "view.readiness": N_("Readiness (七通一平)"),
    "legend.count": N_("{label} ({count})"),
    "legend.disposed": N_("Idle, disposed (outline)"),
    "legend.not_evaluated": N_("Not evaluated"),
    "legend.serviced": N_("Serviced land (熟地)"),
    "legend.not_serviced": N_("Not serviced"),
    "legend.raw_land": N_("Raw land (生地)"),
    "legend.level": N_("{level} of 8 in place"),
    "legend.highlighted": N_("Plots served by the selected segment"),
    "legend.selected_segment": N_("Selected segment"),
    "legend.networks": N_("Utility networks"),
    "legend.network.planned": N_("Line planned / under construction"),
    "legend.network.point": N_("Facility"),
    # controls
    "search.placeholder": N_("Plot code"),
    "search.button": N_("Search"),
    "search.not_found": N_("No plot found with code “{code}”."),
    "search.searching": N_("Searching…"),
    "control.zoom_park": N_("Zoom to park"),
    "control.fullscreen": N_("Full screen"),
    "control.fullscreen_exit": N_("Exit full screen"),
    "basemap.none": N_("No basemap"),
    "basemap.osm": N_("OpenStreetMap"),
    "basemap.tianditu": N_("Tianditu"),
    "basemap.gaode": N_("Gaode (GCJ-02)"),
    "basemap.gcj_note": N_("Overlays are shifted to GCJ-02 to match the Gaode basemap."),
    # loading and errors
    "loading": N_("Loading map data…"),
    "loading.progress": N_("Loading map data… ({done}/{total})"),
    "error.load": N_("Could not load {layer}: {message}"),
    "error.network": N_("Network error"),
    "error.http": N_("HTTP error {status}"),
    "error.dismiss": N_("Close"),
    "error.plot_not_found": N_("No plot with id {id}."),
    # idle land page (/idle)
    "idle.title": N_("Idle land"),
    "idle.col.code": N_("Plot"),
    "idle.col.zone": N_("Zone"),
    "idle.col.owner": N_("Owner"),
    "idle.col.area_mu": N_("Area (mu)"),
    "idle.col.agreed_start_on": N_("Agreed start"),
    "idle.col.mark_1y": N_("1-year mark"),
    "idle.col.mark_2y": N_("2-year mark"),
    "idle.col.days_left": N_("Days left"),
    "idle.col.flags": N_("Flags"),
    "idle.col.cause": N_("Cause / disposal"),
    "idle.col.projects": N_("Projects"),
    "idle.col.map": N_("Map"),
    "idle.map_link": N_("map"),
    "idle.overdue": N_("{days} days overdue"),
    "idle.empty": N_("No idle or soon-idle plot on this date."),
    "idle.count": N_("{count} plots, {area} mu, as of {date}"),
    "idle.government_cause": N_("Government cause: {cause}"),
    "idle.disposed": N_("{disposal} ({date})"),
    # infrastructure priority page (/priorities)
    "priority.title": N_("Infrastructure priority"),
    "priority.col.rank": N_("Rank"),
    "priority.col.utility": N_("Type"),
    "priority.col.name": N_("Name"),
    "priority.col.status": N_("Status"),
    "priority.col.planned_completion": N_("Planned completion"),
    "priority.col.plots_gained": N_("Plots gained"),
    "priority.col.area_mu_gained": N_("Mu gained"),
    "priority.col.newly_serviced": N_("Newly serviced"),
    "priority.col.newly_serviced_mu": N_("Mu newly serviced"),
    "priority.empty": N_("No planned road or network segment."),
    "priority.count": N_("{count} planned segments, as of {date}"),
    "priority.layer": N_("Planned segments"),
    "priority.selected": N_("{name}: {count} plots, {area} mu would gain {utility}"),
    "as_of": N_("As of"),
    "as_of.apply": N_("Show"),
}

# Overlay layers in layer-control order. Networks start hidden so the default
# map stays readable; a planner switches on the utilities they need.
DEFAULT_LAYERS: dict[str, dict[str, Any]] = {
    "zones": {"show": True},
    "plots": {"show": True},
    "projects": {"show": True},
    "roads": {"show": True},
    **{f"network.{u}": {"show": False} for u in UTILITIES},
}

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
MEASURE_JS = [("leaflet_measure_js", "vendor/leaflet-measure/leaflet-measure.min.js")]
MEASURE_CSS = [("leaflet_measure_css", "vendor/leaflet-measure/leaflet-measure.css")]
APP_JS = [("parkatlas_status_js", "js/parkatlas-status.js"),
          ("parkatlas_map_js", "js/parkatlas-map.js")]
APP_CSS = [("parkatlas_map_css", "css/parkatlas-map.css")]
# The id of the JSON element holding the page config (templates/_map_config.html).
CONFIG_ELEMENT_ID = "pa-map-config"

# Parts of Folium's standalone-page header that would override the page
# template: its viewport (which disables pinch zoom), a charset meta, and
# html/body and #map rules. The page layout belongs to base.html and
# parkatlas-map.css.
_PAGE_LEVEL_HEADER = re.compile(
    r'\s*<meta name="viewport"[^>]*>'
    r'|\s*<meta http-equiv="content-type"[^>]*>'
    r'|\s*<style>\s*html, body \{[^}]*\}\s*</style>'
    r'|\s*<style>\s*#map \{[^}]*\}\s*</style>',
    re.DOTALL,
)


def map_messages(translate: Callable[[str], str]) -> dict[str, str]:
    """Return MAP_MESSAGE_KEYS with every text passed through ``translate`` (e.g. gettext)."""
    return {key: translate(text) for key, text in MAP_MESSAGE_KEYS.items()}


class ParkAtlasInit(JSCSSMixin, MacroElement):
    """Call ``ParkAtlas.init`` with the map, its overlay groups and the page config.

    Added after the LayerControl, so every variable it names already exists.

    Branca renders a macro's output and then wraps it in an ``Element``, whose text
    is compiled as a Jinja template a second time: anything in the macro output is
    template *source*. So the macro emits only constants and Folium's generated
    variable names; the page config (park name, messages: data) is rendered by our
    own template as ``<script type="application/json" id="pa-map-config">`` (see
    ``templates/_map_config.html``) and read here with ``JSON.parse``.
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
        # Instance lists: JSCSSMixin.add_js_link mutates the list it is given.
        self.default_js = _local(APP_JS, static_url)
        self.default_css = _local(APP_CSS, static_url)


def _local(assets: list[tuple[str, str]], static_url: StaticUrl) -> list[tuple[str, str]]:
    """Map (name, path under static/) pairs to (name, URL) pairs."""
    return [(name, static_url(path)) for name, path in assets]


def _basemap_config(basemaps: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """List the basemaps offered in the switcher; "none" first (the offline default)."""
    basemaps = basemaps or {}
    offered: list[dict[str, Any]] = [{"id": "none", "layers": [], "gcj02": False}]
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
    which the page template must render as JSON with ``templates/_map_config.html``.

    ``park`` needs ``id``, ``name`` and ``bbox`` ([minx, miny, maxx, maxy] in
    lon/lat); ``centre`` ([lon, lat]) is optional.

    ``layers_config`` (all keys optional): ``api`` (API base, default
    "/api/v1"), ``lang`` ("zh" or "en"), ``login`` (login page URL),
    ``plot_page`` (plot page URL prefix, or a pattern with ``{id}``), and
    ``layers`` to override DEFAULT_LAYERS per layer id
    (``{"network.power": {"show": True}}``; ``{"show": None}`` drops a layer).

    ``messages`` holds the translated MAP_MESSAGE_KEYS (missing keys fall back
    to English). ``basemaps`` is ``{"tianditu_key": str | None, "online": bool}``.
    """
    cfg = dict(layers_config or {})
    locale = str(cfg.get("lang") or "zh")
    plot_page = str(cfg.get("plot_page") or "/plots/")
    if "{id}" not in plot_page:
        plot_page += "{id}"
    msgs = {**MAP_MESSAGE_KEYS, **dict(messages)}
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
    m.default_js = _local(VENDOR_JS, static_url)
    m.default_css = _local(VENDOR_CSS, static_url)

    fullscreen = folium.plugins.Fullscreen(
        position="topleft",
        title=msgs["control.fullscreen"],
        title_cancel=msgs["control.fullscreen_exit"],
    )
    fullscreen.default_js = _local(FULLSCREEN_JS, static_url)
    fullscreen.default_css = _local(FULLSCREEN_CSS, static_url)
    fullscreen.add_to(m)

    measure = folium.plugins.MeasureControl(
        position="topleft",
        primary_length_unit="meters",
        secondary_length_unit="kilometers",
        primary_area_unit="sqmeters",
        secondary_area_unit="hectares",
        localization="cn" if locale.startswith("zh") else "en",
    )
    measure.default_js = _local(MEASURE_JS, static_url)
    measure.default_css = _local(MEASURE_CSS, static_url)
    measure.add_to(m)

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
        "urls": {"login": str(cfg.get("login") or "/login"), "plot": plot_page},
        "locale": locale,
        "messages": msgs,
        "basemaps": _basemap_config(basemaps),
        "stages": list(STAGES),
        "stageColours": STAGE_COLOURS,
        "utilities": list(UTILITIES),
        "readinessUtilities": list(READINESS_UTILITIES),
        "flags": list(FLAGS),
        "pageSize": 5000,
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
