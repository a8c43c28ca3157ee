"""The purchase order, its lines and its revisions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field, ValidationInfo, field_validator, model_validator

from models.common import (
    CURRENCY_MINOR_UNITS,
    MAX_DOCUMENT_AMOUNT,
    MAX_LINES,
    MAX_REVISION,
    BusinessDate,
    BusinessTimestamp,
    Currency,
    Document,
    Identifier,
    LineNo,
    NonNegativeAmount,
    PoNumber,
    PositiveQuantity,
    UnitPrice,
    UtcDatetime,
    check_minor_units,
    round_money,
    unique_lines,
)


class MatchLevel(StrEnum):
    """How an invoice line is checked (DESIGN.md "Invoicing")."""

    TWO_WAY = "2-way"  # invoice vs PO: services, items not received
    THREE_WAY = "3-way"  # + received quantity
    FOUR_WAY = "4-way"  # + accepted quantity after inspection

    @property
    def strictness(self) -> int:
        """2, 3 or 4: each level checks everything the one below does, and more."""
        return int(self.value[0])


TaxRate = Annotated[Decimal, Field(ge=0, le=100, max_digits=9, decimal_places=6)]
"""A tax rate in percent: 0 (exempt, zero-rated) to 100."""

# A line whose level nobody set (not the PO, not the item master) is matched 3-way.
DEFAULT_MATCH_LEVEL = MatchLevel.THREE_WAY


class PaymentTerms(Document):
    """Net days and an optional early-payment discount, e.g. 2/10 net 30."""

    net_days: int = Field(default=30, ge=0, le=365)
    discount_days: int | None = Field(default=None, ge=0, le=365)
    discount_percent: Decimal | None = Field(default=None, ge=0, le=100, max_digits=9, decimal_places=6)

    @model_validator(mode="after")
    def _discount_needs_both(self) -> PaymentTerms:
        if (self.discount_days is None) != (self.discount_percent is None):
            raise ValueError("discount_days and discount_percent go together")
        return self


# A line is split into at most this many deliveries (X12 855 ACK / SCH loops).
MAX_SCHEDULES = 50


class DeliverySchedule(Document):
    """One delivery of a line split into several: a quantity expected on its
    own date (X12 855: one ACK segment per schedule; EDIFACT ORDRSP: QTY + DTM
    per SCC group)."""

    quantity: PositiveQuantity
    date: BusinessDate


class SubstitutePair(Document):
    """An item shipped in place of the one ordered: the question the
    workflow asks the item master (activity listed_substitutes)."""

    item_id: Identifier
    substitute_id: Identifier


def check_schedules(schedules: list[DeliverySchedule], quantity: Decimal, what: str) -> None:
    """Raises ValueError unless the schedules add up to the line's quantity:
    a split moves dates, it does not change how much is ordered."""
    if schedules and sum((s.quantity for s in schedules), Decimal(0)) != quantity:
        total = sum((s.quantity for s in schedules), Decimal(0))
        raise ValueError(
            f"{what}: schedules add up to {total.normalize():f}, the line is {quantity.normalize():f}"
        )


class PurchaseOrderLine(Document):
    line_no: LineNo = Field(description="Line number, unique within the PO")
    item_id: Identifier
    description: str = Field(default="", max_length=500)
    quantity: PositiveQuantity
    uom: str = Field(default="EA", min_length=1, max_length=8)
    unit_price: UnitPrice
    need_by: BusinessDate | None = None
    category: str | None = Field(default=None, max_length=64)
    match_level: MatchLevel | None = Field(
        default=None,
        description="None: the item master's level, filled in by validate/enrich (item, else its category "
        "in the vendor's policy, else the policy's default). A buyer may set a stricter level than the "
        "item master's, never a looser one",
    )
    match_level_source: str | None = Field(
        default=None, max_length=200, description="Where the level came from, set by validate/enrich"
    )
    tax_rate_pct: TaxRate | None = Field(
        default=None,
        description="Expected tax rate on this line, in percent (e.g. 19 for 19 % VAT). None: the item "
        "master's rate, filled in by validate/enrich; a line with no rate leaves its invoices' tax unchecked",
    )
    tax_rate_source: str | None = Field(
        default=None, max_length=200, description="Where the rate came from when validate/enrich set it"
    )

    schedules: list[DeliverySchedule] = Field(
        default_factory=list,
        max_length=MAX_SCHEDULES,
        description="The line split into deliveries, each expected on its own date; quantities sum to the "
        "line's. Empty: one delivery of the whole quantity by need_by",
    )
    substituted_for: Identifier | None = Field(
        default=None,
        description="The item ordered, when the supplier ships item_id in its place (an agreed substitution)",
    )

    @model_validator(mode="after")
    def _schedules_sum(self) -> PurchaseOrderLine:
        check_schedules(self.schedules, self.quantity, f"line {self.line_no}")
        return self

    @property
    def level(self) -> MatchLevel:
        """The level the line is matched at (3-way when none was set)."""
        return self.match_level or DEFAULT_MATCH_LEVEL

    def amount(self, currency: str) -> Decimal:
        return round_money(self.quantity * self.unit_price, currency)


class PurchaseOrder(Document):
    po_number: PoNumber
    revision: int = Field(
        default=0, ge=0, le=MAX_REVISION, description="0 = as approved; +1 per agreed change"
    )
    vendor_id: Identifier
    buyer: str = Field(min_length=1, max_length=128)
    requested_by: str | None = Field(default=None, max_length=128)
    budget_code: str | None = Field(
        default=None,
        max_length=64,
        description="Cost centre or budget the spend is booked on (approval matrix)",
    )
    currency: Currency
    order_date: BusinessDate | None = None
    payment_terms: PaymentTerms = Field(default_factory=PaymentTerms)
    lines: list[PurchaseOrderLine] = Field(min_length=1, max_length=MAX_LINES)
    freight: NonNegativeAmount = Field(
        default=Decimal(0),
        description="Agreed delivery charge for the whole order; invoices may bill up to this in total "
        "(0: none agreed, so any freight billed is a variance)",
    )
    note: str | None = Field(default=None, max_length=2000)
    created_at: BusinessTimestamp | None = None

    _unique = field_validator("lines")(lambda cls, v: unique_lines(v, "purchase order"))

    @field_validator("lines")
    @classmethod
    def _lines_fit(cls, lines: list[PurchaseOrderLine], info: ValidationInfo) -> list[PurchaseOrderLine]:
        check_order_value(lines_total(lines, info.data.get("currency")), Decimal(0))
        return lines

    @field_validator("freight")
    @classmethod
    def _freight_fits(cls, freight: Decimal, info: ValidationInfo) -> Decimal:
        currency = info.data.get("currency")
        check_minor_units(freight, currency)
        lines = info.data.get("lines")
        if lines is not None:  # None: the lines were refused, with their own error
            check_order_value(lines_total(lines, currency), freight)
        return freight

    @property
    def total(self) -> Decimal:
        return sum((line.amount(self.currency) for line in self.lines), Decimal(0))

    def line(self, line_no: int) -> PurchaseOrderLine | None:
        return next((line for line in self.lines if line.line_no == line_no), None)

    @property
    def latest_need_by(self) -> date | None:
        dates = [line.need_by for line in self.lines if line.need_by]
        return max(dates) if dates else None


def lines_total(lines: list[PurchaseOrderLine], currency: str | None) -> Decimal:
    """Σ line amounts, rounded to the currency (unrounded while it is unknown)."""
    if currency in CURRENCY_MINOR_UNITS:
        return sum((line.amount(currency) for line in lines), Decimal(0))
    return sum((line.quantity * line.unit_price for line in lines), Decimal(0))


def check_order_value(lines: Decimal, freight: Decimal) -> None:
    """A PO's order value (lines + freight) stays below MAX_DOCUMENT_AMOUNT, so
    its total, revisions and projections fit the money columns. ValueError."""
    if lines + freight >= MAX_DOCUMENT_AMOUNT:
        raise ValueError(
            f"the order value {lines + freight:,} (lines {lines:,} + freight {freight:,}) "
            f"is not below {MAX_DOCUMENT_AMOUNT:,}, the largest PO poflow takes"
        )


class RevisionReason(StrEnum):
    ORIGINAL = "original"
    SUPPLIER_CHANGE_AUTO = "supplier_change_within_tolerance"
    SUPPLIER_CHANGE_APPROVED = "supplier_change_approved"
    BUYER_AMENDMENT = "buyer_amendment"


class RevisionChange(Document):
    """One field of one line, as the revision before had it and as this one has
    it (None: the line is new, or gone). Values as the PO's JSON writes them."""

    line_no: int
    field: str = Field(description="item_id, description, quantity, uom, unit_price, need_by, or line")
    old: str | None = None
    new: str | None = None


class Revision(Document):
    """One agreed version of the PO, and why it came to be: what changed on each
    line, by which rule or whose approval, from which document."""

    revision: int
    reason: RevisionReason
    source_document_id: str | None = None
    at: UtcDatetime
    total: Decimal = Field(description="Computed by the workflow (the door bounds the order value)")
    changes: list[RevisionChange] = Field(
        default_factory=list, description="Line by line against the revision before (p2p.revisions)"
    )
    approved_by: str | None = Field(
        default=None, description="Who approved it, or `rule: …` when a tolerance accepted it"
    )
    why: str = Field(default="", description="The changes as the rule or the approver saw them, in words")
