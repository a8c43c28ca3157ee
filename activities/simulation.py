"""Tolerance simulation: re-run past matches under proposed profiles, pure.

`simulate(records, proposed)` takes the stored match records (result + the
request it was computed from) and a proposed set of tolerance profiles, and
reports what would change:

* per invoice, its latest stored request (by `matched_at`) is re-matched with
  its tolerance candidates replaced: a proposed profile replaces the current
  one with the same scope (`ToleranceProfile.scope_key`; None = the default
  profile) or the same name (a name is one profile), the others are added;
* the open holds before (the stored result) and after are compared by
  (code, line_no): holds that would clear, holds that would appear;
* invoices whose decision flips (hold → approve: would be released;
  approve → hold: newly held) and the money at stake, the totals of those
  invoices per currency.

Released holds stay released (they are in the request, and the engine keeps a
release while the hold's expected/actual are unchanged); MANUAL and
RANDOM_AUDIT holds are in the request too, so a tolerance never clears them.
Records stored without a request (before migration 0003) cannot be re-run
and are only counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal

from pydantic import Field

from models.common import Document
from models.matching import (
    Hold,
    HoldCode,
    MatchDecision,
    MatchRecord,
    MatchRequest,
    MatchResult,
    ToleranceProfile,
    check_candidates,
)
from p2p.matching import match_invoice

__all__ = ["HoldRef", "InvoiceChange", "SimulationReport", "apply_profiles", "simulate"]

_EARLIEST = datetime.min.replace(tzinfo=UTC)


class HoldRef(Document):
    """A hold as the simulation reports it."""

    code: HoldCode
    line_no: int | None = None
    message: str
    source: str | None = None

    @classmethod
    def of(cls, hold: Hold) -> HoldRef:
        return cls(code=hold.code, line_no=hold.line_no, message=hold.message, source=hold.source)

    @property
    def label(self) -> str:
        """`PRICE line 2`, `TOTAL_MISMATCH` (header)."""
        return self.code.value if self.line_no is None else f"{self.code.value} line {self.line_no}"


class InvoiceChange(Document):
    """One invoice whose open holds would differ under the proposed profiles."""

    invoice_id: str
    invoice_number: str
    po_number: str
    currency: str
    total: Decimal
    matched_at: datetime | None = None
    before: MatchDecision
    after: MatchDecision
    cleared: list[HoldRef] = Field(default_factory=list, description="Open now, would not be")
    appearing: list[HoldRef] = Field(default_factory=list, description="Not open now, would be")

    @property
    def flips(self) -> bool:
        return self.before != self.after


class SimulationReport(Document):
    proposed: list[str] = Field(default_factory=list, description="The proposed profiles, `name vN`")
    rerun: int = Field(default=0, description="Invoices re-matched (latest stored request each)")
    without_request: int = Field(default=0, description="Invoices stored without a request: not re-run")
    unchanged: int = Field(default=0, description="Re-run invoices whose open holds stay the same")
    released: int = Field(default=0, description="hold → approve")
    newly_held: int = Field(default=0, description="approve → hold")
    changes: list[InvoiceChange] = Field(default_factory=list)
    released_amount: dict[str, Decimal] = Field(default_factory=dict, description="Per currency")
    newly_held_amount: dict[str, Decimal] = Field(default_factory=dict, description="Per currency")
    money_at_stake: dict[str, Decimal] = Field(
        default_factory=dict, description="Totals of the invoices whose decision flips, per currency"
    )


def apply_profiles(
    current: Iterable[ToleranceProfile], proposed: Iterable[ToleranceProfile]
) -> list[ToleranceProfile]:
    """The candidates with `proposed` in force: a proposed profile replaces
    the current one with the same scope or the same name; the others stay.
    Raises ValueError if the result cannot resolve unambiguously."""
    proposed = list(proposed)
    scopes = {profile.scope_key for profile in proposed}
    names = {profile.name for profile in proposed}
    kept = [profile for profile in current if profile.scope_key not in scopes and profile.name not in names]
    return check_candidates(kept + proposed)


def _latest(
    records: Iterable[MatchRecord],
) -> tuple[dict[str, tuple[MatchRecord, MatchRequest]], set[str]]:
    """The latest record with a request per invoice (ties: the later one in
    the input), with that request, and the invoices that have none."""
    latest: dict[str, tuple[datetime, int, MatchRecord, MatchRequest]] = {}
    seen: set[str] = set()
    for position, record in enumerate(records):
        invoice_id = record.result.invoice_id
        seen.add(invoice_id)
        request = record.request
        if request is None:
            continue
        key = (record.result.matched_at or _EARLIEST, position)
        if invoice_id not in latest or key >= latest[invoice_id][:2]:
            latest[invoice_id] = (*key, record, request)
    return {invoice_id: entry[2:] for invoice_id, entry in latest.items()}, seen - latest.keys()


def _open(result: MatchResult) -> dict[tuple[str, int | None], Hold]:
    return {hold.key: hold for hold in result.open_holds}


def _add(totals: dict[str, Decimal], currency: str, amount: Decimal) -> None:
    totals[currency] = totals.get(currency, Decimal(0)) + amount


def simulate(records: list[MatchRecord], proposed: list[ToleranceProfile]) -> SimulationReport:
    """Re-run each invoice's latest stored request with `proposed` in force
    and compare with the stored result (see the module docstring)."""
    check_candidates(list(proposed))
    latest, without_request = _latest(records)
    report = SimulationReport(
        proposed=[profile.source for profile in proposed], without_request=len(without_request)
    )
    for invoice_id in sorted(latest, key=lambda i: (latest[i][0].result.po_number, i)):
        record, request = latest[invoice_id]
        candidates = apply_profiles(request.tolerance_profiles, proposed)
        after = match_invoice(
            request.model_copy(update={"tolerance_profiles": candidates}), matched_at=record.result.matched_at
        )
        before_open, after_open = _open(record.result), _open(after)
        report.rerun += 1
        if before_open.keys() == after_open.keys() and record.result.decision == after.decision:
            report.unchanged += 1
            continue
        invoice = request.invoice
        change = InvoiceChange(
            invoice_id=invoice_id,
            invoice_number=invoice.invoice_number,
            po_number=record.result.po_number,
            currency=invoice.currency,
            total=invoice.total,
            matched_at=record.result.matched_at,
            before=record.result.decision,
            after=after.decision,
            cleared=[HoldRef.of(hold) for key, hold in before_open.items() if key not in after_open],
            appearing=[HoldRef.of(hold) for key, hold in after_open.items() if key not in before_open],
        )
        report.changes.append(change)
        if change.flips:
            _add(report.money_at_stake, change.currency, change.total)
            if change.after == MatchDecision.APPROVE:
                report.released += 1
                _add(report.released_amount, change.currency, change.total)
            else:
                report.newly_held += 1
                _add(report.newly_held_amount, change.currency, change.total)
    return report
