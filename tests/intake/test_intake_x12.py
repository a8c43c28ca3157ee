"""X12 intake: the envelope reader, the 855/856/810 mapping, the 850 and 997
writers and the supplier simulator's samples.

Expected values come from the X12 rules (fixed-width ISA, SE01 counts ST..SE,
TDS01 is N2, ACK01 codes of element 668, …) and from the hand-written files in
tests/samples/x12, not from the parser's own output.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities.intake.errors import ExtractionError
from activities.intake.limits import IntakeLimits
from activities.intake.x12.errors import X12Error
from activities.intake.x12.read import extract_x12
from activities.intake.x12.syntax import read_interchanges
from activities.intake.x12.write_850 import render_850
from activities.intake.x12.write_997 import render_997
from models.documents import ShipNotice
from models.extraction import ExtractedKind, model_class
from tools.supplier_sim.x12 import ORDERS, SUPPLIERS, handwritten_samples, render_856, sample_set

NOW = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
SAMPLES = {sample.name: sample for sample in sample_set()}


# --- building interchanges for the tests -----------------------------------------


def isa(
    *,
    element: str = "*",
    component: str = ">",
    terminator: str = "~",
    version: str = "00401",
    repetition: str = "U",
    control: str = "000000905",
    sender: str = "ACMEIND",
) -> str:
    fields = [
        "ISA",
        "00",
        " " * 10,
        "00",
        " " * 10,
        "ZZ",
        f"{sender:<15}",
        "ZZ",
        f"{'POFLOW':<15}",
        "261120",
        "1015",
        repetition,
        version,
        control,
        "0",
        "P",
        component,
    ]
    return element.join(fields) + terminator


def interchange(
    body: list[str],
    *,
    set_id: str = "810",
    functional: str = "IN",
    element: str = "*",
    terminator: str = "~",
    line_end: str = "\n",
    **isa_options: str,
) -> bytes:
    """A valid interchange around `body` (segments written with '*', without
    terminators): one group, one transaction set, counts filled in."""
    segments = [f"ST*{set_id}*0001", *body, f"SE*{len(body) + 2}*0001"]
    lines = [
        f"GS*{functional}*ACMEIND*POFLOW*20261120*1015*905*X*004010",
        *segments,
        "GE*1*905",
        "IEA*1*000000905",
    ]
    text = isa(element=element, terminator=terminator, **isa_options) + line_end
    text += "".join(line.replace("*", element) + terminator + line_end for line in lines)
    return text.encode()


INVOICE_BODY = [
    "BIG*20261120*INV-4471*20261102*PO-2026-1001***DI",
    "CUR*SE*USD",
    "N1*VN*Acme Industrial Supply*92*ACME",
    "IT1*1*100*EA*11.90*PE*BP*MRO-GLOVE-NITRILE-L",
    "IT1*2*200*EA*4.75*PE*BP*MRO-BEARING-6204",
    "TDS*214000",
    "CTT*2",
]


def invoice_with(
    *replace: tuple[str, str], add: list[str] | None = None, header: list[str] | None = None
) -> bytes:
    """INVOICE_BODY with segments replaced, `header` segments after N1 and
    `add` segments before TDS (in the last IT1 loop)."""
    body = list(INVOICE_BODY)
    for old, new in replace:
        body = [new if segment == old else segment for segment in body]
    if add:
        body[-2:-2] = add
    if header:
        body[3:3] = header
    return interchange(body)


def only(raw: bytes, **kwargs: object):
    found = extract_x12(raw, **kwargs)
    assert len(found) == 1
    return found[0]


def segments_of(raw: bytes) -> list[list[str]]:
    return [segment.strip().split("*") for segment in raw.decode().split("~") if segment.strip()]


# --- envelope and delimiters ---------------------------------------------------------


def test_delimiters_are_read_from_the_isa() -> None:
    raw = interchange(INVOICE_BODY, element="|", terminator="\n", line_end="", component="\\")
    [read] = read_interchanges(raw)
    assert (read.delimiters.element, read.delimiters.component, read.delimiters.segment) == ("|", "\\", "\n")
    assert only(raw).document["invoice_number"] == "INV-4471"


def test_repetition_separator_only_from_version_00402() -> None:
    [old] = read_interchanges(interchange(INVOICE_BODY))
    [new] = read_interchanges(interchange(INVOICE_BODY, version="00501", repetition="^"))
    assert old.delimiters.repetition is None
    assert new.delimiters.repetition == "^"


def test_crlf_after_segment_terminators_is_allowed() -> None:
    raw = interchange(INVOICE_BODY, line_end="\r\n")
    assert only(raw).document["total"] == "2140.00"


def test_isa_that_is_not_fixed_width_names_the_element() -> None:
    raw = interchange(INVOICE_BODY).replace(b"ACMEIND        ", b"ACMEIND       ", 1)  # ISA06 14 wide
    with pytest.raises(X12Error) as caught:
        extract_x12(raw)
    assert "ISA06" in str(caught.value)
    assert caught.value.element_position == 6


def test_se_count_mismatch_names_the_se_segment() -> None:
    raw = interchange(INVOICE_BODY).replace(b"SE*9*0001", b"SE*8*0001")
    with pytest.raises(X12Error) as caught:
        extract_x12(raw)
    err = caught.value
    assert (err.segment_id, err.segment_position, err.set_error) == ("SE", 9, "4")
    assert "transaction 0001 (810), segment 9 (SE)" in str(err)


def test_st_and_se_control_numbers_must_match() -> None:
    raw = interchange(INVOICE_BODY).replace(b"SE*9*0001", b"SE*9*0002")
    with pytest.raises(X12Error) as caught:
        extract_x12(raw)
    assert caught.value.set_error == "3"


def test_ge_count_must_match_the_sets_in_the_group() -> None:
    raw = interchange(INVOICE_BODY).replace(b"GE*1*905", b"GE*2*905")
    with pytest.raises(X12Error) as caught:
        extract_x12(raw)
    assert (caught.value.group_error, caught.value.segment_id) == ("5", "GE")


def test_iea_control_number_must_match_isa13() -> None:
    raw = interchange(INVOICE_BODY).replace(b"IEA*1*000000905", b"IEA*1*000000906")
    with pytest.raises(X12Error) as caught:
        extract_x12(raw)
    assert (caught.value.interchange_error, caught.value.segment_id) == ("001", "IEA")


def test_interchange_without_iea_is_a_premature_end() -> None:
    raw = interchange(INVOICE_BODY).replace(b"IEA*1*000000905~\n", b"")
    with pytest.raises(X12Error) as caught:
        extract_x12(raw)
    assert caught.value.interchange_error == "023"


def test_segment_outside_a_transaction_set_is_an_error() -> None:
    raw = interchange(INVOICE_BODY).replace(b"GE*1*905", b"REF*PO*X~\nGE*1*905")
    with pytest.raises(X12Error) as caught:
        extract_x12(raw)
    assert "'REF' outside a transaction set" in str(caught.value)


def test_data_after_iea_is_an_error() -> None:
    with pytest.raises(X12Error, match="after IEA"):
        extract_x12(interchange(INVOICE_BODY) + b"garbage")


def test_test_interchange_and_odd_group_type_are_warned() -> None:
    raw = interchange(INVOICE_BODY).replace(b"*0*P*>", b"*0*T*>").replace(b"GS*IN*", b"GS*PR*")
    warnings = only(raw).warnings
    assert "test interchange (ISA15 = T)" in warnings
    assert any("group of type PR; expected IN" in warning for warning in warnings)


def test_not_x12_is_an_extraction_error() -> None:
    with pytest.raises(ExtractionError, match="ISA"):
        extract_x12(b"UNB+UNOC:3+SENDER+RECEIVER+261120:1015+1'")


def test_limits_bound_bytes_and_segments() -> None:
    raw = interchange(INVOICE_BODY)
    with pytest.raises(ExtractionError, match="bytes"):
        extract_x12(raw, limits=IntakeLimits(max_bytes=100))
    with pytest.raises(ExtractionError, match="segments"):
        extract_x12(raw, limits=IntakeLimits(max_segments=5))


def test_several_interchanges_in_one_file_are_all_read() -> None:
    sample = SAMPLES["acme-two-interchanges"]
    interchanges = read_interchanges(sample.raw)
    assert [ic.delimiters.element for ic in interchanges] == ["*", "|"]
    assert [e.kind for e in extract_x12(sample.raw)] == [ExtractedKind.ACKNOWLEDGMENT, ExtractedKind.ASN]


def test_only_unsupported_sets_is_an_error() -> None:
    raw = interchange(["BCH*00*SA*PO-1**20261102"], set_id="860", functional="PC")
    with pytest.raises(X12Error, match="no 850, 855, 865, 856, 810, 997 or 999"):
        extract_x12(raw)


# --- 855 ------------------------------------------------------------------------------


def ack_interchange(*lines: str, bak: str = "BAK*00*AC*PO-2026-1001*20261102****SO-9*20261103") -> bytes:
    return interchange([bak, "N1*VN*Acme*92*ACME", *lines], set_id="855", functional="PR")


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("AD", "accepted"),
        ("AK", "accepted"),
        ("AC", "accepted_with_changes"),
        ("AE", "accepted_with_changes"),
        ("RJ", "rejected"),
        ("RD", "rejected"),
    ],
)
def test_855_bak02_maps_to_the_header_status(code: str, status: str) -> None:
    found = only(ack_interchange(bak=f"BAK*00*{code}*PO-2026-1001*20261102****SO-9*20261103"))
    assert found.document["status"] == status
    assert found.locations["status"].segment == "BAK02 (segment 2)"


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("IA", "accepted"),
        ("IB", "backordered"),
        ("BP", "backordered"),
        ("IC", "changed"),
        ("IP", "changed"),
        ("IQ", "changed"),
        ("DR", "changed"),
        ("IR", "rejected"),
        ("ID", "rejected"),
        ("R3", "rejected"),
        ("IH", "changed"),
    ],
)
def test_855_ack01_line_status_follows_element_668(code: str, status: str) -> None:
    found = only(ack_interchange("PO1*1*100*EA*11.90*PE*BP*MRO-GLOVE-NITRILE-L", f"ACK*{code}*100*EA"))
    assert found.document["lines"][0]["status"] == status


def test_855_a_hold_is_read_as_changed_with_a_warning_and_low_confidence() -> None:
    found = only(ack_interchange("PO1*1*100*EA*11.90", "ACK*IH*100*EA"))
    assert found.confidence["lines[0].status"] == 0.6
    assert any("on hold (IH)" in warning for warning in found.warnings)


def test_855_unknown_ack01_is_an_invalid_code_at_that_element() -> None:
    with pytest.raises(X12Error) as caught:
        extract_x12(ack_interchange("PO1*1*100*EA*11.90", "ACK*ZZ*100*EA"))
    err = caught.value
    assert (err.segment_id, err.segment_position, err.element_position, err.element_error) == (
        "ACK",
        5,
        1,
        "7",
    )
    assert err.bad_value == "ZZ"


def test_855_ack_id_is_bak08_else_interchange_and_set_control_numbers() -> None:
    with_number = only(ack_interchange())
    without = only(ack_interchange(bak="BAK*00*AD*PO-2026-1001*20261102*****20261103"))
    assert with_number.document["ack_id"] == "SO-9"
    assert with_number.confidence["ack_id"] == 1.0
    assert without.document["ack_id"] == "000000905-0001"
    assert without.confidence["ack_id"] == 0.6


def test_855_acknowledged_at_is_bak09_else_the_group_time() -> None:
    dated = only(ack_interchange())
    undated = only(ack_interchange(bak="BAK*00*AD*PO-2026-1001*20261102****SO-9"))
    assert dated.document["acknowledged_at"] == "2026-11-03T00:00:00Z"
    assert undated.document["acknowledged_at"] == "2026-11-20T10:15:00Z"  # GS04/GS05
    assert undated.confidence["acknowledged_at"] == 0.7


def test_855_quantity_is_kept_only_when_it_differs_from_the_order() -> None:
    found = only(ack_interchange("PO1*1*100*EA*11.90", "ACK*IA*100*EA", "PO1*2*200*EA*4.75", "ACK*IQ*150*EA"))
    first, second = found.document["lines"]
    assert "quantity" not in first
    assert second["quantity"] == "150"


# Several ACK segments in one PO1 loop are the line's schedules (element 668
# gives each its status; ACK02 quantity, ACK04/ACK05 its promised date).


def test_855_a_line_split_into_two_dated_schedules_reads_as_schedules() -> None:
    found = only(
        ack_interchange(
            "PO1*1*100*EA*11.90",
            "ACK*IA*60*EA*068*20261109",
            "ACK*IA*40*EA*068*20261201",
            "PO1*2*200*EA*4.75",
            "ACK*DR*120*EA*068*20261110",
            "ACK*DR*50*EA*079*20261204",
        )
    )
    first, second = found.document["lines"]
    assert first == {
        "line_no": 1,
        "status": "accepted",
        "schedules": [{"quantity": "60", "date": "2026-11-09"}, {"quantity": "40", "date": "2026-12-01"}],
    }
    # 120 + 50 is not the 200 ordered: the confirmed quantity is their sum.
    assert second["status"] == "changed"
    assert second["quantity"] == "170"
    assert second["schedules"] == [
        {"quantity": "120", "date": "2026-11-10"},
        {"quantity": "50", "date": "2026-12-04"},
    ]
    assert "promised_date" not in first and "promised_date" not in second
    assert found.locations["lines[0].schedules[1].quantity"].segment == "ACK02 (segment 6)"
    assert found.locations["lines[0].schedules[1].date"].segment == "ACK05 (segment 6)"
    assert found.confidence["lines[0].schedules[0].date"] == 1.0
    assert found.confidence["lines[1].quantity"] == 1.0
    line = found.model().lines[1]
    assert line.confirmed_quantity == Decimal(170)


def test_855_a_schedule_without_a_date_is_no_schedule_the_quantities_add_up() -> None:
    found = only(ack_interchange("PO1*1*100*EA*11.90", "ACK*IA*60*EA*068*20261109", "ACK*IB*30*EA"))
    line = found.document["lines"][0]
    assert line == {"line_no": 1, "status": "backordered", "quantity": "90", "promised_date": "2026-11-09"}
    assert found.confidence["lines[0].quantity"] < 1.0
    assert any("line 1" in w and "no quantity or promised date" in w for w in found.warnings)


def test_855_one_schedule_keeps_quantity_and_promised_date() -> None:
    found = only(ack_interchange("PO1*1*100*EA*11.90", "ACK*IQ*80*EA*068*20261109"))
    assert found.document["lines"][0] == {
        "line_no": 1,
        "status": "changed",
        "quantity": "80",
        "promised_date": "2026-11-09",
    }


def test_855_substitution_names_the_buyers_part_number() -> None:
    found = only(
        ack_interchange(
            "PO1*1*100*EA*11.90*PE*BP*MRO-GLOVE-NITRILE-L",
            "ACK*IS*100*EA*068*20261109**VP*AC-NG-100XL*BP*MRO-GLOVE-NITRILE-XL",
        )
    )
    line = found.document["lines"][0]
    assert line == {
        "line_no": 1,
        "status": "substituted",
        "substitute_item_id": "MRO-GLOVE-NITRILE-XL",
        "promised_date": "2026-11-09",
    }
    assert found.confidence["lines[0].substitute_item_id"] == 1.0
    assert found.locations["lines[0].substitute_item_id"].segment == "ACK10 (segment 5)"
    assert found.model().lines[0].substitute_item_id == "MRO-GLOVE-NITRILE-XL"


def test_855_substitution_with_only_the_vendors_part_number_goes_to_review() -> None:
    found = only(
        ack_interchange(
            "PO1*1*100*EA*11.90*PE*BP*MRO-GLOVE-NITRILE-L", "ACK*IS*100*EA*068*20261109**VP*AC-NG-100XL"
        )
    )
    line = found.document["lines"][0]
    assert (line["status"], line["substitute_item_id"]) == ("substituted", "AC-NG-100XL")
    assert found.confidence["lines[0].substitute_item_id"] < 0.8
    assert any("VP" in w and "AC-NG-100XL" in w for w in found.warnings)


def test_855_substitution_naming_no_item_is_read_as_changed_for_review() -> None:
    found = only(ack_interchange("PO1*1*100*EA*11.90*PE*BP*MRO-GLOVE-NITRILE-L", "ACK*IS*100*EA"))
    line = found.document["lines"][0]
    assert line == {"line_no": 1, "status": "changed"}
    assert found.confidence["lines[0].status"] < 0.8
    assert any("names no substitute" in w for w in found.warnings)
    found.model()


def test_855_partial_shipment_with_a_dated_backordered_balance_is_two_schedules() -> None:
    found = only(
        ack_interchange("PO1*1*100*EA*11.90", "ACK*BP*60*EA*068*20261109", "ACK*IB*40*EA*068*20261215")
    )
    assert found.document["lines"][0] == {
        "line_no": 1,
        "status": "backordered",
        "schedules": [{"quantity": "60", "date": "2026-11-09"}, {"quantity": "40", "date": "2026-12-15"}],
    }


def test_855_backorder_in_one_schedule_keeps_its_promised_date() -> None:
    backordered = only(ack_interchange("PO1*1*100*EA*11.90", "ACK*IB*100*EA*068*20261215"))
    assert backordered.document["lines"][0] == {
        "line_no": 1,
        "status": "backordered",
        "promised_date": "2026-12-15",
    }
    # BP alone: ACK02 is the part shipped; the balance, still backordered, has no date.
    partial = only(ack_interchange("PO1*1*100*EA*11.90", "ACK*BP*60*EA*068*20261109"))
    line = partial.document["lines"][0]
    assert (line["status"], line["promised_date"]) == ("backordered", "2026-11-09")
    assert partial.confidence["lines[0].quantity"] < 1.0
    assert any("BP" in w for w in partial.warnings)


def test_855_a_rejected_schedule_is_not_confirmed() -> None:
    found = only(
        ack_interchange(
            "PO1*1*100*EA*11.90",
            "ACK*IA*60*EA*068*20261109",
            "ACK*IR*40*EA",
            "PO1*2*200*EA*4.75",
            "ACK*IA*100*EA*068*20261110",
            "ACK*R2*60*EA",
            "ACK*IA*40*EA*068*20261124",
        )
    )
    first, second = found.document["lines"]
    assert first == {"line_no": 1, "status": "accepted", "quantity": "60", "promised_date": "2026-11-09"}
    assert found.locations["lines[0].status"].segment == "ACK01 (segment 5)"
    assert second == {
        "line_no": 2,
        "status": "accepted",
        "quantity": "140",
        "schedules": [{"quantity": "100", "date": "2026-11-10"}, {"quantity": "40", "date": "2026-11-24"}],
    }
    assert any("line 1" in w and "IR" in w for w in found.warnings)
    assert any("line 2" in w and "R2" in w for w in found.warnings)
    found.model()


def test_855_price_change_is_read_from_po104_or_ctp() -> None:
    found = only(
        ack_interchange(
            "PO1*1*100*EA*12.40*PE",
            "ACK*IP*100*EA",
            "PO1*2*200*EA*4.75*PE",
            "CTP**UCP*4.95",
            "ACK*IC*200*EA",
            "PO1*3*50*EA*6.40*PE",
            "ACK*IA*50*EA",
        )
    )
    prices = [line.get("unit_price") for line in found.document["lines"]]
    assert prices == ["12.40", "4.95", None]


def test_855_promised_date_from_ack_or_a_dtm_in_the_line() -> None:
    found = only(
        ack_interchange(
            "PO1*1*100*EA*11.90",
            "ACK*DR*100*EA*079*20261111",
            "PO1*2*200*EA*4.75",
            "ACK*DR*200*EA",
            "DTM*068*20261118",
        )
    )
    assert [line["promised_date"] for line in found.document["lines"]] == ["2026-11-11", "2026-11-18"]
    assert found.locations["lines[1].promised_date"].segment == "DTM02 (segment 8)"


def test_855_bad_promised_date_is_an_invalid_date_error() -> None:
    with pytest.raises(X12Error) as caught:
        extract_x12(ack_interchange("PO1*1*100*EA*11.90", "ACK*DR*100*EA*068*20261131"))
    assert (caught.value.element_position, caught.value.element_error) == (5, "8")


def test_855_without_bak_is_a_missing_mandatory_segment() -> None:
    raw = interchange(["N1*VN*Acme*92*ACME"], set_id="855", functional="PR")
    with pytest.raises(X12Error) as caught:
        extract_x12(raw)
    assert (caught.value.segment_id, caught.value.segment_error) == ("BAK", "3")


# --- 856 ------------------------------------------------------------------------------


def test_856_one_ship_notice_per_order_with_distinct_ids() -> None:
    found = extract_x12(SAMPLES["856-nordic-two-orders"].raw)
    assert [(e.document["asn_id"], e.document["po_number"]) for e in found] == [
        ("SHP-77812/PO-2026-1002", "PO-2026-1002"),
        ("SHP-77812/PO-2026-1012", "PO-2026-1012"),
    ]
    # the second order states its own tracking number; the carrier is the shipment's
    assert [e.document["tracking_number"] for e in found] == ["SE-40011822", "SE-40011823"]
    assert {e.document["carrier"] for e in found} == {"DB Schenker Road"}


def test_856_cartons_of_one_po_line_are_added_up() -> None:
    found = only(SAMPLES["labworks-856-pick-pack"].raw, vendor_id="LABWORKS")
    shipped = [(line["line_no"], line["quantity_shipped"]) for line in found.document["lines"]]
    assert shipped == [(1, "4"), (3, "20")]
    assert found.locations["lines[0].line_no"].segment == "LIN07 (segment 19)"  # the PL (order line) id


def test_856_ship_time_honours_the_dtm04_time_code() -> None:
    found = only(SAMPLES["labworks-856-pick-pack"].raw, vendor_id="LABWORKS")
    assert found.document["shipped_at"] == "2026-11-11T21:30:00Z"  # 16:30 Eastern standard time


def asn_interchange(
    *extra: str,
    item: tuple[str, ...] = ("LIN*1*BP*MRO-GLOVE-NITRILE-L", "SN1**100*EA"),
    bsn: str = "BSN*00*ASN-1*20261110*0930",
) -> bytes:
    return interchange(
        [bsn, "HL*1**S", *extra, "HL*2*1*O", "PRF*PO-2026-1001", "HL*3*2*I", *item],
        set_id="856",
        functional="SH",
    )


def test_856_without_dtm011_uses_the_notice_date_less_surely() -> None:
    found = only(asn_interchange(), vendor_id="ACME")
    assert found.document["shipped_at"] == "2026-11-10T09:30:00Z"
    assert found.confidence["shipped_at"] == 0.7


def test_856_parent_must_be_an_earlier_hl() -> None:
    raw = asn_interchange().replace(b"HL*3*2*I", b"HL*3*7*I")
    with pytest.raises(X12Error) as caught:
        extract_x12(raw)
    assert (caught.value.segment_id, caught.value.element_position) == ("HL", 2)


def test_856_item_without_sn1_is_an_error() -> None:
    with pytest.raises(X12Error, match="SN1") as caught:
        extract_x12(asn_interchange(item=("LIN*1*BP*MRO-GLOVE-NITRILE-L",)))
    assert (caught.value.segment_id, caught.value.segment_error) == ("HL", "3")


# --- 810 ------------------------------------------------------------------------------


def test_810_reads_header_lines_and_total() -> None:
    found = only(invoice_with())
    doc = found.document
    assert (doc["invoice_number"], doc["po_number"], doc["invoice_date"]) == (
        "INV-4471",
        "PO-2026-1001",
        "2026-11-20",
    )
    assert doc["lines"][1] == {
        "line_no": 2,
        "quantity": "200",
        "uom": "EA",
        "unit_price": "4.75",
        "item_id": "MRO-BEARING-6204",
    }
    assert doc["total"] == "2140.00"  # TDS01 214000 with two implied decimals
    assert found.kind == ExtractedKind.INVOICE
    assert found.locations["lines[1].unit_price"].segment == "IT104 (segment 6)"


def test_810_big07_cr_is_a_credit_memo() -> None:
    found = only(
        invoice_with(
            (
                "BIG*20261120*INV-4471*20261102*PO-2026-1001***DI",
                "BIG*20261120*CM-12*20261102*PO-2026-1001***CR",
            ),
            header=["REF*OI*INV-4471"],
        )
    )
    assert found.kind == ExtractedKind.CREDIT_MEMO
    assert found.document["kind"] == "credit_memo"
    assert found.document["original_invoice_number"] == "INV-4471"


def test_810_tds_in_whole_yen_is_recognised() -> None:
    body = [
        "BIG*20261120*JP-1*20261102*PO-9",
        "CUR*SE*JPY",
        "IT1*1*3*EA*1500",
        "TDS*{}",
    ]
    proper = only(interchange([*body[:3], body[3].format("450000")]), vendor_id="ACME")
    whole = only(interchange([*body[:3], body[3].format("4500")]), vendor_id="ACME")
    assert Decimal(proper.document["total"]) == Decimal(4500)
    assert Decimal(whole.document["total"]) == Decimal(4500)
    assert whole.confidence["total"] == 0.7
    assert any("whole JPY" in warning for warning in whole.warnings)


def test_810_freight_is_sac_charge_d240_and_other_charges_are_warned() -> None:
    found = only(invoice_with(add=["SAC*C*D240***4000", "SAC*C*H090***1500", "TXI*ST*12.50"]))
    assert found.document["freight"] == "40.00"
    assert found.document["tax"] == "12.50"
    assert any("charge H090 of 15.00" in warning for warning in found.warnings)


def test_810_itd_terms_coded_counted_from_dates_or_from_text() -> None:
    coded = only(invoice_with(header=["ITD*08*3*2**10**30"]))
    dated = only(invoice_with(header=["ITD*01*3*1.5*20261130**20261220"]))
    text = only(invoice_with(header=["ITD*14*3**********2/10 NET 45"]))
    assert coded.document["payment_terms"] == {"net_days": 30, "discount_percent": "2", "discount_days": 10}
    assert dated.document["payment_terms"] == {"net_days": 30, "discount_percent": "1.5", "discount_days": 10}
    assert dated.confidence["payment_terms.net_days"] == 0.8
    assert text.document["payment_terms"] == {"net_days": 45, "discount_percent": "2", "discount_days": 10}
    assert text.confidence["payment_terms.net_days"] == 0.6


def test_810_ctt_count_that_disagrees_is_warned() -> None:
    found = only(invoice_with(("CTT*2", "CTT*3")))
    assert any("CTT01 says 3" in warning for warning in found.warnings)


def test_810_line_number_from_position_when_it101_is_missing() -> None:
    found = only(invoice_with(("IT1*2*200*EA*4.75*PE*BP*MRO-BEARING-6204", "IT1**200*EA*4.75")))
    assert found.document["lines"][1]["line_no"] == 2
    assert found.confidence["lines[1].line_no"] == 0.6


def test_810_price_per_hundred_is_converted_to_a_unit_price() -> None:
    found = only(invoice_with(("IT1*2*200*EA*4.75*PE*BP*MRO-BEARING-6204", "IT1*2*200*EA*475*HP")))
    assert Decimal(found.document["lines"][1]["unit_price"]) == Decimal("4.75")


def test_810_invalid_invoice_date_is_an_element_error() -> None:
    raw = invoice_with(("BIG*20261120*INV-4471*20261102*PO-2026-1001***DI", "BIG*20261340*INV-4471"))
    with pytest.raises(X12Error) as caught:
        extract_x12(raw)
    err = caught.value
    assert (err.segment_id, err.segment_position, err.element_position, err.element_error) == (
        "BIG",
        2,
        1,
        "8",
    )
    assert "segment 2 (BIG), element BIG01" in str(err)


def test_810_without_tds_is_a_missing_mandatory_segment() -> None:
    raw = invoice_with(("TDS*214000", "CTT*2"))
    with pytest.raises(X12Error) as caught:
        extract_x12(raw)
    assert (caught.value.segment_id, caught.value.segment_error) == ("TDS", "3")


def test_810_quantity_with_letters_is_an_invalid_character() -> None:
    raw = invoice_with(("IT1*1*100*EA*11.90*PE*BP*MRO-GLOVE-NITRILE-L", "IT1*1*1OO*EA*11.90"))
    with pytest.raises(X12Error) as caught:
        extract_x12(raw)
    assert (caught.value.element_position, caught.value.element_error) == (2, "6")


# --- vendor --------------------------------------------------------------------------


def test_vendor_id_given_by_the_caller_wins() -> None:
    found = only(invoice_with(), vendor_id="ACME-US")
    assert (found.document["vendor_id"], found.confidence["vendor_id"]) == ("ACME-US", 1.0)


def test_vendor_id_assigned_by_the_buyer_in_n1_is_read() -> None:
    found = only(invoice_with())
    assert (found.document["vendor_id"], found.confidence["vendor_id"]) == ("ACME", 0.9)
    assert found.vendor_hint == "Acme Industrial Supply (VN 92:ACME); interchange sender ZZ:ACMEIND"


def test_vendor_id_from_the_interchange_sender_is_half_sure() -> None:
    found = only(
        invoice_with(("N1*VN*Acme Industrial Supply*92*ACME", "N1*VN*Acme Industrial Supply*1*0123"))
    )
    assert (found.document["vendor_id"], found.confidence["vendor_id"]) == ("ACMEIND", 0.5)


# --- samples ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_sample_reads_back_to_its_expected_documents(name: str) -> None:
    sample = SAMPLES[name]
    found = extract_x12(sample.raw, vendor_id=sample.vendor_id)
    assert [(e.kind.value, e.format) for e in found] == [(x["kind"], x["format"]) for x in sample.expected]
    for extracted, expected in zip(found, sample.expected, strict=False):
        model = model_class(ExtractedKind(expected["kind"]))
        assert extracted.model() == model.model_validate(expected["document"])
        assert all(0 <= value <= 1 for value in extracted.confidence.values())
        for key, value in extracted.document.items():
            if not isinstance(value, (list, dict)):
                assert key in extracted.confidence, f"no confidence for {key}"


def test_sample_set_covers_vendors_kinds_and_multi_document_files() -> None:
    samples = sample_set()
    documents = [x for sample in samples for x in sample.expected]
    vendors = {x["document"]["vendor_id"] for x in documents}
    line_statuses = {
        line.get("status", "accepted")
        for x in documents
        if x["kind"] == "acknowledgment"
        for line in x["document"]["lines"]
    }
    assert {"ACME", "NORDIC", "LABWORKS"} <= vendors
    assert {"invoice", "credit_memo", "acknowledgment", "asn"} == {x["kind"] for x in documents}
    assert {"accepted", "changed", "backordered", "rejected"} <= line_statuses
    assert any(len(sample.expected) > 1 for sample in samples)
    assert len(handwritten_samples()) >= 4


def test_sim_refuses_a_multi_order_shipment_without_per_order_ids() -> None:
    notice = ShipNotice.model_validate(
        {
            "asn_id": "SHP-1",
            "po_number": "PO-1",
            "vendor_id": "ACME",
            "shipped_at": "2026-11-10T00:00:00Z",
            "lines": [{"line_no": 1, "quantity_shipped": "1"}],
        }
    )
    with pytest.raises(ValueError, match="SHP-9/PO-1"):
        render_856([notice, notice], supplier=SUPPLIERS["ACME"], shipment_id="SHP-9")


# --- 850 and 997 writers ---------------------------------------------------------------


def test_850_carries_the_po_and_passes_the_envelope_checks() -> None:
    po = ORDERS["PO-2026-1002"].model_copy(update={"note": "Deliver to gate 4*; call ahead~"})
    raw = render_850(po, sender_id="POFLOW", receiver_id="7350012340005", control_number=42, now=NOW)
    [read] = read_interchanges(raw)  # counts and control numbers are right, or this raises
    assert read.control_number == "000000042"
    segments = segments_of(raw)
    assert ["BEG", "00", "SA", "PO-2026-1002", "", "20261102"] in segments
    assert ["CUR", "BY", "EUR"] in segments
    assert ["PO1", "1", "5000", "EA", "0.1840", "PE", "BP", "FST-BOLT-M8X30-A2"] in segments
    assert ["MSG", "Deliver to gate 4 ; call ahead"] in segments  # delimiters in free text replaced
    assert ["CTT", "3", "20000"] in segments


def test_997_accepts_every_set_of_a_clean_interchange() -> None:
    raw = SAMPLES["x12-acme-daily-batch"].raw
    segments = segments_of(render_997(raw, control_number=7, now=NOW))
    assert segments[0][6].strip() == "POFLOW" and segments[0][8].strip() == "ACMEIND"  # back to the sender
    assert ["AK1", "IN", "1502"] in segments
    assert segments.count(["AK5", "A"]) == 3
    assert ["AK9", "A", "2", "2", "2"] in segments


def test_997_rejects_the_set_at_fault_with_ak3_and_ak4() -> None:
    raw = SAMPLES["x12-acme-daily-batch"].raw.replace(b"IT1*1*40*EA*11.90", b"IT1*1*4O*EA*11.90")
    with pytest.raises(X12Error) as caught:
        extract_x12(raw)
    segments = segments_of(render_997(raw, error=caught.value, control_number=8, now=NOW))
    assert ["AK3", "IT1", "5", "IT1", "8"] in segments
    assert ["AK4", "2", "", "6", "4O"] in segments
    assert ["AK5", "R", "5"] in segments
    assert ["AK9", "P", "2", "2", "1"] in segments  # the other invoice is accepted


def test_997_reports_envelope_faults_in_ak5_ak9_and_ta1() -> None:
    raw = (
        SAMPLES["x12-acme-daily-batch"]
        .raw.replace(b"SE*8*0001", b"SE*9*0001")
        .replace(b"GE*2*1502", b"GE*3*1502")
        .replace(b"IEA*2*000001501", b"IEA*2*000001599")
    )
    segments = segments_of(render_997(raw, control_number=9, now=NOW))
    assert ["AK5", "R", "4"] in segments  # SE01 count
    assert ["AK9", "R", "3", "2", "1", "5"] in segments  # GE01 count
    assert ["TA1", "000001501", "261120", "1530", "R", "001"] in segments  # IEA02 ≠ ISA13


def test_997_rejects_unsupported_sets_as_not_supported() -> None:
    # 860 (PO change) is one poflow sends, never reads (850 is read since #19: the PO door).
    raw = interchange(
        ["BCH*00*SA*PO-1**20261102", "POC*1*CA*1*1*EA*1", "CTT*1"], set_id="860", functional="PC"
    )
    with pytest.raises(X12Error) as caught:
        extract_x12(raw)
    segments = segments_of(render_997(raw, error=caught.value, now=NOW))
    assert ["AK2", "860", "0001"] in segments
    assert ["AK5", "R", "1"] in segments
    assert ["AK9", "R", "1", "1", "0"] in segments


def test_997_for_an_error_that_names_no_set_rejects_every_set() -> None:
    segments = segments_of(
        render_997(interchange(INVOICE_BODY), error=ExtractionError("unreadable"), now=NOW)
    )
    assert ["AK5", "R", "5"] in segments
    assert not any(segment[0] == "AK3" for segment in segments)


def test_997_for_a_file_without_an_isa_is_an_extraction_error() -> None:
    with pytest.raises(ExtractionError):
        render_997(b"not an interchange")


# --- robustness -----------------------------------------------------------------------------

FUZZ = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
VALID = [sample.raw for sample in SAMPLES.values()]


def only_extraction_errors(raw: bytes) -> None:
    try:
        extract_x12(raw, vendor_id="ACME")
    except ExtractionError as err:
        assert "internal error" not in str(err), str(err)
    try:
        render_997(raw)
    except ExtractionError:
        pass


@FUZZ
@given(st.binary(max_size=600))
def test_random_bytes_end_in_extraction_error_only(raw: bytes) -> None:
    only_extraction_errors(raw)


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_after_a_valid_isa_end_in_extraction_error_only(tail: bytes) -> None:
    only_extraction_errors(isa().encode() + b"\n" + tail)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "swap", "duplicate"]))
        if not raw:
            break
        at = draw(st.integers(0, len(raw) - 1))
        if action == "truncate":
            raw = raw[:at]
        elif action == "flip":
            raw[at] = draw(st.integers(0, 255))
        elif action == "insert":
            raw[at:at] = draw(st.sampled_from([b"*", b"~", b">", b"|", b"\r\n", b"ISA", b"SE*", b"-", b"0"]))
        elif action == "delete":
            del raw[at : at + draw(st.integers(1, 40))]
        elif action == "swap":
            a, b = draw(st.sampled_from([(b"*", b"~"), (b"~", b"*"), (b"*", b"|"), (b">", b"*")]))
            raw = bytearray(bytes(raw).replace(a, b, draw(st.integers(1, 3))))
        else:
            end = bytes(raw).find(b"~", at)
            if end > 0:
                start = bytes(raw).rfind(b"~", 0, at) + 1
                raw[end + 1 : end + 1] = raw[start : end + 1]
    return bytes(raw)


@FUZZ
@given(mutated())
def test_mutated_samples_end_in_documents_or_extraction_error_only(raw: bytes) -> None:
    only_extraction_errors(raw)
