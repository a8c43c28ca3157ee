"""Duplicate candidates by index (issue #20 item 3): the keys written with
every stored invoice, the candidates the activity hands the workflow
(expectations from p2p.duplicates' rules under the loosest policy: total
within CANDIDATE_AMOUNT_SLACK_PCT, dated within the widest window a Policy
allows, or a near-identical number), the migration that fills the keys of
invoices stored before it, and the plan PostgreSQL uses."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from alembic import command
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from temporalio.testing import ActivityEnvironment

from activities.db import invoice_keys, repository
from activities.db import schema as t
from activities.persistence import PersistenceActivities
from models import HumanTask, Invoice, InvoiceKind, Policy, TaskKind, TaskStatus
from p2p.duplicates import near_identical_numbers
from tests.support.db import alembic
from tests.support.stored_invoices import invoice, store

D0 = date(2026, 3, 2)
T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def candidates(engine: Engine, new: Invoice) -> list[str]:
    found = ActivityEnvironment().run(PersistenceActivities(engine).find_duplicate_candidates, new)
    return sorted(i.invoice_number for i in found)


def keys(engine: Engine) -> dict[str, tuple[object, ...]]:
    k = t.invoice_keys
    query = select(k.c.document_id, k.c.vendor_id, k.c.currency, k.c.kind, k.c.total_micro, k.c.invoice_date)
    with engine.connect() as connection:
        return {row[0]: tuple(row[1:]) for row in connection.execute(query)}


# --- the rules' loosest reach -----------------------------------------------------------------


def test_the_widest_window_is_the_widest_a_policy_accepts() -> None:
    assert invoice_keys.WIDEST_WINDOW_DAYS == 366
    fields = Policy.model_fields["duplicate_window_days"]
    assert any(getattr(m, "le", None) == 366 for m in fields.metadata)


def test_same_amount_is_a_candidate_up_to_366_days_either_way_and_no_further(engine: Engine) -> None:
    new = invoice("INV-30211")
    for number, offset in [("Q-1", -366), ("Q-2", 366), ("Q-3", -367), ("Q-4", 367)]:
        assert not near_identical_numbers(new.invoice_number, number)
        store(engine, invoice(number, dated=D0 + timedelta(days=offset)))
    assert candidates(engine, new) == ["Q-1", "Q-2"]


def test_a_near_identical_number_is_a_candidate_at_any_distance(engine: Engine) -> None:
    new = invoice("INV-30211", dated=D0)
    far = D0 - timedelta(days=3000)
    store(engine, invoice("INV-30212", dated=far))  # one character changed
    store(engine, invoice("INV-32011", dated=far))  # two neighbours swapped
    store(engine, invoice("INV-30211-A", dated=far))  # short suffix
    store(engine, invoice("INV-39999", dated=far))  # two changes: no rule
    assert candidates(engine, new) == ["INV-30211-A", "INV-30212", "INV-32011"]


def test_the_amount_band_is_the_same_total_the_match_compares(engine: Engine) -> None:
    """The match compares totals exactly (no amount tolerance): a cent either
    way can meet no rule, so it is not loaded."""
    new = invoice("INV-30211", total="1000.00")
    for suffix, total in [("A1", "1000.00"), ("A2", "1000.000"), ("A3", "999.99"), ("A4", "1000.01")]:
        store(engine, invoice(suffix, total=total))  # same date, a number too short to be "near"
        store(engine, invoice(f"INV-30211-{suffix}", total=total, dated=D0 - timedelta(days=900)))
    assert candidates(engine, new) == ["A1", "A2", "INV-30211-A1", "INV-30211-A2"]


def test_other_vendors_currencies_credit_memos_and_rejected_invoices_never(engine: Engine) -> None:
    new = invoice("INV-30211")
    store(engine, invoice("INV-30211", vendor="GLOBEX"))
    store(engine, invoice("INV-30211", vendor="ACME2"))
    store(engine, invoice("INV-30212", currency="EUR"))
    store(engine, invoice("INV-30212", kind=InvoiceKind.CREDIT_MEMO))
    rejected = invoice("INV-30213")
    store(engine, rejected)
    repository.upsert_task(engine, rejected_task(rejected.document_id))
    store(engine, invoice("INV-30214"))
    assert candidates(engine, new) == ["INV-30214"]


def rejected_task(subject_id: str) -> HumanTask:
    return HumanTask(
        task_id=f"po-PO-1001/hold-{subject_id}",
        po_number="PO-1001",
        kind=TaskKind.RESOLVE_INVOICE_HOLD,
        title="Suspected duplicate",
        options=["reject_invoice", "wait"],
        assignee_role="ap_clerk",
        subject_id=subject_id,
        context={},
        created_at=T0,
        due_at=T0 + timedelta(days=2),
        status=TaskStatus.DONE,
        decision="reject_invoice",
    )


def test_the_invoice_itself_is_never_its_own_candidate(engine: Engine) -> None:
    new = invoice("INV-30211")
    store(engine, new)  # the door stores it before the workflow matches it
    assert candidates(engine, new) == []


def test_a_stored_pdf_original_has_no_keys_and_is_no_candidate(engine: Engine) -> None:
    store(engine, invoice("INV-30212"), raw=b"%PDF-1.7 \x00\xff binary")
    store(engine, invoice("INV-30213"), raw=b'{"invoice_number": "INV-30213"}')
    assert keys(engine) == {}
    assert candidates(engine, invoice("INV-30211")) == []


# --- the keys, written with the document --------------------------------------------------------


def test_storing_an_invoice_writes_its_keys_once(engine: Engine) -> None:
    first = invoice("INV-1", total="2137.19", dated=D0)
    store(engine, first)
    store(engine, first)  # a re-send: nothing new
    memo = invoice("CM-1", total="50.5", kind=InvoiceKind.CREDIT_MEMO)
    store(engine, memo)
    assert keys(engine) == {
        first.document_id: ("ACME", "USD", "invoice", 2_137_190_000, D0),
        memo.document_id: ("ACME", "USD", "credit_memo", 50_500_000, D0),
    }


def test_other_documents_get_no_keys(engine: Engine) -> None:
    repository.store_document(
        engine,
        document_id="receipt:PO-1001:R1",
        kind="receipt",
        raw=invoice("INV-1").model_dump_json().encode(),  # even invoice-shaped bytes under another kind
        content_type="application/json",
        source="api",
        po_number="PO-1001",
    )
    assert keys(engine) == {}


# --- the migration fills the keys of invoices stored before it ----------------------------------


def raw_row(document_id: str, kind: str, raw: bytes) -> dict[str, object]:
    return {
        "document_id": document_id,
        "sha256": repository.sha256_hex(raw),
        "kind": kind,
        "po_number": "PO-1001",
        "content_type": "application/json",
        "source": "api",
        "size": len(raw),
        "raw": raw,
        "received_at": T0,
    }


def test_upgrade_to_0017_fills_the_keys_of_stored_invoices(blank_engine: Engine) -> None:
    alembic(blank_engine, command.upgrade, "0016")
    old = invoice("INV-30212", dated=D0 - timedelta(days=10))
    memo = invoice("CM-1", kind=InvoiceKind.CREDIT_MEMO)
    far = invoice("Q-9", dated=D0 - timedelta(days=900))
    rows = [
        raw_row(doc.document_id, doc.kind.value, doc.model_dump_json().encode()) for doc in (old, memo, far)
    ]
    rows += [
        raw_row("invoice:ACME:PDF1", "invoice", b"%PDF-1.7 \x00\xff"),
        raw_row("invoice:ACME:JSON1", "invoice", b'{"invoice_number": "JSON1"}'),
        raw_row("receipt:PO-1001:R1", "receipt", b'{"receipt": 1}'),
    ]
    with blank_engine.begin() as connection:
        connection.execute(t.documents.insert(), rows)
    alembic(blank_engine, command.upgrade, "0017")
    assert keys(blank_engine) == {
        old.document_id: ("ACME", "USD", "invoice", 1_000_000_000, old.invoice_date),
        memo.document_id: ("ACME", "USD", "credit_memo", 1_000_000_000, D0),
        far.document_id: ("ACME", "USD", "invoice", 1_000_000_000, far.invoice_date),
    }
    assert candidates(blank_engine, invoice("INV-30211")) == ["INV-30212"]
    alembic(blank_engine, command.downgrade, "0016")
    with blank_engine.connect() as connection:
        assert "invoice_keys" not in blank_engine.dialect.get_table_names(connection)


def test_the_backfill_reads_every_batch(blank_engine: Engine) -> None:
    """More rows than three batches of the migration (1,000 each): every one gets its keys."""
    alembic(blank_engine, command.upgrade, "0016")
    docs = [invoice(f"INV-{n}", total=f"{100 + n}.00") for n in range(3001)]
    with blank_engine.begin() as connection:
        connection.execute(
            t.documents.insert(),
            [raw_row(d.document_id, "invoice", d.model_dump_json().encode()) for d in docs],
        )
    alembic(blank_engine, command.upgrade, "0017")
    assert len(keys(blank_engine)) == 3001


# --- the plan -----------------------------------------------------------------------------------


def test_the_candidates_are_found_by_the_index(engine: Engine) -> None:
    """With many invoices of the vendor (and of others) and fresh statistics,
    the database reads the amount band through ix_invoice_keys_candidates,
    never the whole table: EXPLAIN on PostgreSQL, EXPLAIN QUERY PLAN on SQLite."""
    bulk_keys(engine, vendors=("ACME", "GLOBEX", "INITECH"), per_vendor=20_000)
    postgres = engine.dialect.name == "postgresql"
    dialect = postgresql.dialect() if postgres else sqlite.dialect()
    sql = invoice_keys.band_query(invoice("INV-NEW", total="5000.00")).compile(
        dialect=dialect, compile_kwargs={"literal_binds": True}
    )
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
        rows = connection.execute(text(f"EXPLAIN {sql}" if postgres else f"EXPLAIN QUERY PLAN {sql}"))
        plan = "\n".join(str(row[-1]) for row in rows)
    if postgres:
        assert "Index Scan using ix_invoice_keys_candidates on invoice_keys" in plan, plan
        assert "Seq Scan on invoice_keys" not in plan, plan
    else:
        assert "SEARCH invoice_keys USING INDEX ix_invoice_keys_candidates" in plan, plan
        assert "SCAN invoice_keys" not in plan, plan


def bulk_keys(engine: Engine, *, vendors: tuple[str, ...], per_vendor: int) -> None:
    """Documents and their keys by executemany (not through the door): totals
    spread over 10.00 … 99,999.99, dates over ten years."""
    docs, rows = [], []
    for vendor in vendors:
        for n in range(per_vendor):
            document_id = f"invoice:{vendor}:B{n}"
            docs.append(raw_row(document_id, "invoice", f"{vendor}-{n}".encode()))
            rows.append(
                {
                    "document_id": document_id,
                    "vendor_id": vendor,
                    "currency": "USD",
                    "kind": "invoice",
                    "total_micro": (1000 + (n * 7919) % 9_999_000) * 10_000,
                    "invoice_date": D0 - timedelta(days=n % 3650),
                    "invoice_number": f"B{n}",
                }
            )
    with engine.begin() as connection:
        connection.execute(t.documents.insert(), docs)
        connection.execute(t.invoice_keys.insert(), rows)
