"""User accounts, roles, password hashing (argon2), login sessions, personal API tokens and
the login throttle. Flask-free.

A session or token is a random secret handed to the client; only its SHA-256 is stored, so
the database never holds anything that logs in. Sessions and tokens end on the server:
logging out ends one session; a password change ends every session and revokes every token
of the user; disabling a user does both as well.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .db import queries, transaction
from .errors import BadRequest, Conflict, NotFound

ROLES = ("guest", "viewer", "planner", "admin")
MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()


def role_rank(role: str) -> int:
    """Position of a role in guest < viewer < planner < admin."""
    return ROLES.index(role)


def generate_password() -> str:
    """A random password of 16 URL-safe characters."""
    return secrets.token_urlsafe(12)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise BadRequest(f"password must have at least {MIN_PASSWORD_LENGTH} characters")


def add(conn: psycopg.Connection, username: str, role: str, password: str | None = None,
        display_name: str | None = None) -> tuple[dict, str]:
    """Create a user; return it and its password (generated when none is given)."""
    if role not in ROLES:
        raise BadRequest(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    password = password or generate_password()
    _check_password(password)
    with transaction(conn):
        if queries().users.by_name(conn, username=username):
            raise Conflict(f"user {username} already exists")
        user = queries().users.insert(conn, username=username, role=role,
                                      display_name=display_name,
                                      password_hash=_hasher.hash(password))
    return user, password


def set_password(conn: psycopg.Connection, username: str, password: str | None = None) -> str:
    """Set a user's password; return it (generated when none is given).

    Every session of the user ends and every token is revoked: whoever held the old
    password may hold those too.
    """
    password = password or generate_password()
    _check_password(password)
    with transaction(conn):
        user_id = queries().users.set_password(conn, username=username,
                                               password_hash=_hasher.hash(password))
        if not user_id:
            raise NotFound(f"no user {username}")
        _end_everything(conn, user_id, username, "password")
    return password


def set_active(conn: psycopg.Connection, username: str, active: bool) -> None:
    """Enable or disable a user; disabling ends their sessions and revokes their tokens."""
    with transaction(conn):
        user_id = queries().users.set_active(conn, username=username, active=active)
        if not user_id:
            raise NotFound(f"no user {username}")
        if not active:
            _end_everything(conn, user_id, username, "disabled")


def _end_everything(conn: psycopg.Connection, user_id: int, username: str, why: str) -> None:
    sessions = queries().users.end_user_sessions(conn, user_id=user_id, why=why)
    tokens = queries().users.revoke_user_tokens(conn, user_id=user_id)
    queries().users.insert_auth_event(conn, event="sessions_ended", username=username,
                                      address="",
                                      detail=f"{why}: {sessions} sessions, {tokens} tokens")


def list_users(conn: psycopg.Connection) -> list[dict]:
    """Every user with role, state and token count."""
    return list(queries().users.list(conn))


def by_id(conn: psycopg.Connection, user_id: int) -> dict | None:
    """An active user by id, or None."""
    return queries().users.by_id(conn, id=user_id)


def authenticate(conn: psycopg.Connection, username: str, password: str) -> dict | None:
    """The active user with this name and password, or None."""
    user = queries().users.by_name(conn, username=username)
    if user is None or not user["active"]:
        _hasher.hash(password)  # spend the same time whether or not the name exists
        return None
    try:
        _hasher.verify(user["password_hash"], password)
    except (VerificationError, InvalidHashError):
        return None
    if _hasher.check_needs_rehash(user["password_hash"]):
        queries().users.set_password(conn, username=username, password_hash=_hasher.hash(password))
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


TOKEN_DAYS = 90          # default lifetime of a personal API token
MAX_TOKEN_DAYS = 366


def _user(conn: psycopg.Connection, username: str) -> dict:
    user = queries().users.by_name(conn, username=username)
    if user is None:
        raise NotFound(f"no user {username}")
    return user


def issue_token(conn: psycopg.Connection, username: str, label: str | None = None,
                days: int = TOKEN_DAYS) -> str:
    """A new personal API token for a user, valid for `days`; only its SHA-256 is stored."""
    if not 1 <= days <= MAX_TOKEN_DAYS:
        raise BadRequest(f"a token lives 1 to {MAX_TOKEN_DAYS} days, not {days}")
    user = _user(conn, username)
    token = "pa_" + secrets.token_urlsafe(32)
    with transaction(conn):
        queries().users.insert_token(conn, user_id=user["id"], token_sha256=_digest(token),
                                     label=label, expires_at=_now() + timedelta(days=days))
    return token


def list_tokens(conn: psycopg.Connection, username: str) -> list[dict]:
    """A user's tokens (never the secret), newest first, with state active/expired/revoked."""
    return list(queries().users.list_tokens(conn, user_id=_user(conn, username)["id"]))


def revoke_token(conn: psycopg.Connection, username: str, token_id: int | None = None) -> int:
    """Revoke one token of a user (by id) or, with no id, all of them; return how many."""
    user = _user(conn, username)
    with transaction(conn):
        if token_id is None:
            count = queries().users.revoke_user_tokens(conn, user_id=user["id"])
        else:
            count = 1 if queries().users.revoke_token(conn, user_id=user["id"], id=token_id) else 0
            if not count:
                raise NotFound(f"{username} has no active token {token_id}")
        queries().users.insert_auth_event(conn, event="token_revoked", username=username,
                                          address="",
                                          detail="all" if token_id is None else str(token_id))
    return count


def by_token(conn: psycopg.Connection, token: str) -> dict | None:
    """The active user holding this unexpired, unrevoked API token, or None; the user
    found is the connection's actor from now on (the audit's, as db.set_actor)."""
    user = queries().users.by_token(conn, token_sha256=_digest(token))
    if user is not None and user["touch"]:  # at most once a minute: one round trip less
        queries().users.touch_token(conn, id=user["token_id"])
    return user


# --- sessions -------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionPolicy:
    """How long a login lasts: `hours` at most, and ends after `idle_minutes` unused."""

    hours: float = 12
    idle_minutes: float = 120


def _now() -> datetime:
    return datetime.now(UTC)


def start_session(conn: psycopg.Connection, user: dict, policy: SessionPolicy,
                  address: str = "", user_agent: str = "") -> str:
    """Open a session for a user who just logged in; return its secret id for the cookie."""
    sid = secrets.token_urlsafe(32)
    with transaction(conn):
        queries().users.insert_session(conn, user_id=user["id"], sid_sha256=_digest(sid),
                                       expires_at=_now() + timedelta(hours=policy.hours),
                                       address=address, user_agent=user_agent[:200])
        queries().users.insert_auth_event(conn, event="login", username=user["username"],
                                          address=address, detail=None)
    return sid


def by_session(conn: psycopg.Connection, sid: str, policy: SessionPolicy) -> dict | None:
    """The user of an open, unexpired, recently used session, or None."""
    user = queries().users.by_session(conn, sid_sha256=_digest(sid),
                                      idle_seconds=policy.idle_minutes * 60)
    if user is not None and _now() - user["last_seen_at"] > timedelta(minutes=1):
        queries().users.touch_session(conn, id=user["session_id"])
    return user


def end_session(conn: psycopg.Connection, sid: str, address: str = "") -> None:
    """Log out: end this session on the server (a copy of the cookie is then worthless)."""
    with transaction(conn):
        username = queries().users.end_session(conn, sid_sha256=_digest(sid), why="logout")
        if username:
            queries().users.insert_auth_event(conn, event="logout", username=username,
                                              address=address, detail=None)


# --- login throttle -------------------------------------------------------------------

@dataclass(frozen=True)
class Throttle:
    """Failed logins allowed per account and per address within `window_minutes`."""

    account: int = 5
    address: int = 20
    window_minutes: float = 15


def refused_for(conn: psycopg.Connection, username: str, address: str,
                throttle: Throttle) -> int | None:
    """Seconds to wait when this account or address has failed too often, else None.

    Counted in the database, so every worker process sees the same failures. An account's
    count starts again after a successful login.
    """
    row = queries().users.login_failures(conn, username=username, address=address,
                                         window_seconds=throttle.window_minutes * 60)
    waits = []
    if row["account_failures"] >= throttle.account:
        waits.append(row["account_retry_seconds"])
    if row["address_failures"] >= throttle.address:
        waits.append(row["address_retry_seconds"])
    if not waits:
        return None
    queries().users.insert_auth_event(conn, event="login_throttled", username=username,
                                      address=address, detail=None)
    return max(1, int(max(waits)))


def record_failure(conn: psycopg.Connection, username: str, address: str) -> None:
    """Remember a failed login for the throttle (and the audit log)."""
    queries().users.insert_auth_event(conn, event="login_failed", username=username[:64],
                                      address=address, detail=None)
