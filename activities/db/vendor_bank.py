"""Vendor bank-account changes (migration 0013): recorded with who made them,
on the audit trail in the same transaction; read by the segregation-of-duties
check (p2p.decisions) through the door and the activity `vendor_bank_change`.

The IBAN is checked (ISO 13616 mod-97, through python-stdnum) and then
forgotten: only its mask and a SHA-256 of its compact form are stored, and
neither it nor its mask go to a log or a workflow history.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine
from stdnum import iban as iban_rules
from stdnum.exceptions import ValidationError as StdnumError

from activities.db import schema as t
from activities.db.master_data import connect
from models.vendors import BankChange

__all__ = ["InvalidAccount", "latest_bank_change", "mask", "record_bank_change"]


class InvalidAccount(ValueError):
    """Not an IBAN (length, country or check digits)."""


def mask(compact: str) -> str:
    """`DE89370400440532013000` → `DE89 •••• 3000`: enough to recognise, not to pay."""
    return f"{compact[:4]} •••• {compact[-4:]}"


def record_bank_change(
    engine: Engine, vendor_id: str, *, iban: str, changed_by: str, reason: str, now: datetime
) -> BankChange:
    """Record that `changed_by` set the vendor's account to `iban`. LookupError:
    no such vendor; InvalidAccount: not an IBAN (the message never quotes it)."""
    try:
        compact = iban_rules.validate(iban)
    except StdnumError as exc:
        raise InvalidAccount(f"not a valid IBAN ({str(exc).rstrip('.').lower()})") from None
    change = BankChange(
        vendor_id=vendor_id,
        account_masked=mask(compact),
        changed_by=changed_by,
        changed_at=now,
        reason=reason,
    )
    with engine.begin() as connection:
        if connection.execute(select(t.vendors.c.id).where(t.vendors.c.id == vendor_id)).first() is None:
            raise LookupError(f"no vendor {vendor_id}")
        row = connection.execute(
            t.vendor_bank_changes.insert().values(
                **change.model_dump(), account_sha256=hashlib.sha256(compact.encode()).hexdigest()
            )
        )
        change_id = row.inserted_primary_key[0] if row.inserted_primary_key else None
        connection.execute(
            t.audit_events.insert().values(
                event_id=f"bank-change:{change_id}",
                po_number="",
                event="bank_details_changed",
                detail=f"{vendor_id}: bank account set to {change.account_masked} — {reason}",
                actor=changed_by,
                at=now,
                evidence=f"vendor {vendor_id}",
            )
        )
    return change


def latest_bank_change(engine: Engine, vendor_id: str) -> BankChange | None:
    """The vendor's current account: who set it, when; None: never changed in poflow."""
    c = t.vendor_bank_changes
    query = (
        select(c.c.vendor_id, c.c.account_masked, c.c.changed_by, c.c.changed_at, c.c.reason)
        .where(c.c.vendor_id == vendor_id)
        .order_by(c.c.change_id.desc())
        .limit(1)
    )
    with connect(engine) as connection:
        row = connection.execute(query).mappings().first()
    return BankChange.model_validate(dict(row)) if row else None
