"""The operations behind both doors (HTTP API and CLI).

Every write follows the same order: validate → store the raw document → start
or signal the PO workflow. Storing first means nothing a sender gave us is lost
even if Temporal is unreachable a moment later; a re-send then finds the stored
copy, signals again (the workflow ignores a document id it has seen) and answers
"duplicate" — so a lost delivery heals and there is never a second effect.

Temporal is addressed by names only (workflows.contract: workflow types, updates, ...), so
the doors never import workflow code. Repository calls are synchronous
SQLAlchemy, so they run in a worker thread to keep the event loop free.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import sqlalchemy
import sqlalchemy.exc
from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import Engine
from temporalio.client import (
    Client,
    RPCTimeoutOrCancelledError,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import FailureError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from activities.db import master_data, repository
from models import (
    Acknowledgment,
    CancelRequest,
    GoodsReceipt,
    HumanTask,
    Invoice,
    InvoiceRecord,
    PoProjection,
    PurchaseOrder,
    PurchaseOrderInput,
    PurchaseOrderState,
    TaskDecision,
    TaskKind,
    format_money,
)
from models.intake import IntakeState, ReviewDecision
from models.tasks import DECISIONS_NEEDING_COMMENT, check_named_holds
from models.workflow_state import HoldRequest
from settings import Settings
from starter.errors import (
    Duplicate,
    FieldError,
    Invalid,
    NotFound,
    PoflowError,
    Rejected,
    TooLarge,
    Unavailable,
    from_validation_error,
)
from workflows.contract import (
    PoQuery,
    PoSignal,
    PoUpdate,
    WorkflowType,
    is_intake_workflow_id,
    po_workflow_id,
)

if TYPE_CHECKING:
    from starter.intake_door import FileReceived

log = logging.getLogger("poflow.starter")


SupplierDocument = Acknowledgment | GoodsReceipt | Invoice


def document_kind_and_signal(document: SupplierDocument) -> tuple[str, str]:
    """The stored kind and the workflow signal of a document; credit memos
    travel the invoice signal and are stored as `credit_memo`."""
    if isinstance(document, Acknowledgment):
        return "acknowledgment", PoSignal.ACKNOWLEDGMENT
    if isinstance(document, GoodsReceipt):
        return "receipt", PoSignal.RECEIPT
    return document.kind.value, PoSignal.INVOICE


# Queries and updates need a worker to answer; without one Temporal waits
# forever. Past this, tell the caller instead of hanging.
DEFAULT_CALL_TIMEOUT = timedelta(seconds=20)

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


def workflow_id_for(po_number: str) -> str:
    return po_workflow_id(po_number)


def po_label(po_number: str) -> str:
    """`1001` → `PO-1001`; a number that already says PO is left alone."""
    return po_number if po_number.upper().startswith("PO") else f"PO-{po_number}"


def po_summary(po: PurchaseOrder, vendor_name: str | None = None) -> str:
    """The static summary operators see in the Temporal UI's workflow list."""
    return f"{po_label(po.po_number)} · {vendor_name or po.vendor_id} · {format_money(po.total, po.currency)}"


def po_details(po: PurchaseOrder) -> str:
    """Static details (markdown) shown on the workflow page."""
    rows = [
        f"**Buyer** {po.buyer}",
        f"**Requested by** {po.requested_by or '—'}",
        f"**Vendor** {po.vendor_id}",
        f"**Lines** {len(po.lines)}",
    ]
    if po.latest_need_by:
        rows.append(f"**Need by** {po.latest_need_by.isoformat()}")
    return "  \n".join(rows)


def po_document_id(po_number: str) -> str:
    """Business key of the raw PO as received (the models define the others)."""
    return f"po:{po_number}"


def raw_json(model: BaseModel) -> bytes:
    """Bytes to store when the caller had no raw document (e.g. built in code)."""
    return model.model_dump_json().encode()


@dataclass(frozen=True)
class PoStarted:
    po_number: str
    workflow_id: str
    ui_url: str


@dataclass(frozen=True)
class DocumentAccepted:
    document_id: str
    po_number: str
    workflow_id: str


class PoflowOperations(Protocol):
    """What the API and CLI need; PoflowService is the real one, tests use fakes."""

    settings: Settings

    async def create_po(
        self,
        po: PurchaseOrder,
        *,
        raw: bytes | None = None,
        source: str = "api",
        content_type: str = "application/json",
    ) -> PoStarted: ...

    async def submit_document(
        self,
        document: SupplierDocument,
        *,
        raw: bytes | None = None,
        source: str = "api",
        content_type: str = "application/json",
        expected_po_number: str | None = None,
    ) -> DocumentAccepted: ...

    async def get_state(self, po_number: str) -> PurchaseOrderState: ...

    async def list_pos(self, status: str | None = None) -> list[PoProjection]: ...

    async def list_tasks(self, status: str = "open") -> list[HumanTask]: ...

    async def get_task(self, task_id: str) -> HumanTask: ...

    async def decide(
        self,
        task_id: str,
        decision: str,
        actor: str,
        comment: str | None = None,
        document: dict[str, Any] | None = None,
        holds: list[str] | None = None,
    ) -> HumanTask: ...

    async def receive_file(self, raw: bytes, **how: Any) -> FileReceived: ...

    async def get_intake(self, workflow_id: str) -> IntakeState: ...

    async def cancel(self, po_number: str, actor: str, reason: str) -> PurchaseOrderState: ...

    async def hold_invoice(
        self, po_number: str, invoice_number: str, actor: str, reason: str, line_no: int | None = None
    ) -> InvoiceRecord: ...

    async def health(self) -> dict[str, str]: ...

    def workflow_url(self, po_number: str) -> str: ...

    async def close(self) -> None: ...


class PoflowService:
    """The one implementation of the doors' operations, over Temporal and the DB."""

    def __init__(
        self,
        client: Client,
        engine: Engine,
        settings: Settings,
        *,
        call_timeout: timedelta = DEFAULT_CALL_TIMEOUT,
    ) -> None:
        self.client = client
        self.engine = engine
        self.settings = settings
        self.call_timeout = call_timeout

    # -- purchase orders -----------------------------------------------------

    async def create_po(
        self,
        po: PurchaseOrder,
        *,
        raw: bytes | None = None,
        source: str = "api",
        content_type: str = "application/json",
    ) -> PoStarted:
        """Store the PO, then start its workflow. An existing PO (running or
        finished: PO numbers are never reused) answers Duplicate."""
        check_payload_size(
            PurchaseOrderInput(po=po), self.settings.max_workflow_input_bytes, po_label(po.po_number)
        )
        document_id = po_document_id(po.po_number)
        stored = await self._store(
            document_id=document_id,
            kind="purchase_order",
            raw=raw or raw_json(po),
            content_type=content_type,
            source=source,
            po_number=po.po_number,
        )
        workflow_id = workflow_id_for(po.po_number)
        vendor_name = await self._vendor_name(po.vendor_id)
        try:
            with self._temporal_errors(po.po_number):
                await self.client.start_workflow(
                    WorkflowType.PURCHASE_ORDER,
                    PurchaseOrderInput(po=po),
                    id=workflow_id,
                    task_queue=self.settings.task_queue,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                    id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                    static_summary=po_summary(po, vendor_name),
                    static_details=po_details(po),
                )
        except WorkflowAlreadyStartedError:
            raise Duplicate(
                f"{po_label(po.po_number)} already exists (workflow {workflow_id}); nothing was changed",
                document_id=document_id,
                first_document_id=stored.first_document_id,
                workflow_id=workflow_id,
            ) from None
        log.info("started %s (%s)", workflow_id, "re-sent after a lost start" if stored.duplicate else "new")
        return PoStarted(po.po_number, workflow_id, self.workflow_url(po.po_number))

    async def _vendor_name(self, vendor_id: str) -> str | None:
        """For the summary only: an unknown vendor is the workflow's finding to
        report, and a lookup failure must not stop the PO."""
        try:
            vendor = await self._db(master_data.get_vendor, self.engine, vendor_id)
        except (PoflowError, sqlalchemy.exc.SQLAlchemyError) as err:
            log.warning("vendor lookup for %s failed (%s); summary shows the id", vendor_id, first_line(err))
            return None
        return vendor.name if vendor else None

    async def get_state(self, po_number: str) -> PurchaseOrderState:
        """Live state from the workflow's `state` query (the workflow is the truth)."""
        handle = self._handle(po_number)
        with self._temporal_errors(po_number):
            try:
                return await self._bounded(
                    handle.query(PoQuery.STATE, result_type=PurchaseOrderState), po_number
                )
            except WorkflowQueryFailedError as err:
                raise Unavailable(
                    f"the state query for {po_label(po_number)} failed: {err.message}"
                ) from None

    async def list_pos(self, status: str | None = None) -> list[PoProjection]:
        return await self._db(repository.list_purchase_orders, self.engine, status=status)

    async def cancel(self, po_number: str, actor: str, reason: str) -> PurchaseOrderState:
        request = build(CancelRequest, actor=actor, reason=reason)
        return await self._update(po_number, PoUpdate.CANCEL, request, PurchaseOrderState)

    async def hold_invoice(
        self, po_number: str, invoice_number: str, actor: str, reason: str, line_no: int | None = None
    ) -> InvoiceRecord:
        """A MANUAL hold on an invoice not yet approved (update `hold_invoice`;
        its validator refuses unknown, approved and rejected invoices)."""
        request = build(
            HoldRequest, invoice_number=invoice_number, actor=actor, reason=reason, line_no=line_no
        )
        record = await self._update(po_number, PoUpdate.HOLD_INVOICE, request, InvoiceRecord)
        log.info("invoice %s on %s held by %s", invoice_number, po_number, actor)
        return record

    # -- documents -----------------------------------------------------------

    async def submit_document(
        self,
        document: SupplierDocument,
        *,
        raw: bytes | None = None,
        source: str = "api",
        content_type: str = "application/json",
        expected_po_number: str | None = None,
    ) -> DocumentAccepted:
        """Store an acknowledgment, receipt or invoice (credit memos too), then
        signal it to its PO; a re-send answers Duplicate with the first id."""
        kind, signal = document_kind_and_signal(document)
        po_number = document.po_number
        check_po_number(po_number, expected_po_number)
        check_payload_size(document, self.settings.max_workflow_input_bytes, f"{kind} {document.document_id}")
        await self._ensure_open(po_number)
        document_id = document.document_id
        raw_bytes = raw or raw_json(document)
        stored = await self._store(
            document_id=document_id,
            kind=kind,
            raw=raw_bytes,
            content_type=content_type,
            source=source,
            po_number=po_number,
        )
        workflow_id = workflow_id_for(po_number)
        same_bytes = stored.sha256 == sha256_of(raw_bytes)
        to_signal = await self._what_to_signal(document, stored, same_bytes=same_bytes)
        if to_signal is not None:
            await self._signal(po_number, signal, to_signal)
        if stored.duplicate:
            raise Duplicate(
                duplicate_message(kind, document_id, po_number, same_bytes=same_bytes),
                document_id=document_id,
                first_document_id=stored.first_document_id,
                workflow_id=workflow_id,
            )
        log.info("accepted %s %s for %s", kind, document_id, workflow_id)
        return DocumentAccepted(document_id, po_number, workflow_id)

    async def _what_to_signal(
        self, document: SupplierDocument, stored: repository.StoredDocument, *, same_bytes: bool
    ) -> SupplierDocument | None:
        """A new document is signalled. A re-send is signalled again so that a
        delivery lost after storing heals — as its first copy, since the first
        one stands. Nothing is signalled when the bytes were first stored under
        another key (delivered under that key), or when the first copy is not
        JSON of this kind (it came through another channel, which delivers it)."""
        if not stored.duplicate:
            return document
        if stored.first_document_id != document.document_id:
            return None
        if same_bytes:
            return document
        first = await self._db(repository.get_document_bytes, self.engine, stored.first_document_id)
        try:
            return type(document).model_validate_json(first) if first else None
        except ValidationError:
            return None

    async def _signal(self, po_number: str, signal: str, document: BaseModel) -> None:
        with self._temporal_errors(po_number):
            await self._handle(po_number).signal(signal, document)

    # -- tasks -----------------------------------------------------------------

    async def list_tasks(self, status: str = "open") -> list[HumanTask]:
        """`open` (default), `done`, `cancelled` or `all`; from the inbox projection."""
        return await self._db(repository.list_tasks, self.engine, status=None if status == "all" else status)

    async def get_task(self, task_id: str) -> HumanTask:
        task = await self._db(repository.get_task, self.engine, task_id)
        if task is None:
            raise NotFound(f"no task {task_id}")
        return task

    async def decide(
        self,
        task_id: str,
        decision: str,
        actor: str,
        comment: str | None = None,
        document: dict[str, Any] | None = None,
        holds: list[str] | None = None,
    ) -> HumanTask:
        """Send the decision to the workflow that owns the task; its validator
        has the last word (role, limits, segregation of duties, task still open,
        the named holds open on the invoice). A document review may carry the
        corrected reading (`document`); accept_variance on an invoice hold may
        name the holds it releases (`holds`, refs such as PRICE:1)."""
        task = await self.get_task(task_id)
        check_decision(task, decision, comment, holds or [])
        if task.kind == TaskKind.REVIEW_DOCUMENT:
            from starter import intake_door

            review = build(
                ReviewDecision,
                task_id=task_id,
                decision=decision,
                actor=actor,
                comment=comment or None,
                document=document,
            )
            return await intake_door.review(self, task, review)
        request = build(
            TaskDecision,
            task_id=task_id,
            decision=decision,
            actor=actor,
            comment=comment or None,
            holds=holds or [],
        )
        result = await self._update(task.po_number, PoUpdate.DECIDE, request, HumanTask)
        log.info("task %s decided %s by %s", task_id, decision, actor)
        return result

    # -- files (document intake) ---------------------------------------------------

    async def receive_file(self, raw: bytes, **how: Any) -> FileReceived:
        """Store a supplier's file and start its DocumentIntakeWorkflow (starter.intake_door)."""
        from starter import intake_door

        return await intake_door.receive_file(self, raw, **how)

    async def get_intake(self, workflow_id: str) -> IntakeState:
        from starter import intake_door

        return await intake_door.get_intake(self, workflow_id)

    # -- health and links ------------------------------------------------------

    async def health(self) -> dict[str, str]:
        """`ok` or a short reason, per dependency."""
        return {"temporal": await self._temporal_health(), "database": await self._database_health()}

    def workflow_url(self, po_number: str) -> str:
        return self.settings.workflow_url(workflow_id_for(po_number))

    async def close(self) -> None:
        await asyncio.to_thread(self.engine.dispose)

    async def _temporal_health(self) -> str:
        try:
            await self.client.service_client.check_health(timeout=timedelta(seconds=3))
            return "ok"
        except Exception as err:  # noqa: BLE001 — health reports, never raises
            return f"unreachable at {self.settings.temporal_address}: {first_line(err)}"

    async def _database_health(self) -> str:
        def ping() -> None:
            with self.engine.connect() as connection:
                connection.execute(sqlalchemy.text("SELECT 1"))

        try:
            await asyncio.to_thread(ping)
            return "ok"
        except Exception as err:  # noqa: BLE001
            return f"unreachable: {first_line(err)}"

    # -- Temporal plumbing -------------------------------------------------------

    def _handle(self, po_number: str) -> WorkflowHandle[Any, Any]:
        # No run id: signals, queries and updates follow the PO across continue-as-new.
        return self.client.get_workflow_handle(workflow_id_for(po_number))

    async def _ensure_open(self, po_number: str) -> None:
        with self._temporal_errors(po_number):
            description = await self._handle(po_number).describe()
        if description.status != WorkflowExecutionStatus.RUNNING:
            raise Rejected(closed_message(po_number, description.status))

    async def _update(self, po_number: str, update: str, arg: BaseModel, result_type: type[T]) -> T:
        handle = self._handle(po_number)
        try:
            with self._temporal_errors(po_number):
                return await self._bounded(
                    handle.execute_update(update, arg, result_type=result_type),
                    po_number,
                    # The server keeps an admitted update: say so, or a person would send it twice.
                    note="; the request is queued and may still be applied — check before re-sending",
                )
        except NotFound:
            # An update to a finished workflow also answers NOT_FOUND; say which it is.
            await self._ensure_open(po_number)
            raise
        except WorkflowUpdateFailedError as err:
            raise Rejected(update_failure_message(err)) from None

    async def _bounded(self, call: Awaitable[T], po_number: str, *, note: str = "") -> T:
        try:
            return await asyncio.wait_for(call, self.call_timeout.total_seconds())
        except (TimeoutError, RPCTimeoutOrCancelledError):
            raise Unavailable(
                f"no answer from workflow {workflow_id_for(po_number)} within "
                f"{self.call_timeout.total_seconds():g} s — is the worker running (`poflow worker`)?{note}"
            ) from None

    @contextmanager
    def _temporal_errors(self, po_number: str) -> Iterator[None]:
        try:
            yield
        except RPCError as err:
            raise translate_rpc_error(err, po_number, self.settings.temporal_address) from None
        except RuntimeError as err:
            # A lazy client (the API's) reports a refused connection this way.
            if not is_connect_failure(err):
                raise
            raise unreachable(self.settings.temporal_address) from None

    # -- database plumbing -------------------------------------------------------

    async def _store(self, **kwargs: Any) -> repository.StoredDocument:
        return await self._db(repository.store_document, self.engine, **kwargs)

    async def _db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return await asyncio.to_thread(fn, *args, **kwargs)
        except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.ProgrammingError) as err:
            raise Unavailable(
                f"database error at {redacted_url(self.engine)}: {first_line(err.orig or err)} "
                "— has `poflow migrate` run?"
            ) from None


# --- pure helpers (tested without Temporal) -------------------------------------


def build(model: type[M], **fields: Any) -> M:
    """A request model from loose arguments (CLI flags), bad values as Invalid."""
    try:
        return model(**fields)
    except ValidationError as err:
        raise from_validation_error(err) from None


def payload_bytes(value: BaseModel) -> int:
    """The size Temporal sees: the value as the pydantic data converter encodes it."""
    from temporalio.contrib.pydantic import pydantic_data_converter

    return pydantic_data_converter.payload_converter.to_payloads([value])[0].ByteSize()


def check_payload_size(value: BaseModel, limit: int, what: str) -> None:
    """Refuse, before anything is stored or started, what Temporal could not
    carry: over its 2 MB payload limit the start or signal fails, and a PO whose
    input is near it cannot continue-as-new with its state once documents arrive."""
    size = payload_bytes(value)
    if size > limit:
        raise TooLarge(
            f"{what} is {size:,} bytes as workflow input, over the {limit:,}-byte limit "
            "(POFLOW_MAX_WORKFLOW_INPUT_BYTES): split it into smaller documents"
        )


def check_po_number(actual: str, expected: str | None) -> None:
    """The URL names the PO; a body naming another one is a mistake, not a redirect."""
    if expected is not None and actual != expected:
        message = (
            f"po_number in the document ({actual}) does not match the purchase order in the URL ({expected})"
        )
        raise Invalid(message, [FieldError("po_number", message)])


def check_decision(task: HumanTask, decision: str, comment: str | None, holds: Sequence[str] = ()) -> None:
    """Answer obvious input mistakes at the door; the workflow re-checks everything
    (whether a named hold is open is for the workflow: this projection may lag)."""
    if decision not in task.options:
        message = f"decision {decision!r} is not one of {', '.join(task.options)} for task {task.task_id}"
        raise Invalid(message, [FieldError("decision", message)])
    if decision in DECISIONS_NEEDING_COMMENT and not (comment or "").strip():
        message = f"decision {decision!r} needs a comment saying why"
        raise Invalid(message, [FieldError("comment", message)])
    try:
        check_named_holds(task, decision, holds)
    except ValueError as err:
        raise Invalid(str(err), [FieldError("holds", str(err))]) from None


def update_failure_message(err: WorkflowUpdateFailedError) -> str:
    """The validator's own words, without SDK wrapping."""
    cause = err.cause
    if isinstance(cause, FailureError) and cause.message:
        return cause.message
    return first_line(cause)


def translate_rpc_error(err: RPCError, po_number: str, address: str) -> PoflowError:
    if err.status == RPCStatusCode.NOT_FOUND and is_intake_workflow_id(po_number):
        return NotFound(f"no document intake {po_number}")
    if err.status == RPCStatusCode.NOT_FOUND:
        return NotFound(f"no purchase order {po_number} (workflow {workflow_id_for(po_number)} not found)")
    if err.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
        return unreachable(address)
    return PoflowError(f"Temporal refused the request for {workflow_id_for(po_number)}: {first_line(err)}")


def duplicate_message(kind: str, document_id: str, po_number: str, *, same_bytes: bool) -> str:
    message = f"{kind} {document_id} was already received for {po_label(po_number)}; nothing new was done"
    if not same_bytes:
        # Same business key, other content: a corrected document must come as a new one (or a credit memo).
        message += " (this copy differs from the first one, which stands)"
    return message


def sha256_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def unreachable(address: str) -> Unavailable:
    return Unavailable(f"cannot reach Temporal at {address} — is `poflow up` running?")


def is_connect_failure(err: RuntimeError) -> bool:
    return str(err).startswith("Failed client connect")


def closed_message(po_number: str, status: WorkflowExecutionStatus | None) -> str:
    state = status.name.lower().replace("_", " ") if status else "closed"
    return (
        f"{po_label(po_number)} is no longer open (workflow {state}); "
        "it accepts no more documents or decisions"
    )


def first_line(err: BaseException | object) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def redacted_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


# --- construction -----------------------------------------------------------------


async def connect_client(settings: Settings, *, lazy: bool = False) -> Client:
    """The Temporal client with the pydantic data converter (readable histories)."""
    from temporalio.contrib.pydantic import pydantic_data_converter

    try:
        return await Client.connect(
            settings.temporal_address,
            namespace=settings.temporal_namespace,
            data_converter=pydantic_data_converter,
            lazy=lazy,
        )
    except RuntimeError as err:
        if not is_connect_failure(err):
            raise
        raise unreachable(settings.temporal_address) from None


def make_engine(settings: Settings) -> Engine:
    # Imported here: the engine module belongs to the DB layer and pulls drivers.
    from activities.db.engine import make_engine as _make_engine

    return _make_engine(settings.database_url)


async def connect_service(settings: Settings, *, lazy: bool = False) -> PoflowService:
    """Client + engine, once per process (API lifespan, one CLI command)."""
    client = await connect_client(settings, lazy=lazy)
    return PoflowService(client, make_engine(settings), settings)


ServiceFactory = Callable[[], Awaitable[PoflowOperations]]
