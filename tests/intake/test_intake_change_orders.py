"""Buyer change orders out and the supplier's change acknowledgment in
(issue #17 item 3): the X12 860 and EDIFACT ORDCHG writers, each checked by
parsing the file back with poflow's own segment parsers against the
standards (BCH/POC/CTT, element 670; BGM 230/1225, LIN 1229, QTY+21, PRI,
DTM+2), the X12 865 reader, and an ORDRSP that answers an ORDCHG — with
the revision each answer says it answers (issue #17 items 2–3): 865 BCA05,
ORDRSP RFF+PP, 855 REF*PP, and the JSON door's `answers_revision`."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from activities.intake.edifact.read import extract_edifact
from activities.intake.edifact.syntax import EdiSegment, parse_interchange
from activities.intake.edifact.write_ordchg import render_ordchg
from activities.intake.errors import ExtractionError
from activities.intake.json_read import extract_json
from activities.intake.x12.errors import X12Error
from activities.intake.x12.read import extract_x12
from activities.intake.x12.segment import Segment
from activities.intake.x12.syntax import read_interchanges
from activities.intake.x12.write_850 import render_850
from activities.intake.x12.write_860 import render_860
from models import Acknowledgment, PurchaseOrder
from models.acknowledgments import AckLineStatus, AckStatus

NOW = datetime(2026, 12, 8, 10, 15, tzinfo=UTC)


def order(revision: int = 0, **line_changes: dict[str, Any] | None) -> PurchaseOrder:
    """PO-7001 to LABWORKS; `line_changes` ("l1"={...}) edit a line, None deletes it."""
    lines: dict[str, dict[str, Any] | None] = {
        "l1": {
            "line_no": 1,
            "item_id": "LAB-PIPETTE-1000",
            "description": "Pipette 100-1000 uL",
            "quantity": "2",
            "unit_price": "310.00",
            "need_by": "2026-12-21",
        },
        "l2": {"line_no": 2, "item_id": "MRO-GLOVE-NITRILE-L", "quantity": "10", "unit_price": "11.90"},
    }
    for key, change in line_changes.items():
        lines[key] = None if change is None else {**(lines.get(key) or {}), **change}
    return PurchaseOrder.model_validate(
        {
            "po_number": "PO-7001",
            "revision": revision,
            "vendor_id": "LABWORKS",
            "buyer": "jane.buyer",
            "currency": "USD",
            "order_date": "2026-12-07",
            "lines": [line for line in lines.values() if line is not None],
        }
    )


# --- X12 860 -------------------------------------------------------------------------


def x12_860(before: PurchaseOrder, after: PurchaseOrder, **kw: Any) -> list[Segment]:
    raw = render_860(
        before, after, sender_id="BUYERCO", receiver_id="LABWORKSEDI", control_number=41, now=NOW, **kw
    )
    [interchange] = read_interchanges(raw)  # checks SE/GE/IEA counts and control numbers
    [group] = interchange.groups
    assert (group.functional_id, group.control_number) == ("PC", "41")  # 860: functional group PC
    [tx] = group.transactions
    assert tx.set_id == "860"
    return tx.segments


def pocs(segments: list[Segment]) -> list[list[str]]:
    return [seg.elements[1:] for seg in segments if seg.tag == "POC"]


def test_860_header_is_a_change_with_the_revision_as_change_order_sequence() -> None:
    segments = x12_860(order(), order(1, l1={"unit_price": "300.00"}))
    bch = next(seg for seg in segments if seg.tag == "BCH")
    assert bch.get(1) == "04" and bch.get(2) == "SA" and bch.get(3) == "PO-7001"
    assert (bch.get(5), bch.get(6), bch.get(11)) == ("1", "20261207", "20261208")
    ctt = next(seg for seg in segments if seg.tag == "CTT")
    assert (ctt.get(1), ctt.get(2)) == ("1", "2")


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # price change: POC02 PC, POC03 quantity, POC05 unit, POC06 new price, POC08/09 item
        (
            order(1, l1={"unit_price": "300.00"}),
            [["1", "PC", "2", "", "EA", "300.00", "PE", "BP", "LAB-PIPETTE-1000"]],
        ),
        (
            order(1, l2={"quantity": "8"}),
            [["2", "QD", "8", "", "EA", "11.90", "PE", "BP", "MRO-GLOVE-NITRILE-L"]],
        ),
        (
            order(1, l2={"quantity": "12"}),
            [["2", "QI", "12", "", "EA", "11.90", "PE", "BP", "MRO-GLOVE-NITRILE-L"]],
        ),
        (order(1, l2=None), [["2", "DI", "", "", "", "", "", "BP", "MRO-GLOVE-NITRILE-L"]]),
        (
            order(1, l1={"need_by": "2027-01-11"}),
            [["1", "RS", "2", "", "EA", "310.00", "PE", "BP", "LAB-PIPETTE-1000"]],
        ),
        (
            order(1, l1={"unit_price": "300.00", "quantity": "3"}),
            [["1", "PQ", "3", "", "EA", "300.00", "PE", "BP", "LAB-PIPETTE-1000"]],
        ),
        (
            order(1, l1={"item_id": "LAB-PIPETTE-1000B"}),
            [["1", "CA", "2", "", "EA", "310.00", "PE", "BP", "LAB-PIPETTE-1000B"]],
        ),
    ],
    ids=["price", "qty-decrease", "qty-increase", "deleted", "need-by", "price-and-qty", "other-field"],
)
def test_860_one_poc_per_changed_line_with_its_element_670_code(
    after: PurchaseOrder, expected: list[list[str]]
) -> None:
    assert pocs(x12_860(order(), after)) == expected


def test_860_a_changed_need_by_goes_in_a_dtm_after_its_poc() -> None:
    segments = x12_860(order(), order(1, l1={"need_by": "2027-01-11"}))
    tags = [seg.tag for seg in segments]
    dtm = segments[tags.index("POC") + 1]
    assert (dtm.tag, dtm.get(1), dtm.get(2)) == ("DTM", "002", "20270111")


def test_860_an_added_line_is_ai_with_description_and_need_by() -> None:
    added = {"line_no": 3, "item_id": "LAB-TIPS-1000", "description": "Tips 1000 uL", "quantity": "5",
             "unit_price": "42.00", "need_by": "2026-12-28"}  # fmt: skip
    segments = x12_860(order(), order(1, l3=added))
    loop = segments[[seg.tag for seg in segments].index("POC") :]
    assert loop[0].elements[1:] == ["3", "AI", "5", "", "EA", "42.00", "PE", "BP", "LAB-TIPS-1000"]
    assert (loop[1].tag, loop[1].get(1), loop[1].get(5)) == ("PID", "F", "Tips 1000 uL")
    assert (loop[2].tag, loop[2].get(1), loop[2].get(2)) == ("DTM", "002", "20261228")
    assert (loop[3].tag, loop[3].get(1), loop[3].get(2)) == ("CTT", "1", "5")


def test_860_only_changed_lines_and_a_cancel_deletes_every_line() -> None:
    both = x12_860(order(), order(1, l1={"unit_price": "300.00"}, l2={"quantity": "8"}))
    assert [p[:2] for p in pocs(both)] == [["1", "PC"], ["2", "QD"]]
    cancel = x12_860(order(), order(1), cancel=True)
    assert next(seg for seg in cancel if seg.tag == "BCH").get(1) == "01"
    assert [p[:2] for p in pocs(cancel)] == [["1", "DI"], ["2", "DI"]]


def test_860_leaves_out_lines_whose_terms_did_not_change() -> None:
    internal = order(1, l1={"match_level_source": "item LAB-PIPETTE-1000", "unit_price": "300.00"},
                     l2={"tax_rate_pct": "19", "category": "lab"})  # fmt: skip
    assert [p[:2] for p in pocs(x12_860(order(), internal))] == [["1", "PC"]]


def test_860_refuses_two_different_orders() -> None:
    other = order(1).model_copy(update={"po_number": "PO-7002"})
    with pytest.raises(ValueError, match="not two revisions of one order"):
        render_860(order(), other, sender_id="B", receiver_id="V", control_number=1, now=NOW)


# --- EDIFACT ORDCHG ----------------------------------------------------------------------


def ordchg(before: PurchaseOrder, after: PurchaseOrder, **kw: Any) -> list[EdiSegment]:
    raw = render_ordchg(before, after, sender_id="BUYERCO", receiver_id="7350012340005", control_reference="9",
                        now=NOW, **kw)  # fmt: skip
    interchange = parse_interchange(raw)  # checks UNT/UNZ counts and references
    [message] = interchange.messages
    assert (message.type, message.version, message.release) == ("ORDCHG", "D", "96A")
    return list(message.body)


def lin_groups(body: list[EdiSegment]) -> list[list[str]]:
    """Each LIN group as `tag+values` strings, up to UNS."""
    groups: list[list[str]] = []
    for seg in body:
        if seg.tag == "UNS":
            break
        if seg.tag == "LIN":
            groups.append([])
        if groups:
            groups[-1].append(
                seg.tag + "+" + "+".join(":".join(seg.components(n)) for n in range(1, len(seg.elements) + 1))
            )
    return groups


def test_ordchg_header_is_a_change_request_referring_to_the_order() -> None:
    body = ordchg(order(), order(1, l1={"unit_price": "300.00"}))
    bgm = body[0]
    assert (bgm.tag, bgm.value(1), bgm.value(2), bgm.value(3)) == ("BGM", "230", "PO-7001-1", "4")
    refs = {seg.value(1, 1): seg.value(1, 2) for seg in body if seg.tag == "RFF"}
    assert refs == {"ON": "PO-7001", "PP": "PO-7001-1"}
    dates = {seg.value(1, 1): seg.value(1, 2) for seg in body if seg.tag == "DTM"}
    assert dates["137"] == "20261208" and dates["171"] == "20261207"
    assert [seg.value(1) for seg in body if seg.tag == "NAD"] == ["BY", "SU"]
    cnt = next(seg for seg in body if seg.tag == "CNT")
    assert (cnt.value(1, 1), cnt.value(1, 2)) == ("2", "1")


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (order(1, l1={"unit_price": "300.00"}),
         [["LIN+1+3+LAB-PIPETTE-1000:IN", "QTY+21:2:PCE", "DTM+2:20261221:102", "PRI+AAA:300.00"]]),
        (order(1, l2={"quantity": "8"}), [["LIN+2+3+MRO-GLOVE-NITRILE-L:IN", "QTY+21:8:PCE", "PRI+AAA:11.90"]]),
        (order(1, l2=None), [["LIN+2+2+MRO-GLOVE-NITRILE-L:IN"]]),
        (order(1, l1={"need_by": "2027-01-11"}),
         [["LIN+1+3+LAB-PIPETTE-1000:IN", "QTY+21:2:PCE", "DTM+2:20270111:102", "PRI+AAA:310.00"]]),
        (order(1, l3={"line_no": 3, "item_id": "LAB-TIPS-1000", "description": "Tips", "quantity": "5",
                      "unit_price": "42.00"}),
         [["LIN+3+1+LAB-TIPS-1000:IN", "IMD+F++:::Tips", "QTY+21:5:PCE", "PRI+AAA:42.00"]]),
    ],
    ids=["price", "qty-decrease", "deleted", "need-by", "added"],
)  # fmt: skip
def test_ordchg_one_lin_group_per_changed_line_with_its_1229_action(
    after: PurchaseOrder, expected: list[list[str]]
) -> None:
    assert lin_groups(ordchg(order(), after)) == expected


def test_ordchg_cancellation_is_function_1_with_every_line_deleted() -> None:
    body = ordchg(order(), order(1), cancel=True)
    assert body[0].value(3) == "1"
    assert lin_groups(body) == [["LIN+1+2+LAB-PIPETTE-1000:IN"], ["LIN+2+2+MRO-GLOVE-NITRILE-L:IN"]]


# --- X12 865 in ------------------------------------------------------------------------------


def x12_865(bca: str, *loops: str) -> bytes:
    body = [bca, "N1*VN*LABWORKS SCIENTIFIC*92*LABWORKS", *loops]
    segments = ["ST*865*0007", *body, f"SE*{len(body) + 2}*0007"]
    return (
        "ISA*00*          *00*          *ZZ*LABWORKSEDI    *ZZ*POFLOW         *261208*0930*U*00401*000000413*0*P*>~"
        "GS*CA*LABWORKSEDI*POFLOW*20261208*0930*413*X*004010~"
        + "~".join(segments)
        + "~GE*1*413~IEA*1*000000413~"
    ).encode()


def test_865_is_read_as_an_acknowledgment_of_the_change_order() -> None:
    raw = x12_865("BCA*00*AT*PO-7001**2*20261207", "POC*1*PC*2**EA*300*PE*BP*LAB-PIPETTE-1000", "ACK*IA*2*EA")
    [found] = extract_x12(raw)
    ack = Acknowledgment.model_validate(found.document)
    assert (found.format, ack.po_number, ack.vendor_id, ack.status) == (
        "x12-865",
        "PO-7001",
        "LABWORKS",
        AckStatus.ACCEPTED,
    )
    assert ack.ack_id == "000000413-0007" and ack.message is None
    assert ack.answers_revision == 2 and found.locations["answers_revision"].segment == "BCA05 (segment 2)"
    assert ack.acknowledged_at == datetime(2026, 12, 8, 9, 30, tzinfo=UTC)
    assert [(line.line_no, line.status) for line in ack.lines] == [(1, AckLineStatus.ACCEPTED)]
    assert found.locations["lines[0].line_no"].segment == "POC01 (segment 4)"


def test_865_a_counter_price_is_read_from_poc06_and_named_so() -> None:
    raw = x12_865("BCA*00*AC*PO-7001**1*20261207", "POC*1*PC*2**EA*305*PE*BP*LAB-PIPETTE-1000", "ACK*IP*2*EA")
    [found] = extract_x12(raw)
    line = Acknowledgment.model_validate(found.document).lines[0]
    assert (line.status, line.unit_price) == (AckLineStatus.CHANGED, Decimal("305"))
    assert found.locations["lines[0].unit_price"].segment == "POC06 (segment 4)"


def test_865_rejected_change_and_no_bca02_reads_the_status_from_the_lines() -> None:
    raw = x12_865("BCA*00**PO-7001**1*20261207", "POC*2*DI****PE*BP*MRO-GLOVE-NITRILE-L", "ACK*IR")
    [found] = extract_x12(raw)
    ack = Acknowledgment.model_validate(found.document)
    assert ack.status == AckStatus.REJECTED and found.confidence["status"] == 0.7
    assert any("no acknowledgment type in BCA02" in w for w in found.warnings)


def test_865_without_change_order_sequence_says_so() -> None:
    [found] = extract_x12(x12_865("BCA*00*AT*PO-7001***20261207", "POC*1*PC*2**EA*300", "ACK*IA*2*EA"))
    assert Acknowledgment.model_validate(found.document).answers_revision is None
    assert any("no change order sequence number in BCA05" in w for w in found.warnings)


def test_865_a_change_order_sequence_poflow_never_sent_is_not_a_revision() -> None:
    """BCA05 is AN 1-8: a supplier's own change number is kept out of the
    revision (and the file still read), with a warning naming the element."""
    [found] = extract_x12(x12_865("BCA*00*AT*PO-7001**CO-7*20261207", "POC*1*PC*2**EA*300", "ACK*IA*2*EA"))
    assert Acknowledgment.model_validate(found.document).answers_revision is None
    assert any("'CO-7' (BCA05 (segment 2)) is not a revision poflow sent" in w for w in found.warnings)


def test_865_message_is_the_suppliers_note_only() -> None:
    raw = x12_865("BCA*00*AT*PO-7001**3*20261207", "NTE*GEN*price held", "POC*1*PC*2**EA*300", "ACK*IA*2*EA")
    [found] = extract_x12(raw)
    ack = Acknowledgment.model_validate(found.document)
    assert (ack.answers_revision, ack.message) == (3, "price held")


def test_865_a_bad_poc_quantity_names_the_poc_element() -> None:
    with pytest.raises(X12Error) as err:
        extract_x12(x12_865("BCA*00*AT*PO-7001**1*20261207", "POC*1*QD*two**EA*300", "ACK*IA*2*EA"))
    assert (err.value.segment_id, err.value.element_position) == ("POC", 3)


def test_865_without_bca_is_refused() -> None:
    with pytest.raises(X12Error, match=r"change acknowledgment \(BCA\) is missing"):
        extract_x12(x12_865("REF*VN*SO-1", "POC*1*PC*2**EA*300", "ACK*IA*2*EA"))


# --- EDIFACT ORDRSP answering an ORDCHG ---------------------------------------------------------


def test_an_ordrsp_to_an_ordchg_reads_as_an_acknowledgment_of_the_order() -> None:
    body = [
        "BGM+231+ORS-88+29",
        "DTM+137:20261208:102",
        "RFF+ON:PO-7001",
        "RFF+PP:PO-7001-1",  # the order change number of our ORDCHG (BGM 1004)
        "NAD+SU+NORDIC::92",
        "LIN+1+5+LAB-PIPETTE-1000:IN",
        "LIN+2+5+MRO-GLOVE-NITRILE-L:IN",
    ]
    segments = ["UNH+1+ORDRSP:D:96A:UN", *body, f"UNT+{len(body) + 2}+1"]
    raw = (
        "UNA:+.? 'UNB+UNOC:3+7350012340005:14+BUYERCO:14+261208:1010+55'" + "'".join(segments) + "'UNZ+1+55'"
    ).encode()
    [found] = extract_edifact(raw)
    ack = Acknowledgment.model_validate(found.document)
    assert (found.format, ack.ack_id, ack.po_number, ack.vendor_id) == (
        "edifact-ORDRSP",
        "ORS-88",
        "PO-7001",
        "NORDIC",
    )
    assert ack.status == AckStatus.ACCEPTED
    assert [(line.line_no, line.status) for line in ack.lines] == [
        (1, AckLineStatus.ACCEPTED),
        (2, AckLineStatus.ACCEPTED),
    ]
    assert ack.acknowledged_at.date() == date(2026, 12, 8)


def ordrsp(*header: str) -> bytes:
    """An ORDRSP from NORDIC accepting both lines of PO-7001, with `header` segments after RFF+ON."""
    body = [
        "BGM+231+ORS-88+29",
        "DTM+137:20261208:102",
        "RFF+ON:PO-7001",
        *header,
        "NAD+SU+NORDIC::92",
        "LIN+1+5+LAB-PIPETTE-1000:IN",
        "LIN+2+5+MRO-GLOVE-NITRILE-L:IN",
    ]
    segments = ["UNH+1+ORDRSP:D:96A:UN", *body, f"UNT+{len(body) + 2}+1"]
    return (
        "UNA:+.? 'UNB+UNOC:3+7350012340005:14+BUYERCO:14+261208:1010+55'" + "'".join(segments) + "'UNZ+1+55'"
    ).encode()


def test_an_ordrsp_quoting_our_ordchg_change_number_answers_that_revision() -> None:
    # The change number as our ORDCHG wrote it for revision 2 (BGM 1004 and RFF+PP).
    sent = ordchg(order(1), order(2, l1={"unit_price": "300.00"}))
    quoted = next(seg.value(1, 2) for seg in sent if seg.tag == "RFF" and seg.value(1, 1) == "PP")
    assert quoted == "PO-7001-2"
    [found] = extract_edifact(ordrsp(f"RFF+PP:{quoted}"))
    assert Acknowledgment.model_validate(found.document).answers_revision == 2
    assert found.locations["answers_revision"].segment.startswith("RFF")
    assert found.warnings == []


def test_an_ordrsp_to_the_original_orders_does_not_say_which_revision() -> None:
    [found] = extract_edifact(ordrsp())
    assert Acknowledgment.model_validate(found.document).answers_revision is None


def test_an_ordrsp_quoting_a_bare_change_number_answers_that_revision() -> None:
    [found] = extract_edifact(ordrsp("RFF+PP:1"))
    assert Acknowledgment.model_validate(found.document).answers_revision == 1


@pytest.mark.parametrize(
    "quoted", ["PO-7002-1", "CHG-A", "PO-7001-x"], ids=["other-order", "text", "no-number"]
)
def test_an_ordrsp_change_number_poflow_never_sent_is_not_a_revision(quoted: str) -> None:
    [found] = extract_edifact(ordrsp(f"RFF+PP:{quoted}"))
    ack = Acknowledgment.model_validate(found.document)  # still read: only the revision is not said
    assert ack.answers_revision is None and ack.po_number == "PO-7001"
    assert any(f"order change number {quoted!r} is not one poflow sent" in w for w in found.warnings)


# --- X12 855: REF*PP, as our 850 of a later revision sends it -------------------------------------


def x12_855(*header: str) -> bytes:
    body = ["BAK*00*AD*PO-7001*20261207****SO-9*20261208", *header, "N1*VN*LABWORKS SCIENTIFIC*92*LABWORKS"]
    body += ["PO1*1*2*EA*310**BP*LAB-PIPETTE-1000", "ACK*IA*2*EA"]
    segments = ["ST*855*0001", *body, f"SE*{len(body) + 2}*0001"]
    return (
        "ISA*00*          *00*          *ZZ*LABWORKSEDI    *ZZ*POFLOW         *261208*0930*U*00401*000000414*0*P*>~"
        "GS*PR*LABWORKSEDI*POFLOW*20261208*0930*414*X*004010~"
        + "~".join(segments)
        + "~GE*1*414~IEA*1*000000414~"
    ).encode()


def test_855_echoing_the_850s_revision_in_ref_pp_answers_it() -> None:
    sent = render_850(order(2), sender_id="BUYERCO", receiver_id="LABWORKSEDI", control_number=5, now=NOW)
    [tx] = read_interchanges(sent)[0].groups[0].transactions
    ref = next(seg for seg in tx.segments if seg.tag == "REF" and seg.get(1) == "PP")
    [found] = extract_x12(x12_855(f"REF*PP*{ref.get(2)}"))
    ack = Acknowledgment.model_validate(found.document)
    assert ack.answers_revision == 2 and found.locations["answers_revision"].segment == "REF02 (segment 3)"


def test_855_without_ref_pp_does_not_say_which_revision() -> None:
    [found] = extract_x12(x12_855())
    assert Acknowledgment.model_validate(found.document).answers_revision is None
    assert not any("revision" in w for w in found.warnings)


# --- JSON door -------------------------------------------------------------------------------------


def json_ack(**extra: object) -> bytes:
    body = {"ack_id": "OA-1", "po_number": "PO-7001", "vendor_id": "LABWORKS", "status": "accepted",
            "acknowledged_at": "2026-12-08T09:30:00Z", **extra}  # fmt: skip
    return json.dumps(body).encode()


def test_the_json_door_takes_the_revision_answered() -> None:
    [found] = extract_json(json_ack(answers_revision=1))
    assert Acknowledgment.model_validate(found.document).answers_revision == 1
    [unstated] = extract_json(json_ack())
    assert Acknowledgment.model_validate(unstated.document).answers_revision is None


@pytest.mark.parametrize("bad", [-1, "r1", 1.5])
def test_the_json_door_refuses_a_revision_that_is_not_one(bad: object) -> None:
    with pytest.raises(ExtractionError) as err:
        extract_json(json_ack(answers_revision=bad))
    assert "answers_revision" in str(err.value)
