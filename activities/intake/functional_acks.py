"""A supplier's 997 / CONTRL answers a message poflow sent: which one (and
so which PO) is found in the outbound-message record by the control numbers
it quotes (activities/db/outbound.py). Also: a file of nothing but 997s is
not answered with a 997 of our own (acknowledgments are not acknowledged)."""

from __future__ import annotations

import copy
from typing import Any

from sqlalchemy.engine import Engine

from activities.db import outbound
from activities.intake.edifact.syntax import parse_interchange as parse_edifact
from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from activities.intake.x12.syntax import parse_interchanges
from models.extraction import Extracted

__all__ = ["answered_message", "only_functional_acks"]


def only_functional_acks(raw: bytes, limits: IntakeLimits = DEFAULT_LIMITS) -> bool:
    """True when every functional group of the X12 file is a 997 (GS01 FA)."""
    try:
        interchanges = parse_interchanges(raw, limits)
    except ExtractionError:
        return False
    groups = [group for interchange in interchanges for group in interchange.groups]
    return bool(groups) and all(group.functional_id == "FA" for group in groups)


def answered_message(engine: Engine, extracted: Extracted) -> tuple[Extracted, str | None]:
    """The reading with the PO, vendor and message it answers filled in from
    the outbound-message record, or unchanged with the reason it answers no
    message poflow sent."""
    doc = extracted.document
    standard = str(doc.get("standard") or "")
    group, reference = doc.get("group_control"), doc.get("interchange_control")
    message = outbound.find_message_answered(
        engine,
        standard=standard,
        interchange_control=str(reference) if reference else None,
        group_control=str(group) if group else None,
        receiver_id=extracted.vendor_hint,
    )
    if message is None:
        quoted = f"group control {group}" if group else f"interchange reference {reference or '(none)'}"
        return extracted, f"the {extracted.format} answers no message poflow sent ({quoted})"
    document: dict[str, Any] = copy.deepcopy(doc)
    document.update(
        po_number=message.po_number,
        vendor_id=message.vendor_id,
        answers_message_id=message.message_id,
        answers_revision=message.revision,
        answers_attempt=message.attempt,
        answers_purpose=message.purpose,
    )
    if standard == "edifact":
        _name_segments(document, message.content)
    confidence = {**extracted.confidence, "po_number": 1.0, "vendor_id": 1.0}
    return extracted.model_copy(update={"document": document, "confidence": confidence}), None


def _name_segments(document: dict[str, Any], content: bytes) -> None:
    """A CONTRL names a segment by its position only (UCS 0096, UNH = 1): the
    tag is taken from the message as we sent it."""
    try:
        sent = parse_edifact(content)
    except ExtractionError:
        return
    by_reference = {m.reference: {s.number: s.tag for s in m.segments} for m in sent.messages}
    for message in document.get("messages") or []:
        tags = by_reference.get(str(message.get("control_number")), {})
        for error in message.get("errors") or []:
            position = error.get("segment_position")
            if not error.get("segment_tag") and isinstance(position, int) and position in tags:
                error["segment_tag"] = tags[position]
