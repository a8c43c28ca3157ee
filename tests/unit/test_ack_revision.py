"""Which revision an acknowledgment answers (issue #17 items 2–3), the pure
rule (p2p.acknowledgment.answers_an_old_revision): an answer to a revision
older than the last one the supplier was sent is stale; a revision made from
the supplier's own acknowledgment was never sent, so answering the one before
it is not; an acceptance that is stale does not acknowledge the PO."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from models import Acknowledgment, AckOutcome, AckRecord, PurchaseOrderState, Revision, RevisionReason
from p2p.acknowledgment import acknowledged_lines, answers_an_old_revision
from tests.support.builders import ack, po

T0 = datetime(2026, 12, 1, tzinfo=UTC)
ORIGINAL, BUYER, OWN_AUTO, OWN_APPROVED = (
    RevisionReason.ORIGINAL,
    RevisionReason.BUYER_AMENDMENT,
    RevisionReason.SUPPLIER_CHANGE_AUTO,
    RevisionReason.SUPPLIER_CHANGE_APPROVED,
)


def state(*reasons: RevisionReason) -> PurchaseOrderState:
    """The PO at its last revision, r0 … rN made for `reasons` in order."""
    order = po("PO-7001").model_copy(update={"revision": len(reasons) - 1})
    revisions = [Revision(revision=n, reason=r, at=T0, total=Decimal(1)) for n, r in enumerate(reasons)]
    return PurchaseOrderState(po=order, revisions=revisions)


def answering(revision: int | None) -> Acknowledgment:
    return ack(po("PO-7001")).model_copy(update={"answers_revision": revision})


@pytest.mark.parametrize(
    ("reasons", "answers", "expected"),
    [
        ((ORIGINAL,), None, None),
        ((ORIGINAL, BUYER), None, None),  # not stated: taken as answering the revision in force
        ((ORIGINAL, BUYER), 1, None),
        ((ORIGINAL, BUYER), 0, "answers r0, r1 is in force"),
        ((ORIGINAL, BUYER, BUYER), 1, "answers r1, r2 is in force"),
        ((ORIGINAL, OWN_AUTO), 0, None),  # r1 is the supplier's own change: it knows its lines
        ((ORIGINAL, BUYER, OWN_APPROVED), 1, None),
        ((ORIGINAL, OWN_AUTO, BUYER), 0, "answers r0, r2 is in force"),
        ((ORIGINAL, BUYER, OWN_AUTO), 0, "answers r0, r2 is in force"),
        ((ORIGINAL,), 3, None),  # a later number than any sent: nothing older is in force
    ],
)
def test_an_answer_is_stale_when_older_than_the_last_revision_sent(
    reasons: tuple[RevisionReason, ...], answers: int | None, expected: str | None
) -> None:
    assert answers_an_old_revision(state(*reasons), answering(answers)) == expected


def test_a_stale_acceptance_does_not_acknowledge_the_po_nor_confirm_prices() -> None:
    s = state(ORIGINAL, BUYER)
    stale = answering(0).model_copy(
        update={"lines": ack(s.po, lines=[{"line_no": 1, "unit_price": "11.90"}]).lines}
    )
    s.acknowledgments.append(AckRecord(ack=stale, outcome=AckOutcome.ANSWERS_OLD_REVISION, received_at=T0))
    assert not s.acknowledged and acknowledged_lines(s) == []
    s.acknowledgments.append(AckRecord(ack=answering(1), outcome=AckOutcome.ACCEPTED, received_at=T0))
    assert s.acknowledged


@pytest.mark.parametrize("bad", [-1, 1_000_000])
def test_the_revision_answered_is_a_revision_number(bad: int) -> None:
    with pytest.raises(ValidationError, match="answers_revision"):
        Acknowledgment.model_validate({**answering(None).model_dump(mode="json"), "answers_revision": bad})
