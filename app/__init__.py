"""ParkAtlas (园区一张图): the web GIS an industrial-park management committee plans on."""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.json.provider import DefaultJSONProvider


class JSONProvider(DefaultJSONProvider):
    """JSON with ISO 8601 dates (Flask's default writes RFC 1123 for dates)."""

    @staticmethod
    def default(o):
        if isinstance(o, date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)


def create_app(config: dict | None = None) -> Flask:
    """Build the Flask app: configuration, extensions and blueprints. Does no I/O."""
    from . import api, auth, db, i18n, web
    from . import config as settings

    app = Flask(__name__, static_folder="static",
                template_folder=str(settings.ROOT / "templates"))
    app.json = JSONProvider(app)
    app.config.update(settings.from_env())
    app.config.update(config or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.secret_key()

    db.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    web.init_app(app)
    app.register_blueprint(api.bp)
    return app
