"""Purchase orders from buyers' ERPs (#19, the PO door): the X12 850 and
EDIFACT ORDERS readers.

Expectations come from the standards (ASC X12 004010 850; UN/EDIFACT D.96A
ORDERS) and from the hand-written files in tests/samples/po-edi/, never from
what the readers print. The round trips render a PurchaseOrder with poflow's
own writers (write_850.render_850, edifact.write.render_orders) and read it
back field by field: what the writer sends, the reader must find.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from activities.intake.edifact.write import render_orders
from activities.intake.errors import ExtractionError
from activities.intake.extract import extract_file
from activities.intake.x12.errors import X12Error
from activities.intake.x12.write_850 import render_850
from models.extraction import Extracted, ExtractedKind
from models.purchase_order import DeliverySchedule, PurchaseOrder
from starter.cli import Io, run

SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "po-edi"
NOW = datetime(2026, 12, 1, 9, 15, tzinfo=UTC)


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()


def orders(raw: bytes) -> list[PurchaseOrder]:
    found = extract_file(raw)
    assert all(item.kind == ExtractedKind.PURCHASE_ORDER for item in found)
    return [item.model() for item in found]  # type: ignore[misc]


def error_of(raw: bytes) -> ExtractionError:
    with pytest.raises(ExtractionError) as caught:
        extract_file(raw)
    return caught.value


def po(**changes: object) -> PurchaseOrder:
    data: dict[str, object] = {
        "po_number": "PO-10482",
        "vendor_id": "ACME",
        "buyer": "bob.buyer",
        "requested_by": "rita.requester",
        "currency": "USD",
        "order_date": "2026-11-02",
        "payment_terms": {"net_days": 30, "discount_days": 10, "discount_percent": "2"},
        "freight": "25.50",
        "note": "Deliver to gate 4 and call ahead",
        "lines": [
            {
                "line_no": 1,
                "item_id": "MRO-GLOVE-NITRILE-L",
                "description": "Nitrile gloves, size L, box of 100",
                "quantity": "100",
                "uom": "BX",
                "unit_price": "11.90",
                "need_by": "2026-11-15",
            },
            {"line_no": 2, "item_id": "MRO-BEARING-6204", "quantity": "200", "unit_price": "4.75"},
        ],
    }
    return PurchaseOrder.model_validate({**data, **changes})


# --- X12 850: the hand-written files ----------------------------------------------------


def test_850_from_an_erp_reads_every_field_the_standard_places() -> None:
    (order,) = orders(sample("x12-850-004010-erp.edi"))
    assert order.po_number == "4500012345"  # BEG03
    assert order.order_date == date(2026, 12, 1)  # BEG05
    assert (order.currency, order.vendor_id, order.buyer) == (
        "USD",
        "ACME",
        "Dana Buyer",
    )  # CUR02, REF*VR, PER02
    assert order.payment_terms.model_dump() == {  # ITD03 / ITD05 / ITD07
        "net_days": 30,
        "discount_days": 10,
        "discount_percent": Decimal("2"),
    }
    assert order.note == "Deliver to dock 3 between 8 and 16"  # N9*L1 + MSG01
    first, second = order.lines
    # PO101 is the ERP's line number (10, 20), not a position; BP (buyer's part) wins over VP.
    assert (first.line_no, first.item_id, first.quantity, first.uom, first.unit_price) == (
        10,
        "MRO-GLOVE-L",
        Decimal("100"),
        "BX",
        Decimal("11.90"),
    )
    assert first.description == "Nitrile gloves, size L"  # PID05
    assert first.need_by == date(2026, 12, 10)  # the line's own DTM*002
    # PO105 HP: 475 per hundred is 4.75 each; BP after VP is still the item.
    assert (second.line_no, second.item_id, second.unit_price) == (20, "MRO-BEARING-6204", Decimal("4.75"))
    assert second.need_by == date(2026, 12, 15)  # the header DTM*002
    assert second.schedules == [
        DeliverySchedule(quantity=Decimal("120"), date=date(2026, 12, 15)),
        DeliverySchedule(quantity=Decimal("80"), date=date(2027, 1, 15)),
    ]


def test_850_ship_to_is_named_in_a_warning_since_the_po_does_not_keep_it() -> None:
    (found,) = extract_file(sample("x12-850-004010-erp.edi"))
    assert any("ship-to 'Poflow Plant Rotterdam, Havenweg 12, Rotterdam" in w for w in found.warnings)


def test_850_two_interchanges_indented_with_their_own_delimiters() -> None:
    first, second = orders(sample("x12-850-two-interchanges-indented.edi"))
    assert (first.po_number, first.vendor_id, first.currency) == ("PO-DYN-0001", "ACME", "EUR")  # N1*VN*…*92
    assert (first.lines[0].item_id, first.lines[0].unit_price) == ("PUMP-SEAL-22", Decimal("120.00"))  # IN
    assert (second.po_number, second.vendor_id) == ("PO-DYN-0002", "ACME")  # REF*VR
    assert second.freight == Decimal("15.00")  # SAC05 1500 is N2
    assert (second.payment_terms.net_days, second.lines[0].uom) == (45, "CS")


# --- EDIFACT ORDERS: the hand-written files ---------------------------------------------


def test_orders_d96a_from_an_erp_reads_every_field_the_directory_places() -> None:
    (found,) = extract_file(sample("edifact-orders-d96a-erp.edi"))
    order = found.model()
    assert isinstance(order, PurchaseOrder)
    assert (order.po_number, order.order_date) == ("4500067890", date(2026, 12, 3))  # BGM 1004, DTM+137
    assert (order.currency, order.vendor_id, order.buyer) == (
        "SEK",
        "ACME",
        "Erik Lund",
    )  # CUX, NAD+SU, CTA+PD
    assert order.payment_terms.net_days == 30  # PAT+1 C112 2152
    assert order.note == "Please quote the order number on every delivery note"  # FTX+PUR
    first, second = order.lines
    # PIA's buyer number (IN) wins over the GTIN in LIN; PCE is EA; 119 per 10 (5284) is 11.9.
    assert (first.line_no, first.item_id, first.uom, first.unit_price) == (
        1,
        "MRO-GLOVE-L",
        "EA",
        Decimal("11.9"),
    )
    assert (first.description, first.need_by) == ("Nitrile gloves, size L", date(2026, 12, 15))
    assert (second.item_id, second.quantity, second.unit_price) == (
        "MRO-BEARING-6204",
        Decimal(200),
        Decimal("4.75"),
    )
    assert second.need_by == date(2026, 12, 20)  # no DTM+2 on the line: the header's
    assert any("PRI+AAB" in w for w in found.warnings)  # a gross price only, said so
    assert any("delivery party '5790000000029, Poflow Warehouse" in w for w in found.warnings)


def test_orders_d01b_two_interchanges_without_una() -> None:
    first, second = orders(sample("edifact-orders-d01b-two-interchanges.edi"))
    assert (first.po_number, second.po_number) == ("PO-DYN-0101", "PO-DYN-0102")
    assert first.payment_terms.model_dump() == {  # PAT+22 + PCD+12, PAT+1
        "net_days": 30,
        "discount_days": 10,
        "discount_percent": Decimal("2"),
    }
    assert (first.requested_by, first.freight) == ("rita", Decimal("25.50"))  # CTA+OC, ALC C FC + MOA+23
    assert second.lines[0].unit_price == Decimal("60")


# --- round trips: poflow's writers, read back -----------------------------------------


def test_850_round_trip_reads_back_what_render_850_writes() -> None:
    sent = po()
    raw = render_850(sent, sender_id="POFLOW", receiver_id="ACME", control_number=42, now=NOW)
    (back,) = orders(raw)
    # The 850 writer has no element for who requested the order (PER*OC is not written).
    assert back == sent.model_copy(update={"requested_by": None})


def test_850_round_trip_of_a_revision_carries_ref_pp() -> None:
    sent = po(revision=3, freight="0", note=None, payment_terms={"net_days": 45})
    raw = render_850(sent, sender_id="POFLOW", receiver_id="ACME", control_number=43, now=NOW)
    assert b"BEG*05*SA*PO-10482" in raw and b"REF*PP*3~" in raw
    (back,) = orders(raw)
    assert back == sent.model_copy(update={"requested_by": None})


def test_850_sent_again_as_a_duplicate_reads_as_the_same_order() -> None:
    sent = po()
    raw = render_850(sent, sender_id="POFLOW", receiver_id="ACME", control_number=44, now=NOW, duplicate=True)
    assert b"BEG*07*" in raw
    (back,) = orders(raw)
    assert back.po_number == sent.po_number and back.lines == sent.lines


def test_orders_round_trip_reads_back_what_render_orders_writes() -> None:
    sent = po()
    raw = render_orders(sent, sender_id="POFLOW", receiver_id="ACME", control_reference="9", now=NOW)
    (back,) = orders(raw)
    assert back == sent  # every field: CTA+OC carries requested_by


def test_orders_round_trip_with_long_free_text_over_several_segments() -> None:
    words = " ".join(f"word{n}" for n in range(120))  # over one FTX (5 × 70) and one IMD (2 × 35)
    sent = po(note=words, lines=[{**po().lines[0].model_dump(), "description": words[:500].strip()}])
    raw = render_orders(sent, sender_id="POFLOW", receiver_id="ACME", control_reference="10", now=NOW)
    (back,) = orders(raw)
    assert back.note == sent.note and back.lines[0].description == sent.lines[0].description


# --- what is refused, and where ---------------------------------------------------------

ISA = "ISA*00*          *00*          *ZZ*ERPBUYER       *ZZ*ACMEIND        *261201*0915*U*00401*000000007*0*P*>~"


def x12_850(*body: str) -> bytes:
    """One 850 around `body` (segments without terminators), SE counted."""
    segments = ["ST*850*0001", *body]
    segments.append(f"SE*{len(segments) + 1}*0001")
    text = "\n".join([ISA, "GS*PO*ERPBUYER*ACMEIND*20261201*0915*7*X*004010~"])
    text += "\n" + "\n".join(f"{s}~" for s in segments)
    return (text + "\nGE*1*7~\nIEA*1*000000007~\n").encode()


HEADER = ["BEG*00*SA*PO-1**20261201", "CUR*BY*USD", "PER*BD*bob", "N1*VN*Acme*92*ACME"]
LINES = ["PO1*1*10*EA*2.50*PE*BP*WIDGET", "PO1*2*4*EA*10*PE*VP*GADGET"]


def x12_error(*body: str) -> X12Error:
    err = error_of(x12_850(*body))
    assert isinstance(err, X12Error)
    return err


def test_the_minimal_850_is_read() -> None:
    (order,) = orders(x12_850(*HEADER, *LINES, "CTT*2*14", "AMT*TT*65"))
    assert [(line.item_id, line.quantity) for line in order.lines] == [("WIDGET", 10), ("GADGET", 4)]


@pytest.mark.parametrize(
    ("leave_out", "segment", "said"),
    [
        ("CUR*BY*USD", "CUR", "currency of the order (CUR) is missing"),
        ("PER*BD*bob", "PER", "buyer contact (PER01 BD) (PER) is missing"),
        ("N1*VN*Acme*92*ACME", "N1", "vendor (N1*VN with N104, or REF*VR) (N1) is missing"),
    ],
)
def test_a_missing_mandatory_segment_is_named(leave_out: str, segment: str, said: str) -> None:
    err = x12_error(*[s for s in HEADER if s != leave_out], *LINES)
    assert err.segment_id == segment and said in str(err)


def test_no_po1_is_refused() -> None:
    assert x12_error(*HEADER, "CTT*0").segment_id == "PO1"


@pytest.mark.parametrize(
    ("line", "element", "said"),
    [
        ("PO1**10*EA*2.50*PE*BP*WIDGET", 1, "PO101"),
        ("PO1*1*10*EA**PE*BP*WIDGET", 4, "unit price (PO104) is missing"),
        ("PO1*1*10*EA*2.50*PE", 7, "no product id"),
        ("PO1*1**EA*2.50*PE*BP*WIDGET", 2, "quantity ordered (PO102) is missing"),
    ],
)
def test_a_po1_without_what_a_line_needs_names_the_element(line: str, element: int, said: str) -> None:
    err = x12_error(*HEADER, line)
    assert (err.segment_id, err.element_position) == ("PO1", element) and said in str(err)


@pytest.mark.parametrize(
    ("summary", "segment", "said"),
    [
        ("CTT*3", "CTT", "CTT01 says 3 line items; the order has 2 PO1"),
        (
            "CTT*2*15",
            None,
            "CTT02 (hash total of PO102) says the quantities add up to 15; the lines add up to 14",
        ),
        ("AMT*TT*70.00", None, "AMT*TT (total transaction amount) says 70; the order adds up to 65"),
    ],
)
def test_control_totals_that_do_not_add_up_are_refused(summary: str, segment: str | None, said: str) -> None:
    err = error_of(x12_850(*HEADER, *LINES, summary))
    assert said in str(err)
    assert summary[:3] in (err.where or "")
    if segment:
        assert isinstance(err, X12Error) and err.segment_id == segment


def test_schedules_that_do_not_add_up_to_the_line_name_the_sch() -> None:
    err = x12_error(*HEADER, LINES[0], "SCH*6*EA***002*20261210", "SCH*3*EA***002*20261220")
    assert err.segment_id == "SCH"
    assert "the SCH01 quantities of line 1 add up to 9; PO102 orders 10" in str(err)


@pytest.mark.parametrize(("purpose", "what"), [("01", "cancellation"), ("04", "change (send an 860)")])
def test_an_850_that_does_not_create_an_order_is_refused_at_beg01(purpose: str, what: str) -> None:
    err = x12_error(f"BEG*{purpose}*SA*PO-1**20261201", *HEADER[1:], *LINES)
    assert (err.segment_id, err.element_position) == ("BEG", 1) and what in str(err)


def test_the_same_line_number_twice_is_refused_at_the_po1() -> None:
    err = error_of(x12_850(*HEADER, LINES[0], LINES[0]))
    assert err.message == "lines: purchase order line_no 1 appears twice"
    assert err.where == "PO101 (segment 6)"  # the first line's PO1: where the numbering starts


def test_an_unknown_currency_is_refused_at_cur02() -> None:
    err = error_of(x12_850(HEADER[0], "CUR*BY*XYZ", *HEADER[2:], *LINES))
    assert err.message.startswith("currency: unknown currency 'XYZ'") and err.where == "CUR02 (segment 3)"


def test_a_discount_without_its_days_is_refused_at_itd() -> None:
    err = x12_error(*HEADER, "ITD*08*3*2******30", *LINES)
    assert (err.segment_id, err.element_position) == ("ITD", 5)


# --- EDIFACT refusals -----------------------------------------------------------------

ORDERS_HEADER = ["BGM+220+PO-7+9", "DTM+137:20261201:102", "NAD+SU+ACME::92", "CTA+PD+:bob", "CUX+2:EUR:9"]
ORDERS_LINES = [
    "LIN+1++WIDGET:IN",
    "QTY+21:10:PCE",
    "PRI+AAA:2.50",
    "LIN+2++GADGET:IN",
    "QTY+21:4:PCE",
    "PRI+AAA:10",
]


def orders_raw(*body: str) -> bytes:
    segments = ["UNH+1+ORDERS:D:96A:UN", *body]
    segments.append(f"UNT+{len(segments) + 1}+1")
    text = "UNA:+.? 'UNB+UNOC:3+ERPBUYER:ZZZ+ACMEIND:ZZZ+261201:0915+55'"
    return (text + "".join(f"{s}'" for s in segments) + "UNZ+1+55'").encode()


def test_the_minimal_orders_is_read() -> None:
    (order,) = orders(orders_raw(*ORDERS_HEADER, *ORDERS_LINES, "UNS+S", "CNT+2:2", "CNT+1:14", "MOA+79:65"))
    assert [(line.item_id, line.quantity, line.uom) for line in order.lines] == [
        ("WIDGET", 10, "EA"),
        ("GADGET", 4, "EA"),
    ]


@pytest.mark.parametrize(
    ("leave_out", "said"),
    [
        ("CUX+2:EUR:9", "no order currency (CUX+2"),
        ("CTA+PD+:bob", "no purchasing contact (CTA+PD"),
        ("NAD+SU+ACME::92", "no supplier id (NAD+SU"),
    ],
)
def test_orders_without_a_mandatory_part_is_refused(leave_out: str, said: str) -> None:
    err = error_of(orders_raw(*[s for s in ORDERS_HEADER if s != leave_out], *ORDERS_LINES))
    assert said in err.message and (err.where or "").startswith("UNH 1 ORDERS")


@pytest.mark.parametrize(
    ("line", "said"),
    [
        (["LIN+1++WIDGET:IN", "PRI+AAA:2.50"], "no ordered quantity (QTY+21)"),
        (["LIN+1++WIDGET:IN", "QTY+21:10:PCE"], "no price (PRI+AAA or PRI+AAB)"),
        (["LIN+1", "QTY+21:10:PCE", "PRI+AAA:2.50"], "no item number (LIN C212 or PIA)"),
        (["LIN+X++WIDGET:IN", "QTY+21:10:PCE", "PRI+AAA:2.50"], "line number 'X' (LIN 1082)"),
    ],
)
def test_a_lin_group_without_what_a_line_needs_is_refused_at_the_lin(line: list[str], said: str) -> None:
    err = error_of(orders_raw(*ORDERS_HEADER, *line))
    assert said in err.message and (err.where or "").endswith("(LIN)")


@pytest.mark.parametrize(
    ("summary", "tag", "said"),
    [
        ("CNT+2:3", "CNT", "CNT+2 says 3 line items; the order has 2 LIN"),
        ("CNT+1:15", "CNT", "CNT+1 (total of the quantities) says the quantities add up to 15"),
        ("MOA+79:66", "MOA", "MOA+79 says 66; the order adds up to 65"),
        ("MOA+86:1", "MOA", "MOA+86 says 1; the order adds up to 65"),
    ],
)
def test_orders_control_totals_that_do_not_add_up_are_refused(summary: str, tag: str, said: str) -> None:
    err = error_of(orders_raw(*ORDERS_HEADER, *ORDERS_LINES, "UNS+S", summary))
    assert said in err.message and (err.where or "").endswith(f"({tag})")


@pytest.mark.parametrize(("function", "what"), [("1", "cancellation"), ("4", "change (send an ORDCHG)")])
def test_an_orders_that_does_not_create_an_order_is_refused_at_bgm(function: str, what: str) -> None:
    err = error_of(orders_raw(f"BGM+220+PO-7+{function}", *ORDERS_HEADER[1:], *ORDERS_LINES))
    assert what in err.message and (err.where or "").endswith("(BGM)")


def test_a_discount_without_its_percentage_is_refused_at_pat() -> None:
    err = error_of(orders_raw(*ORDERS_HEADER, "PAT+22++5:3:D:10", *ORDERS_LINES))
    assert "PCD+12" in err.message and (err.where or "").endswith("(PAT)")


def test_a_readable_850_beside_a_supplier_document_is_each_read_as_its_kind() -> None:
    """The readers read what is there; refusing a mixed file is the door's rule."""
    raw = x12_850(*HEADER, *LINES).replace(
        b"SE*8*0001~\n", b"SE*8*0001~\nST*855*0002~\nBAK*00*AC*PO-1*20261201~\nCTT*0~\nSE*4*0002~\n"
    )
    raw = raw.replace(b"GE*1*7", b"GE*2*7")
    kinds = [item.kind for item in extract_file(raw)]
    assert ExtractedKind.PURCHASE_ORDER in kinds and ExtractedKind.ACKNOWLEDGMENT in kinds


def _reading(raw: bytes) -> Extracted:
    (found,) = extract_file(raw)
    return found


def test_every_field_of_a_read_850_has_its_segment() -> None:
    found = _reading(sample("x12-850-004010-erp.edi"))
    assert found.locations["po_number"].segment == "BEG03 (segment 2)"
    assert found.locations["lines[1].unit_price"].segment == "PO104 (segment 18)"


# --- poflow extract ---------------------------------------------------------------------


def test_poflow_extract_shows_the_read_po() -> None:
    out, err = io.StringIO(), io.StringIO()
    code = run(["extract", str(SAMPLES / "x12-850-004010-erp.edi")], io=Io(io.BytesIO(), out, err))
    assert (code, err.getvalue()) == (0, "")
    [shown] = json.loads(out.getvalue())
    assert (shown["kind"], shown["format"]) == ("purchase_order", "x12-850")
    assert PurchaseOrder.model_validate(shown["document"]) == orders(sample("x12-850-004010-erp.edi"))[0]


def test_poflow_extract_names_the_segment_of_an_order_that_does_not_add_up(tmp_path: Path) -> None:
    path = tmp_path / "bad.edi"
    path.write_bytes(sample("edifact-orders-d96a-erp.edi").replace(b"MOA+79:2140", b"MOA+79:2150"))
    out, err = io.StringIO(), io.StringIO()
    code = run(["extract", str(path)], io=Io(io.BytesIO(), out, err))
    assert code == 2 and out.getvalue() == ""
    assert "UNH 1 ORDERS, segment 23 (MOA): MOA+79 says 2150; the order adds up to 2140" in err.getvalue()
