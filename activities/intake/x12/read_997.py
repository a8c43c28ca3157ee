"""Reads the X12 997 (functional acknowledgment, 004010 and later) a
supplier's translator sends for an interchange poflow sent (an 850): which of
our functional groups it answers (AK1: functional id, our GS06), each of our
transaction sets (AK2: set id, our ST02) accepted or rejected (AK5), the
segments and elements at fault (AK3, AK4) and the group's verdict (AK9).

A 997 says whether the message could be read (syntax), never whether the
order is accepted: that is the 855. It is not answered with a 997 of our own
(X12 997 note: acknowledgments are not acknowledged).

The 999 (implementation acknowledgment, 005010X231) is read the same way: its
AK1/AK2/AK9 are the 997's, and IK3, IK4 and IK5 have the layout of AK3, AK4
and AK5 (IK3: 721 segment id, 719 position, 447 loop id, 620 error code; IK4:
C030 position, 725 element reference, 621 error code, 724 bad value; IK5: 717
then 618 codes). CTX (the business context of an error) says where in the
business data, not what is wrong, and is not kept. 620 and 621 add the
implementation-guide codes (I4-I9, I6-I13, 12, 13) to 720 and 723.

Code lists (ASC X12 004010 997 transaction set; summarised in the public
implementation guides, e.g. Microsoft BizTalk "X12 997 Acknowledgment Error
Codes", https://learn.microsoft.com/biztalk/core/x12-997-acknowledgment-error-codes,
and EdiFabric "X12 997 Acknowledgment Error Codes",
https://support.edifabric.com/hc/en-us/articles/360000380131):

* AK501 / AK901 (element 717 / 715): A accepted, E accepted but errors were
  noted, P partially accepted (group: at least one set rejected), R rejected,
  M rejected (message authentication code failed), W rejected (assurance
  failed validity tests), X rejected (content could not be analysed after
  decryption).
* AK304 (element 720): 1 unrecognized segment ID, 2 unexpected segment,
  3 mandatory segment missing, 4 loop occurs over maximum times, 5 segment
  exceeds maximum use, 6 segment not in defined transaction set, 7 segment not
  in proper sequence, 8 segment has data element errors.
* AK403 (element 723): 1 mandatory data element missing, 2 conditional
  required data element missing, 3 too many data elements, 4 too short,
  5 too long, 6 invalid character, 7 invalid code value, 8 invalid date,
  9 invalid time, 10 exclusion condition violated.
* AK502-506 (element 718) and AK905-909 (element 716): the set / group error
  codes, kept as sent with their meaning where known.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from activities.intake.x12.reading import Envelope, Reading
from activities.intake.x12.segment import Segment, parse_date, parse_time
from models.extraction import Extracted, ExtractedKind
from models.functional_acks import FunctionalAckStatus

__all__ = ["FORMAT_997", "FORMAT_999", "read_997"]

FORMAT_997 = "x12-997"
FORMAT_999 = "x12-999"
# 999 segments that carry what the 997's AK3/AK4/AK5 carry, in the same layout.
_AS_997 = {"IK3": "AK3", "IK4": "AK4", "IK5": "AK5"}

_STATUS = {
    "A": FunctionalAckStatus.ACCEPTED,
    "E": FunctionalAckStatus.ACCEPTED_WITH_ERRORS,
    "P": FunctionalAckStatus.PARTIALLY_ACCEPTED,
    "R": FunctionalAckStatus.REJECTED,
    "M": FunctionalAckStatus.REJECTED,
    "W": FunctionalAckStatus.REJECTED,
    "X": FunctionalAckStatus.REJECTED,
}
SEGMENT_ERRORS = {
    "1": "unrecognized segment ID",
    "2": "unexpected segment",
    "3": "mandatory segment missing",
    "4": "loop occurs over maximum times",
    "5": "segment exceeds maximum use",
    "6": "segment not in defined transaction set",
    "7": "segment not in proper sequence",
    "8": "segment has data element errors",
    "I4": "implementation 'not used' segment present",
    "I6": "implementation dependent segment missing",
    "I7": "implementation loop occurs under minimum times",
    "I8": "implementation segment below minimum use",
    "I9": "implementation dependent 'not used' segment present",
}
ELEMENT_ERRORS = {
    "1": "mandatory data element missing",
    "2": "conditional required data element missing",
    "3": "too many data elements",
    "4": "data element too short",
    "5": "data element too long",
    "6": "invalid character in data element",
    "7": "invalid code value",
    "8": "invalid date",
    "9": "invalid time",
    "10": "exclusion condition violated",
    "12": "too many repetitions",
    "13": "too many components",
    "I6": "code value not used in implementation",
    "I9": "implementation dependent data element missing",
    "I10": "implementation 'not used' data element present",
    "I11": "implementation too few repetitions",
    "I12": "implementation pattern match failure",
    "I13": "implementation dependent 'not used' data element present",
}
SET_ERRORS = {  # AK502-506, element 718
    "1": "transaction set not supported",
    "2": "transaction set trailer missing",
    "3": "transaction set control number in header and trailer do not match",
    "4": "number of included segments does not match actual count",
    "5": "one or more segments in error",
    "6": "missing or invalid transaction set identifier",
    "7": "missing or invalid transaction set control number",
    "23": "transaction set control number not unique within the functional group",
}
GROUP_ERRORS = {  # AK905-909, element 716
    "1": "functional group not supported",
    "2": "functional group version not supported",
    "3": "functional group trailer missing",
    "4": "group control number in the functional group header and trailer do not agree",
    "5": "number of included transaction sets does not match actual count",
    "6": "group control number violates syntax",
    "10": "authentication key name unknown",
    "11": "encryption key name unknown",
    "12": "requested service (authentication or encryption) not available",
    "13": "unknown security recipient",
    "14": "unknown security originator",
    "15": "syntax error in decrypted text",
    "16": "security not supported",
    "17": "incorrect message length (encryption only)",
    "18": "message authentication code failed",
    "19": "functional group control number not unique within interchange",
    "23": "s3e security end segment missing for s3s security start segment",
    "24": "s3s security end segment missing for s3e end segment",
    "25": "s4e security end segment missing for s4s security start segment",
    "26": "s4s security end segment missing for s4e security end segment",
}


def read_997(env: Envelope) -> list[Extracted]:
    """One FunctionalAck per 997 or 999 (each answers exactly one functional group)."""
    r = Reading(ExtractedKind.FUNCTIONAL_ACK, FORMAT_999 if env.tx.set_id == "999" else FORMAT_997)
    r.vendor_hint = env.interchange.sender_id or None
    body = env.tx.body
    doc = r.document
    doc["standard"] = "x12"
    doc["ack_id"] = f"{env.interchange.control_number}-{env.tx.control_number}"
    r.derived("ack_id", 1.0, env.tx.segments[0].ref(2))
    ak1 = env.require(body, "AK1", "functional group response header")
    doc["functional_id"] = ak1.text(1, "functional identifier code")
    doc["group_control"] = ak1.text(2, "group control number")
    r.read("group_control", ak1, 2)
    if doc["functional_id"] != "PO":
        r.warnings.append(f"AK101 {doc['functional_id']!r}: answers a group other than purchase orders (PO)")
    messages: list[dict] = []
    current: dict | None = None
    error: dict | None = None
    ak9: Segment | None = None
    for seg in body:
        tag = _AS_997.get(seg.tag, seg.tag)
        if tag == "AK2":
            current = {
                "set_id": seg.text(1, "transaction set identifier code"),
                "control_number": seg.text(2, "transaction set control number"),
                "errors": [],
                "codes": [],
            }
            messages.append(current)
            error = None
        elif tag == "AK3" and current is not None:
            error = _segment_error(seg)
            current["errors"].append(error)
        elif tag == "AK4" and current is not None:
            if error is None or error.get("element_position") is not None:
                error = {
                    "segment_tag": error.get("segment_tag") if error else None,
                    "segment_position": error.get("segment_position") if error else None,
                }
                current["errors"].append(error)
            _element_error(seg, error)
        elif tag == "AK5" and current is not None:
            code = seg.code(1, "transaction set acknowledgment code", _STATUS)
            current["status"] = _STATUS[code]
            current["codes"] = [seg.get(n) for n in range(2, 7) if seg.get(n)]
            current = None
        elif tag == "AK9":
            ak9 = seg
    for index, message in enumerate(messages):
        if "status" not in message:
            message["status"] = FunctionalAckStatus.REJECTED
            r.derived(f"messages[{index}].status", 0.5)
            r.warnings.append(f"AK2 {message['control_number']} has no AK5: read as rejected")
        for err in message["errors"]:
            err["description"] = _describe(err)
    doc["messages"] = messages
    _group_status(r, env, ak9, messages)
    _acknowledged_at(r, env)
    return [r.extracted()]


def _segment_error(seg: Segment) -> dict:
    error: dict = {"segment_tag": seg.get(1)[:3] or None}
    position = seg.integer(2, "segment position in transaction set")
    if position is not None:
        error["segment_position"] = position
    if seg.get(3):
        error["loop_id"] = seg.get(3)[:6]
    if seg.get(4):
        error["segment_error"] = seg.get(4)[:3]
    return error


def _element_error(seg: Segment, error: dict) -> None:
    position = seg.components(1)
    if position and position[0].isdigit():
        error["element_position"] = int(position[0])
    if len(position) > 1 and position[1].isdigit():
        error["component_position"] = int(position[1])
    if seg.get(2):
        error["element_reference"] = seg.get(2)[:8]
    if seg.get(3):
        error["element_error"] = seg.get(3)[:3]
    if seg.get(4):
        error["bad_value"] = seg.get(4)[:99]


def _describe(error: dict) -> str:
    parts = []
    if error.get("segment_error"):
        code = error["segment_error"]
        parts.append(SEGMENT_ERRORS.get(code, f"segment error {code}"))
    if error.get("element_error"):
        code = error["element_error"]
        text = ELEMENT_ERRORS.get(code, f"element error {code}")
        if error.get("element_reference"):
            text += f" (data element {error['element_reference']})"
        if error.get("bad_value"):
            text += f": {error['bad_value']!r}"
        parts.append(text)
    return "; ".join(parts)


def _group_status(r: Reading, env: Envelope, ak9: Segment | None, messages: list[dict]) -> None:
    doc = r.document
    if ak9 is None:
        raise env.missing("AK9", "functional group response trailer")
    code = ak9.code(1, "functional group acknowledge code", _STATUS)
    doc["status"] = _STATUS[code]
    r.read("status", ak9, 1)
    doc["codes"] = [ak9.get(n) for n in range(5, 10) if ak9.get(n)]
    statuses = {m["status"] for m in messages}
    if doc["status"] == FunctionalAckStatus.ACCEPTED and FunctionalAckStatus.REJECTED in statuses:
        r.warnings.append(
            "AK901 says accepted, but a transaction set is rejected (AK5): read as partially accepted"
        )
        doc["status"] = FunctionalAckStatus.PARTIALLY_ACCEPTED
        r.confidence["status"] = 0.8
    accepted = ak9.integer(4, "number of accepted transaction sets")
    if (
        accepted is not None
        and messages
        and accepted != sum(m["status"] != FunctionalAckStatus.REJECTED for m in messages)
    ):
        r.warnings.append(f"AK904 says {accepted} accepted; the AK5s say otherwise")


def _acknowledged_at(r: Reading, env: Envelope) -> None:
    """When the supplier's translator built the 997's group (GS04/GS05), else the ISA date."""
    gs = env.group.header
    day, clock = parse_date(gs.get(4)), parse_time(gs.get(5))
    where = gs.ref(4)
    if day is None:
        day, clock = parse_date(env.interchange.date), parse_time(env.interchange.time)
        where = "ISA09"
    if day is not None:
        r.document["acknowledged_at"] = datetime.combine(day, clock or time(0, 0), tzinfo=UTC)
        r.derived("acknowledged_at", 1.0, where)
    else:
        r.warnings.append("no date in GS04 or ISA09: acknowledged_at must be completed by review")
