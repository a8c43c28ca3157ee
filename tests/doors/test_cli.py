"""`poflow` CLI: argument parsing, exit codes and one-line messages, over a fake service."""

from __future__ import annotations

import io
import json
import re
import socket
import sys
import types
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from identity.principal import Caller
from models import (
    AuditEvent,
    GoodsReceipt,
    Hold,
    HoldCode,
    HumanTask,
    Invoice,
    InvoiceRecord,
    InvoiceStatus,
    MatchDecision,
    MatchResult,
    PoStatus,
    PurchaseOrder,
    PurchaseOrderState,
    TaskKind,
    TaskStatus,
)
from models.tasks import TaskHold
from settings import load_settings
from starter import cli
from starter.errors import Duplicate, Invalid, NotFound, Rejected
from starter.operations import DocumentAccepted, PoStarted
from starter.service.checks import check_decision
from tests.support.cli import INVOICE, NOW
from workflows.contract import po_workflow_id

PO = {
    "po_number": "1001",
    "vendor_id": "ACME",
    "buyer": "bob",
    "currency": "USD",
    "lines": [
        {"line_no": 1, "item_id": "WIDGET-1", "quantity": "10", "unit_price": "123.45"},
        {"line_no": 2, "item_id": "BOLT-9", "quantity": "500", "unit_price": "0.20"},
    ],
}


def a_task(task_id: str = "TASK-7", status: TaskStatus = TaskStatus.OPEN) -> HumanTask:
    return HumanTask(
        task_id=task_id,
        po_number="1001",
        kind=TaskKind.RESOLVE_INVOICE_HOLD,
        title="Price hold on INV-1001",
        options=["accept_variance", "request_credit_memo", "reject_invoice", "wait"],
        assignee_role="ap_clerk",
        created_at=NOW,
        due_at=NOW + timedelta(days=2),
        escalation_level=1,
        status=status,
        holds=[
            TaskHold(ref="PRICE:1", message="Line 1: 130.00 invoiced vs 123.45 agreed exceeds +2%"),
            TaskHold(
                ref="NO_RECEIPT:2",
                message="Line 2: nothing received yet",
                waits_for="waits for the goods receipt; it clears itself when the receipt arrives",
            ),
        ],
    )


def a_state() -> PurchaseOrderState:
    invoice = Invoice.model_validate(INVOICE)
    hold = Hold(
        code=HoldCode.PRICE, line_no=1, message="Line 1: 130.00 invoiced vs 123.45 agreed exceeds +2%"
    )
    return PurchaseOrderState(
        po=PurchaseOrder.model_validate(PO),
        status=PoStatus.PARTIALLY_RECEIVED,
        receipts=[
            GoodsReceipt(
                receipt_id="GR-1",
                po_number="1001",
                received_at=NOW,
                lines=[
                    {"line_no": 1, "quantity_received": "10", "quantity_rejected": "1"},
                ],
            )
        ],
        invoices=[
            InvoiceRecord(
                invoice=invoice,
                status=InvoiceStatus.HELD,
                received_at=NOW,
                match=MatchResult(
                    invoice_id=invoice.document_id,
                    po_number="1001",
                    po_revision=0,
                    decision=MatchDecision.HOLD,
                    holds=[hold],
                ),
            )
        ],
        tasks=[a_task(), a_task("TASK-1", TaskStatus.DONE)],
    )


@dataclass
class FakeService:
    """Records what the CLI asked for; raises what a test tells it to."""

    settings: Any = field(default_factory=load_settings)
    engine: Any = None  # the principals the CLI's token is checked against
    calls: list[tuple[str, Any, dict]] = field(default_factory=list)
    callers: list[str] = field(default_factory=list)  # who each write was made as
    error: Exception | None = None
    closed: bool = False
    state: PurchaseOrderState | None = None  # what `status` shows (default: a_state())

    def _call(self, name: str, arg: Any = None, **kwargs: Any) -> None:
        self.calls.append((name, arg, kwargs))
        if self.error:
            raise self.error

    async def create_po(self, po: PurchaseOrder, *, by: Caller, **kwargs: Any) -> PoStarted:
        self.callers.append(by.principal_id)
        self._call("create_po", po, **kwargs)
        return PoStarted(po.po_number, po_workflow_id(po.po_number), self.workflow_url(po.po_number))

    async def submit_document(self, document: Any, *, by: Caller, **kwargs: Any) -> DocumentAccepted:
        self.callers.append(by.principal_id)
        self._call(f"submit_{type(document).__name__}", document, **kwargs)
        return DocumentAccepted(document.document_id, document.po_number, po_workflow_id(document.po_number))

    async def get_state(self, po_number: str) -> PurchaseOrderState:
        self._call("get_state", po_number)
        return self.state or a_state()

    async def list_tasks(self, status: str = "open") -> list[HumanTask]:
        self._call("list_tasks", status)
        return [a_task()] if status == "open" else [a_task(), a_task("TASK-1", TaskStatus.DONE)]

    async def decide(
        self,
        task_id: str,
        decision: str,
        by: Caller,
        comment: str | None = None,
        holds: list[str] | None = None,
        *,
        vendor_id: str | None = None,
        unit_price: Decimal | None = None,
    ) -> HumanTask:
        actor = by.principal_id
        extra = {"vendor_id": vendor_id, "unit_price": unit_price} if vendor_id or unit_price else {}
        self._call("decide", task_id, decision=decision, actor=actor, comment=comment, holds=holds, **extra)
        check_decision(a_task(task_id), decision, comment, holds or [])
        return a_task(task_id).model_copy(
            update={"status": TaskStatus.DONE, "decision": decision, "decided_by": actor}
        )

    async def list_audit(self, po_number: str) -> list[AuditEvent]:
        self._call("list_audit", po_number)
        return [
            AuditEvent(
                event_id="refused:1",
                po_number=po_number,
                event="refused",
                detail="decide 'approve' on approve_po: carl.clerk (ap_clerk) does not hold the role budget_owner",
                actor="carl.clerk",
                at=NOW,
                evidence="T-1",
            )
        ]

    async def cancel(self, po_number: str, by: Caller, reason: str) -> PurchaseOrderState:
        self._call("cancel", po_number, actor=by.principal_id, reason=reason)
        return a_state().model_copy(update={"status": PoStatus.CANCELLED})

    async def cancel_line(self, po_number: str, line_no: int, by: Caller, reason: str) -> PurchaseOrderState:
        self._call("cancel_line", po_number, actor=by.principal_id, reason=reason, line_no=line_no)
        return a_state().model_copy(update={"cancelled_lines": [line_no]})

    async def amend(self, po_number: str, changes: dict[str, Any], by: Caller) -> PurchaseOrderState:
        self._call("amend", po_number, actor=by.principal_id, **changes)
        return a_state().model_copy(update={"po": a_state().po.model_copy(update={"revision": 1})})

    async def final_close(self, po_number: str, by: Caller, reason: str) -> PurchaseOrderState:
        self._call("final_close", po_number, actor=by.principal_id, reason=reason)
        return a_state().model_copy(update={"status": PoStatus.CLOSED})

    def workflow_url(self, po_number: str) -> str:
        return f"http://ui.test/namespaces/default/workflows/po-{po_number}"

    async def close(self) -> None:
        self.closed = True


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def fake(people_engine: Any) -> FakeService:
    return FakeService(engine=people_engine)


@pytest.fixture(autouse=True)
def signed_in(monkeypatch: pytest.MonkeyPatch, tokens: dict[str, str]) -> None:
    """The CLI runs with carol's token (tests.support.identity)."""
    monkeypatch.setenv("POFLOW_TOKEN", tokens["carol"])


def poflow(*argv: str, service: FakeService | None = None, stdin: bytes = b"") -> Result:
    streams = cli.Io(io.BytesIO(stdin), io.StringIO(), io.StringIO())

    async def factory() -> FakeService:
        if service is None:
            raise AssertionError("this command must not connect")
        return service

    code = cli.run(list(argv), service_factory=factory, io=streams)
    return Result(code, streams.stdout.getvalue(), streams.stderr.getvalue())


def write(tmp_path: Path, name: str, content: str | dict) -> str:
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2))
    return str(path)


# --- parsing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["frobnicate"],
        ["decide", "T-1"],  # the decision is required
        ["cancel", "1001"],  # --reason is required
        ["send", "order", "x.json"],  # not a document kind
    ],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.run(argv)
    assert exited.value.code == 2
    assert "usage: poflow" in capsys.readouterr().err


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.run(["--help"])
    text = capsys.readouterr().out
    for command in (
        "up",
        "down",
        "demo",
        "worker",
        "api",
        "migrate",
        "create-po",
        "send",
        "status",
        "tasks",
        "decide",
        "cancel",
        "tolerances",
    ):
        assert command in text


# --- bad input files: exit 2, one line naming file and field, no connection -------------------


def test_missing_file(tmp_path: Path) -> None:
    result = poflow("create-po", str(tmp_path / "nope.json"))
    assert result.code == 2
    assert result.err == f"poflow: {tmp_path / 'nope.json'}: no such file\n"


def test_broken_json_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "po.json", '{"po_number": "1001",\n "vendor_id": }')
    result = poflow("create-po", path)
    assert result.code == 2
    assert result.err.startswith(f"poflow: {path}: not valid JSON")
    assert result.err.count("\n") == 1


def test_bad_field_names_file_and_field(tmp_path: Path) -> None:
    bad = json.loads(json.dumps(PO))
    bad["lines"][1]["quantity"] = "-5"
    path = write(tmp_path, "po.json", bad)
    result = poflow("create-po", path)
    assert result.code == 2
    assert result.err == f"poflow: {path}: lines[1].quantity: Input should be greater than 0\n"


def test_wrong_document_kind_names_missing_fields(tmp_path: Path) -> None:
    path = write(tmp_path, "receipt.json", {"receipt_id": "GR-1", "po_number": "1001"})
    result = poflow("send", "invoice", path)
    assert result.code == 2
    assert "receipt.json: " in result.err
    assert "more problems" in result.err
    assert "Traceback" not in result.err


def test_empty_stdin() -> None:
    result = poflow("send", "receipt", "-", stdin=b"  \n")
    assert result.code == 2
    assert result.err == "poflow: <stdin>: empty, expected a GoodsReceipt JSON document\n"


# --- service commands ------------------------------------------------------------------------


def test_create_po_sends_the_exact_bytes(tmp_path: Path, fake: FakeService) -> None:
    path = write(tmp_path, "po-1001.json", PO)
    result = poflow("create-po", path, service=fake)

    assert result.code == 0
    assert result.out.splitlines() == [
        "accepted: PO-1001 started as workflow po-1001",
        "  http://ui.test/namespaces/default/workflows/po-1001",
    ]
    name, po, kwargs = fake.calls[0]
    assert (name, po.total) == ("create_po", Decimal("1334.50"))
    assert kwargs == {"raw": Path(path).read_bytes(), "source": "cli:po-1001.json"}
    assert fake.callers == ["carol"]  # the principal of the CLI's token
    assert fake.closed


def test_send_invoice_from_stdin(fake: FakeService) -> None:
    raw = json.dumps(INVOICE).encode()
    result = poflow("send", "invoice", "-", service=fake, stdin=raw)
    assert result.code == 0
    assert result.out == "accepted: invoice:ACME:INV1001 for PO-1001 (workflow po-1001)\n"
    assert fake.calls[0][2] == {"raw": raw, "source": "cli:stdin"}


def test_send_duplicate_exits_5(tmp_path: Path, fake: FakeService) -> None:
    fake.error = Duplicate(
        "invoice invoice:ACME:INV1001 was already received for PO-1001; nothing new was done",
        document_id="invoice:ACME:INV1001",
    )
    result = poflow("send", "invoice", write(tmp_path, "inv.json", INVOICE), service=fake)
    assert result.code == 5
    assert (
        result.err
        == "poflow: invoice invoice:ACME:INV1001 was already received for PO-1001; nothing new was done\n"
    )


def test_status_summary_reads_like_a_report(fake: FakeService) -> None:
    result = poflow("status", "1001", service=fake)
    assert result.code == 0
    text = result.out
    assert "PO-1001 · ACME · 1,334.50 USD" in text
    assert "status: partially_received   revision: 0" in text
    line1 = next(line for line in text.splitlines() if "WIDGET-1" in line).split()
    assert line1[:6] == ["1", "WIDGET-1", "10", "10", "9", "10"]  # ordered, received, accepted, invoiced
    assert "INV-1001 (invoice)  1,300.00 USD  held" in text
    assert "- PRICE: Line 1: 130.00 invoiced vs 123.45 agreed exceeds +2%" in text
    assert "TASK-7  resolve_invoice_hold" in text and "TASK-1" not in text  # open tasks only
    assert "ui: http://ui.test/namespaces/default/workflows/po-1001" in text


def test_status_json_is_the_full_state(fake: FakeService) -> None:
    result = poflow("status", "1001", "--json", service=fake)
    assert PurchaseOrderState.model_validate_json(result.out) == a_state()


def test_status_of_unknown_po_exits_4(fake: FakeService) -> None:
    fake.error = NotFound("no purchase order 9999 (workflow po-9999 not found)")
    result = poflow("status", "9999", service=fake)
    assert (result.code, result.out) == (4, "")
    assert result.err == "poflow: no purchase order 9999 (workflow po-9999 not found)\n"


def test_tasks_table_and_json(fake: FakeService) -> None:
    result = poflow("tasks", service=fake)
    assert result.code == 0
    header, row = result.out.splitlines()
    assert header.split() == ["task", "kind", "po", "for", "esc", "due", "title"]
    assert re.split(r"\s{2,}", row) == [
        "TASK-7",
        "resolve_invoice_hold",
        "1001",
        "ap_clerk",
        "1",
        "2025-03-05 09:00 UTC",
        "Price hold on INV-1001",
    ]

    everything = poflow("tasks", "--all", "--json", service=fake)
    assert [t["status"] for t in json.loads(everything.out)] == ["open", "done"]
    assert [c[1] for c in fake.calls] == ["open", "all"]


def test_decide(fake: FakeService) -> None:
    result = poflow("decide", "TASK-7", "accept_variance", "--comment", "agreed by phone", service=fake)
    assert result.code == 0
    assert result.out == "done: task TASK-7 (resolve_invoice_hold, PO-1001) → accept_variance by carol\n"
    assert fake.calls[0][2] == {
        "decision": "accept_variance",
        "actor": "carol",
        "comment": "agreed by phone",
        "holds": [],
    }


def test_decide_re_sources_from_the_vendor_named(fake: FakeService) -> None:
    poflow("decide", "TASK-7", "re_source", "--vendor", "SLOWPOKE", "--price", "4.80", service=fake)
    sent = fake.calls[0][2]
    assert (sent["decision"], sent["vendor_id"], sent["unit_price"]) == (
        "re_source",
        "SLOWPOKE",
        Decimal("4.80"),
    )


def test_decide_names_the_holds_it_releases(fake: FakeService) -> None:
    result = poflow(
        "decide",
        "TASK-7",
        "accept_variance",
        "--comment",
        "agreed by phone",
        "--hold",
        "PRICE:1",
        "--hold",
        "AMOUNT",
        service=fake,
    )
    assert result.code == 0
    assert fake.calls[0][2]["holds"] == ["PRICE:1", "AMOUNT"]

    result = poflow("decide", "TASK-7", "wait", "--hold", "PRICE:1", service=fake)
    assert result.code == 2
    assert result.err == "poflow: 'wait' answers the whole invoice; only accept_variance names holds\n"


def test_status_lists_the_holds_a_decision_can_name(fake: FakeService) -> None:
    text = poflow("status", "1001", service=fake).out
    assert "    holds (decide --hold REF): PRICE:1, NO_RECEIPT:2 (waits for its document)" in text


def test_decide_bad_input_and_rejection(fake: FakeService) -> None:
    result = poflow("decide", "TASK-7", "reject_invoice", service=fake)
    assert (result.code, result.err) == (2, "poflow: decision 'reject_invoice' needs a comment saying why\n")

    fake.error = Rejected("dana received the goods and cannot approve the invoice for them")
    result = poflow("decide", "TASK-7", "wait", service=fake)
    assert result.code == 3
    assert result.err == "poflow: dana received the goods and cannot approve the invoice for them\n"

    fake.error = Invalid("actor: String should have at least 1 character")


def test_cancel(fake: FakeService) -> None:
    result = poflow("cancel", "1001", "--reason", "project stopped", service=fake)
    assert (result.code, result.out) == (0, "PO-1001: cancelled\n")
    assert fake.calls == [("cancel", "1001", {"actor": "carol", "reason": "project stopped"})]


def test_unreachable_temporal_is_one_line_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("TEMPORAL_ADDRESS", f"127.0.0.1:{port}")
    streams = cli.Io(io.BytesIO(), io.StringIO(), io.StringIO())

    code = cli.run(["tasks"], io=streams)  # the real connect_service

    assert code == 1
    assert (
        streams.stderr.getvalue()
        == f"poflow: cannot reach Temporal at 127.0.0.1:{port} — is `poflow up` running?\n"
    )


# --- local commands ---------------------------------------------------------------------------


def fake_module(monkeypatch: pytest.MonkeyPatch, name: str, **functions: Any) -> list[tuple[str, Any]]:
    calls: list[tuple[str, Any]] = []
    module = types.ModuleType(name)
    for function_name, answer in functions.items():

        def function(*args: Any, _name: str = function_name, _answer: Any = answer, **kwargs: Any) -> Any:
            calls.append((_name, args or kwargs))
            return _answer

        setattr(module, function_name, function)
    monkeypatch.setitem(sys.modules, name, module)
    if "." in name:
        parent, _, child = name.rpartition(".")
        monkeypatch.setattr(sys.modules[parent], child, module, raising=False)
    return calls


def test_up_down_and_demo_delegate(monkeypatch: pytest.MonkeyPatch) -> None:
    stack = fake_module(monkeypatch, "starter.stack", up=0, down=0)
    demo = fake_module(monkeypatch, "starter.demo", run_demo=0)

    assert poflow("up", "--no-demo").code == 0
    assert poflow("up").code == 0
    assert poflow("down").code == 0
    assert poflow("demo", "--api", "http://127.0.0.1:9000").code == 0
    assert stack == [("up", {"demo": False}), ("up", {"demo": True}), ("down", {})]
    assert demo == [("run_demo", ("http://127.0.0.1:9000",))]


def test_stack_failure_code_is_passed_on(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_module(monkeypatch, "starter.stack", up=1)
    assert poflow("up").code == 1


def test_missing_part_is_one_line_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "activities.db.seed", None)  # makes the import fail
    result = poflow("migrate")
    assert result.code == 1
    assert result.err.startswith("poflow: migrate is unavailable: cannot import activities.db")
    assert result.err.count("\n") == 1


def test_audit_lists_and_exports_a_pos_trail(fake: FakeService) -> None:
    listed = poflow("audit", "1001", service=fake)
    assert listed.code == 0 and listed.out.splitlines()[0].split() == [
        "WHEN",
        "EVENT",
        "WHO",
        "WHAT",
        "ABOUT",
    ]
    assert "refused  carl.clerk" in listed.out and listed.out.rstrip().endswith("T-1")
    exported = poflow("audit", "1001", "--csv", service=fake)
    assert exported.out.splitlines()[0] == "at,po_number,event,actor,detail,evidence,event_id"
    assert exported.out.splitlines()[1] == (
        "2025-03-03T09:00:00Z,1001,refused,carl.clerk,decide 'approve' on approve_po: carl.clerk (ap_clerk) "
        "does not hold the role budget_owner,T-1,refused:1"
    )
    assert [c[:2] for c in fake.calls] == [("list_audit", "1001"), ("list_audit", "1001")]


def test_status_history_shows_each_revision_as_a_diff(fake: FakeService) -> None:
    from models import Revision, RevisionChange, RevisionReason

    revised = Revision(
        revision=1,
        reason=RevisionReason.SUPPLIER_CHANGE_APPROVED,
        source_document_id="ack:ACME:OA-7",
        at=NOW,
        total=Decimal("1380.00"),
        changes=[
            RevisionChange(line_no=1, field="unit_price", old="123.45", new="138"),
            RevisionChange(line_no=2, field="line", old=None, new="WIDGET-2 × 5"),
        ],
        approved_by="bob.buyer",
        why="approved by bob.buyer: line 1: price 123.45 → 138 USD (+11.79%)",
    )
    original = Revision(revision=0, reason=RevisionReason.ORIGINAL, at=NOW, total=Decimal("1234.50"))
    fake.state = a_state().model_copy(update={"revisions": [original, revised]})
    result = poflow("status", "1001", "--history", service=fake)
    assert result.code == 0
    history = result.out[result.out.index("revisions:") :].splitlines()
    assert history == [
        "revisions:",
        f"  r0  {NOW:%Y-%m-%d %H:%M} UTC  original  1,234.50 USD",
        f"  r1  {NOW:%Y-%m-%d %H:%M} UTC  supplier change approved  1,380.00 USD — bob.buyer; from ack:ACME:OA-7",
        "      line 1  unit price  123.45 → 138",
        "      line 2  line  — → WIDGET-2 × 5",
    ]
    assert "revisions:" not in poflow("status", "1001", service=fake).out  # only when asked


def test_close_final_closes_as_the_caller(fake: FakeService) -> None:
    result = poflow("close", "1001", "--reason", "last delivery short", service=fake)
    assert (result.code, result.out) == (0, "PO-1001: closed at revision 0\n")
    assert fake.calls[-1] == ("final_close", "1001", {"actor": "carol", "reason": "last delivery short"})
    with pytest.raises(SystemExit) as usage:  # the reason is required: argparse says so
        poflow("close", "1001", service=fake)
    assert usage.value.code == 2


def test_cancel_one_line(fake: FakeService) -> None:
    result = poflow("cancel", "1001", "--line", "2", "--reason", "sourced elsewhere", service=fake)
    assert (result.code, result.out) == (0, "PO-1001: line 2 cancelled, revision 0\n")
    assert fake.calls == [
        ("cancel_line", "1001", {"actor": "carol", "reason": "sourced elsewhere", "line_no": 2})
    ]


def test_amend_reads_the_changes_and_sends_them_with_the_reason(tmp_path: Path, fake: FakeService) -> None:
    changes = tmp_path / "changes.json"
    changes.write_text('{"lines": [{"line_no": 1, "quantity": "150"}, {"line_no": 2, "cancel": true}]}')
    result = poflow("amend", "1001", str(changes), "--reason", "forecast up", service=fake)
    assert (result.code, result.out) == (0, "PO-1001: amended, revision 1 sent to ACME\n")
    [(name, po_number, sent)] = fake.calls
    assert (name, po_number, sent["actor"], sent["reason"]) == ("amend", "1001", "carol", "forecast up")
    assert [(c["line_no"], c["quantity"], c["cancel"]) for c in sent["lines"]] == [
        (1, Decimal(150), False),
        (2, None, True),
    ]
    with pytest.raises(SystemExit):  # the reason is required
        poflow("amend", "1001", str(changes), service=fake)


def test_send_return_to_vendor(tmp_path: Path, fake: FakeService) -> None:
    """`poflow send return FILE`: the file read as a return to vendor, submitted as the caller."""
    example = Path(__file__).resolve().parents[2] / "docs/examples/return_to_vendor.json"
    result = poflow("send", "return", str(example), service=fake)
    assert (result.code, result.out) == (
        0,
        "accepted: return:PO-1001:RMA-5521 for PO-1001 (workflow po-PO-1001)\n",
    )
    name, document, kwargs = fake.calls[0]
    assert name == "submit_ReturnToVendor" and document.lines[0].receipt_id == "GR-88101"
    assert kwargs == {"raw": example.read_bytes(), "source": "cli:return_to_vendor.json"}
    assert fake.callers == ["carol"]
    bad = poflow("send", "return", write(tmp_path, "rtv.json", {"return_id": "R-1", "po_number": "1001"}))
    assert bad.code == 2 and "rtv.json: " in bad.err  # no service contacted: refused at the door


def test_send_inspection(tmp_path: Path, fake: FakeService) -> None:
    """`poflow send inspection FILE`: the file read as an inspection result, submitted as the caller."""
    example = Path(__file__).resolve().parents[2] / "docs/examples/inspection.json"
    result = poflow("send", "inspection", str(example), service=fake)
    assert (result.code, result.out) == (
        0,
        "accepted: inspection:PO-1001:QI-4410 for PO-1001 (workflow po-PO-1001)\n",
    )
    name, document, kwargs = fake.calls[0]
    assert name == "submit_InspectionResult" and document.receipt_id == "GR-88101"
    assert kwargs == {"raw": example.read_bytes(), "source": "cli:inspection.json"}
    bad = poflow(
        "send", "inspection", write(tmp_path, "qi.json", {"inspection_id": "QI-1", "po_number": "1001"})
    )
    assert bad.code == 2 and "qi.json: " in bad.err  # no service contacted: refused at the door
