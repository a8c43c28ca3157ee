"""Principals and API tokens in the database (identity.* holds the rules).

Writes are keyed by the principal id (the normalised login) and the token id,
with the primary keys behind them: two people cannot end up with one login
spelled two ways, because only the normalised spelling is ever stored.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Column, RowMapping, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from activities.db import schema as t
from identity.credentials import (
    IssuedToken,
    hash_password,
    issue_token,
    password_needs_rehash,
    split_token,
    token_secret_matches,
    verify_password,
)
from identity.names import normalize_login
from identity.principal import Caller, Principal
from identity.roles import Kind, Role, Scope

__all__ = [
    "AuthenticationFailed",
    "PrincipalExists",
    "TokenRow",
    "add_principal",
    "authenticate_password",
    "authenticate_token",
    "create_token",
    "disable_principal",
    "get_principal",
    "list_principals",
    "list_tokens",
    "revoke_token",
    "set_password",
]

# last_used_at is a hint for admins, not an audit trail: written at most this
# often per token, so reads do not turn into a write per request.
LAST_USED_RESOLUTION = timedelta(minutes=5)
MAX_TOKEN_LIFETIME = timedelta(days=366)


class PrincipalExists(ValueError):
    """The login (after normalisation) is taken."""


class AuthenticationFailed(Exception):
    """A credential that does not authenticate; the message says which part failed."""


@dataclass(frozen=True)
class TokenRow:
    token_id: str
    principal_id: str
    scope: Scope
    label: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


def add_principal(
    engine: Engine,
    login: str,
    *,
    kind: Kind,
    display_name: str,
    roles: Iterable[Role] = (),
    now: datetime,
    password: str | None = None,
    email: str | None = None,
    created_by: str | None = None,
) -> Principal:
    principal_id = normalize_login(login)
    role_set = frozenset(Role(role) for role in roles)
    if kind == Kind.SERVICE and (role_set or password):
        raise ValueError(
            "a service account has no roles and no password: its token's scope says what it may do"
        )
    shown = display_name.strip() or principal_id
    row = {
        "principal_id": principal_id,
        "kind": kind.value,
        "display_name": shown,
        "email": email,
        "roles": sorted(role.value for role in role_set),
        "password_hash": hash_password(password) if password else None,
        "created_at": now,
        "created_by": created_by,
    }
    try:
        with engine.begin() as connection:
            connection.execute(t.principals.insert().values(row))
    except IntegrityError as exc:
        raise PrincipalExists(f"login {principal_id!r} is taken (logins compare after normalising)") from exc
    return Principal(principal_id, kind, shown, role_set, email)


def _principal(row: RowMapping) -> Principal:
    return Principal(
        principal_id=row["principal_id"],
        kind=Kind(row["kind"]),
        display_name=row["display_name"],
        roles=frozenset(Role(role) for role in row["roles"]),
        email=row["email"],
        disabled=row["disabled_at"] is not None,
        approval_limits={
            currency: Decimal(amount) for currency, amount in (row["approval_limits"] or {}).items()
        },
    )


def get_principal(engine: Engine, principal_id: str) -> Principal | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(t.principals).where(t.principals.c.principal_id == principal_id)
        ).first()
    return _principal(row._mapping) if row else None


def list_principals(engine: Engine) -> list[Principal]:
    with engine.connect() as connection:
        rows = connection.execute(select(t.principals).order_by(t.principals.c.principal_id)).mappings()
        return [_principal(row) for row in rows]


def disable_principal(engine: Engine, principal_id: str, *, now: datetime) -> bool:
    """Disable sign-in and every token at once; False when there is no such principal."""
    return _stamp_once(engine, t.principals.c.principal_id, principal_id, t.principals.c.disabled_at, now)


def _stamp_once(engine: Engine, key: Column[str], value: str, stamp: Column[datetime], now: datetime) -> bool:
    """Set `stamp` on the row `key == value` unless it is set (the first time
    stands: disabling or revoking twice changes nothing); False when no such row."""
    with engine.begin() as connection:
        connection.execute(update(key.table).where(key == value, stamp.is_(None)).values({stamp.name: now}))
        return connection.execute(select(key).where(key == value)).first() is not None


def set_password(engine: Engine, principal_id: str, password: str) -> None:
    with engine.begin() as connection:
        connection.execute(
            update(t.principals)
            .where(t.principals.c.principal_id == principal_id)
            .values(password_hash=hash_password(password))
        )


def authenticate_password(engine: Engine, login: str, password: str) -> Principal:
    """The person a login and password belong to, or AuthenticationFailed (one
    message for every failure: a sign-in form must not say which logins exist)."""
    failed = AuthenticationFailed("wrong login or password")
    try:
        principal_id = normalize_login(login)
    except ValueError as exc:
        raise failed from exc
    with engine.connect() as connection:
        row = connection.execute(
            select(t.principals).where(t.principals.c.principal_id == principal_id)
        ).first()
    if row is None or row.password_hash is None or row.disabled_at is not None:
        raise failed
    if not verify_password(row.password_hash, password):
        raise failed
    if password_needs_rehash(row.password_hash):
        set_password(engine, principal_id, password)
    return _principal(row._mapping)


def create_token(
    engine: Engine, principal_id: str, *, scope: Scope, label: str, expires_at: datetime, now: datetime
) -> IssuedToken:
    principal = get_principal(engine, principal_id)
    if principal is None:
        raise LookupError(f"no principal {principal_id!r}")
    if principal.disabled:
        raise ValueError(f"{principal_id} is disabled")
    if (principal.kind == Kind.PERSON) != (scope == Scope.PERSON):
        raise ValueError(
            "a person's token has the scope 'person' (their roles); a service account's is "
            "'documents' or 'documents+pos'"
        )
    if not now < expires_at <= now + MAX_TOKEN_LIFETIME:
        raise ValueError(f"a token expires in the future, within {MAX_TOKEN_LIFETIME.days} days")
    issued = issue_token()
    with engine.begin() as connection:
        connection.execute(
            t.api_tokens.insert().values(
                token_id=issued.token_id,
                principal_id=principal_id,
                scope=scope.value,
                secret_hash=issued.secret_hash,
                label=label.strip() or scope.value,
                created_at=now,
                expires_at=expires_at,
            )
        )
    return issued


def revoke_token(engine: Engine, token_id: str, *, now: datetime) -> bool:
    """Revoke a token; False when there is no such token (revoking twice is fine)."""
    return _stamp_once(engine, t.api_tokens.c.token_id, token_id, t.api_tokens.c.revoked_at, now)


def list_tokens(engine: Engine, principal_id: str | None = None) -> list[TokenRow]:
    query = select(t.api_tokens).order_by(t.api_tokens.c.created_at, t.api_tokens.c.token_id)
    if principal_id is not None:
        query = query.where(t.api_tokens.c.principal_id == principal_id)
    with engine.connect() as connection:
        return [
            TokenRow(
                token_id=row["token_id"],
                principal_id=row["principal_id"],
                scope=Scope(row["scope"]),
                label=row["label"],
                created_at=row["created_at"],
                expires_at=row["expires_at"],
                revoked_at=row["revoked_at"],
                last_used_at=row["last_used_at"],
            )
            for row in connection.execute(query).mappings()
        ]


def authenticate_token(engine: Engine, token: str, *, now: datetime) -> Caller:
    """The caller a bearer token stands for, or AuthenticationFailed saying why."""
    parts = split_token(token)
    if parts is None:
        raise AuthenticationFailed("not a poflow API token (expected pft_<id>_<secret>)")
    token_id, secret = parts
    query = select(t.api_tokens, t.principals).join(
        t.principals, t.principals.c.principal_id == t.api_tokens.c.principal_id
    )
    with engine.connect() as connection:
        row = connection.execute(query.where(t.api_tokens.c.token_id == token_id)).mappings().first()
    if row is None or not token_secret_matches(row["secret_hash"], secret):
        raise AuthenticationFailed("unknown token")
    if row["revoked_at"] is not None:
        raise AuthenticationFailed(f"token {token_id} was revoked")
    if row["expires_at"] <= now:
        raise AuthenticationFailed(f"token {token_id} expired at {row['expires_at'].isoformat()}")
    if row["disabled_at"] is not None:
        raise AuthenticationFailed(f"{row['principal_id']} is disabled")
    _note_use(engine, token_id, row["last_used_at"], now)
    return Caller(_principal(row), Scope(row["scope"]), via=f"token {token_id}")


def _note_use(engine: Engine, token_id: str, last_used_at: datetime | None, now: datetime) -> None:
    if last_used_at is not None and now - last_used_at < LAST_USED_RESOLUTION:
        return
    with engine.begin() as connection:
        connection.execute(
            update(t.api_tokens).where(t.api_tokens.c.token_id == token_id).values(last_used_at=now)
        )
