"""Chasing late deliveries per promised date, part of receiving (lifecycle
step 5; issue #17 item 9): under PATCH_SCHEDULE_EXPEDITE (state
`expedite_per_schedule`, decided at the run's start) the receipt deadline is
the earliest promised delivery not yet received or shipped, + grace
(p2p.deadlines.schedule_receipt_due_at). When it lapses the buyer gets an
expedite task naming the lines, dates and quantities missing (one open at a
time); each delivery is expedited once, and the deadline moves on to the next
date. Issue, revisions, receipts, ship notices, inspections and the buyer's
"keep waiting" recompute it; once nothing expedited is missing any more, the
open expedite task is closed. Runs started before keep the single deadline,
the latest need-by + grace (po_steps.deadlines)."""

from __future__ import annotations

from decimal import Decimal

from temporalio import workflow

from workflows.po_steps.base import PoBase

with workflow.unsafe.imports_passed_through():
    from models import TaskKind
    from models.expediting import ExpeditedDelivery
    from p2p import deadlines
    from p2p.deadlines import PromisedDelivery
    from workflows import activity_calls as act

# Deliveries the task title names; the context lists them all.
TITLE_DELIVERIES = 3


class ExpediteSteps(PoBase):
    """Step 5: the receipt deadline per promised delivery, and what happens when it lapses."""

    async def _reschedule_receipt(self) -> None:
        """The receipt deadline after anything that changes what was promised
        or what covers it. Only under the per-schedule rule; a PO not issued
        yet, or ended, has none."""
        s = self._s
        if not s.expedite_per_schedule or s.issued_at is None or s.is_final:
            return
        assert s.policy is not None
        s.receipt_due_at = deadlines.schedule_receipt_due_at(s, s.policy.receipt_grace)
        if not deadlines.overdue_deliveries(s):
            s.receipt_follow_up_at = None  # nothing left to ask about again
            await self._cancel_open_tasks(TaskKind.EXPEDITE_RECEIPT)  # all received or on its way

    async def _keep_waiting_for_receipt(self) -> None:
        """The buyer keeps waiting on an expedite task: asked again after the
        grace, if what was expedited is still missing then."""
        s = self._s
        assert s.policy is not None
        s.receipt_follow_up_at = workflow.now() + s.policy.receipt_grace
        await self._reschedule_receipt()

    async def _expedite_lapsed(self) -> None:
        """The receipt deadline passed: the deliveries whose date + grace
        lapsed uncovered are expedited (recorded, so never again), with those
        expedited before and still missing when it is the buyer's follow-up."""
        s = self._s
        assert s.policy is not None
        now = workflow.now()
        lapsed = deadlines.lapsed_deliveries(s, s.policy.receipt_grace, now)
        follow_up = s.receipt_follow_up_at is not None and now >= s.receipt_follow_up_at
        chase = (deadlines.overdue_deliveries(s) if follow_up else []) + lapsed
        if follow_up:
            s.receipt_follow_up_at = None
        s.expedited += [
            ExpeditedDelivery(line_no=d.line_no, promised=d.promised, expedited_at=now) for d in lapsed
        ]
        if chase:
            await self._chase(chase, follow_up=follow_up)
        await self._reschedule_receipt()

    async def _chase(self, chase: list[PromisedDelivery], *, follow_up: bool) -> None:
        """One expedite task at a time: a new one, or the open one told of
        every delivery now overdue."""
        s = self._s
        sentences = "; ".join(d.sentence for d in chase)
        why = "still missing after keep waiting" if follow_up else "promised date + grace passed"
        self._log("receipt_overdue", f"{why}: {sentences}")
        task = next((t for t in s.open_tasks if t.kind == TaskKind.EXPEDITE_RECEIPT), None)
        if task is None:
            named = [
                f"line {d.line_no} {_num(d.missing)} {d.uom} due {d.promised.isoformat()}" for d in chase
            ]
            more = f" and {len(named) - TITLE_DELIVERIES} more" if len(named) > TITLE_DELIVERIES else ""
            title = f"Expedite {s.po.po_number}: " + ", ".join(named[:TITLE_DELIVERIES]) + more
            await self._open_task(TaskKind.EXPEDITE_RECEIPT, title, context=self._chase_context(chase))
            return
        task.context |= self._chase_context(deadlines.overdue_deliveries(s))  # the new ones with the earlier
        await act.save_task(task)

    @staticmethod
    def _chase_context(chase: list[PromisedDelivery]) -> dict[str, str]:
        missing: dict[tuple[int, str], Decimal] = {}
        for d in chase:
            missing[d.line_no, d.uom] = missing.get((d.line_no, d.uom), Decimal(0)) + d.missing
        return {
            "need_by": ", ".join(sorted({d.promised.isoformat() for d in chase})),
            "deliveries": "; ".join(d.sentence for d in chase),
            "missing": ", ".join(f"line {n}: {_num(q)} {uom}" for (n, uom), q in sorted(missing.items())),
        }


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}"
