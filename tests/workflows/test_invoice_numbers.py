"""One invoice-number normalisation (models.normalize_invoice_number) for the
door (Invoice.document_id, the documents table), the suspected-duplicate rule
and `poflow match`, written from the rule: case, spaces and punctuation never
matter, the leading zeros of every run of digits never matter, a run of
zeros is one 0, and a separator between two digits starts a new run.

The earlier rule (only the trailing run of the separator-free number lost its
zeros) survives only where ids recorded under it are met: match results in
workflow histories, runs that started before (PATCH_INVOICE_NUMBER_RUNS) and
migration 0008, which re-keys stored rows."""

from __future__ import annotations

import json
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.engine import Engine
from temporalio.client import WorkflowFailureError
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

import models.documents
from activities.db import make_engine, migrate, repository
from activities.db import schema as t
from activities.db.master_data import get_policy, upsert_policy
from models import (
    HoldCode,
    HumanTask,
    Invoice,
    InvoiceRecord,
    InvoiceStatus,
    MatchRecord,
    MatchRequest,
    MatchResult,
    Policy,
    PoStatus,
    PurchaseOrderState,
    TaskKind,
    normalize_invoice_number,
)
from models.documents import legacy_normalize_invoice_number
from p2p import audit_sample
from p2p.duplicates import find_suspected_duplicates, near_identical_numbers
from tests.support.builders import (
    full_receipt,
    invoice,
    po,
    running_worker,
    seeded_sqlite,
    settings_for,
    start,
    unique,
)
from tests.support.db import alembic
from tests.support.replay import before_the_baseline
from tests.support.workflows import eventually
from worker import build_activities
from workflows import legacy
from workflows.contract import PoSignal
from workflows.po_steps.patches import PATCH_INVOICE_NUMBER_RUNS
from workflows.purchase_order import PurchaseOrderWorkflow

D = Decimal
NOW = datetime(2026, 12, 1, tzinfo=UTC)

# --- the rule, row by row ----------------------------------------------------------------------------

RULE = [
    # written              normalised   why
    ("INV123", "INV123"),  # nothing to do
    ("inv 123", "INV123"),  # case and spaces
    ("inv-000123", "INV123"),  # leading zeros of the number
    ("Inv.00123", "INV123"),
    ("INV-0042-A", "INV42A"),  # leading zeros of an inner run (issue #14)
    ("INV0042A", "INV42A"),  # a letter ends a run as a separator does
    ("INV-0042-0007", "INV427"),  # every run
    ("0042/0007", "427"),  # the first run too
    ("000123", "123"),
    ("INV-000", "INV0"),  # a run of zeros is one 0
    ("000", "0"),
    ("0", "0"),
    ("A-00-B", "A0B"),
    ("INV 1200 00", "INV12000"),  # …also after a separator
    ("1200", "1200"),  # trailing zeros count
    ("INV-1200", "INV1200"),
    ("2024-0001", "20241"),  # a separator between digits starts a run
    ("20240001", "20240001"),  # no separator: one run, its inner zeros stay
    ("INV_12.03", "INV123"),
    ("ACME-INV-30211", "ACMEINV30211"),
    ("  acme / inv # 0030211 ", "ACMEINV30211"),
    ("---", ""),  # nothing left: Invoice refuses such a number
]


@pytest.mark.parametrize(("written", "normalised"), RULE)
def test_the_rule_row_by_row(written: str, normalised: str) -> None:
    assert normalize_invoice_number(written) == normalised


def docstring_examples() -> list[tuple[str, str, list[str]]]:
    """The example table of normalize_invoice_number's docstring."""
    doc = normalize_invoice_number.__doc__ or ""
    table = doc.split("the same document as\n", 1)[1].split("\n\n", 1)[0]
    rows = []
    for line in table.splitlines():
        written, normalised, *same = re.split(r"\s{2,}", line.strip())
        alternatives = (same[0].split("(")[0].strip() if same else "").split(", ")  # (remarks) aside
        rows.append((written, normalised, [a for a in alternatives if a]))
    return rows


def test_the_documented_examples_hold() -> None:
    examples = docstring_examples()
    assert len(examples) >= 5
    for written, normalised, same in examples:
        assert normalize_invoice_number(written) == normalised, written
        assert {normalize_invoice_number(s) for s in same} <= {normalised}, written


SAME_DOCUMENT = [
    ("INV-0042-A", "INV-42-A", "inv 42 a", "INV0042A", "inv/00042/a"),
    ("INV-0042-0007", "INV-42-7", "inv 42/7", "INV-042-07"),
    ("inv-000123", "INV 123", "INV123"),
    ("2024-0001", "2024/1", "2024 - 00001"),
]
DIFFERENT_DOCUMENTS = [
    ("2024-0001", "20240001"),  # where a run starts is part of the number
    ("INV-1200", "INV-12"),  # trailing zeros are not padding
    ("A-0-B", "AB"),  # a zero run is still a digit
    ("INV-0-5", "INV-5"),
    ("INV-0042-A", "INV-0043-A"),
]


@pytest.mark.parametrize("spellings", SAME_DOCUMENT)
def test_spellings_of_one_number_are_one_document(spellings: tuple[str, ...]) -> None:
    assert len({normalize_invoice_number(s) for s in spellings}) == 1
    assert len({an_invoice(s).document_id for s in spellings}) == 1


@pytest.mark.parametrize(("a", "b"), DIFFERENT_DOCUMENTS)
def test_different_numbers_stay_different(a: str, b: str) -> None:
    assert normalize_invoice_number(a) != normalize_invoice_number(b)
    assert an_invoice(a).document_id != an_invoice(b).document_id


# --- the rule as a property ---------------------------------------------------------------------------

LETTERS = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=4)
DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=5)
SEPARATORS = st.sampled_from(["", " ", "-", "/", ".", "_", "#", " - "])


@st.composite
def written_numbers(draw: st.DrawFn) -> tuple[str, str]:
    """A number as parts (letter groups, digit runs), written with random
    case, separators and zero padding → (written, what the rule gives)."""
    parts = draw(st.lists(st.one_of(LETTERS, DIGITS), min_size=1, max_size=6))
    written, expected, previous_digit = [], [], False
    for part in parts:
        digits = part.isdigit()
        separator = draw(SEPARATORS)
        if digits and previous_digit and not separator:
            separator = "-"  # two runs written together would be one run
        written.append(separator)
        if digits:
            written.append("0" * draw(st.integers(0, 3)) + part)
            expected.append(part.lstrip("0") or "0")
        else:
            written.append("".join(c.lower() if draw(st.booleans()) else c for c in part))
            expected.append(part)
        previous_digit = digits
    written.append(draw(SEPARATORS))
    return "".join(written), "".join(expected)


@settings(max_examples=200, deadline=None)
@given(written_numbers())
def test_case_separators_and_leading_zeros_of_any_run_never_matter(case: tuple[str, str]) -> None:
    written, expected = case
    assert normalize_invoice_number(written) == expected


# --- the door and the suspected-duplicate rule agree -----------------------------------------------------


def an_invoice(number: str, total: str = "1190.00", day: int = 20, vendor: str = "ACME") -> Invoice:
    return Invoice.model_validate(
        {
            "invoice_number": number,
            "vendor_id": vendor,
            "po_number": "PO-1001",
            "invoice_date": f"2026-11-{day}",
            "currency": "USD",
            "lines": [{"line_no": 1, "quantity": "100", "unit_price": "11.90"}],
            "total": total,
        }
    )


@pytest.mark.parametrize("spellings", SAME_DOCUMENT)
def test_what_the_door_calls_one_document_the_duplicate_rule_leaves_to_the_door(
    spellings: tuple[str, ...],
) -> None:
    first, *others = [an_invoice(s) for s in spellings]
    for other in others:
        assert other.document_id == first.document_id  # refused at the door as a re-send
        assert not near_identical_numbers(first.invoice_number, other.invoice_number)
        assert find_suspected_duplicates(other, [first]) == []  # the same document, not a look-alike


def test_a_number_one_run_apart_is_a_suspected_duplicate_linked_to_the_first() -> None:
    first, second = an_invoice("INV-0042-A"), an_invoice("INV-43-A", day=25)
    [hold] = find_suspected_duplicates(second, [first])
    assert hold.code == HoldCode.SUSPECTED_DUPLICATE
    assert hold.related_document_id == first.document_id == "invoice:ACME:INV42A"


def test_runs_written_together_or_apart_are_two_documents_but_a_suspected_duplicate() -> None:
    first, second = an_invoice("2024-0001"), an_invoice("20240001", day=22)
    assert first.document_id != second.document_id
    [hold] = find_suspected_duplicates(second, [first])
    assert hold.related_document_id == first.document_id


@pytest.fixture
def db(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'door.db'}")
    migrate(engine)
    yield engine
    engine.dispose()


def store(engine: Engine, invoice: Invoice) -> repository.StoredDocument:
    return repository.store_document(
        engine,
        document_id=invoice.document_id,
        kind=invoice.kind.value,
        raw=invoice.model_dump_json().encode(),
        content_type="application/json",
        source="test",
        po_number=invoice.po_number,
    )


def test_the_stored_door_refuses_another_spelling_and_the_candidates_leave_it_out(db: Engine) -> None:
    first = an_invoice("INV-0042-A")
    assert not store(db, first).duplicate
    again = store(db, an_invoice("inv 42 a"))
    assert again.duplicate and again.first_document_id == first.document_id
    look_alike = an_invoice("INV-0043-A")
    assert (
        repository.find_invoice_candidates(db, vendor_id="ACME", exclude_document_id=first.document_id) == []
    )
    assert [
        c.document_id
        for c in repository.find_invoice_candidates(
            db, vendor_id="ACME", exclude_document_id=look_alike.document_id
        )
    ] == [first.document_id]


# --- ids recorded under the earlier rule ----------------------------------------------------------------


def test_the_earlier_rule_stripped_the_trailing_run_only() -> None:
    assert legacy_normalize_invoice_number("INV-0042-A") == "INV0042A"
    assert legacy_normalize_invoice_number("INV-0042-0007") == "INV420007"
    assert legacy_normalize_invoice_number("inv-000123") == normalize_invoice_number("inv-000123") == "INV123"
    assert an_invoice("INV-0042-A").legacy_document_id == "invoice:ACME:INV0042A"


def test_a_match_record_accepts_a_result_stored_under_the_earlier_id_and_no_other() -> None:
    """Workflow histories replay MatchResults the activity computed under the
    earlier rule; MatchRecord must still accept them."""
    order = po("PO-1001")
    bill = invoice(order, "INV-0042-A", {1: ("100", "11.90")})
    request = MatchRequest(po=order, invoice=bill)
    for invoice_id in (bill.document_id, bill.legacy_document_id):
        result = MatchResult(invoice_id=invoice_id, po_number="PO-1001", po_revision=0, decision="approve")
        assert MatchRecord(request=request, result=result).result.invoice_id == invoice_id
    with pytest.raises(ValueError, match="request is for"):
        MatchRecord(
            request=request,
            result=MatchResult(
                invoice_id="invoice:ACME:INV43A", po_number="PO-1001", po_revision=0, decision="approve"
            ),
        )


def test_the_audit_draws_by_the_key_it_is_given() -> None:
    bill = an_invoice("INV-0042-A")
    policy = Policy(audit_sample_pct=D(50))
    by_id = audit_sample.audit_draw(bill, policy)
    by_legacy = audit_sample.audit_draw(bill, policy, draw_key=bill.legacy_document_id)
    assert by_id is not None and by_legacy is not None
    assert by_id.draw_pct == audit_sample.audit_number(bill.document_id, policy.audit_salt)
    assert by_legacy.draw_pct == audit_sample.audit_number(bill.legacy_document_id, policy.audit_salt)


def test_a_state_carried_from_a_run_under_the_earlier_rule_is_renamed_to_todays_ids() -> None:
    """continue-as-new: the new run uses today's rule, the carried state
    names its invoices by the earlier one (processed documents, task subjects)."""
    order = po("PO-1001")
    bill = invoice(order, "INV-0042-A", {1: ("100", "11.90")})
    state = PurchaseOrderState(
        po=order,
        processed_document_ids=["ack:ACME:OA-1", bill.legacy_document_id],
        invoices=[
            InvoiceRecord(
                invoice=bill,
                status=InvoiceStatus.HELD,
                received_at=NOW,
                legacy_document_id=bill.legacy_document_id,
            )
        ],
        tasks=[
            HumanTask(
                task_id="PO-1001-T1",
                po_number="PO-1001",
                kind=TaskKind.RESOLVE_INVOICE_HOLD,
                title="x",
                options=["accept_variance"],
                assignee_role="ap_clerk",
                subject_id=bill.legacy_document_id,
                created_at=NOW,
                due_at=NOW,
            )
        ],
    )

    legacy.adopt_invoice_number_rule(state)

    assert state.processed_document_ids == ["ack:ACME:OA-1", "invoice:ACME:INV42A"]
    assert state.invoices[0].document_id == "invoice:ACME:INV42A"
    assert state.tasks[0].subject_id == "invoice:ACME:INV42A"
    assert state.invoice_record("invoice:ACME:INV42A") is state.invoices[0]


# --- migration 0008 re-keys what is stored ---------------------------------------------------------------


def _document(document_id: str, raw: bytes, kind: str = "invoice", minute: int = 0) -> dict:
    return {
        "document_id": document_id,
        "sha256": uuid.uuid4().hex,
        "kind": kind,
        "po_number": "PO-1",
        "content_type": "application/json",
        "source": "test",
        "size": len(raw),
        "raw": raw,
        "received_at": NOW.replace(minute=minute),
    }


def _json_invoice(number: str, kind: str = "invoice") -> bytes:
    return json.dumps({"invoice_number": number, "kind": kind, "vendor_id": "ACME"}).encode()


def test_migration_0008_rekeys_stored_invoice_ids_and_0007_puts_them_back(blank_engine: Engine) -> None:
    engine = blank_engine
    alembic(engine, command.upgrade, "0007")
    old = "invoice:ACME:INV0042A"
    with engine.begin() as c:
        c.execute(
            t.documents.insert(),
            [
                _document(old, _json_invoice("INV-0042-A")),
                _document("credit:ACME:CM0042A", _json_invoice("CM-0042-A", "credit_memo"), "credit_memo"),
                _document("invoice:ACME:INV123", _json_invoice("inv-000123")),  # same under both rules
                _document("invoice:ACME:PDF0042A", b"%PDF-1.7 not json"),  # no number to read: stays
                # two documents under the earlier rule, one under the new: the first received takes the key
                _document("invoice:ACME:B0042X", _json_invoice("B-0042-X"), minute=1),
                _document("invoice:ACME:B042X", _json_invoice("B-042-X"), minute=2),
                _document("ack:ACME:OA-0042", b"{}", kind="acknowledgment"),
            ],
        )
        c.execute(
            t.human_tasks.insert().values(
                task_id="PO-1-T1",
                po_number="PO-1",
                kind="resolve_invoice_hold",
                title="x",
                options=[],
                assignee_role="ap_clerk",
                subject_id=old,
                context={},
                created_at=NOW,
                due_at=NOW,
                status="done",
            )
        )
        c.execute(
            t.payment_handoffs.insert().values(
                invoice_id=old,
                payment_reference="PAY-1",
                po_number="PO-1",
                vendor_id="ACME",
                invoice_number="INV-0042-A",
                currency="USD",
                amount=D("1190"),
                handed_off_at=NOW,
            )
        )
        c.execute(
            t.match_results.insert().values(
                match_id=f"{old}@x",
                invoice_id=old,
                po_number="PO-1",
                po_revision=0,
                decision="approve",
                open_holds=0,
                result={"invoice_id": old, "po_number": "PO-1"},
            )
        )

    alembic(engine, command.upgrade, "0008")

    new = "invoice:ACME:INV42A"
    assert stored_keys(engine) == {
        new,
        "credit:ACME:CM42A",
        "invoice:ACME:INV123",
        "invoice:ACME:PDF0042A",
        "invoice:ACME:B42X",
        "invoice:ACME:B042X",
        "ack:ACME:OA-0042",
    }
    assert row(engine, t.human_tasks.c.subject_id) == new
    assert row(engine, t.payment_handoffs.c.invoice_id) == new
    assert row(engine, t.match_results.c.invoice_id) == new
    assert row(engine, t.match_results.c.result)["invoice_id"] == new
    assert row(engine, t.match_results.c.match_id) == f"{old}@x"  # opaque: kept

    alembic(engine, command.downgrade, "0007")

    assert old in stored_keys(engine) and "invoice:ACME:B0042X" in stored_keys(engine)
    assert row(engine, t.payment_handoffs.c.invoice_id) == old
    assert row(engine, t.human_tasks.c.subject_id) == old


def stored_keys(engine: Engine) -> set[str]:
    with engine.connect() as c:
        return set(c.execute(select(t.documents.c.document_id)).scalars())


def row(engine: Engine, column):  # type: ignore[no-untyped-def]
    with engine.connect() as c:
        return c.execute(select(column)).scalar_one()


# --- PurchaseOrderWorkflow: runs under the earlier rule replay as they ran ---------------------------------


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    """ACME's policy audits half of all invoices, so an id decides the draw."""
    engine = seeded_sqlite(tmp_path_factory.mktemp("numbers") / "poflow.db")
    policy = get_policy(engine, "standard")
    assert policy is not None
    with engine.begin() as connection:
        upsert_policy(
            connection, policy.model_copy(update={"audit_sample_pct": D(50), "audit_min_amount": D(0)})
        )
    yield engine
    engine.dispose()


def number_drawn_differently(salt: str) -> str:
    """A number whose audit draw differs under the two rules: replaying it
    with the new id would change the run's decisions."""
    for k in range(1, 500):
        number = f"INV-{k:04d}-A"
        bill = an_invoice(number)
        drawn = [
            audit_sample.audit_number(key, salt) < 50 for key in (bill.document_id, bill.legacy_document_id)
        ]
        if drawn[0] != drawn[1]:
            return number
    raise AssertionError("no such number")


async def test_a_run_under_the_earlier_rule_replays_with_todays_code(
    env: WorkflowEnvironment, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Record a run as the code before this change ran it (ids by the earlier
    rule, no patch marker), then replay it with today's code: the second
    spelling was a second invoice then and stays one; the audit draws by
    the earlier id; match results carry the earlier id."""
    client = env.client
    policy = get_policy(engine, "standard")
    assert policy is not None
    number = number_drawn_differently(policy.audit_salt)
    order = po(unique("PO"))
    queue = f"poflow-legacy-{uuid.uuid4().hex[:8]}"
    with monkeypatch.context() as earlier:
        earlier.setattr(models.documents, "normalize_invoice_number", legacy_normalize_invoice_number)
        async with Worker(
            client,
            task_queue=queue,
            workflows=[PurchaseOrderWorkflow],
            activities=build_activities(client, engine, settings_for(str(engine.url), queue), None),
            activity_executor=ThreadPoolExecutor(max_workers=4),
            patch_activation_callback=lambda p: (
                p.patch_id != PATCH_INVOICE_NUMBER_RUNS and before_the_baseline(p)
            ),
        ):
            handle = await start(client, queue, order)
            await eventually(handle, lambda s: s.status == PoStatus.ISSUED)
            await handle.signal(PoSignal.RECEIPT, full_receipt(order))
            await handle.signal(PoSignal.INVOICE, invoice(order, number, {1: ("50", "11.90")}))
            await handle.signal(
                PoSignal.INVOICE, invoice(order, number.replace("-0", "-"), {1: ("50", "11.90")})
            )
            s = await eventually(handle, lambda s: len(s.invoices) == 2 and all(r.match for r in s.invoices))
            history = await handle.fetch_history()
            await handle.cancel()  # with the worker running: the test server's clock must not stall
            with suppress(WorkflowFailureError):
                await handle.result()
    first, second = s.invoices  # two invoices then, one document by today's rule
    assert first.invoice.document_id == second.invoice.document_id
    assert (
        first.match.invoice_id == first.document_id == first.invoice.legacy_document_id != second.document_id
    )
    await Replayer(workflows=[PurchaseOrderWorkflow], data_converter=pydantic_data_converter).replay_workflow(
        history
    )


async def test_a_new_run_takes_another_spelling_of_an_invoice_for_a_resend(
    env: WorkflowEnvironment, engine: Engine
) -> None:
    client = env.client
    order = po(unique("PO"))
    async with running_worker(client, engine) as queue:
        handle = await start(client, queue, order)
        await eventually(handle, lambda s: s.status == PoStatus.ISSUED)
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-0042-0007", {1: ("50", "11.90")}))
        await handle.signal(PoSignal.INVOICE, invoice(order, "inv 42/7", {1: ("50", "11.90")}))
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        s = await eventually(handle, lambda s: len(s.receipts) == 1 and all(r.match for r in s.invoices))
        history = await handle.fetch_history()
    assert [r.document_id for r in s.invoices] == ["invoice:ACME:INV427"]
    await Replayer(workflows=[PurchaseOrderWorkflow], data_converter=pydantic_data_converter).replay_workflow(
        history
    )
