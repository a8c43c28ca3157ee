"""Tolerances, holds and the result of matching one invoice."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import Field, field_validator, model_validator

from models.common import Document, UtcDatetime
from models.purchase_order import MatchLevel
from p2p.tolerance import LimitOperator, Limits


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
}
AWAITING_DOCUMENT_HOLDS = frozenset(_AWAITING_REASONS)


def awaiting_reason(code: HoldCode) -> str | None:
    """Why a person cannot release a hold of this code (it waits for a
    document); None when a person's decision may release it."""
    return _AWAITING_REASONS.get(code)


# Never released by a re-match, only by a person (SAP: stochastic blocks).
MANUAL_RELEASE_ONLY_HOLDS = frozenset({HoldCode.RANDOM_AUDIT, HoldCode.MANUAL})


# A tolerance limit: None = not checked, 0 = no variance allowed. Never
# negative: a negative allowance would hold invoices that match exactly.
Limit = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=6)] | None
ScopeId = Annotated[str, Field(min_length=1, max_length=64)] | None


class ToleranceProfile(Document):
    """Limits for one scope. `None` = not checked; `0` = no variance allowed.

    Scope: `item_id`, `vendor_id`, `category`, all optional; none set is a
    default profile. Per PO line the most specific applicable profile wins,
    item > vendor+category > vendor > category > default
    (`p2p.tolerance_profiles.resolve_profile`); header checks use the
    vendor-level profile. A profile is used whole: limits it leaves at `None`
    are not checked, they are *not* inherited from a less specific profile,
    so a hold is explained by exactly one profile.

    Percentages are of the reference value (agreed price, ordered, received or
    accepted quantity, PO total, expected tax); absolute amounts are in the
    document currency, absolute quantities in the PO line's unit. Where a
    check has both a percentage and an absolute limit, `limit_operator` says
    how they combine (`p2p.tolerance`): `any` — a variance beyond any active
    limit holds (SAP, Oracle; the default) — or `all` — only a variance
    beyond every active limit holds (Ariba's "OR", opt-in)."""

    name: str = Field(default="default", min_length=1, max_length=64)
    version: int = Field(default=1, ge=1)
    description: str | None = Field(default=None, max_length=500, description="Why this profile exists")
    # --- scope (none set = default profile) ---
    item_id: ScopeId = None
    vendor_id: ScopeId = None
    category: ScopeId = None
    # --- per PO line ---
    price_over_pct: Limit = Decimal("2")
    price_over_abs: Limit = Field(default=None, description="Per unit, document currency")
    price_under_pct: Limit = None
    price_under_abs: Limit = Field(default=None, description="Per unit, document currency")
    qty_over_ordered_pct: Limit = Decimal("0")
    qty_over_ordered_abs: Limit = Field(
        default=None, description="PO line unit (Oracle Max Quantity Ordered)"
    )
    qty_over_received_pct: Limit = Decimal("0")
    qty_over_received_abs: Limit = Field(
        default=None, description="PO line unit (Oracle Max Quantity Received)"
    )
    qty_over_accepted_pct: Limit = Decimal("0")
    qty_over_accepted_abs: Limit = Field(default=None, description="PO line unit")
    # --- per invoice (header; vendor-level profile) ---
    amount_over_po_pct: Limit = Field(default=None, description="Σ invoiced line amounts to date vs PO total")
    amount_over_po_abs: Limit = None
    freight_over_abs: Limit = Field(default=None, description="Freight billed to date vs the PO's freight")
    tax_over_pct: Limit = Field(default=None, description="% of the expected tax (needs a tax rate)")
    tax_over_abs: Limit = None
    total_small_difference_abs: Limit = Field(
        default=Decimal("0.05"),
        description="Write-off for header total vs lines + freight + tax, and for line amount vs qty × price",
    )
    # Supplier acknowledgment changes accepted without asking the buyer.
    ack_price_pct: Limit = Decimal("2")
    ack_qty_pct: Limit = Decimal("0")
    limit_operator: LimitOperator = Field(
        default=LimitOperator.ANY,
        description="How a check's percentage and absolute limits combine: 'any' — a variance beyond any "
        "active limit holds (SAP, Oracle) — or 'all' — only beyond every active limit (Ariba's OR)",
    )

    @model_validator(mode="after")
    def _item_or_category(self) -> ToleranceProfile:
        # An item has exactly one category: scoping by both would be a profile
        # that silently never applies when the two disagree.
        if self.item_id is not None and self.category is not None:
            raise ValueError("scope by item_id or by category, not both (an item has one category)")
        return self

    @property
    def scope_key(self) -> str | None:
        """The scope as one comparable string (`vendor=NORDIC|category=lab
        equipment`); None for a default profile. Two profiles with the same
        key would make resolution ambiguous. Category compares case-blind."""
        parts = [
            f"item={self.item_id}" if self.item_id is not None else None,
            f"vendor={self.vendor_id}" if self.vendor_id is not None else None,
            f"category={self.category.casefold()}" if self.category is not None else None,
        ]
        key = "|".join(part for part in parts if part is not None)
        return key or None

    @property
    def source(self) -> str:
        """Where a limit came from, as shown on holds: `default v1`."""
        return f"{self.name} v{self.version}"

    def limits(self, check: str) -> Limits:
        """The limits of one check (`price_over`, `qty_over_received`, …):
        its `_pct` and `_abs` fields, combined by this profile's operator."""
        pct, amount = f"{check}_pct", f"{check}_abs"
        fields = type(self).model_fields
        if pct not in fields and amount not in fields:
            raise KeyError(f"no tolerance check {check!r}")  # a typo must not read as "not checked"
        return Limits(
            pct=getattr(self, pct, None), amount=getattr(self, amount, None), operator=self.limit_operator
        )


def check_candidates(profiles: list[ToleranceProfile]) -> list[ToleranceProfile]:
    """Candidate profiles must resolve unambiguously: names (what a hold
    quotes) and scopes (what resolution compares) are unique. Several default
    profiles would tie, so at most one."""
    names = [profile.name for profile in profiles]
    if len(set(names)) != len(names):
        twice = sorted({name for name in names if names.count(name) > 1})
        raise ValueError(f"tolerance profile name(s) {', '.join(twice)} appear more than once")
    scopes = [profile.scope_key or "default" for profile in profiles]
    if len(set(scopes)) != len(scopes):
        twice = sorted({scope for scope in scopes if scopes.count(scope) > 1})
        raise ValueError(f"more than one tolerance profile for scope {', '.join(twice)}")
    return profiles


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
    related_document_id: str | None = Field(
        default=None, description="The other document a hold points at (e.g. the suspected original invoice)"
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
