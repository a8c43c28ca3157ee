"""The X12 envelope (004010 and later) as read: the interchange (ISA … IEA),
its functional groups (GS … GE) and their transaction sets (ST … SE), each
with the faults recorded against it for the 997.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from activities.intake.x12.errors import X12Error
from activities.intake.x12.segment import Delimiters, Segment

__all__ = ["FunctionalGroup", "Interchange", "TransactionSet", "functional_id_for"]


@dataclass
class TransactionSet:
    """ST … SE. `segments` includes ST and SE (when present)."""

    set_id: str
    control_number: str
    segments: list[Segment] = field(default_factory=list)
    group: FunctionalGroup | None = None
    errors: list[X12Error] = field(default_factory=list)
    closed: bool = False

    @property
    def body(self) -> list[Segment]:
        """The segments between ST and SE."""
        end = -1 if self.closed and len(self.segments) > 1 else None
        return self.segments[1:end]

    def error(self, message: str, code: str, segment: Segment | None = None) -> X12Error:
        seg = segment or self.segments[0]
        return X12Error(
            message,
            interchange_control=seg.interchange_control,
            group_control=seg.group_control,
            set_id=self.set_id,
            set_control=self.control_number,
            set_error=code,
            segment_id=seg.tag,
            segment_position=seg.position,
            segment_index=seg.index,
        )


@dataclass
class FunctionalGroup:
    """GS … GE."""

    header: Segment
    transactions: list[TransactionSet] = field(default_factory=list)
    errors: list[X12Error] = field(default_factory=list)
    trailer: Segment | None = None
    set_controls: set[str] = field(default_factory=set)

    @property
    def functional_id(self) -> str:
        return self.header.get(1)

    @property
    def sender(self) -> str:
        return self.header.get(2)

    @property
    def receiver(self) -> str:
        return self.header.get(3)

    @property
    def control_number(self) -> str:
        return self.header.get(6)

    @property
    def version(self) -> str:
        return self.header.get(8)

    def error(self, message: str, code: str, segment: Segment | None = None) -> X12Error:
        seg = segment or self.header
        return X12Error(
            message,
            interchange_control=seg.interchange_control,
            group_control=self.control_number,
            group_error=code,
            segment_id=seg.tag,
            segment_index=seg.index,
        )


@dataclass
class Interchange:
    """ISA … IEA, with the delimiters its ISA declared."""

    header: Segment
    delimiters: Delimiters
    groups: list[FunctionalGroup] = field(default_factory=list)
    errors: list[X12Error] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    closed: bool = False

    @property
    def sender_qualifier(self) -> str:
        return self.header.get(5)

    @property
    def sender_id(self) -> str:
        return self.header.get(6)

    @property
    def receiver_qualifier(self) -> str:
        return self.header.get(7)

    @property
    def receiver_id(self) -> str:
        return self.header.get(8)

    @property
    def date(self) -> str:
        return self.header.get(9)

    @property
    def time(self) -> str:
        return self.header.get(10)

    @property
    def version(self) -> str:
        return self.header.get(12)

    @property
    def control_number(self) -> str:
        return self.header.get(13)

    def error(
        self, message: str, code: str, segment: Segment | None = None, element: int | None = None
    ) -> X12Error:
        seg = segment or self.header
        return X12Error(
            message,
            interchange_control=self.control_number,
            interchange_error=code,
            segment_id=seg.tag,
            segment_index=seg.index,
            element_position=element,
        )

    def all_errors(self) -> list[X12Error]:
        """Every recorded fault, in file order."""
        found = list(self.errors)
        for group in self.groups:
            found += group.errors
            for tx in group.transactions:
                found += tx.errors
        return sorted(found, key=lambda err: err.segment_index or 0)


# GS01 functional identifier code each transaction set belongs in.
_FUNCTIONAL_IDS = {"810": "IN", "850": "PO", "855": "PR", "856": "SH", "860": "PC", "865": "CA", "997": "FA"}


def functional_id_for(set_id: str) -> str | None:
    return _FUNCTIONAL_IDS.get(set_id)
