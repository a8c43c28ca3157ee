"""Input bounds (issue #14 item 9): whatever a door accepts, every later step
can carry — the workflow, its timers, the money columns, PostgreSQL text, the
URLs that address a PO and Temporal's payload limit.

1. The table: each input that used to be accepted and then wedged a PO (or
   something like it) is refused at the door, 422 with the field named, or 413.
2. Exactly at the bounds is accepted.
3. A property test: POs (with an acknowledgment and an invoice) generated
   from the accepted space, extremes included, run through the real
   PurchaseOrderWorkflow and activities without a failed workflow task or a
   failing activity, to their expected end; plus the largest PO accepted.
4. The DB layer stores boundary values on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import copy
import dataclasses
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, TypeVar

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, Phase, given, reject, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, RPCTimeoutOrCancelledError, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from activities.db import outbox, repository
from activities.intake.resolve import reading_problems
from models import (
    AuditEvent,
    HoldCode,
    HumanTask,
    Invoice,
    InvoiceStatus,
    MatchRecord,
    MatchRequest,
    PaymentHandoff,
    PoProjection,
    PoStatus,
    PurchaseOrder,
    PurchaseOrderInput,
    PurchaseOrderState,
    TaskKind,
)
from models.acknowledgments import Acknowledgment
from models.common import (
    LATEST_DATE,
    MAX_DOCUMENT_AMOUNT,
    MAX_LINE_NO,
    MAX_LINES,
    REPLACEMENT,
    screen_text,
)
from models.extraction import Extracted, ExtractedKind
from models.matching import ToleranceProfile
from p2p import acknowledgment
from p2p.matching import match_invoice
from starter.api.application import json_body_limit as _body_limit
from starter.errors import TooLarge
from starter.service.checks import check_payload_size, payload_bytes
from tests.support.api import (
    ACK,
    INVOICE,
    PO,
    RECEIPT,
    FakeRepository,
    FakeTemporal,
    approval_task,
    post_json,
)
from tests.support.builders import decide, running_worker, seeded_sqlite, start, state
from tests.support.temporal import start_time_skipping_server
from workflows.contract import PoSignal, po_workflow_id

T = TypeVar("T")
POS = "/api/v1/purchase-orders"
ON_PO = f"{POS}/1001"
Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    """`lines.0.quantity` → body["lines"][0]["quantity"] = value."""
    *parents, leaf = [int(part) if part.isdigit() else part for part in path.split(".")]

    def mutate(body: dict[str, Any]) -> None:
        target: Any = body
        for part in parents:
            target = target[part]
        target[leaf] = value

    return mutate


def _many_lines(n: int) -> Mutation:
    def mutate(body: dict[str, Any]) -> None:
        body["lines"] = [dict(body["lines"][0], line_no=i + 1) for i in range(n)]

    return mutate


def _both(*mutations: Mutation) -> Mutation:
    def mutate(body: dict[str, Any]) -> None:
        for mutation in mutations:
            mutation(body)

    return mutate


# (case, url, body, mutation, field the 422 names)
BAD_INPUTS: list[tuple[str, str, dict[str, Any], Mutation, str]] = [
    # the issue's list
    ("quantity-12-digits", POS, PO, _set("lines.0.quantity", "999999999999.999999"), "lines[0].quantity"),
    ("price-12-digits", POS, PO, _set("lines.0.unit_price", "999999999999.999999"), "lines[0].unit_price"),
    ("need-by-9999", POS, PO, _set("lines.0.need_by", "9999-12-31"), "lines[0].need_by"),
    ("nul-in-buyer", POS, PO, _set("buyer", "bob\x00"), "buyer"),
    ("nul-in-description", POS, PO, _set("lines.0.description", "glo\x00ves"), "lines[0].description"),
    ("slash-in-po-number", POS, PO, _set("po_number", "2026/1001"), "po_number"),
    ("line-no-10^100", POS, PO, _set("lines.0.line_no", 10**100), "lines[0].line_no"),
    ("jpy-freight-100.50", POS, PO, _both(_set("currency", "JPY"), _set("freight", "100.50")), "freight"),
    # around them
    (
        "order-value-at-10^11",
        POS,
        PO,
        _both(_set("lines.0.quantity", "100000000"), _set("lines.0.unit_price", "1000")),
        "lines",
    ),
    ("freight-over-order-bound", POS, PO, _set("freight", "99999999999"), "freight"),
    ("order-date-1969", POS, PO, _set("order_date", "1969-12-31"), "order_date"),
    ("created-at-year-2200", POS, PO, _set("created_at", "2200-01-01T00:00:00Z"), "created_at"),
    ("bell-in-note", POS, PO, _set("note", "ring\x07"), "note"),
    ("more-than-6-decimals", POS, PO, _set("lines.0.quantity", "1.0000001"), "lines[0].quantity"),
    ("nan-price", POS, PO, _set("lines.0.unit_price", "NaN"), "lines[0].unit_price"),
    (
        "exponent-discount",
        POS,
        PO,
        _set("payment_terms", {"net_days": 30, "discount_days": 10, "discount_percent": "1E-1000"}),
        "payment_terms.discount_percent",
    ),
    ("revision-10^12", POS, PO, _set("revision", 10**12), "revision"),
    ("line-no-0", POS, PO, _set("lines.0.line_no", 0), "lines[0].line_no"),
    ("1001-lines", POS, PO, _many_lines(MAX_LINES + 1), "lines"),
    (
        "invoice-jpy-total-100.50",
        f"{ON_PO}/invoices",
        INVOICE,
        _both(_set("currency", "JPY"), _set("lines.0.unit_price", "10.05"), _set("total", "100.50")),
        "total",
    ),
    ("invoice-line-amount-mills", f"{ON_PO}/invoices", INVOICE, _set("lines.0.amount", "1234.505"), "lines"),
    ("invoice-tax-mills", f"{ON_PO}/invoices", INVOICE, _set("tax", "0.001"), "tax"),
    ("invoice-date-9999", f"{ON_PO}/invoices", INVOICE, _set("invoice_date", "9999-12-31"), "invoice_date"),
    (
        "invoice-number-nul",
        f"{ON_PO}/invoices",
        INVOICE,
        _set("invoice_number", "INV\x001"),
        "invoice_number",
    ),
    (
        "invoice-line-no-10^100",
        f"{ON_PO}/invoices",
        INVOICE,
        _set("lines.0.line_no", 10**100),
        "lines[0].line_no",
    ),
    ("invoice-total-10^11", f"{ON_PO}/invoices", INVOICE, _set("total", "100000000000"), "total"),
    (
        "invoice-lines-over-bound",
        f"{ON_PO}/invoices",
        INVOICE,
        _both(_set("lines.0.quantity", "999999999"), _set("lines.0.unit_price", "999")),
        "lines",
    ),
    (
        "receipt-year-9999",
        f"{ON_PO}/receipts",
        RECEIPT,
        _set("received_at", "9999-12-31T23:00:00Z"),
        "received_at",
    ),
    (
        "receipt-quantity-10^12",
        f"{ON_PO}/receipts",
        RECEIPT,
        _set("lines.0.quantity_received", "1e12"),
        "lines[0].quantity_received",
    ),
    (
        "receipt-escape-in-name",
        f"{ON_PO}/receipts",
        RECEIPT,
        _set("received_by", "\x1b[31mwally"),
        "received_by",
    ),
    (
        "ack-promised-9999",
        f"{ON_PO}/acknowledgments",
        ACK,
        _set("lines", [{"line_no": 1, "status": "changed", "promised_date": "9999-12-31"}]),
        "lines[0].promised_date",
    ),
    (
        "ack-price-10^10",
        f"{ON_PO}/acknowledgments",
        ACK,
        _set("lines", [{"line_no": 1, "status": "changed", "unit_price": "1e10"}]),
        "lines[0].unit_price",
    ),
    ("ack-message-c1-control", f"{ON_PO}/acknowledgments", ACK, _set("message", "o\x85k"), "message"),
    ("ack-po-number-slash", f"{ON_PO}/acknowledgments", ACK, _set("po_number", "10/01"), "po_number"),
    (
        "cancel-reason-nul",
        f"{ON_PO}/cancel",
        {"reason": "x"},
        _set("reason", "dup\x00"),
        "reason",
    ),
    (
        "decision-comment-nul",
        "/api/v1/tasks/T-1/decision",
        {"decision": "reject"},
        _set("comment", "no\x00"),
        "comment",
    ),
    (
        "hold-line-no-10^100",
        f"{ON_PO}/invoices/INV-1001/hold",
        {"reason": "check"},
        _set("line_no", 10**100),
        "line_no",
    ),
]


@pytest.mark.parametrize(
    ("url", "body", "mutate", "field"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_each_bad_input_is_refused_with_the_field_named(
    api: Any,
    repo: FakeRepository,
    temporal: FakeTemporal,
    url: str,
    body: dict[str, Any],
    mutate: Mutation,
    field: str,
) -> None:
    repo.tasks["T-1"] = approval_task()
    bad = copy.deepcopy(body)
    mutate(bad)

    response, _ = post_json(api, url, bad)

    assert response.status_code == 422, response.text
    answer = response.json()
    assert field in [error["field"] for error in answer["errors"]], answer
    assert answer["detail"]
    assert [e for e in repo.events if e[0] != "store"] == [] and temporal.starts == []  # nothing started


def test_a_file_name_with_a_control_character_is_refused_before_storing(
    api: Any, repo: FakeRepository
) -> None:
    response = api.post(
        "/api/v1/documents",
        params={"filename": "inv\x00.pdf"},
        content=b"%PDF-1.7",
        headers={"content-type": "application/pdf"},
    )

    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == ["filename"]
    assert repo.documents == {}


# --- 413: bodies and workflow inputs -------------------------------------------------------


def test_a_json_body_over_the_limit_is_refused_413_before_any_handler(
    api: Any, service: Any, repo: FakeRepository
) -> None:
    service.settings = dataclasses.replace(service.settings, max_request_bytes=2_000)
    big = dict(PO, note="x" * 1_999)

    response, _ = post_json(api, POS, big)

    assert response.status_code == 413
    assert "2,000-byte limit" in response.json()["detail"]
    assert repo.events == []
    response, _ = post_json(api, POS, PO)  # a small one still passes
    assert response.status_code == 201, response.text


def test_a_streamed_body_without_length_is_cut_off_at_the_limit(
    api: Any, service: Any, repo: FakeRepository
) -> None:
    service.settings = dataclasses.replace(service.settings, max_request_bytes=2_000)
    chunks = (b" " * 500 for _ in range(10))  # no Content-Length: chunked

    response = api.post(POS, content=chunks, headers={"content-type": "application/json"})

    assert response.status_code == 413
    assert "over 2,000 bytes" in response.json()["detail"]
    assert repo.events == []


def test_only_the_file_door_keeps_its_own_limit() -> None:
    app = type("App", (), {"state": type("State", (), {})()})()
    assert _body_limit({"path": "/api/v1/documents", "app": app}) is None
    assert _body_limit({"path": f"{POS}/1001/invoices", "app": app}) == 1024 * 1024


def test_a_po_over_the_workflow_input_limit_is_refused_413_before_anything_is_stored(
    api: Any, service: Any, repo: FakeRepository, temporal: FakeTemporal
) -> None:
    service.settings = dataclasses.replace(service.settings, max_workflow_input_bytes=4_000)
    big = dict(PO, lines=[dict(PO["lines"][0], line_no=n, description="d" * 100) for n in range(1, 41)])

    response, _ = post_json(api, POS, big)

    assert response.status_code == 413, response.text
    detail = response.json()["detail"]
    assert "PO-1001 is" in detail and "over the 4,000-byte limit" in detail
    assert repo.events == [] and temporal.starts == []


def test_a_document_over_the_workflow_input_limit_is_refused_before_it_is_stored(
    api: Any, service: Any, repo: FakeRepository, temporal: FakeTemporal
) -> None:
    response, _ = post_json(api, POS, PO)
    assert response.status_code == 201
    service.settings = dataclasses.replace(service.settings, max_workflow_input_bytes=2_000)
    big = dict(
        INVOICE, lines=[dict(INVOICE["lines"][0], line_no=n, description="d" * 100) for n in range(1, 21)]
    )

    response, _ = post_json(api, f"{ON_PO}/invoices", big)

    assert response.status_code == 413, response.text
    assert "invoice invoice:ACME:INV1001 is" in response.json()["detail"]
    assert "invoice:ACME:INV1001" not in repo.documents
    assert temporal.workflows["po-1001"].signals == []


def test_the_payload_size_is_what_the_data_converter_sends() -> None:
    po = PurchaseOrder.model_validate(PO)
    size = payload_bytes(PurchaseOrderInput(po=po))
    assert (
        len(PurchaseOrderInput(po=po).model_dump_json())
        < size
        < 2 * len(PurchaseOrderInput(po=po).model_dump_json())
    )
    check_payload_size(PurchaseOrderInput(po=po), size, "PO")  # at the limit: fine
    with pytest.raises(TooLarge, match=f"PO is {size:,} bytes"):
        check_payload_size(PurchaseOrderInput(po=po), size - 1, "PO")


# --- exactly at the bounds --------------------------------------------------------------------


def largest_po(po_number: str, *, vendor: str = "CLOUDOPS", description: int = 150) -> PurchaseOrder:
    """MAX_LINES lines ending at MAX_LINE_NO, the largest quantity, need-by on
    the last day, an order value just below the bound, within the payload limit."""
    per_line = Decimal("0.09")  # × 999999999.999999 ≈ 9·10^7 a line, 9·10^10 for 1000
    lines = [
        {
            "line_no": MAX_LINE_NO - MAX_LINES + 1 + i,
            "item_id": ("SVC-CLOUD-SUPPORT-HR", "SVC-K8S-MANAGED-MO")[i % 2],
            "uom": ("HR", "MO")[i % 2],
            "description": ("Lång beskrivning\t€ – 完了 " * 20)[:description],
            "quantity": "999999999.999999",
            "unit_price": str(per_line),
            "need_by": LATEST_DATE.isoformat(),
        }
        for i in range(MAX_LINES)
    ]
    return PurchaseOrder.model_validate(
        {
            "po_number": po_number,
            "vendor_id": vendor,
            "buyer": "bob.buyer",
            "requested_by": "rita.requester",
            "currency": "USD",
            "order_date": "1970-01-01",
            "lines": lines,
            "freight": "9999999.99",
            "note": "n" * 2000,
        }
    )


def test_exactly_at_the_bounds_is_accepted(api: Any) -> None:
    po = largest_po("PO-MAX")
    assert po.total + po.freight < MAX_DOCUMENT_AMOUNT
    assert payload_bytes(PurchaseOrderInput(po=po)) <= 512 * 1024

    response, _ = post_json(api, POS, po.model_dump(mode="json"))

    assert response.status_code == 201, response.text


def test_text_may_hold_tabs_line_breaks_and_any_script() -> None:
    po = PurchaseOrder.model_validate(dict(PO, note="Zeile 1\r\nZeile 2\tmit Tab — 完了 ✓ \U0001f4e6"))
    assert "\t" in (po.note or "")


def test_a_reading_keeps_a_broken_character_visible_and_goes_to_a_person() -> None:
    reading = Extracted(
        kind=ExtractedKind.INVOICE,
        format="pdf",
        document=dict(INVOICE, invoice_number="INV\x001"),
        confidence={"invoice_number": 0.99},
        warnings=["page\x0c1"],
    )

    assert reading.document["invoice_number"] == f"INV{REPLACEMENT}1"
    assert reading.warnings == [f"page{REPLACEMENT}1"]
    problems, _ = reading_problems(reading.kind, reading.document, reading.confidence, 0.8)
    assert problems == [f"invoice_number: has characters that could not be read (shown as {REPLACEMENT})"]
    with pytest.raises(ValueError, match="U\\+0000"):
        screen_text({"a": ["ok", "n\x00"]})


def test_a_read_po_number_with_a_slash_goes_to_a_person() -> None:
    problems, document_id = reading_problems(
        ExtractedKind.INVOICE, dict(INVOICE, po_number="2026/1001"), {}, 0.8
    )

    assert document_id is None
    assert [p for p in problems if p.startswith("po_number:")], problems


def test_an_acknowledgment_cannot_push_the_order_value_past_the_bound() -> None:
    po = PurchaseOrder.model_validate(dict(PO, lines=[dict(PO["lines"][0], quantity="1000")]))
    ack = Acknowledgment.model_validate(
        dict(
            ACK,
            status="accepted_with_changes",
            lines=[{"line_no": 1, "status": "changed", "unit_price": "999999999.999999"}],
        )
    )

    comparison = acknowledgment.compare_acknowledgment(po, ack, ToleranceProfile(ack_price_pct=None))

    assert comparison.revised_po is None  # even if the buyer accepts, no revision the door would refuse
    assert any("not taken as a revision" in text for text in comparison.outside_tolerance)


# --- the PO workflow processes whatever the API accepts ----------------------------------------

ITEMS = (("SVC-CLOUD-SUPPORT-HR", "HR"), ("SVC-K8S-MANAGED-MO", "MO"))  # CloudOps: 2-way, 0 % tax
QTY_MAX = Decimal("999999999.999999")
SIX = Decimal("0.000001")
_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\t\n\r"), max_size=40)
_dates = st.one_of(st.sampled_from([date(1970, 1, 1), LATEST_DATE]), st.dates(date(1970, 1, 1), LATEST_DATE))


def _decimals(low: Decimal, high: Decimal) -> st.SearchStrategy[Decimal]:
    """Six-decimal values in [low, high], the ends themselves often."""
    return st.one_of(
        st.sampled_from([low, high]), st.decimals(low, high, places=6, allow_nan=False, allow_infinity=False)
    )


@st.composite
def accepted_pos(draw: st.DrawFn) -> PurchaseOrder:
    """A PO the API accepts: 1–3 lines, quantities and prices up to their bounds
    with the order value kept below its own, extreme dates, line numbers and text."""
    count = draw(st.integers(1, 3))
    numbers = draw(
        st.lists(
            st.one_of(st.just(MAX_LINE_NO), st.integers(1, MAX_LINE_NO)),
            min_size=count,
            max_size=count,
            unique=True,
        )
    )
    budget = (MAX_DOCUMENT_AMOUNT - 1) / count  # each line's share of the order-value bound
    lines = []
    for n in numbers:
        item, uom = draw(st.sampled_from(ITEMS))
        quantity = draw(_decimals(SIX, QTY_MAX))
        price_cap = min(QTY_MAX, (budget / quantity).quantize(SIX, rounding="ROUND_DOWN"))
        need_by = draw(st.none() | _dates)
        lines.append(
            {
                "line_no": n,
                "item_id": item,
                "uom": uom,
                "quantity": str(quantity),
                "unit_price": str(draw(_decimals(Decimal(0), price_cap))),
                "description": draw(_text),
                "need_by": need_by.isoformat() if need_by else None,
            }
        )
    body = {
        "po_number": f"P{uuid.uuid4().hex[:8]}"
        + draw(st.from_regex(r"[A-Za-z0-9._\-]{0,20}", fullmatch=True)),
        "vendor_id": "CLOUDOPS",
        "buyer": "b" + draw(_text),
        "requested_by": "rita.requester",
        "currency": "USD",
        "order_date": draw(_dates).isoformat(),
        "lines": lines,
        "note": draw(_text),
    }
    try:
        return PurchaseOrder.model_validate_json(json.dumps(body))  # the API's own oracle
    except ValidationError:  # e.g. rounding put the order value on the bound: not in the space
        reject()


def invoice_for(po: PurchaseOrder, number: str) -> Invoice:
    lines = [
        {"line_no": line.line_no, "quantity": str(line.quantity), "unit_price": str(line.unit_price)}
        for line in po.lines
    ]
    return Invoice.model_validate(
        {
            "invoice_number": number,
            "vendor_id": po.vendor_id,
            "po_number": po.po_number,
            "invoice_date": "2199-12-31",
            "currency": po.currency,
            "lines": lines,
            "freight": str(po.freight),
            "total": str(po.total + po.freight),
            "payment_terms": {"net_days": 365, "discount_days": 365, "discount_percent": "99.999999"},
        }
    )


def ack_for(po: PurchaseOrder, promised: date, message: str) -> Acknowledgment:
    return Acknowledgment.model_validate(
        {
            "ack_id": "ACK-1",
            "po_number": po.po_number,
            "vendor_id": po.vendor_id,
            "status": "accepted_with_changes",
            "lines": [
                {"line_no": po.lines[0].line_no, "status": "changed", "promised_date": promised.isoformat()}
            ],
            "message": message,
            "acknowledged_at": datetime.now(UTC).isoformat(),
        }
    )


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def own_env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server of its own: these POs carry timers up to the year
    2200, and a clock that skipped there must not be every later test's clock."""
    env = await start_time_skipping_server()
    try:
        yield env
    finally:
        await env.shutdown()


@pytest.fixture(scope="module")
def wf_engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    engine = seeded_sqlite(tmp_path_factory.mktemp("bounds") / "poflow.db")
    yield engine
    engine.dispose()


async def until(
    handle: WorkflowHandle, done: Callable[[PurchaseOrderState], bool], seconds: float = 30
) -> PurchaseOrderState:
    """Poll the state until `done`; fail as soon as the history shows a wedge."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    polls = 0
    while True:
        if polls % 10 == 0:
            assert await wedges(handle) == []
        polls += 1
        current = await bounded(handle, state(handle))
        if done(current):
            return current
        if loop.time() > deadline:
            raise AssertionError(
                f"not reached: status={current.status}, "
                f"timeline={[(e.event, e.detail[:100]) for e in current.timeline]}"
            )
        await asyncio.sleep(0.05)


async def bounded(handle: WorkflowHandle, call: Awaitable[T], seconds: float = 10) -> T:
    """A query or update to a workflow whose task keeps failing waits for ever:
    give up after `seconds` and say why."""
    try:
        return await asyncio.wait_for(call, seconds)
    except (TimeoutError, RPCTimeoutOrCancelledError):
        assert await wedges(handle) == [], f"no answer from {handle.id} within {seconds:g} s"
        raise


async def wedges(handle: WorkflowHandle) -> list[str]:
    """Failed workflow tasks in the history, and activities failing their retries."""
    found = []
    async for event in handle.fetch_history_events():
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED:
            found.append(
                f"workflow task failed: {event.workflow_task_failed_event_attributes.failure.message}"
            )
    description = await handle.describe()
    found += [
        f"activity {p.activity_type.name} attempt {p.attempt}: {p.last_failure.message}"
        for p in description.raw_description.pending_activities
        if p.attempt > 1
    ]
    return found


async def run_po(
    client: Client,
    queue: str,
    engine: Engine,
    po: PurchaseOrder,
    ack: Acknowledgment | None,
    invoice: Invoice,
) -> PurchaseOrderState:
    """Approve if asked, acknowledge, invoice; return the settled state after
    checking nothing wedged and the inbox projection agrees with it."""
    handle = await start(client, queue, po)
    try:
        return await _drive(handle, engine, po, ack, invoice)
    except BaseException:
        # A wedged run never finishes a cancellation (running_worker's
        # cleanup would wait for ever): end it here.
        await handle.terminate("test failed")
        raise


def past_level(opened: int) -> Callable[[PurchaseOrderState], bool]:
    """Approved to the next level (a new task) or out of approval altogether."""
    return lambda s: s.status != PoStatus.PENDING_APPROVAL or len(s.tasks) > opened


async def _drive(
    handle: WorkflowHandle, engine: Engine, po: PurchaseOrder, ack: Acknowledgment | None, invoice: Invoice
) -> PurchaseOrderState:
    s = await until(
        handle, lambda s: s.status in (PoStatus.ISSUED, PoStatus.PENDING_APPROVAL, PoStatus.REJECTED)
    )
    assert s.status != PoStatus.REJECTED, s.timeline
    # Every level of the approval route, each by another person, whatever the total.
    limits = {po.currency: Decimal("1e30")}
    level = 0
    while s.status == PoStatus.PENDING_APPROVAL:
        level += 1
        task = next(t for t in s.open_tasks if t.kind == TaskKind.APPROVE_PO)
        await bounded(
            handle, decide(handle, task.task_id, "approve", actor=f"approver-{level}", limits=limits)
        )
        s = await until(handle, past_level(len(s.tasks)))
    if ack is not None:
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack)
    await handle.signal(PoSignal.INVOICE, invoice)
    s = await until(
        handle,
        lambda s: (
            len(s.invoices) == 1
            and s.invoices[0].match is not None
            and (s.is_final or bool(s.open_tasks))
            and (ack is None or len(s.acknowledgments) == 1)
        ),
    )
    assert await wedges(handle) == []
    projection = await asyncio.to_thread(repository.get_purchase_order, engine, po.po_number)
    assert projection is not None and projection.total == s.po.total, (projection, s.po.total)
    return s


def expect_settled(s: PurchaseOrderState, late_promise: bool = False) -> None:
    """Matched at the PO's own terms, so approved and closed — unless drawn for
    the random audit, a need-by already past opened an expedite task, or a
    promise later than the line's need-by went to the buyer (days late)."""
    record = s.invoices[0]
    assert {h.code for h in record.open_holds} <= {HoldCode.RANDOM_AUDIT}, [
        h.message for h in record.open_holds
    ]
    if record.status == InvoiceStatus.APPROVED:
        kinds = {t.kind for t in s.open_tasks}
        allowed = {TaskKind.EXPEDITE_RECEIPT} | (
            {TaskKind.APPROVE_SUPPLIER_CHANGE} if late_promise else set()
        )
        assert s.status == PoStatus.CLOSED or (kinds and kinds <= allowed), (s.status, kinds)


async def test_whatever_the_api_accepts_the_workflow_processes(
    own_env: WorkflowEnvironment, wf_engine: Engine
) -> None:
    loop = asyncio.get_running_loop()
    async with running_worker(own_env.client, wf_engine) as queue:
        # No shrinking: each example is a workflow run, and a failure must stay
        # well inside a minute; hypothesis still prints the failing example.
        @settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.explicit, Phase.generate],
        )
        @given(po=accepted_pos(), promised=_dates, message=_text, acknowledge=st.booleans())
        def prop(po: PurchaseOrder, promised: date, message: str, acknowledge: bool) -> None:
            ack = ack_for(po, promised, message) if acknowledge else None
            future = asyncio.run_coroutine_threadsafe(
                run_po(own_env.client, queue, wf_engine, po, ack, invoice_for(po, "INV-1")), loop
            )
            try:
                settled = future.result(timeout=60)
            finally:
                future.cancel()  # on a timeout: run_po terminates its workflow
            first = po.lines[0].need_by
            expect_settled(settled, late_promise=acknowledge and first is not None and promised > first)

        await asyncio.to_thread(prop)  # hypothesis drives from a thread; the workflows run on this loop


async def test_the_largest_po_accepted_runs_to_its_end(
    own_env: WorkflowEnvironment, wf_engine: Engine
) -> None:
    po = largest_po(f"PO-MAX-{uuid.uuid4().hex[:6]}")
    async with running_worker(own_env.client, wf_engine) as queue:
        s = await run_po(own_env.client, queue, wf_engine, po, None, invoice_for(po, "INV-MAX"))
    expect_settled(s)


# --- the DB layer stores what the door lets through -------------------------------------------

BIG = MAX_DOCUMENT_AMOUNT - Decimal("0.01")
TEXT = ("Prüfung\t完了\n" * 30)[:128]


def test_boundary_values_are_stored_on_every_backend(engine: Engine) -> None:
    now = datetime(2199, 12, 31, 23, 59, tzinfo=UTC)
    po = largest_po("PO-DB", vendor="ACME")
    repository.upsert_po_projection(
        engine,
        PoProjection(
            po_number=po.po_number,
            revision=999_999,
            vendor_id="ACME",
            buyer=TEXT,
            status="issued",
            currency="USD",
            total=BIG,
            workflow_id=po_workflow_id(po.po_number),
            updated_at=now,
        ),
    )
    task = HumanTask(
        task_id=f"{po.po_number}-T1",
        po_number=po.po_number,
        kind=TaskKind.APPROVE_PO,
        title=TEXT,
        options=["approve", "reject"],
        assignee_role="budget_owner",
        context={"why": TEXT * 10},
        created_at=now,
        due_at=now,
    )
    repository.upsert_task(engine, task)
    repository.insert_audit_events(
        engine,
        [
            AuditEvent(
                event_id=f"{po.po_number}:0",
                po_number=po.po_number,
                event="received",
                detail=TEXT * 100,
                at=now,
            )
        ],
    )
    invoice = invoice_for(po, "INV-DB")
    request = MatchRequest(po=po, invoice=invoice)
    repository.insert_match_result(
        engine, MatchRecord(request=request, result=match_invoice(request, matched_at=now))
    )
    outbox.hand_off_payment(
        engine,
        PaymentHandoff(
            invoice_id=invoice.document_id,
            po_number=po.po_number,
            vendor_id="ACME",
            invoice_number="INV-DB",
            currency="USD",
            amount=-BIG,
            at=now,
        ),
    )

    stored = repository.get_purchase_order(engine, po.po_number)
    assert stored is not None and (stored.total, stored.buyer) == (BIG, TEXT)
    assert repository.get_task(engine, task.task_id) == task
    assert repository.list_audit_events(engine, po.po_number)[0].detail == TEXT * 100
    records = repository.list_match_records(engine, invoice_id=invoice.document_id, with_request=True)
    assert records[0].request is not None and records[0].request.po == po
    assert outbox.get_payment_handoff(engine, invoice.document_id).amount == -BIG  # type: ignore[union-attr]
