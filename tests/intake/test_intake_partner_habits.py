"""EDI as trading partners write it (#19 item 4): layout habits the standards
allow or that translators commonly produce, on small files written here from
the standards' segment layouts (ASC X12 004010/005010: ISA fixed width,
BAK, 999 IK3/IK4/IK5; ISO 9735 / UN/EDIFACT D.96A: UNA, DESADV SG16 RFF with
code 1153 LI and C506 1154/1156), not copied from any partner.

Where a habit already worked before this item, the test stays as a guard.
"""

from __future__ import annotations

from activities.intake.edifact.read import extract_edifact
from activities.intake.extract import extract_file
from activities.intake.resolve import VendorRef, resolve_reading
from activities.intake.x12.read import extract_x12
from models.extraction import ExtractedKind

ISA = (
    "ISA*00*          *00*          *ZZ*ACMEIND        *ZZ*POFLOW         *261120*1015*U*00401*"
    "{control}*0*P*>~"
)


def x12_855(bak: str, *, control: str = "000000905", indent: str = "", after: str = "\n") -> str:
    """One interchange holding one 855; `indent` before every segment after
    the ISA, `after` after every terminator."""
    segments = [
        "GS*PR*ACMEIND*POFLOW*20261120*1015*905*X*004010",
        "ST*855*0001",
        bak,
        "N1*VN*Acme*92*ACME",
        "PO1*1*100*EA*11.90*PE*BP*MRO-GLOVE-NITRILE-L",
        "ACK*IA*100*EA",
        "CTT*1",
        "SE*7*0001",
        "GE*1*905",
        f"IEA*1*{control}",
    ]
    text = ISA.format(control=control) + after
    return text + "".join(f"{indent}{segment}~{after}" for segment in segments)


BAK = "BAK*00*AD*PO-2026-1001*20261102****SO-9*20261103"


# --- X12 layout habits ------------------------------------------------------------------


def test_x12_segments_each_on_an_indented_line_are_read() -> None:
    [ack] = extract_x12(x12_855(BAK, indent="    ").encode())
    assert ack.document["po_number"] == "PO-2026-1001"
    assert [line["line_no"] for line in ack.document["lines"]] == [1]


def test_x12_blanks_and_tabs_after_the_terminator_are_not_data() -> None:
    [ack] = extract_x12(x12_855(BAK, after=" \t \r\n").encode())
    assert ack.document["ack_id"] == "SO-9"


def test_x12_several_interchanges_each_with_its_own_isa_and_delimiters() -> None:
    first = x12_855(BAK, control="000000905")
    second = x12_855(BAK.replace("SO-9", "SO-10"), control="000000906")
    second = second.replace("*", "|").replace("~", "'")  # another translator, other delimiters
    found = extract_x12((first + "\n\n" + second).encode())
    assert [ack.document["ack_id"] for ack in found] == ["SO-9", "SO-10"]


# --- 855 BAK ------------------------------------------------------------------------------
# 004010 BAK: BAK01 (353), BAK02 (587), BAK03 (324 PO number) and BAK04 (373 PO
# date) are mandatory; BAK05-BAK09 optional, among them BAK08 (127, the
# seller's order number) and BAK09 (373, the acknowledgment date).


def test_855_with_only_the_mandatory_bak_elements_is_read_and_flagged() -> None:
    [ack] = extract_x12(x12_855("BAK*00*AD*PO-2026-1001*20261102").encode())
    doc = ack.document
    assert doc["po_number"] == "PO-2026-1001" and doc["status"] == "accepted"
    # No BAK08: an id made from ISA13 + ST02, below the review threshold.
    assert doc["ack_id"] == "000000905-0001" and ack.confidence["ack_id"] < 0.8
    # No BAK09: the group's creation time (GS04/GS05), flagged as derived.
    assert doc["acknowledged_at"] == "2026-11-20T10:15:00Z" and ack.confidence["acknowledged_at"] < 0.8
    assert any("BAK08" in w for w in ack.warnings) and any("BAK09" in w for w in ack.warnings)


def test_855_without_bak04_still_reads_the_acknowledgment_and_says_so() -> None:
    [ack] = extract_x12(x12_855("BAK*00*AD*PO-2026-1001****SO-9*20261103").encode())
    assert ack.document["po_number"] == "PO-2026-1001"
    assert any("BAK04" in w for w in ack.warnings)


# --- X12 999 ------------------------------------------------------------------------------


def x12_999(*body: str) -> bytes:
    """A 999 (005010X231) from the supplier answering our PO group 42."""
    isa = (
        "ISA*00*          *00*          *ZZ*LABWORKSEDI    *ZZ*POFLOW         *261208*0915*^*00501*"
        "000000731*0*P*:~"
    )
    segments = [
        "GS*FA*LABWORKSEDI*POFLOW*20261208*0915*731*X*005010X231",
        "ST*999*0001*005010X231",
        *body,
        f"SE*{len(body) + 2}*0001",
        "GE*1*731",
        "IEA*1*000000731",
    ]
    return (isa + "\n" + "".join(s + "~\n" for s in segments)).encode()


def test_999_accepted_is_read_like_a_997() -> None:
    [found] = extract_file(x12_999("AK1*PO*42*004010", "AK2*850*0001", "IK5*A", "AK9*A*1*1*1"))
    assert found.kind == ExtractedKind.FUNCTIONAL_ACK and found.format == "x12-999"
    doc = found.document
    assert (doc["functional_id"], doc["group_control"], doc["status"]) == ("PO", "42", "accepted")
    assert doc["messages"] == [
        {"set_id": "850", "control_number": "0001", "errors": [], "codes": [], "status": "accepted"}
    ]


def test_999_rejection_names_segment_element_and_codes_from_ik3_ik4_ik5() -> None:
    raw = x12_999(
        "AK1*PO*42*004010",
        "AK2*850*0001",
        "IK3*PO1*8**8",  # segment has data element errors (620 code 8)
        "CTX*PO101:1",  # context: business unit, not an error of its own
        "IK4*3*355*7*ZZ",  # PO103 unit (element 355): invalid code value (621 code 7)
        "IK5*R*5",
        "AK9*R*1*1*0",
    )
    [found] = extract_x12(raw)
    [message] = found.document["messages"]
    assert message["status"] == "rejected" and message["codes"] == ["5"]
    [error] = message["errors"]
    assert (error["segment_tag"], error["segment_position"], error["element_position"]) == ("PO1", 8, 3)
    assert (error["element_reference"], error["element_error"], error["bad_value"]) == ("355", "7", "ZZ")
    assert found.document["status"] == "rejected"


def test_999_partial_acceptance_ak9_p() -> None:
    raw = x12_999("AK1*PO*42*004010", "AK2*850*0001", "IK5*A", "AK2*850*0002", "IK5*R*5", "AK9*P*2*2*1")
    [found] = extract_x12(raw)
    assert found.document["status"] == "partially_accepted"
    assert [m["status"] for m in found.document["messages"]] == ["accepted", "rejected"]


# --- EDIFACT layout habits ----------------------------------------------------------------

ORDRSP_BODY = [
    "BGM+231+OC-1+29",
    "DTM+137:20261105:102",
    "RFF+ON:PO-10482",
    "NAD+SU+ACME::92",
    "LIN+1+5",
]


def edifact(
    body: list[str], *, kind: str = "ORDRSP", control: str = "77", una: str = "UNA:+.? '", indent: str = ""
) -> str:
    segments = [
        f"UNB+UNOC:3+ACME:ZZZ+POFLOW:ZZZ+261105:0930+{control}",
        f"UNH+1+{kind}:D:96A:UN",
        *body,
        f"UNT+{len(body) + 2}+1",
        f"UNZ+1+{control}",
    ]
    terminator = una[-1] if una else "'"
    data = una[4] if una else "+"
    component = una[3] if una else ":"
    lines = [
        indent + s.replace("+", "\0").replace(":", component).replace("\0", data) + terminator + "\n"
        for s in segments
    ]
    return una + "\n" + "".join(lines)


def test_edifact_segments_indented_on_their_own_lines_are_read() -> None:
    [ack] = extract_edifact(edifact(ORDRSP_BODY, indent="  ").encode())
    assert ack.document["po_number"] == "PO-10482"


def test_edifact_blanks_after_the_terminator_are_not_data() -> None:
    raw = edifact(ORDRSP_BODY).replace("'\n", "'   \t\r\n").encode()
    [ack] = extract_edifact(raw)
    assert ack.document["po_number"] == "PO-10482"


def test_edifact_a_released_terminator_followed_by_blanks_stays_data() -> None:
    body = [*ORDRSP_BODY[:3], "NAD+SU+ACME::92++O?' Brien   Tools", "LIN+1+5"]
    [ack] = extract_edifact(edifact(body).encode())
    assert ack.document["po_number"] == "PO-10482"


def test_edifact_several_interchanges_each_with_its_own_una() -> None:
    first = edifact(ORDRSP_BODY, control="77")
    second = edifact([s.replace("PO-10482", "PO-10483") for s in ORDRSP_BODY], control="78", una="UNA|*,? ~")
    found = extract_edifact((first + "\r\n" + second).encode())
    assert [ack.document["po_number"] for ack in found] == ["PO-10482", "PO-10483"]


def test_edifact_interchanges_without_una_back_to_back() -> None:
    first = edifact(ORDRSP_BODY, control="77", una="").lstrip("\n")
    second = edifact(ORDRSP_BODY, control="78", una="").lstrip("\n")
    assert len(extract_edifact((first + second).encode())) == 2


# --- DESADV RFF+LI ------------------------------------------------------------------------
# D.96A DESADV SG16 RFF under LIN: C506 1153 = LI ("line item reference
# number") refers to the order's line; its 1156 (component 3) is the order's
# line number, 1154 (component 2) the referenced document line's identifier.
# LIN 1082 is the despatch advice's own line count.

DESADV_HEAD = ["BGM+351+DN-77+9", "DTM+11:20261110:102", "NAD+SU+ACME::92", "RFF+ON:PO-10482"]


def lines_of(body: list[str]) -> list[tuple[int, float]]:
    [notice] = extract_edifact(edifact(DESADV_HEAD + body, kind="DESADV").encode())
    return [
        (line["line_no"], notice.confidence[f"lines[{index}].line_no"])
        for index, line in enumerate(notice.document["lines"])
    ]


def test_desadv_rff_li_line_number_in_1156_is_the_po_line() -> None:
    assert lines_of(["LIN+1", "QTY+12:5:PCE", "RFF+LI:PO-10482:3"]) == [(3, 1.0)]


def test_desadv_rff_li_with_a_line_reference_in_1154_is_the_po_line_not_the_lin_count() -> None:
    assert lines_of(["LIN+1", "QTY+12:5:PCE", "RFF+LI:4", "LIN+2", "QTY+12:5:PCE", "RFF+LI:2"]) == [
        (4, 1.0),
        (2, 1.0),
    ]


def test_desadv_rff_li_naming_the_order_is_no_line_number() -> None:
    # Some senders repeat the order number in 1154: that is not line 10482.
    body = ["LIN+1", "QTY+12:5:PCE", "RFF+LI:10482", "RFF+ON:10482"]
    [(number, confidence)] = lines_of(body)
    assert number == 1 and confidence < 0.8


SHIPMENT_ONLY_856 = (
    ISA.format(control="000000777")
    + "GS*SH*ACMEIND*POFLOW*20261120*1015*777*X*004010~ST*856*0001~BSN*00*SHIP-77*20261120*1015~"
    "DTM*011*20261120~HL*1**S~TD1*PLT*2~TD5*B*2*UPSN*M~REF*CN*1Z999~N1*SF*Acme*92*ACME~CTT*1~"
    "SE*10*0001~GE*1*777~IEA*1*000000777~"
)


def test_an_856_with_a_shipment_level_alone_is_read_for_a_person_to_assign() -> None:
    # The 856's order and item levels are optional in the standard: a notice of
    # a shipment alone is valid, but names no PO and nothing to receive.
    [found] = extract_file(SHIPMENT_ONLY_856.encode(), filename="ship.edi")
    assert found.kind == ExtractedKind.ASN
    assert found.document["asn_id"] == "SHIP-77"
    assert found.document["carrier"] == "UPSN" and found.document["tracking_number"] == "1Z999"
    assert "po_number" not in found.document and found.document["lines"] == []
    assert any("shipment level only" in warning for warning in found.warnings)
    resolved = resolve_reading(found, po=None, vendors=[VendorRef("ACME", "Acme")], min_confidence=0.8)
    assert "no PO number found in the document" in resolved.problems  # a person assigns it


# --- the partner development set (bench/partner_edi_bench.py) ------------------------------


def test_partner_dev_set_reads_every_valid_set() -> None:
    from bench import partner_edi_bench as bench

    scores = {s.name: s for s in map(bench.score_file, sorted((bench.ROOT / "dev").iterdir()))}
    assert scores["staedi_x12_simple810.edi"].sets == 2  # counted by the bench's own scan
    assert {name for name, s in scores.items() if s.read < s.sets} == set()
    invalid = [bench.score_file(p) for p in sorted((bench.ROOT / "dev-invalid").iterdir())]
    assert invalid and all(s.error for s in invalid)
