"""A header field found on the page (`FieldHit`): its value, where it was
printed, and how sure the label, the position and the parse make it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from activities.intake.pdf.text import Box

__all__ = [
    "BASE_CONFIDENCE",
    "BELOW",
    "IN_BOX",
    "STAND_IN",
    "WEAK_LABEL",
    "FieldHit",
    "ParseResult",
    "stand_in",
]


@dataclass
class FieldHit:
    """A value found for a header field, and where: its confidence is the
    product of how sure the label, the position and the parse are."""

    field: str
    value: Any
    text: str
    page: int
    box: Box
    label_quality: float  # 1.0 for a full label, lower for a weak one
    position_quality: float  # same phrase or right beside: 1.0; below: 0.95
    parse_quality: float  # 1.0 unless the value needed the document's convention to read
    label_text: str = ""  # the label as printed ("Att betala SEK": the currency may be in it)

    @property
    def confidence(self) -> float:
        return round(BASE_CONFIDENCE * self.label_quality * self.position_quality * self.parse_quality, 3)


# What a value read beside a full label and parsed without doubt is worth
# before cross-checks: labels can still mislead (a second "Total" on the page).
BASE_CONFIDENCE = 0.95
WEAK_LABEL = {True: 0.9, False: 0.8}  # a bare "Date" / "Total" (strict value) or "Invoice" (identifier)
BELOW = 0.97  # the value under its label rather than beside it
IN_BOX = 0.9  # under its label in a box, not under its words (side-by-side total boxes)

# What a field's parser makes of a text: (value, parse quality), or None when
# the text does not hold such a value.
ParseResult = tuple[Any, float] | None


# A value printed under another field's name (an order date, a booking
# reference), taken because the document prints none of its own: a guess a
# person should confirm, so below the review threshold whatever its label.
STAND_IN = 0.6


def stand_in(hit: FieldHit, field: str) -> FieldHit:
    """`hit` read as `field`, at the confidence of a stand-in."""
    return replace(hit, field=field, label_quality=STAND_IN)
