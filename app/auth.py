"""Authentication and access rules: sessions (Flask-Login), Bearer tokens, roles, CSRF.

Every endpoint declares who may use it with @access(level); a request to an endpoint
without a rule is refused (fail closed), and tests walk the URL map to prove every route
has one. Levels: "public", "guest", "viewer", "planner", "admin" (each role may do what
the roles below it may). A guest (a guest account, or anyone while PUBLIC_READ is on) reads
the public map only; what each role sees of the data is decided by `request_role()` in the
domain (app.layers, app.requisition). A token travels as `Authorization: Bearer <token>`
or, for desktop GIS clients that cannot send a header of their own (QGIS 3.22, ArcGIS
Pro), as HTTP Basic with any user name and the token as the password (issue 14); a login
password is never accepted over Basic (it would sidestep the login throttle).
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from . import labels, users
from .db import set_actor
from .errors import Forbidden, Text, Unauthorized
from .labels import N_
from .web_db import get_db

LEVELS = ("public", "guest", "viewer", "planner", "admin")
PUBLIC_ENDPOINTS = frozenset({"static"})  # Flask's own endpoints, which cannot carry a rule
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

login_manager = LoginManager()
csrf = CSRFProtect()
bp = Blueprint("auth", __name__)


class User(UserMixin):
    """The logged-in user as Flask-Login sees it.

    `get_id()` is the secret id of the login session (kept in the signed cookie), not the
    user id: the server looks the session up on every request, so a session it has ended
    (logout, password change, user disabled) no longer logs anyone in.
    """

    def __init__(self, row: dict, sid: str | None = None):
        self.id = row["id"]
        self.sid = sid
        self.username = row["username"]
        self.display_name = row.get("display_name") or row["username"]
        self.role = row["role"]

    def get_id(self) -> str | None:
        return self.sid

    def can(self, level: str) -> bool:
        return level == "public" or users.role_rank(self.role) >= users.role_rank(level)


def access(level: str):
    """Declare who may call a view: public, guest, viewer, planner or admin."""
    if level not in LEVELS:
        raise ValueError(f"unknown access level {level!r}")

    def mark(view):
        view.access = level
        return view
    return mark


def access_level(app, endpoint: str) -> str | None:
    """The access level declared for an endpoint, or None when it has none."""
    if endpoint in PUBLIC_ENDPOINTS:
        return "public"
    return getattr(app.view_functions.get(endpoint), "access", None)


def session_policy() -> users.SessionPolicy:
    return users.SessionPolicy(hours=current_app.config["SESSION_HOURS"],
                               idle_minutes=current_app.config["SESSION_IDLE_MINUTES"])


@login_manager.user_loader
def _load_user(sid: str):
    row = users.by_session(get_db(name_actor=False), sid, session_policy()) if sid else None
    if row is None:
        return None
    g.db_actor = row["actor"]  # by_session made the user the connection's actor
    return User(row, sid)


def _bearer_token(req) -> str | None:
    """The token of an `Authorization: Bearer` header ("" when empty), else None."""
    header = req.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip()


def _basic_token(req) -> str | None:
    """The password of an `Authorization: Basic` header, which is the API token ("" when
    the header cannot be read), else None. The user name is ignored."""
    scheme, _sep, encoded = req.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        pair = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return ""
    return pair.partition(":")[2].strip()


def request_role() -> str | None:
    """The role the current request reads as: the user's, "guest" for an anonymous reader
    while PUBLIC_READ is on, else None."""
    if current_user.is_authenticated:
        return current_user.role
    return "guest" if current_app.config["PUBLIC_READ"] else None


def request_can(level: str) -> bool:
    """Whether the current request's role reaches a level."""
    role = request_role()
    return role is not None and users.role_rank(role) >= users.role_rank(level)


def _authenticate_token(token: str) -> None:
    """Make the token's owner the request's user; a bad token is a 401 even with a session.

    The user goes where Flask-Login keeps the request's user (g._login_user), so a token
    request neither reads nor creates a session.
    """
    row = users.by_token(get_db(name_actor=False), token) if token else None
    if row is None:
        raise Unauthorized(Text(N_("the API token is not valid")))
    g._login_user = User(row)
    g.db_actor = row["actor"]  # by_token made the user the connection's actor


def _enforce():
    """Check the access rule of the requested endpoint (runs before every request)."""
    if request.endpoint is None:
        return  # no route: the 404 handler answers
    level = access_level(current_app, request.endpoint)
    if level is None:
        current_app.logger.error("endpoint %s has no access rule", request.endpoint)
        raise Forbidden("this address has no access rule")
    token = _bearer_token(request)
    if token is None and level != "public":
        token = _basic_token(request)
    if token is not None:
        _authenticate_token(token)
    elif request.method not in SAFE_METHODS:
        csrf.protect()  # cookies are sent by any site; a token is not
    user = current_user if current_user.is_authenticated else None
    g.actor = user.username if user else "anonymous"
    if "db" in g and g.get("db_actor") != g.actor:  # not set again: a round trip less
        set_actor(g.db, g.actor)
        g.db_actor = g.actor
    if level == "public":
        return
    if user is None:
        if (current_app.config["PUBLIC_READ"] and level == "guest"
                and request.method in SAFE_METHODS):
            return
        raise Unauthorized(_("Please log in."))
    if not user.can(level):
        raise Forbidden(_("Your role (%(role)s) may not do this; it needs %(level)s.",
                          role=_(labels.ROLES[user.role]), level=_(labels.ROLES[level])))


def init_app(app) -> None:
    login_manager.init_app(app)
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    app.before_request(_enforce)
    app.jinja_env.globals["request_can"] = request_can
    app.register_blueprint(bp)


class LoginForm(FlaskForm):
    username = StringField("username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("password", validators=[DataRequired(), Length(max=256)])


def _safe_next(target: str | None) -> str:
    """Only redirect to a path on this site after login."""
    parts = urlsplit(target or "")
    if target and not parts.scheme and not parts.netloc and target.startswith("/") \
            and not target.startswith("//"):
        return target
    return url_for("web.index")


def _throttle() -> users.Throttle:
    config = current_app.config
    return users.Throttle(account=config["LOGIN_MAX_FAILURES"],
                          address=config["LOGIN_ADDRESS_MAX_FAILURES"],
                          window_minutes=config["LOGIN_WINDOW_MINUTES"])


def _fresh_session() -> None:
    """Empty the session at login and logout, keeping only the chosen language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


def _address() -> str:
    return request.remote_addr or ""


@bp.route("/login", methods=["GET", "POST"])
@access("public")
def login():
    form = LoginForm()
    error, headers = None, {}
    if form.validate_on_submit():
        conn, name = get_db(), form.username.data
        wait = users.refused_for(conn, name, _address(), _throttle())
        row = None if wait else users.authenticate(conn, name, form.password.data)
        if row:
            _fresh_session()
            sid = users.start_session(conn, row, session_policy(), _address(),
                                      request.user_agent.string or "")
            login_user(User(row, sid))
            return redirect(_safe_next(request.args.get("next")))
        if wait:
            error = _("Too many failed logins. Try again in %(minutes)s minutes.",
                      minutes=-(-wait // 60))
            status, headers = 429, {"Retry-After": str(wait)}
        else:
            users.record_failure(conn, name, _address())
            error = _("Wrong user name or password.")
            status = 401
    elif request.method == "POST":
        error = _("Enter your user name and password.")
        status = 400
    else:
        status = 200
    return render_template("login.html", form=form, error=error), status, headers


@bp.route("/logout", methods=["POST"])
@access("public")
def logout():
    if current_user.is_authenticated and current_user.sid:
        users.end_session(get_db(), current_user.sid, _address())
    logout_user()
    _fresh_session()
    flash(_("You have logged out."))
    return redirect(url_for("auth.login"))
