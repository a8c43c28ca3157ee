"""Validate-and-enrich results applied to the PO: each line's match level
and expected tax rate from the master data. Same revision: the enrichment is
not a change anybody agreed to, it is what the PO meant."""

from __future__ import annotations

from models.purchase_order import PurchaseOrder
from models.records import LineMatchLevel, LineTaxRate


def apply_match_levels(po: PurchaseOrder, levels: list[LineMatchLevel]) -> PurchaseOrder:
    """The PO with each line's level (and where it came from) as validate/enrich
    settled it; lines it did not mention keep theirs. Same revision: the
    enrichment is not a change anybody agreed to, it is what the PO meant."""
    by_line = {level.line_no: level for level in levels}
    lines = [
        line.model_copy(
            update={
                "match_level": by_line[line.line_no].match_level,
                "match_level_source": by_line[line.line_no].source,
            }
        )
        if line.line_no in by_line
        else line
        for line in po.lines
    ]
    return po.model_copy(update={"lines": lines})


def apply_tax_rates(po: PurchaseOrder, rates: list[LineTaxRate]) -> PurchaseOrder:
    """The PO with the master data's tax rate on each line that had none
    (validate/enrich). Same revision, as for match levels: what the PO meant."""
    by_line = {rate.line_no: rate for rate in rates}
    lines = [
        line.model_copy(
            update={
                "tax_rate_pct": by_line[line.line_no].tax_rate_pct,
                "tax_rate_source": by_line[line.line_no].source,
            }
        )
        if line.line_no in by_line and line.tax_rate_pct is None
        else line
        for line in po.lines
    ]
    return po.model_copy(update={"lines": lines})
