"""How poflow's processes reach Temporal (issue #18 item 6): the address and
namespace, poflow's data converter (ops.converter) and, in production,
mutual TLS — the server accepts only clients with a certificate its CA
signed, so only the workers and the API (and the operators' tools given a
certificate) can signal a PO workflow. The settings are Temporal's own client
variables (TEMPORAL_TLS_SERVER_CA_CERT_PATH, TEMPORAL_TLS_CLIENT_CERT_PATH,
TEMPORAL_TLS_CLIENT_KEY_PATH, TEMPORAL_TLS_SERVER_NAME), so the `temporal`
CLI reads the same ones; the local stack (a dev server on loopback) has none."""

from __future__ import annotations

from pathlib import Path

from temporalio.client import Client
from temporalio.runtime import Runtime
from temporalio.service import TLSConfig

from ops.converter import data_converter
from settings import Settings

__all__ = ["TemporalTlsError", "connect_temporal", "tls_config"]


class TemporalTlsError(ValueError):
    """The TLS settings are incomplete or name a file that cannot be read."""


def tls_config(settings: Settings) -> TLSConfig | bool:
    """TLS for the client, or False (plain, the local dev server). A client
    certificate needs its key and the other way round; a CA alone is
    server-authenticated TLS."""
    cert, key = settings.temporal_tls_cert, settings.temporal_tls_key
    if not (settings.temporal_tls_ca or cert or key):
        return False
    if bool(cert) != bool(key):
        raise TemporalTlsError(
            "TEMPORAL_TLS_CLIENT_CERT_PATH and TEMPORAL_TLS_CLIENT_KEY_PATH go together: set both or neither"
        )
    return TLSConfig(
        server_root_ca_cert=_read("TEMPORAL_TLS_SERVER_CA_CERT_PATH", settings.temporal_tls_ca),
        client_cert=_read("TEMPORAL_TLS_CLIENT_CERT_PATH", cert),
        client_private_key=_read("TEMPORAL_TLS_CLIENT_KEY_PATH", key),
        domain=settings.temporal_tls_server_name,
    )


def _read(variable: str, path: str | None) -> bytes | None:
    if not path:
        return None
    try:
        return Path(path).read_bytes()
    except OSError as err:
        # The path and the reason only: never the file's content (a private key).
        raise TemporalTlsError(f"{variable}={path}: {err.strerror or err}") from None


async def connect_temporal(
    settings: Settings, *, lazy: bool = False, runtime: Runtime | None = None
) -> Client:
    """A client of the configured Temporal, with poflow's data converter and TLS."""
    return await Client.connect(
        settings.temporal_address,
        namespace=settings.temporal_namespace,
        data_converter=data_converter(settings),
        tls=tls_config(settings),
        lazy=lazy,
        runtime=runtime,
    )
