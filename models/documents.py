"""Supplier and warehouse documents that arrive against a PO: the supplier's
acknowledgment, goods receipts and invoices (credit memos are invoices of kind
`credit_memo`)."""

from __future__ import annotations

import re
from decimal import Decimal
from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator, model_validator

# The acknowledgment and the functional acknowledgment have modules of their
# own; they are documents too, so importers find them here as well.
from models.common import (
    CURRENCY_MINOR_UNITS,
    MAX_DOCUMENT_AMOUNT,
    MAX_LINES,
    Amount,
    BusinessDate,
    BusinessTimestamp,
    Currency,
    Document,
    Identifier,
    LineNo,
    NonNegativeQuantity,
    PoNumber,
    PositiveQuantity,
    Quantity,
    UnitPrice,
    check_minor_units,
    round_money,
    unique_lines,
)
from models.purchase_order import PaymentTerms

# --- goods receipt ----------------------------------------------------------


class ReceiptLine(Document):
    line_no: LineNo
    quantity_received: NonNegativeQuantity
    quantity_rejected: NonNegativeQuantity = Decimal(0)
    reject_reason: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _rejected_within_received(self) -> ReceiptLine:
        if self.quantity_rejected > self.quantity_received:
            raise ValueError("quantity_rejected cannot exceed quantity_received")
        return self

    @property
    def quantity_accepted(self) -> Decimal:
        return self.quantity_received - self.quantity_rejected


class GoodsReceipt(Document):
    receipt_id: Identifier = Field(description="Warehouse receipt number; idempotency key")
    po_number: PoNumber
    received_at: BusinessTimestamp
    received_by: str | None = Field(default=None, max_length=128)
    lines: list[ReceiptLine] = Field(min_length=1, max_length=MAX_LINES)

    _unique = field_validator("lines")(lambda cls, v: unique_lines(v, "receipt"))

    @property
    def document_id(self) -> str:
        return f"receipt:{self.po_number}:{self.receipt_id}"


# --- advance ship notice ------------------------------------------------------


class ShipNoticeLine(Document):
    line_no: LineNo = Field(description="The PO line shipped")
    quantity_shipped: PositiveQuantity
    uom: str | None = Field(default=None, max_length=8)
    item_id: str | None = Field(default=None, max_length=64)


class ShipNotice(Document):
    """The supplier's advance ship notice (X12 856 / EDIFACT DESADV), one per PO."""

    asn_id: Identifier = Field(description="Supplier's shipment id (BSN02); idempotency key")
    po_number: PoNumber
    vendor_id: Identifier
    shipped_at: BusinessTimestamp
    expected_delivery: BusinessDate | None = None
    carrier: str | None = Field(default=None, max_length=128)
    tracking_number: str | None = Field(default=None, max_length=128)
    lines: list[ShipNoticeLine] = Field(min_length=1, max_length=MAX_LINES)

    _unique = field_validator("lines")(lambda cls, v: unique_lines(v, "ship notice"))

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
    line_no: LineNo = Field(description="The PO line this bills")
    quantity: Quantity
    unit_price: UnitPrice
    amount: Amount | None = Field(default=None, description="Defaults to quantity × unit_price, rounded")
    uom: str | None = Field(default=None, max_length=8)
    description: str | None = Field(default=None, max_length=500)
    item_id: str | None = Field(default=None, max_length=64, description="Item or supplier part as billed")


_NON_ALNUM = re.compile(r"[^0-9A-Z]")
_DIGIT_RUN = re.compile(r"[0-9]+")


def _without_leading_zeros(run: re.Match[str]) -> str:
    return run.group().lstrip("0") or "0"


def normalize_invoice_number(number: str) -> str:
    """The one invoice-number normalisation: the door's duplicate key
    (`Invoice.document_id`), the suspected-duplicate rule and `poflow match`
    all compare numbers through it.

    1. Upper-case.
    2. Strip the leading zeros of *every* run of digits, as the supplier
       wrote the runs (a run ends at a letter, a space or punctuation); a run
       of zeros only becomes `0`.
    3. Drop everything that is not A–Z or 0–9 (spaces, punctuation).

    Step 2 comes before step 3, so separators mark where a number part starts:

        written          normalised   the same document as
        inv-000123       INV123       INV 123, INV123
        INV-0042-A       INV42A       INV-42-A, inv 42a, INV0042A
        INV-0042-0007    INV427       INV-42-7
        2024/0001        20241        2024-1 (but not 20240001: one run)
        INV-000          INV0         INV-0
        A0B              A0B          a-00-b
        1200             1200         (trailing zeros count)

    Case, spaces and punctuation never matter, except between two digits,
    where a separator starts a new run: `2024-0001` ≠ `20240001`. (The same
    bill under both spellings is still a suspected duplicate when amounts
    and dates agree, p2p.duplicates.) The result is a key, not a
    number to normalise again: `0-5` → `05`, while `05` → `5`."""
    stripped = _DIGIT_RUN.sub(_without_leading_zeros, number.upper())
    return _NON_ALNUM.sub("", stripped)


def legacy_normalize_invoice_number(number: str) -> str:
    """The rule before every digit run lost its leading zeros: only the
    trailing run of the separator-free number did (`INV-0042-A` → `INV0042A`).
    Only to recognise ids recorded under it — match results in workflow
    histories, the audit draw and document de-duplication of runs that
    started before (workflows.po_steps.patches.PATCH_INVOICE_NUMBER_RUNS).
    Never for a new decision: `normalize_invoice_number` is the rule."""
    cleaned = _NON_ALNUM.sub("", number.upper())
    head = cleaned.rstrip("0123456789")
    digits = cleaned[len(head) :]
    return head + (digits.lstrip("0") or ("0" if digits else ""))


class Invoice(Document):
    invoice_number: str = Field(min_length=1, max_length=64)
    kind: InvoiceKind = InvoiceKind.INVOICE
    vendor_id: Identifier
    po_number: PoNumber
    invoice_date: BusinessDate
    currency: Currency
    lines: list[InvoiceLine] = Field(min_length=1, max_length=MAX_LINES)
    freight: Amount = Field(default=Decimal(0), description="≥ 0; a credit memo may write it negative")
    tax: Amount = Field(default=Decimal(0), description="≥ 0; a credit memo may write it negative")
    total: Amount = Field(description="Header total as stated by the supplier")
    amount_due: Amount | None = Field(
        default=None,
        description="The amount the supplier asks to be paid, when it differs from the total "
        "(after a prepayment, deposit or discount; EN 16931 BT-115)",
    )
    payment_terms: PaymentTerms | None = None
    original_invoice_number: str | None = Field(
        default=None, max_length=64, description="For a credit memo: what it corrects"
    )
    price_only: bool = Field(
        default=False,
        description="A subsequent credit (or debit) for price: it changes amounts, not billed quantities",
    )

    _unique = field_validator("lines")(lambda cls, v: unique_lines(v, "invoice"))

    @field_validator("lines")
    @classmethod
    def _line_amounts_fit(cls, lines: list[InvoiceLine], info: ValidationInfo) -> list[InvoiceLine]:
        """Line amounts in the currency's minor units, and all of them together
        below MAX_DOCUMENT_AMOUNT (the stated total is an Amount already)."""
        currency = info.data.get("currency")
        for index, line in enumerate(lines):
            if line.amount is not None:
                try:
                    check_minor_units(line.amount, currency)
                except ValueError as err:
                    raise ValueError(f"lines[{index}].amount: {err}") from None
        if currency in CURRENCY_MINOR_UNITS:
            billed = sum(
                (
                    abs(line.amount)
                    if line.amount is not None
                    else abs(round_money(line.quantity * line.unit_price, currency))
                    for line in lines
                ),
                Decimal(0),
            )
            if billed >= MAX_DOCUMENT_AMOUNT:
                raise ValueError(
                    f"the lines bill {billed:,} in all, not below {MAX_DOCUMENT_AMOUNT:,}, "
                    "the largest invoice poflow takes"
                )
        return lines

    @field_validator("freight", "tax", "total", "amount_due")
    @classmethod
    def _in_minor_units(cls, amount: Decimal | None, info: ValidationInfo) -> Decimal | None:
        return None if amount is None else check_minor_units(amount, info.data.get("currency"))

    @model_validator(mode="after")
    def _one_sign_convention(self) -> Invoice:
        """Figures are magnitudes; `kind` carries the direction. Suppliers
        write credit memos either way — positive figures under a "credit
        note" title, or negative ones (X12 810 with BIG07 CR, UBL
        CreditNote vs Invoice with negative amounts) — so a credit memo
        written negative is turned into magnitudes here, once, at the door,
        and everything downstream (total check, billed-to-date, the payment
        hand-off: `payable_amount`) reads one convention."""
        if self.kind == InvoiceKind.CREDIT_MEMO:
            self._as_magnitudes()
        # An invoice's total is left as written: a negative one contradicts its
        # lines and the match holds it (AMOUNT / TOTAL_MISMATCH), with the why.
        for name in ("freight", "tax"):
            value = getattr(self, name)
            if value < 0:
                raise ValueError(
                    f"{name} {value} is negative on an invoice: its figures are charges; "
                    "a credit belongs on a credit memo (kind credit_memo)"
                )
        return self

    def _as_magnitudes(self) -> None:
        """A credit memo's figures as magnitudes. Header figures are taken
        unsigned whatever each was written with (feeds mix: negative lines
        under a positive tax); line amounts flip with a negative total. If
        the figures still disagree, the total check holds the memo
        (TOTAL_MISMATCH) with the arithmetic, rather than the door guessing."""
        # Assigning to a validated model re-runs no validator (validate_assignment is off).
        if self.total < 0:
            for line in self.lines:
                if line.amount is not None:
                    line.amount = -line.amount
        self.total, self.tax, self.freight = abs(self.total), abs(self.tax), abs(self.freight)
        if self.amount_due is not None:
            self.amount_due = abs(self.amount_due)
        for line in self.lines:
            line.quantity = abs(line.quantity)

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
        return self._key(normalize_invoice_number(self.invoice_number))

    @property
    def legacy_document_id(self) -> str:
        """The id under `legacy_normalize_invoice_number`, which runs and
        results recorded before the every-run rule carry; equal to
        `document_id` for most numbers."""
        return self._key(legacy_normalize_invoice_number(self.invoice_number))

    def _key(self, number: str) -> str:
        prefix = "credit" if self.kind == InvoiceKind.CREDIT_MEMO else "invoice"
        return f"{prefix}:{self.vendor_id}:{number}"

    @property
    def sign(self) -> int:
        return -1 if self.kind == InvoiceKind.CREDIT_MEMO else 1

    @property
    def payable_amount(self) -> Decimal:
        """What AP owes on this document, negative for a credit: the amount due
        the supplier states (BT-115: the total less what was prepaid) when it
        differs from the total, else the total."""
        return self.sign * (self.amount_due if self.amount_due is not None else self.total)

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
