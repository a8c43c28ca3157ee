"""Payload encryption (README "Payload encryption"): every payload poflow hands
Temporal — workflow inputs, activity arguments and results, signals, updates,
queries, memos — is AES-256-GCM ciphertext, so Temporal's database holds no
purchase order in the clear.

Keys come from POFLOW_PAYLOAD_KEYS, `id:base64-of-32-bytes[,id:…]`: the first
key encrypts, every key decrypts, so a key is rotated by putting a new one in
front and keeping the old one until no open history needs it. Each encrypted
payload names its key id in its metadata; AES-GCM authenticates the ciphertext
and the key id (associated data), so an altered payload fails instead of
decoding into something else.

A payload that is not `binary/encrypted` decodes as it is: histories recorded
before encryption was switched on still read and replay. Search attributes are
not payloads the codec sees (Temporal must index them): they stay readable.

Key material never reaches a log, a repr or an error message: errors name the
key id or the position of the entry only.
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from temporalio.api.common.v1 import Payload
from temporalio.converter import PayloadCodec

from settings import Settings

__all__ = [
    "ENCRYPTED_ENCODING",
    "KEY_FILE_NAME",
    "KEY_ID_METADATA",
    "EncryptionCodec",
    "Keyring",
    "PayloadKey",
    "PayloadKeyError",
    "ensure_key_file",
    "new_key_entry",
    "parse_keys",
    "payload_codec",
    "payload_keys",
]

ENCRYPTED_ENCODING = b"binary/encrypted"
KEY_ID_METADATA = "encryption-key-id"
KEY_FILE_NAME = "payload.keys"  # in POFLOW_HOME, made by `poflow up` (ensure_key_file)
KEY_BYTES = 32  # AES-256
_NONCE_BYTES = 12  # the size AES-GCM is specified for (NIST SP 800-38D)
_TAG_BYTES = 16
# Ids travel in payload metadata and in an environment variable next to ':' and ','.
_KEY_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


class PayloadKeyError(ValueError):
    """POFLOW_PAYLOAD_KEYS is malformed, or a payload cannot be decrypted with
    the keys held (unknown key id, altered ciphertext, wrong key)."""


@dataclass(frozen=True)
class PayloadKey:
    key_id: str
    secret: bytes = field(repr=False)


@dataclass(frozen=True)
class Keyring:
    """The keys of POFLOW_PAYLOAD_KEYS, in order: keys[0] encrypts."""

    keys: tuple[PayloadKey, ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise PayloadKeyError("POFLOW_PAYLOAD_KEYS holds no key")
        ids = [key.key_id for key in self.keys]
        duplicates = sorted({key_id for key_id in ids if ids.count(key_id) > 1})
        if duplicates:
            raise PayloadKeyError(f"POFLOW_PAYLOAD_KEYS names key id(s) {', '.join(duplicates)} twice")

    @property
    def encrypting(self) -> PayloadKey:
        return self.keys[0]

    @property
    def key_ids(self) -> list[str]:
        return [key.key_id for key in self.keys]

    def find(self, key_id: str) -> PayloadKey | None:
        return next((key for key in self.keys if key.key_id == key_id), None)


def parse_keys(text: str) -> Keyring:
    """`id:base64[,id:base64…]` → a Keyring (PayloadKeyError naming the entry)."""
    entries = [entry.strip() for entry in text.split(",") if entry.strip()]
    return Keyring(tuple(_parse_entry(n, entry) for n, entry in enumerate(entries, start=1)))


def _parse_entry(position: int, entry: str) -> PayloadKey:
    key_id, sep, encoded = entry.partition(":")
    key_id = key_id.strip()
    where = f"POFLOW_PAYLOAD_KEYS entry {position}"
    if not sep or not _KEY_ID.fullmatch(key_id):
        raise PayloadKeyError(
            f"{where} must be id:base64-key with an id of letters, digits, '.', '_' or '-' (1-64)"
        )
    try:
        secret = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise PayloadKeyError(f"{where} ({key_id}): the key is not valid base64") from None
    if len(secret) != KEY_BYTES:
        raise PayloadKeyError(f"{where} ({key_id}): the key must be {KEY_BYTES} bytes, got {len(secret)}")
    return PayloadKey(key_id, secret)


def new_key_entry(key_id: str) -> str:
    """A fresh `id:base64` entry with a random 256-bit key."""
    if not _KEY_ID.fullmatch(key_id):
        raise PayloadKeyError(f"not a valid key id: {key_id!r}")
    return f"{key_id}:{base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()}"


def ensure_key_file(home: Path) -> str:
    """POFLOW_PAYLOAD_KEYS for a local stack without one: home/payload.keys,
    made with one fresh key (mode 0600) on first use; its content afterwards.
    Losing the file loses every payload it encrypted: it is backed up with home."""
    path = Path(home) / KEY_FILE_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two starts at once cannot both write (and one overwrite the other's key).
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(new_key_entry("local-1") + "\n")
    text = path.read_text(encoding="utf-8").strip()
    parse_keys(text)  # a damaged file stops the start here, not in the worker
    return text


class EncryptionCodec(PayloadCodec):
    """AES-256-GCM over each whole serialized payload (its metadata included)."""

    def __init__(self, keyring: Keyring) -> None:
        super().__init__()
        self.keyring = keyring
        self._ciphers = {key.key_id: AESGCM(key.secret) for key in keyring.keys}

    def __repr__(self) -> str:
        return f"EncryptionCodec(key_ids={self.keyring.key_ids})"

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.encrypt(payload) for payload in payloads]

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return [self.decrypt(payload) for payload in payloads]

    def encrypt(self, payload: Payload) -> Payload:
        key_id = self.keyring.encrypting.key_id
        nonce = os.urandom(_NONCE_BYTES)
        sealed = self._ciphers[key_id].encrypt(nonce, payload.SerializeToString(), key_id.encode())
        return Payload(
            metadata={"encoding": ENCRYPTED_ENCODING, KEY_ID_METADATA: key_id.encode()},
            data=nonce + sealed,
        )

    def decrypt(self, payload: Payload) -> Payload:
        if payload.metadata.get("encoding") != ENCRYPTED_ENCODING:
            return payload  # recorded before encryption (or not ours): as it is
        key_id = payload.metadata.get(KEY_ID_METADATA, b"").decode("utf-8", "replace")
        cipher = self._ciphers.get(key_id)
        if cipher is None:
            raise PayloadKeyError(
                f"payload encrypted with key {key_id!r}, which POFLOW_PAYLOAD_KEYS does not hold "
                f"(it holds {', '.join(self.keyring.key_ids)})"
            )
        data = payload.data
        if len(data) < _NONCE_BYTES + _TAG_BYTES:
            raise PayloadKeyError(f"encrypted payload (key {key_id!r}) is truncated")
        try:
            plain = cipher.decrypt(data[:_NONCE_BYTES], data[_NONCE_BYTES:], key_id.encode())
        except InvalidTag:
            raise PayloadKeyError(
                f"encrypted payload (key {key_id!r}) failed authentication: altered, or another key "
                "under the same id"
            ) from None
        return Payload.FromString(plain)


def payload_keys(settings: Settings) -> str | None:
    """The keys this process uses: POFLOW_PAYLOAD_KEYS, else the key file a
    local stack keeps in POFLOW_HOME (so a CLI command beside `poflow up` reads
    what the worker wrote), else None. Never creates the file (`up` does)."""
    if settings.payload_keys and settings.payload_keys.strip():
        return settings.payload_keys
    key_file = Path(settings.home) / KEY_FILE_NAME
    if key_file.is_file():
        return key_file.read_text(encoding="utf-8").strip() or None
    return None


def payload_codec(settings: Settings) -> EncryptionCodec | None:
    """The codec of `settings`; None: no keys, payloads stay unencrypted."""
    keys = payload_keys(settings)
    return EncryptionCodec(parse_keys(keys)) if keys else None
