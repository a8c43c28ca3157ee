"""Changing live tolerance profiles by approval, item match levels from the
master data, and the suspected-duplicate candidate query — on SQLite and on
PostgreSQL (every test using `engine` runs on both)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine

from activities.db import repository
from activities.db import schema as t
from activities.db import tolerance_changes as tc
from activities.db.engine import current_revision, head_revision, migrate
from activities.db.master_data import (
    Item,
    connect,
    get_items,
    list_contracts,
    list_tolerance_profiles,
    policy_for_vendor,
    upsert_item,
)
from activities.db.seed import seed_master_data
from activities.db.validation import validate_purchase_order
from models import HumanTask, Invoice, PurchaseOrder, TaskKind, TaskStatus, ToleranceProfile
from models.purchase_order import MatchLevel
from models.tolerance_changes import ChangeStatus
from tests.support.db import alembic, run_concurrently

D = Decimal
T0 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
SEED_STANDARD = json.loads((Path(__file__).parents[2] / "seed" / "tolerances.json").read_text())["profiles"][
    0
]


def standard(**limits: str | None) -> ToleranceProfile:
    """The seeded `standard` profile with some limits changed."""
    data = {**SEED_STANDARD, **limits}
    data.pop("version", None)
    return ToleranceProfile.model_validate(data)


def acme(price_over_pct: str = "3") -> ToleranceProfile:
    return ToleranceProfile(
        name="acme", vendor_id="ACME", price_over_pct=D(price_over_pct), price_over_abs=D("0.10")
    )


def live(engine: Engine) -> dict[str, ToleranceProfile]:
    return {profile.name: profile for profile in list_tolerance_profiles(engine)}


# --- proposal ----------------------------------------------------------------------------------


def test_proposal_is_pending_with_its_diff_against_the_live_profiles(seeded_engine: Engine) -> None:
    change = tc.propose_change(
        seeded_engine,
        [standard(price_over_pct="3"), acme()],
        by="carl.clerk",
        reason="metals surcharge",
        now=T0,
    )
    assert (change.label, change.status, change.proposed_by, change.proposed_at, change.reason) == (
        "TC-1",
        ChangeStatus.PENDING,
        "carl.clerk",
        T0,
        "metals surcharge",
    )
    assert change.base_versions == {"standard": 1, "acme": None}
    assert [profile.source for profile in change.profiles] == ["standard v2", "acme v1"]
    changed, added = change.diff
    assert changed.label == "standard v1 → v2: price_over_pct 2 → 3"  # 50 and 50.00 are no change
    assert added.action == "added" and added.to_version == 1
    assert {c.field: c.after for c in added.changes}["price_over_pct"] == "3"
    # Nothing is live until a second person approves.
    assert live(seeded_engine)["standard"].price_over_pct == D(2) and "acme" not in live(seeded_engine)
    assert tc.get_change(seeded_engine, 1) == change


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        (ToleranceProfile(name="x", vendor_id="NOBODY"), "unknown vendor_id 'NOBODY'"),
        (ToleranceProfile(name="x", item_id="NO-ITEM"), "unknown item_id 'NO-ITEM'"),
        (ToleranceProfile(name="x", category="snacks"), "no item has category 'snacks'"),
        (
            ToleranceProfile(name="x", vendor_id="NORDIC"),
            "more than one tolerance profile for scope vendor=NORDIC",
        ),
        (
            ToleranceProfile(name="standard", vendor_id="ACME"),
            "a policy's default profile and cannot get a scope",
        ),
        (standard(), "nothing to change"),
    ],
    ids=["vendor", "item", "category", "scope_clash", "default_scoped", "no_change"],
)
def test_a_proposal_that_cannot_go_live_is_invalid(seeded_engine: Engine, profile, message: str) -> None:
    with pytest.raises(tc.ChangeInvalid, match=message):
        tc.propose_change(seeded_engine, [profile], by="carl.clerk")
    assert tc.list_changes(seeded_engine) == []


# --- approval: segregation of duties, versions, history -----------------------------------------------


def test_the_proposer_cannot_approve_their_own_change(seeded_engine: Engine) -> None:
    change = tc.propose_change(seeded_engine, [acme()], by="carl.clerk")
    with pytest.raises(tc.ChangeRefused, match="segregation of duties"):
        tc.approve_change(seeded_engine, change.change_id, by="  Carl.Clerk ")  # same person, other spelling
    assert tc.get_change(seeded_engine, change.change_id).status == ChangeStatus.PENDING
    assert "acme" not in live(seeded_engine)


def test_approval_bumps_the_version_and_keeps_the_previous_one_in_history(seeded_engine: Engine) -> None:
    first = tc.propose_change(seeded_engine, [acme("3")], by="carl.clerk", now=T0)
    tc.approve_change(seeded_engine, first.change_id, by="anna.apmanager", now=T0 + timedelta(hours=1))
    second = tc.propose_change(
        seeded_engine, [acme("4")], by="carl.clerk", reason="new contract", now=T0 + timedelta(days=1)
    )
    approved = tc.approve_change(
        seeded_engine, second.change_id, by="anna.apmanager", comment="ok", now=T0 + timedelta(days=2)
    )
    assert (approved.status, approved.decided_by, approved.decided_at, approved.decision_comment) == (
        ChangeStatus.APPROVED,
        "anna.apmanager",
        T0 + timedelta(days=2),
        "ok",
    )
    assert live(seeded_engine)["acme"].source == "acme v2"
    assert live(seeded_engine)["acme"].price_over_pct == D(4)
    v1, v2 = tc.profile_history(seeded_engine, "acme")
    # A hold that quotes "acme v1" is still explained by exactly the limits it was decided under.
    assert (v1.profile.price_over_pct, v1.valid_from, v1.valid_to, v1.change_id) == (
        D(3),
        T0 + timedelta(hours=1),
        T0 + timedelta(days=2),
        first.change_id,
    )
    assert (v2.profile.price_over_pct, v2.valid_to, v2.approved_by) == (D(4), None, "anna.apmanager")
    assert tc.get_profile_version(seeded_engine, "acme", 1) == v1


def test_new_pos_get_the_approved_version(seeded_engine: Engine) -> None:
    change = tc.propose_change(seeded_engine, [standard(price_over_pct="2.5")], by="carl.clerk")
    tc.approve_change(seeded_engine, change.change_id, by="anna.apmanager")
    policy = policy_for_vendor(seeded_engine, "ACME")
    assert (policy.tolerances.source, policy.tolerances.price_over_pct) == ("standard v2", D("2.5"))


def test_reseeding_never_undoes_an_approved_change(seeded_engine: Engine) -> None:
    change = tc.propose_change(seeded_engine, [standard(price_over_pct="3")], by="carl.clerk")
    tc.approve_change(seeded_engine, change.change_id, by="anna.apmanager")
    before = live(seeded_engine)
    seed_master_data(seeded_engine)  # every start of the worker/API does this
    seed_master_data(seeded_engine)
    assert live(seeded_engine) == before and before["standard"].source == "standard v2"
    assert [v.profile.version for v in tc.profile_history(seeded_engine, "standard")] == [1, 2]


def test_first_seed_records_every_profile_as_its_first_version(engine: Engine) -> None:
    seed_master_data(engine)
    versions = tc.live_profile_versions(engine)
    assert {(v.profile.source, v.approved_by, v.change_id) for v in versions} == {
        (f"{name} v1", "seed", None) for name in ("standard", "nordic-fasteners", "lab-equipment", "lab-tips")
    }
    assert all(v.valid_from is not None for v in versions)


def test_a_stale_change_is_refused_after_another_went_live(seeded_engine: Engine) -> None:
    one = tc.propose_change(seeded_engine, [acme("3")], by="carl.clerk")
    other = tc.propose_change(seeded_engine, [acme("5")], by="dora.buyer")
    tc.approve_change(seeded_engine, one.change_id, by="anna.apmanager")
    with pytest.raises(tc.ChangeRefused, match="stale: acme is v1 now, was vNone"):
        tc.approve_change(seeded_engine, other.change_id, by="anna.apmanager")
    assert live(seeded_engine)["acme"].price_over_pct == D(3)


def test_a_change_whose_scope_was_taken_meanwhile_is_refused_as_stale(seeded_engine: Engine) -> None:
    one = tc.propose_change(seeded_engine, [acme("3")], by="carl.clerk")
    twin = tc.propose_change(
        seeded_engine, [acme("4").model_copy(update={"name": "acme-2027"})], by="dora.buyer"
    )
    tc.approve_change(seeded_engine, one.change_id, by="anna.apmanager")
    with pytest.raises(
        tc.ChangeRefused, match="stale: more than one tolerance profile for scope vendor=ACME"
    ):
        tc.approve_change(seeded_engine, twin.change_id, by="anna.apmanager")
    assert tc.get_change(seeded_engine, twin.change_id).status == ChangeStatus.PENDING


def test_rejection_records_who_and_why_and_closes_the_change(seeded_engine: Engine) -> None:
    change = tc.propose_change(seeded_engine, [acme()], by="carl.clerk")
    with pytest.raises(tc.ChangeInvalid, match="needs a reason"):
        tc.reject_change(seeded_engine, change.change_id, by="anna", reason=" ")
    rejected = tc.reject_change(
        seeded_engine, change.change_id, by="anna.apmanager", reason="too loose", now=T0
    )
    assert (rejected.status, rejected.decided_by, rejected.decided_at, rejected.decision_comment) == (
        ChangeStatus.REJECTED,
        "anna.apmanager",
        T0,
        "too loose",
    )
    with pytest.raises(tc.ChangeRefused, match="already rejected by anna.apmanager"):
        tc.approve_change(seeded_engine, change.change_id, by="bert.controller")
    assert "acme" not in live(seeded_engine)
    with pytest.raises(tc.ChangeNotFound, match="TC-99"):
        tc.approve_change(seeded_engine, 99, by="anna")


def test_changes_are_listed_newest_first_and_by_status(seeded_engine: Engine) -> None:
    a = tc.propose_change(seeded_engine, [acme("3")], by="carl.clerk")
    b = tc.propose_change(seeded_engine, [standard(price_over_pct="4")], by="carl.clerk")
    tc.reject_change(seeded_engine, a.change_id, by="carl.clerk", reason="withdrawn")  # proposer may withdraw
    assert [c.change_id for c in tc.list_changes(seeded_engine)] == [b.change_id, a.change_id]
    assert [c.change_id for c in tc.list_changes(seeded_engine, ChangeStatus.PENDING)] == [b.change_id]


def test_two_approvers_at_once_put_the_change_live_once(seeded_engine: Engine) -> None:
    change = tc.propose_change(seeded_engine, [acme()], by="carl.clerk")
    outcomes: list[str] = []

    def approve(who: str):  # type: ignore[no-untyped-def]
        def call() -> None:
            try:
                tc.approve_change(seeded_engine, change.change_id, by=who)
                outcomes.append("approved")
            except tc.ChangeRefused:
                outcomes.append("refused")

        return call

    run_concurrently(approve("anna.apmanager"), approve("bert.controller"))
    assert sorted(outcomes) == ["approved", "refused"]
    assert [v.profile.version for v in tc.profile_history(seeded_engine, "acme")] == [1]


# --- match level from the item master ----------------------------------------------------------------


def po(*lines: tuple[str, str | None]) -> PurchaseOrder:
    return PurchaseOrder.model_validate(
        {
            "po_number": "PO-9",
            "vendor_id": "LABWORKS",
            "buyer": "bob",
            "currency": "USD",
            "order_date": "2026-11-02",
            "lines": [
                {
                    "line_no": n,
                    "item_id": item_id,
                    "quantity": "1",
                    "unit_price": "8.65",
                    "match_level": level,
                }
                for n, (item_id, level) in enumerate(lines, start=1)
            ],
        }
    )


def test_validate_enriches_the_level_from_item_category_policy_and_default(seeded_engine: Engine) -> None:
    with connect(seeded_engine) as connection, connection.begin():
        upsert_item(
            connection, Item(id="LAB-RACK-NEW", description="rack", category="Lab Equipment", uom="EA")
        )
        upsert_item(connection, Item(id="PKG-TAPE", description="tape", category="packaging", uom="EA"))
    assert get_items(seeded_engine, ["LAB-RACK-NEW"])["LAB-RACK-NEW"].match_level is None
    result = validate_purchase_order(
        seeded_engine,
        po(
            ("LAB-TIPS-1000-RACK", None),
            ("LAB-RACK-NEW", None),
            ("PKG-TAPE", None),
            ("LAB-RACK-NEW", "2-way"),
        ),
        today=date(2026, 11, 26),
    )
    assert [(lv.match_level, lv.source) for lv in result.match_levels] == [
        (MatchLevel.FOUR_WAY, "item LAB-TIPS-1000-RACK"),
        (MatchLevel.FOUR_WAY, "category Lab Equipment (policy standard v1)"),
        (MatchLevel.THREE_WAY, "policy standard v1 default"),
        (MatchLevel.FOUR_WAY, "category Lab Equipment (policy standard v1)"),
    ]
    assert result.match_levels[3].note is not None and "looser" in result.match_levels[3].note


# --- suspected-duplicate candidates --------------------------------------------------------------------


def store_invoice(engine: Engine, number: str, total: str = "2140.00") -> Invoice:
    invoice = Invoice.model_validate(
        {
            "invoice_number": number,
            "vendor_id": "ACME",
            "po_number": "PO-1",
            "invoice_date": "2026-11-20",
            "currency": "USD",
            "lines": [{"line_no": 1, "quantity": "1", "unit_price": total}],
            "total": total,
        }
    )
    repository.store_document(
        engine,
        document_id=invoice.document_id,
        kind="invoice",
        raw=invoice.model_dump_json().encode(),
        content_type="application/json",
        source="test",
        po_number="PO-1",
    )
    return invoice


def hold_task(invoice: Invoice, decision: str | None, task_id: str) -> HumanTask:
    return HumanTask(
        task_id=task_id,
        po_number="PO-1",
        kind=TaskKind.RESOLVE_INVOICE_HOLD,
        title="hold",
        options=["accept_variance", "request_credit_memo", "reject_invoice", "wait"],
        assignee_role="ap_clerk",
        subject_id=invoice.document_id,
        created_at=T0,
        due_at=T0 + timedelta(days=2),
        status=TaskStatus.DONE if decision else TaskStatus.OPEN,
        decision=decision,
    )


def test_rejected_invoices_are_not_duplicate_candidates(engine: Engine) -> None:
    rejected, released, waiting = (store_invoice(engine, n) for n in ("INV-100", "INV-200", "INV-300"))
    repository.upsert_task(engine, hold_task(rejected, "reject_invoice", "PO-1-T1"))
    repository.upsert_task(engine, hold_task(released, "accept_variance", "PO-1-T2"))
    repository.upsert_task(engine, hold_task(waiting, None, "PO-1-T3"))
    found = repository.find_invoice_candidates(
        engine, vendor_id="ACME", exclude_document_id="invoice:ACME:NEW"
    )
    assert [i.invoice_number for i in found] == ["INV-200", "INV-300"]


@pytest.mark.postgres
def test_candidate_query_is_an_index_scan_on_postgres(postgres_engine: Engine) -> None:
    with postgres_engine.connect() as connection:
        connection.execute(text("SET enable_seqscan = off"))
        plan = "\n".join(
            connection.execute(
                text(
                    "EXPLAIN SELECT raw FROM documents WHERE kind = 'invoice' "
                    "AND document_id LIKE 'invoice:ACME:%' AND document_id <> 'invoice:ACME:X'"
                )
            ).scalars()
        )
        indexes = dict(
            connection.execute(
                text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'documents'")
            ).all()
        )
    assert "ix_documents_invoice_key" in plan, plan
    assert "varchar_pattern_ops" in indexes["ix_documents_invoice_key"]
    assert "WHERE ((kind)::text = 'invoice'::text)" in indexes["ix_documents_invoice_key"]


# --- migration 0003 → 0004 on existing data ----------------------------------------------------------------


def test_0004_keeps_items_and_contracts_and_records_existing_profiles(blank_engine: Engine) -> None:
    from alembic import command

    alembic(blank_engine, command.upgrade, "0003")
    seed_master_data_at_0003(blank_engine)
    contracts_before = count(blank_engine, t.contracts)
    migrate(blank_engine)
    assert current_revision(blank_engine) == head_revision()
    assert count(blank_engine, t.contracts) == contracts_before > 0  # set aside and put back on SQLite
    assert list_contracts(blank_engine, "ACME")[0].currency == "USD"
    with connect(blank_engine) as connection, connection.begin():
        upsert_item(
            connection, Item(id="NO-LEVEL", description="x", category="MRO", uom="EA")
        )  # NULL allowed
    [legacy] = tc.profile_history(blank_engine, "legacy")
    assert (legacy.profile.version, legacy.approved_by, legacy.valid_to) == (2, "migration 0004", None)
    alembic(blank_engine, command.downgrade, "0003")  # NULL levels become 3-way, contracts survive again
    with blank_engine.connect() as connection:
        level = connection.execute(text("SELECT match_level FROM items WHERE id = 'NO-LEVEL'")).scalar_one()
    assert level == "3-way" and count(blank_engine, t.contracts) == contracts_before


def seed_master_data_at_0003(engine: Engine) -> None:
    """Rows as a 0003 database has them (the seed of today writes 0004 tables)."""
    with engine.begin() as connection:
        connection.execute(
            text("INSERT INTO tolerance_profiles (name, version, limits) VALUES ('legacy', 2, '{}')")
        )
        connection.execute(
            text(
                "INSERT INTO policies (name, version, tolerance_profile, settings) VALUES ('standard', 1, 'legacy', '{}')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO vendors (id, name, active, currency, channel) VALUES ('ACME', 'Acme', true, 'USD', 'email')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO items (id, description, category, uom, match_level) VALUES ('G', 'g', 'MRO', 'EA', '3-way')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO contracts (vendor_id, item_id, unit_price, currency, valid_from) "
                "VALUES ('ACME', 'G', '11.90', 'USD', '2026-01-01')"
            )
        )


def count(engine: Engine, table) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as connection:
        return len(connection.execute(select(table)).all())
