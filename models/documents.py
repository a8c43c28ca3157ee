"""Supplier and warehouse documents that arrive against a PO: the supplier's
acknowledgment, goods receipts and invoices (credit memos are invoices of kind
`credit_memo`)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from models.common import (
    Amount,
    Currency,
    Document,
    Identifier,
    NonNegativeAmount,
    NonNegativeQuantity,
    PositiveQuantity,
    Quantity,
    UtcDatetime,
    round_money,
)
from models.purchase_order import PaymentTerms


def _unique_lines(lines: list, what: str) -> list:
    seen: set[int] = set()
    for line in lines:
        if line.line_no in seen:
            raise ValueError(f"{what} line_no {line.line_no} appears twice")
        seen.add(line.line_no)
    return lines


# --- acknowledgment ---------------------------------------------------------


class AckStatus(StrEnum):
    """Header status, after X12 855 BAK02 (AD / AC / RJ)."""

    ACCEPTED = "accepted"
    ACCEPTED_WITH_CHANGES = "accepted_with_changes"
    REJECTED = "rejected"


class AckLineStatus(StrEnum):
    """Line status, a readable subset of X12 element 668 (ACK01)."""

    ACCEPTED = "accepted"  # IA
    CHANGED = "changed"  # IC / IP / IQ / DR
    BACKORDERED = "backordered"  # IB
    REJECTED = "rejected"  # IR


class AcknowledgmentLine(Document):
    line_no: int = Field(ge=1)
    status: AckLineStatus = AckLineStatus.ACCEPTED
    quantity: PositiveQuantity | None = Field(default=None, description="Confirmed quantity if it differs")
    unit_price: NonNegativeAmount | None = Field(default=None, description="Confirmed price if it differs")
    promised_date: date | None = None


class Acknowledgment(Document):
    ack_id: Identifier = Field(description="Supplier's acknowledgment number; idempotency key")
    po_number: Identifier
    vendor_id: Identifier
    status: AckStatus
    lines: list[AcknowledgmentLine] = Field(default_factory=list)
    message: str | None = Field(default=None, max_length=2000, description="Supplier's note")
    acknowledged_at: UtcDatetime

    _unique = field_validator("lines")(lambda cls, v: _unique_lines(v, "acknowledgment"))

    @property
    def document_id(self) -> str:
        return f"ack:{self.vendor_id}:{self.ack_id}"


# --- goods receipt ----------------------------------------------------------


class ReceiptLine(Document):
    line_no: int = Field(ge=1)
    quantity_received: NonNegativeQuantity
    quantity_rejected: NonNegativeQuantity = Decimal(0)
    reject_reason: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _rejected_within_received(self) -> "ReceiptLine":
        if self.quantity_rejected > self.quantity_received:
            raise ValueError("quantity_rejected cannot exceed quantity_received")
        return self

    @property
    def quantity_accepted(self) -> Decimal:
        return self.quantity_received - self.quantity_rejected


class GoodsReceipt(Document):
    receipt_id: Identifier = Field(description="Warehouse receipt number; idempotency key")
    po_number: Identifier
    received_at: UtcDatetime
    received_by: str | None = Field(default=None, max_length=128)
    lines: list[ReceiptLine] = Field(min_length=1)

    _unique = field_validator("lines")(lambda cls, v: _unique_lines(v, "receipt"))

    @property
    def document_id(self) -> str:
        return f"receipt:{self.po_number}:{self.receipt_id}"


# --- advance ship notice ------------------------------------------------------


class ShipNoticeLine(Document):
    line_no: int = Field(ge=1, description="The PO line shipped")
    quantity_shipped: PositiveQuantity
    uom: str | None = Field(default=None, max_length=8)
    item_id: str | None = Field(default=None, max_length=64)


class ShipNotice(Document):
    """The supplier's advance ship notice (X12 856 / EDIFACT DESADV), one per PO."""

    asn_id: Identifier = Field(description="Supplier's shipment id (BSN02); idempotency key")
    po_number: Identifier
    vendor_id: Identifier
    shipped_at: UtcDatetime
    expected_delivery: date | None = None
    carrier: str | None = Field(default=None, max_length=128)
    tracking_number: str | None = Field(default=None, max_length=128)
    lines: list[ShipNoticeLine] = Field(min_length=1)

    _unique = field_validator("lines")(lambda cls, v: _unique_lines(v, "ship notice"))

    @property
    def document_id(self) -> str:
        # One shipment may carry several POs, each with its own notice under
        # the same shipment number (EDIFACT DESADV): the PO keeps them apart.
        return f"asn:{self.vendor_id}:{self.asn_id}:{self.po_number}"


# --- invoice ----------------------------------------------------------------


class InvoiceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_MEMO = "credit_memo"


class InvoiceLine(Document):
    line_no: int = Field(ge=1, description="The PO line this bills")
    quantity: Quantity
    unit_price: NonNegativeAmount
    amount: Amount | None = Field(default=None, description="Defaults to quantity × unit_price, rounded")
    uom: str | None = Field(default=None, max_length=8)
    description: str | None = Field(default=None, max_length=500)
    item_id: str | None = Field(default=None, max_length=64, description="Item or supplier part as billed")


_NON_ALNUM = re.compile(r"[^0-9A-Z]")


def normalize_invoice_number(number: str) -> str:
    """Case, spaces, punctuation and leading zeros do not make a new invoice:
    `inv-000123`, `INV 123` and `INV123` are the same document."""
    cleaned = _NON_ALNUM.sub("", number.upper())
    head = cleaned.rstrip("0123456789")
    digits = cleaned[len(head):]
    return head + (digits.lstrip("0") or ("0" if digits else ""))


class Invoice(Document):
    invoice_number: str = Field(min_length=1, max_length=64)
    kind: InvoiceKind = InvoiceKind.INVOICE
    vendor_id: Identifier
    po_number: Identifier
    invoice_date: date
    currency: Currency
    lines: list[InvoiceLine] = Field(min_length=1)
    freight: NonNegativeAmount = Decimal(0)
    tax: NonNegativeAmount = Decimal(0)
    total: Amount = Field(description="Header total as stated by the supplier")
    payment_terms: PaymentTerms | None = None
    original_invoice_number: str | None = Field(default=None, description="For a credit memo: what it corrects")
    price_only: bool = Field(
        default=False,
        description="A subsequent credit (or debit) for price: it changes amounts, not billed quantities",
    )

    _unique = field_validator("lines")(lambda cls, v: _unique_lines(v, "invoice"))

    @field_validator("invoice_number")
    @classmethod
    def _has_alnum(cls, value: str) -> str:
        if not normalize_invoice_number(value):
            raise ValueError("must contain at least one letter or digit")
        return value

    @property
    def document_id(self) -> str:
        """Idempotency key: vendor + normalized number (+ kind, since a credit
        memo may reuse the number of the invoice it corrects)."""
        prefix = "credit" if self.kind == InvoiceKind.CREDIT_MEMO else "invoice"
        return f"{prefix}:{self.vendor_id}:{normalize_invoice_number(self.invoice_number)}"

    @property
    def sign(self) -> int:
        return -1 if self.kind == InvoiceKind.CREDIT_MEMO else 1

    def billed_quantity(self, line: InvoiceLine) -> Decimal:
        """What this document adds to the line's billed-to-date quantity:
        negative for a credit of goods (whichever sign the supplier wrote it
        with: some feeds send credit quantities negative), nothing for a
        price-only credit."""
        if self.price_only:
            return Decimal(0)
        return -abs(line.quantity) if self.kind == InvoiceKind.CREDIT_MEMO else line.quantity

    def line_amount(self, line: InvoiceLine) -> Decimal:
        if line.amount is not None:
            return line.amount
        return round_money(line.quantity * line.unit_price, self.currency)

    @property
    def lines_total(self) -> Decimal:
        return sum((self.line_amount(line) for line in self.lines), Decimal(0))

    @property
    def computed_total(self) -> Decimal:
        return self.lines_total + self.freight + self.tax
