"""JSON responses of the web app."""

from __future__ import annotations

from datetime import date

from flask.json.provider import DefaultJSONProvider


class JSONProvider(DefaultJSONProvider):
    """JSON with ISO 8601 dates (Flask's default writes RFC 1123 for dates)."""

    @staticmethod
    def default(o):
        if isinstance(o, date):
            return o.isoformat()
        return DefaultJSONProvider.default(o)
