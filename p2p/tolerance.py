"""The one tolerance rule: is a variance beyond its limits?

Used by every check that has limits — invoice matching (price, quantity,
amount over PO, tax) and supplier acknowledgments (price, quantity) — so a
limit means the same thing wherever it is set.

Semantics (p2p-semantics.md b.1, b.2, b.4, b.5):

* A limit of `None` is not checked; `0` allows no variance (SAP: an upper
  limit of zero always blocks; Oracle: 0 % means no variance).
* A variance *at* a limit passes; only one *beyond* it is outside.
* Percentages are of the reference value, compared by multiplication so that
  no division rounds a variance into tolerance. With a zero reference any
  positive variance is infinitely over a percentage.
* Several limits on one check combine by an explicit operator:
  - `any` (the default): outside when the variance exceeds any active limit.
    SAP checks every active limit on its own and blocks when any upper limit
    is exceeded; Oracle likewise. This is the strict reading, and the one
    under which "0 allows no variance" holds whatever else is set.
  - `all`: outside only when it exceeds every active limit (Ariba's "OR"
    operator: the percentage *or* the amount is enough to stay inside).
    Lenient, opt-in per profile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

_HUNDRED = Decimal(100)


class LimitOperator(StrEnum):
    """How the active limits of one check combine (see the module docstring)."""

    ANY = "any"
    ALL = "all"

    @property
    def explanation(self) -> str:
        """How a person reads the operator next to the limits of a hold."""
        if self is LimitOperator.ANY:
            return "holds beyond any limit"
        return "holds only beyond every limit"


@dataclass(frozen=True)
class Limits:
    """The limits of one check in one direction: a percentage of the
    reference and an absolute amount (money per unit, money, or a quantity,
    as the check defines), combined by `operator`."""

    pct: Decimal | None = None
    amount: Decimal | None = None
    operator: LimitOperator = LimitOperator.ANY

    @property
    def active(self) -> bool:
        return self.pct is not None or self.amount is not None

    @property
    def both(self) -> bool:
        return self.pct is not None and self.amount is not None

    def exceeded_by(self, variance: Decimal, reference: Decimal) -> bool:
        """Is a variance (in the checked direction, so positive when it
        matters) beyond these limits? Not checked (no limit): never."""
        outcomes = self._outcomes(variance, reference)
        if not outcomes:
            return False
        return any(outcomes) if self.operator is LimitOperator.ANY else all(outcomes)

    def _outcomes(self, variance: Decimal, reference: Decimal) -> list[bool]:
        outcomes = []
        if self.pct is not None:
            outcomes.append(exceeds_pct(variance, reference, self.pct))
        if self.amount is not None:
            outcomes.append(variance > self.amount)
        return outcomes

    def describe(self, texts: Sequence[str]) -> str:
        """The active limits as a person reads them, `texts` being each one
        formatted by the caller (`+2%`, `+0.50/unit`); the operator is named
        whenever it matters, i.e. when two limits are set:
        `+2% or +0.50/unit, holds beyond any limit`."""
        if len(texts) < 2:
            return "".join(texts)
        joiner = " or " if self.operator is LimitOperator.ANY else " and "
        return f"{joiner.join(texts)}, {self.operator.explanation}"


def exceeds_pct(variance: Decimal, reference: Decimal, limit_pct: Decimal) -> bool:
    """variance / reference > limit %, exactly (no division, no rounding)."""
    return variance * _HUNDRED > limit_pct * reference


def percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    """`part` as a percentage of `whole`; None when `whole` is zero."""
    if whole == 0:
        return None
    return part * _HUNDRED / whole
