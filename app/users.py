"""User accounts, roles, password hashing (argon2) and personal API tokens. Flask-free."""

from __future__ import annotations

import hashlib
import secrets

import psycopg
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from .db import queries, transaction
from .errors import BadRequest, Conflict, NotFound

ROLES = ("viewer", "planner", "admin")
MIN_PASSWORD_LENGTH = 10
_hasher = PasswordHasher()


def role_rank(role: str) -> int:
    """Position of a role in viewer < planner < admin."""
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
    """Set a user's password; return it (generated when none is given)."""
    password = password or generate_password()
    _check_password(password)
    with transaction(conn):
        if not queries().users.set_password(conn, username=username,
                                      password_hash=_hasher.hash(password)):
            raise NotFound(f"no user {username}")
    return password


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


def issue_token(conn: psycopg.Connection, username: str, label: str | None = None) -> str:
    """A new personal API token for a user; only its SHA-256 is stored."""
    user = queries().users.by_name(conn, username=username)
    if user is None:
        raise NotFound(f"no user {username}")
    token = "pa_" + secrets.token_urlsafe(32)
    with transaction(conn):
        queries().users.insert_token(conn,
                                     user_id=user["id"], token_sha256=_digest(token), label=label)
    return token


def by_token(conn: psycopg.Connection, token: str) -> dict | None:
    """The active user holding this API token, or None."""
    return queries().users.by_token(conn, token_sha256=_digest(token))
