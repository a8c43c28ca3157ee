"""Loading duplicate candidates from the stored documents: the repository
function and the activity, on SQLite and PostgreSQL (the `engine` fixture
runs every test on both)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial

import pytest
from sqlalchemy.engine import Engine
from temporalio.testing import ActivityEnvironment

import activities.persistence
from activities.db import repository
from activities.persistence import PersistenceActivities
from models import HoldCode, Invoice, InvoiceKind
from p2p.duplicates import find_suspected_duplicates
from tests.support import stored_invoices
from tests.support.stored_invoices import store

D0 = date(2026, 3, 2)


# This file's invoices bill 2,137.19 unless a test says otherwise.
invoice = partial(stored_invoices.invoice, total="2137.19")


def numbers(invoices: list[Invoice]) -> list[str]:
    return [i.invoice_number for i in invoices]


def candidates(engine: Engine, vendor_id: str = "ACME", **kw) -> list[str]:  # type: ignore[no-untyped-def]
    """Numbers of the repository's candidates for a new invoice not yet stored."""
    return numbers(
        repository.find_invoice_candidates(
            engine, vendor_id=vendor_id, exclude_document_id=kw.pop("exclude", "invoice:ACME:NEW"), **kw
        )
    )


def run(fn, *args):  # type: ignore[no-untyped-def]
    return ActivityEnvironment().run(fn, *args)


# --- repository.find_invoice_candidates -----------------------------------------------------


def test_candidates_are_the_vendors_stored_invoices_oldest_first(engine: Engine) -> None:
    store(engine, invoice("INV-3", dated=D0 + timedelta(days=5)))
    store(engine, invoice("INV-1", dated=D0 - timedelta(days=5)))
    store(engine, invoice("INV-2", po="PO-1002"))
    assert candidates(engine) == ["INV-1", "INV-2", "INV-3"]
    found = repository.find_invoice_candidates(engine, vendor_id="ACME", exclude_document_id="x")
    assert found[1] == invoice("INV-2", po="PO-1002")  # the model, as submitted


def test_candidates_exclude_the_given_document(engine: Engine) -> None:
    new = invoice("INV-2")
    store(engine, invoice("INV-1"))
    store(engine, new)
    assert candidates(engine, exclude=new.document_id) == ["INV-1"]


def test_candidates_exclude_credit_memos_and_other_documents(engine: Engine) -> None:
    store(engine, invoice("INV-1"))
    store(engine, invoice("INV-1", kind=InvoiceKind.CREDIT_MEMO, total="50.00"))
    repository.store_document(
        engine,
        document_id="receipt:PO-1001:R1",
        kind="receipt",
        raw=b'{"receipt": 1}',
        content_type="application/json",
        source="api",
        po_number="PO-1001",
    )
    found = repository.find_invoice_candidates(engine, vendor_id="ACME", exclude_document_id="x")
    assert [(i.invoice_number, i.kind) for i in found] == [("INV-1", InvoiceKind.INVOICE)]


@pytest.mark.parametrize("other_vendor", ["ACME2", "acme", "ACM", "XACME"])
def test_candidates_are_only_the_vendors_own(engine: Engine, other_vendor: str) -> None:
    """Prefix `invoice:ACME:` must not reach ACME2, nor acme (SQLite's LIKE
    ignores case)."""
    store(engine, invoice("INV-1"))
    store(engine, invoice("INV-9", vendor=other_vendor, total="1.00"))
    assert candidates(engine) == ["INV-1"]


def test_underscore_in_a_vendor_id_is_not_a_wildcard(engine: Engine) -> None:
    store(engine, invoice("INV-1", vendor="AC_ME"))
    store(engine, invoice("INV-2", vendor="ACXME"))
    assert candidates(engine, "AC_ME") == ["INV-1"]


def test_rows_that_are_not_an_invoice_model_are_skipped(engine: Engine) -> None:
    store(engine, invoice("INV-1"))
    pdf = invoice("INV-PDF")
    store(engine, pdf, raw=b"%PDF-1.7 \x00\xff binary")  # a PDF original stored under the invoice key
    store(engine, invoice("INV-JSON"), raw=b'{"invoice_number": "INV-JSON"}')  # JSON, not an Invoice
    store(engine, invoice("INV-TXT"), raw="naïve text".encode("latin-1"))  # not even UTF-8
    assert candidates(engine) == ["INV-1"]


def test_since_keeps_invoices_dated_on_or_after_it(engine: Engine) -> None:
    for n, offset in enumerate([-40, -30, -1, 0, 10]):
        store(engine, invoice(f"INV-{n}", dated=D0 + timedelta(days=offset)))
    assert candidates(engine, since=D0 - timedelta(days=30)) == ["INV-1", "INV-2", "INV-3", "INV-4"]


def test_no_stored_invoices_no_candidates(engine: Engine) -> None:
    assert candidates(engine) == []


# --- the activity -----------------------------------------------------------------------------


def test_activity_returns_same_currency_invoices_of_the_same_amount(engine: Engine) -> None:
    new = invoice("INV-NEW", total="1000.00")
    store(engine, new)  # the door stores before the workflow sees it
    store(engine, invoice("INV-SAME", total="1000.00"))
    store(engine, invoice("INV-NEAR", total="1000.01"))  # a cent off: the match compares totals exactly
    store(engine, invoice("INV-FAR", total="1200.00"))  # no rule can flag it
    store(engine, invoice("INV-EUR", total="1000.00", currency="EUR"))
    store(engine, invoice("CM-1", total="1000.00", kind=InvoiceKind.CREDIT_MEMO))
    store(engine, invoice("INV-OTHER", total="1000.00", vendor="GLOBEX"))
    found = run(PersistenceActivities(engine).find_duplicate_candidates, new)
    assert sorted(numbers(found)) == ["INV-SAME"]


def test_activity_sorts_closest_in_date_first_and_reaches_back_only_by_number(engine: Engine) -> None:
    """Dated within the widest policy window (366 days), or a near-identical
    number at any distance (that rule has no window); a far number 700 days
    away can meet no rule under any policy."""
    new = invoice("INV-30211", dated=D0)
    store(engine, invoice("INV-77", dated=D0 - timedelta(days=700)))  # far number, far date
    store(engine, invoice("INV-30212", dated=D0 - timedelta(days=700)))  # one edit apart
    store(engine, invoice("INV-LATER", dated=D0 + timedelta(days=3)))
    store(engine, invoice("INV-BEFORE", dated=D0 - timedelta(days=10)))
    found = run(PersistenceActivities(engine).find_duplicate_candidates, new)
    assert numbers(found) == ["INV-LATER", "INV-BEFORE", "INV-30212"]


def test_activity_caps_what_it_returns(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(activities.persistence, "MAX_CANDIDATES_LOADED", 2)
    for offset in (1, 2, 3, 4):
        store(engine, invoice(f"INV-{offset}", dated=D0 - timedelta(days=offset)))
    found = run(PersistenceActivities(engine).find_duplicate_candidates, invoice("INV-NEW"))
    assert numbers(found) == ["INV-1", "INV-2"]


def test_activity_for_a_credit_memo_finds_nothing(engine: Engine) -> None:
    store(engine, invoice("INV-1"))
    memo = invoice("INV-1", kind=InvoiceKind.CREDIT_MEMO)
    assert run(PersistenceActivities(engine).find_duplicate_candidates, memo) == []


def test_activity_is_a_read_and_repeats_the_same_answer(engine: Engine) -> None:
    store(engine, invoice("INV-1"))
    acts = PersistenceActivities(engine)
    first = run(acts.find_duplicate_candidates, invoice("INV-2"))
    assert run(acts.find_duplicate_candidates, invoice("INV-2")) == first and numbers(first) == ["INV-1"]


def test_candidates_from_the_database_feed_the_rules(engine: Engine) -> None:
    """End to end: the invoice re-sent under a retyped number two days later
    is held, naming the first one; the unrelated invoice is not."""
    first = invoice("ACME-INV-30211", dated=D0)
    store(engine, first)
    store(engine, invoice("ACME-INV-99999", total="17.50", dated=D0))
    new = invoice("ACME-INV-30212", dated=D0 + timedelta(days=2))
    store(engine, new)
    candidates = run(PersistenceActivities(engine).find_duplicate_candidates, new)
    [hold] = find_suspected_duplicates(new, candidates)
    assert hold.code == HoldCode.SUSPECTED_DUPLICATE
    assert hold.message.startswith(
        "Looks like a duplicate of ACME-INV-30211 on PO-1001: same vendor and amount 2,137.19 USD, "
        "dated 2 days apart, near-identical number (this one ACME-INV-30212)"
    )
