"""The Temporal activity around the match engine: it adds the clock and
nothing else, so every decision lives in the pure `p2p.matching`.

A sync activity: the worker needs an `activity_executor` (a thread pool) to
run it. The engine is CPU-only and fast, so no heartbeat is needed.
"""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio import activity

from models.matching import MatchRequest, MatchResult
from p2p.matching import match_invoice


@activity.defn(name="match_invoice")
def match_invoice_activity(request: MatchRequest) -> MatchResult:
    """Match one invoice against its PO, receipts and earlier invoices."""
    # The activity is where wall-clock time may be read (never the workflow);
    # the stamp records when this verdict was computed.
    return match_invoice(request, matched_at=datetime.now(UTC))
