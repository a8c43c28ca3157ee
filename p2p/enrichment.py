"""Validate-and-enrich results applied to the PO: each line's match level
and expected tax rate from the master data. Same revision: the enrichment is
not a change anybody agreed to, it is what the PO meant."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from models.purchase_order import PurchaseOrder
from models.records import LineMatchLevel, LineTaxRate


def apply_match_levels(po: PurchaseOrder, levels: list[LineMatchLevel]) -> PurchaseOrder:
    """The PO with each line's level (and where it came from) as validate/enrich
    settled it; lines it did not mention keep theirs."""
    return _update_lines(
        po,
        {
            level.line_no: {"match_level": level.match_level, "match_level_source": level.source}
            for level in levels
        },
    )


def apply_tax_rates(po: PurchaseOrder, rates: list[LineTaxRate]) -> PurchaseOrder:
    """The PO with the master data's tax rate on each line that had none: a
    rate the PO line brought (the ERP computed it) is never replaced."""
    without_rate = {line.line_no for line in po.lines if line.tax_rate_pct is None}
    return _update_lines(
        po,
        {
            rate.line_no: {"tax_rate_pct": rate.tax_rate_pct, "tax_rate_source": rate.source}
            for rate in rates
            if rate.line_no in without_rate
        },
    )


def _update_lines(po: PurchaseOrder, updates: Mapping[int, dict[str, Any]]) -> PurchaseOrder:
    lines = [
        line.model_copy(update=updates[line.line_no]) if line.line_no in updates else line
        for line in po.lines
    ]
    return po.model_copy(update={"lines": lines})
