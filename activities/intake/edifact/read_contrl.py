"""Reads the UN/EDIFACT CONTRL (syntax and service report, syntax versions
3 and 4) a supplier's translator sends for an interchange poflow sent (an
ORDERS) into a `FunctionalAck`: the interchange it answers (UCI 0020, our
UNB control reference) and whether it was acknowledged or rejected (UCI
0083), each of our messages (UCM: our UNH 0062 and message type, 0083), and
the segments and data elements at fault (UCS: position in the message, UCD:
position in the segment, each with its 0085 error code). Functional group
responses (UCF) are read through to the UCMs they hold.

A CONTRL reports syntax, never whether the order is accepted (that is the
ORDRSP). Code lists: UN/EDIFACT service code lists (ISO 9735), data elements
0083 "Action, coded" (https://www.gefeg.com/jswg/cl/v3/19a/cl15.htm) and
0085 "Syntax error, coded" (https://service.gefeg.com/jwg1/Current/cl/cl15.htm):

* 0083: 4 this level and all lower levels rejected, 7 this level
  acknowledged (lower levels too unless explicitly rejected), 8 interchange
  received (a receipt: acknowledgment or rejection follows in another
  CONTRL); the syntax-3 codes withdrawn in 2001 are still read: 1
  acknowledged, 2 acknowledged with errors reported, 3 one or more rejected
  at the next lower level, 5 UNB/UNZ accepted, 6 UNB/UNZ rejected.
* 0085: see `SYNTAX_ERRORS`.
"""

from __future__ import annotations

from typing import Any

from activities.intake.edifact.reading import UNB_PREPARED_AT, Context, Fields, Read, build_extracted
from activities.intake.edifact.syntax import EdiMessage, EdiSegment
from activities.intake.edifact.values import iso_utc
from models.extraction import Extracted, ExtractedKind
from models.functional_acks import FunctionalAckStatus

__all__ = ["FORMAT_CONTRL", "read_contrl"]

FORMAT_CONTRL = "edifact-CONTRL"

_ACTION = {
    "4": FunctionalAckStatus.REJECTED,
    "7": FunctionalAckStatus.ACCEPTED,
    "8": FunctionalAckStatus.ACCEPTED,  # received only: read with a warning
    "1": FunctionalAckStatus.ACCEPTED,
    "2": FunctionalAckStatus.ACCEPTED_WITH_ERRORS,
    "3": FunctionalAckStatus.PARTIALLY_ACCEPTED,
    "5": FunctionalAckStatus.ACCEPTED,
    "6": FunctionalAckStatus.REJECTED,
}
SYNTAX_ERRORS = {
    "1": "UNA not supported",
    "2": "syntax version or level not supported",
    "3": "message version/release not supported",
    "4": "service segment missing/invalid",
    "5": "trailer check in error",
    "6": "data segment missing/invalid",
    "7": "interchange recipient not actual recipient",
    "8": "too many data elements in segment",
    "9": "mandatory data element missing",
    "10": "data element attribute error",
    "11": "password invalid",
    "12": "invalid value",
    "13": "missing",
    "14": "value not supported in this position",
    "15": "not supported in this position",
    "16": "too many constituents",
    "17": "no agreement",
    "18": "unspecified error",
    "19": "invalid decimal notation",
    "20": "character invalid as service character",
    "21": "invalid character(s)",
    "22": "invalid service character(s)",
    "23": "unknown interchange sender",
    "24": "too old",
    "25": "test indicator not supported",
    "26": "duplicate detected",
    "28": "references do not match",
    "29": "control count does not match number of instances received",
    "30": "functional groups and messages mixed",
    "31": "more than one message type in group",
    "32": "lower level empty",
    "33": "invalid occurrence outside message, package, or group",
    "35": "too many repetitions",
    "36": "too many segment group repetitions",
    "37": "invalid type of character(s)",
    "39": "data element too long",
    "40": "data element too short",
}


def read_contrl(message: EdiMessage, context: Context) -> Extracted:
    warnings: list[str] = list(context.interchange.warnings)
    body = list(message.body)
    uci = next((s for s in body if s.tag == "UCI"), None)
    if uci is None:
        raise message.error(None, "CONTRL has no UCI (interchange response) segment")
    fields: Fields = {
        "standard": Read("edifact", None),
        "ack_id": Read(f"{context.interchange.control_reference}-{message.reference}", message.where()),
    }
    reference = uci.value(1)
    if not reference:
        raise message.error(uci, "UCI has no interchange control reference (element 1)")
    fields["interchange_control"] = Read(reference, uci.at(1))
    action = uci.value(4)
    if action not in _ACTION:
        raise message.error(uci, f"UCI action code {action!r} (element 4) is not a 0083 code")
    if action == "8":
        warnings.append(
            f"{message.where(uci)}: interchange received (0083 8) only; "
            "its acknowledgment or rejection follows in another CONTRL"
        )
    envelope_errors = [_service_error(uci)] if uci.value(5) else []
    messages = _messages(body, message, warnings)
    status = _ACTION[action]
    statuses = {m["status"] for m in messages}
    if status == FunctionalAckStatus.ACCEPTED and FunctionalAckStatus.REJECTED in statuses:
        status = (
            FunctionalAckStatus.REJECTED
            if statuses == {FunctionalAckStatus.REJECTED}
            else FunctionalAckStatus.PARTIALLY_ACCEPTED
        )
    elif status == FunctionalAckStatus.ACCEPTED and any(m["errors"] for m in messages):
        status = FunctionalAckStatus.ACCEPTED_WITH_ERRORS
    fields["status"] = Read(status.value, uci.at(4))
    if uci.value(5):
        fields["codes"] = Read([uci.value(5)], uci.at(5))
    if envelope_errors:
        fields["errors"] = Read(envelope_errors, uci.at(5))
    fields["messages"] = Read(messages, message.where())
    prepared = context.interchange.prepared_at
    if prepared is not None:
        fields["acknowledged_at"] = Read(iso_utc(prepared), UNB_PREPARED_AT)
    else:
        warnings.append(f"{message.name}: no interchange date (UNB S004).")
    hint = context.interchange.sender_id or None
    return build_extracted(ExtractedKind.FUNCTIONAL_ACK, FORMAT_CONTRL, fields, None, warnings, hint)


def _messages(body: list[EdiSegment], message: EdiMessage, warnings: list[str]) -> list[dict[str, Any]]:
    """Each UCM with the UCS/UCD that follow it (in or outside a UCF group)."""
    found: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
    for seg in body:
        if seg.tag == "UCM":
            action = seg.value(3)
            if action not in _ACTION:
                raise message.error(seg, f"UCM action code {action!r} (element 3) is not a 0083 code")
            current = {
                "set_id": seg.value(2, 1) or "?",
                "control_number": seg.value(1) or "?",
                "status": _ACTION[action].value,
                "codes": [seg.value(4)] if seg.value(4) else [],
                "errors": [_service_error(seg, offset=0)] if seg.value(4) and seg.value(5) else [],
            }
            found.append(current)
            error = None
        elif seg.tag == "UCF":
            current = error = None
            if seg.value(3) == "4":
                warnings.append(f"{message.where(seg)}: functional group {seg.value(1)} rejected (UCF)")
        elif seg.tag == "UCS" and current is not None:
            error = {"segment_position": _number(seg.value(1))}
            if seg.value(2):
                error["segment_error"] = seg.value(2)[:3]
            current["errors"].append(error)
        elif seg.tag == "UCD" and current is not None:
            if error is None or error.get("element_position") is not None:
                error = {"segment_position": error.get("segment_position") if error else None}
                current["errors"].append(error)
            if seg.value(1):
                error["element_error"] = seg.value(1)[:3]
            if _number(seg.value(2, 1)) is not None:
                error["element_position"] = _number(seg.value(2, 1))
            if _number(seg.value(2, 2)) is not None:
                error["component_position"] = _number(seg.value(2, 2))
    for item in found:
        for err in item["errors"]:
            err["description"] = _describe(err)
            for key in [k for k, v in err.items() if v is None]:
                del err[key]
    return found


def _service_error(seg: EdiSegment, offset: int = 1) -> dict[str, Any]:
    """The error an UCI (0085 at 5, 0013 at 6, S011 at 7) or UCM (4, 5, 6) names."""
    code, tag, where = 4 + offset, 5 + offset, 6 + offset
    error: dict[str, Any] = {
        "segment_error": seg.value(code)[:3] or None,
        "segment_tag": seg.value(tag)[:3] or None,
    }
    if _number(seg.value(where, 1)) is not None:
        error["element_position"] = _number(seg.value(where, 1))
    if _number(seg.value(where, 2)) is not None:
        error["component_position"] = _number(seg.value(where, 2))
    error["description"] = _describe(error)
    return {k: v for k, v in error.items() if v is not None}


def _describe(error: dict[str, Any]) -> str:
    parts = []
    for key in ("segment_error", "element_error"):
        code = error.get(key)
        if code:
            parts.append(SYNTAX_ERRORS.get(code, f"syntax error {code}"))
    return "; ".join(parts)


def _number(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) < 7 else None
