"""Reading the supplier's syntax acknowledgment of our 850 / ORDERS (#17
item 9): X12 997 (AK1/AK2/AK3/AK4/AK5/AK9) and EDIFACT CONTRL (UCI/UCM/UCS/
UCD). The files are written by hand from the standards' segment layouts and
code lists (ASC X12 004010 997; UN/EDIFACT service code lists 0083 and 0085),
not from poflow's own writer."""

from __future__ import annotations

import pytest

from activities.intake.errors import ExtractionError
from activities.intake.extract import extract_file
from activities.intake.functional_acks import only_functional_acks
from activities.intake.x12.errors import X12Error
from activities.intake.x12.read import extract_x12
from models.extraction import ExtractedKind
from models.functional_acks import FunctionalAck, FunctionalAckStatus


def x12(*sets: list[str], control: str = "000000731", element: str = "*", component: str = ">") -> bytes:
    """An interchange from the supplier (LABWORKSEDI) to us with one FA group
    holding a 997 per body (segments without terminators)."""
    isa = (
        f"ISA*00*          *00*          *ZZ*LABWORKSEDI    *ZZ*POFLOW         *261208*0915*U*00401*"
        f"{control}*0*P*{component}~"
    ).replace("*", element)
    lines = [isa, "GS*FA*LABWORKSEDI*POFLOW*20261208*0915*731*X*004010~".replace("*", element)]
    for number, body in enumerate(sets, start=1):
        st = f"{number:04d}"
        segments = [f"ST*997*{st}", *body, f"SE*{len(body) + 2}*{st}"]
        lines += [segment.replace("*", element) + "~" for segment in segments]
    lines += [f"GE*{len(sets)}*731~".replace("*", element), f"IEA*1*{control}~".replace("*", element)]
    return "\n".join(lines).encode()


def read_one(raw: bytes) -> dict:
    [found] = extract_x12(raw)
    assert found.kind == ExtractedKind.FUNCTIONAL_ACK and found.format == "x12-997"
    return found.document


def as_model(document: dict) -> FunctionalAck:
    """As intake makes it: the PO and vendor come from the outbound-message record."""
    return FunctionalAck.model_validate({**document, "po_number": "PO-7001", "vendor_id": "LABWORKS"})


# --- X12 997 ---------------------------------------------------------------------------


def test_an_accepted_997_names_our_group_and_set() -> None:
    raw = x12(["AK1*PO*42", "AK2*850*0001", "AK5*A", "AK9*A*1*1*1"])
    [found] = extract_file(raw, filename="997.edi")  # detected as X12 by its ISA
    doc = found.document
    assert found.vendor_hint == "LABWORKSEDI"
    assert (doc["ack_id"], doc["functional_id"], doc["group_control"]) == ("000000731-0001", "PO", "42")
    assert doc["status"] == "accepted" and doc["acknowledged_at"] == "2026-12-08T09:15:00Z"
    assert doc["messages"] == [
        {"set_id": "850", "control_number": "0001", "errors": [], "codes": [], "status": "accepted"}
    ]
    fa = as_model(doc)
    assert not fa.rejected and fa.document_id == "fa:LABWORKS:000000731-0001"


def test_a_rejected_997_names_the_segment_element_and_codes() -> None:
    raw = x12(
        [
            "AK1*PO*42",
            "AK2*850*0001",
            "AK3*PO1*8*PO1*8",  # segment has data element errors
            "AK4*3*355*7*ZZ",  # PO103 unit of measure (element 355): invalid code value
            "AK4*4*212*6*4.7A",  # PO104 unit price: invalid character
            "AK3*CTT*12**3",  # mandatory segment missing
            "AK5*R*5",  # one or more segments in error
            "AK9*R*1*1*0",
        ]
    )
    fa = as_model(read_one(raw))
    assert fa.status == FunctionalAckStatus.REJECTED and fa.rejected
    [message] = fa.messages
    assert message.status == FunctionalAckStatus.REJECTED and message.codes == ["5"]
    assert [
        (e.segment_tag, e.segment_position, e.element_position, e.element_reference, e.element_error)
        for e in message.errors
    ] == [
        ("PO1", 8, 3, "355", "7"),
        ("PO1", 8, 4, "212", "6"),
        ("CTT", 12, None, None, None),
    ]
    assert message.errors[0].loop_id == "PO1" and message.errors[0].bad_value == "ZZ"
    assert message.errors[2].segment_error == "3"
    assert (
        message.errors[0].description
        == "segment has data element errors; invalid code value (data element 355): 'ZZ'"
    )
    assert message.errors[2].description == "mandatory segment missing"
    assert fa.summary().startswith("rejected (codes 5): 850 0001: PO1 at position 8, element 3 — ")


def test_a_5010_composite_ak401_gives_the_component() -> None:
    raw = x12(["AK1*PO*42", "AK2*850*0001", "AK3*N1*6**8", "AK4*4>2*67*7*XX", "AK5*R*5", "AK9*R*1*1*0"])
    [error] = as_model(read_one(raw)).messages[0].errors
    assert (error.element_position, error.component_position) == (4, 2)


@pytest.mark.parametrize(
    ("ak5", "status"),
    [
        ("A", FunctionalAckStatus.ACCEPTED),
        ("E", FunctionalAckStatus.ACCEPTED_WITH_ERRORS),
        ("R", FunctionalAckStatus.REJECTED),
        ("M", FunctionalAckStatus.REJECTED),  # message authentication code failed
        ("W", FunctionalAckStatus.REJECTED),  # assurance failed validity tests
        ("X", FunctionalAckStatus.REJECTED),  # content could not be analysed after decryption
    ],
)
def test_ak5_codes(ak5: str, status: FunctionalAckStatus) -> None:
    doc = read_one(x12(["AK1*PO*42", "AK2*850*0001", f"AK5*{ak5}", f"AK9*{ak5}*1*1*1"]))
    assert doc["messages"][0]["status"] == status == doc["status"]


def test_a_partly_accepted_group_keeps_each_sets_answer() -> None:
    doc = read_one(x12(["AK1*PO*42", "AK2*850*0001", "AK5*A", "AK2*850*0002", "AK5*R*4", "AK9*P*2*2*1"]))
    assert doc["status"] == "partially_accepted"
    assert [(m["control_number"], m["status"], m["codes"]) for m in doc["messages"]] == [
        ("0001", "accepted", []),
        ("0002", "rejected", ["4"]),
    ]
    assert as_model(doc).rejected  # one of our sets did not get through


def test_a_group_said_accepted_over_a_rejected_set_is_read_as_partly_accepted() -> None:
    [found] = extract_x12(
        x12(["AK1*PO*42", "AK2*850*0001", "AK5*A", "AK2*850*0002", "AK5*R*5", "AK9*A*2*2*2"])
    )
    assert found.document["status"] == "partially_accepted"
    assert found.confidence["status"] < 1
    assert any("AK901 says accepted" in w for w in found.warnings)


def test_group_level_codes_without_set_responses() -> None:
    doc = read_one(x12(["AK1*PO*42", "AK9*R*1*0*0*2"]))  # 2: functional group version not supported
    assert doc["status"] == "rejected" and doc["codes"] == ["2"] and doc["messages"] == []


def test_other_delimiters_are_read_from_the_isa() -> None:
    doc = read_one(x12(["AK1*PO*42", "AK2*850*0001", "AK5*A", "AK9*A*1*1*1"], element="|", component=":"))
    assert doc["group_control"] == "42" and doc["status"] == "accepted"


def test_a_997_without_ak9_is_an_error_naming_it() -> None:
    with pytest.raises(X12Error, match="AK9"):
        extract_x12(x12(["AK1*PO*42", "AK2*850*0001", "AK5*A"]))


def test_an_unknown_ak5_code_is_an_error_naming_the_element() -> None:
    with pytest.raises(X12Error) as caught:
        extract_x12(x12(["AK1*PO*42", "AK2*850*0001", "AK5*Q", "AK9*A*1*1*1"]))
    assert caught.value.segment_id == "AK5" and caught.value.element_position == 1


def test_a_file_of_997s_is_not_answered_with_a_997() -> None:
    assert only_functional_acks(x12(["AK1*PO*42", "AK9*A*0*0*0"]))
    invoice = x12(["AK1*PO*42", "AK9*A*0*0*0"]).replace(b"GS*FA", b"GS*IN").replace(b"ST*997", b"ST*810")
    assert not only_functional_acks(invoice)
    assert not only_functional_acks(b"UNB+UNOC:3+A+B+261208:0915+1'")


# --- EDIFACT CONTRL ----------------------------------------------------------------------


def contrl(*body: str, syntax: str = "4:1", reference: str = "9001") -> bytes:
    """A CONTRL from the supplier (GLN 7350012340005) to us."""
    segments = [
        "UNA:+.? '",
        f"UNB+UNOC:3+7350012340005:14+POFLOW:ZZZ+261208:1010+{reference}'",
        f"UNH+1+CONTRL:{syntax}:UN'",
        *(segment + "'" for segment in body),
        f"UNT+{len(body) + 2}+1'",
        f"UNZ+1+{reference}'",
    ]
    return "".join(segments).encode("latin-1")


def read_contrl(raw: bytes) -> dict:
    [found] = extract_file(raw)
    assert found.kind == ExtractedKind.FUNCTIONAL_ACK and found.format == "edifact-CONTRL"
    assert found.vendor_hint == "7350012340005"
    return found.document


def test_an_accepting_contrl_names_our_interchange() -> None:
    doc = read_contrl(contrl("UCI+17+POFLOW:ZZZ+7350012340005:14+7"))
    assert (doc["ack_id"], doc["interchange_control"], doc["status"]) == ("9001-1", "17", "accepted")
    assert doc["messages"] == [] and doc["acknowledged_at"] == "2026-12-08T10:10:00Z"
    assert not as_model(doc).rejected


def test_a_rejecting_contrl_names_the_message_segment_and_element() -> None:
    doc = read_contrl(
        contrl(
            "UCI+17+POFLOW:ZZZ+7350012340005:14+7",
            "UCM+1+ORDERS:D:96A:UN+4",
            "UCS+9+13",  # segment 9 of our ORDERS: missing
            "UCS+12",
            "UCD+12+1:2",  # data element 1, component 2: invalid value
            "UCD+39+2",  # data element 2: too long
        )
    )
    fa = as_model(doc)
    assert fa.status == FunctionalAckStatus.REJECTED  # its only message is rejected
    [message] = fa.messages
    assert (message.set_id, message.control_number, message.status) == ("ORDERS", "1", "rejected")
    assert [
        (e.segment_position, e.segment_error, e.element_position, e.component_position, e.element_error)
        for e in message.errors
    ] == [(9, "13", None, None, None), (12, None, 1, 2, "12"), (12, None, 2, None, "39")]
    assert [e.description for e in message.errors] == ["missing", "invalid value", "data element too long"]


def test_an_interchange_rejected_in_its_envelope() -> None:
    doc = read_contrl(contrl("UCI+17+POFLOW:ZZZ+7350012340005:14+4+7+UNB+3"))  # recipient not actual
    fa = as_model(doc)
    assert fa.status == FunctionalAckStatus.REJECTED and fa.codes == ["7"]
    [error] = fa.errors
    assert (error.segment_tag, error.element_position, error.segment_error) == ("UNB", 3, "7")
    assert error.description == "interchange recipient not actual recipient"


def test_a_receipt_only_contrl_is_read_with_a_warning() -> None:
    [found] = extract_file(contrl("UCI+17+POFLOW:ZZZ+7350012340005:14+8"))
    assert found.document["status"] == "accepted"
    assert any("interchange received (0083 8) only" in w for w in found.warnings)


def test_syntax_3_codes_are_still_read() -> None:
    doc = read_contrl(contrl("UCI+17+POFLOW:ZZZ+7350012340005:14+7", "UCM+1+ORDERS:D:96A:UN+2", syntax="2:2"))
    assert doc["messages"][0]["status"] == "accepted_with_errors"


def test_a_contrl_without_uci_or_with_an_unknown_action_is_an_error() -> None:
    with pytest.raises(ExtractionError, match="no UCI"):
        extract_file(contrl("UCM+1+ORDERS:D:96A:UN+7"))
    with pytest.raises(ExtractionError, match="not a 0083 code"):
        extract_file(contrl("UCI+17+POFLOW:ZZZ+7350012340005:14+9"))
