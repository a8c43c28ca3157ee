"""Human tasks: the approver inbox's data, and one decision per task.

    GET  /api/v1/tasks[?status=open|done|cancelled|all][&mine=true]
    GET  /api/v1/tasks/{task_id}
    POST /api/v1/tasks/{task_id}/decision     {decision, comment, document, holds}

The decider is the caller (starter.api.auth), never a name in the body.

A decision is checked at the door (option, comment, named holds), then sent
as the owning workflow's update; its validator may still refuse it (409 with
the reason: closed task, role, limit, segregation of duties).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, ConfigDict, Field, computed_field

from models import HumanTask
from models.tasks import DECISIONS_NEEDING_COMMENT
from starter.api.shared import API_PREFIX, Service, Who, errors
from starter.operations import PoflowOperations
from starter.service.authorization import may_decide
from workflows.contract import po_workflow_id

__all__ = ["DecisionRequest", "TaskStatusFilter", "TaskView", "router", "task_view"]

router = APIRouter(prefix=f"{API_PREFIX}/tasks", tags=["tasks"])

TaskStatusFilter = Literal["open", "done", "cancelled", "all"]


class DecisionRequest(BaseModel):
    """Body of POST /tasks/{task_id}/decision (the task id is in the URL)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    decision: str = Field(min_length=1)
    comment: str | None = Field(default=None, max_length=2000)
    document: dict[str, Any] | None = Field(
        default=None, description="Review of a document only: the corrected reading to send on"
    )
    holds: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="accept_variance on an invoice hold only: the holds it releases, by the refs the task "
        "lists (PRICE:1, AMOUNT); none: every hold a person may release (never those waiting for a receipt)",
    )
    vendor_id: str | None = Field(
        default=None,
        max_length=64,
        description="re_source on a rejected line only: the vendor to buy it from",
    )
    unit_price: Decimal | None = Field(
        default=None,
        gt=0,
        description="re_source only: that vendor's price in the PO's currency (none: the agreed price)",
    )


class TaskView(HumanTask):
    """A task plus what the inbox needs to show it without a second call."""

    workflow_id: str = Field(description="The workflow that owns the task and takes its decision")
    ui_url: str = Field(description="That workflow in the Temporal Web UI")

    @computed_field  # type: ignore[prop-decorator]  # mypy: no decorator over @property (pydantic docs)
    @property
    def escalated_to(self) -> str:
        """Who has it now: assignee, deputy or manager."""
        return super().escalated_to

    @computed_field  # type: ignore[prop-decorator]  # mypy: no decorator over @property (pydantic docs)
    @property
    def comment_required_for(self) -> list[str]:
        """The options that need a comment."""
        return [option for option in self.options if option in DECISIONS_NEEDING_COMMENT]


def task_view(task: HumanTask, service: PoflowOperations) -> TaskView:
    workflow_id = task.workflow_id or po_workflow_id(task.po_number)
    ui_url = service.settings.workflow_url(workflow_id)
    return TaskView.model_validate({**dict(task), "workflow_id": workflow_id, "ui_url": ui_url})


@router.get("", responses=errors(503))
async def list_tasks(
    service: Service,
    who: Who,
    status: TaskStatusFilter = "open",
    mine: Annotated[bool, Query(description="Only the tasks the caller may decide")] = False,
) -> list[TaskView]:
    tasks = await service.list_tasks(status)
    if mine:
        tasks = [task for task in tasks if may_decide(who, task)]
    return [task_view(task, service) for task in tasks]


@router.get("/{task_id}", responses=errors(404, 503))
async def get_task(task_id: str, service: Service) -> TaskView:
    return task_view(await service.get_task(task_id), service)


@router.post("/{task_id}/decision", responses=errors(403, 404, 409, 503))
async def decide(task_id: str, body: DecisionRequest, service: Service, who: Who) -> TaskView:
    """Decide a task as the caller: 403 without its role; the owning
    workflow's validator may still say no (409: segregation of duties, …)."""
    task = await service.decide(
        task_id,
        body.decision,
        who,
        body.comment,
        body.document,
        body.holds,
        vendor_id=body.vendor_id,
        unit_price=body.unit_price,
    )
    return task_view(task, service)
