"""The supplier's functional acknowledgment of a message we sent (X12 997,
EDIFACT CONTRL): syntax only — accepted, accepted with errors or rejected,
with the errors by segment and element. Business acceptance is the
acknowledgment (models.acknowledgments)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from models.common import MAX_LINES, BusinessTimestamp, Document, Identifier, PoNumber

__all__ = ["FunctionalAck", "FunctionalAckError", "FunctionalAckMessage", "FunctionalAckStatus"]


class FunctionalAckStatus(StrEnum):
    """How the supplier's translator took our message: X12 AK501/AK901 (A, E,
    P, R — M, W, X are rejections too), EDIFACT 0083 (7 acknowledged, 4
    rejected; a message acknowledged with errors reported is E's equivalent)."""

    ACCEPTED = "accepted"
    ACCEPTED_WITH_ERRORS = "accepted_with_errors"
    PARTIALLY_ACCEPTED = "partially_accepted"  # a group: at least one set rejected
    REJECTED = "rejected"


class FunctionalAckError(Document):
    """One syntax error the supplier's translator reported: X12 AK3 (segment)
    with its AK4s (elements), EDIFACT UCS (segment) with its UCDs, or the
    service segment an UCI/UCM names."""

    control_characters = "replace"

    segment_tag: str | None = Field(default=None, max_length=3, description="AK301 / the tag at UCS 0096")
    segment_position: int | None = Field(
        default=None, ge=0, description="AK302 (ST = 1) / UCS 0096 (UNH = 1)"
    )
    loop_id: str | None = Field(default=None, max_length=6, description="AK303")
    segment_error: str | None = Field(default=None, max_length=3, description="AK304 / UCS 0085")
    element_position: int | None = Field(default=None, ge=0, description="AK401-1 / UCD S011 0098")
    component_position: int | None = Field(default=None, ge=0, description="AK401-2 / UCD S011 0104")
    element_reference: str | None = Field(default=None, max_length=8, description="AK402 data element number")
    element_error: str | None = Field(default=None, max_length=3, description="AK403 / UCD 0085")
    bad_value: str | None = Field(default=None, max_length=99, description="AK404: the data as received")
    description: str = Field(default="", max_length=500, description="The codes in words")


class FunctionalAckMessage(Document):
    """The answer for one of our transaction sets / messages (AK2…AK5, UCM)."""

    set_id: str = Field(max_length=6, description="AK201 / UCM S009 0065: 850, ORDERS")
    control_number: str = Field(max_length=14, description="AK202 (our ST02) / UCM 0062 (our UNH 0062)")
    status: FunctionalAckStatus
    codes: list[str] = Field(default_factory=list, max_length=5, description="AK502-506 / UCM 0085")
    errors: list[FunctionalAckError] = Field(default_factory=list, max_length=100)


class FunctionalAck(Document):
    """The supplier's syntax acknowledgment of a message poflow sent: an X12
    997 (one per functional group we sent) or an EDIFACT CONTRL (one per
    interchange). It says whether their translator could read the message,
    not whether they accept the order (that is the 855 / ORDRSP).

    `po_number` and the `answers_*` fields are not in the file: intake finds
    them in the outbound-message record by the control numbers answered."""

    control_characters = "replace"

    ack_id: Identifier = Field(description="The 997's ISA13-ST02 / the CONTRL's UNB 0020-UNH 0062")
    po_number: PoNumber
    vendor_id: Identifier
    standard: str = Field(pattern=r"^(x12|edifact)$")
    interchange_control: str | None = Field(
        default=None, max_length=14, description="Our ISA13 (TA1) / our UNB 0020 (UCI)"
    )
    group_control: str | None = Field(default=None, max_length=14, description="Our GS06 (AK102) / UCF 0048")
    functional_id: str | None = Field(default=None, max_length=6, description="AK101: PO for an 850")
    status: FunctionalAckStatus
    codes: list[str] = Field(default_factory=list, max_length=5, description="AK905-909 / UCI 0085")
    errors: list[FunctionalAckError] = Field(
        default_factory=list, max_length=100, description="Envelope-level errors (UCI 0013/S011)"
    )
    messages: list[FunctionalAckMessage] = Field(default_factory=list, max_length=MAX_LINES)
    acknowledged_at: BusinessTimestamp
    answers_message_id: str | None = Field(default=None, max_length=255, description="Our outbound message")
    answers_revision: int | None = Field(default=None, ge=0)
    answers_attempt: int | None = Field(default=None, ge=0, description="0: the first send of the revision")
    answers_purpose: str | None = Field(
        default=None, max_length=16, description="order (None too), cancel or reminder: models.IssuePurpose"
    )

    @property
    def document_id(self) -> str:
        return f"fa:{self.vendor_id}:{self.ack_id}"

    @property
    def rejected(self) -> bool:
        return self.status == FunctionalAckStatus.REJECTED or any(
            m.status == FunctionalAckStatus.REJECTED for m in self.messages
        )

    def summary(self) -> str:
        """One line for the timeline and the task: what was rejected, where."""
        where = [_error_text(m.set_id, m.control_number, e) for m in self.messages for e in m.errors]
        where += [_error_text(None, None, e) for e in self.errors]
        codes = [c for m in self.messages for c in m.codes] + self.codes
        text = self.status.value.replace("_", " ")
        if codes:
            text += f" (codes {', '.join(dict.fromkeys(codes))})"
        if where:
            text += ": " + "; ".join(where[:5]) + (f" and {len(where) - 5} more" if len(where) > 5 else "")
        return text


def _error_text(set_id: str | None, control: str | None, error: FunctionalAckError) -> str:
    place = f"{error.segment_tag or 'segment'}"
    if error.segment_position is not None:
        place += f" at position {error.segment_position}"
    if error.element_position is not None:
        place += f", element {error.element_position}"
        if error.component_position is not None:
            place += f".{error.component_position}"
    if set_id:
        place = f"{set_id} {control}: {place}"
    return f"{place} — {error.description}" if error.description else place
