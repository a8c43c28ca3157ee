"""The codec server the Temporal UI decodes with (starter.api.codec) and how the
local stack wires encryption up (issue #18 item 5). Expectations come from
Temporal's remote codec protocol (proto3 JSON payloads, `/decode` and
`/encode` under the configured endpoint, X-Namespace) and from who should see
a PO in clear: a poflow person who may read, from the UI's origin only."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import stat
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload
from temporalio.contrib.pydantic import pydantic_data_converter

from ops.codec import KEY_FILE_NAME, EncryptionCodec, new_key_entry, parse_keys
from starter import stack_config as config
from starter import stack_temporal as temporal
from tests.support.identity import PASSWORD, bearer

UI = "http://ui.test"  # the service fixture's TEMPORAL_UI_URL
SECRET = "PO note: back gate code 4711"


@pytest.fixture
def keys(service: Any) -> str:
    entry = new_key_entry("k1")
    service.settings = dataclasses.replace(service.settings, payload_keys=entry)
    return entry


def encrypted(keys: str, value: Any = SECRET) -> Payload:
    codec = EncryptionCodec(parse_keys(keys))
    [plain] = pydantic_data_converter.payload_converter.to_payloads([value])
    [sealed] = asyncio.run(codec.encode([plain]))
    return sealed


def wire(*payloads: Payload) -> dict[str, Any]:
    return {"payloads": [json_format.MessageToDict(p) for p in payloads]}


def values(answer: dict[str, Any]) -> list[Any]:
    payloads = [json_format.ParseDict(p, Payload()) for p in answer["payloads"]]
    return pydantic_data_converter.payload_converter.from_payloads(payloads)


def test_decode_gives_the_ui_the_plaintext_and_leaves_plain_payloads_alone(
    api: TestClient, keys: str
) -> None:
    [old] = pydantic_data_converter.payload_converter.to_payloads(["recorded before encryption"])

    answer = api.post("/codec/decode", json=wire(encrypted(keys), old), headers={"X-Namespace": "default"})

    assert answer.status_code == 200, answer.text
    assert values(answer.json()) == [SECRET, "recorded before encryption"]
    assert answer.headers["cache-control"] == "no-store"


def test_encode_encrypts_with_the_current_key(api: TestClient, keys: str) -> None:
    [plain] = pydantic_data_converter.payload_converter.to_payloads([SECRET])

    answer = api.post("/codec/encode", json=wire(plain))

    assert answer.status_code == 200, answer.text
    [sealed] = [json_format.ParseDict(p, Payload()) for p in answer.json()["payloads"]]
    assert sealed.metadata["encoding"] == b"binary/encrypted" and SECRET.encode() not in sealed.data
    assert asyncio.run(EncryptionCodec(parse_keys(keys)).decode([sealed])) == [plain]


def test_a_payload_under_a_key_poflow_does_not_hold_is_a_422_naming_the_key(
    api: TestClient, keys: str
) -> None:
    answer = api.post("/codec/decode", json=wire(encrypted(new_key_entry("elsewhere"))))
    assert answer.status_code == 422 and "'elsewhere'" in answer.json()["detail"]
    assert keys.split(":", 1)[1] not in answer.text


def test_only_the_ui_origin_may_read_the_answer_with_credentials(api: TestClient, keys: str) -> None:
    preflight = api.options(
        "/codec/decode",
        headers={
            "Origin": UI,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,x-namespace",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == UI
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert {"content-type", "x-namespace"} <= {
        h.strip() for h in preflight.headers["access-control-allow-headers"].split(",")
    }

    ui = api.post("/codec/decode", json=wire(encrypted(keys)), headers={"Origin": UI})
    assert ui.headers["access-control-allow-origin"] == UI
    other = api.post("/codec/decode", json=wire(encrypted(keys)), headers={"Origin": "https://evil.test"})
    assert "access-control-allow-origin" not in other.headers
    assert (
        "access-control-allow-origin"
        not in api.options(
            "/codec/decode", headers={"Origin": "https://evil.test", "Access-Control-Request-Method": "POST"}
        ).headers
    )


def test_the_ui_signed_in_to_poflow_decodes_with_its_session_cookie_and_no_csrf_header(
    api: TestClient, keys: str
) -> None:
    browser = TestClient(api.app)  # cookies only, as the UI's fetch with credentials: include
    refused = browser.post("/codec/decode", json=wire(encrypted(keys)), headers={"Origin": UI})
    assert refused.status_code == 401 and "include credentials" in refused.json()["detail"]
    assert refused.headers["access-control-allow-origin"] == UI  # so the UI can tell why

    assert browser.post("/api/v1/session", json={"login": "alice.approver", "password": PASSWORD}).is_success
    answer = browser.post("/codec/decode", json=wire(encrypted(keys)), headers={"Origin": UI})

    assert answer.status_code == 200 and values(answer.json()) == [SECRET]


@pytest.mark.parametrize(
    ("who", "status", "why"),
    [
        ("edi-gateway", 403, "only people may decode"),  # a supplier system's token
        ("erp", 403, "only people may decode"),
        ("wally.warehouse", 200, ""),  # any person who may read POs in poflow
    ],
)
def test_people_who_may_read_decode_and_systems_may_not(
    api: TestClient, keys: str, tokens: dict[str, str], who: str, status: int, why: str
) -> None:
    answer = api.post("/codec/decode", json=wire(encrypted(keys)), headers=bearer(tokens[who]))
    assert answer.status_code == status and why in answer.text


def test_a_temporal_ui_access_token_is_not_a_poflow_credential(api: TestClient, keys: str) -> None:
    answer = api.post(
        "/codec/decode", json=wire(encrypted(keys)), headers={"Authorization": "Bearer eyJ.ui.token"}
    )
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == 'Bearer realm="poflow"'


def test_another_namespace_and_a_malformed_body_are_422s(api: TestClient, keys: str) -> None:
    other = api.post("/codec/decode", json=wire(encrypted(keys)), headers={"X-Namespace": "payments"})
    assert other.status_code == 422 and "namespace 'default', not 'payments'" in other.json()["detail"]
    assert api.post("/codec/decode", content=b"[1, 2]").status_code == 422
    assert api.post("/codec/decode", json={"payloads": [{"data": 5}]}).status_code == 422


def test_without_keys_the_codec_passes_payloads_through(api: TestClient) -> None:
    [plain] = pydantic_data_converter.payload_converter.to_payloads([SECRET])
    for action in ("decode", "encode"):
        answer = api.post(f"/codec/{action}", json=wire(plain))
        assert answer.status_code == 200 and values(answer.json()) == [SECRET]


# --------------------------------------------------------------------------- the local stack


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("POFLOW_HOME", str(tmp_path / "home"))
    for name in ("TEMPORAL_ADDRESS", "POFLOW_UI_PORT", "POFLOW_API_PORT", "TEMPORAL_UI_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("POFLOW_PAYLOAD_KEYS", raising=False)
    return tmp_path / "home"


def test_up_makes_one_key_file_and_hands_it_to_the_worker_and_the_api(home: Path) -> None:
    cfg = config.stack_config()

    first = config.child_env(cfg, base={"PATH": "/bin"})
    again = config.child_env(cfg, base={"PATH": "/bin"})

    key_file = home.resolve() / KEY_FILE_NAME
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert first["POFLOW_PAYLOAD_KEYS"] == again["POFLOW_PAYLOAD_KEYS"] == key_file.read_text().strip()
    assert parse_keys(first["POFLOW_PAYLOAD_KEYS"]).key_ids == ["local-1"]


def test_configured_keys_are_passed_on_and_no_file_is_made(home: Path) -> None:
    entry = new_key_entry("prod-7")
    env = config.child_env(config.stack_config(), base={"PATH": "/bin", "POFLOW_PAYLOAD_KEYS": entry})
    assert env["POFLOW_PAYLOAD_KEYS"] == entry
    assert not (home / KEY_FILE_NAME).exists()


def test_the_dev_server_ui_decodes_through_the_api(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POFLOW_API_PORT", "18000")
    argv = temporal.dev_server_command(config.stack_config(), Path("temporal"), [])
    # The UI appends /decode and /encode to the endpoint it is given.
    assert argv[argv.index("--ui-codec-endpoint") + 1] == "http://127.0.0.1:18000/codec"
