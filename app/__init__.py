"""ParkAtlas (园区一张图): the web GIS an industrial-park management committee plans on."""

from __future__ import annotations


def create_app(config: dict | None = None):
    """Build the Flask app: configuration, extensions and blueprints. Does no I/O.

    Flask is imported here, not at the top, so that `import app.plots` (and every other
    domain module) works without it.
    """
    from flask import Flask

    from . import api, auth, i18n, security, web, web_db, web_errors, web_navigation
    from . import config as settings
    from .basemap import web as basemap_web
    from .dashboard import web as dashboard_web
    from .evaluation import web as evaluation_web
    from .jobs import web as jobs_web
    from .tiles import web as tiles_web
    from .web_json import JSONProvider

    app = Flask(__name__, static_folder="static",
                template_folder=str(settings.ROOT / "templates"))
    app.json = JSONProvider(app)
    app.config.update(settings.from_env())
    app.config.update(config or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.secret_key()

    web_db.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    web_navigation.init_app(app)
    web.init_app(app)
    web_errors.init_app(app)
    security.init_app(app)
    jobs_web.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(tiles_web.bp)
    app.register_blueprint(basemap_web.bp)
    app.register_blueprint(dashboard_web.bp)
    app.register_blueprint(evaluation_web.bp)
    return app
