"""Pure rules of issue #3's last items, without a database or Temporal:

* RANDOM_AUDIT: a reproducible draw from the invoice's document id and the
  policy (percent, minimum amount, SAP's proportional chance below it);
* MANUAL holds and the audit hold are carried by every re-match and released
  only by a person;
* the match level of a PO line comes from the item master (item, else its
  category in the policy, else the policy default), a PO may only make it
  stricter, and the quantity holds say which level and where it came from;
* the duplicate window and the match-level policy are policy settings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from activities.db.master_data import Item
from activities.db.validation import master_match_level, resolve_match_levels
from models import Invoice, MatchRequest, Policy, PurchaseOrder
from models.matching import Hold, HoldCode, HoldStatus, MatchDecision
from models.purchase_order import MatchLevel
from models.workflow_state import HoldRequest
from p2p import audit_sample, enrichment
from p2p.matching import match_invoice
from tests.support.matching import FULL, inv, make_request

D = Decimal
AUDIT = Policy(audit_sample_pct=D("5"), audit_min_amount=D("1000"))


def invoice(number: str, total: str = "2140.00", kind: str = "invoice") -> Invoice:
    return Invoice.model_validate(
        {
            "invoice_number": number,
            "kind": kind,
            "vendor_id": "ACME",
            "po_number": "PO-1",
            "invoice_date": "2026-11-20",
            "currency": "USD",
            "lines": [{"line_no": 1, "quantity": "1", "unit_price": total}],
            "total": total,
        }
    )


# --- random audit: the draw -------------------------------------------------------------------


def test_audit_draw_is_reproducible_from_the_document_id() -> None:
    first = audit_sample.audit_draw(invoice("INV-1"), AUDIT)
    again = audit_sample.audit_draw(invoice("inv 0001"), AUDIT)  # same document id after normalising
    assert first is not None and first == again
    assert D(0) <= first.draw_pct < D(100)
    assert first.draw_pct == audit_sample.audit_number("invoice:ACME:INV1")
    assert first.source == "policy standard v1"


def test_audit_draw_depends_on_the_salt() -> None:
    plain = audit_sample.audit_number("invoice:ACME:INV1")
    salted = audit_sample.audit_number("invoice:ACME:INV1", "s3cret")
    assert plain != salted  # a supplier who knows the algorithm cannot pick numbers that avoid the audit


def test_audit_sample_rate_is_the_policy_percent() -> None:
    drawn = sum(audit_sample.audit_draw(invoice(f"INV-{n}"), AUDIT).selected for n in range(4000))  # type: ignore[union-attr]
    assert 0.04 * 4000 < drawn < 0.06 * 4000  # 5 % of invoices, within sampling noise


def test_audit_selects_exactly_when_the_draw_is_below_the_chance() -> None:
    for n in range(200):
        draw = audit_sample.audit_draw(invoice(f"INV-{n}"), AUDIT)
        assert draw is not None and draw.selected == (draw.draw_pct < D(5)) and draw.chance_pct == D(5)


def test_invoice_below_the_audit_minimum_is_never_drawn() -> None:
    everything = Policy(audit_sample_pct=D(100), audit_min_amount=D("1000"))
    below = audit_sample.audit_draw(invoice("INV-1", total="999.99"), everything)
    at = audit_sample.audit_draw(invoice("INV-1", total="1000.00"), everything)
    assert below is not None and (below.selected, below.chance_pct) == (False, D(0))
    assert at is not None and (at.selected, at.chance_pct) == (True, D(100))
    assert "not drawn" in below.basis and "100% of invoices from 1,000.00 USD" in at.basis


def test_audit_chance_below_the_minimum_is_proportional_when_the_policy_says_so() -> None:
    sap = Policy(audit_sample_pct=D(50), audit_min_amount=D(1000), audit_proportional_below_min=True)
    draw = audit_sample.audit_draw(invoice("INV-1", total="500.00"), sap)
    # SAP's example: threshold 1,000 at 50 % → a 500 invoice has a 25 % chance.
    assert draw is not None and draw.chance_pct == D(25)
    assert draw.selected == (draw.draw_pct < D(25))


def test_no_audit_without_a_rate_and_never_for_credit_memos() -> None:
    assert audit_sample.audit_draw(invoice("INV-1"), Policy()) is None
    assert (
        audit_sample.audit_draw(invoice("CM-1", kind="credit_memo"), Policy(audit_sample_pct=D(100))) is None
    )


# --- MANUAL and RANDOM_AUDIT in the engine ------------------------------------------------------


def manual(line_no: int | None = None) -> Hold:
    return Hold(
        code=HoldCode.MANUAL,
        line_no=line_no,
        source="manual hold by carl.clerk",
        tolerance="placed by a person; only a person releases it",
        message="Held by carl.clerk: supplier under review",
    )


def test_manual_hold_is_carried_by_every_rematch_of_a_clean_invoice() -> None:
    clean = make_request(inv({1: (100, "12.00")}), receipts=FULL)
    assert match_invoice(clean).decision == MatchDecision.APPROVE
    held = match_invoice(clean.model_copy(update={"manual_holds": [manual()]}))
    assert held.decision == MatchDecision.HOLD
    assert [(h.code, h.status, h.source) for h in held.holds] == [
        (HoldCode.MANUAL, HoldStatus.OPEN, "manual hold by carl.clerk")
    ]


def test_audit_hold_names_the_draw_and_the_policy() -> None:
    request = make_request(inv({1: (100, "12.00")}), receipts=FULL).model_copy(
        update={
            "audit_selected": True,
            "audit_basis": "random audit 5% of invoices: draw 1.2 < 5, drawn",
            "audit_source": "policy standard v3",
        }
    )
    [hold] = match_invoice(request).open_holds
    assert (hold.code, hold.tolerance, hold.source) == (
        HoldCode.RANDOM_AUDIT,
        "random audit 5% of invoices: draw 1.2 < 5, drawn",
        "policy standard v3",
    )


def test_only_a_person_releases_audit_and_manual_holds() -> None:
    request = make_request(inv({1: (100, "12.00")}), receipts=FULL).model_copy(
        update={"audit_selected": True, "manual_holds": [manual()]}
    )
    first = match_invoice(request)
    assert {h.code for h in first.open_holds} == {HoldCode.RANDOM_AUDIT, HoldCode.MANUAL}
    # Re-matching (a receipt, a credit memo, a revision) changes nothing for them…
    assert {h.code for h in match_invoice(request).open_holds} == {HoldCode.RANDOM_AUDIT, HoldCode.MANUAL}
    # …a person's release does, and it sticks on the next re-match.
    released = [
        h.model_copy(update={"status": HoldStatus.RELEASED, "released_by": "anna", "release_reason": "ok"})
        for h in first.open_holds
    ]
    again = match_invoice(request.model_copy(update={"released_holds": released}))
    assert again.decision == MatchDecision.APPROVE
    assert {(h.code, h.released_by) for h in again.holds} == {
        (HoldCode.RANDOM_AUDIT, "anna"),
        (HoldCode.MANUAL, "anna"),
    }


def test_hold_request_needs_a_person_and_a_reason() -> None:
    with pytest.raises(ValidationError, match="reason"):
        HoldRequest(invoice_number="INV-1", actor="carl", reason="   ")
    with pytest.raises(ValidationError, match="line_no"):
        HoldRequest(invoice_number="INV-1", actor="carl", reason="why", line_no=0)


# --- match level from the item master -------------------------------------------------------------


LEVELS = Policy(
    name="standard",
    version=3,
    default_match_level=MatchLevel.THREE_WAY,
    category_match_levels={"Lab Equipment": MatchLevel.FOUR_WAY, "IT services": MatchLevel.TWO_WAY},
)


def item(item_id: str, category: str, level: MatchLevel | None) -> Item:
    return Item(id=item_id, description=item_id, category=category, uom="EA", match_level=level)


def po_with(*lines: tuple[str, str | None]) -> PurchaseOrder:
    return PurchaseOrder.model_validate(
        {
            "po_number": "PO-1",
            "vendor_id": "ACME",
            "buyer": "bob",
            "currency": "USD",
            "lines": [
                {"line_no": n, "item_id": item_id, "quantity": "1", "unit_price": "1", "match_level": level}
                for n, (item_id, level) in enumerate(lines, start=1)
            ],
        }
    )


ITEMS = {
    "GLOVE": item("GLOVE", "MRO", MatchLevel.THREE_WAY),
    "PIPETTE": item("PIPETTE", "lab equipment", None),
    "SUPPORT": item("SUPPORT", "IT services", None),
    "FILM": item("FILM", "packaging", None),
}


def test_match_level_comes_from_item_else_category_policy_else_policy_default() -> None:
    levels = resolve_match_levels(
        po_with(("GLOVE", None), ("PIPETTE", None), ("SUPPORT", None), ("FILM", None)), ITEMS, LEVELS
    )
    assert [(lv.line_no, lv.match_level, lv.source, lv.note) for lv in levels] == [
        (1, MatchLevel.THREE_WAY, "item GLOVE", None),
        (2, MatchLevel.FOUR_WAY, "category lab equipment (policy standard v3)", None),  # case-blind
        (3, MatchLevel.TWO_WAY, "category IT services (policy standard v3)", None),
        (4, MatchLevel.THREE_WAY, "policy standard v3 default", None),
    ]


def test_po_may_make_a_line_stricter_but_not_looser() -> None:
    stricter, same, looser = resolve_match_levels(
        po_with(("GLOVE", "4-way"), ("GLOVE", "3-way"), ("PIPETTE", "2-way")), ITEMS, LEVELS
    )
    assert (stricter.match_level, stricter.source) == (
        MatchLevel.FOUR_WAY,
        "PO line (stricter than 3-way from item GLOVE)",
    )
    assert (same.match_level, same.source, same.note) == (MatchLevel.THREE_WAY, "item GLOVE", None)
    assert looser.match_level == MatchLevel.FOUR_WAY
    assert looser.note == (
        "line 3: the PO asks for 2-way, looser than 4-way from category lab equipment "
        "(policy standard v3); 4-way applies (a PO may make a line stricter, not looser)"
    )


def test_lines_with_an_unknown_item_get_no_level() -> None:
    assert resolve_match_levels(po_with(("NOPE", None)), ITEMS, LEVELS) == []


def test_master_level_of_an_item_without_category_policy_is_the_policy_default() -> None:
    two_way_shop = Policy(default_match_level=MatchLevel.TWO_WAY)
    assert master_match_level(ITEMS["FILM"], two_way_shop).match_level == MatchLevel.TWO_WAY


def test_enriched_levels_are_applied_to_the_po_without_a_new_revision() -> None:
    po = po_with(("PIPETTE", None), ("GLOVE", None))
    enriched = enrichment.apply_match_levels(po, resolve_match_levels(po, ITEMS, LEVELS))
    assert enriched.revision == po.revision
    assert [(line.level, line.match_level_source) for line in enriched.lines] == [
        (MatchLevel.FOUR_WAY, "category lab equipment (policy standard v3)"),
        (MatchLevel.THREE_WAY, "item GLOVE"),
    ]


def test_quantity_hold_tolerance_names_the_level_and_where_it_came_from() -> None:
    request = make_request(inv({1: (100, "12.00")}), receipts=[])
    po = request.po
    lines = [
        line.model_copy(update={"match_level_source": "item ITEM-1"}) if line.line_no == 1 else line
        for line in po.lines
    ]
    enriched = request.model_copy(update={"po": po.model_copy(update={"lines": lines})})
    [hold] = match_invoice(enriched).open_holds
    assert (hold.code, hold.tolerance) == (
        HoldCode.NO_RECEIPT,
        "goods receipt required (3-way match) · item ITEM-1",
    )
    over = make_request(inv({1: (101, "12.00")})).model_copy(update={"po": enriched.po})
    held = {h.code: h.tolerance for h in match_invoice(over).open_holds}
    assert held[HoldCode.QTY_ORDERED] == "qty over ordered +0% · 3-way match (item ITEM-1)"


def test_a_line_without_any_level_is_matched_three_way() -> None:
    po = po_with(("GLOVE", None))
    assert po.lines[0].match_level is None and po.lines[0].level == MatchLevel.THREE_WAY


# --- policy settings -------------------------------------------------------------------------------


def test_duplicate_window_and_levels_are_policy_settings_with_defaults() -> None:
    policy = Policy()
    assert (policy.duplicate_window_days, policy.audit_sample_pct, policy.default_match_level) == (
        30,
        D(0),
        MatchLevel.THREE_WAY,
    )
    assert MatchRequest.model_fields["duplicate_window_days"].default == policy.duplicate_window_days
    with pytest.raises(ValidationError, match="listed twice"):
        Policy(category_match_levels={"MRO": "3-way", "mro": "2-way"})
    with pytest.raises(ValidationError):
        Policy(audit_sample_pct=D("101"))


def test_older_policy_json_reads_with_the_new_defaults() -> None:
    recorded = Policy().model_dump(mode="json")
    for newer in (
        "duplicate_window_days",
        "audit_sample_pct",
        "audit_min_amount",
        "audit_proportional_below_min",
        "audit_salt",
        "default_match_level",
        "category_match_levels",
    ):
        recorded.pop(newer)
    assert Policy.model_validate(recorded) == Policy()


def test_match_level_strictness_orders_the_levels() -> None:
    assert [level.strictness for level in MatchLevel] == [2, 3, 4]
