"""The suspected-duplicate candidates of an invoice, found by index, not by scan.

`invoice_keys` (migration 0017) holds what the duplicate rules of
`p2p.duplicates` compare — vendor, currency, kind, total, invoice date and
number — for every stored invoice and credit memo whose bytes are Invoice
JSON, written in the transaction that stores the document
(`repository.store_document` calls `record`).

Finding the candidates of a new invoice is then one index range
(`ix_invoice_keys_candidates`): same vendor, same currency, kind invoice,
total within CANDIDATE_AMOUNT_SLACK_PCT of this total (both rules need the
same total within `amount_tolerance`; the loader promises to cover any
tolerance up to that share). Of those rows only the ones that could meet a
rule under the loosest settings a policy may have are kept — dated within
the widest `duplicate_window_days` a Policy accepts (366), or carrying a
near-identical number (`p2p.duplicates.near_identical_numbers`, which has no
date window) — and only their stored JSON is read and parsed. The activity
does not know the PO's policy, so it must assume the widest window; the
workflow applies the PO's real window and tolerance in the match.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from annotated_types import Le
from pydantic import ValidationError
from sqlalchemy import Connection, Select, select
from sqlalchemy.engine import Engine

from activities.db import schema as t
from activities.db.upsert import insert
from models import Invoice, InvoiceKind, Policy
from models.tasks import TaskKind
from p2p.duplicates import CANDIDATE_AMOUNT_SLACK_PCT, amount_close_enough_to_load, near_identical_numbers
from workflows.contract import Decision

__all__ = ["WIDEST_WINDOW_DAYS", "Suspects", "band_query", "find_suspects", "key_row", "record"]

MICRO = Decimal(1_000_000)  # Money's scale: totals have at most 6 decimals


def _policy_window_bound() -> int:
    """The largest `duplicate_window_days` a Policy accepts (its `le`)."""
    for constraint in Policy.model_fields["duplicate_window_days"].metadata:
        if isinstance(constraint, Le):
            return int(constraint.le)  # type: ignore[call-overload]
    raise RuntimeError(
        "Policy.duplicate_window_days has no upper bound: the candidate window would be unbounded"
    )


WIDEST_WINDOW_DAYS = _policy_window_bound()


# --- writing ----------------------------------------------------------------------


def key_row(document_id: str, kind: str, raw: bytes) -> dict[str, object] | None:
    """The `invoice_keys` row of a document being stored, or None when it is
    no invoice or credit memo, or its bytes are not Invoice JSON of that kind
    (a PDF or EDI original: the duplicate check never compared those)."""
    if kind not in {k.value for k in InvoiceKind}:
        return None
    try:
        invoice = Invoice.model_validate_json(raw)
    except ValidationError:
        return None
    if invoice.kind.value != kind:
        return None
    return {
        "document_id": document_id,
        "vendor_id": invoice.vendor_id,
        "currency": invoice.currency,
        "kind": kind,
        "total_micro": int(invoice.total * MICRO),
        "invoice_date": invoice.invoice_date,
        "invoice_number": invoice.invoice_number,
    }


def record(connection: Connection, *, document_id: str, kind: str, raw: bytes) -> None:
    """Write the keys of a document just stored, on the caller's connection
    (the same transaction as the document row). Nothing for other documents."""
    row = key_row(document_id, kind, raw)
    if row is not None:
        connection.execute(insert(connection, t.invoice_keys).values(**row).on_conflict_do_nothing())


# --- reading ----------------------------------------------------------------------


@dataclass(frozen=True)
class Suspects:
    invoices: list[Invoice]  # closest in date first, at most `limit`
    in_band: int  # stored invoices of the vendor and currency in the amount band
    found: int  # of those, how many could meet a rule (before the limit)


@dataclass(frozen=True)
class _Key:
    document_id: str
    invoice_date: date
    invoice_number: str


def _band(total: Decimal) -> tuple[int, int]:
    """Totals within CANDIDATE_AMOUNT_SLACK_PCT of `total`, in millionths,
    rounded outwards (an exact comparison on the parsed invoice follows)."""
    slack = abs(total) * CANDIDATE_AMOUNT_SLACK_PCT / Decimal(100)
    return math.floor((total - slack) * MICRO), math.ceil((total + slack) * MICRO)


def band_query(invoice: Invoice) -> Select[str, date, str]:
    """The key rows in `invoice`'s amount band: one index range on
    ix_invoice_keys_candidates. Invoices a person rejected on their hold task
    are left out: a rejected invoice is no original a corrected re-send could
    duplicate (SAP's check skips cancelled documents, Odoo's and ERPNext's
    only look at live ones); the subject index of human_tasks serves that."""
    k, h = t.invoice_keys, t.human_tasks
    low, high = _band(invoice.total)
    rejected = (
        select(h.c.task_id)
        .where(h.c.subject_id == k.c.document_id)
        .where(h.c.kind == TaskKind.RESOLVE_INVOICE_HOLD.value)
        .where(h.c.decision == Decision.REJECT_INVOICE.value)
    )
    return (
        select(k.c.document_id, k.c.invoice_date, k.c.invoice_number)
        .where(k.c.vendor_id == invoice.vendor_id)
        .where(k.c.currency == invoice.currency)
        .where(k.c.kind == InvoiceKind.INVOICE.value)
        .where(k.c.total_micro.between(low, high))
        .where(k.c.document_id != invoice.document_id)
        .where(~rejected.exists())
    )


def _could_meet_a_rule(invoice: Invoice, key: _Key, window_days: int) -> bool:
    """Under the loosest settings: dated within the widest window, or a
    near-identical number (that rule has no window). The amount is the band's."""
    if abs((invoice.invoice_date - key.invoice_date).days) <= window_days:
        return True
    return near_identical_numbers(invoice.invoice_number, key.invoice_number)


def _load(connection: Connection, invoice: Invoice, keys: list[_Key]) -> list[Invoice]:
    """The stored invoices behind `keys`, parsed, in the order of `keys`; the
    exact amount pre-filter on the parsed total (the band was rounded)."""
    d = t.documents
    ids = [key.document_id for key in keys]
    raws = dict(connection.execute(select(d.c.document_id, d.c.raw).where(d.c.document_id.in_(ids))).all())
    found = []
    for document_id in ids:
        try:
            other = Invoice.model_validate_json(bytes(raws[document_id]))
        except (KeyError, ValidationError):
            continue
        if other.document_id != invoice.document_id and amount_close_enough_to_load(invoice, other):
            found.append(other)
    return found


def find_suspects(
    engine: Engine, invoice: Invoice, *, limit: int, window_days: int = WIDEST_WINDOW_DAYS
) -> Suspects:
    """The stored invoices that could be `invoice` entered twice: same vendor
    and currency, kind invoice, not this document and not rejected, total
    within CANDIDATE_AMOUNT_SLACK_PCT, and dated within `window_days` or with
    a near-identical number. Closest in date first (then by document id), at
    most `limit` of them; `found` says how many there were."""
    with engine.connect() as connection:
        rows = connection.execute(band_query(invoice))
        keys = [_Key(document_id, dated, number) for document_id, dated, number in rows]
        suspects = [key for key in keys if _could_meet_a_rule(invoice, key, window_days)]
        suspects.sort(key=lambda key: (abs((key.invoice_date - invoice.invoice_date).days), key.document_id))
        loaded = _load(connection, invoice, suspects[:limit]) if suspects else []
    return Suspects(invoices=loaded, in_band=len(keys), found=len(suspects))
