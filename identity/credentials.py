"""Credentials: passwords of people and API tokens of systems and the CLI.

Passwords are hashed with Argon2id (argon2-cffi, RFC 9106 parameters as the
library's defaults), never stored or logged in clear. A hash made with older
parameters is upgraded on the next successful sign-in (`needs_rehash`).

An API token is `pft_<token id>_<secret>`: the id finds the row, the secret is
256 random bits of which only a SHA-256 is stored. A slow hash adds nothing
for a secret that long (OWASP: slow hashes are for guessable secrets) and
would make every API call pay for it; the comparison is constant-time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "IssuedToken",
    "hash_password",
    "hash_token_secret",
    "issue_token",
    "password_needs_rehash",
    "split_token",
    "token_secret_matches",
    "verify_password",
]

MIN_PASSWORD_LENGTH = 12  # NIST SP 800-63B allows 8; poflow guards payments.
TOKEN_PREFIX = "pft"
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def password_needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


@dataclass(frozen=True)
class IssuedToken:
    """A new token: `secret_hash` is stored, `token` is shown once and never again."""

    token_id: str
    token: str
    secret_hash: str


def issue_token() -> IssuedToken:
    token_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    return IssuedToken(token_id, f"{TOKEN_PREFIX}_{token_id}_{secret}", hash_token_secret(secret))


def hash_token_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def split_token(token: str) -> tuple[str, str] | None:
    """(token id, secret) of a well-formed token, else None."""
    prefix, _, rest = token.strip().partition("_")
    token_id, _, secret = rest.partition("_")
    if prefix != TOKEN_PREFIX or not token_id or not secret:
        return None
    return token_id, secret


def token_secret_matches(stored_hash: str, secret: str) -> bool:
    return hmac.compare_digest(stored_hash, hash_token_secret(secret))
