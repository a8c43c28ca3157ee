"""Tolerances, holds and the result of matching one invoice."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from models.common import Document, UtcDatetime
from models.purchase_order import MatchLevel


class HoldCode(StrEnum):
    """The hold vocabulary of DESIGN.md "Matching vocabulary"."""

    QTY_ORDERED = "QTY_ORDERED"
    QTY_RECEIVED = "QTY_RECEIVED"
    PRICE = "PRICE"
    AMOUNT = "AMOUNT"
    TOTAL_MISMATCH = "TOTAL_MISMATCH"
    DUPLICATE = "DUPLICATE"
    SUSPECTED_DUPLICATE = "SUSPECTED_DUPLICATE"
    NO_RECEIPT = "NO_RECEIPT"
    UNKNOWN_LINE = "UNKNOWN_LINE"
    CURRENCY = "CURRENCY"
    VENDOR_MISMATCH = "VENDOR_MISMATCH"
    PO_NOT_OPEN = "PO_NOT_OPEN"
    INSPECTION = "INSPECTION"
    FREIGHT = "FREIGHT"
    TAX = "TAX"
    ACK_MISMATCH = "ACK_MISMATCH"
    ASN_MISMATCH = "ASN_MISMATCH"
    ACK_MISSING = "ACK_MISSING"
    RANDOM_AUDIT = "RANDOM_AUDIT"
    MANUAL = "MANUAL"


# Holds caused by a document that has not arrived yet: they re-check themselves
# when it does, and nobody is asked about them until the hold SLA lapses.
AWAITING_DOCUMENT_HOLDS = frozenset({HoldCode.NO_RECEIPT, HoldCode.QTY_RECEIVED, HoldCode.INSPECTION})
# Never released by a re-match, only by a person (SAP: stochastic blocks).
MANUAL_RELEASE_ONLY_HOLDS = frozenset({HoldCode.RANDOM_AUDIT, HoldCode.MANUAL})


class ToleranceProfile(Document):
    """Limits for one scope. `None` = not checked; `0` = no variance allowed.

    Percentages are of the reference value (agreed price, received quantity…),
    absolute amounts are in the document currency. A variance holds when it
    exceeds every limit that is set (the percentage *and* the amount), so
    small-value lines are not held for cents."""

    name: str = "default"
    version: int = 1
    price_over_pct: Decimal | None = Decimal("2")
    price_over_abs: Decimal | None = None
    price_under_pct: Decimal | None = None
    qty_over_received_pct: Decimal | None = Decimal("0")
    qty_over_ordered_pct: Decimal | None = Decimal("0")
    total_small_difference_abs: Decimal | None = Decimal("0.05")
    # Supplier acknowledgment changes accepted without asking the buyer.
    ack_price_pct: Decimal | None = Decimal("2")
    ack_qty_pct: Decimal | None = Decimal("0")


class MatchDecision(StrEnum):
    APPROVE = "approve"
    HOLD = "hold"


class HoldStatus(StrEnum):
    OPEN = "open"
    AUTO_RELEASED = "auto_released"
    RELEASED = "released"  # by a person, with a reason


class Hold(Document):
    code: HoldCode
    line_no: int | None = None
    expected: Decimal | None = None
    actual: Decimal | None = None
    variance: Decimal | None = None
    tolerance: str | None = Field(default=None, description="The limit applied, e.g. 'price over +2%'")
    source: str | None = Field(default=None, description="Where the limit came from: profile and version")
    formula: str | None = None
    message: str = Field(description="One sentence a person can act on")
    status: HoldStatus = HoldStatus.OPEN
    released_by: str | None = None
    release_reason: str | None = None

    @property
    def key(self) -> tuple[str, int | None]:
        return (self.code.value, self.line_no)


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
    decision: MatchDecision = MatchDecision.APPROVE


class MatchResult(Document):
    invoice_id: str
    po_number: str
    po_revision: int
    decision: MatchDecision
    holds: list[Hold] = Field(default_factory=list)
    lines: list[LineMatch] = Field(default_factory=list)
    tolerance_source: str | None = None
    matched_at: UtcDatetime | None = None

    @property
    def open_holds(self) -> list[Hold]:
        return [hold for hold in self.holds if hold.status == HoldStatus.OPEN]


class MatchRequest(Document):
    """Everything the match engine needs, so that it is a pure function of its
    input (and the activity around it stays thin)."""

    po: "PurchaseOrder"
    po_open: bool = True
    receipts: list["GoodsReceipt"] = Field(default_factory=list)
    prior_invoices: list["Invoice"] = Field(
        default_factory=list, description="Earlier invoices and credit memos that count (not rejected)"
    )
    invoice: "Invoice"
    tolerances: ToleranceProfile = Field(default_factory=ToleranceProfile)
    released_holds: list[Hold] = Field(
        default_factory=list, description="Holds a person released; not re-applied unless their inputs change"
    )


from models.documents import GoodsReceipt, Invoice  # noqa: E402  (forward refs above)
from models.purchase_order import PurchaseOrder  # noqa: E402

MatchRequest.model_rebuild()
