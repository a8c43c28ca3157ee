"""Documents: what suppliers send, as JSON for a known PO or as any file.

    POST /api/v1/purchase-orders/{po}/acknowledgments   202, signalled to the PO's workflow
    POST /api/v1/purchase-orders/{po}/receipts          202
    POST /api/v1/purchase-orders/{po}/inspections       202 (inspection results of receipts, 4-way)
    POST /api/v1/purchase-orders/{po}/returns           202 (returns to the vendor after receipt)
    POST /api/v1/purchase-orders/{po}/ship-notices      202 (advance ship notices)
    POST /api/v1/purchase-orders/{po}/invoices          202 (credit memos too)
    POST /api/v1/documents[?vendor_id=&filename=]       any file → 202 with its intake workflow
                                                        (an ERP's 850 / ORDERS: its POs, starter.po_file_door)
    GET  /api/v1/documents/{workflow_id}                an intake's live state

Every document's exact bytes are stored before a workflow sees it; a re-sent
one answers 409 "duplicate" with the first copy's id.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from models import Acknowledgment, GoodsReceipt, Invoice, ShipNotice
from models.extraction import ExtractedKind
from models.inspections import InspectionResult
from models.intake import IntakeItemStatus, IntakeState, IntakeStatus
from models.returns import ReturnToVendor
from starter.api.shared import API_PREFIX, Service, Who, content_type, errors
from starter.errors import FieldError, Invalid, TooLarge
from starter.operations import DocumentAccepted

__all__ = [
    "FILE_DOOR",
    "DocumentQueued",
    "FileReceivedAnswer",
    "FileUnreadableAnswer",
    "FoundDocument",
    "IntakeView",
    "accepted_view",
    "router",
]

# The door for raw files: it keeps its own, larger body limit (max_document_bytes).
FILE_DOOR = f"{API_PREFIX}/documents"

router = APIRouter(prefix=API_PREFIX, tags=["documents"])


class DocumentQueued(BaseModel):
    """202: stored, and signalled to the PO's workflow (which ignores a document id it has seen)."""

    status: Literal["accepted"] = "accepted"
    document_id: str = Field(description="The document's business key, e.g. its normalised invoice number")
    workflow_id: str = Field(description="The PO workflow it went to")


class FoundDocument(BaseModel):
    """One document read from a file, and where it went."""

    kind: ExtractedKind
    format: str = Field(description="Source format and message, e.g. 'x12-810', 'pdf'")
    po_number: str | None
    document_id: str | None
    status: IntakeItemStatus
    problems: list[str]
    warnings: list[str]
    task_id: str | None = Field(description="The review task, when a person has to look at it")
    min_confidence: float = Field(description="The lowest confidence of any field read")


class FileReceivedAnswer(BaseModel):
    """202: the file is stored and its intake workflow started; what was found so far."""

    status: IntakeStatus = Field(description="`extracting` when the file was not read within the wait")
    workflow_id: str = Field(description="doc-{sha256}")
    sha256: str
    ui_url: str
    found: list[FoundDocument]


class FileUnreadableAnswer(FileReceivedAnswer):
    """422: the file is stored (nothing is lost) but could not be read: what is wrong, and where."""

    detail: str


class IntakeView(IntakeState):
    """An intake's state, with a link to its workflow in the Temporal Web UI."""

    ui_url: str


def accepted_view(accepted: DocumentAccepted) -> DocumentQueued:
    return DocumentQueued(document_id=accepted.document_id, workflow_id=accepted.workflow_id)


# --- JSON documents for a PO ----------------------------------------------------------------

_SENT = errors(404, 413, 503, duplicate=True)


@router.post("/purchase-orders/{po_number}/acknowledgments", status_code=202, responses=_SENT)
async def post_acknowledgment(
    po_number: str, ack: Acknowledgment, request: Request, service: Service, who: Who
) -> DocumentQueued:
    return accepted_view(await service.submit_document(ack, by=who, **await _arrival(request, po_number)))


@router.post("/purchase-orders/{po_number}/receipts", status_code=202, responses=_SENT)
async def post_receipt(
    po_number: str, receipt: GoodsReceipt, request: Request, service: Service, who: Who
) -> DocumentQueued:
    return accepted_view(await service.submit_document(receipt, by=who, **await _arrival(request, po_number)))


@router.post("/purchase-orders/{po_number}/inspections", status_code=202, responses=_SENT)
async def post_inspection(
    po_number: str, inspection: InspectionResult, request: Request, service: Service, who: Who
) -> DocumentQueued:
    """The inspection result of a receipt (needs the right to post receipts): on a 4-way line
    what passed counts as accepted, and invoices waiting for it (INSPECTION) re-match."""
    return accepted_view(
        await service.submit_document(inspection, by=who, **await _arrival(request, po_number))
    )


@router.post("/purchase-orders/{po_number}/returns", status_code=202, responses=_SENT)
async def post_return(
    po_number: str, rtv: ReturnToVendor, request: Request, service: Service, who: Who
) -> DocumentQueued:
    """Goods returned to the vendor after receipt (needs the right to post receipts): received
    drops by the returned units, and a credit memo is expected where they were invoiced."""
    return accepted_view(await service.submit_document(rtv, by=who, **await _arrival(request, po_number)))


@router.post("/purchase-orders/{po_number}/ship-notices", status_code=202, responses=_SENT)
async def post_ship_notice(
    po_number: str, notice: ShipNotice, request: Request, service: Service, who: Who
) -> DocumentQueued:
    """The supplier's advance ship notice as JSON (X12 856 and EDIFACT DESADV come as files)."""
    return accepted_view(await service.submit_document(notice, by=who, **await _arrival(request, po_number)))


@router.post("/purchase-orders/{po_number}/invoices", status_code=202, responses=_SENT)
async def post_invoice(
    po_number: str, invoice: Invoice, request: Request, service: Service, who: Who
) -> DocumentQueued:
    """Invoices and credit memos (`"kind": "credit_memo"`)."""
    return accepted_view(await service.submit_document(invoice, by=who, **await _arrival(request, po_number)))


async def _arrival(request: Request, po_number: str) -> dict[str, Any]:
    """How a document arrived: its exact bytes (stored as received) and the PO in the URL."""
    return {
        "raw": await request.body(),
        "source": "api",
        "content_type": content_type(request),
        "expected_po_number": po_number,
    }


# --- any file ---------------------------------------------------------------------------------

_UNREADABLE = {
    "model": FileUnreadableAnswer,
    "description": "Stored, but unreadable: what is wrong and where (an empty file or a bad parameter "
    "answers the usual {detail, errors})",
}


@router.post(
    "/documents",
    status_code=202,
    response_model=FileReceivedAnswer,
    responses={**errors(413, 503, duplicate=True), 422: _UNREADABLE},
)
async def post_document(
    request: Request, service: Service, who: Who, vendor_id: str | None = None, filename: str | None = None
) -> FileReceivedAnswer | JSONResponse:
    """Any file a supplier sends (X12, EDIFACT, UBL, Factur-X, PDF, e-mail,
    zip, JSON) as the raw body with its content type, or as multipart
    `file`. Answers with the intake workflow id and what was found; an
    identical re-send answers 409 "duplicate" with the first id.

    A buyer ERP's purchase orders (X12 850, EDIFACT ORDERS) create their POs
    as POST /purchase-orders does (starter.po_file_door): the caller needs
    the right to manage POs (403), an unreadable order or unknown vendor is
    422 naming the segment, an existing PO number 409; `workflow_id` is then
    the (first) PO's workflow."""
    limit = service.settings.max_document_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:
        raise TooLarge(f"the request is {int(declared):,} bytes, over the {limit:,}-byte limit")
    raw, name, ctype = await _uploaded_file(request)
    received = await service.receive_file(
        raw, by=who, filename=filename or name, content_type=ctype, source="api", vendor_id=vendor_id
    )
    answer = FileReceivedAnswer(
        status=IntakeStatus(received.status),
        workflow_id=received.workflow_id,
        sha256=received.sha256,
        ui_url=service.settings.workflow_url(received.workflow_id),
        found=[FoundDocument.model_validate(item) for item in received.found],
    )
    if received.error:
        unreadable = FileUnreadableAnswer(**dict(answer), detail=received.error)
        return JSONResponse(unreadable.model_dump(mode="json"), status_code=422)
    return answer


async def _uploaded_file(request: Request) -> tuple[bytes, str | None, str | None]:
    """(bytes, file name, content type) from a multipart `file` field or the raw body."""
    ctype = content_type(request)
    if ctype == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise Invalid("multipart upload without a `file` field", [FieldError("file", "missing")])
        return await upload.read(), upload.filename, upload.content_type
    disposition = request.headers.get("content-disposition", "")
    name = disposition.split("filename=", 1)[1].strip('" ') if "filename=" in disposition else None
    return await request.body(), name, ctype


@router.get("/documents/{workflow_id}", responses=errors(404, 503))
async def get_document_intake(workflow_id: str, service: Service) -> IntakeView:
    """An intake's live state: every document found, where it went, open reviews."""
    state = await service.get_intake(workflow_id)
    return IntakeView.model_validate({**dict(state), "ui_url": service.settings.workflow_url(workflow_id)})
