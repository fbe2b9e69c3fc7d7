"""Interface language: Chinese by default, English on request (?lang=en, kept in the session)."""

from __future__ import annotations

from flask import request, session
from flask_babel import Babel, get_locale

from .config import LANGUAGES


def select_locale() -> str:
    """The session's chosen language, else Chinese (whatever the browser prefers)."""
    lang = session.get("lang")
    return lang if lang in LANGUAGES else "zh"


def _remember_choice() -> None:
    lang = request.args.get("lang")
    if lang in LANGUAGES:
        session["lang"] = lang


def current_language() -> str:
    """'zh' or 'en' for the current request."""
    return str(get_locale() or "zh")[:2]


def init_app(app) -> None:
    Babel(app, locale_selector=select_locale)
    app.before_request(_remember_choice)
    app.jinja_env.globals.update(languages=LANGUAGES, current_language=current_language)
