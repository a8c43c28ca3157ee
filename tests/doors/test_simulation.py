"""Tolerance simulation (activities/simulation.py), pure: re-run stored
matches under proposed profiles and report holds cleared/appearing, decision
flips and the money at stake. Expected outcomes follow the price rule (a
price over the agreed one holds when it exceeds every set over-limit; a
variance at the limit passes) and the scope rule (a proposed profile replaces
the current one of the same scope, others are added)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from activities.simulation import apply_profiles, simulate
from models.matching import HoldCode, HoldStatus, MatchDecision, MatchRecord, ToleranceProfile
from p2p.matching import match_invoice
from tests.support.simulation import CLEAN, DEFAULT, HELD, PO, T0, D, a_po, an_invoice, record, request_for


def test_the_fixtures_are_what_the_tests_assume() -> None:
    held = record(request_for(HELD, PO)).result
    assert held.decision == MatchDecision.HOLD
    assert [hold.key for hold in held.open_holds] == [("PRICE", 1)]
    assert record(request_for(CLEAN, PO)).result.decision == MatchDecision.APPROVE


def test_loosening_the_price_limit_clears_a_price_hold_and_counts_the_money() -> None:
    loose = DEFAULT.model_copy(update={"price_over_pct": D("5"), "version": 2})  # +5 % is at the limit
    report = simulate([record(request_for(HELD, PO)), record(request_for(CLEAN, PO))], [loose])
    assert (report.rerun, report.released, report.newly_held, report.unchanged) == (2, 1, 0, 1)
    [change] = report.changes
    assert (change.invoice_number, change.before, change.after) == (
        "INV-1",
        MatchDecision.HOLD,
        MatchDecision.APPROVE,
    )
    assert [(hold.code, hold.line_no) for hold in change.cleared] == [(HoldCode.PRICE, 1)]
    assert change.appearing == []
    assert report.money_at_stake == {"USD": D("1550.00")}
    assert report.released_amount == {"USD": D("1550.00")}
    assert report.newly_held_amount == {}
    assert report.proposed == ["default v2"]


def test_tightening_makes_a_hold_appear() -> None:
    tight = DEFAULT.model_copy(update={"price_over_pct": D("0.5")})  # +1 % now exceeds it
    report = simulate([record(request_for(CLEAN, PO))], [tight])
    [change] = report.changes
    assert (change.before, change.after) == (MatchDecision.APPROVE, MatchDecision.HOLD)
    assert [hold.label for hold in change.appearing] == ["PRICE line 1"]
    assert (report.released, report.newly_held) == (0, 1)
    assert report.newly_held_amount == report.money_at_stake == {"USD": CLEAN.total}


def test_a_hold_that_changes_without_a_flip_is_reported_but_costs_nothing() -> None:
    # Held on line 1 (+5 %); a 10 % limit clears it, but line 2 at +1 % then
    # holds under a limit of 0.5 % on item ITEM-2 only.
    invoice = an_invoice("INV-3", PO, {1: "10.50", 2: "50.50"})
    proposed = [
        DEFAULT.model_copy(update={"price_over_pct": D("10")}),
        ToleranceProfile(name="item-2", item_id="ITEM-2", price_over_pct=D("0.5")),
    ]
    report = simulate([record(request_for(invoice, PO))], proposed)
    [change] = report.changes
    assert (change.before, change.after) == (MatchDecision.HOLD, MatchDecision.HOLD)
    assert [h.label for h in change.cleared] == ["PRICE line 1"]
    assert [h.label for h in change.appearing] == ["PRICE line 2"]
    assert report.money_at_stake == {} and (report.released, report.newly_held) == (0, 0)


def test_a_scoped_proposed_profile_only_affects_its_scope() -> None:
    nordic_po = a_po("PO-2", vendor="NORDIC", currency="EUR")
    acme = record(request_for(HELD, PO))
    nordic = record(request_for(an_invoice("N-1", nordic_po, {1: "10.50", 2: "50.00"}), nordic_po))
    for_acme = ToleranceProfile(name="acme", vendor_id="ACME", price_over_pct=D("10"))
    report = simulate([acme, nordic], [for_acme])
    assert [change.invoice_number for change in report.changes] == ["INV-1"]
    assert report.unchanged == 1
    assert report.money_at_stake == {"USD": D("1550.00")}


def test_a_proposed_profile_replaces_the_current_one_of_its_scope_and_adds_the_others() -> None:
    vendor = ToleranceProfile(name="acme", vendor_id="ACME", price_over_pct=D("1"))
    item = ToleranceProfile(name="item-1", item_id="ITEM-1", price_over_pct=D("3"))
    new_default = ToleranceProfile(name="default-2026", price_over_pct=D("4"))
    new_vendor = ToleranceProfile(name="acme", version=2, vendor_id="ACME", price_over_pct=D("6"))
    assert apply_profiles([DEFAULT, vendor, item], [new_default, new_vendor]) == [
        item,
        new_default,
        new_vendor,
    ]


def test_the_latest_record_of_each_invoice_is_used() -> None:
    # First stored under the default (held), later re-matched under a 10 %
    # vendor profile (approved). Loosening the default changes nothing: the
    # latest request already resolves the vendor profile.
    vendor = ToleranceProfile(name="acme", vendor_id="ACME", price_over_pct=D("10"))
    later = record(request_for(HELD, PO, DEFAULT, vendor), at=T0 + timedelta(days=2))
    earlier = record(request_for(HELD, PO), at=T0)
    assert (earlier.result.decision, later.result.decision) == (MatchDecision.HOLD, MatchDecision.APPROVE)
    loose = DEFAULT.model_copy(update={"price_over_pct": D("5")})
    report = simulate([later, earlier], [loose])  # order of the input does not matter
    assert (report.rerun, report.unchanged, report.changes) == (1, 1, [])
    # Tightening the vendor profile does change the latest match.
    report = simulate([later, earlier], [vendor.model_copy(update={"price_over_pct": D("1")})])
    assert [(c.before, c.after) for c in report.changes] == [(MatchDecision.APPROVE, MatchDecision.HOLD)]


def test_released_holds_stay_released() -> None:
    held = match_invoice(request_for(HELD, PO))
    [price] = held.holds
    released = price.model_copy(
        update={
            "status": HoldStatus.RELEASED,
            "released_by": "ap.clerk",
            "release_reason": "price agreed by phone",
        }
    )
    stored = record(request_for(HELD, PO, released_holds=[released]))
    assert stored.result.decision == MatchDecision.APPROVE
    tight = DEFAULT.model_copy(update={"price_over_pct": D("0")})  # the same variance, still released
    report = simulate([stored], [tight])
    assert (report.unchanged, report.changes, report.money_at_stake) == (1, [], {})


def test_records_without_a_request_are_counted_not_rerun() -> None:
    bare = MatchRecord.model_validate(match_invoice(request_for(HELD, PO), matched_at=T0).model_dump())
    assert bare.request is None  # a bare MatchResult (older workflows) reads as a record without request
    report = simulate([bare, record(request_for(CLEAN, PO))], [DEFAULT])
    assert (report.rerun, report.without_request, report.unchanged) == (1, 1, 1)


def test_proposed_profiles_must_resolve_unambiguously() -> None:
    twice = [ToleranceProfile(name="a"), ToleranceProfile(name="b")]  # two defaults
    with pytest.raises(ValueError, match="scope default"):
        simulate([record(request_for(HELD, PO))], twice)


def test_a_record_pairs_a_request_with_its_own_result() -> None:
    with pytest.raises(ValueError, match="request is for"):
        MatchRecord(request=request_for(CLEAN, PO), result=match_invoice(request_for(HELD, PO)))
