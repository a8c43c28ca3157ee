"""Validate and enrich a PO against master data (DESIGN.md workflow step 1).

`check_purchase_order` is pure (master data in, findings out) so the rules are
tested without a database; `validate_purchase_order` loads what it needs.

Errors block the PO (it is rejected); flags do not, they inform the approval
chain and the approver ("why is this off-contract?").

Enrichment: the match level of every line (`resolve_match_levels`). The item
master decides: the item's own level, else its category's level in the
vendor's policy, else the policy's default. A PO line may ask for a stricter
level than that (a buyer who wants the 4-way inspection step on a 3-way
item), never a looser one: skipping the goods receipt is not the buyer's call
alone, so a looser request is overruled and the note says so."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.engine import Engine

from activities.db.approval_matrix import list_bands
from activities.db.master_data import (
    Contract,
    Item,
    Vendor,
    connect,
    contracts_on,
    get_items,
    get_vendor,
    policy_for_vendor,
)
from models import Policy, PoValidation, PurchaseOrder
from models.records import LineMatchLevel, LineTaxRate
from p2p import approvals


def price_text(value: Decimal) -> str:
    """12.4 → "12.40", 0.0425 → "0.0425": at least cents, never hides digits."""
    value = value.normalize()
    exponent = value.as_tuple().exponent  # an int for every finite value (prices are finite)
    if isinstance(exponent, int) and exponent > -2:
        value = value.quantize(Decimal("0.01"))
    return f"{value:f}"


def pricing_date(po: PurchaseOrder, today: date) -> date:
    """Contract prices are those in force on the order date."""
    if po.order_date is not None:
        return po.order_date
    if po.created_at is not None:
        return po.created_at.astimezone(UTC).date()
    return today


def _policy_label(policy: Policy) -> str:
    return f"policy {policy.name} v{policy.version}"


def master_match_level(item: Item, policy: Policy) -> LineMatchLevel:
    """The item master's level for `item` (line_no 0: the caller sets it)."""
    if item.match_level is not None:
        return LineMatchLevel(line_no=0, match_level=item.match_level, source=f"item {item.id}")
    by_category = policy.category_match_level(item.category)
    if by_category is not None:
        return LineMatchLevel(
            line_no=0, match_level=by_category, source=f"category {item.category} ({_policy_label(policy)})"
        )
    return LineMatchLevel(
        line_no=0, match_level=policy.default_match_level, source=f"{_policy_label(policy)} default"
    )


def resolve_match_levels(po: PurchaseOrder, items: dict[str, Item], policy: Policy) -> list[LineMatchLevel]:
    """The level per PO line (lines with an unknown item are left out: the PO
    is rejected for them). A line's own level is kept when it is stricter
    than or equal to the item master's; a looser one is overruled."""
    levels = []
    for line in sorted(po.lines, key=lambda line: line.line_no):
        item = items.get(line.item_id)
        if item is None:
            continue
        master = master_match_level(item, policy).model_copy(update={"line_no": line.line_no})
        asked = line.match_level
        if asked is None or asked == master.match_level:
            levels.append(master)
        elif asked.strictness > master.match_level.strictness:
            levels.append(
                LineMatchLevel(
                    line_no=line.line_no,
                    match_level=asked,
                    source=f"PO line (stricter than {master.match_level.value} from {master.source})",
                )
            )
        else:
            levels.append(
                master.model_copy(
                    update={
                        "note": (
                            f"line {line.line_no}: the PO asks for {asked.value}, looser than {master.match_level.value} "
                            f"from {master.source}; {master.match_level.value} applies (a PO may make a line stricter, "
                            "not looser)"
                        )
                    }
                )
            )
    return levels


def check_purchase_order(
    po: PurchaseOrder,
    vendor: Vendor | None,
    items: dict[str, Item],
    contracts: dict[str, Contract],
    policy: Policy | None = None,
) -> PoValidation:
    errors: list[str] = []
    flags: list[str] = []
    codes: set[str] = set()  # the flags as an approval band names them (p2p.approvals)
    if vendor is None:
        errors.append(f"unknown vendor {po.vendor_id!r}")
    else:
        if not vendor.active:
            errors.append(f"vendor {vendor.id} ({vendor.name}) is inactive")
        if po.currency != vendor.currency:
            errors.append(
                f"currency {po.currency} differs from vendor {vendor.id}'s currency {vendor.currency}"
            )

    for line in sorted(po.lines, key=lambda line: line.line_no):
        where = f"line {line.line_no}"
        item = items.get(line.item_id)
        if item is None:
            errors.append(f"{where}: unknown item {line.item_id!r}")
            continue
        if line.uom != item.uom:
            # Price per BOX against a contract per EA is the classic false price variance.
            flags.append(f"{where}: unit {line.uom} differs from the item's unit {item.uom} ({item.id})")
            codes.add(approvals.UOM_MISMATCH)
        if vendor is None:
            continue
        contract = contracts.get(item.id)
        if contract is None:
            flags.append(f"{where}: no contract for {item.id} with {vendor.id} (off-contract spend)")
            codes.add(approvals.OFF_CONTRACT)
        elif contract.currency != po.currency:
            flags.append(
                f"{where}: contract price for {item.id} is in {contract.currency}, the PO in {po.currency};"
                " price not compared"
            )
        elif line.unit_price != contract.unit_price:
            direction = "above" if line.unit_price > contract.unit_price else "below"
            price, agreed = price_text(line.unit_price), price_text(contract.unit_price)
            flags.append(f"{where}: price {price} {direction} contract {agreed}")
            codes.add(approvals.PRICE_ANOMALY)
    return PoValidation(
        vendor_name=vendor.name if vendor else None,
        errors=errors,
        flags=flags,
        flag_codes=sorted(codes),
        match_levels=resolve_match_levels(po, items, policy or Policy()),
        tax_rates=resolve_tax_rates(po, items, vendor),
    )


def resolve_tax_rates(po: PurchaseOrder, items: dict[str, Item], vendor: Vendor | None) -> list[LineTaxRate]:
    """The master data's rate for each line that carries none: the item's
    own (a reduced rate or an exemption), else the vendor's. A rate the PO
    line brought (the ERP computed it) is kept; a line with neither stays
    without one, and its invoices' tax is not checked."""
    rates = []
    for line in sorted(po.lines, key=lambda line: line.line_no):
        if line.tax_rate_pct is not None:
            continue
        item = items.get(line.item_id)
        if item is not None and item.tax_rate_pct is not None:
            rates.append(
                LineTaxRate(line_no=line.line_no, tax_rate_pct=item.tax_rate_pct, source=f"item {item.id}")
            )
        elif vendor is not None and vendor.tax_rate_pct is not None:
            rates.append(
                LineTaxRate(
                    line_no=line.line_no, tax_rate_pct=vendor.tax_rate_pct, source=f"vendor {vendor.id}"
                )
            )
    return rates


def validate_purchase_order(engine: Engine, po: PurchaseOrder, *, today: date | None = None) -> PoValidation:
    today = today or datetime.now(UTC).date()
    item_ids = [line.item_id for line in po.lines]
    with connect(engine) as connection:
        vendor = get_vendor(connection, po.vendor_id)
        items = get_items(connection, item_ids)
        contracts: dict[str, Contract] = {}
        if vendor is not None:
            contracts = contracts_on(connection, po.vendor_id, item_ids, pricing_date(po, today))
        policy = policy_for_vendor(connection, po.vendor_id)
        bands = list_bands(connection)
    validation = check_purchase_order(po, vendor, items, contracts, policy)
    if not bands:  # no matrix: the policy's approval threshold decides
        return validation
    categories = [items[line.item_id].category for line in po.lines if line.item_id in items]
    route = approvals.route_for(
        bands,
        total=po.total,
        currency=po.currency,
        categories=categories,
        budget_code=po.budget_code,
        flags=validation.flag_codes,
    )
    return validation.model_copy(update={"approval_route": route})
