"""Tolerance profiles in the database: migration 0002 (scope columns), the
seed file seed/tolerances.json, candidates per vendor through load_policy,
and the end-to-end effect on a match. Every DB test runs on SQLite and
PostgreSQL (the `engine` fixture)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from temporalio.testing import ActivityEnvironment

from activities.db import schema as t
from activities.db.engine import (
    current_revision,
    head_revision,
    migrate,
)
from activities.db.master_data import (
    get_policy,
    list_tolerance_profiles,
    policy_for_vendor,
    upsert_policy,
    upsert_tolerance_profile,
)
from activities.db.repository import list_match_records
from activities.db.seed import (
    DEFAULT_SEED_PATH,
    DEFAULT_TOLERANCES_PATH,
    load_tolerance_profiles,
    seed_master_data,
)
from activities.db.validation import validate_purchase_order
from activities.persistence import PersistenceActivities
from models import (
    HoldCode,
    Invoice,
    InvoiceLine,
    MatchDecision,
    MatchLevel,
    MatchRequest,
    Policy,
    PurchaseOrder,
    PurchaseOrderLine,
    ToleranceProfile,
)
from p2p.matching import match_invoice
from p2p.tolerance import LimitOperator
from p2p.tolerance_profiles import resolve_profile
from tests.support.db import alembic

D = Decimal
SEEDED = {"standard", "nordic-fasteners", "lab-equipment", "lab-tips"}


def names(profiles: list[ToleranceProfile]) -> set[str]:
    return {profile.name for profile in profiles}


def write(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def tolerance_data() -> dict:
    return json.loads(DEFAULT_TOLERANCES_PATH.read_text(encoding="utf-8"))


def master_data() -> dict:
    return json.loads(DEFAULT_SEED_PATH.read_text(encoding="utf-8"))


# --- the seed file -----------------------------------------------------------------------------


def test_seed_file_has_a_profile_for_each_scope_the_issue_asks_for() -> None:
    profiles = {profile.name: profile for profile in load_tolerance_profiles()}
    assert set(profiles) == SEEDED
    assert profiles["standard"].scope_key is None  # the default
    assert profiles["nordic-fasteners"].vendor_id == "NORDIC"
    assert profiles["lab-equipment"].category == "lab equipment"
    assert profiles["lab-tips"].item_id == "LAB-TIPS-1000-RACK"
    assert all(profile.description for profile in profiles.values())  # readable: each says why


def test_seed_file_is_the_match_cli_tolerance_format() -> None:
    # `{"profiles": [...]}` and nothing else, so `poflow match --tolerances seed/tolerances.json` reads it.
    assert set(tolerance_data()) == {"profiles"}


def test_seeded_policies_keep_their_limits(seeded_engine: Engine) -> None:
    standard = get_policy(seeded_engine, "standard")
    assert standard is not None
    assert standard.tolerances.name == "standard"
    assert standard.tolerances.price_over_pct == D("2")
    assert standard.tolerances.qty_over_accepted_pct == D("0")
    assert standard.tolerances.amount_over_po_pct == D("10")
    assert standard.tolerances.freight_over_abs == D("50.00")
    assert standard.tolerances.price_under_abs is None  # not checked, not zero
    # SLOWPOKE's demo-fast policy shares the standard profile.
    assert policy_for_vendor(seeded_engine, "SLOWPOKE").tolerances.name == "standard"


# --- storage --------------------------------------------------------------------------------------


def test_seed_stores_every_profile_with_its_scope_and_is_idempotent(engine: Engine) -> None:
    seed_master_data(engine)
    first = list_tolerance_profiles(engine)
    seed_master_data(engine)
    assert list_tolerance_profiles(engine) == first
    assert sorted(first, key=lambda p: p.name) == sorted(load_tolerance_profiles(), key=lambda p: p.name)
    with engine.connect() as connection:
        rows = {r["name"]: r for r in connection.execute(select(t.tolerance_profiles)).mappings()}
    assert (rows["nordic-fasteners"]["vendor_id"], rows["nordic-fasteners"]["scope_key"]) == (
        "NORDIC",
        "vendor=NORDIC",
    )
    assert rows["lab-equipment"]["scope_key"] == "category=lab equipment"
    assert rows["standard"]["scope_key"] is None
    assert not {"vendor_id", "category", "item_id", "name", "version"} & set(rows["lab-tips"]["limits"])


def test_profile_round_trips_exactly(engine: Engine) -> None:
    profile = ToleranceProfile(
        name="odd",
        version=4,
        description="every limit set, odd values",
        vendor_id="ACME",
        category="MRO",
        price_over_pct=D("1.25"),
        price_over_abs=D("0.000001"),
        price_under_pct=D("7.5"),
        price_under_abs=D("0.10"),
        qty_over_ordered_pct=None,
        qty_over_received_pct=D("0.5"),
        qty_over_accepted_pct=D(0),
        amount_over_po_pct=D(3),
        amount_over_po_abs=D("250.00"),
        freight_over_abs=D("12.345678"),
        tax_over_pct=D("0.1"),
        tax_over_abs=D("0.02"),
        total_small_difference_abs=D("0.05"),
        ack_price_pct=None,
        ack_qty_pct=D(1),
    )
    with engine.begin() as connection:
        upsert_tolerance_profile(connection, profile)
    assert list_tolerance_profiles(engine) == [profile]


def test_upsert_updates_limits_and_scope_in_place(engine: Engine) -> None:
    with engine.begin() as connection:
        upsert_tolerance_profile(connection, ToleranceProfile(name="p", category="MRO"))
        upsert_tolerance_profile(connection, ToleranceProfile(name="p", version=2, vendor_id="ACME"))
    assert list_tolerance_profiles(engine) == [ToleranceProfile(name="p", version=2, vendor_id="ACME")]


@pytest.mark.parametrize(
    "twin",
    [ToleranceProfile(name="b", category="MRO"), ToleranceProfile(name="b", category="mro")],
    ids=["same_scope", "same_category_other_case"],
)
def test_the_database_refuses_two_profiles_for_one_scope(engine: Engine, twin: ToleranceProfile) -> None:
    with engine.begin() as connection:
        upsert_tolerance_profile(connection, ToleranceProfile(name="a", category="MRO"))
    with pytest.raises(IntegrityError), engine.begin() as connection:
        upsert_tolerance_profile(connection, twin)
    # Default profiles (no scope) are one per policy, so several are fine.
    with engine.begin() as connection:
        upsert_tolerance_profile(connection, ToleranceProfile(name="d1"))
        upsert_tolerance_profile(connection, ToleranceProfile(name="d2"))
    assert names(list_tolerance_profiles(engine)) == {"a", "d1", "d2"}


def test_a_policy_names_a_default_profile(engine: Engine) -> None:
    scoped = Policy(name="p", tolerances=ToleranceProfile(name="nordic", vendor_id="NORDIC"))
    with pytest.raises(ValueError, match="a policy names a default profile"), engine.begin() as connection:
        upsert_policy(connection, scoped)


# --- candidates per vendor ---------------------------------------------------------------------------


def test_each_vendor_gets_its_candidates_and_its_vendor_level_profile(seeded_engine: Engine) -> None:
    nordic = policy_for_vendor(seeded_engine, "NORDIC")
    assert names(nordic.tolerance_profiles) == SEEDED
    assert nordic.tolerances.name == "nordic-fasteners"  # header checks and acknowledgments
    assert (nordic.tolerances.ack_qty_over_pct, nordic.tolerances.ack_qty_under_pct) == (D(2), D(2))

    acme = policy_for_vendor(seeded_engine, "ACME")
    assert names(acme.tolerance_profiles) == SEEDED - {"nordic-fasteners"}  # NORDIC's terms are not ACME's
    assert acme.tolerances.name == "standard"
    # Most specific first, so the history reads like the resolution order.
    assert [p.name for p in acme.tolerance_profiles] == ["lab-tips", "lab-equipment", "standard"]


def test_candidates_resolve_per_line_as_the_issue_orders_them(seeded_engine: Engine) -> None:
    candidates = policy_for_vendor(seeded_engine, "LABWORKS").tolerance_profiles

    def resolved(item_id: str, category: str | None) -> str:
        return resolve_profile(candidates, vendor_id="LABWORKS", item_id=item_id, category=category).name

    assert resolved("LAB-TIPS-1000-RACK", "lab equipment") == "lab-tips"  # item
    assert resolved("LAB-PIPETTE-1000", "lab equipment") == "lab-equipment"  # category
    assert resolved("LAB-PIPETTE-1000", None) == "standard"  # default
    nordic = policy_for_vendor(seeded_engine, "NORDIC").tolerance_profiles
    assert resolve_profile(
        nordic, vendor_id="NORDIC", item_id="FST-NUT-M8-A2", category="fasteners"
    ).name == (
        "nordic-fasteners"  # vendor
    )


def test_a_policy_without_a_vendor_has_the_vendor_independent_candidates(seeded_engine: Engine) -> None:
    standard = get_policy(seeded_engine, "standard")
    assert standard is not None
    assert names(standard.tolerance_profiles) == SEEDED - {"nordic-fasteners"}


def test_empty_database_gives_the_builtin_profile(engine: Engine) -> None:
    policy = policy_for_vendor(engine, "ACME")
    assert policy == Policy()
    assert policy.tolerance_profiles == [ToleranceProfile()]


def test_a_policy_recorded_before_candidates_existed_still_matches() -> None:
    # A workflow history written by an older worker: the policy has no tolerance_profiles.
    old = Policy().model_dump(mode="json", exclude={"tolerance_profiles"})
    old["tolerances"]["price_over_pct"] = "7"
    policy = Policy.model_validate(old)
    assert [p.price_over_pct for p in policy.tolerance_profiles] == [D(7)]


def test_load_policy_activity_returns_the_vendors_candidates(seeded_engine: Engine) -> None:
    acts = PersistenceActivities(seeded_engine)
    policy = ActivityEnvironment().run(acts.load_policy, "NORDIC")
    assert policy.tolerances.name == "nordic-fasteners"
    assert names(policy.tolerance_profiles) == SEEDED
    # What the workflow records must survive the JSON round trip of its history.
    assert Policy.model_validate_json(policy.model_dump_json()) == policy


# --- end to end: seeded profiles decide a match ------------------------------------------------------


def lab_po() -> PurchaseOrder:
    def line(no: int, item: str, price: str) -> PurchaseOrderLine:
        return PurchaseOrderLine(
            line_no=no,
            item_id=item,
            quantity=D(10),
            unit_price=D(price),
            category="lab equipment",
            match_level=MatchLevel.TWO_WAY,
        )

    return PurchaseOrder(
        po_number="PO-LAB-1",
        vendor_id="LABWORKS",
        buyer="buyer@example.com",
        currency="USD",
        lines=[line(1, "LAB-PIPETTE-1000", "289.00"), line(2, "LAB-TIPS-1000-RACK", "8.65")],
    )


def test_seeded_profiles_decide_which_price_variance_holds(seeded_engine: Engine) -> None:
    # Line 1: +1% on a pipette (lab equipment allows 0%) → PRICE, quoting lab-equipment.
    # Line 2: +5.2% / +0.45 per rack on tips (lab-tips: hold only beyond 5% AND 0.50) → no hold.
    policy = policy_for_vendor(seeded_engine, "LABWORKS")
    lines = [
        InvoiceLine(line_no=1, quantity=D(10), unit_price=D("291.89")),
        InvoiceLine(line_no=2, quantity=D(10), unit_price=D("9.10")),
    ]
    invoice = Invoice(
        invoice_number="LW-1",
        vendor_id="LABWORKS",
        po_number="PO-LAB-1",
        invoice_date=date(2026, 3, 1),
        currency="USD",
        lines=lines,
        total=D("2918.90") + D("91.00"),
    )
    result = match_invoice(
        MatchRequest(po=lab_po(), invoice=invoice, tolerance_profiles=policy.tolerance_profiles)
    )
    assert [(h.code, h.line_no, h.source, h.tolerance) for h in result.open_holds] == [
        (HoldCode.PRICE, 1, "lab-equipment v1", "price over +0%")
    ]
    assert [line.tolerance_source for line in result.lines] == ["lab-equipment v1", "lab-tips v1"]
    assert result.decision == MatchDecision.HOLD


# --- seed validation ---------------------------------------------------------------------------------


def mutate_profiles(edit) -> dict:  # type: ignore[no-untyped-def]
    data = tolerance_data()
    edit(data["profiles"])
    return data


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (mutate_profiles(lambda ps: ps[1].update(vendor_id="NORDC")), "unknown vendor_id 'NORDC'"),
        (mutate_profiles(lambda ps: ps[3].update(item_id="LAB-TIPS")), "unknown item_id 'LAB-TIPS'"),
        (mutate_profiles(lambda ps: ps[2].update(category="lab equipments")), "no item has category"),
        (
            mutate_profiles(lambda ps: ps.append({**ps[2], "name": "lab-2"})),
            "more than one tolerance profile",
        ),
        (mutate_profiles(lambda ps: ps[0].update(price_over_pct="-1")), "greater than or equal to 0"),
        (mutate_profiles(lambda ps: ps[0].update(price_ovr_pct="1")), "price_ovr_pct"),
        (mutate_profiles(lambda ps: ps[3].update(category="lab equipment")), "not both"),
    ],
    ids=[
        "vendor_typo",
        "item_typo",
        "category_typo",
        "two_for_one_scope",
        "negative_limit",
        "misspelt_limit",
        "item_and_category",
    ],
)
def test_seed_refuses_a_bad_tolerance_file_and_writes_nothing(
    engine: Engine, tmp_path: Path, data: dict, error: str
) -> None:
    with pytest.raises(ValueError, match=error):
        seed_master_data(engine, tolerances_path=write(tmp_path / "tolerances.json", data))
    assert list_tolerance_profiles(engine) == []


def test_seed_refuses_a_policy_naming_a_missing_or_scoped_profile(engine: Engine, tmp_path: Path) -> None:
    data = master_data()
    data["policies"][0]["tolerance_profile"] = "gold"
    with pytest.raises(ValueError, match="'gold' is not in the tolerance file"):
        seed_master_data(engine, write(tmp_path / "m1.json", data))
    data["policies"][0]["tolerance_profile"] = "nordic-fasteners"
    with pytest.raises(ValueError, match="a policy names a default profile"):
        seed_master_data(engine, write(tmp_path / "m2.json", data))


def test_seed_still_reads_policies_with_embedded_profiles(engine: Engine, tmp_path: Path) -> None:
    data = master_data()
    standard = next(p for p in tolerance_data()["profiles"] if p["name"] == "standard")
    data["policies"][0].pop("tolerance_profile")
    data["policies"][0]["tolerances"] = standard  # the earlier format, same limits: fine
    seed_master_data(engine, write(tmp_path / "ok.json", data))
    assert policy_for_vendor(engine, "ACME").tolerances.price_over_pct == D(2)
    data["policies"][0]["tolerances"] = {**standard, "price_over_pct": "9"}  # disagrees with the file
    with pytest.raises(ValueError, match="'standard' is defined twice with different limits"):
        seed_master_data(engine, write(tmp_path / "bad.json", data))


# --- migration 0001 → 0002 on existing data ------------------------------------------------------------


def test_upgrade_keeps_existing_profiles_as_defaults_with_their_meaning(blank_engine: Engine) -> None:
    alembic(blank_engine, command.upgrade, "0001")
    old_limits = {"price_over_pct": "3", "qty_over_received_pct": "5", "total_small_difference_abs": "0.05"}
    with blank_engine.begin() as connection:  # only the columns 0001 has
        connection.execute(t.tolerance_profiles.insert().values(name="legacy", version=2, limits=old_limits))
        connection.execute(
            t.policies.insert().values(name="standard", version=1, tolerance_profile="legacy", settings={})
        )

    migrate(blank_engine)

    assert current_revision(blank_engine) == head_revision()
    [legacy] = list_tolerance_profiles(blank_engine)
    assert legacy.scope_key is None and legacy.version == 2
    # 4-way INSPECTION used the received limit before 0002: the accepted limit inherits it.
    assert (legacy.qty_over_received_pct, legacy.qty_over_accepted_pct) == (D(5), D(5))
    policy = policy_for_vendor(blank_engine, "ANY")
    assert (policy.tolerances.name, [p.name for p in policy.tolerance_profiles]) == ("legacy", ["legacy"])


def test_downgrade_to_0001_removes_the_scope_and_scoped_profiles(blank_engine: Engine) -> None:
    migrate(blank_engine)
    seed_master_data(blank_engine)
    alembic(blank_engine, command.downgrade, "0001")
    columns = {column["name"] for column in inspect(blank_engine).get_columns("tolerance_profiles")}
    assert columns == {"name", "version", "limits"}
    with blank_engine.connect() as connection:
        remaining = set(connection.execute(text("SELECT name FROM tolerance_profiles")).scalars())
    assert remaining == {"standard"}
    migrate(blank_engine)  # and back up again
    assert current_revision(blank_engine) == head_revision()


# --- migration 0002 → 0003: match results keep their request -------------------------------------------


def test_0003_adds_a_nullable_request_to_existing_match_results(blank_engine: Engine) -> None:
    alembic(blank_engine, command.upgrade, "0002")
    old = {"invoice_id": "invoice:ACME:INV1", "po_number": "PO-1", "po_revision": 0, "decision": "hold"}
    with blank_engine.begin() as connection:  # only the columns 0002 has
        connection.execute(
            t.match_results.insert().values(match_id="invoice:ACME:INV1#old", open_holds=0, result=old, **old)
        )
    migrate(blank_engine)
    assert current_revision(blank_engine) == head_revision()
    [record] = list_match_records(blank_engine)
    assert record.request is None and record.result.invoice_id == "invoice:ACME:INV1"
    assert list_match_records(blank_engine, with_request=True) == []
    alembic(blank_engine, command.downgrade, "0002")
    columns = {column["name"] for column in inspect(blank_engine).get_columns("match_results")}
    assert "request" not in columns and "result" in columns


def test_upgrade_to_0006_writes_the_limit_operator_down(blank_engine: Engine) -> None:
    """Profiles whose meaning the operator changes (a check with a percentage
    and an amount) keep their old versions as `all` — what they were computed
    with — and go live as a new version with `any`; the others just get `any`
    written down in place."""
    alembic(blank_engine, command.upgrade, "0005")
    both = {"price_over_pct": "2", "tax_over_pct": "1", "tax_over_abs": "1.00"}
    single = {"price_over_pct": "3"}
    columns = {"vendor_id": None, "category": None, "item_id": None, "scope_key": None}
    with blank_engine.begin() as connection:
        for name, limits in (("both", both), ("single", single)):
            connection.execute(
                t.tolerance_profiles.insert().values(name=name, version=4, limits=limits, **columns)
            )
            connection.execute(
                t.tolerance_profile_versions.insert().values(
                    name=name,
                    version=4,
                    limits=limits,
                    valid_from=datetime.now(UTC),
                    approved_by="seed",
                    **columns,
                )
            )

    migrate(blank_engine)

    profiles = {p.name: p for p in list_tolerance_profiles(blank_engine)}
    assert (profiles["both"].version, profiles["both"].limit_operator) == (5, LimitOperator.ANY)
    assert (profiles["single"].version, profiles["single"].limit_operator) == (4, LimitOperator.ANY)
    with blank_engine.connect() as connection:
        rows = connection.execute(select(t.tolerance_profile_versions)).mappings().all()
    history = {
        (r["name"], r["version"]): (r["limits"]["limit_operator"], r["valid_to"] is None) for r in rows
    }
    assert history == {("both", 4): ("all", False), ("both", 5): ("any", True), ("single", 4): ("any", True)}


def test_validate_and_enrich_fills_tax_rates_from_the_master_data(seeded_engine: Engine) -> None:
    """ACME's rate is on the vendor (seed/master_data.json: 8.25 %); a line
    that brings its own rate keeps it."""
    order = PurchaseOrder.model_validate(
        {
            "po_number": "PO-TAX-1",
            "vendor_id": "ACME",
            "buyer": "bob",
            "currency": "USD",
            "lines": [
                {"line_no": 1, "item_id": "MRO-GLOVE-NITRILE-L", "quantity": "10", "unit_price": "11.90"},
                {
                    "line_no": 2,
                    "item_id": "MRO-BEARING-6204",
                    "quantity": "10",
                    "unit_price": "4.75",
                    "tax_rate_pct": "0",
                },
            ],
        }
    )
    validation = validate_purchase_order(seeded_engine, order)
    assert [(r.line_no, r.tax_rate_pct, r.source) for r in validation.tax_rates] == [
        (1, D("8.25"), "vendor ACME")
    ]
