"""The demo: realistic purchase orders pushed through the running stack over
the HTTP API, one scenario per path of the lifecycle. Every scenario waits for
the state it is meant to end in and prints one line with the PO's Temporal UI
link; the exit code says whether all of them got there.

Run from the root of a source checkout (the suppliers' files come from
`tools.supplier_sim`, which is not installed with poflow):

    python -m tools.demo --api http://127.0.0.1:8000

`poflow up` (unless --no-demo) and `poflow demo` start exactly that, through
`starter/demo.py`.

Master data comes from seed/master_data.json (contract prices, the
`demo-fast` policy of vendor SLOWPOKE with SLAs in seconds)."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx

from models import normalize_invoice_number
from tools import demo_users
from tools.demo_http import Patience, StillWaiting, found_in, request, wait_for_intake
from tools.demo_supplier import ack_as_x12, asn_as_desadv, invoice_as_facturx, invoice_as_pdf, invoice_as_ubl
from workflows.contract import Decision, po_workflow_id

API = "/api/v1"
POLL_SECONDS = 0.5
SCENARIO_TIMEOUT = 120.0


class DemoError(Exception):
    """A scenario did not reach its expected state."""


@dataclass
class Outcome:
    name: str
    po_number: str
    expected: str
    actual: str
    ui_url: str

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _need_by(days: int = 14) -> str:
    return (date.today() + timedelta(days=days)).isoformat()


class Demo:
    """Thin client over the API with the few waits the scenarios need. It
    calls as the principals a real installation has (tools/demo_users.py):
    the ERP's token for POs, JSON documents and receipts (`http`), the EDI
    gateway's token for supplier files (`files`), and each person's signed-in
    session for their decisions (`people`)."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        run_id: str,
        earlier_runs: int = 0,
        files: httpx.AsyncClient | None = None,
        people: dict[str, httpx.AsyncClient] | None = None,
        patience: Patience | None = None,
    ) -> None:
        self.http = http
        self.files = files or http
        self.people = people or {}
        self.run_id = run_id
        self._counter = 0
        # Each run orders a different quantity on line 1 (one more per earlier
        # run found on the stack) and numbers its documents with the run id, so
        # a later demo against the same database is neither refused as a
        # duplicate nor held as a suspected one (same vendor, same amount,
        # within 30 days) — as it would rightly be.
        self.bump = earlier_runs % 200
        # How long a call waits out a stack that is restarting (a worker, the API, Temporal).
        self.patience = patience or Patience()

    def number(self, base: str) -> str:
        """A supplier document number unique to this run."""
        return f"{base}-{self.run_id}"

    def next_po_number(self) -> str:
        self._counter += 1
        return f"PO-{self.run_id}-{self._counter:02d}"

    async def create_po(
        self, vendor: str, currency: str, lines: list[dict[str, Any]], buyer: str = "bob.buyer", **extra: Any
    ) -> dict[str, Any]:
        first = dict(lines[0], quantity=str(Decimal(lines[0]["quantity"]) + self.bump))
        lines = [first, *lines[1:]]
        po = {
            "po_number": self.next_po_number(),
            "vendor_id": vendor,
            "buyer": buyer,
            "currency": currency,
            "requested_by": "rita.requester",
            "order_date": date.today().isoformat(),
            "payment_terms": {"net_days": 30, "discount_days": 10, "discount_percent": "2"},
            "lines": [{"line_no": i + 1, "need_by": _need_by(), **line} for i, line in enumerate(lines)],
            **extra,
        }
        answer = await self._send(self.http, "POST", f"{API}/purchase-orders", expect=201, json=po)
        _expect(answer, 201)
        return po

    async def post(
        self, po: dict[str, Any], kind: str, document: dict[str, Any], expect: int = 202
    ) -> dict[str, Any]:
        url = f"{API}/purchase-orders/{po['po_number']}/{kind}"
        answer = await self._send(self.http, "POST", url, expect=expect, json=document)
        _expect(answer, expect)
        return answer.json()

    async def send_file(self, file: tuple[bytes, str, str]) -> str:
        """Post a supplier's file to the documents door; every document in it
        must reach its PO. Returns the file's format as intake read it."""
        _, found = await self._post_file(file)
        if not found or any(item["status"] != "delivered" for item in found):
            raise DemoError(f"{file[1]}: intake did not deliver it: {found}")
        return found[0]["format"]

    async def review_file(
        self, file: tuple[bytes, str, str], actor: str, **corrections: Any
    ) -> dict[str, Any]:
        """Post a file intake cannot send on by itself; the reviewer corrects
        the reading (as the inbox would) and sends it on."""
        workflow_id, [item] = await self._post_file(file)
        if item["status"] != "needs_review":
            raise DemoError(f"{file[1]}: expected a review, intake said {item['status']}")
        answer = await self._send(self.http, "GET", f"{API}/documents/{workflow_id}", expect=200)
        _expect(answer, 200)
        reading = next(
            i["extracted"]["document"] for i in answer.json()["items"] if i["task_id"] == item["task_id"]
        )
        await self.decide(item["task_id"], Decision.SEND_ON, actor, document=reading | corrections)
        return item

    async def _post_file(self, file: tuple[bytes, str, str]) -> tuple[str, list[dict[str, Any]]]:
        raw, filename, content_type = file
        answer = await self._send(
            self.files,
            "POST",
            f"{API}/documents",
            expect=202,
            content=raw,
            params={"filename": filename},
            headers={"content-type": content_type},
        )
        _expect(answer, 202)
        body = answer.json()
        if body.get("status") in ("done", "needs_review", "failed") and "found" in body:
            return body["workflow_id"], body["found"]
        # Accepted, not yet read (a worker was away), or accepted by an earlier
        # attempt (a repeat's 409): the intake says what it found once it has.
        try:
            view = await wait_for_intake(
                self.http, f"{API}/documents/{body['workflow_id']}", patience=self.patience
            )
        except StillWaiting as err:
            raise DemoError(f"{filename}: {err}") from None
        return body["workflow_id"], found_in(view)

    async def state(self, po_number: str) -> dict[str, Any]:
        answer = await self._send(self.http, "GET", f"{API}/purchase-orders/{po_number}", expect=200)
        _expect(answer, 200)
        return answer.json()

    async def wait_for(
        self, po_number: str, test: Callable[[dict[str, Any]], bool], what: str
    ) -> dict[str, Any]:
        deadline = time.monotonic() + SCENARIO_TIMEOUT
        while True:
            view = await self.state(po_number)
            if test(view):
                return view
            if time.monotonic() > deadline:
                raise DemoError(f"{po_number}: gave up waiting for {what}; status is {view['status']}")
            await asyncio.sleep(POLL_SECONDS)

    async def wait_status(self, po_number: str, status: str) -> dict[str, Any]:
        return await self.wait_for(po_number, lambda v: v["status"] == status, f"status {status}")

    async def open_task(self, po_number: str, kind: str) -> dict[str, Any]:
        view = await self.wait_for(
            po_number,
            lambda v: any(t["kind"] == kind and t["status"] == "open" for t in v["state"]["tasks"]),
            f"an open {kind} task",
        )
        task = next(t for t in view["state"]["tasks"] if t["kind"] == kind and t["status"] == "open")
        await self._in_inbox(task["task_id"])
        return task

    async def _in_inbox(self, task_id: str) -> None:
        """The workflow's state shows a task a moment before its activity
        writes the inbox row that a decision is checked against."""
        deadline = time.monotonic() + SCENARIO_TIMEOUT
        while True:
            answer = await self._send(self.http, "GET", f"{API}/tasks", expect=200)
            _expect(answer, 200)
            if any(t["task_id"] == task_id for t in answer.json()):
                return
            if time.monotonic() > deadline:
                raise DemoError(f"task {task_id} never reached the inbox")
            await asyncio.sleep(POLL_SECONDS / 5)

    async def decide(
        self,
        task_id: str,
        decision: str,
        actor: str,
        comment: str | None = None,
        document: dict[str, Any] | None = None,
    ) -> None:
        # As the person, signed in: the API records who from the session, never from the body.
        answer = await self._send(
            self.people[actor],
            "POST",
            f"{API}/tasks/{task_id}/decision",
            expect=200,
            json={"decision": decision, "comment": comment, "document": document},
        )
        _expect(answer, 200)

    async def _send(self, client: httpx.AsyncClient, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """One call, repeated while the stack is restarting under it (tools/demo_http.py)."""
        try:
            return await request(client, method, url, patience=self.patience, **kwargs)
        except StillWaiting as err:
            raise DemoError(str(err)) from None


def _expect(answer: httpx.Response, status: int) -> None:
    if answer.status_code != status:
        raise DemoError(
            f"{answer.request.method} {answer.request.url.path} answered {answer.status_code} "
            f"(expected {status}): {answer.text[:300]}"
        )


# --- documents ----------------------------------------------------------------


def acknowledgment(
    po: dict[str, Any],
    ack_id: str,
    lines: list[dict[str, Any]] | None = None,
    status: str = "accepted",
    message: str | None = None,
) -> dict[str, Any]:
    return {
        "ack_id": ack_id,
        "po_number": po["po_number"],
        "vendor_id": po["vendor_id"],
        "status": status,
        "lines": lines or [],
        "message": message,
        "acknowledged_at": _now(),
    }


def ship_notice(po: dict[str, Any], asn_id: str) -> dict[str, Any]:
    """Everything on the PO, shipped today, due in two days."""
    return {
        "asn_id": asn_id,
        "po_number": po["po_number"],
        "vendor_id": po["vendor_id"],
        "shipped_at": _now(),
        "expected_delivery": (date.today() + timedelta(days=2)).isoformat(),
        "lines": [{"line_no": line["line_no"], "quantity_shipped": line["quantity"]} for line in po["lines"]],
    }


def receipt(
    po: dict[str, Any],
    receipt_id: str,
    quantities: dict[int, str],
    received_by: str = "wally.warehouse",
    rejected: dict[int, str] | None = None,
) -> dict[str, Any]:
    rejected = rejected or {}
    return {
        "receipt_id": receipt_id,
        "po_number": po["po_number"],
        "received_at": _now(),
        "received_by": received_by,
        "lines": [
            {"line_no": n, "quantity_received": q, "quantity_rejected": rejected.get(n, "0")}
            for n, q in quantities.items()
        ],
    }


def inspection(
    po: dict[str, Any], inspection_id: str, receipt_id: str, lines: dict[int, tuple[str, str]]
) -> dict[str, Any]:
    """`lines`: {line_no: (accepted, rejected)}."""
    return {
        "inspection_id": inspection_id,
        "po_number": po["po_number"],
        "receipt_id": receipt_id,
        "inspected_at": _now(),
        "inspected_by": "quinn.qa",
        "lines": [
            {"line_no": n, "quantity_accepted": a, "quantity_rejected": r}
            | ({"reject_reason": "fails volume calibration"} if r != "0" else {})
            for n, (a, r) in lines.items()
        ],
    }


def invoice(
    po: dict[str, Any],
    number: str,
    lines: dict[int, tuple[str, str]],
    tax_rate: str = "0",
    freight: str = "0",
    kind: str = "invoice",
) -> dict[str, Any]:
    net = sum((Decimal(q) * Decimal(p) for q, p in lines.values()), Decimal(0)).quantize(Decimal("0.01"))
    tax = (net * Decimal(tax_rate) / 100).quantize(Decimal("0.01"))
    return {
        "invoice_number": number,
        "kind": kind,
        "vendor_id": po["vendor_id"],
        "po_number": po["po_number"],
        "invoice_date": date.today().isoformat(),
        "currency": po["currency"],
        "lines": [{"line_no": n, "quantity": q, "unit_price": p} for n, (q, p) in lines.items()],
        "tax": str(tax),
        "freight": freight,
        "total": str(net + tax + Decimal(freight)),
        "payment_terms": po["payment_terms"],
    }


def quantity(po: dict[str, Any], line_no: int) -> str:
    return next(line["quantity"] for line in po["lines"] if line["line_no"] == line_no)


def everything(po: dict[str, Any]) -> dict[int, str]:
    return {line["line_no"]: line["quantity"] for line in po["lines"]}


def billed_at_po_price(po: dict[str, Any]) -> dict[int, tuple[str, str]]:
    return {line["line_no"]: (line["quantity"], line["unit_price"]) for line in po["lines"]}


# --- scenarios ------------------------------------------------------------------
# Each returns (po_number, final status as it will be printed).

ACME_LINES = [
    {
        "item_id": "MRO-GLOVE-NITRILE-L",
        "description": "Nitrile gloves, size L, box of 100",
        "quantity": "120",
        "unit_price": "11.90",
    },
    {
        "item_id": "MRO-SAFETY-GLASSES",
        "description": "Safety glasses, clear",
        "quantity": "80",
        "unit_price": "6.40",
    },
]
NORDIC_LINES = [
    {
        "item_id": "FST-BOLT-M8X30-A2",
        "description": "Hex bolt M8x30 A2-70",
        "quantity": "5000",
        "unit_price": "0.1840",
    },
    {"item_id": "FST-NUT-M8-A2", "description": "Hex nut M8 A2", "quantity": "5000", "unit_price": "0.0425"},
]


async def clean_po(demo: Demo) -> tuple[str, str]:
    po = await demo.create_po("ACME", "USD", ACME_LINES)
    await demo.wait_status(po["po_number"], "issued")
    ack_format = await demo.send_file(ack_as_x12(po, acknowledgment(po, demo.number("ACME-OA-5521"))))
    await demo.post(po, "receipts", receipt(po, "GR-88101", everything(po)))
    invoice_format = await demo.send_file(
        invoice_as_pdf(invoice(po, demo.number("ACME-INV-30211"), billed_at_po_price(po), tax_rate="8.25"))
    )
    view = await demo.wait_status(po["po_number"], "closed")
    return po["po_number"], f"{_status_with_tasks(view)}; ack as {ack_format}, invoice as {invoice_format}"


async def price_change_within_tolerance(demo: Demo) -> tuple[str, str]:
    po = await demo.create_po("NORDIC", "EUR", NORDIC_LINES)
    await demo.wait_status(po["po_number"], "issued")
    # 0.1840 → 0.1870 is +1.6%: inside the 2% acknowledgment tolerance
    await demo.post(
        po,
        "acknowledgments",
        acknowledgment(
            po,
            demo.number("NF-AB-2026-0917"),
            status="accepted_with_changes",
            lines=[{"line_no": 1, "status": "changed", "unit_price": "0.1870"}],
            message="Stainless surcharge from 1 Dec",
        ),
    )
    await demo.wait_for(po["po_number"], lambda v: v["state"]["po"]["revision"] == 1, "revision 1")
    await demo.post(po, "receipts", receipt(po, "GR-88102", everything(po)))
    invoice_format = await demo.send_file(
        invoice_as_facturx(
            invoice(
                po,
                demo.number("NF-90017"),
                {1: (quantity(po, 1), "0.1870"), 2: ("5000", "0.0425")},
                tax_rate="25",
            )
        )
    )
    view = await demo.wait_status(po["po_number"], "closed")
    return po["po_number"], (
        f"{_status_with_tasks(view)}, invoiced at revision {view['state']['po']['revision']} "
        f"as {invoice_format}"
    )


async def price_change_outside_tolerance(demo: Demo) -> tuple[str, str]:
    po = await demo.create_po("ACME", "USD", [ACME_LINES[0]])
    await demo.wait_status(po["po_number"], "issued")
    # 11.90 → 12.60 is +5.9%: the buyer must approve the supplier's change
    await demo.post(
        po,
        "acknowledgments",
        acknowledgment(
            po,
            demo.number("ACME-OA-5522"),
            status="accepted_with_changes",
            lines=[{"line_no": 1, "status": "changed", "unit_price": "12.60"}],
            message="Latex shortage",
        ),
    )
    task = await demo.open_task(po["po_number"], "approve_supplier_change")
    await demo.decide(task["task_id"], Decision.ACCEPT_CHANGE, actor="bob.buyer")
    await demo.post(po, "receipts", receipt(po, "GR-88103", everything(po)))
    await demo.post(
        po, "invoices", invoice(po, demo.number("ACME-INV-30212"), {1: (quantity(po, 1), "12.60")})
    )
    view = await demo.wait_status(po["po_number"], "closed")
    return po["po_number"], f"{_status_with_tasks(view)} (change approved by bob.buyer)"


async def partial_shipments(demo: Demo) -> tuple[str, str]:
    # both shipments' amounts vary with the run (see Demo.bump)
    glasses = str(80 + demo.bump)
    po = await demo.create_po("ACME", "USD", [ACME_LINES[0], dict(ACME_LINES[1], quantity=glasses)])
    await demo.wait_status(po["po_number"], "issued")
    await demo.post(po, "acknowledgments", acknowledgment(po, demo.number("ACME-OA-5523")))
    await demo.post(po, "receipts", receipt(po, "GR-88104", {1: "70", 2: glasses}))
    first_format = await demo.send_file(
        invoice_as_ubl(invoice(po, demo.number("ACME-INV-30213"), {1: ("70", "11.90"), 2: (glasses, "6.40")}))
    )
    await demo.wait_for(po["po_number"], lambda v: _approved(v) == 1, "the first invoice approved")
    rest = str(Decimal(quantity(po, 1)) - 70)
    await demo.post(po, "receipts", receipt(po, "GR-88131", {1: rest}))
    await demo.post(po, "invoices", invoice(po, demo.number("ACME-INV-30240"), {1: (rest, "11.90")}))
    view = await demo.wait_status(po["po_number"], "closed")
    return po["po_number"], (
        f"{_status_with_tasks(view)}, 2 receipts, {_approved(view)} invoices paid "
        f"(the first as {first_format})"
    )


async def split_with_price_change(demo: Demo) -> tuple[str, str]:
    """The supplier splits the gloves into two deliveries and raises their
    price +1.7 % (inside the +2 % acknowledgment limit): revision 1 carries
    both, and each delivery's invoice at the new price matches without a hold.
    The glasses come with the first delivery: with them the two invoices'
    amounts differ from each other and, like the gloves, vary with the run
    (Demo.bump), so no invoice looks like a duplicate of another."""
    glasses = str(80 + demo.bump)
    po = await demo.create_po("ACME", "USD", [ACME_LINES[0], dict(ACME_LINES[1], quantity=glasses)])
    await demo.wait_status(po["po_number"], "issued")
    rest = str(Decimal(quantity(po, 1)) - 70)
    schedules = [
        {"quantity": "70", "date": (date.today() + timedelta(days=5)).isoformat()},
        {"quantity": rest, "date": (date.today() + timedelta(days=12)).isoformat()},
    ]
    split = {"line_no": 1, "status": "changed", "unit_price": "12.10", "schedules": schedules}
    await demo.post(
        po,
        "acknowledgments",
        acknowledgment(po, demo.number("ACME-OA-5530"), [split], "accepted_with_changes", "Two shipments"),
    )
    await demo.wait_for(po["po_number"], lambda v: v["state"]["po"]["revision"] == 1, "revision 1")
    first = {1: ("70", "12.10"), 2: (glasses, "6.40")}
    await _deliver_and_bill(demo, po, ("GR-88140", "ACME-INV-30250"), first, approved=1)
    await _deliver_and_bill(demo, po, ("GR-88141", "ACME-INV-30251"), {1: (rest, "12.10")}, approved=2)
    view = await demo.wait_status(po["po_number"], "closed")
    line = view["state"]["po"]["lines"][0]
    return po["po_number"], (
        f"{_status_with_tasks(view)}, split into {len(line['schedules'])} deliveries at {line['unit_price']} "
        f"(revision {view['state']['po']['revision']}), {_approved(view)} invoices paid"
    )


async def _deliver_and_bill(
    demo: Demo, po: dict[str, Any], ids: tuple[str, str], billed: dict[int, tuple[str, str]], approved: int
) -> None:
    """One delivery received and invoiced ({line: (quantity, price)}); waits until it is paid."""
    receipt_id, number = ids
    await demo.post(po, "receipts", receipt(po, receipt_id, {n: q for n, (q, _) in billed.items()}))
    await demo.post(po, "invoices", invoice(po, demo.number(number), billed))
    await demo.wait_for(
        po["po_number"], lambda v: _approved(v) == approved, f"{approved} invoice(s) approved"
    )


async def buyer_amendment(demo: Demo) -> tuple[str, str]:
    """The buyer orders 30 more gloves and agrees a lower price for the glasses
    after issue: under the approval threshold, so revision 1 at once, sent to
    the supplier as a change; received and invoiced at the amended terms."""
    po = await demo.create_po("ACME", "USD", ACME_LINES)
    number = po["po_number"]
    await demo.wait_status(number, "issued")
    more = str(Decimal(quantity(po, 1)) + 30)
    changes = {
        "reason": "line 2 re-quoted; demand up",
        "lines": [{"line_no": 1, "quantity": more}, {"line_no": 2, "unit_price": "6.20"}],
    }
    _expect(await demo.people["bob.buyer"].post(f"{API}/purchase-orders/{number}/amend", json=changes), 200)
    await demo.wait_for(
        number, lambda v: any(e["event"] == "change_sent" for e in v["state"]["timeline"]), "sent"
    )
    amended = dict(po, lines=[dict(po["lines"][0], quantity=more), dict(po["lines"][1], unit_price="6.20")])
    await demo.post(po, "receipts", receipt(amended, "GR-88170", everything(amended)))
    billed = {1: (more, "11.90"), 2: (quantity(amended, 2), "6.20")}
    await demo.post(po, "invoices", invoice(po, demo.number("ACME-INV-30280"), billed))
    view = await demo.wait_status(number, "closed")
    last = view["state"]["revisions"][-1]
    return number, (
        f"{_status_with_tasks(view)}, amended by {last['approved_by']} to revision {last['revision']}, "
        "change sent to the supplier"
    )


async def return_after_receipt(demo: Demo) -> tuple[str, str]:
    """Gloves received and billed, some sent back torn: the return lowers what
    was received, a credit memo is expected (the supplier is told) and the
    supplier's memo settles it; the replacement is received and billed."""
    po = await demo.create_po(
        "ACME", "USD", [dict(ACME_LINES[0], quantity="150"), dict(ACME_LINES[1], quantity="40")]
    )
    number = po["po_number"]
    await demo.wait_status(number, "issued")
    await demo.post(po, "receipts", receipt(po, "GR-88150", everything(po)))
    await demo.post(
        po, "invoices", invoice(po, demo.number("ACME-INV-30260"), {1: (quantity(po, 1), "11.90")})
    )
    await demo.wait_for(number, lambda v: _approved(v) == 1, "the gloves invoice approved")
    back = str(10 + demo.bump % 40)  # amounts vary with the run (see Demo.bump)
    rma = {
        "return_id": "RMA-5521",
        "po_number": number,
        "returned_at": _now(),
        "returned_by": "wally.warehouse",
        "reason": "gloves tear when stretched",
        "lines": [{"line_no": 1, "quantity": back, "receipt_id": "GR-88150", "reason_code": "defective"}],
    }
    await demo.post(po, "returns", rma)
    await demo.wait_for(number, lambda v: bool(v["state"]["expected_credits"]), "the credit memo expected")
    memo = invoice(po, demo.number("ACME-CM-30260"), {1: (back, "11.90")}, kind="credit_memo")
    await demo.post(po, "invoices", dict(memo, original_invoice_number=demo.number("ACME-INV-30260")))
    await demo.wait_for(
        number, lambda v: all(c["settled_at"] for c in v["state"]["expected_credits"]), "the credit settled"
    )
    await demo.post(po, "receipts", receipt(po, "GR-88161", {1: back}))  # the replacement
    rest = {1: (back, "11.90"), 2: (quantity(po, 2), "6.40")}
    await demo.post(po, "invoices", invoice(po, demo.number("ACME-INV-30271"), rest))
    view = await demo.wait_status(number, "closed")
    settled = all(c["settled_by"] for c in view["state"]["expected_credits"])
    return number, (
        f"{_status_with_tasks(view)}, {len(view['state']['returns'])} return, "
        f"credit memo {'settled' if settled else 'still owed'}, replacement billed"
    )


async def invoice_before_receipt(demo: Demo) -> tuple[str, str]:
    po = await demo.create_po("NORDIC", "EUR", NORDIC_LINES)
    await demo.wait_status(po["po_number"], "issued")
    await demo.post(po, "acknowledgments", acknowledgment(po, demo.number("NF-AB-2026-0918")))
    await demo.post(
        po, "invoices", invoice(po, demo.number("NF-90018"), billed_at_po_price(po), tax_rate="25")
    )
    await demo.wait_for(po["po_number"], lambda v: v["open_holds"] > 0, "the invoice on hold")
    asn_format = await demo.send_file(asn_as_desadv(ship_notice(po, demo.number("NF-DN-4410"))))
    await demo.post(po, "receipts", receipt(po, "GR-88105", everything(po)))
    view = await demo.wait_status(po["po_number"], "closed")
    return po["po_number"], (
        f"{_status_with_tasks(view)}, NO_RECEIPT hold released by the receipt (ASN as {asn_format})"
    )


async def duplicate_invoice(demo: Demo) -> tuple[str, str]:
    po = await demo.create_po("ACME", "USD", [ACME_LINES[1]])
    await demo.wait_status(po["po_number"], "issued")
    await demo.post(po, "receipts", receipt(po, "GR-88106", everything(po)))
    first = invoice(po, demo.number("ACME-INV-030214"), billed_at_po_price(po))
    await demo.post(po, "invoices", first)
    # the same number once case, punctuation and leading zeros are normalised away
    again = dict(first, invoice_number=first["invoice_number"].lower().replace("-", " ").replace(" 0", " "))
    refused = await demo.post(po, "invoices", again, expect=409)
    view = await demo.wait_status(po["po_number"], "closed")
    return po["po_number"], f"{_status_with_tasks(view)}, re-sent invoice refused ({refused['status']})"


async def pdf_invoice_reviewed(demo: Demo) -> tuple[str, str]:
    po = await demo.create_po("ACME", "USD", [ACME_LINES[1]])
    await demo.wait_status(po["po_number"], "issued")
    await demo.post(po, "receipts", receipt(po, "GR-88110", everything(po)))
    billed = invoice(po, demo.number("ACME-INV-30302"), billed_at_po_price(po), tax_rate="8.25")
    billed["invoice_date"] = _ambiguous_recent_date().isoformat()
    # Printed 11/05/2026-style: day or month first? Intake asks a person, who confirms the date.
    item = await demo.review_file(
        invoice_as_pdf(billed, layout="classic", long_dates=False),
        actor="carl.clerk",
        invoice_date=billed["invoice_date"],
    )
    view = await demo.wait_status(po["po_number"], "closed")
    why = "; ".join(item["problems"])
    return po["po_number"], f"{view['status']}, PDF invoice reviewed by carl.clerk ({why.split(':')[0]})"


LAB_LINES = [
    {
        "item_id": "LAB-TIPS-1000-RACK",
        "description": "Filter tips 1000 uL, rack of 96",
        "quantity": "20",
        "unit_price": "8.65",
        "category": "lab equipment",
        "match_level": "4-way",
    },
    {
        "item_id": "LAB-PIPETTE-1000",
        "description": "Pipette 100-1000 uL",
        "quantity": "4",
        "unit_price": "289.00",
        "category": "lab equipment",
        "match_level": "4-way",
    },
]


async def four_way_inspection(demo: Demo) -> tuple[str, str]:
    po = await demo.create_po("LABWORKS", "USD", LAB_LINES)
    await demo.wait_status(po["po_number"], "issued")
    await demo.post(po, "acknowledgments", acknowledgment(po, demo.number("LW-OC-7781")))
    # 4-way: the goods are pending inspection, and the invoice waits for it
    await demo.post(po, "receipts", receipt(po, "GR-88107", everything(po)))
    await demo.post(po, "invoices", invoice(po, demo.number("LW-INV-5120"), billed_at_po_price(po)))
    await demo.wait_for(po["po_number"], lambda v: v["open_holds"] > 0, "the INSPECTION hold")
    # one pipette fails incoming inspection: billed 4, accepted 3
    await demo.post(po, "inspections", inspection(po, "QI-4410", "GR-88107", {1: ("20", "0"), 2: ("3", "1")}))
    await demo.post(po, "receipts", receipt(po, "GR-88119", {2: "1"}))  # the replacement
    await demo.post(po, "inspections", inspection(po, "QI-4411", "GR-88119", {2: ("1", "0")}))
    view = await demo.wait_status(po["po_number"], "closed")
    return po[
        "po_number"
    ], f"{_status_with_tasks(view)}, INSPECTION hold released by the inspected replacement"


async def suspected_duplicate(demo: Demo) -> tuple[str, str]:
    lines = [dict(ACME_LINES[1], quantity="30")]
    first_po = await demo.create_po("ACME", "USD", lines)
    second_po = await demo.create_po("ACME", "USD", lines)
    for po, receipt_id, number in (
        (first_po, "GR-88108", "ACME-INV-30300"),
        (second_po, "GR-88109", "ACME-INV-30301"),
    ):
        await demo.wait_status(po["po_number"], "issued")
        await demo.post(po, "receipts", receipt(po, receipt_id, everything(po)))
        await demo.post(po, "invoices", invoice(po, demo.number(number), billed_at_po_price(po)))
        if po is first_po:
            await demo.wait_status(po["po_number"], "closed")
    # same vendor, same amount, number one digit apart: AP is asked before paying twice
    task = await demo.open_task(second_po["po_number"], "resolve_invoice_hold")
    view = await demo.state(second_po["po_number"])
    holds = view["state"]["invoices"][0]["match"]["holds"]
    first_invoice = f"invoice:ACME:{normalize_invoice_number(demo.number('ACME-INV-30300'))}"
    linked = [
        h for h in holds if h["code"] == "SUSPECTED_DUPLICATE" and h["related_document_id"] == first_invoice
    ]
    # The approval matrix sends suspected duplicates to an AP manager (seed/approval_matrix.json).
    await demo.decide(
        task["task_id"],
        Decision.ACCEPT_VARIANCE,
        actor="anna.apmanager",
        comment="separate delivery, confirmed with Acme",
    )
    view = await demo.wait_status(second_po["po_number"], "closed")
    found = "SUSPECTED_DUPLICATE hold linked to the first invoice" if linked else f"holds {holds}"
    return second_po["po_number"], f"{view['status']}, {found}, released by anna.apmanager"


async def acknowledgment_never_sent(demo: Demo) -> tuple[str, str]:
    po = await demo.create_po(
        "SLOWPOKE",
        "USD",
        [
            {
                "item_id": "PKG-STRETCH-FILM",
                "description": "Stretch film 500 mm",
                "quantity": "40",
                "unit_price": "18.50",
            }
        ],
    )
    await demo.wait_status(po["po_number"], "issued")
    view = await demo.wait_for(
        po["po_number"],
        lambda v: any(
            t["kind"] == "chase_supplier" and t["escalation_level"] >= 1 for t in v["state"]["tasks"]
        ),
        "the chase task escalated",
    )
    task = next(t for t in view["state"]["tasks"] if t["kind"] == "chase_supplier")
    reminders = view["state"]["ack_reminders_sent"]
    return po["po_number"], (
        f"{view['status']}: {reminders} reminder sent, chase task escalated to "
        f"the {('assignee', 'deputy', 'manager')[task['escalation_level']]}"
    )


def _ambiguous_recent_date() -> date:
    """A day of last month that reads as a valid date either way round (day ≤ 12, day ≠ month)."""
    last_month = date.today().replace(day=1) - timedelta(days=1)
    return last_month.replace(day=6 if last_month.month == 5 else 5)


async def _earlier_runs(http: httpx.AsyncClient) -> int:
    """Demo runs already on this stack, told by their PO numbers (PO-<run id>-NN)."""
    answer = await http.get(f"{API}/purchase-orders")
    _expect(answer, 200)
    return len(
        {
            row["po_number"].split("-")[1]
            for row in answer.json()
            if re.fullmatch(r"PO-\d{12}-\d{2}", row["po_number"])
        }
    )


def _approved(view: dict[str, Any]) -> int:
    return sum(1 for r in view["state"]["invoices"] if r["status"] == "approved")


def _status_with_tasks(view: dict[str, Any]) -> str:
    touched = len(view["state"]["tasks"])
    return f"{view['status']}" + (" with no human touch" if touched == 0 else "")


Scenario = Callable[[Demo], Awaitable[tuple[str, str]]]
SCENARIOS: list[tuple[str, str, Scenario]] = [
    ("clean PO", "closed with no human touch; ack as x12-855, invoice as pdf", clean_po),
    (
        "ack price change within tolerance",
        "closed with no human touch, invoiced at revision 1 as factur-x",
        price_change_within_tolerance,
    ),
    ("ack change outside tolerance", "closed (change approved by bob.buyer)", price_change_outside_tolerance),
    (
        "partial shipments",
        "closed with no human touch, 2 receipts, 2 invoices paid (the first as ubl-invoice)",
        partial_shipments,
    ),
    (
        "buyer amendment",
        "closed with no human touch, amended by bob.buyer to revision 1, change sent to the supplier",
        buyer_amendment,
    ),
    (
        "return after receipt",
        "closed with no human touch, 1 return, credit memo settled, replacement billed",
        return_after_receipt,
    ),
    (
        "ack splits a line and changes its price",
        "closed with no human touch, split into 2 deliveries at 12.10 (revision 1), 2 invoices paid",
        split_with_price_change,
    ),
    (
        "invoice before receipt",
        "closed with no human touch, NO_RECEIPT hold released by the receipt (ASN as edifact-DESADV)",
        invoice_before_receipt,
    ),
    (
        "duplicate invoice",
        "closed with no human touch, re-sent invoice refused (duplicate)",
        duplicate_invoice,
    ),
    (
        "4-way match with a rejected item",
        "closed with no human touch, INSPECTION hold released by the inspected replacement",
        four_way_inspection,
    ),
    (
        "suspected duplicate invoice",
        "closed, SUSPECTED_DUPLICATE hold linked to the first invoice, released by anna.apmanager",
        suspected_duplicate,
    ),
    (
        "PDF invoice with an unclear date",
        "closed, PDF invoice reviewed by carl.clerk (read with low confidence)",
        pdf_invoice_reviewed,
    ),
    (
        "acknowledgment never sent",
        "issued: 1 reminder sent, chase task escalated to the deputy",
        acknowledgment_never_sent,
    ),
]


async def _run_one(demo: Demo, name: str, expected: str, scenario: Scenario, ui: str) -> Outcome:
    try:
        po_number, actual = await scenario(demo)
    except (DemoError, httpx.HTTPError) as error:
        return Outcome(name, "-", expected, f"FAILED: {error}", "")
    return Outcome(name, po_number, expected, actual, f"{ui}/{po_workflow_id(po_number)}")


async def run_scenarios(api_url: str, ui_workflows_url: str) -> list[Outcome]:
    run_id = datetime.now(UTC).strftime("%y%m%d%H%M%S")
    tokens = await asyncio.to_thread(_demo_principals, run_id)
    async with AsyncExitStack() as stack:
        http, files = [
            await stack.enter_async_context(
                httpx.AsyncClient(
                    base_url=api_url, timeout=30, headers={"Authorization": f"Bearer {tokens[name]}"}
                )
            )
            for name in ("erp", "edi-gateway")
        ]
        people = {}
        for login, password in demo_users.passwords().items():
            people[login] = await _signed_in(api_url, login, password)
            stack.push_async_callback(people[login].aclose)
        demo = Demo(http, run_id, await _earlier_runs(http), files=files, people=people)
        print(
            f"poflow demo: {len(SCENARIOS)} scenarios against {api_url} (they run concurrently; "
            "the last one waits for SLA timers, about 30 s)",
            flush=True,
        )
        tasks = [
            asyncio.create_task(_run_one(demo, name, expected, scenario, ui_workflows_url))
            for name, expected, scenario in SCENARIOS
        ]
        outcomes = []
        for finished in asyncio.as_completed(tasks):
            outcome = await finished
            mark = "ok  " if outcome.ok else "FAIL"
            print(
                f"  {mark} {outcome.name:<36} {outcome.po_number:<20} {outcome.actual}"
                + (f"\n       expected: {outcome.expected}" if not outcome.ok else "")
                + (f"\n       {outcome.ui_url}" if outcome.ui_url else ""),
                flush=True,
            )
            outcomes.append(outcome)
    return outcomes


def _demo_principals(run_id: str) -> dict[str, str]:
    """The demo's people and systems in the stack's database; the systems' tokens."""
    from activities.db import make_engine
    from settings import load_settings

    engine = make_engine(load_settings().database_url)
    try:
        return demo_users.ensure(engine, run_id)
    finally:
        engine.dispose()


async def _signed_in(api_url: str, login: str, password: str) -> httpx.AsyncClient:
    """A client signed in as `login` (session cookie), echoing the CSRF token on writes."""
    client = httpx.AsyncClient(base_url=api_url, timeout=30)
    answer = await client.post(f"{API}/session", json={"login": login, "password": password})
    if answer.status_code != 200:
        await client.aclose()
        raise DemoError(f"cannot sign in as {login}: {answer.status_code} {answer.text}")
    client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return client


def run_demo(api_url: str) -> int:
    from settings import load_settings

    settings = load_settings()
    ui_workflows_url = f"{settings.ui_url}/namespaces/{settings.temporal_namespace}/workflows"
    started = time.monotonic()
    outcomes = asyncio.run(run_scenarios(api_url, ui_workflows_url))
    failed = [o for o in outcomes if not o.ok]
    print(
        f"demo finished in {time.monotonic() - started:.0f} s: {len(outcomes) - len(failed)}/{len(outcomes)} "
        f"scenarios ended as expected. Filter them in the UI: {ui_workflows_url}?query=PoStatus%3D%22closed%22"
    )
    return 1 if failed else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.demo", description="Run the demo scenarios against a running poflow stack."
    )
    parser.add_argument("--api", help="the API's base URL (default: the settings' POFLOW_API_HOST/PORT)")
    args = parser.parse_args(argv)
    from settings import load_settings

    try:
        return run_demo(args.api or load_settings().api_url)
    except KeyboardInterrupt:  # Ctrl-C reaches the whole process group: stop quietly
        print("demo interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
