"""Metrics (README "Metrics and logs").

Two sources, two endpoints:
- the worker: the Temporal SDK's own Prometheus metrics (`temporal_*`: task
  slots, poll and schedule latencies, workflow and activity failures such as
  `temporal_activity_execution_failed`), served by the SDK's runtime on
  POFLOW_WORKER_METRICS (`worker_runtime`);
- the API's `GET /metrics`: business metrics, read from the database's
  projections at scrape time (`BusinessMetrics`), so every API process reports
  the same numbers and nothing is lost when one restarts.

Every label takes a bounded set of values (statuses, hold codes, task kinds,
formats): never a PO number or a vendor. The values a label can take are
reported with 0 when nothing has them, so alert rules never see a series vanish.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GCCollector,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import CollectorRegistry
from sqlalchemy import Connection, Select, case, exists, func, select
from sqlalchemy.engine import Engine
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig

from activities.db import schema as t
from activities.intake.detect import detect_format
from activities.intake.errors import ExtractionError
from models import HoldCode, MatchDecision, TaskKind
from models.extraction import SourceFormat
from models.tasks import ESCALATION_CHAIN, TaskStatus
from models.workflow_state import PoStatus
from settings import Settings
from workflows.contract import Decision, intake_workflow_id

__all__ = ["CONTENT_TYPE_LATEST", "BusinessMetrics", "metrics_registry", "render", "worker_runtime"]

HELD, APPROVED, REJECTED = "held", "approved", "rejected"
INVOICE_STATUSES = (APPROVED, HELD, REJECTED)
INVOICE_KINDS = ("invoice", "credit_memo")
# What became of a received file (documents row `file:{sha256}`), from the database alone:
# in_review: a person has its reading (an open review task); delivered: a document it
# held went to its PO; discarded: a reviewer threw it away; undelivered: none of these
# yet (still being read, unreadable, or only duplicates: Temporal's intake run says which).
INTAKE_OUTCOMES = ("in_review", "delivered", "discarded", "undelivered")
# What activities.intake.detect tells from a file's first bytes (a Factur-X file is a PDF there).
INTAKE_FORMATS = (*(f.value for f in SourceFormat if f != SourceFormat.FACTURX), "zip", "unreadable")
_FILE_PREFIX = "file:"
_INTAKE_SOURCE = "intake doc-"  # the source of a document intake delivered (activities.intake_activities)
_SNIFF_BYTES = 4096  # what activities.intake.detect reads of a file
_SNIFF_BATCH = 500


def worker_runtime(settings: Settings) -> Runtime | None:
    """The SDK runtime serving Prometheus metrics on POFLOW_WORKER_METRICS
    (host:port); None (the default runtime, no endpoint) when it is not set."""
    if not settings.worker_metrics:
        return None
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=settings.worker_metrics)))


def metrics_registry(engine: Engine) -> CollectorRegistry:
    """The API's registry: the business metrics and the process's own (CPU,
    memory, open files, garbage collection)."""
    registry = CollectorRegistry()
    registry.register(BusinessMetrics(engine))
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)
    return registry


def render(registry: CollectorRegistry) -> bytes:
    """The Prometheus text format of everything in `registry` (reads the database)."""
    return generate_latest(registry)


class BusinessMetrics:
    """A prometheus_client collector over poflow's projections: each scrape is
    a handful of grouped queries. The format of a received file is sniffed
    from its first bytes once and remembered (stored files never change)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._formats: dict[str, str] = {}  # file document id → intake format
        self._lock = threading.Lock()  # scrapes may overlap; the cache is shared

    def describe(self) -> list[Metric]:
        return []  # registering must not read the database; names are never registered twice anyway

    def collect(self) -> Iterable[Metric]:
        with self._engine.connect() as connection:
            return [
                purchase_orders(connection),
                *invoices(connection),
                *tasks(connection),
                self._intake(connection),
                outboxes(connection),
            ]

    def _intake(self, connection: Connection) -> Metric:
        d = t.documents
        files = dict(
            connection.execute(select(d.c.document_id, d.c.content_type).where(d.c.kind == "file")).all()
        )
        with self._lock:
            unknown = [document_id for document_id in files if document_id not in self._formats]
            for start in range(0, len(unknown), _SNIFF_BATCH):
                batch = unknown[start : start + _SNIFF_BATCH]
                heads = select(d.c.document_id, func.substr(d.c.raw, 1, _SNIFF_BYTES)).where(
                    d.c.document_id.in_(batch)
                )
                for document_id, head in connection.execute(heads).all():
                    self._formats[document_id] = sniff(bytes(head or b""), files[document_id])
            formats = {document_id: self._formats.get(document_id, "unreadable") for document_id in files}
        return intake_family(formats, intake_outcomes(connection, list(files)))


def sniff(head: bytes, content_type: str | None) -> str:
    """The intake format of a file from its first bytes (activities.intake.detect)."""
    try:
        return detect_format(head, content_type=content_type)
    except ExtractionError:
        return "unreadable"


# --- purchase orders, invoices, tasks ------------------------------------------------------


def _zeros(*labels: Iterable[str]) -> Counter[tuple[str, ...]]:
    """Every combination of `labels` at 0."""
    keys: list[tuple[str, ...]] = [()]
    for values in labels:
        keys = [(*key, value) for key in keys for value in values]
    return Counter(dict.fromkeys(keys, 0))


def _gauge(name: str, documentation: str, labels: list[str], counts: Mapping[tuple[str, ...], int]) -> Metric:
    family = GaugeMetricFamily(name, documentation, labels=labels)
    for key in sorted(counts):
        family.add_metric(list(key), counts[key])
    return family


def purchase_orders(connection: Connection) -> Metric:
    po = t.purchase_orders
    counts = _zeros([s.value for s in PoStatus])
    for status, count in connection.execute(select(po.c.status, func.count()).group_by(po.c.status)).all():
        counts[(status,)] += count
    return _gauge("poflow_purchase_orders", "Purchase orders by status (the projection)", ["status"], counts)


def invoices(connection: Connection) -> list[Metric]:
    """Invoices and credit memos by status, and the held ones by hold code.
    Approved: handed to AP for payment (the payment hand-off is the proof);
    rejected: by a person on the hold task; held: the latest match holds it
    and neither happened (a credit memo requested from the supplier included)."""
    h, handoffs = t.human_tasks, t.payment_handoffs
    counts = _zeros(INVOICE_KINDS, INVOICE_STATUSES)
    rejected = (
        select(h.c.subject_id)
        .where(h.c.kind == TaskKind.RESOLVE_INVOICE_HOLD.value, h.c.decision == Decision.REJECT_INVOICE.value)
        .distinct()
        .subquery()
    )
    for status, ids in ((APPROVED, handoffs.c.invoice_id), (REJECTED, rejected.c.subject_id)):
        for kind, count in connection.execute(_count_by_kind(ids)).all():
            counts[(kind, status)] += count
    holds = _zeros([c.value for c in HoldCode])
    for invoice_id, result in held_invoices(connection):
        counts[(_kind_of_id(invoice_id), HELD)] += 1
        for code in {h["code"] for h in result.get("holds", []) if h.get("status", "open") == "open"}:
            holds[(str(code),)] += 1
    return [
        _gauge(
            "poflow_invoices",
            "Invoices and credit memos by status: approved (handed to AP for payment), held, rejected",
            ["kind", "status"],
            counts,
        ),
        _gauge("poflow_invoice_holds", "Held invoices with an open hold of the code", ["code"], holds),
    ]


def held_invoices(connection: Connection) -> list[tuple[str, dict[str, Any]]]:
    """(invoice id, its latest match result as JSON) of every invoice held now."""
    m, h, handoffs = t.match_results, t.human_tasks, t.payment_handoffs
    handed_off = select(handoffs.c.invoice_id).where(handoffs.c.invoice_id == m.c.invoice_id)
    rejected = select(h.c.task_id).where(
        h.c.subject_id == m.c.invoice_id,
        h.c.kind == TaskKind.RESOLVE_INVOICE_HOLD.value,
        h.c.decision == Decision.REJECT_INVOICE.value,
    )
    # The latest run of each invoice is its current match (activities.db.repository.list_match_results).
    latest_first = (m.c.matched_at.desc().nulls_last(), m.c.match_id.desc())
    ranked = (
        select(
            m.c.invoice_id,
            m.c.decision,
            m.c.result,
            func.row_number().over(partition_by=m.c.invoice_id, order_by=latest_first).label("rank"),
        )
        .where(~exists(handed_off), ~exists(rejected))
        .subquery()
    )
    query = select(ranked.c.invoice_id, ranked.c.result).where(
        ranked.c.rank == 1, ranked.c.decision == MatchDecision.HOLD.value
    )
    return [(invoice_id, result) for invoice_id, result in connection.execute(query).all()]


def _count_by_kind(document_ids: Any) -> Select[str, int]:
    """SQL: (invoice | credit_memo, how many) of a column of invoice document ids
    (models.Invoice.document_id: `credit:` for a credit memo). Grouped outside a
    subquery, so PostgreSQL sees one expression, not two spellings of it."""
    kinds = select(
        case((document_ids.startswith("credit:"), "credit_memo"), else_="invoice").label("kind")
    ).subquery()
    return select(kinds.c.kind, func.count()).group_by(kinds.c.kind)


def _kind_of_id(document_id: str) -> str:
    return "credit_memo" if document_id.startswith("credit:") else "invoice"


def tasks(connection: Connection) -> list[Metric]:
    """Open tasks by kind and escalation level, and every escalation so far
    (a task at level 2 escalated twice: to the deputy, then to the manager)."""
    h = t.human_tasks
    levels = [str(level) for level in range(len(ESCALATION_CHAIN))]
    open_tasks = _zeros([k.value for k in TaskKind], levels)
    for kind, level, count in connection.execute(
        select(h.c.kind, h.c.escalation_level, func.count())
        .where(h.c.status == TaskStatus.OPEN.value)
        .group_by(h.c.kind, h.c.escalation_level)
    ).all():
        open_tasks[(kind, str(level))] += count
    reached: dict[int, int] = dict(
        connection.execute(
            select(h.c.escalation_level, func.count())
            .where(h.c.escalation_level > 0)
            .group_by(h.c.escalation_level)
        ).all()
    )
    escalations = CounterMetricFamily(
        "poflow_task_escalations",
        "Escalations of overdue tasks, by the level escalated to (1 deputy, 2 manager)",
        labels=["escalation_level"],
    )
    for level in range(1, len(ESCALATION_CHAIN)):
        escalations.add_metric([str(level)], sum(n for lvl, n in reached.items() if lvl >= level))
    return [
        _gauge(
            "poflow_open_tasks",
            "Open human tasks by kind and escalation level (0 assignee, 1 deputy, 2 manager)",
            ["kind", "escalation_level"],
            open_tasks,
        ),
        escalations,
    ]


# --- intake and outboxes ---------------------------------------------------------------------


def intake_outcomes(connection: Connection, file_ids: list[str]) -> dict[str, str]:
    """INTAKE_OUTCOMES of each received file."""
    d, h = t.documents, t.human_tasks
    delivered = {
        source.removeprefix(_INTAKE_SOURCE)
        for source in connection.execute(
            select(d.c.source).where(d.c.source.startswith(_INTAKE_SOURCE)).distinct()
        ).scalars()
    }
    in_review: set[str] = set()
    discarded: set[str] = set()
    for workflow_id, status, decision in connection.execute(
        select(h.c.workflow_id, h.c.status, h.c.decision).where(h.c.kind == TaskKind.REVIEW_DOCUMENT.value)
    ).all():
        if status == TaskStatus.OPEN.value:
            in_review.add(workflow_id or "")
        elif decision == Decision.DISCARD.value:
            discarded.add(workflow_id or "")
    outcomes = {}
    for document_id in file_ids:
        sha256 = document_id.removeprefix(_FILE_PREFIX)
        workflow_id = intake_workflow_id(sha256)
        if workflow_id in in_review:
            outcomes[document_id] = "in_review"
        elif sha256 in delivered:
            outcomes[document_id] = "delivered"
        elif workflow_id in discarded:
            outcomes[document_id] = "discarded"
        else:
            outcomes[document_id] = "undelivered"
    return outcomes


def intake_family(formats: Mapping[str, str], outcomes: Mapping[str, str]) -> Metric:
    counts = _zeros(INTAKE_FORMATS, INTAKE_OUTCOMES)
    for document_id, outcome in outcomes.items():
        counts[(formats[document_id], outcome)] += 1
    return _gauge(
        "poflow_intake_files",
        "Files received at the document door, by format and what became of them",
        ["format", "outcome"],
        counts,
    )


def outboxes(connection: Connection) -> Metric:
    """What poflow still has to send (e-mails and webhooks, PO messages), and
    whether its last attempt failed."""
    counts = _zeros(["notifications", "po_messages"], ["false", "true"])
    for name, table in (("notifications", t.notifications), ("po_messages", t.outbound_messages)):
        failing = table.c.last_error.is_not(None)
        for failed, count in connection.execute(
            select(failing, func.count()).where(table.c.delivered_at.is_(None)).group_by(failing)
        ).all():
            counts[(name, "true" if failed else "false")] += count
    return _gauge(
        "poflow_outbox_undelivered",
        "Messages not yet delivered, by outbox and whether the last attempt failed",
        ["outbox", "failing"],
        counts,
    )
