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
