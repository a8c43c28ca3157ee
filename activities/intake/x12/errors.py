"""X12 faults (004010 and later) in the terms of a 997 / TA1: the syntax
error codes of AK304, AK403, AK502, AK905 and TA105, and `X12Error`, which
carries the coordinates of the place at fault so that the writer of the 997
never has to parse a message.
"""

from __future__ import annotations

from activities.intake.errors import ExtractionError

__all__ = ["X12Error"]

# Segment syntax error codes (X12 element 720, AK304).
SEG_UNRECOGNIZED = "1"
SEG_UNEXPECTED = "2"
SEG_MANDATORY_MISSING = "3"
SEG_HAS_ELEMENT_ERRORS = "8"
# Data element syntax error codes (element 723, AK403).
EL_MANDATORY_MISSING = "1"
EL_TOO_MANY = "3"
EL_TOO_LONG = "5"
EL_INVALID_CHARACTER = "6"
EL_INVALID_CODE = "7"
EL_INVALID_DATE = "8"
EL_INVALID_TIME = "9"
# Transaction set syntax error codes (element 718, AK502).
SET_TRAILER_MISSING = "2"
SET_CONTROL_MISMATCH = "3"
SET_COUNT_MISMATCH = "4"
SET_SEGMENTS_IN_ERROR = "5"
SET_INVALID_ID = "6"
SET_INVALID_CONTROL = "7"
SET_CONTROL_NOT_UNIQUE = "23"
# Functional group syntax error codes (element 716, AK905).
GROUP_TRAILER_MISSING = "3"
GROUP_CONTROL_MISMATCH = "4"
GROUP_COUNT_MISMATCH = "5"
GROUP_CONTROL_SYNTAX = "6"
# Interchange note codes (element I18, TA105).
ISA_CONTROL_MISMATCH = "001"
ISA_SEGMENT_TERMINATOR = "004"
ISA_INVALID_DATE = "014"
ISA_INVALID_TIME = "015"
ISA_INVALID_VERSION = "017"
ISA_INVALID_CONTROL = "018"
ISA_GROUP_COUNT = "021"
ISA_CONTROL_STRUCTURE = "022"
ISA_PREMATURE_END = "023"
ISA_INVALID_CONTENT = "024"
ISA_ELEMENT_SEPARATOR = "026"
ISA_COMPONENT_SEPARATOR = "027"


class X12Error(ExtractionError):
    """An X12 fault with its coordinates in the terms of a 997 / TA1.

    - interchange level: `interchange_error` (TA105 note code);
    - group level: `group_control`, `group_error` (AK905);
    - transaction set level: `set_id`, `set_control`, `set_error` (AK502);
    - segment: `segment_id`, `segment_position` (in its transaction set, ST = 1,
      as AK302 counts), `loop_id`, `segment_error` (AK304);
    - element: `element_position`, `component_position` (AK401),
      `element_error` (AK403), `bad_value` (AK404).

    `segment_index` is the segment's position in the whole interchange (ISA = 1),
    which orders faults found in one file.
    """

    def __init__(
        self,
        message: str,
        where: str | None = None,
        *,
        interchange_control: str | None = None,
        interchange_error: str | None = None,
        group_control: str | None = None,
        group_error: str | None = None,
        set_id: str | None = None,
        set_control: str | None = None,
        set_error: str | None = None,
        segment_id: str | None = None,
        segment_position: int | None = None,
        segment_index: int | None = None,
        loop_id: str | None = None,
        segment_error: str | None = None,
        element_position: int | None = None,
        component_position: int | None = None,
        element_error: str | None = None,
        bad_value: str | None = None,
    ) -> None:
        self.interchange_control = interchange_control
        self.interchange_error = interchange_error
        self.group_control = group_control
        self.group_error = group_error
        self.set_id = set_id
        self.set_control = set_control
        self.set_error = set_error
        self.segment_id = segment_id
        self.segment_position = segment_position
        self.segment_index = segment_index
        self.loop_id = loop_id
        self.segment_error = segment_error
        self.element_position = element_position
        self.component_position = component_position
        self.element_error = element_error
        self.bad_value = bad_value
        super().__init__(message, where if where is not None else self._where())

    def _where(self) -> str | None:
        parts: list[str] = []
        if self.set_control is not None or self.set_id is not None:
            parts.append(f"transaction {self.set_control or '?'} ({self.set_id or '?'})")
        if self.segment_id is not None:
            if self.segment_position is not None:
                parts.append(f"segment {self.segment_position} ({self.segment_id})")
            elif self.segment_index is not None:
                parts.append(f"interchange segment {self.segment_index} ({self.segment_id})")
            else:
                parts.append(f"segment {self.segment_id}")
            if self.element_position is not None:
                element = f"element {self.segment_id}{self.element_position:02d}"
                if self.component_position is not None:
                    element += f"-{self.component_position}"
                parts.append(element)
        return ", ".join(parts) or None
