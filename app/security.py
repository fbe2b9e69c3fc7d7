"""Security headers on every response: a Content-Security-Policy with a per-request nonce
for the few inline scripts (the Folium map set-up), no framing, no MIME sniffing, no
referrer leaving the site, and no caching of anything that needs a login.

Templates mark an inline script with `<script nonce="{{ csp_nonce() }}">`; a script
without it does not run, so injected markup cannot execute even if it got past escaping.
"""

from __future__ import annotations

import secrets

from flask import Request, current_app, g, request

# Hosts of the online basemaps a page may offer (app.maps.ONLINE_BASEMAPS); images only.
BASEMAP_HOSTS = ("https://tile.openstreetmap.org", "https://*.tianditu.gov.cn",
                 "https://*.is.autonavi.com")


def csp_nonce() -> str:
    """This request's script nonce (made on first use)."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce: str, online_basemaps: bool) -> str:
    """The policy of every page: scripts from this site or with this request's nonce, and
    never 'unsafe-eval' (no library of the pages evaluates strings: the map's measure tool
    is Leaflet.PolylineMeasure, not leaflet-measure and its `new Function`)."""
    images = "'self' data: blob:" + ("".join(f" {h}" for h in BASEMAP_HOSTS)
                                     if online_basemaps else "")
    return "; ".join((
        "default-src 'self'",
        f"script-src 'self' 'nonce-{nonce}'",
        # Leaflet and Bootstrap position elements with style attributes.
        "style-src 'self' 'unsafe-inline'",
        f"img-src {images}",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ))


def _is_static() -> bool:
    return request.endpoint == "static"


def add_headers(response):
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if response.mimetype == "text/html":
        online = current_app.config.get("ONLINE_BASEMAPS", True)  # app.maps._basemap_config
        headers.setdefault("Content-Security-Policy",
                           content_security_policy(csp_nonce(), online))
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        # Served over HTTPS only (behind nginx): the browser must never try plain HTTP.
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    if not _is_static() and "Cache-Control" not in headers:
        # Pages and API answers depend on who asks: never kept by a shared cache or on disk.
        headers["Cache-Control"] = "no-store"
    return response


class LimitedRequest(Request):
    """A request whose body limit is its route's when the view names one
    (`view.body_limit = "<config key>"`, e.g. an import's upload), else MAX_CONTENT_LENGTH.
    Read as soon as anything parses the body (the CSRF check reads the form before the view
    runs), so the limit cannot be set inside the view."""

    @property
    def max_content_length(self) -> int | None:
        view = current_app.view_functions.get(self.endpoint or "")
        key = getattr(view, "body_limit", None)
        return current_app.config[key] if key else super().max_content_length


def init_app(app) -> None:
    """Headers on every response; each route's request body limit (LimitedRequest);
    behind a reverse proxy (PROXY_COUNT > 0, i.e. PARKATLAS_PROXIES=1 behind one nginx)
    trust that many X-Forwarded-For/-Proto/-Host hops, so the login throttle counts the
    client's address, not the proxy's, and url_for builds https links. Never set it when
    clients reach the app directly: they could then forge their address."""
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.request_class = LimitedRequest
    app.after_request(add_headers)
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies,
                                x_host=proxies)
