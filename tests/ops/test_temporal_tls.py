"""Mutual TLS to Temporal (issue #18 item 6), without a Temporal server of its
own (the dev server has no TLS): deploy/make-certs.sh makes the CA and the
certificates docker-compose.yml mounts, and a TLS listener that, like the
Temporal frontend with TEMPORAL_TLS_REQUIRE_CLIENT_AUTH, accepts only clients
with a certificate that CA signed, records who completed the handshake. The
poflow client (ops.connection) presents its certificate and checks the
server's name; a client without one, or expecting another server, gets no
further than the handshake."""

from __future__ import annotations

import asyncio
import dataclasses
import ssl
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from ops.connection import TemporalTlsError, connect_temporal, tls_config
from tests.support.builders import settings_for

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tls") / "certs"
    subprocess.run(
        ["sh", str(ROOT / "deploy" / "make-certs.sh"), str(folder)], check=True, capture_output=True
    )
    return folder


@asynccontextmanager
async def frontend(certs: Path) -> AsyncIterator[tuple[int, list[str]]]:
    """A listener requiring a client certificate from the CA; yields its port
    and the common names of the clients whose handshake completed."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(certs / "ca.pem"))
    context.load_cert_chain(certs / "server.pem", certs / "server.key")
    context.verify_mode = ssl.CERT_REQUIRED
    context.set_alpn_protocols(["h2"])
    clients: list[str] = []

    async def accepted(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        subject = dict(pair[0] for pair in writer.get_extra_info("peercert")["subject"])
        clients.append(subject["commonName"])
        writer.close()

    server = await asyncio.start_server(accepted, "127.0.0.1", 0, ssl=context)
    async with server:
        yield server.sockets[0].getsockname()[1], clients


def with_tls(certs: Path, port: int, **changes: str | None):  # type: ignore[no-untyped-def]
    settings = dataclasses.replace(settings_for("sqlite://", "q"), temporal_address=f"127.0.0.1:{port}")
    tls = {
        "temporal_tls_ca": str(certs / "ca.pem"),
        "temporal_tls_cert": str(certs / "poflow.pem"),
        "temporal_tls_key": str(certs / "poflow.key"),
        "temporal_tls_server_name": "temporal",
    }
    return dataclasses.replace(settings, **{**tls, **changes})


async def try_to_connect(settings) -> None:  # type: ignore[no-untyped-def]
    # The listener is no gRPC server: the connection fails after the handshake.
    with pytest.raises(RuntimeError):
        await asyncio.wait_for(connect_temporal(settings), 20)


async def test_the_poflow_client_completes_the_mutual_handshake(certs: Path) -> None:
    async with frontend(certs) as (port, clients):
        await try_to_connect(with_tls(certs, port))
    assert clients == ["poflow"]


@pytest.mark.parametrize(
    "changes",
    [
        {"temporal_tls_cert": None, "temporal_tls_key": None},  # no client certificate
        {"temporal_tls_server_name": "someone-else"},  # the server's name is not the one expected
    ],
)
async def test_no_handshake_without_a_certificate_or_with_another_server(certs: Path, changes: dict) -> None:
    async with frontend(certs) as (port, clients):
        await try_to_connect(with_tls(certs, port, **changes))
    assert clients == []


def test_tls_settings_must_be_whole_and_readable(certs: Path, tmp_path: Path) -> None:
    assert tls_config(settings_for("sqlite://", "q")) is False  # the local dev server: plain
    with pytest.raises(TemporalTlsError, match="set both or neither"):
        tls_config(with_tls(certs, 1, temporal_tls_key=None))
    with pytest.raises(TemporalTlsError, match="TEMPORAL_TLS_CLIENT_KEY_PATH=.*missing.key"):
        tls_config(with_tls(certs, 1, temporal_tls_key=str(tmp_path / "missing.key")))


def test_the_certificates_chain_to_the_ca_with_the_right_uses(certs: Path) -> None:
    for name, use in (("server", "TLS Web Server"), ("poflow", "TLS Web Client"), ("ui", "TLS Web Client")):
        subprocess.run(
            ["openssl", "verify", "-CAfile", str(certs / "ca.pem"), str(certs / f"{name}.pem")],
            check=True,
            capture_output=True,
        )
        text = subprocess.run(
            ["openssl", "x509", "-in", str(certs / f"{name}.pem"), "-noout", "-text"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        assert f"{use} Authentication" in text
    assert (certs / "ca.key").stat().st_mode & 0o077 == 0  # the CA key is its owner's alone
