"""ServiceCore: what every part of PoflowService stands on — the Temporal client,
the database engine and the settings, health and links, and the plumbing that
turns Temporal and database trouble into the doors' errors (starter.errors).

Three pieces are public because the file door (starter.intake_door) builds on
them too: `store_document` (the raw bytes, stored before anything reads them),
`temporal_errors` (RPC and connection failures as NotFound/Unavailable/…) and
`bounded` (a query or update that needs a worker, with a deadline). The rest is
for the resource parts (starter/service/*.py) only.

Repository calls are synchronous SQLAlchemy, so they run in a worker thread to
keep the event loop free.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import timedelta
from typing import Any, TypeVar

import sqlalchemy
import sqlalchemy.exc
from pydantic import BaseModel
from sqlalchemy.engine import Engine
from temporalio.client import (
    Client,
    RPCTimeoutOrCancelledError,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.service import RPCError

from activities.db import repository
from identity.principal import Caller
from settings import Settings
from starter.db_errors import database_unavailable
from starter.errors import NotFound, Rejected, Unavailable
from starter.service import audit
from starter.service.checks import (
    closed_message,
    first_line,
    is_connect_failure,
    redacted_url,
    translate_rpc_error,
    unreachable,
    update_failure_message,
)
from starter.service.naming import workflow_id_for

# Queries and updates need a worker to answer; without one Temporal waits
# forever. Past this, tell the caller instead of hanging.
DEFAULT_CALL_TIMEOUT = timedelta(seconds=20)

T = TypeVar("T")


class ServiceCore:
    """The connections and the plumbing; PoflowService adds the operations."""

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

    # -- refusals are audit events ------------------------------------------------

    @asynccontextmanager
    async def audited(
        self, caller: Caller, *, po_number: str, what: str, evidence: str | None = None
    ) -> AsyncIterator[None]:
        """audit.refusals_recorded for the service's operations. The insert runs
        on the event loop: only on a refusal, and one short write."""
        with audit.refusals_recorded(self.engine, caller, po_number=po_number, what=what, evidence=evidence):
            yield

    # -- Temporal plumbing -------------------------------------------------------

    def _handle(self, po_number: str) -> WorkflowHandle[Any, Any]:
        # No run id: signals, queries and updates follow the PO across continue-as-new.
        return self.client.get_workflow_handle(workflow_id_for(po_number))

    async def _ensure_open(self, po_number: str) -> None:
        with self.temporal_errors(po_number):
            description = await self._handle(po_number).describe()
        if description.status != WorkflowExecutionStatus.RUNNING:
            raise Rejected(closed_message(po_number, description.status))

    async def _update(self, po_number: str, update: str, arg: BaseModel, result_type: type[T]) -> T:
        handle = self._handle(po_number)
        try:
            with self.temporal_errors(po_number):
                return await self.bounded(
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

    async def bounded(self, call: Awaitable[T], po_number: str, *, note: str = "") -> T:
        """`call`, or Unavailable when no worker answers within the call timeout."""
        try:
            return await asyncio.wait_for(call, self.call_timeout.total_seconds())
        except (TimeoutError, RPCTimeoutOrCancelledError):
            raise Unavailable(
                f"no answer from workflow {workflow_id_for(po_number)} within "
                f"{self.call_timeout.total_seconds():g} s — is the worker running (`poflow worker`)?{note}"
            ) from None

    @contextmanager
    def temporal_errors(self, po_number: str) -> Iterator[None]:
        """Temporal's failures for the workflow of `po_number` (or an intake
        workflow id) as the doors' errors."""
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

    async def store_document(self, **kwargs: Any) -> repository.StoredDocument:
        """The raw document as received (repository.store_document), off the event loop."""
        return await self._db(repository.store_document, self.engine, **kwargs)

    async def _db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        try:
            return await asyncio.to_thread(fn, *args, **kwargs)
        except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.ProgrammingError) as err:
            raise database_unavailable(err, redacted_url(self.engine)) from None
