"""Persistence layer: migrations, seed, repository functions, column types.
Every test using `engine` runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from functools import partial
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine

from activities.db import outbox, repository
from activities.db import schema as t
from activities.db.engine import current_revision, head_revision, make_engine, migrate
from activities.db.master_data import (
    connect,
    contracts_on,
    get_policy,
    get_vendor,
    list_contracts,
    list_items,
    list_vendors,
    upsert_policy,
)
from activities.db.seed import DEFAULT_SEED_PATH, seed_master_data
from models import (
    AuditEvent,
    HumanTask,
    MatchDecision,
    MatchRecord,
    MatchResult,
    PaymentHandoff,
    Policy,
    PoProjection,
    TaskKind,
    TaskStatus,
    ToleranceProfile,
)
from tests.support.db import run_concurrently
from workflows.contract import po_workflow_id

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
CET = timezone(timedelta(hours=1))


def count(engine: Engine, table) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


# --- migrations -------------------------------------------------------------------


def test_migrated_schema_is_at_head_and_matches_the_tables(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    assert int(head_revision() or 0) >= 4  # 0004: tolerance changes and versions
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, t.metadata)
    assert diff == [], "migrations and activities/db/schema.py disagree"


def test_migrating_twice_is_a_no_op(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(t.tolerance_profiles.insert().values(name="keep-me", version=1, limits={}))
    migrate(engine)
    migrate(engine)
    assert current_revision(engine) == head_revision()
    assert count(engine, t.tolerance_profiles) == 1  # nothing recreated or emptied
    assert set(t.metadata.tables) <= set(inspect(engine).get_table_names())


def test_migrate_from_a_url_creates_the_folder_and_works_from_any_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # not the repo root: the script location must not depend on cwd
    db = tmp_path / "nested" / "home" / "poflow.db"
    migrate(f"sqlite:///{db}")
    assert db.exists()
    engine = make_engine(f"sqlite:///{db}")
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_concurrent_migrations_of_one_sqlite_file_do_not_collide(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'shared.db'}"
    start_process = partial(migrate, url)  # what the API and the worker each do at start-up
    run_concurrently(start_process, start_process, start_process)  # raises if any failed
    engine = make_engine(url)
    try:
        assert current_revision(engine) == head_revision()
    finally:
        engine.dispose()


def test_sqlite_engine_is_set_up_for_two_processes(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'p.db'}")
    try:
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    finally:
        engine.dispose()


def test_postgres_urls_use_psycopg3() -> None:
    engine = make_engine("postgresql://u@db.example:5432/poflow")
    assert engine.url.drivername == "postgresql+psycopg"
    engine.dispose()


# --- seed and master data ---------------------------------------------------------------


def test_seed_loads_realistic_master_data_and_is_idempotent(engine: Engine) -> None:
    seed_master_data(engine)

    def snapshot() -> tuple:
        policy = get_policy(engine, "standard")
        return list_vendors(engine), list_items(engine), list_contracts(engine), policy

    def counts() -> dict[str, int]:
        return {table.name: count(engine, table) for table in (t.vendors, t.items, t.contracts, t.policies)}

    first, first_counts = snapshot(), counts()
    seed_master_data(engine)
    assert snapshot() == first
    assert counts() == first_counts

    vendors = {v.id: v for v in first[0]}
    assert {"ACME", "NORDIC", "LABWORKS", "SLOWPOKE", "CLOUDOPS", "INACTIVE"} <= set(vendors)
    assert vendors["NORDIC"].currency == "EUR" and vendors["NORDIC"].name == "Nordic Fasteners AB"
    assert vendors["INACTIVE"].active is False
    assert vendors["SLOWPOKE"].policy_name == "demo-fast"
    items = {i.id: i for i in first[1]}
    assert len(items) >= 12
    categories = {i.category for i in items.values()}
    assert categories >= {"MRO", "fasteners", "lab equipment", "IT services", "packaging"}
    assert all(i.match_level.value == "4-way" for i in items.values() if i.id.startswith("LAB-"))
    assert all(i.match_level.value == "2-way" for i in items.values() if i.category == "IT services")
    assert first_counts["contracts"] >= 12


def test_seed_upserts_changed_values_instead_of_adding_rows(engine: Engine, tmp_path: Path) -> None:
    seed_master_data(engine)
    data = json.loads(DEFAULT_SEED_PATH.read_text())
    for contract in data["contracts"]:
        if contract["item_id"] == "MRO-BEARING-6204":
            contract["unit_price"] = "4.99"
    data["vendors"][0]["email"] = "purchasing@acme.example"
    edited = tmp_path / "master_data.json"
    edited.write_text(json.dumps(data))
    before = count(engine, t.contracts)

    seed_master_data(engine, edited)

    assert count(engine, t.contracts) == before
    found = contracts_on(engine, "ACME", ["MRO-BEARING-6204"], T0.date())
    assert found["MRO-BEARING-6204"].unit_price == Decimal("4.99")
    assert get_vendor(engine, "ACME").email == "purchasing@acme.example"  # type: ignore[union-attr]


def test_seed_rejects_a_misspelt_field(engine: Engine, tmp_path: Path) -> None:
    data = json.loads(DEFAULT_SEED_PATH.read_text())
    data["vendors"][0]["curency"] = "USD"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="curency"):
        seed_master_data(engine, bad)
    assert count(engine, t.vendors) == 0


def test_contract_in_force_on_a_date(seeded_engine: Engine) -> None:
    item = "MRO-GLOVE-NITRILE-L"
    on_2025 = contracts_on(seeded_engine, "ACME", [item], datetime(2025, 6, 1).date())
    on_2026 = contracts_on(seeded_engine, "ACME", [item], datetime(2026, 6, 1).date())
    before = contracts_on(seeded_engine, "ACME", [item], datetime(2024, 6, 1).date())
    assert on_2025[item].unit_price == Decimal("11.20")
    assert on_2026[item].unit_price == Decimal("11.90")
    assert before == {}


# --- policies ------------------------------------------------------------------------------


def test_policy_lookup_by_vendor_with_default_fallback(seeded_engine: Engine) -> None:
    fast = repository.get_policy_for_vendor(seeded_engine, "SLOWPOKE")
    assert fast.name == "demo-fast"
    assert fast.ack_reminder_after == timedelta(seconds=5)
    assert fast.ack_due_after == timedelta(seconds=10)
    assert fast.task_sla == timedelta(seconds=10)
    assert fast.receipt_grace == timedelta(hours=1)
    assert fast.invoice_hold_sla == timedelta(seconds=60)

    standard = repository.get_policy_for_vendor(seeded_engine, "ACME")
    assert standard.name == "standard"
    assert standard.approval_threshold == Decimal("10000")
    assert standard.ack_due_after == Policy().ack_due_after
    assert standard.tolerances.price_over_pct == Decimal("2")
    assert standard.tolerances.ack_price_over_pct == Decimal("2")
    assert standard.tolerances.qty_over_received_pct == Decimal("0")
    assert standard.tolerances.total_small_difference_abs == Decimal("0.05")
    assert standard.tolerances.price_over_abs is None  # not checked, not "zero"

    assert repository.get_policy_for_vendor(seeded_engine, "NO-SUCH-VENDOR").name == "standard"
    with seeded_engine.begin() as connection:
        connection.execute(t.vendors.update().where(t.vendors.c.id == "NORDIC").values(policy_name=None))
    nordic = repository.get_policy_for_vendor(seeded_engine, "NORDIC")
    # The same policy; only the tolerances differ: NORDIC has a vendor profile of its own.
    per_vendor = {"tolerances", "tolerance_profiles"}
    assert nordic.model_dump(exclude=per_vendor) == standard.model_dump(exclude=per_vendor)
    assert nordic.tolerances.name == "nordic-fasteners"


def test_policy_defaults_when_nothing_is_seeded(engine: Engine) -> None:
    assert repository.get_policy_for_vendor(engine, "ACME") == Policy()


def test_policy_round_trips_exactly(engine: Engine) -> None:
    policy = Policy(
        name="odd",
        version=7,
        approval_threshold=Decimal("2500.50"),
        ack_reminder_after=timedelta(days=1, hours=2, seconds=3, microseconds=500_000),
        ack_due_after=timedelta(seconds=40),
        receipt_grace=timedelta(hours=36),
        invoice_hold_sla=timedelta(minutes=90),
        task_sla=timedelta(days=10),
        discount_escalation_lead=timedelta(0),
        tolerances=ToleranceProfile(
            name="odd-tol", version=3, price_over_abs=Decimal("25"), ack_qty_pct=None
        ),
    )
    with engine.begin() as connection:
        upsert_policy(connection, policy)
    assert get_policy(engine, "odd") == policy
    with connect(engine) as connection:
        settings = connection.execute(select(t.policies.c.settings)).scalar_one()
    assert settings["ack_due_after"] == "PT40S"  # ISO 8601 in the stored JSON, readable by people


# --- documents -------------------------------------------------------------------------------


def store(engine: Engine, document_id: str, raw: bytes, **kw):  # type: ignore[no-untyped-def]
    args = {"kind": "invoice", "content_type": "application/json", "source": "api", "po_number": "PO-1001"}
    return repository.store_document(engine, document_id=document_id, raw=raw, **{**args, **kw})


def test_store_document_then_duplicate_by_business_key(engine: Engine) -> None:
    first = store(engine, "invoice:ACME:INV1001", b'{"invoice_number": "INV-1001"}')
    assert first.duplicate is False and first.first_document_id == "invoice:ACME:INV1001"
    assert first.received_at.tzinfo == UTC

    again = store(engine, "invoice:ACME:INV1001", b'{"invoice_number": "INV-1001", "resent": true}')
    assert again.duplicate is True
    assert again.first_document_id == "invoice:ACME:INV1001"
    assert again.sha256 == first.sha256  # describes the stored first copy
    assert again.received_at == first.received_at
    assert count(engine, t.documents) == 1
    assert repository.get_document_bytes(engine, "invoice:ACME:INV1001") == b'{"invoice_number": "INV-1001"}'


def test_store_document_duplicate_by_identical_bytes_under_another_id(engine: Engine) -> None:
    raw = b"ISA*00*          *00*          *ZZ*ACME           *ZZ*BUYER          *~"
    first = store(engine, "invoice:ACME:INV1001", raw)
    again = store(engine, "invoice:ACME:INV-1001-RESENT", raw, source="mail")
    assert again.duplicate is True
    assert again.document_id == "invoice:ACME:INV-1001-RESENT"
    assert again.first_document_id == "invoice:ACME:INV1001"
    assert again.sha256 == first.sha256 == repository.sha256_hex(raw)
    assert count(engine, t.documents) == 1
    assert repository.get_document(engine, "invoice:ACME:INV-1001-RESENT") is None
    assert repository.find_document_by_sha256(engine, first.sha256).document_id == first.document_id  # type: ignore[union-attr]


def test_store_document_is_race_safe(engine: Engine) -> None:
    for attempt in range(5):  # a few rounds, so the race really happens
        document_id = f"ack:NORDIC:ORDRSP-{attempt}"
        results = run_concurrently(
            partial(store, engine, document_id, f"copy one {attempt}".encode()),
            partial(store, engine, document_id, f"copy two {attempt}".encode()),
        )
        assert sorted(r.duplicate for r in results) == [False, True]
        assert {r.first_document_id for r in results} == {document_id}
    assert count(engine, t.documents) == 5


def test_same_bytes_under_two_ids_at_once_are_stored_once(engine: Engine) -> None:
    raw = b"UNB+UNOC:3+NORDIC+BUYER+260302:0930+77'"
    results = run_concurrently(
        partial(store, engine, "ack:NORDIC:ORDRSP-77", raw), partial(store, engine, "ack:NORDIC:77", raw)
    )
    assert sorted(r.duplicate for r in results) == [False, True]
    [winner] = [r.document_id for r in results if not r.duplicate]
    assert {r.first_document_id for r in results} == {winner}
    assert count(engine, t.documents) == 1


def test_store_document_refuses_empty_content(engine: Engine) -> None:
    with pytest.raises(ValueError, match="empty"):
        store(engine, "invoice:ACME:EMPTY", b"")
    assert count(engine, t.documents) == 0


def test_get_document(engine: Engine) -> None:
    store(engine, "receipt:PO-1001:GR-1", b"receipt", kind="receipt", content_type="text/csv")
    got = repository.get_document(engine, "receipt:PO-1001:GR-1")
    assert got is not None
    assert (got.kind, got.po_number, got.duplicate) == ("receipt", "PO-1001", False)
    assert got.received_at.tzinfo == UTC
    assert repository.get_document(engine, "receipt:PO-1001:GR-2") is None


# --- human tasks ----------------------------------------------------------------------------


def make_task(task_id: str, po_number: str = "PO-1001", created_at: datetime = T0, **kw) -> HumanTask:  # type: ignore[no-untyped-def]
    fields = {
        "task_id": task_id,
        "po_number": po_number,
        "kind": TaskKind.RESOLVE_INVOICE_HOLD,
        "title": "Price variance on line 2",
        "options": ["accept_variance", "request_credit_memo", "reject_invoice", "wait"],
        "assignee_role": "ap_clerk",
        "subject_id": "invoice:ACME:INV1001",
        "context": {"PO line 2": "100 EA @ 11.90 USD", "Invoice line 2": "100 EA @ 12.40 USD"},
        "created_at": created_at,
        "due_at": created_at + timedelta(days=2),
    }
    return HumanTask(**{**fields, **kw})


def test_task_upsert_follows_the_workflow(engine: Engine) -> None:
    task = make_task("po-PO-1001/task-1")
    repository.upsert_task(engine, task)
    assert repository.get_task(engine, task.task_id) == task

    escalated = task.model_copy(update={"escalation_level": 1, "assignee": "deputy.ap"})
    repository.upsert_task(engine, escalated)
    decided = escalated.model_copy(
        update={
            "status": TaskStatus.DONE,
            "decision": "accept_variance",
            "decided_by": "maria.ap",
            "decided_at": datetime(2026, 3, 3, 10, 0, tzinfo=CET),
            "comment": "Supplier's price list changed on 1 March; agreed by phone.",
        }
    )
    repository.upsert_task(engine, decided)
    repository.upsert_task(engine, decided)  # a retried activity

    stored = repository.get_task(engine, task.task_id)
    assert stored == decided
    assert stored.decided_at == datetime(2026, 3, 3, 9, 0, tzinfo=UTC)  # type: ignore[union-attr]
    assert stored.decided_at.tzinfo == UTC  # type: ignore[union-attr]
    assert count(engine, t.human_tasks) == 1
    assert repository.list_tasks(engine) == []  # no longer open


def test_list_tasks_newest_first_with_filters(engine: Engine) -> None:
    old = make_task("t-old", created_at=T0)
    mid = make_task("t-mid", po_number="PO-2002", created_at=T0 + timedelta(hours=1))
    new = make_task("t-new", created_at=T0 + timedelta(hours=2))
    closed = make_task("t-closed", created_at=T0 + timedelta(hours=3), status=TaskStatus.CANCELLED)
    for task in (mid, closed, old, new):
        repository.upsert_task(engine, task)

    def ids(**filters) -> list[str]:  # type: ignore[no-untyped-def]
        return [task.task_id for task in repository.list_tasks(engine, **filters)]

    assert ids() == ["t-new", "t-mid", "t-old"]
    assert ids(po_number="PO-1001") == ["t-new", "t-old"]
    assert ids(status=None) == ["t-closed", "t-new", "t-mid", "t-old"]
    assert ids(status="cancelled") == ["t-closed"]
    assert repository.get_task(engine, "nope") is None


# --- purchase order projection ------------------------------------------------------------------


def projection(po_number: str = "PO-1001", **kw) -> PoProjection:  # type: ignore[no-untyped-def]
    fields = {
        "po_number": po_number,
        "revision": 0,
        "vendor_id": "ACME",
        "buyer": "jane.buyer",
        "status": "pending_approval",
        "currency": "USD",
        "total": Decimal("12340.00"),
        "workflow_id": po_workflow_id(po_number),
        "updated_at": T0,
    }
    return PoProjection(**{**fields, **kw})


def test_po_projection_upsert_keeps_the_newest(engine: Engine) -> None:
    repository.upsert_po_projection(engine, projection())
    issued = projection(status="issued", open_tasks=0, updated_at=T0 + timedelta(minutes=5))
    assert repository.upsert_po_projection(engine, issued) is True
    late_retry = projection(status="pending_approval", open_tasks=1, updated_at=T0 + timedelta(minutes=1))
    assert repository.upsert_po_projection(engine, late_retry) is False

    assert repository.get_purchase_order(engine, "PO-1001") == issued
    assert count(engine, t.purchase_orders) == 1


def test_list_purchase_orders(engine: Engine) -> None:
    for hours, (po_number, status) in enumerate([("PO-1", "issued"), ("PO-2", "closed"), ("PO-3", "issued")]):
        at = T0 + timedelta(hours=hours)
        repository.upsert_po_projection(engine, projection(po_number, status=status, updated_at=at))
    assert [p.po_number for p in repository.list_purchase_orders(engine)] == ["PO-3", "PO-2", "PO-1"]
    assert [p.po_number for p in repository.list_purchase_orders(engine, status="issued")] == ["PO-3", "PO-1"]
    assert repository.get_purchase_order(engine, "PO-404") is None


# --- audit events and match results ----------------------------------------------------------


def test_audit_events_are_recorded_once(engine: Engine) -> None:
    first = AuditEvent(event_id="po-PO-1001#1", po_number="PO-1001", event="created", at=T0)
    second = AuditEvent(
        event_id="po-PO-1001#2",
        po_number="PO-1001",
        event="approved",
        actor="bob",
        at=T0 + timedelta(hours=1),
    )
    assert repository.insert_audit_event(engine, second) is True
    assert repository.insert_audit_event(engine, first) is True
    assert repository.insert_audit_event(engine, first) is False  # replay after reset
    assert repository.list_audit_events(engine, "PO-1001") == [first, second]
    assert count(engine, t.audit_events) == 2


def test_match_results_are_stored_once_per_run(engine: Engine) -> None:
    held = MatchResult(
        invoice_id="invoice:ACME:INV1001",
        po_number="PO-1001",
        po_revision=0,
        decision=MatchDecision.HOLD,
        matched_at=T0,
    )
    approved = held.model_copy(
        update={"decision": MatchDecision.APPROVE, "matched_at": T0 + timedelta(days=1)}
    )
    untimed = held.model_copy(update={"matched_at": None, "invoice_id": "invoice:ACME:INV1002"})
    for result in (held, approved, untimed):
        assert repository.insert_match_result(engine, MatchRecord(result=result)) is True
        assert repository.insert_match_result(engine, MatchRecord(result=result)) is False
    assert repository.list_match_results(engine, invoice_id="invoice:ACME:INV1001") == [held, approved]
    assert len(repository.list_match_results(engine, po_number="PO-1001")) == 3
    # Stored without their requests (as before migration 0003): SQL NULL, left out of simulations.
    with engine.connect() as connection:
        assert (
            connection.execute(select(func.count()).where(t.match_results.c.request.is_(None))).scalar() == 3
        )
    assert repository.list_match_records(engine, with_request=True) == []


def test_match_records_round_trip_with_their_request(engine: Engine) -> None:
    from p2p.matching import match_invoice
    from tests.support.simulation import CLEAN, HELD, PO, request_for

    held_request, clean_request = request_for(HELD, PO), request_for(CLEAN, PO)
    first = MatchRecord(request=held_request, result=match_invoice(held_request, matched_at=T0))
    second = MatchRecord(
        request=clean_request, result=match_invoice(clean_request, matched_at=T0 + timedelta(days=3))
    )
    untimed = MatchRecord(result=first.result.model_copy(update={"matched_at": None, "invoice_id": "x"}))
    for record in (second, first, untimed):
        assert repository.insert_match_result(engine, record) is True
        assert repository.insert_match_result(engine, record) is False  # same invoice + matched_at: once
    assert repository.list_match_records(engine) == [untimed, first, second]
    assert repository.list_match_records(engine, with_request=True) == [first, second]
    assert repository.list_match_records(engine, since=T0 + timedelta(days=1)) == [second]
    assert repository.list_match_records(engine, invoice_id=HELD.document_id) == [first]
    # The request comes back whole: Decimals, dates and the tolerance candidates.
    [stored] = repository.list_match_records(engine, invoice_id=HELD.document_id)
    assert stored.request is not None
    assert stored.request.tolerance_profiles == held_request.tolerance_profiles
    assert stored.request.invoice.total == HELD.total


# --- column types ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        (Decimal("1234.567891"), Decimal("1234.567891")),
        (Decimal("123456789012.123456"), Decimal("123456789012.123456")),  # 18 digits: beyond a float
        (Decimal("-0.000001"), Decimal("-0.000001")),
        (Decimal("1.0000005"), Decimal("1.000001")),  # 6 places, half up, like NUMERIC(18,6)
    ],
)
def test_money_round_trips_as_exact_decimal(engine: Engine, given: Decimal, stored: Decimal) -> None:
    repository.upsert_po_projection(engine, projection(total=given))
    total = repository.get_purchase_order(engine, "PO-1001").total  # type: ignore[union-attr]
    assert isinstance(total, Decimal)
    assert total == stored
    assert str(total) == str(stored.quantize(Decimal("0.000001")))


def test_money_column_on_payment_handoffs(engine: Engine) -> None:
    handoff = PaymentHandoff(
        invoice_id="invoice:ACME:INV9",
        po_number="PO-9",
        vendor_id="ACME",
        invoice_number="INV9",
        currency="USD",
        amount=Decimal("1234.567891"),
        at=T0,
    )
    outbox.hand_off_payment(engine, handoff)
    assert outbox.get_payment_handoff(engine, "invoice:ACME:INV9").amount == Decimal("1234.567891")  # type: ignore[union-attr]


def test_timestamps_come_back_as_aware_utc(engine: Engine) -> None:
    at = datetime(2026, 3, 2, 23, 30, tzinfo=CET)  # 22:30 UTC, and a different UTC date than local
    repository.insert_audit_event(engine, AuditEvent(event_id="e1", po_number="PO-1", event="x", at=at))
    [event] = repository.list_audit_events(engine, "PO-1")
    assert event.at == at
    assert event.at.tzinfo == UTC and event.at.hour == 22


def test_sqlite_stores_utc_wall_time_and_reads_it_back_aware(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'tz.db'}")
    try:
        migrate(engine)
        at = datetime(2026, 7, 1, 12, 0, tzinfo=timezone(timedelta(hours=-7)))
        repository.upsert_task(engine, make_task("t1", created_at=at))
        with engine.connect() as connection:
            raw = connection.execute(text("SELECT created_at FROM human_tasks")).scalar_one()
        assert str(raw).startswith("2026-07-01 19:00:00")  # UTC, no offset in the file
        task = repository.get_task(engine, "t1")
        assert task.created_at == at and task.created_at.tzinfo == UTC  # type: ignore[union-attr]
    finally:
        engine.dispose()


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with pytest.raises(Exception, match="naive datetime"):
        with engine.begin() as connection:
            connection.execute(
                t.audit_events.insert().values(
                    event_id="e", po_number="PO-1", event="x", detail="", actor="a", at=datetime(2026, 1, 1)
                )
            )
    assert count(engine, t.audit_events) == 0
