"""The approval matrix in the database, on SQLite and PostgreSQL: seeded from
seed/approval_matrix.json in its order, used by "validate and enrich" to give
a PO its route, and approval limits kept per person and currency."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy.engine import Engine

from activities.db import principals
from activities.db.approval_matrix import list_bands, load_matrix_file, set_approval_limits
from activities.db.seed import seed_master_data
from activities.db.validation import validate_purchase_order
from identity.roles import Kind, Role
from tests.support.builders import po


def test_seeding_loads_the_matrix_in_the_files_order_and_again_changes_nothing(seeded_engine: Engine) -> None:
    assert [band.name for band in list_bands(seeded_engine)] == [band.name for band in load_matrix_file()]
    seed_master_data(seeded_engine)
    assert list_bands(seeded_engine) == load_matrix_file()


def test_validation_gives_the_po_its_route(seeded_engine: Engine) -> None:
    routine = validate_purchase_order(seeded_engine, po("PO-1"))
    major = validate_purchase_order(seeded_engine, po("PO-2", gloves="4500"))
    off_contract = validate_purchase_order(seeded_engine, po("PO-3", glove_price="12.50"))
    assert routine.approval_route is not None and routine.approval_route.levels == []
    assert major.approval_route is not None and [level.role for level in major.approval_route.levels] == [
        "budget_owner",
        "procurement_manager",
    ]
    assert off_contract.flag_codes == ["price_anomaly"]
    assert off_contract.approval_route is not None
    assert off_contract.approval_route.band == "off-contract or unusual price"


def test_without_a_matrix_the_policy_threshold_decides(engine: Engine) -> None:
    seed_master_data(engine)
    with engine.begin() as connection:
        from activities.db.approval_matrix import replace_bands

        replace_bands(connection, [])
    assert validate_purchase_order(engine, po("PO-4", gloves="4500")).approval_route is None


def test_a_persons_approval_limits(engine: Engine) -> None:
    now = datetime.now(UTC)
    principals.add_principal(
        engine, "Alice", kind=Kind.PERSON, display_name="A", roles=[Role.BUDGET_OWNER], now=now
    )
    assert principals.get_principal(engine, "alice").approval_limits == {}  # type: ignore[union-attr]
    assert set_approval_limits(engine, "ALICE", {"usd": Decimal("50000.00"), "EUR": Decimal("45000")})
    assert principals.get_principal(engine, "alice").approval_limits == {  # type: ignore[union-attr]
        "USD": Decimal("50000.00"),
        "EUR": Decimal("45000"),
    }
    assert not set_approval_limits(engine, "nobody", {"USD": Decimal(1)})
