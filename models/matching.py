"""Tolerances, holds and the result of matching one invoice.

The match request, its result and the record stored of both live here; the
hold vocabulary lives in `models.holds` and the tolerance profiles in
`models.tolerances`, both re-exported here (`from models.matching import Hold`
keeps working)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from models.common import Document, UtcDatetime
from models.holds import (
    AWAITING_DOCUMENT_HOLDS,
    HOLD_REF_SEPARATOR,
    MANUAL_RELEASE_ONLY_HOLDS,
    Hold,
    HoldCode,
    HoldStatus,
    awaiting_reason,
    canonical_hold_ref,
    hold_ref,
    parse_hold_ref,
)
from models.purchase_order import MatchLevel
from models.tolerances import Limit, ScopeId, ToleranceProfile, check_candidates

__all__ = [
    "AWAITING_DOCUMENT_HOLDS",
    "HOLD_REF_SEPARATOR",
    "MANUAL_RELEASE_ONLY_HOLDS",
    "Hold",
    "HoldCode",
    "HoldStatus",
    "Limit",
    "LineMatch",
    "MatchDecision",
    "MatchRecord",
    "MatchRequest",
    "MatchResult",
    "ScopeId",
    "ToleranceProfile",
    "awaiting_reason",
    "canonical_hold_ref",
    "check_candidates",
    "hold_ref",
    "parse_hold_ref",
]


class MatchDecision(StrEnum):
    APPROVE = "approve"
    HOLD = "hold"


class LineMatch(Document):
    line_no: int
    match_level: MatchLevel | None = None
    ordered: Decimal = Decimal(0)
    received: Decimal = Decimal(0)
    accepted: Decimal = Decimal(0)
    previously_invoiced: Decimal = Decimal(0)
    invoiced: Decimal = Decimal(0)
    reference_price: Decimal | None = None
    invoiced_price: Decimal | None = None
    price_variance: Decimal | None = None
    tolerance_source: str | None = Field(default=None, description="The profile resolved for this line")
    decision: MatchDecision = MatchDecision.APPROVE
    lineage: str | None = Field(
        default=None,
        description="The line's chain, PO revision → acknowledgment → ship notice → receipt → invoice line "
        "(p2p.matching.lineage)",
    )


class MatchResult(Document):
    invoice_id: str
    po_number: str
    po_revision: int
    decision: MatchDecision
    holds: list[Hold] = Field(default_factory=list)
    lines: list[LineMatch] = Field(default_factory=list)
    tolerance_source: str | None = Field(
        default=None, description="The vendor-level profile the header checks used; lines name their own"
    )
    matched_at: UtcDatetime | None = None

    @property
    def open_holds(self) -> list[Hold]:
        return [hold for hold in self.holds if hold.status == HoldStatus.OPEN]


class AcknowledgedLine(Document):
    """What a standing acknowledgment (accepted, or accepted as a revision)
    said of one PO line: its status and the price it stated, if it did."""

    line_no: Annotated[int, Field(ge=1)]
    ack_id: str = Field(max_length=255)
    status: str = Field(max_length=32, description="The line status the supplier gave (accepted, changed, …)")
    unit_price: Decimal | None = Field(default=None, description="The price the supplier stated, if any")


class ShippedLine(Document):
    """One line of a ship notice: what the supplier said it shipped."""

    line_no: Annotated[int, Field(ge=1)]
    asn_id: str = Field(max_length=255)
    quantity: Decimal


class MatchRequest(Document):
    """Everything the match engine needs, so that it is a pure function of its
    input (and the activity around it stays thin)."""

    po: PurchaseOrder
    po_open: bool = True
    receipts: list[GoodsReceipt] = Field(default_factory=list)
    prior_invoices: list[Invoice] = Field(
        default_factory=list, description="Earlier invoices and credit memos that count (not rejected)"
    )
    invoice: Invoice
    tolerance_profiles: list[ToleranceProfile] = Field(
        default_factory=lambda: [ToleranceProfile()],
        description="Candidate profiles; the engine resolves one per PO line (and one at vendor level "
        "for the header). None applicable: the built-in default",
    )
    released_holds: list[Hold] = Field(
        default_factory=list, description="Holds a person released; not re-applied unless their inputs change"
    )
    manual_holds: list[Hold] = Field(
        default_factory=list,
        description="MANUAL holds a person placed: carried into every result, never released by a re-match",
    )
    audit_selected: bool = Field(
        default=False,
        description="The caller drew this invoice for the random audit sample (RANDOM_AUDIT hold); "
        "drawn deterministically outside the engine so the engine stays pure",
    )
    audit_basis: str | None = Field(
        default=None, max_length=500, description="How the caller drew it, shown as the hold's tolerance"
    )
    audit_source: str | None = Field(
        default=None, max_length=200, description="Where the sample rate came from (policy and version)"
    )
    ack_overdue_since: UtcDatetime | None = Field(
        default=None,
        description="The vendor must acknowledge, has not (no acknowledgment, no goods, no waiver), and "
        "its acknowledgment was due at this moment, before the invoice arrived: ACK_MISSING "
        "(p2p.acknowledgment.ack_overdue_since); None: nothing is missing",
    )
    shipped_by_line: dict[int, Decimal] = Field(
        default_factory=dict,
        description="Shipped to date per PO line on the supplier's ship notices; a line absent has none",
    )
    cancelled_lines: list[int] = Field(
        default_factory=list,
        description="PO lines the buyer cancelled: an invoice line on one is PO_NOT_OPEN",
    )
    ack_policy: str | None = Field(default=None, max_length=200, description="The policy that asks for it")
    duplicate_candidates: list[Invoice] = Field(
        default_factory=list,
        description="The vendor's other invoices a suspected duplicate is looked for among",
    )
    duplicate_window_days: int = Field(default=30, ge=0, le=366)
    tax_rate_pct: Annotated[Decimal, Field(ge=0, le=100)] | None = Field(
        default=None,
        description="Tax rate for PO lines that carry none of their own (older callers set only this); "
        "a line with neither leaves the tax of its invoice unchecked",
    )
    freight_taxable: bool = Field(
        default=False, description="The policy taxes freight (at the invoice lines' rate, pro rata)"
    )
    acknowledged_lines: list[AcknowledgedLine] = Field(
        default_factory=list,
        description="What each standing acknowledgment said of each PO line, oldest first "
        "(p2p.acknowledgment.acknowledged_lines): ACK_MISMATCH and the line's lineage",
    )
    shipped_lines: list[ShippedLine] = Field(
        default_factory=list, description="Every ship notice line, oldest first: the line's lineage"
    )
    returned_by_line: dict[int, Decimal] = Field(
        default_factory=dict,
        description="Returned to the vendor after receipt, per PO line (p2p.receiving.returned_by_line): "
        "received is net of returns. Dock rejections are not in it: the receipts net them already",
    )
    inspections: list[InspectionResult] | None = Field(
        default=None,
        description="The PO's inspection results: on a 4-way line accepted is what they accepted "
        "(None: the rule before inspections, accepted = received − rejected at the receipt)",
    )

    @model_validator(mode="before")
    @classmethod
    def _single_profile_of_older_callers(cls, data: Any) -> Any:
        """`tolerances: profile` (the single profile of earlier versions) is
        read as `tolerance_profiles: [profile]`: match_invoice activity tasks
        scheduled by an older worker still carry it."""
        if isinstance(data, dict) and "tolerances" in data:
            data = dict(data)
            legacy = data.pop("tolerances")
            if "tolerance_profiles" in data:
                raise ValueError("give tolerance_profiles or the older tolerances, not both")
            data["tolerance_profiles"] = [legacy]
        return data

    _unambiguous = field_validator("tolerance_profiles")(lambda cls, v: check_candidates(v))

    @field_validator("manual_holds")
    @classmethod
    def _manual_only(cls, holds: list[Hold]) -> list[Hold]:
        wrong = sorted({hold.code.value for hold in holds if hold.code != HoldCode.MANUAL})
        if wrong:
            raise ValueError(f"manual_holds must have code MANUAL, not {', '.join(wrong)}")
        return holds


from models.documents import GoodsReceipt, Invoice  # noqa: E402  (forward refs above)
from models.inspections import InspectionResult  # noqa: E402
from models.purchase_order import PurchaseOrder  # noqa: E402

MatchRequest.model_rebuild()


class MatchRecord(Document):
    """What `save_match_result` stores: a match result together with the
    request it was computed from, so the match can be re-run later (e.g.
    under a proposed tolerance profile, `poflow tolerances simulate`).

    `request` is None only for results stored before requests were kept:
    a save_match_result task scheduled by an older workflow carries a bare
    `MatchResult`, which is read as a record without a request."""

    request: MatchRequest | None = None
    result: MatchResult

    @model_validator(mode="before")
    @classmethod
    def _bare_result_of_older_callers(cls, data: Any) -> Any:
        if isinstance(data, dict) and "result" not in data and "invoice_id" in data:
            return {"request": None, "result": data}
        return data

    @model_validator(mode="after")
    def _same_invoice(self) -> MatchRecord:
        # A result computed before the every-digit-run rule carries the legacy
        # id (workflow histories replay it; rows before migration 0007 too).
        ids = (
            {self.request.invoice.document_id, self.request.invoice.legacy_document_id}
            if self.request
            else ()
        )
        if self.request is not None and self.result.invoice_id not in ids:
            raise ValueError(
                f"request is for {self.request.invoice.document_id}, result for {self.result.invoice_id}"
            )
        return self
