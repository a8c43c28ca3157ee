"""Configuration from the environment, in one place. Every variable has a
default that works on a laptop with nothing but python3 (README "Configuration")."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    home: Path
    database_url: str
    temporal_address: str
    temporal_namespace: str
    task_queue: str
    api_host: str
    api_port: int
    ui_url: str
    webhook_url: str | None
    # Document intake (README "Document intake"): the largest file accepted, the
    # field confidence below which a person reviews a reading, and that review's SLA.
    max_document_bytes: int = 20 * 1024 * 1024
    review_confidence: float = 0.8
    review_sla_hours: float = 24.0
    # Input bounds (README "Input bounds"): the largest JSON request body any
    # API route reads (files have max_document_bytes), and the largest PO or
    # document a workflow is started or signalled with — a safe share of
    # Temporal's 2 MB payload limit, since the PO's state carries it and grows.
    max_request_bytes: int = 1024 * 1024
    max_workflow_input_bytes: int = 512 * 1024
    # Signs the web app's session cookies; None: a key kept in home/session.key
    # (starter.api.auth). Set it when several API processes share sign-ins.
    session_secret: str | None = None
    # Single sign-on with OpenID Connect (README "People and access"): off while
    # oidc_issuer is None. oidc_claim names the id-token claim that is matched to a
    # principal. The client secret is kept out of repr() so it is never logged.
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = field(default=None, repr=False)
    oidc_claim: str = "email"
    # Payload encryption (README "Payload encryption", ops.codec): `id:base64-key[,…]`,
    # the first key encrypts, all decrypt. None: POFLOW_HOME/payload.keys if it
    # exists (`poflow up` makes it), else payloads go to Temporal unencrypted.
    # Kept out of repr() so a key is never logged.
    payload_keys: str | None = field(default=None, repr=False)
    # Operations (README "Metrics and logs"): where the worker serves the Temporal
    # SDK's Prometheus metrics (host:port; None: not served), the log format
    # (text | json) and a bearer token that may read the API's /metrics and
    # nothing else (None: only the API's own credentials may); kept out of repr().
    worker_metrics: str | None = None
    log_format: str = "text"
    metrics_token: str | None = field(default=None, repr=False)
    # poflow's own EDI identity (README "EDI"): the interchange sender id and
    # qualifier of the 850s (ISA05/ISA06, GS02) and ORDERS (UNB S002) it sends.
    edi_sender_id: str = "POFLOW"
    edi_sender_qualifier: str = "ZZ"  # X12 ISA05: ZZ mutually defined, 01 DUNS, 08 UCC EDI …
    edifact_sender_qualifier: str = "ZZZ"  # EDIFACT 0007: ZZZ mutually defined, 14 GLN …
    # Mutual TLS to Temporal (README "Production stack", ops.connection): the
    # CA that signed the server's certificate, this process's client
    # certificate and key (PEM file paths), and the name the server's
    # certificate carries; the variables are Temporal's own client settings.
    temporal_tls_ca: str | None = None
    temporal_tls_cert: str | None = None
    temporal_tls_key: str | None = None
    temporal_tls_server_name: str | None = None
    # Seconds the HTTP API waits on a locked or unreachable database before it
    # answers 503 (README "HTTP API"); the worker keeps long waits, as Temporal retries it.
    api_db_wait_s: float = 0.5
    # Workflows the worker keeps in memory between tasks (its sticky cache; the
    # SDK's default). Fewer bound its memory when many POs are open; an evicted
    # PO is replayed from its history on its next event (bench/open_orders.py).
    max_cached_workflows: int = 1000

    @property
    def api_url(self) -> str:
        return f"http://{self.api_host}:{self.api_port}"

    def workflow_url(self, workflow_id: str) -> str:
        return f"{self.ui_url}/namespaces/{self.temporal_namespace}/workflows/{workflow_id}"


def load_settings() -> Settings:
    home = Path(os.environ.get("POFLOW_HOME", ".poflow")).resolve()
    return Settings(
        home=home,
        database_url=os.environ.get("DATABASE_URL", f"sqlite:///{home / 'poflow.db'}"),
        temporal_address=os.environ.get("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
        temporal_namespace=os.environ.get("TEMPORAL_NAMESPACE", "default"),
        task_queue=os.environ.get("POFLOW_TASK_QUEUE", "poflow"),
        api_host=os.environ.get("POFLOW_API_HOST", "127.0.0.1"),
        api_port=int(os.environ.get("POFLOW_API_PORT", "8000")),
        ui_url=os.environ.get("TEMPORAL_UI_URL", "http://127.0.0.1:8233"),
        webhook_url=os.environ.get("POFLOW_WEBHOOK_URL") or None,
        max_document_bytes=int(os.environ.get("POFLOW_MAX_DOCUMENT_BYTES", str(20 * 1024 * 1024))),
        review_confidence=float(os.environ.get("POFLOW_REVIEW_CONFIDENCE", "0.8")),
        review_sla_hours=float(os.environ.get("POFLOW_REVIEW_SLA_HOURS", "24")),
        max_request_bytes=int(os.environ.get("POFLOW_MAX_REQUEST_BYTES", str(1024 * 1024))),
        max_workflow_input_bytes=int(os.environ.get("POFLOW_MAX_WORKFLOW_INPUT_BYTES", str(512 * 1024))),
        session_secret=os.environ.get("POFLOW_SESSION_SECRET") or None,
        oidc_issuer=os.environ.get("POFLOW_OIDC_ISSUER") or None,
        oidc_client_id=os.environ.get("POFLOW_OIDC_CLIENT_ID") or None,
        oidc_client_secret=os.environ.get("POFLOW_OIDC_CLIENT_SECRET") or None,
        oidc_claim=os.environ.get("POFLOW_OIDC_CLAIM") or "email",
        payload_keys=os.environ.get("POFLOW_PAYLOAD_KEYS") or None,
        worker_metrics=os.environ.get("POFLOW_WORKER_METRICS") or None,
        log_format=(os.environ.get("POFLOW_LOG_FORMAT") or "text").strip().lower(),
        metrics_token=os.environ.get("POFLOW_METRICS_TOKEN") or None,
        edi_sender_id=os.environ.get("POFLOW_EDI_SENDER_ID") or "POFLOW",
        edi_sender_qualifier=os.environ.get("POFLOW_EDI_SENDER_QUALIFIER") or "ZZ",
        edifact_sender_qualifier=os.environ.get("POFLOW_EDIFACT_SENDER_QUALIFIER") or "ZZZ",
        api_db_wait_s=float(os.environ.get("POFLOW_API_DB_WAIT") or "0.5"),
        max_cached_workflows=int(os.environ.get("POFLOW_MAX_CACHED_WORKFLOWS") or "1000"),
        temporal_tls_ca=os.environ.get("TEMPORAL_TLS_SERVER_CA_CERT_PATH") or None,
        temporal_tls_cert=os.environ.get("TEMPORAL_TLS_CLIENT_CERT_PATH") or None,
        temporal_tls_key=os.environ.get("TEMPORAL_TLS_CLIENT_KEY_PATH") or None,
        temporal_tls_server_name=os.environ.get("TEMPORAL_TLS_SERVER_NAME") or None,
    )
