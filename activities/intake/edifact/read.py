"""UN/EDIFACT intake (directories D.96A and later): an interchange in, one
`Extracted` per business document out.

ORDERS → purchase order (a buyer ERP's order: the PO door, starter.po_file_door),
ORDRSP → acknowledgment, DESADV → ship notice (one per order it covers),
INVOIC → invoice or credit memo, CONTRL → the supplier's functional
acknowledgment of an interchange we sent. Other message types in the same
interchange (APERAK, ...) are skipped with a warning; an interchange with none
of the five is an error. Syntax and envelope: `syntax`;
one module per message type (`read_orders`, `read_ordrsp`, `read_desadv`, `read_invoic` with
`invoic_lines` and `invoic_totals`, `read_contrl`), sharing `reading` and `values`.
"""

from __future__ import annotations

from collections.abc import Callable

from activities.intake.edifact.interchanges import parse_interchanges
from activities.intake.edifact.read_contrl import read_contrl
from activities.intake.edifact.read_desadv import read_desadv
from activities.intake.edifact.read_invoic import read_invoic
from activities.intake.edifact.read_orders import read_orders
from activities.intake.edifact.read_ordrsp import read_ordrsp
from activities.intake.edifact.reading import Context
from activities.intake.edifact.syntax import EdiInterchange, EdiMessage
from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from models.extraction import Extracted

__all__ = ["extract_edifact"]

_READERS: dict[str, Callable[[EdiMessage, Context], list[Extracted]]] = {
    "ORDERS": lambda message, context: [read_orders(message, context)],  # a buyer ERP's order
    "ORDRSP": lambda message, context: [read_ordrsp(message, context)],
    "DESADV": read_desadv,
    "INVOIC": lambda message, context: [read_invoic(message, context)],
    "CONTRL": lambda message, context: [read_contrl(message, context)],
}


def extract_edifact(
    raw: bytes, *, vendor_id: str | None = None, limits: IntakeLimits = DEFAULT_LIMITS
) -> list[Extracted]:
    """Read every ORDERS, ORDRSP, DESADV, INVOIC and CONTRL in the interchange(s) of
    the file (several, each with its own UNA, are read one after the other).

    Raises `ExtractionError` (and nothing else) for a file that is not a
    well-formed interchange or whose messages cannot be read; `where` names the
    message reference, segment number and tag."""
    interchanges = parse_interchanges(raw, limits)
    found: list[Extracted] = []
    for interchange in interchanges:
        found += _read_interchange(interchange, vendor_id)
    if not found:
        kinds = ", ".join(sorted({m.type for i in interchanges for m in i.messages})) or "no messages"
        raise ExtractionError(
            f"no ORDERS, ORDRSP, DESADV, INVOIC or CONTRL message in the interchange (found {kinds})", "UNB"
        )
    return found


def _read_interchange(interchange: EdiInterchange, vendor_id: str | None) -> list[Extracted]:
    context = Context(interchange, vendor_id)
    skipped = _skipped_note(interchange.messages)
    found: list[Extracted] = []
    for message in interchange.messages:
        reader = _READERS.get(message.type)
        if reader is None:
            continue
        documents = _read(reader, message, context)
        for document in documents:
            if _older_than_96a(message):
                document.warnings.append(
                    f"{message.name}: directory {message.version}:{message.release} is older than D.96A; "
                    "read as D.96A."
                )
            if skipped:
                document.warnings.append(skipped)
        found += documents
    return found


def _read(
    reader: Callable[[EdiMessage, Context], list[Extracted]], message: EdiMessage, context: Context
) -> list[Extracted]:
    try:
        return reader(message, context)
    except ExtractionError:
        raise
    except (ValueError, ArithmeticError, IndexError, KeyError, TypeError) as err:
        # A reader bug on odd input must still end as a readable error, naming the message.
        raise ExtractionError(
            f"cannot read the message: {type(err).__name__}: {err}"[:300], message.where()
        ) from None


def _skipped_note(messages: tuple[EdiMessage, ...]) -> str | None:
    skipped = [m for m in messages if m.type not in _READERS]
    if not skipped:
        return None
    names = ", ".join(m.name for m in skipped[:5]) + (
        f" and {len(skipped) - 5} more" if len(skipped) > 5 else ""
    )
    return f"Skipped {names}: intake reads only ORDERS, ORDRSP, DESADV, INVOIC and CONTRL."


def _older_than_96a(message: EdiMessage) -> bool:
    release = message.release.upper()
    if message.version != "D" or len(release) != 3 or not (release[:2].isascii() and release[:2].isdigit()):
        return False
    return 90 <= int(release[:2]) <= 95  # directories 90A ... 95B
