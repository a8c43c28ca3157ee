"""The operations behind both doors (HTTP API and CLI).

Every write follows the same order: validate → store the raw document → start
or signal the PO workflow. Storing first means nothing a sender gave us is lost
even if Temporal is unreachable a moment later; a re-send then finds the stored
copy, signals again (the workflow ignores a document id it has seen) and answers
"duplicate" — so a lost delivery heals and there is never a second effect.

Temporal is addressed by names only (workflows.contract: workflow types, updates, ...), so
the doors never import workflow code. Repository calls are synchronous
SQLAlchemy, so they run in a worker thread to keep the event loop free.

This module is what the doors import: the PoflowOperations protocol, the answers
(PoStarted, DocumentAccepted), PoflowService and how to connect one. The service
itself is written per resource in starter/service/ (purchase orders, documents,
tasks, over ServiceCore's plumbing); files go through starter.intake_door.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.engine import Engine
from temporalio.client import Client

from activities.db.evidence import Original, PricePoint
from activities.db.master_data import Vendor
from identity.principal import Caller
from identity.roles import Permission
from models import AuditEvent, HumanTask, InvoiceRecord, PoProjection, PurchaseOrder, PurchaseOrderState
from models.intake import IntakeState
from models.vendors import BankChange
from settings import Settings
from starter.errors import Unavailable
from starter.service.authorization import authorize
from starter.service.checks import is_connect_failure, unreachable
from starter.service.documents import DocumentAccepted, Documents
from starter.service.evidence import Evidence
from starter.service.naming import SupplierDocument
from starter.service.purchase_orders import PoStarted, PurchaseOrders
from starter.service.tasks import Tasks
from starter.service.vendors import Vendors

if TYPE_CHECKING:
    from starter.intake_door import FileReceived

__all__ = [
    "DocumentAccepted",
    "PoStarted",
    "PoflowOperations",
    "PoflowService",
    "ServiceFactory",
    "SupplierDocument",
    "connect_client",
    "connect_service",
    "make_engine",
]


class PoflowOperations(Protocol):
    """What the API and CLI need; PoflowService is the real one, tests use fakes."""

    settings: Settings
    engine: Engine  # principals are resolved against it (starter.api.auth, the CLI)

    async def create_po(
        self,
        po: PurchaseOrder,
        *,
        by: Caller,
        raw: bytes | None = None,
        source: str = "api",
        content_type: str = "application/json",
    ) -> PoStarted: ...

    async def submit_document(
        self,
        document: SupplierDocument,
        *,
        by: Caller,
        raw: bytes | None = None,
        source: str = "api",
        content_type: str = "application/json",
        expected_po_number: str | None = None,
    ) -> DocumentAccepted: ...

    async def get_state(self, po_number: str) -> PurchaseOrderState: ...

    async def list_pos(self, status: str | None = None) -> list[PoProjection]: ...

    async def list_audit(self, po_number: str) -> list[AuditEvent]: ...

    async def list_tasks(self, status: str = "open") -> list[HumanTask]: ...

    async def get_task(self, task_id: str) -> HumanTask: ...

    async def decide(
        self,
        task_id: str,
        decision: str,
        by: Caller,
        comment: str | None = None,
        document: dict[str, Any] | None = None,
        holds: list[str] | None = None,
        *,
        vendor_id: str | None = None,
        unit_price: Decimal | None = None,
    ) -> HumanTask: ...

    async def receive_file(self, raw: bytes, *, by: Caller, **how: Any) -> FileReceived: ...

    async def get_intake(self, workflow_id: str) -> IntakeState: ...

    async def original_document(self, document_id: str, by: Caller) -> Original: ...

    async def price_histories(self, vendor_id: str, item_ids: list[str]) -> dict[str, list[PricePoint]]: ...

    async def active_vendors(self) -> list[Vendor]: ...

    async def ordered_po(self, po_number: str) -> PurchaseOrder | None: ...

    async def change_bank_account(self, vendor_id: str, iban: str, reason: str, by: Caller) -> BankChange: ...

    async def bank_account(self, vendor_id: str) -> BankChange: ...

    async def cancel(self, po_number: str, by: Caller, reason: str) -> PurchaseOrderState: ...

    async def final_close(self, po_number: str, by: Caller, reason: str) -> PurchaseOrderState: ...

    async def cancel_line(
        self, po_number: str, line_no: int, by: Caller, reason: str
    ) -> PurchaseOrderState: ...

    async def amend(self, po_number: str, changes: dict[str, Any], by: Caller) -> PurchaseOrderState: ...

    async def hold_invoice(
        self, po_number: str, invoice_number: str, by: Caller, reason: str, line_no: int | None = None
    ) -> InvoiceRecord: ...

    async def health(self) -> dict[str, str]: ...

    def workflow_url(self, po_number: str) -> str: ...

    async def close(self) -> None: ...


class PoflowService(PurchaseOrders, Documents, Tasks, Evidence, Vendors):
    """The one implementation of the doors' operations, over Temporal and the DB:
    purchase orders, documents, tasks, evidence and vendors' bank accounts (starter/service/),
    files (starter.intake_door)."""

    # -- files (document intake) ---------------------------------------------------

    async def receive_file(self, raw: bytes, *, by: Caller, **how: Any) -> FileReceived:
        """Store a supplier's file and start its DocumentIntakeWorkflow (starter.intake_door);
        a buyer ERP's X12 850 / EDIFACT ORDERS creates its POs instead (starter.po_file_door)."""
        from activities.intake.limits import IntakeLimits
        from starter import intake_door, po_file_door

        async with self.audited(by, po_number="", what="send a file", evidence=how.get("filename")):
            authorize(by, Permission.SUBMIT_DOCUMENTS)
        limits = IntakeLimits(max_bytes=self.settings.max_document_bytes)
        if await asyncio.to_thread(po_file_door.carries_orders, raw, limits):
            return await po_file_door.receive_orders(self, raw, by=by, limits=limits, **how)
        return await intake_door.receive_file(self, raw, **how)

    async def get_intake(self, workflow_id: str) -> IntakeState:
        from starter import intake_door

        return await intake_door.get_intake(self, workflow_id)


# --- construction -----------------------------------------------------------------


async def connect_client(settings: Settings, *, lazy: bool = False) -> Client:
    """The Temporal client with poflow's data converter and TLS (ops.connection)."""
    from ops.connection import TemporalTlsError, connect_temporal

    try:
        return await connect_temporal(settings, lazy=lazy)
    except TemporalTlsError as err:  # a deployment's settings: nothing to retry until they change
        raise Unavailable(f"cannot connect to Temporal: {err}") from None
    except RuntimeError as err:
        if not is_connect_failure(err):
            raise
        raise unreachable(settings.temporal_address) from None


def make_engine(settings: Settings, *, wait_s: float | None = None) -> Engine:
    # Imported here: the engine module belongs to the DB layer and pulls drivers.
    from activities.db.engine import make_engine as _make_engine

    return _make_engine(settings.database_url, wait_s=wait_s)


async def connect_service(
    settings: Settings, *, lazy: bool = False, db_wait_s: float | None = None
) -> PoflowService:
    """Client + engine, once per process (API lifespan, one CLI command).
    `db_wait_s`: how long a call waits on a locked or unreachable database
    (activities.db.engine.make_engine); the API passes a short one."""
    client = await connect_client(settings, lazy=lazy)
    return PoflowService(client, make_engine(settings, wait_s=db_wait_s), settings)


ServiceFactory = Callable[[], Awaitable[PoflowOperations]]
