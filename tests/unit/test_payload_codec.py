"""Payload encryption (ops.codec, ops.converter; issue #18 item 5): what an SRE
rotating keys and an auditor reading Temporal's database expect — the
current key encrypts, older keys still decrypt, an altered payload is
refused rather than misread, histories from before encryption still read,
and no key ever shows in a log line or an error."""

from __future__ import annotations

import base64
import dataclasses
import os
import stat
from pathlib import Path

import pytest
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter

from models import PurchaseOrderInput
from ops.codec import (
    ENCRYPTED_ENCODING,
    KEY_FILE_NAME,
    KEY_ID_METADATA,
    EncryptionCodec,
    PayloadKeyError,
    ensure_key_file,
    new_key_entry,
    parse_keys,
    payload_codec,
)
from ops.converter import data_converter
from settings import Settings, load_settings
from tests.support.builders import po

SECRET_NOTE = "deliver to the back gate, code 4711"


def settings(tmp_path: Path, keys: str | None = None) -> Settings:
    return dataclasses.replace(load_settings(), home=tmp_path, payload_keys=keys)


def order_input() -> PurchaseOrderInput:
    return PurchaseOrderInput(po=po("PO-CODEC-1", note=SECRET_NOTE))


async def test_round_trip_gives_back_the_same_po_and_stores_only_ciphertext(tmp_path: Path) -> None:
    converter = data_converter(settings(tmp_path, new_key_entry("k1")))

    [payload] = await converter.encode([order_input()])

    assert payload.metadata["encoding"] == ENCRYPTED_ENCODING
    assert payload.metadata[KEY_ID_METADATA] == b"k1"
    assert SECRET_NOTE.encode() not in payload.SerializeToString()
    [back] = await converter.decode([payload], [PurchaseOrderInput])
    assert back == order_input()


async def test_the_same_value_encrypts_differently_each_time(tmp_path: Path) -> None:
    codec = EncryptionCodec(parse_keys(new_key_entry("k1")))
    plain = pydantic_data_converter.payload_converter.to_payloads([order_input()])
    first, second = await codec.encode(plain * 2)
    assert first.data != second.data  # a fresh nonce per payload


async def test_rotation_the_new_key_encrypts_and_the_old_one_still_decrypts() -> None:
    old, new = new_key_entry("2025-01"), new_key_entry("2026-01")
    before = EncryptionCodec(parse_keys(old))
    after = EncryptionCodec(parse_keys(f"{new},{old}"))
    plain = pydantic_data_converter.payload_converter.to_payloads([order_input()])

    [written_before] = await before.encode(plain)
    [written_after] = await after.encode(plain)

    assert written_after.metadata[KEY_ID_METADATA] == b"2026-01"
    assert await after.decode([written_before, written_after]) == plain * 2
    # Dropping the old key too early: its payloads are refused, naming the key.
    with pytest.raises(PayloadKeyError, match="'2025-01', which POFLOW_PAYLOAD_KEYS does not hold"):
        await EncryptionCodec(parse_keys(new)).decode([written_before])


async def test_a_tampered_payload_is_refused_not_misread() -> None:
    codec = EncryptionCodec(parse_keys(f"{new_key_entry('k1')},{new_key_entry('k2')}"))
    [payload] = await codec.encode(pydantic_data_converter.payload_converter.to_payloads([order_input()]))

    flipped = Payload()
    flipped.CopyFrom(payload)
    flipped.data = payload.data[:-1] + bytes([payload.data[-1] ^ 1])
    relabelled = Payload()
    relabelled.CopyFrom(payload)
    relabelled.metadata[KEY_ID_METADATA] = b"k2"  # the key id is authenticated too
    truncated = Payload()
    truncated.CopyFrom(payload)
    truncated.data = payload.data[:20]

    for bad in (flipped, relabelled):
        with pytest.raises(PayloadKeyError, match="failed authentication"):
            await codec.decode([bad])
    with pytest.raises(PayloadKeyError, match="truncated"):
        await codec.decode([truncated])


async def test_a_payload_recorded_before_encryption_decodes_as_it_is(tmp_path: Path) -> None:
    [plain] = await pydantic_data_converter.encode([order_input()])
    encrypting = data_converter(settings(tmp_path, new_key_entry("k1")))

    assert await encrypting.payload_codec.decode([plain]) == [plain]  # type: ignore[union-attr]
    assert await encrypting.decode([plain], [PurchaseOrderInput]) == [order_input()]


def test_without_keys_payloads_stay_plain_json(tmp_path: Path) -> None:
    # The default of tools and tests: nothing configured, no key file in POFLOW_HOME.
    assert data_converter(settings(tmp_path)) is pydantic_data_converter
    assert data_converter(None) is pydantic_data_converter


def test_the_key_file_of_a_local_stack_is_used_when_the_variable_is_unset(tmp_path: Path) -> None:
    keys = ensure_key_file(tmp_path)

    assert ensure_key_file(tmp_path) == keys  # made once, then read
    assert stat.S_IMODE(os.stat(tmp_path / KEY_FILE_NAME).st_mode) == 0o600
    codec = payload_codec(settings(tmp_path))
    assert codec is not None and codec.keyring.key_ids == ["local-1"]
    # The variable wins over the file (a deployment with its own keys).
    other = payload_codec(settings(tmp_path, new_key_entry("prod-1")))
    assert other is not None and other.keyring.key_ids == ["prod-1"]


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "holds no key"),
        ("k1", "entry 1 must be id:base64-key"),
        ("k 1:" + base64.b64encode(bytes(32)).decode(), "entry 1 must be id:base64-key"),
        ("k1:not*base64", "entry 1 (k1): the key is not valid base64"),
        ("k1:" + base64.b64encode(bytes(16)).decode(), "entry 1 (k1): the key must be 32 bytes, got 16"),
        ("k1:{k},k1:{k}", "names key id(s) k1 twice"),
    ],
)
def test_a_malformed_key_setting_says_which_entry_without_the_key(text: str, why: str) -> None:
    text = text.replace("{k}", base64.b64encode(b"s" * 32).decode())
    with pytest.raises(PayloadKeyError, match=why.replace("(", r"\(").replace(")", r"\)")) as raised:
        parse_keys(text)
    assert "c3Nz" not in str(raised.value) and "not*base64" not in str(raised.value)


def test_no_key_shows_in_a_repr(tmp_path: Path) -> None:
    entry = new_key_entry("k1")
    secret = entry.split(":", 1)[1]
    codec = EncryptionCodec(parse_keys(entry))
    for shown in (repr(settings(tmp_path, entry)), repr(codec), repr(codec.keyring)):
        assert secret not in shown
        assert repr(base64.b64decode(secret)) not in shown
    assert "k1" in repr(codec)
