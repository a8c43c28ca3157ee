"""The match engine: one invoice (or credit memo) against its PO, the goods
receipts and the earlier invoices — 2-, 3- and 4-way per PO line.

Pure: no I/O, no clock, no randomness. Everything it needs is in the
`MatchRequest`, so the same request always gives the same `MatchResult` —
which is what lets the workflow re-run it on every relevant event (receipt,
credit memo, PO change) and lets a later tolerance simulation replay old
invoices.

Semantics (DESIGN.md "Matching vocabulary", p2p-semantics.md b.1/b.2/b.5):

* Tolerances: the request carries candidate profiles; each PO line gets the
  most specific one (item > vendor+category > vendor > category > default,
  `p2p.tolerance_profiles`), the header checks the vendor-level one. Every
  hold names the limit, its value and that profile (name and version).
* All quantity checks are cumulative per PO line, in the PO's unit of measure
  (Oracle "Qty Ord" / "Qty Rec" / "Quality"): `billed_cum` = what earlier
  invoices billed, net of credit memos, plus this invoice.
* A limit of `None` is not checked; `0` means no variance allowed. A variance
  *at* the limit passes, only one *beyond* it holds.
* Where a check has a percentage and an amount (price over/under, quantity
  over ordered/received/accepted, amount over PO, tax), the profile's
  `limit_operator` combines them: `any` (SAP/Oracle, the default) holds a
  variance beyond any active limit, `all` (Ariba OR) only one beyond every
  active limit — the one rule, `p2p.tolerance`.
* Received means kept: on a 3-way line, net of what was rejected at the
  dock (`LineFacts.received_for_match`).
* Header money checks:
  - AMOUNT over PO: Σ line amounts invoiced to date (credit memos net, lines
    on the PO only, documents in the PO currency only) vs the PO's line total
    (Oracle Max Total Amount). Freight and tax have their own checks.
  - FREIGHT: freight billed to date vs the PO's agreed `freight` (0 unless
    the PO carries freight), against `freight_over_abs`; only checked on an
    invoice that bills freight.
  - TAX: billed tax vs the expected tax (`p2p.tax`): each line at its PO
    line's rate, freight only where the policy taxes it; over-billing beyond
    the limits holds. A line without a rate leaves the tax unchecked.
  - DUPLICATE: an earlier document of the same vendor, kind and normalised
    number is this document billed again (it still counts as billed).
  - TOTAL_MISMATCH: header total vs lines + freight + tax beyond the small
    difference (SAP BD).
* Line figures that do not hold together: a non-positive quantity, or a
  stated line `amount` that differs from quantity × unit price rounded to
  the currency's minor unit by more than the small difference, is an AMOUNT
  hold on the line (SAP "item amount" block).
* Unit of measure: an invoice line in a different unit than its PO line
  (e.g. BOX against EA) is an UNKNOWN_LINE hold. Its quantity and price
  cannot be compared with the PO line, so — as for a line that is not on the
  PO — the line as billed matches no PO line, and the remedy is the same:
  the supplier restates it. The quantity and price checks are skipped for
  that line (they would only report the unit difference as false variances).
  AMOUNT stays reserved for figures that contradict themselves.
* An invoice that references another PO number is a VENDOR_MISMATCH hold:
  like an invoice from another vendor, the document does not belong to this
  PO and the remedy is to correct the reference or reject it. PO_NOT_OPEN
  would wrongly suggest reopening this PO.
* MANUAL holds (placed by a person, `request.manual_holds`) are carried into
  every result and RANDOM_AUDIT holds (`request.audit_selected`, drawn by the
  caller) are raised on every match; a re-match never releases them, only a
  person can (SAP: stochastic blocks are released manually). Unlike SAP, the
  audit hold is raised even when other holds exist: otherwise it would
  appear and vanish as those holds come and go.
* A hold a person released is not re-applied while its inputs (expected and
  actual) are unchanged (Oracle Payables).

Each check is one small function returning the holds it finds
(`header_checks`, `line_checks`). To add a check, write the function and list
it in `engine.HEADER_CHECKS` / `engine.LINE_CHECKS` (or the credit memo
variants); ordering and release handling are applied afterwards.
"""

from p2p.matching.engine import match_invoice
from p2p.matching.wording import tolerance_source

__all__ = ["match_invoice", "tolerance_source"]
