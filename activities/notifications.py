"""The `notify` activity: every notification goes through the outbox table,
and, when a webhook is configured (POFLOW_WEBHOOK_URL), is POSTed there.

Exactly-once as far as poflow can make it: the outbox row is keyed by
notification_id (a retry never adds a second row), a delivered row is never
sent again, and the POST carries an `Idempotency-Key` header so a receiver can
drop the one duplicate a crash between "POST succeeded" and "marked delivered"
could cause.

The webhook URL is treated as a secret (chat webhooks embed their token in
it): it is never logged, never stored, and never part of an error that
travels into the workflow history.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx
from sqlalchemy.engine import Engine
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.db import outbox
from models import Notification

WEBHOOK_TIMEOUT_S = 5.0


def _describe(exc: httpx.HTTPError) -> str:
    """A failure reason safe to log and store: status or exception class only
    (httpx's own messages include the URL)."""
    if isinstance(exc, httpx.HTTPStatusError):
        return f"HTTP {exc.response.status_code}"
    return type(exc).__name__


class NotificationActivities:
    """Async activity (HTTP is async with httpx); the few quick DB calls go to
    a thread so the worker's event loop never blocks on the database."""

    def __init__(
        self, engine: Engine, webhook_url: str | None = None, http: httpx.AsyncClient | None = None
    ) -> None:
        self._engine = engine
        self._webhook_url = webhook_url or None
        self._http = http

    @activity.defn
    async def notify(self, n: Notification) -> None:
        queued = await asyncio.to_thread(outbox.enqueue_notification, self._engine, n)
        if self._webhook_url is None:
            activity.logger.info(
                "notification %s %s (%s): %s",
                n.notification_id,
                "queued" if queued else "already queued",
                n.channel.value,
                n.subject,
            )
            return
        stored = await asyncio.to_thread(outbox.get_notification, self._engine, n.notification_id)
        if stored is not None and stored.delivered_at is not None:
            activity.logger.info("notification %s already delivered", n.notification_id)
            return
        try:
            await self._post(n)
        except httpx.HTTPError as exc:
            reason = _describe(exc)
            await asyncio.to_thread(outbox.record_delivery_failure, self._engine, n.notification_id, reason)
            activity.logger.warning(
                "webhook delivery of %s failed: %s; will retry", n.notification_id, reason
            )
            # `from None`: the httpx exception names the URL; it must not reach the history.
            raise ApplicationError(
                f"webhook delivery of {n.notification_id} failed: {reason}", type="WebhookDeliveryFailed"
            ) from None
        delivered_at = datetime.now(UTC)
        await asyncio.to_thread(outbox.mark_delivered, self._engine, n.notification_id, delivered_at)
        activity.logger.info("notification %s delivered by webhook", n.notification_id)

    async def _post(self, n: Notification) -> None:
        assert self._webhook_url is not None
        headers = {"Idempotency-Key": n.notification_id}
        payload = n.model_dump(mode="json")
        if self._http is not None:
            response = await self._http.post(
                self._webhook_url, json=payload, headers=headers, timeout=WEBHOOK_TIMEOUT_S
            )
            response.raise_for_status()
            return
        async with httpx.AsyncClient(timeout=WEBHOOK_TIMEOUT_S) as client:
            response = await client.post(self._webhook_url, json=payload, headers=headers)
            response.raise_for_status()
