"""`GET /metrics` (issue #18): the business metrics a Prometheus scrape reads,
in the Prometheus text format, and who may read them. The rows and what they
count as are in tests/support/metrics.py."""

from __future__ import annotations

import dataclasses

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from starter.operations import PoflowService
from tests.support.metrics import EXPECTED, Samples, key, paid, po, write_rows


def scrape(api: TestClient, **headers: str) -> Samples:
    response = api.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


@pytest.fixture
def with_rows(api: TestClient, service: PoflowService) -> TestClient:
    write_rows(service.engine)
    return api


def test_metrics_count_pos_invoices_holds_tasks_intake_and_outboxes(with_rows: TestClient) -> None:
    samples = scrape(with_rows)
    assert {k: samples.get(k) for k in EXPECTED} == EXPECTED
    assert any(name.startswith("process_") for name, _ in samples)  # the API process's own


def test_a_second_scrape_sees_new_rows(with_rows: TestClient, service: PoflowService) -> None:
    """Read at scrape time: nothing is cached but the format of a stored file."""
    assert scrape(with_rows)[key("poflow_purchase_orders", status="cancelled")] == 0
    po(service.engine, "1004", "cancelled")
    paid(service.engine, "invoice:ACME:INV-2")  # AP released it, and it was handed off for payment
    samples = scrape(with_rows)
    assert samples[key("poflow_purchase_orders", status="cancelled")] == 1
    assert samples[key("poflow_invoices", kind="invoice", status="held")] == 2
    assert samples[key("poflow_invoices", kind="invoice", status="approved")] == 3
    assert samples[key("poflow_invoice_holds", code="PRICE")] == 1


def test_the_scrape_token_reads_metrics_and_nothing_else(
    api: TestClient, service: PoflowService, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "settings", dataclasses.replace(service.settings, metrics_token="scrape-me"))
    assert api.get("/metrics", headers={"Authorization": ""}).status_code == 401
    assert api.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert scrape(api, Authorization="Bearer scrape-me")[key("poflow_purchase_orders", status="issued")] == 0
    # No API key: the same token opens no other route.
    assert (
        api.get("/api/v1/purchase-orders", headers={"Authorization": "Bearer scrape-me"}).status_code == 401
    )


def test_without_a_scrape_token_an_api_caller_may_read_metrics(api: TestClient) -> None:
    assert api.get("/metrics").status_code == 200  # carol's token (the api fixture's)
    assert api.get("/metrics", headers={"Authorization": "Bearer scrape-me"}).status_code == 401
