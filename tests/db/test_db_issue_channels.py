"""issue_po through the vendor's channel (#17 item 9), on SQLite and
PostgreSQL: a vendor on X12 gets an 850 and one on EDIFACT an ORDERS, each
stored in outbound_messages with control numbers that are unique and
allocated once (a retry allocates nothing); a vendor on e-mail gets the
e-mail with the PO as a PDF; a resend is the next attempt with new numbers;
the vendor master refuses an EDI vendor without its partner settings; an
amendment goes as a change order (860 / ORDCHG) or an e-mail listing the
changes."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from typing import Any, TypeVar

import pdfplumber
import pytest
from pydantic import ValidationError
from sqlalchemy import Table, func, select
from sqlalchemy.engine import Engine
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.db import outbound, outbox
from activities.db import schema as t
from activities.db.master_data import get_vendor
from activities.db.seed import MasterData, load_master_data
from activities.intake.edifact.syntax import parse_interchange
from activities.intake.extract import extract_file
from activities.intake.functional_acks import answered_message
from activities.intake.x12.syntax import read_interchanges
from activities.intake.x12.write_997 import render_997
from activities.persistence import PersistenceActivities
from activities.po_channel import EdiSender
from models import Extracted, IssueRequest, PurchaseOrder
from models.functional_acks import FunctionalAck
from tests.support.db import run_concurrently

T = TypeVar("T")
T0 = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def run(fn: Callable[..., T], *args: Any) -> T:
    return ActivityEnvironment().run(fn, *args)


def count(engine: Engine, table: Table) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()


@pytest.fixture
def acts(seeded_engine: Engine) -> PersistenceActivities:
    return PersistenceActivities(seeded_engine, EdiSender("BUYERCO", "01", "14"))


def order(
    vendor_id: str, po_number: str = "PO-7001", revision: int = 0, currency: str = "USD"
) -> PurchaseOrder:
    return PurchaseOrder.model_validate(
        {
            "po_number": po_number,
            "revision": revision,
            "vendor_id": vendor_id,
            "buyer": "jane.buyer",
            "currency": currency,
            "order_date": date(2026, 12, 7),
            "lines": [
                {
                    "line_no": 1,
                    "item_id": "LAB-PIPETTE-1000",
                    "description": "Pipette 100-1000 uL",
                    "quantity": "2",
                    "unit_price": "310.00",
                    "need_by": "2026-12-21",
                },
                {"line_no": 2, "item_id": "MRO-GLOVE-NITRILE-L", "quantity": "10", "unit_price": "11.90"},
            ],
        }
    )


def request(po: PurchaseOrder, **kw: Any) -> IssueRequest:
    return IssueRequest(
        po_number=po.po_number, revision=po.revision, vendor_id=po.vendor_id, at=T0, po=po, **kw
    )


def test_seed_makes_one_vendor_x12_one_edifact_and_keeps_the_others_on_email(seeded_engine: Engine) -> None:
    labworks, nordic, acme = (get_vendor(seeded_engine, v) for v in ("LABWORKS", "NORDIC", "ACME"))
    assert labworks and nordic and acme
    assert (labworks.channel, labworks.edi_standard, labworks.edi_partner_id) == ("edi", "x12", "LABWORKSEDI")
    assert (nordic.channel, nordic.edi_standard, nordic.edi_partner_qualifier) == ("edi", "edifact", "14")
    assert (acme.channel, acme.edi_standard) == ("email", None)
    assert all(v.channel_problem() is None for v in (labworks, nordic, acme))


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"edi_standard": None}, "needs edi_standard x12 or edifact"),
        ({"edi_partner_id": None}, "needs the partner's interchange id"),
        ({"edi_standard": "tradacoms"}, "needs edi_standard"),
        ({"edi_partner_id": "X" * 16}, "longer than 15 characters"),
        ({"channel": "fax"}, "is not one of email, edi"),
    ],
)
def test_the_vendor_master_refuses_an_incomplete_edi_vendor(changes: dict, problem: str) -> None:
    data = json.loads(json.dumps(load_master_data().model_dump(mode="json", by_alias=True)))
    labworks = next(v for v in data["vendors"] if v["id"] == "LABWORKS")
    labworks.update(changes)
    with pytest.raises(ValidationError, match=problem):
        MasterData.model_validate(data)


def test_an_x12_vendor_gets_an_850_with_its_control_numbers_once(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    po = order("LABWORKS")
    first = run(acts.issue_po, request(po))
    again = run(acts.issue_po, request(po).model_copy(update={"at": T0 + timedelta(minutes=5)}))

    assert (first.channel, first.standard, first.already_issued) == ("edi", "x12", False)
    assert again.already_issued and again.model_dump(exclude={"already_issued"}) == first.model_dump(
        exclude={"already_issued"}
    )
    assert count(seeded_engine, t.outbound_messages) == 1 and count(seeded_engine, t.po_issues) == 1
    assert count(seeded_engine, t.notifications) == 0  # EDI: no e-mail
    [message] = outbound.pending_messages(seeded_engine)
    assert (message.format, message.receiver_id, message.message_id) == (
        "x12-850",
        "LABWORKSEDI",
        first.message_id,
    )
    [interchange] = read_interchanges(message.content)
    assert (interchange.sender_qualifier, interchange.sender_id) == ("01", "BUYERCO")
    assert (interchange.receiver_qualifier, interchange.receiver_id) == ("ZZ", "LABWORKSEDI")
    assert interchange.control_number == first.interchange_control == "000000001"
    [group] = interchange.groups
    assert (group.functional_id, group.control_number, first.group_control) == ("PO", "1", "1")
    [tx] = group.transactions
    assert (tx.set_id, tx.control_number, first.transaction_control) == ("850", "0001", "0001")
    beg = next(seg for seg in tx.segments if seg.tag == "BEG")
    assert (beg.get(1), beg.get(3)) == ("00", "PO-7001")  # original


def test_control_numbers_are_unique_across_pos_and_a_revision_replaces_the_order(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    r0 = run(acts.issue_po, request(order("LABWORKS")))
    other = run(acts.issue_po, request(order("LABWORKS", "PO-7002")))
    r1 = run(acts.issue_po, request(order("LABWORKS", revision=1)))
    assert [r.interchange_control for r in (r0, other, r1)] == ["000000001", "000000002", "000000003"]
    message = outbound.find_message(seeded_engine, "PO-7001", 1, 0)
    assert message is not None
    [interchange] = read_interchanges(message.content)
    segments = interchange.groups[0].transactions[0].segments
    beg = next(seg for seg in segments if seg.tag == "BEG")
    assert beg.get(1) == "05"  # replace: the 860 change order comes later
    assert any(seg.tag == "REF" and seg.get(1) == "PP" and seg.get(2) == "1" for seg in segments)


def test_an_edifact_vendor_gets_an_orders_addressed_to_its_partner_id(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    po = order("NORDIC", currency="EUR")
    result = run(acts.issue_po, request(po))
    assert (result.channel, result.standard, result.interchange_control, result.transaction_control) == (
        "edi",
        "edifact",
        "1",
        "1",
    )
    [message] = outbound.pending_messages(seeded_engine)
    assert message.format == "edifact-ORDERS" and message.receiver_id == "7350012340005"
    interchange = parse_interchange(message.content)
    assert (interchange.sender_id, interchange.sender_qualifier) == ("BUYERCO", "14")
    assert interchange.recipient_id == "7350012340005" and interchange.control_reference == "1"
    [orders] = interchange.messages
    assert (orders.type, orders.reference) == ("ORDERS", "1")
    assert b"UNB+UNOC:3+BUYERCO:14+7350012340005:14+" in message.content


def test_control_numbers_of_the_two_standards_count_on_their_own(acts: PersistenceActivities) -> None:
    x12 = run(acts.issue_po, request(order("LABWORKS")))
    edifact = run(acts.issue_po, request(order("NORDIC", "PO-7002", currency="EUR")))
    assert (x12.interchange_control, edifact.interchange_control) == ("000000001", "1")


def test_an_email_vendor_gets_the_email_with_the_po_as_a_pdf(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    po = order("ACME")
    result = run(acts.issue_po, request(po))
    assert (result.channel, result.attachment, result.standard) == ("email", "PO-7001-r0.pdf", None)
    [mail] = outbox.pending_notifications(seeded_engine)
    assert mail.recipient == "orders@acme-industrial.example" and mail.attachment_id == result.message_id
    attachment = outbound.get_message(seeded_engine, result.message_id)
    assert attachment is not None and attachment.content_type == "application/pdf"
    assert attachment.content.startswith(b"%PDF-") and attachment.interchange_control is None
    with pdfplumber.open(BytesIO(attachment.content)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert (
        "Purchase order PO-7001" in text and "LAB-PIPETTE-1000" in text and "Acme Industrial Supply" in text
    )
    assert "739.00" in text  # 2 × 310.00 + 10 × 11.90
    assert run(acts.issue_po, request(po)).already_issued
    assert count(seeded_engine, t.outbound_messages) == 1 and count(seeded_engine, t.notifications) == 1


def test_a_resend_is_the_next_attempt_with_new_numbers_and_email_instead_is_a_pdf(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    po = order("LABWORKS")
    first = run(acts.issue_po, request(po))
    resent = run(acts.issue_po, request(po, attempt=1))
    by_mail = run(acts.issue_po, request(po, attempt=2, channel="email"))
    assert resent.interchange_control == "000000002" and resent.message_id != first.message_id
    assert run(acts.issue_po, request(po, attempt=1)).interchange_control == "000000002"  # retried: same
    assert (by_mail.channel, by_mail.attachment) == ("email", "PO-7001-r0.pdf")
    [mail] = outbox.pending_notifications(seeded_engine)
    assert mail.recipient == "sales@labworks-scientific.example" and mail.notification_id.endswith(":a2")
    assert count(seeded_engine, t.po_issues) == 1 and count(seeded_engine, t.outbound_messages) == 3


def test_concurrent_issues_of_one_message_allocate_one_number(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    po = order("LABWORKS")
    results = run_concurrently(*[lambda: run(acts.issue_po, request(po)) for _ in range(4)])
    assert {r.interchange_control for r in results} == {"000000001"}
    assert sum(not r.already_issued for r in results) == 1
    assert run(acts.issue_po, request(order("LABWORKS", "PO-7002"))).interchange_control == "000000002"


def test_a_workflow_from_before_edi_issuing_still_gets_its_email(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    legacy = IssueRequest(po_number="PO-7001", revision=0, vendor_id="LABWORKS", at=T0)  # no PO in it
    result = run(acts.issue_po, legacy)
    assert (result.channel, result.attachment) == ("email", None)
    assert count(seeded_engine, t.outbound_messages) == 0 and count(seeded_engine, t.notifications) == 1


def test_a_po_that_is_not_the_one_named_is_refused(acts: PersistenceActivities) -> None:
    with pytest.raises(ApplicationError) as err:
        run(acts.issue_po, request(order("LABWORKS")).model_copy(update={"revision": 3}))
    assert err.value.non_retryable


# --- the supplier's 997 / CONTRL finds the message it answers ------------------------------


def reading(raw: bytes) -> Extracted:
    [found] = extract_file(raw)
    return found


def test_a_997_is_routed_to_the_po_by_our_group_control_number(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    run(acts.issue_po, request(order("LABWORKS", "PO-7000")))  # control number 1
    sent = run(acts.issue_po, request(order("LABWORKS")))  # 2
    message = outbound.get_message(seeded_engine, sent.message_id)
    assert message is not None
    ack = render_997(message.content, control_number=5, now=T0)  # as the supplier's translator writes it
    found, problem = answered_message(seeded_engine, reading(ack))
    assert problem is None
    doc = found.document
    assert (doc["po_number"], doc["vendor_id"], doc["answers_message_id"]) == (
        "PO-7001",
        "LABWORKS",
        sent.message_id,
    )
    assert (doc["answers_revision"], doc["answers_attempt"], doc["group_control"]) == (0, 0, "2")
    assert FunctionalAck.model_validate(doc).status == "accepted"


def test_a_contrl_is_routed_by_our_interchange_reference_and_names_the_segment(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    sent = run(acts.issue_po, request(order("NORDIC", currency="EUR")))
    contrl = (
        "UNA:+.? 'UNB+UNOC:3+7350012340005:14+BUYERCO:14+261208:1010+88'UNH+1+CONTRL:4:1:UN'"
        f"UCI+{sent.interchange_control}+BUYERCO:14+7350012340005:14+7'UCM+1+ORDERS:D:96A:UN+4'"
        "UCS+3+13'UNT+5+1'UNZ+1+88'"
    ).encode()
    found, problem = answered_message(seeded_engine, reading(contrl))
    assert problem is None and found.document["po_number"] == "PO-7001"
    fa = FunctionalAck.model_validate(found.document)
    [error] = fa.messages[0].errors
    assert (error.segment_position, error.segment_tag) == (3, "DTM")  # UNH=1, BGM=2, DTM=3 of our ORDERS


def test_a_997_for_a_message_we_never_sent_says_so(seeded_engine: Engine) -> None:
    raw = (
        b"ISA*00*          *00*          *ZZ*LABWORKSEDI    *ZZ*BUYERCO        *261208*0915*U*00401*000000009*0*P*>~"
        b"GS*FA*LABWORKSEDI*BUYERCO*20261208*0915*9*X*004010~ST*997*0001~AK1*PO*777~AK9*A*1*1*1~SE*4*0001~"
        b"GE*1*9~IEA*1*000000009~"
    )
    found, problem = answered_message(seeded_engine, reading(raw))
    assert problem == "the x12-997 answers no message poflow sent (group control 777)"
    assert "po_number" not in found.document


# --- amendments: the change order (860 / ORDCHG) or the changes in the e-mail (#17 item 3) ----


def amended(po: PurchaseOrder) -> PurchaseOrder:
    """Revision 1: line 1 at a lower price, line 2 fewer gloves."""
    lines = [
        po.lines[0].model_copy(update={"unit_price": Decimal("300.00")}),
        po.lines[1].model_copy(update={"quantity": Decimal("8")}),
    ]
    return po.model_copy(update={"revision": 1, "lines": lines})


def test_an_amendment_goes_to_an_x12_vendor_as_an_860_numbered_like_any_send(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    r0 = order("LABWORKS")
    first = run(acts.issue_po, request(r0))
    change = run(acts.issue_po, request(amended(r0), previous=r0))
    again = run(acts.issue_po, request(amended(r0), previous=r0))  # a retry: nothing new
    assert (first.interchange_control, change.interchange_control) == ("000000001", "000000002")
    assert again.already_issued and again.interchange_control == "000000002"
    assert change.describe().startswith("edi (X12 860, ISA 000000002")  # the timeline names what went out
    assert count(seeded_engine, t.outbound_messages) == 2 and count(seeded_engine, t.notifications) == 0
    message = outbound.find_message(seeded_engine, "PO-7001", 1, 0)
    assert message is not None and message.format == "x12-860"
    [interchange] = read_interchanges(message.content)
    [group] = interchange.groups
    assert (group.functional_id, group.control_number, change.group_control) == ("PC", "2", "2")
    [tx] = group.transactions
    assert (tx.set_id, tx.control_number) == ("860", "0001")
    bch = next(seg for seg in tx.segments if seg.tag == "BCH")
    assert (bch.get(1), bch.get(3), bch.get(5)) == ("04", "PO-7001", "1")
    assert [seg.elements[1:3] for seg in tx.segments if seg.tag == "POC"] == [["1", "PC"], ["2", "QD"]]
    # the supplier's 997 of the 860 finds it like that of an 850
    found, problem = answered_message(
        seeded_engine, reading(render_997(message.content, control_number=6, now=T0))
    )
    assert problem is None and found.document["answers_revision"] == 1
    assert run(acts.issue_po, request(order("LABWORKS", "PO-7002"))).interchange_control == "000000003"


def test_an_amendment_goes_to_an_edifact_vendor_as_an_ordchg(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    r0 = order("NORDIC", currency="EUR")
    run(acts.issue_po, request(r0))
    change = run(acts.issue_po, request(amended(r0), previous=r0))
    assert (change.standard, change.interchange_control, change.transaction_control) == ("edifact", "2", "1")
    message = outbound.get_message(seeded_engine, change.message_id)
    assert message is not None and message.format == "edifact-ORDCHG"
    [ordchg] = parse_interchange(message.content).messages
    assert ordchg.type == "ORDCHG"
    bgm = ordchg.body[0]
    assert (bgm.value(1), bgm.value(2), bgm.value(3)) == ("230", "PO-7001-1", "4")
    assert [(s.value(1), s.value(2)) for s in ordchg.body if s.tag == "LIN"] == [("1", "3"), ("2", "3")]


def test_an_amendment_to_an_email_vendor_says_what_changed_and_attaches_the_pdf(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    r0 = order("ACME")
    new = amended(r0).model_copy(
        update={
            "lines": [
                *amended(r0).lines[:1],
                amended(r0).lines[1],
                r0.lines[1].model_copy(update={"line_no": 3}),
            ]
        }
    )
    result = run(acts.issue_po, request(new, previous=r0))
    assert (result.channel, result.attachment) == ("email", "PO-7001-r1.pdf")
    [mail] = outbox.pending_notifications(seeded_engine)
    assert mail.subject == "Purchase order PO-7001 (revision 1)"
    assert "Changes since revision 0:" in mail.body
    assert "- line 1, unit price: 310 → 300" in mail.body
    assert "- line 2, quantity: 10 → 8" in mail.body
    assert "- line 3: added (MRO-GLOVE-NITRILE-L × 10)" in mail.body
    assert mail.attachment_id == result.message_id


def test_a_previous_revision_that_is_not_an_earlier_one_of_the_po_is_refused(
    acts: PersistenceActivities,
) -> None:
    r0 = order("LABWORKS")
    for previous in (amended(r0), order("LABWORKS", "PO-7002")):
        with pytest.raises(ApplicationError, match="is not an earlier revision") as err:
            run(acts.issue_po, request(amended(r0), previous=previous))
        assert err.value.non_retryable
