"""Reads X12 850 (a buyer ERP's purchase order, for the PO door), 855 (PO
acknowledgment), 865 (PO change acknowledgment, read as an acknowledgment),
856 (ship notice), 810 (invoice or credit memo) and 997 / 999 (the supplier's
functional / implementation acknowledgment of our 850 / 860) transaction sets,
004010 and later, into poflow's documents.

`extract_x12` is the door: one `Extracted` per 850, 855, 865 and 810 transaction,
and one per purchase order of an 856 (a shipment may carry several orders).
Mapping follows reference/p2p-semantics.md section (c); where partners vary
(PO number in BIG04 or REF*PO, line number in IT101 or from the position,
carrier as SCAC or name), the reader takes the explicit value first and says
so with a lower confidence and a warning when it had to fall back.

Element faults raise `X12Error` (see x12.errors) with the segment and element
position, so a rejected file can be answered with a precise 997.

This module is the door; each transaction set has its reader (`read_850`, `read_855`,
`read_865`, `read_856`, `read_810`, `read_997`), and what they share is in
`reading`.
"""

from __future__ import annotations

from collections.abc import Callable

from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from activities.intake.x12.errors import X12Error
from activities.intake.x12.read_810 import FORMAT_810, read_810
from activities.intake.x12.read_850 import FORMAT_850, read_850
from activities.intake.x12.read_855 import FORMAT_855, read_855
from activities.intake.x12.read_856 import FORMAT_856, read_856
from activities.intake.x12.read_865 import FORMAT_865, read_865
from activities.intake.x12.read_997 import FORMAT_997, FORMAT_999, read_997
from activities.intake.x12.reading import Envelope
from activities.intake.x12.syntax import read_interchanges
from models.extraction import Extracted

__all__ = [
    "extract_x12",
    "X12Error",
    "FORMAT_850",
    "FORMAT_855",
    "FORMAT_856",
    "FORMAT_810",
    "FORMAT_865",
    "FORMAT_997",
    "FORMAT_999",
]


def extract_x12(
    raw: bytes, *, vendor_id: str | None = None, limits: IntakeLimits = DEFAULT_LIMITS
) -> list[Extracted]:
    """Every 850, 855, 865, 856 (per order), 810, 997 and 999 in the interchange(s) of `raw`."""
    interchanges = read_interchanges(raw, limits)
    found: list[Extracted] = []
    skipped: list[str] = []
    for interchange in interchanges:
        for group in interchange.groups:
            for tx in group.transactions:
                reader = _READERS.get(tx.set_id)
                if reader is None:
                    skipped.append(
                        f"transaction {tx.control_number} ({tx.set_id}) skipped: "
                        "intake reads 850, 855, 865, 856, 810, 997 and 999"
                    )
                    continue
                documents = _read_safely(reader, Envelope(interchange, group, tx, vendor_id))
                for document in documents:
                    document.warnings[:0] = interchange.warnings
                found += documents
    if not found:
        detail = f" ({'; '.join(skipped)})" if skipped else ""
        raise X12Error(
            f"no 850, 855, 865, 856, 810, 997 or 999 transaction set in the file{detail}", set_error="1"
        )
    for document in found:
        document.warnings += skipped
    return found


def _read_safely(reader: Callable[[Envelope], list[Extracted]], env: Envelope) -> list[Extracted]:
    """A reader bug must still end as an ExtractionError at the door (the
    contract), named so that it is not mistaken for a fault in the file."""
    try:
        return reader(env)
    except ExtractionError:
        raise
    except (ArithmeticError, ValueError, IndexError, KeyError, TypeError) as exc:
        raise X12Error(
            f"internal error reading the transaction set: {type(exc).__name__}: {exc}",
            set_id=env.tx.set_id,
            set_control=env.tx.control_number,
        ) from exc


_READERS: dict[str, Callable[[Envelope], list[Extracted]]] = {
    "850": read_850,  # a buyer's ERP sending its order (the PO door, starter.po_file_door)
    "855": read_855,
    "856": read_856,
    "865": read_865,
    "810": read_810,
    "997": read_997,
    "999": read_997,  # same reader: IK3/IK4/IK5 in AK3/AK4/AK5's layout
}
