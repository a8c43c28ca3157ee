"""The approval matrix's rules (p2p.approvals), from models.approvals: the
first band whose every set criterion holds gives the route; an approver is
one of the level's people (if it names any), within their limit in the PO's
currency, and not the approver of an earlier level."""

from __future__ import annotations

from decimal import Decimal

import pytest

from activities.db.approval_matrix import load_matrix_file
from models.approvals import ApprovalBand, ApprovalLevel
from p2p.approvals import check_approver, route_for

SEED = load_matrix_file()
BANDS = [
    ApprovalBand(name="it-eur", currency="EUR", category="IT", levels=[ApprovalLevel(role="budget_owner")]),
    ApprovalBand(
        name="project-x", budget_code="PX-7", levels=[ApprovalLevel(role="budget_owner", people=["ann"])]
    ),
    ApprovalBand(
        name="odd", flags=["price_anomaly"], max_total=Decimal("5000"), levels=[ApprovalLevel(role="buyer")]
    ),
    ApprovalBand(name="rest", levels=[]),
]


def route(bands: list[ApprovalBand], total: str, currency: str = "USD", **facts: object) -> str | None:
    found = route_for(
        bands,
        total=Decimal(total),
        currency=currency,
        categories=facts.get("categories", []),  # type: ignore[arg-type]
        budget_code=facts.get("budget_code"),  # type: ignore[arg-type]
        flags=facts.get("flags", []),  # type: ignore[arg-type]
    )
    return found.band if found else None


@pytest.mark.parametrize(
    ("total", "facts", "band"),
    [
        ("9999.99", {}, "routine"),
        ("10000", {}, "above threshold"),  # min_total is inclusive
        ("49999.99", {}, "above threshold"),
        ("50000", {}, "major spend"),  # max_total is exclusive
        ("120", {"flags": ["off_contract"]}, "off-contract or unusual price"),
        ("120", {"flags": ["something else"]}, "routine"),
        ("60000", {"flags": ["off_contract"]}, "major spend"),  # order decides
    ],
)
def test_the_seed_matrix(total: str, facts: dict[str, object], band: str) -> None:
    assert route(SEED, total, **facts) == band


@pytest.mark.parametrize(
    ("total", "currency", "facts", "band"),
    [
        ("100", "EUR", {"categories": ["IT", "MRO"]}, "it-eur"),
        ("100", "USD", {"categories": ["IT"]}, "rest"),  # the currency is a criterion
        ("100", "EUR", {"categories": ["MRO"]}, "rest"),
        ("100", "USD", {"budget_code": "PX-7"}, "project-x"),
        ("4999", "USD", {"flags": ["price_anomaly"]}, "odd"),
        ("5000", "USD", {"flags": ["price_anomaly"]}, "rest"),
    ],
)
def test_every_criterion_a_band_sets_must_hold(
    total: str, currency: str, facts: dict[str, object], band: str
) -> None:
    assert route(BANDS, total, currency, **facts) == band


def test_no_band_no_route_and_the_route_says_why() -> None:
    assert route(BANDS[:3], "100") is None
    found = route_for(
        SEED, total=Decimal("120"), currency="USD", categories=[], budget_code=None, flags=["off_contract"]
    )
    assert found is not None and found.why == "total 120 USD from 0; flagged off_contract"


@pytest.mark.parametrize(
    ("actor", "people", "limits", "earlier", "words"),
    [
        ("ann", [], {"USD": Decimal("60000")}, [], None),
        ("ann", ["ann", "ben"], {"USD": Decimal("50000")}, [], None),  # the total equals the limit
        (
            "cid",
            ["ann", "ben"],
            {"USD": Decimal("1e9")},
            [],
            "cid is not an approver of level 2 (any of ann, ben)",
        ),
        (
            "ann",
            [],
            {"USD": Decimal("49999.99")},
            [],
            "ann's approval limit is 49999.99 USD, below the PO's 50000",
        ),
        ("ann", [], {"EUR": Decimal("1e9")}, [], "ann has no approval limit in USD"),
        ("ann", [], {"USD": Decimal("1e9")}, ["ann"], "ann approved an earlier level of this PO"),
    ],
)
def test_who_may_approve_a_level(
    actor: str, people: list[str], limits: dict[str, Decimal], earlier: list[str], words: str | None
) -> None:
    def check() -> None:
        check_approver(
            actor=actor,
            level=2,
            people=people,
            limits=limits,
            total=Decimal("50000"),
            currency="USD",
            earlier_approvers=earlier,
        )

    if words is None:
        check()
    else:
        with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
            check()


# --- the other tasks the matrix routes ---------------------------------------------------------


def task_band(task: str, total: str, **facts: object) -> str | None:
    found = route_for(
        SEED,
        total=Decimal(total),
        currency="USD",
        categories=[],
        budget_code=None,
        flags=facts.get("flags", []),  # type: ignore[arg-type]
        task=task,  # type: ignore[arg-type]
    )
    return found.band if found else None


@pytest.mark.parametrize(
    ("task", "total", "flags", "band"),
    [
        ("resolve_invoice_hold", "24999.99", ["PRICE"], None),  # below: the task's own role
        ("resolve_invoice_hold", "25000", ["PRICE"], "hold on a large invoice"),  # min_total is inclusive
        ("resolve_invoice_hold", "10", ["SUSPECTED_DUPLICATE"], "suspected duplicate invoice"),
        ("resolve_invoice_hold", "10", ["DUPLICATE", "PRICE"], "suspected duplicate invoice"),  # any one flag
        ("approve_supplier_change", "49999.99", [], None),
        ("approve_supplier_change", "50000", [], "supplier change on major spend"),
        ("review_document", "1000000", [], None),  # the seed routes no review: AP clerks
        ("approve_po", "5", [], "routine"),  # a PO's bands are only its own
    ],
)
def test_the_seed_matrix_routes_each_task_by_its_own_bands(
    task: str, total: str, flags: list[str], band: str | None
) -> None:
    assert task_band(task, total, flags=flags) == band


def test_a_band_for_another_task_takes_exactly_one_decision() -> None:
    one = ApprovalLevel(role="ap_manager")
    assert ApprovalBand(name="ok", task="resolve_invoice_hold", levels=[one]).task == "resolve_invoice_hold"
    for levels in ([], [one, one]):
        with pytest.raises(ValueError, match="has exactly one level"):
            ApprovalBand(name="bad", task="resolve_invoice_hold", levels=levels)
    with pytest.raises(ValueError):
        ApprovalBand(name="bad", task="pay_invoice", levels=[one])  # not a task the matrix routes


def test_a_task_that_names_people_is_theirs_whatever_roles_others_hold() -> None:
    from datetime import UTC, datetime

    from models import HumanTask, TaskKind
    from p2p.decisions import check_role

    now = datetime(2026, 12, 7, tzinfo=UTC)
    task = HumanTask(
        task_id="T-1",
        po_number="1001",
        kind=TaskKind.RESOLVE_INVOICE_HOLD,
        title="Invoice on hold",
        options=["accept_variance"],
        assignee_role="ap_manager",
        eligible=["anna.apmanager"],
        created_at=now,
        due_at=now,
    )
    check_role(task, "anna.apmanager", ["ap_manager"])  # named, with the role
    with pytest.raises(ValueError, match="is not one of the people task T-1 names"):
        check_role(task, "adam.apmanager", ["ap_manager"])  # the role, not named
    check_role(task.model_copy(update={"assignees": ["dana.deputy"]}), "dana.deputy", [])  # escalated to her
    with pytest.raises(ValueError, match="does not hold the role ap_manager"):
        check_role(task.model_copy(update={"eligible": []}), "carl.clerk", ["ap_clerk"])
