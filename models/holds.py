"""The hold vocabulary: hold codes, which holds wait for a document or for a
person, a hold as matching raises it, and the hold refs decisions name."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from models.common import Document

__all__ = [
    "AWAITING_DOCUMENT_HOLDS",
    "HOLD_REF_SEPARATOR",
    "MANUAL_RELEASE_ONLY_HOLDS",
    "Hold",
    "HoldCode",
    "HoldStatus",
    "awaiting_reason",
    "canonical_hold_ref",
    "hold_ref",
    "parse_hold_ref",
]


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
# when it does, and nobody is asked about them until the hold SLA lapses. Nor
# does a person release them (accept_variance): paying for goods before they
# arrive is no variance to accept. Each with the reason a person is told.
_AWAITING_REASONS: dict[HoldCode, str] = {
    HoldCode.NO_RECEIPT: "waits for the goods receipt; it clears itself when the receipt arrives",
    HoldCode.QTY_RECEIVED: "waits for the goods receipt; it clears itself when the receipt arrives",
    HoldCode.INSPECTION: (
        "waits for goods that pass inspection; it clears itself when a receipt with them arrives"
    ),
    HoldCode.ASN_MISMATCH: "waits for a ship notice of the rest; it clears itself when one arrives",
    HoldCode.ACK_MISSING: (
        "waits for the supplier's acknowledgment; it clears itself when it (or the goods) arrives, "
        "or when the buyer proceeds without one"
    ),
}
AWAITING_DOCUMENT_HOLDS = frozenset(_AWAITING_REASONS)


def awaiting_reason(code: HoldCode) -> str | None:
    """Why a person cannot release a hold of this code (it waits for a
    document); None when a person's decision may release it."""
    return _AWAITING_REASONS.get(code)


# Never released by a re-match, only by a person (SAP: stochastic blocks).
MANUAL_RELEASE_ONLY_HOLDS = frozenset({HoldCode.RANDOM_AUDIT, HoldCode.MANUAL})


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
    related_document_id: str | None = Field(
        default=None, description="The other document a hold points at (e.g. the suspected original invoice)"
    )
    lineage: str | None = Field(
        default=None, description="On a line hold: the line's chain of documents, as its LineMatch has it"
    )
    status: HoldStatus = HoldStatus.OPEN
    released_by: str | None = None
    release_reason: str | None = None

    @property
    def key(self) -> tuple[str, int | None]:
        return (self.code.value, self.line_no)

    @property
    def ref(self) -> str:
        """How a person, the API and a task name this hold (`hold_ref`)."""
        return hold_ref(self.code, self.line_no)


# --- hold refs: the one way a decision names a hold -------------------------------
# `PRICE:1` is the PRICE hold on PO line 1, `AMOUNT` the header AMOUNT hold. A
# ref names a blocking reason on a line (SAP's per-item blocking reasons,
# Oracle's hold per code and match), so it answers every hold with that code
# there (e.g. two SUSPECTED_DUPLICATE holds against two earlier invoices).
HOLD_REF_SEPARATOR = ":"


def hold_ref(code: HoldCode, line_no: int | None) -> str:
    return code.value if line_no is None else f"{code.value}{HOLD_REF_SEPARATOR}{line_no}"


def parse_hold_ref(text: str) -> tuple[HoldCode, int | None]:
    """`price:1 ` → (PRICE, 1), `AMOUNT` → (AMOUNT, None). ValueError, in words
    a person can act on, for anything else."""
    code_text, separator, line_text = text.strip().partition(HOLD_REF_SEPARATOR)
    try:
        code = HoldCode(code_text.strip().upper())
    except ValueError:
        raise ValueError(
            f"{text.strip()!r} names no hold: use CODE:LINE for a line hold (PRICE:1) "
            f"or CODE for a header hold (AMOUNT); codes: {', '.join(HoldCode)}"
        ) from None
    if not separator:
        return code, None
    line = line_text.strip()
    if not line.isdigit() or int(line) < 1:
        raise ValueError(
            f"{text.strip()!r}: the line after {code.value}{HOLD_REF_SEPARATOR} "
            "must be a PO line number (1, 2, ...)"
        )
    return code, int(line)


def canonical_hold_ref(text: str) -> str:
    """What a person typed, as `Hold.ref` spells it (`price:01` → `PRICE:1`)."""
    return hold_ref(*parse_hold_ref(text))
