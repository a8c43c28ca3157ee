"""The X12 envelope rules (004010 and later): segments placed into functional
groups and transaction sets, with control numbers and counts checked (ISA/IEA,
GS/GE, ST/SE) and every fault recorded where a 997 or TA1 reports it, so that
later sets are still read.
"""

from __future__ import annotations

import re

from activities.intake.x12.envelope import FunctionalGroup, Interchange, TransactionSet, functional_id_for
from activities.intake.x12.errors import (
    EL_INVALID_CHARACTER,
    EL_TOO_MANY,
    GROUP_CONTROL_MISMATCH,
    GROUP_CONTROL_SYNTAX,
    GROUP_COUNT_MISMATCH,
    GROUP_TRAILER_MISSING,
    ISA_CONTROL_MISMATCH,
    ISA_CONTROL_STRUCTURE,
    ISA_GROUP_COUNT,
    ISA_INVALID_CONTROL,
    ISA_INVALID_DATE,
    ISA_INVALID_TIME,
    ISA_INVALID_VERSION,
    ISA_PREMATURE_END,
    SEG_UNRECOGNIZED,
    SET_CONTROL_MISMATCH,
    SET_CONTROL_NOT_UNIQUE,
    SET_COUNT_MISMATCH,
    SET_INVALID_CONTROL,
    SET_INVALID_ID,
    SET_TRAILER_MISSING,
    X12Error,
)
from activities.intake.x12.segment import MAX_ELEMENTS, Segment, parse_date, parse_time

__all__ = ["EnvelopeBuilder", "check_isa_content"]

_TAG = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")


def check_isa_content(interchange: Interchange) -> None:
    """Values inside a well-formed ISA: what a TA1 would reject (recorded),
    what is merely odd (warned)."""
    isa = interchange.header
    if not isa.get(13).isdigit():
        interchange.errors.append(
            interchange.error(
                f"ISA13 control number {isa.get(13)!r} must be 9 digits", ISA_INVALID_CONTROL, element=13
            )
        )
    if not isa.get(12).isdigit():
        interchange.errors.append(
            interchange.error(
                f"ISA12 version {isa.get(12)!r} must be 5 digits", ISA_INVALID_VERSION, element=12
            )
        )
    if parse_date(isa.get(9)) is None:
        interchange.errors.append(
            interchange.error(f"ISA09 date {isa.get(9)!r} is not YYMMDD", ISA_INVALID_DATE, element=9)
        )
    if parse_time(isa.get(10)) is None:
        interchange.errors.append(
            interchange.error(f"ISA10 time {isa.get(10)!r} is not HHMM", ISA_INVALID_TIME, element=10)
        )
    if isa.get(15) == "T":
        interchange.warnings.append("test interchange (ISA15 = T)")
    if isa.get(12) >= "00402" and interchange.delimiters.repetition is None:
        interchange.warnings.append(
            f"ISA11 {isa.get(11)!r} is not a repetition separator although ISA12 is {isa.get(12)}"
        )


class EnvelopeBuilder:
    """Places segments into groups and transaction sets, recording the envelope
    faults a 997 reports (and carrying on, so later sets are still read)."""

    def __init__(self, interchange: Interchange) -> None:
        self.interchange = interchange
        self.group: FunctionalGroup | None = None
        self.tx: TransactionSet | None = None
        self.done = False
        self.control_number = interchange.control_number
        self.handlers = {"GS": self._gs, "GE": self._ge, "ST": self._st, "SE": self._se, "IEA": self._iea}

    def feed(self, segment: Segment) -> None:
        segment.interchange_control = self.control_number
        handler = self.handlers.get(segment.tag)
        if handler is not None:
            handler(segment)
        else:
            self._body(segment)

    def _record(self, error: X12Error) -> None:
        if self.tx is not None:
            self.tx.errors.append(error)
        elif self.group is not None:
            self.group.errors.append(error)
        else:
            self.interchange.errors.append(error)

    def _gs(self, segment: Segment) -> None:
        if self.group is not None:
            self._close_group(trailer_missing=segment)
        group = FunctionalGroup(header=segment)
        segment.group_control = group.control_number
        if not group.control_number.isdigit() or len(group.control_number) > 9:
            group.errors.append(
                group.error(
                    f"GS06 group control number {group.control_number!r} must be 1-9 digits",
                    GROUP_CONTROL_SYNTAX,
                )
            )
        self.interchange.groups.append(group)
        self.group = group

    def _st(self, segment: Segment) -> None:
        if self.group is None:
            self.interchange.errors.append(
                self.interchange.error(
                    "ST outside a functional group (no GS before it)", ISA_CONTROL_STRUCTURE, segment
                )
            )
            self.group = FunctionalGroup(header=Segment(["GS"], segment.delimiters, segment.index))
            self.interchange.groups.append(self.group)
        if self.tx is not None:
            self.tx.errors.append(
                self.tx.error("transaction set has no SE trailer", SET_TRAILER_MISSING, segment)
            )
            self.tx = None
        segment.group_control = self.group.control_number
        tx = TransactionSet(set_id=segment.get(1), control_number=segment.get(2), group=self.group)
        segment.position, segment.owner = 1, tx
        tx.segments.append(segment)
        self.group.transactions.append(tx)
        self.tx = tx
        if not re.fullmatch(r"\d{3}", tx.set_id):
            tx.errors.append(
                tx.error(f"ST01 {tx.set_id!r} is not a transaction set identifier", SET_INVALID_ID)
            )
        if not tx.control_number or len(tx.control_number) > 9:
            tx.errors.append(
                tx.error(
                    f"ST02 control number {tx.control_number!r} must be 4-9 characters", SET_INVALID_CONTROL
                )
            )
        elif tx.control_number in self.group.set_controls:
            tx.errors.append(
                tx.error(
                    f"ST02 control number {tx.control_number} is used twice in the group",
                    SET_CONTROL_NOT_UNIQUE,
                )
            )
        self.group.set_controls.add(tx.control_number)
        expected = functional_id_for(tx.set_id)
        if expected and self.group.functional_id and expected != self.group.functional_id:
            self.interchange.warnings.append(
                f"transaction {tx.control_number} ({tx.set_id}) is in a GS group of type "
                f"{self.group.functional_id}; expected {expected}"
            )

    def _se(self, segment: Segment) -> None:
        tx = self.tx
        if tx is None:
            self._record(self.interchange.error("SE without a matching ST", ISA_CONTROL_STRUCTURE, segment))
            return
        self._attach(segment)
        tx.closed = True
        self.tx = None
        if segment.get(2) != tx.control_number:
            tx.errors.append(
                tx.error(
                    f"SE02 {segment.get(2)!r} does not match ST02 {tx.control_number!r}",
                    SET_CONTROL_MISMATCH,
                    segment,
                )
            )
        declared = segment.get(1)
        if not (declared.isdigit() and len(declared) < 10 and int(declared) == len(tx.segments)):
            tx.errors.append(
                tx.error(
                    f"SE01 says {declared or 'nothing'} segments; the transaction set has {len(tx.segments)}",
                    SET_COUNT_MISMATCH,
                    segment,
                )
            )

    def _ge(self, segment: Segment) -> None:
        if self.group is None:
            self.interchange.errors.append(
                self.interchange.error("GE without a matching GS", ISA_CONTROL_STRUCTURE, segment)
            )
            return
        self._close_group(trailer=segment)

    def _close_group(self, trailer: Segment | None = None, trailer_missing: Segment | None = None) -> None:
        group = self.group
        assert group is not None
        if self.tx is not None:
            self.tx.errors.append(
                self.tx.error(
                    "transaction set has no SE trailer", SET_TRAILER_MISSING, trailer or trailer_missing
                )
            )
            self.tx = None
        self.group = None
        if trailer is None:
            group.errors.append(
                group.error("functional group has no GE trailer", GROUP_TRAILER_MISSING, trailer_missing)
            )
            return
        group.trailer = trailer
        trailer.group_control = group.control_number
        if trailer.get(2) != group.control_number:
            group.errors.append(
                group.error(
                    f"GE02 {trailer.get(2)!r} does not match GS06 {group.control_number!r}",
                    GROUP_CONTROL_MISMATCH,
                    trailer,
                )
            )
        declared = trailer.get(1)
        if not declared.isdigit() or int(declared) != len(group.transactions):
            group.errors.append(
                group.error(
                    f"GE01 says {declared or 'nothing'} transaction sets; "
                    f"the group has {len(group.transactions)}",
                    GROUP_COUNT_MISMATCH,
                    trailer,
                )
            )

    def _iea(self, segment: Segment) -> None:
        if self.group is not None:
            self._close_group(trailer_missing=segment)
        interchange = self.interchange
        interchange.closed = True
        self.done = True
        if segment.get(2) != interchange.control_number:
            interchange.errors.append(
                interchange.error(
                    f"IEA02 {segment.get(2)!r} does not match ISA13 {interchange.control_number!r}",
                    ISA_CONTROL_MISMATCH,
                    segment,
                    element=2,
                )
            )
        declared = segment.get(1)
        if not declared.isdigit() or int(declared) != len(interchange.groups):
            interchange.errors.append(
                interchange.error(
                    f"IEA01 says {declared or 'nothing'} functional groups; the interchange has "
                    f"{len(interchange.groups)}",
                    ISA_GROUP_COUNT,
                    segment,
                    element=1,
                )
            )

    def _body(self, segment: Segment) -> None:
        tag = segment.tag
        if self.tx is None:
            what = f"segment {tag!r}" if tag else "an empty segment"
            self.interchange.errors.append(
                self.interchange.error(
                    f"{what} outside a transaction set (between ST and SE)", ISA_CONTROL_STRUCTURE, segment
                )
            )
            return
        self._attach(segment)
        if not _TAG.fullmatch(tag):
            self.tx.errors.append(
                segment.error(f"{tag[:10]!r} is not a segment identifier", segment_code=SEG_UNRECOGNIZED)
            )
            return
        if segment.overflow:
            self.tx.errors.append(
                segment.error(
                    f"more than {MAX_ELEMENTS - 1} elements", element=MAX_ELEMENTS, code=EL_TOO_MANY
                )
            )
            return
        if any(_CONTROL_CHARS.search(value) for value in segment.elements):
            n = next(n for n, value in enumerate(segment.elements) if _CONTROL_CHARS.search(value))
            self.tx.errors.append(
                segment.error("control character in element", element=n, code=EL_INVALID_CHARACTER)
            )

    def _attach(self, segment: Segment) -> None:
        tx = self.tx
        assert tx is not None
        segment.owner = tx
        segment.group_control = tx.segments[0].group_control
        segment.position = len(tx.segments) + 1
        tx.segments.append(segment)

    def finish_at_eof(self) -> None:
        self._unterminated("the file ends before IEA")

    def finish_at_new_isa(self, index: int) -> None:
        self._unterminated(f"a new ISA (segment {index}) starts before IEA")

    def _unterminated(self, message: str) -> None:
        if self.done:
            return
        if self.group is not None:
            self._close_group(trailer_missing=None)
        self.interchange.errors.append(
            self.interchange.error(f"interchange has no IEA trailer: {message}", ISA_PREMATURE_END)
        )
        self.done = True
