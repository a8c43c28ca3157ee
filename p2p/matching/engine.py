"""Running the checks: which run for which document (the registries), the
gates before the line checks, ordering, a person's releases, the verdict."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from models.documents import InvoiceKind
from models.matching import (
    Hold,
    HoldCode,
    HoldStatus,
    LineMatch,
    MatchDecision,
    MatchRequest,
    MatchResult,
    ToleranceProfile,
)
from p2p.matching.context import HeaderCheck, LineCheck, LineFacts, MatchContext, Profiles, line_facts
from p2p.matching.header_checks import (
    check_ack_missing,
    check_amount_over_po,
    check_currency,
    check_duplicate_number,
    check_freight,
    check_po_open,
    check_po_reference,
    check_random_audit,
    check_suspected_duplicates,
    check_tax,
    check_total,
    check_unknown_lines,
    check_vendor,
)
from p2p.matching.line_checks import (
    check_ack_price,
    check_inspection,
    check_line_amount,
    check_positive_quantity,
    check_price,
    check_qty_ordered,
    check_receipt,
    check_shipped,
    check_uom,
)
from p2p.matching.lineage import line_lineage
from p2p.matching.wording import tolerance_source

_CODE_ORDER = {code: index for index, code in enumerate(HoldCode)}


# Which checks run for which document. Header checks run once per document
# with the vendor-level profile (unknown lines are found there: they have no
# PO line to build facts from). Per invoice line that is on the PO, the gates
# run first — a line whose figures cannot be compared at all gets the one hold
# that says so, not a cascade of false variances — then the line checks, with
# the line's own profile. Credit memos get the structural checks only: they
# reduce what was billed, so price/quantity/amount limits do not apply, a
# credit on a closed PO is still welcome, and they are not audited.
HEADER_CHECKS: tuple[HeaderCheck, ...] = (
    check_currency,
    check_vendor,
    check_po_reference,
    check_po_open,
    check_ack_missing,
    check_duplicate_number,
    check_total,
    check_amount_over_po,
    check_freight,
    check_tax,
    check_unknown_lines,
    check_suspected_duplicates,
    check_random_audit,
)
CREDIT_MEMO_HEADER_CHECKS: tuple[HeaderCheck, ...] = (
    check_currency,
    check_vendor,
    check_po_reference,
    check_duplicate_number,
    check_total,
    check_unknown_lines,
)
LINE_GATES: tuple[LineCheck, ...] = (check_positive_quantity, check_uom)
# A credit memo's quantity may be written negative (some feeds do), so only
# the unit is a gate for it: a credit in BOX must not net against EA.
CREDIT_MEMO_LINE_GATES: tuple[LineCheck, ...] = (check_uom,)
LINE_CHECKS: tuple[LineCheck, ...] = (
    check_line_amount,
    check_price,
    check_ack_price,
    check_qty_ordered,
    check_receipt,
    check_shipped,
    check_inspection,
)
CREDIT_MEMO_LINE_CHECKS: tuple[LineCheck, ...] = ()


# --- running the checks ---------------------------------------------------------


def _line_holds(
    ctx: MatchContext, facts: LineFacts, gates: tuple[LineCheck, ...], checks: tuple[LineCheck, ...]
) -> list[Hold]:
    for gate in gates:
        if found := gate(ctx, facts):
            # The line's figures cannot be compared with the PO line: price and
            # quantity checks on them would only add noise.
            return found
    return [hold for check in checks for hold in check(ctx, facts)]


def _sort_key(hold: Hold) -> tuple[int, int, int]:
    """Header holds first, then by line, then by code (vocabulary order)."""
    is_line = 0 if hold.line_no is None else 1
    return (is_line, hold.line_no or 0, _CODE_ORDER[hold.code])


def _release_key(hold: Hold) -> tuple[HoldCode, int | None, Decimal | None, Decimal | None]:
    return (hold.code, hold.line_no, hold.expected, hold.actual)


def _apply_releases(holds: list[Hold], released: list[Hold]) -> list[Hold]:
    """A hold a person released stays released while its inputs (expected and
    actual) are unchanged; different inputs mean a new variance, which needs a
    new decision (Oracle: a manually released hold is not re-applied)."""
    by_key = {_release_key(hold): hold for hold in released}
    result = []
    for hold in holds:
        release = by_key.get(_release_key(hold))
        if release is not None:
            hold = hold.model_copy(
                update={
                    "status": HoldStatus.RELEASED,
                    "released_by": release.released_by,
                    "release_reason": release.release_reason,
                }
            )
        result.append(hold)
    return result


def _line_match(facts: LineFacts, profile: ToleranceProfile, held: bool, lineage: str) -> LineMatch:
    return LineMatch(
        line_no=facts.line_no,
        match_level=facts.po_line.level,
        ordered=facts.po_line.quantity,
        received=facts.received,
        accepted=facts.accepted,
        previously_invoiced=facts.previously_invoiced,
        invoiced=facts.invoiced,
        reference_price=facts.reference_price,
        invoiced_price=facts.invoiced_price,
        price_variance=facts.price_variance,
        tolerance_source=tolerance_source(profile),
        decision=MatchDecision.HOLD if held else MatchDecision.APPROVE,
        lineage=lineage,
    )


def match_invoice(request: MatchRequest, *, matched_at: datetime | None = None) -> MatchResult:
    """Match one invoice or credit memo and return the verdict with its holds.

    `matched_at` is stamped on the result as given (the activity passes its
    clock); the engine itself never reads a clock."""
    profiles = Profiles(request)
    header = MatchContext(request=request, profile=profiles.header)
    is_credit = request.invoice.kind == InvoiceKind.CREDIT_MEMO
    header_checks = CREDIT_MEMO_HEADER_CHECKS if is_credit else HEADER_CHECKS
    gates = CREDIT_MEMO_LINE_GATES if is_credit else LINE_GATES
    line_checks = CREDIT_MEMO_LINE_CHECKS if is_credit else LINE_CHECKS

    lines = [(facts, profiles.for_line(facts.po_line)) for facts in line_facts(request)]
    lineages = {facts.line_no: line_lineage(request, facts.line_no) for facts, _ in lines}
    holds = [hold for check in header_checks for hold in check(header)]
    for facts, profile in lines:
        found = _line_holds(replace(header, profile=profile), facts, gates, line_checks)
        holds += [h.model_copy(update={"lineage": lineages[facts.line_no]}) for h in found]
    # A person's holds are carried as placed: no check produces or clears them.
    holds += request.manual_holds
    holds = _apply_releases(sorted(holds, key=_sort_key), request.released_holds)

    held_lines = {h.line_no for h in holds if h.status == HoldStatus.OPEN}  # one pass, not lines × holds
    decision = (
        MatchDecision.HOLD if any(h.status == HoldStatus.OPEN for h in holds) else MatchDecision.APPROVE
    )
    return MatchResult(
        invoice_id=request.invoice.document_id,
        po_number=request.po.po_number,
        po_revision=request.po.revision,
        decision=decision,
        holds=holds,
        lines=[
            _line_match(facts, profile, facts.line_no in held_lines, lineages[facts.line_no])
            for facts, profile in lines
        ],
        tolerance_source=header.source,
        matched_at=matched_at,
    )
