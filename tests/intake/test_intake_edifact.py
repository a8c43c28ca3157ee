"""EDIFACT intake: envelope rules, ORDRSP/DESADV/INVOIC mapping, ORDERS out,
and robustness against broken input. Expected values come from the EDIFACT
code lists (reference/p2p-semantics.md (c)) and the samples' ground truth."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities.intake.edifact.read import extract_edifact
from activities.intake.edifact.syntax import parse_interchange
from activities.intake.edifact.write import render_orders
from activities.intake.errors import ExtractionError
from activities.intake.limits import IntakeLimits
from models.extraction import Extracted, ExtractedKind, model_class
from models.purchase_order import PurchaseOrder
from tools.supplier_sim.edifact import handwritten_samples, sample_set

SAMPLES = sample_set()


def edi(
    *messages: tuple[str, list[str]],
    una: str = "UNA:+.? '",
    sender: str = "ACME:ZZZ",
    control: str = "77",
    syntax: str = "UNOC:3",
) -> bytes:
    """An interchange around message bodies (segments without terminators);
    UNH/UNT with references 1, 2, ... and the right counts."""
    parts = [una, f"UNB+{syntax}+{sender}+POFLOW:ZZZ+261105:0930+{control}'"]
    for reference, (kind, body) in enumerate(messages, start=1):
        parts.append(f"UNH+{reference}+{kind}:D:96A:UN'")
        parts += [segment + "'" for segment in body]
        parts.append(f"UNT+{len(body) + 2}+{reference}'")
    parts.append(f"UNZ+{len(messages)}+{control}'")
    return "".join(parts).encode("utf-8" if syntax.startswith("UNOW") else "latin-1")


ORDRSP = [
    "BGM+231+OC-1+29",
    "DTM+137:20261105:102",
    "RFF+ON:PO-10482",
    "NAD+SU+ACME::92++Acme Industrial Supply",
    "LIN+1+5",
    "LIN+2+5",
]
INVOIC = [
    "BGM+380+INV-1+9",
    "DTM+137:20261105:102",
    "RFF+ON:PO-10482",
    "NAD+SU+ACME::92",
    "CUX+2:USD:4",
    "LIN+1++MRO-GLOVE-NITRILE-L:IN",
    "QTY+47:100:PCE",
    "MOA+203:1190.00",
    "PRI+AAA:11.90",
    "UNS+S",
    "MOA+79:1190.00",
    "MOA+77:1190.00",
]


def one(raw: bytes, **kwargs: object) -> Extracted:
    found = extract_edifact(raw, **kwargs)  # type: ignore[arg-type]
    assert len(found) == 1
    return found[0]


def error_of(raw: bytes, **kwargs: object) -> ExtractionError:
    with pytest.raises(ExtractionError) as caught:
        extract_edifact(raw, **kwargs)  # type: ignore[arg-type]
    return caught.value


# --- samples: rendered and hand-written ----------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_every_sample_reads_back_as_its_ground_truth(sample):
    found = extract_edifact(sample.raw, vendor_id=sample.vendor_id)
    assert [(e.kind.value, e.format) for e in found] == [(x["kind"], x["format"]) for x in sample.expected]
    for extracted, truth in zip(found, sample.expected, strict=True):
        expected = model_class(ExtractedKind(truth["kind"])).model_validate(truth["document"])
        assert extracted.model() == expected


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_every_field_set_has_a_confidence_and_every_read_field_a_location(sample):
    for extracted in extract_edifact(sample.raw, vendor_id=sample.vendor_id):
        paths = {k for k in extracted.document if k != "lines"}
        for index, line in enumerate(extracted.document.get("lines", [])):
            paths |= {f"lines[{index}].{k}" for k in line}
        assert set(extracted.confidence) == paths
        assert all(0.0 <= c <= 1.0 for c in extracted.confidence.values())
        # Only values not read from the file (the caller's vendor id, charges the file lacks) have no place.
        assert paths - set(extracted.locations) <= {"vendor_id", "freight", "tax"}


def test_handwritten_samples_are_part_of_the_sample_set():
    names = {s.name for s in SAMPLES}
    hand = handwritten_samples()
    assert len(hand) >= 5
    assert {s.name for s in hand} <= names


# --- syntax and envelope --------------------------------------------------------------


def test_una_service_characters_replace_the_defaults():
    sample = next(s for s in SAMPLES if s.name == "ordrsp-labworks-custom-separators")
    ack = one(sample.raw)
    # `!*`, `!~`, `!>`, `!!` are the released data separator, terminator, component separator and release.
    assert ack.document["message"] == "Lot 4471*4472 reserved. Keep at 2-8 C~ do not freeze. Ref A>B!"
    assert ack.document["lines"][1]["quantity"] == "60"


def test_release_character_keeps_separators_as_text():
    body = ORDRSP[:3] + ["FTX+AAI+++Price ?+5?%?: O?'Brien?'s rule ??"] + ORDRSP[3:]
    assert one(edi(("ORDRSP", body))).document["message"] == "Price +5%: O'Brien's rule ?"


def test_escaped_apostrophe_before_una_text_loses_no_segments():
    # pydifact's Parser.parse would take "'UNA" here for a service string advice.
    body = ORDRSP[:3] + ["FTX+AAI+++Line 3 CANCELLED?'UNAVAILABLE"] + ORDRSP[3:]
    ack = one(edi(("ORDRSP", body)))
    assert ack.document["ack_id"] == "OC-1"
    assert ack.document["message"] == "Line 3 CANCELLED'UNAVAILABLE"


def test_line_breaks_between_and_inside_segments_are_not_data():
    raw = edi(("ORDRSP", ORDRSP)).replace(b"'", b"'\r\n").replace(b"OC-1", b"OC\n-1")
    assert one(raw).document["ack_id"] == "OC-1"


def test_without_una_the_default_separators_apply():
    raw = edi(("ORDRSP", ORDRSP)).removeprefix(b"UNA:+.? '")
    assert one(raw).document["po_number"] == "PO-10482"


def test_unt_must_count_the_segments_of_its_message():
    raw = edi(("ORDRSP", ORDRSP)).replace(b"UNT+8+1", b"UNT+9+1")
    err = error_of(raw)
    assert err.where == "UNH 1 ORDRSP, segment 8 (UNT)"
    assert "counts '9' segments but the message has 8" in err.message


def test_unt_must_repeat_the_message_reference():
    err = error_of(edi(("ORDRSP", ORDRSP)).replace(b"UNT+8+1", b"UNT+8+2"))
    assert err.where == "UNH 1 ORDRSP, segment 8 (UNT)"
    assert "reference '2' differs from UNH's '1'" in err.message


def test_unz_must_count_the_messages():
    err = error_of(edi(("ORDRSP", ORDRSP), ("INVOIC", INVOIC)).replace(b"UNZ+2+77", b"UNZ+3+77"))
    assert "UNZ counts '3' messages but the interchange has 2" in str(err)


def test_unz_must_repeat_the_control_reference():
    err = error_of(edi(("ORDRSP", ORDRSP)).replace(b"UNZ+1+77", b"UNZ+1+78"))
    assert "control reference '78' differs from UNB's '77'" in err.message


def test_functional_group_trailer_is_checked():
    raw = edi(("ORDRSP", ORDRSP)).replace(b"UNH+1", b"UNG+ORDRSP+ACME+POFLOW+261105:0930+5+UN+D:96A'UNH+1")
    raw = raw.replace(b"UNZ+1+77", b"UNE+2+5'UNZ+1+77")
    assert "UNE counts '2' messages but the group has 1" in str(error_of(raw))
    assert one(raw.replace(b"UNE+2+5", b"UNE+1+5")).document["ack_id"] == "OC-1"


def test_a_file_cut_before_unz_is_truncated():
    raw = edi(("ORDRSP", ORDRSP))
    assert "no UNZ trailer" in str(error_of(raw[: raw.index(b"UNZ")]))


def test_a_file_cut_inside_a_message_names_the_message():
    raw = edi(("ORDRSP", ORDRSP))
    err = error_of(raw[: raw.index(b"LIN+2")])
    assert err.where == "UNH 1 ORDRSP"
    assert "ends before its UNT" in err.message


def test_a_file_cut_inside_a_segment_is_a_syntax_error():
    raw = edi(("ORDRSP", ORDRSP))
    assert "ends in the middle of a segment" in str(error_of(raw[: raw.index(b"UNZ") + 5]))


def test_an_interchange_starts_with_unb():
    err = error_of(b"UNH+1+ORDRSP:D:96A:UN'UNT+2+1'")
    assert err.where == "interchange segment 1 (UNH)"


def test_segments_outside_a_message_are_rejected():
    raw = edi(("ORDRSP", ORDRSP)).replace(b"UNZ+1", b"FTX+AAI+++stray'UNZ+1")
    assert str(error_of(raw)).startswith("interchange segment 10 (FTX): FTX outside a message")


def test_a_malformed_tag_is_an_extraction_error_not_a_library_exception():
    err = error_of(b"UNA:+.? 'UNB:X+UNOC:3'")
    assert "is not a segment tag" in err.message


def test_a_bad_number_names_message_segment_and_tag():
    second = INVOIC[:6] + ["QTY+47:1O0:PCE"] + INVOIC[7:]
    err = error_of(edi(("INVOIC", INVOIC), ("INVOIC", second)))
    assert err.where == "UNH 2 INVOIC, segment 8 (QTY)"
    assert err.message == "quantity '1O0' in QTY+47 is not a number"


def test_a_bad_date_names_its_segment():
    body = ORDRSP[:1] + ["DTM+137:20261345:102"] + ORDRSP[2:]
    err = error_of(edi(("ORDRSP", body)))
    assert err.where == "UNH 1 ORDRSP, segment 3 (DTM)"


def test_size_and_segment_limits_are_enforced():
    raw = edi(("ORDRSP", ORDRSP))
    assert "more than the limit" in str(error_of(raw, limits=IntakeLimits(max_bytes=100)))
    assert "more than 5 segments" in str(error_of(raw, limits=IntakeLimits(max_segments=5)))


def test_utf8_syntax_identifier_decodes_utf8():
    raw = edi(
        ("ORDRSP", ORDRSP[:3] + ["FTX+AAI+++Lieferung nach Malmö – Tor 3"] + ORDRSP[3:]), syntax="UNOW:4"
    )
    assert one(raw).document["message"] == "Lieferung nach Malmö – Tor 3"


def test_only_messages_intake_does_not_read_is_an_error():
    raw = edi(("APERAK", ["BGM+305+AP-1+9"]))
    assert "no ORDERS, ORDRSP, DESADV, INVOIC or CONTRL message in the interchange (found APERAK)" in str(
        error_of(raw)
    )


def test_other_messages_beside_a_readable_one_are_skipped_with_a_warning():
    found = extract_edifact(edi(("APERAK", ["BGM+305+AP-1+9"]), ("ORDRSP", ORDRSP)))
    assert [e.format for e in found] == ["edifact-ORDRSP"]
    assert (
        "Skipped UNH 1 APERAK: intake reads only ORDERS, ORDRSP, DESADV, INVOIC and CONTRL."
        in found[0].warnings
    )


# --- vendor ---------------------------------------------------------------------------


def test_the_callers_vendor_id_wins():
    ack = one(edi(("ORDRSP", ORDRSP)), vendor_id="ACME-US")
    assert (ack.document["vendor_id"], ack.confidence["vendor_id"]) == ("ACME-US", 1.0)


def test_a_buyer_assigned_supplier_id_is_trusted():
    ack = one(edi(("ORDRSP", ORDRSP)))
    assert (ack.document["vendor_id"], ack.confidence["vendor_id"]) == ("ACME", 1.0)
    assert ack.locations["vendor_id"].segment == "NAD+SU element 2.1 (segment 5)"


def test_a_gln_supplier_id_is_kept_but_uncertain():
    body = [s.replace("ACME::92", "7350012340001::9") for s in ORDRSP] + ["RFF+VA:SE556123456701"]
    body = body[:4] + body[-1:] + body[4:-1]
    ack = one(edi(("ORDRSP", body), sender="7350012340001:14"))
    assert (ack.document["vendor_id"], ack.confidence["vendor_id"]) == ("7350012340001", 0.6)
    assert ack.vendor_hint == (
        "NAD+SU 7350012340001 (agency 9); Acme Industrial Supply; VAT SE556123456701; "
        "UNB sender 7350012340001:14"
    )


def test_the_interchange_sender_is_the_last_resort_for_the_vendor():
    ack = one(edi(("ORDRSP", [s for s in ORDRSP if not s.startswith("NAD")])))
    assert (ack.document["vendor_id"], ack.confidence["vendor_id"]) == ("ACME", 0.5)
    assert any("UNB sender" in w for w in ack.warnings)


# --- ORDRSP ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("function", "status"),
    [
        ("29", "accepted"),
        ("4", "accepted_with_changes"),
        ("30", "accepted_with_changes"),
        ("27", "rejected"),
    ],
)
def test_ordrsp_message_function_gives_the_header_status(function, status):
    body = [f"BGM+231+OC-1+{function}"] + ORDRSP[1:4]
    ack = one(edi(("ORDRSP", body)))
    assert (ack.document["status"], ack.confidence["status"]) == (status, 1.0)


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("5", "accepted"),
        ("3", "changed"),
        ("6", "changed"),
        ("1", "changed"),
        ("7", "rejected"),
        ("2", "rejected"),
    ],
)
def test_ordrsp_line_action_code_gives_the_line_status(code, status):
    body = ["BGM+231+OC-1+4"] + ORDRSP[1:4] + [f"LIN+1+{code}"]
    assert one(edi(("ORDRSP", body))).document["lines"][0]["status"] == status


def test_ordrsp_backorder_quantity_marks_the_line_backordered():
    body = ["BGM+231+OC-1+4"] + ORDRSP[1:4] + ["LIN+3+3", "QTY+83:2500:PCE", "DTM+67:20261209:102"]
    line = one(edi(("ORDRSP", body))).document["lines"][0]
    assert line == {"line_no": 3, "status": "backordered", "quantity": "2500", "promised_date": "2026-12-09"}


def test_ordrsp_confirmed_quantity_prefers_qty_113_over_the_ordered_echo():
    body = ["BGM+231+OC-1+4"] + ORDRSP[1:4] + ["LIN+2+3", "QTY+21:300:PCE", "QTY+113:250:PCE"]
    assert one(edi(("ORDRSP", body))).document["lines"][0]["quantity"] == "250"


def test_ordrsp_header_accepted_over_changed_lines_reads_as_accepted_with_changes():
    body = ORDRSP[:4] + ["LIN+1+5", "LIN+2+3", "PRI+AAA:4.95"]
    ack = one(edi(("ORDRSP", body)))
    assert (ack.document["status"], ack.confidence["status"]) == ("accepted_with_changes", 0.8)
    assert any("header says accepted" in w for w in ack.warnings)


def test_ordrsp_without_a_status_code_derives_it_from_the_lines_with_low_confidence():
    body = ["BGM+231+OC-1+9"] + ORDRSP[1:4] + ["LIN+1+7", "LIN+2+7"]
    ack = one(edi(("ORDRSP", body)))
    assert (ack.document["status"], ack.confidence["status"]) == ("rejected", 0.7)


def test_ordrsp_price_per_unit_basis_is_divided_out():
    body = ["BGM+231+OC-1+4"] + ORDRSP[1:4] + ["LIN+1+3", "PRI+AAA:184,5:::1000:PCE"]
    assert Decimal(one(edi(("ORDRSP", body))).document["lines"][0]["unit_price"]) == Decimal("0.1845")


def test_ordrsp_without_a_document_date_takes_the_interchange_date_unsurely():
    ack = one(edi(("ORDRSP", [s for s in ORDRSP if not s.startswith("DTM")])))
    assert (ack.document["acknowledged_at"], ack.confidence["acknowledged_at"]) == (
        "2026-11-05T09:30:00Z",
        0.5,
    )


def test_ordrsp_line_number_missing_is_taken_from_the_position_unsurely():
    body = ORDRSP[:4] + ["LIN++5"]
    ack = one(edi(("ORDRSP", body)))
    assert (ack.document["lines"][0]["line_no"], ack.confidence["lines[0].line_no"]) == (1, 0.6)


# Deliveries and substitutions (D.96A ORDRSP: the LIN group's SCC groups with
# their QTY-DTM pairs; QTY 6063 21 ordered, 113 to be delivered, 83 backorder;
# DTM 2005 67 current schedule delivery, 69 promised, 506 back order delivery;
# PIA 4347 3 substituted by, 4 substituted for; C212 7143 IN buyer's item
# number, SA supplier's article number).


def ordrsp_line(*segments: str) -> Extracted:
    return one(edi(("ORDRSP", ["BGM+231+OC-1+4", *ORDRSP[1:4], *segments])))


def test_ordrsp_a_line_split_in_two_scc_groups_reads_as_schedules():
    ack = ordrsp_line(
        "LIN+1+5",
        "QTY+21:100:PCE",
        "SCC+1",
        "QTY+113:60:PCE",
        "DTM+67:20261109:102",
        "SCC+1",
        "QTY+113:40:PCE",
        "DTM+67:20261201:102",
    )
    line = ack.document["lines"][0]
    assert line == {
        "line_no": 1,
        "status": "accepted",
        "schedules": [{"quantity": "60", "date": "2026-11-09"}, {"quantity": "40", "date": "2026-12-01"}],
    }
    assert ack.locations["lines[0].schedules[1].date"].segment == "DTM+67 element 1.2 (segment 13)"
    assert ack.locations["lines[0].schedules[1].quantity"].segment == "QTY+113 element 1.2 (segment 12)"
    assert ack.confidence["lines[0].schedules[0].quantity"] == 1.0
    assert "lines[0].schedules" not in ack.confidence
    ack.model()


def test_ordrsp_deliveries_that_do_not_add_up_to_the_order_give_the_quantity():
    ack = ordrsp_line(
        "LIN+2+3",
        "QTY+113:120:PCE",
        "DTM+69:20261110:102",
        "QTY+113:50:PCE",
        "DTM+69:20261204:102",
    )
    line = ack.document["lines"][0]
    assert (line["status"], line["quantity"]) == ("changed", "170")
    assert line["schedules"] == [
        {"quantity": "120", "date": "2026-11-10"},
        {"quantity": "50", "date": "2026-12-04"},
    ]
    assert "promised_date" not in line
    assert ack.model().lines[0].confirmed_quantity == Decimal(170)  # type: ignore[attr-defined]


def test_ordrsp_a_delivery_without_a_date_is_no_schedule_the_quantities_add_up():
    ack = ordrsp_line(
        "LIN+1+3",
        "QTY+21:100:PCE",
        "SCC+1",
        "QTY+113:60:PCE",
        "DTM+67:20261109:102",
        "SCC+1",
        "QTY+113:30:PCE",
    )
    line = ack.document["lines"][0]
    assert line == {"line_no": 1, "status": "changed", "quantity": "90", "promised_date": "2026-11-09"}
    assert ack.confidence["lines[0].quantity"] < 1.0
    assert any("line 1 is confirmed in 2 deliveries" in w and "no delivery date" in w for w in ack.warnings)


def test_ordrsp_substitution_names_the_buyers_item_number():
    ack = ordrsp_line(
        "LIN+1+3+MRO-GLOVE-NITRILE-L:IN",
        "PIA+3+AC-NG-100XL:SA+MRO-GLOVE-NITRILE-XL:IN",
        "QTY+113:100:PCE",
    )
    line = ack.document["lines"][0]
    assert (line["status"], line["substitute_item_id"]) == ("substituted", "MRO-GLOVE-NITRILE-XL")
    assert ack.confidence["lines[0].substitute_item_id"] == 1.0
    assert ack.locations["lines[0].substitute_item_id"].segment == "PIA+3 element 3.1 (segment 7)"
    assert ack.model().lines[0].substitute_item_id == "MRO-GLOVE-NITRILE-XL"  # type: ignore[attr-defined]


def test_ordrsp_substitution_with_only_the_suppliers_article_number_goes_to_review():
    ack = ordrsp_line("LIN+1+3+MRO-GLOVE-NITRILE-L:IN", "PIA+3+AC-NG-100XL:SA", "QTY+113:100:PCE")
    line = ack.document["lines"][0]
    assert (line["status"], line["substitute_item_id"]) == ("substituted", "AC-NG-100XL")
    assert ack.confidence["lines[0].substitute_item_id"] < 0.8
    assert any("AC-NG-100XL" in w and "'SA'" in w for w in ack.warnings)


def test_ordrsp_substituted_for_names_the_item_ordered_so_the_line_names_the_substitute():
    ack = ordrsp_line("LIN+1+3+MRO-GLOVE-NITRILE-XL:IN", "PIA+4+MRO-GLOVE-NITRILE-L:IN", "QTY+113:100:PCE")
    line = ack.document["lines"][0]
    assert (line["status"], line["substitute_item_id"]) == ("substituted", "MRO-GLOVE-NITRILE-XL")
    assert ack.locations["lines[0].substitute_item_id"].segment == "LIN+1 element 3.1 (segment 6)"


def test_ordrsp_substitution_naming_no_item_is_read_as_changed_for_review():
    ack = ordrsp_line("LIN+1+3+MRO-GLOVE-NITRILE-L:IN", "PIA+3", "QTY+113:100:PCE")
    line = ack.document["lines"][0]
    assert line["status"] == "changed" and "substitute_item_id" not in line
    assert ack.confidence["lines[0].status"] < 0.8
    assert any("names no substitute" in w for w in ack.warnings)
    ack.model()


@pytest.mark.parametrize(
    "segments",
    [
        # each quantity followed by its date
        ["QTY+113:60:PCE", "DTM+67:20261109:102", "QTY+83:40:PCE", "DTM+506:20261215:102"],
        # every QTY before every DTM (the LIN group's order): 506 is the back-order's date
        ["QTY+113:60:PCE", "QTY+83:40:PCE", "DTM+67:20261109:102", "DTM+506:20261215:102"],
        # in SCC groups
        ["SCC+1", "QTY+113:60:PCE", "DTM+67:20261109:102", "SCC+1", "QTY+83:40:PCE", "DTM+506:20261215:102"],
    ],
    ids=["pairs", "qty-then-dtm", "scc"],
)
def test_ordrsp_part_delivered_and_a_dated_backorder_are_two_schedules(segments):
    ack = ordrsp_line("LIN+1+3", "QTY+21:100:PCE", *segments)
    line = ack.document["lines"][0]
    assert line == {
        "line_no": 1,
        "status": "backordered",
        "schedules": [{"quantity": "60", "date": "2026-11-09"}, {"quantity": "40", "date": "2026-12-15"}],
    }
    ack.model()


def test_ordrsp_a_backorder_without_a_date_for_the_balance_is_read_as_before():
    ack = ordrsp_line("LIN+1+3", "QTY+21:100:PCE", "QTY+113:60:PCE", "DTM+67:20261109:102", "QTY+83:40:PCE")
    line = ack.document["lines"][0]
    assert line == {"line_no": 1, "status": "backordered", "quantity": "60", "promised_date": "2026-11-09"}
    assert any("no delivery date" in w for w in ack.warnings)


def test_ordrsp_the_part_not_accepted_is_not_in_the_quantity_or_the_schedules():
    ack = ordrsp_line(
        "LIN+1+3",
        "QTY+21:100:PCE",
        "SCC+1",
        "QTY+113:30:PCE",
        "DTM+67:20261109:102",
        "SCC+1",
        "QTY+113:30:PCE",
        "DTM+67:20261123:102",
        "FTX+AAI+++REMAINDER NOT ACCEPTED",
        "LIN+2+3",
        "QTY+21:200:PCE",
        "QTY+113:150:PCE",
        "DTM+67:20261110:102",
        "LIN+3+7",
        "QTY+21:50:PCE",
        "SCC+1",
        "QTY+113:25:PCE",
        "DTM+67:20261109:102",
        "SCC+1",
        "QTY+113:25:PCE",
        "DTM+67:20261123:102",
    )
    first, second, third = ack.document["lines"]
    assert first["quantity"] == "60"
    assert first["schedules"] == [
        {"quantity": "30", "date": "2026-11-09"},
        {"quantity": "30", "date": "2026-11-23"},
    ]
    assert second == {"line_no": 2, "status": "changed", "quantity": "150", "promised_date": "2026-11-10"}
    assert third["status"] == "rejected" and "schedules" not in third
    ack.model()


# --- DESADV ------------------------------------------------------------------------------

DESADV_HEAD = [
    "BGM+351+DN-77+9",
    "DTM+11:202611101530:203",
    "DTM+17:20261112:102",
    "NAD+SU+ACME::92",
    "TDT+20++30++:::UPS Freight",
    "RFF+CN:1Z999AA10123456784",
]


def test_desadv_lines_of_two_orders_become_one_ship_notice_per_order():
    body = DESADV_HEAD + [
        "CPS+1",
        "LIN+1++MRO-GLOVE-NITRILE-L:IN",
        "QTY+12:100:PCE",
        "RFF+ON:PO-10482:1",
        "LIN+2++MRO-BEARING-6204:IN",
        "QTY+12:40:PCE",
        "RFF+ON:PO-10511:2",
        "LIN+3++MRO-BEARING-6204:IN",
        "QTY+12:60:PCE",
        "RFF+ON:PO-10482:2",
    ]
    first, second = extract_edifact(edi(("DESADV", body)))
    assert (first.document["po_number"], second.document["po_number"]) == ("PO-10482", "PO-10511")
    assert [(line["line_no"], line["quantity_shipped"]) for line in first.document["lines"]] == [
        (1, "100"),
        (2, "60"),
    ]
    assert [(line["line_no"], line["quantity_shipped"]) for line in second.document["lines"]] == [(2, "40")]
    assert first.document["asn_id"] == second.document["asn_id"] == "DN-77"
    assert first.document["carrier"] == "UPS Freight"
    assert first.document["tracking_number"] == "1Z999AA10123456784"
    assert first.document["shipped_at"] == "2026-11-10T15:30:00Z"
    assert first.document["expected_delivery"] == "2026-11-12"


def test_desadv_package_order_reference_applies_to_the_items_under_it():
    body = DESADV_HEAD + [
        "CPS+1",
        "CPS+2+1",
        "RFF+ON:PO-10490",
        "CPS+3+2",
        "LIN+1",
        "QTY+12:5000:PCE",
        "CPS+4+1",
        "RFF+ON:PO-10491",
        "LIN+1",
        "QTY+12:200:PCE",
    ]
    found = extract_edifact(edi(("DESADV", body)))
    assert [e.document["po_number"] for e in found] == ["PO-10490", "PO-10491"]


def test_desadv_order_line_packed_twice_is_added_up():
    sample = next(s for s in SAMPLES if s.name == "desadv-acme-cps-pallets")
    notice = one(sample.raw)
    assert notice.document["lines"][0] == {
        "line_no": 1,
        "quantity_shipped": "200",
        "uom": "EA",
        "item_id": "MRO-GLOVE-NITRILE-L",
    }
    assert any("packed in several packages" in w for w in notice.warnings)


def test_desadv_line_number_from_lin_alone_is_less_sure_than_an_order_line_reference():
    body = DESADV_HEAD + ["RFF+ON:PO-10482", "LIN+7", "QTY+12:5:PCE", "LIN+8", "QTY+12:5:PCE", "RFF+LI:2"]
    notice = one(edi(("DESADV", body)))
    assert [line["line_no"] for line in notice.document["lines"]] == [7, 2]
    assert (notice.confidence["lines[0].line_no"], notice.confidence["lines[1].line_no"]) == (0.8, 1.0)


def test_desadv_without_despatch_date_uses_the_document_date_unsurely():
    body = ["BGM+351+DN-77+9", "DTM+137:20261110:102", "RFF+ON:PO-1", "LIN+1", "QTY+12:5"]
    notice = one(edi(("DESADV", body)))
    assert (notice.document["shipped_at"], notice.confidence["shipped_at"]) == ("2026-11-10T00:00:00Z", 0.7)


# --- INVOIC ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "kind", "price_only"),
    [
        ("380", "invoice", False),
        ("381", "credit_memo", False),
        ("383", "invoice", False),
        ("83", "credit_memo", True),
    ],
)
def test_invoic_document_code_gives_the_kind(code, kind, price_only):
    body = [f"BGM+{code}+INV-1+9"] + INVOIC[1:]
    invoice = one(edi(("INVOIC", body)))
    assert invoice.kind.value == kind
    assert (invoice.document["kind"], invoice.document["price_only"]) == (kind, price_only)


def test_invoic_reads_freight_tax_total_and_terms():
    body = (
        INVOIC[:5]
        + ["PAT+1++5:3:D:30", "PAT+22++5:3:D:10", "PCD+12:2", "ALC+C++++FC", "MOA+23:35.00"]
        + INVOIC[5:10]
        + ["MOA+79:1190.00", "MOA+77:1320.20", "TAX+7+VAT+++:::8+S", "MOA+124:95.20"]
    )
    invoice = one(edi(("INVOIC", body)))
    document = invoice.document
    assert (document["freight"], document["tax"], document["total"]) == ("35.00", "95.20", "1320.20")
    assert document["payment_terms"] == {"net_days": 30, "discount_days": 10, "discount_percent": "2"}
    assert invoice.warnings == []


def test_invoic_line_allowance_is_not_header_freight():
    body = INVOIC[:9] + ["ALC+A++++DI", "MOA+204:10.00"] + INVOIC[9:]
    assert one(edi(("INVOIC", body))).document["freight"] == "0"


def test_invoic_stated_total_is_kept_and_a_difference_is_a_warning():
    body = INVOIC[:-1] + ["MOA+77:1200.00"]
    invoice = one(edi(("INVOIC", body)))
    assert invoice.document["total"] == "1200.00"
    assert any(
        "stated total 1200.00 differs from lines + freight + tax = 1190.00" in w for w in invoice.warnings
    )


def test_invoic_without_a_total_recomputes_it_with_low_confidence():
    invoice = one(edi(("INVOIC", INVOIC[:-2])))
    assert (invoice.document["total"], invoice.confidence["total"]) == ("1190.00", 0.6)


def test_invoic_line_number_is_the_order_line_referenced():
    body = INVOIC[:9] + ["RFF+ON:PO-10482:4"] + INVOIC[9:]
    invoice = one(edi(("INVOIC", body)))
    assert invoice.document["lines"][0]["line_no"] == 4
    assert invoice.locations["lines[0].line_no"].segment == "RFF+ON element 1.3 (segment 11)"


def test_invoic_net_days_from_a_due_date_are_less_sure():
    body = INVOIC[:5] + ["PAT+1", "DTM+13:20261205:102"] + INVOIC[5:]
    invoice = one(edi(("INVOIC", body)))
    assert invoice.document["payment_terms"] == {"net_days": 30}
    assert invoice.confidence["payment_terms"] == 0.8


def test_invoic_unit_price_is_derived_from_the_line_amount_when_missing():
    body = [s for s in INVOIC if not s.startswith("PRI")]
    invoice = one(edi(("INVOIC", body)))
    assert (
        Decimal(invoice.document["lines"][0]["unit_price"]),
        invoice.confidence["lines[0].unit_price"],
    ) == (Decimal("11.9"), 0.7)


def test_invoic_several_invoices_in_one_interchange_are_several_documents():
    second = [s.replace("INV-1", "INV-2").replace("PO-10482", "PO-10511") for s in INVOIC]
    found = extract_edifact(edi(("INVOIC", INVOIC), ("INVOIC", second), ("INVOIC", INVOIC[:1] + second[1:])))
    assert [(e.document["invoice_number"], e.document["po_number"]) for e in found] == [
        ("INV-1", "PO-10482"),
        ("INV-2", "PO-10511"),
        ("INV-1", "PO-10511"),
    ]


# --- ORDERS out ---------------------------------------------------------------------------

_NOW = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)


def _po(**changes: object) -> PurchaseOrder:
    data = {
        "po_number": "PO-10482",
        "vendor_id": "ACME",
        "buyer": "bob.buyer",
        "currency": "USD",
        "order_date": "2026-11-02",
        "payment_terms": {"net_days": 30, "discount_days": 10, "discount_percent": "2"},
        "lines": [
            {
                "line_no": 1,
                "item_id": "MRO-GLOVE-NITRILE-L",
                "description": "Nitrile gloves, size L, box of 100",
                "quantity": "100",
                "unit_price": "11.90",
                "need_by": "2026-11-15",
            },
            {
                "line_no": 2,
                "item_id": "MRO-BEARING-6204",
                "description": "Bearing 6204-2RS + seal 'sealed'",
                "quantity": "200",
                "unit_price": "4.75",
            },
        ],
    }
    return PurchaseOrder.model_validate({**data, **changes})


def test_render_orders_writes_a_consistent_d96a_interchange():
    raw = render_orders(_po(), sender_id="POFLOW", receiver_id="ACME", control_reference="000123", now=_NOW)
    assert raw.startswith(
        b"UNA:+.? 'UNB+UNOC:3+POFLOW:ZZZ+ACME:ZZZ+261102:0830+000123'UNH+1+ORDERS:D:96A:UN'"
    )
    interchange = parse_interchange(raw)  # checks UNT and UNZ counts and references
    (message,) = interchange.messages
    tags = [s.tag for s in message.segments]
    assert tags.count("LIN") == 2
    bgm = message.segments[1]
    assert (bgm.tag, bgm.value(1), bgm.value(2), bgm.value(3)) == ("BGM", "220", "PO-10482", "9")
    qty = next(s for s in message.segments if s.tag == "QTY")
    assert (qty.value(1, 1), qty.value(1, 2), qty.value(1, 3)) == ("21", "100", "PCE")
    cnt = next(s for s in message.segments if s.tag == "CNT")
    assert cnt.value(1, 2) == "2"


def test_render_orders_escapes_service_characters_in_text():
    raw = render_orders(_po(), sender_id="POFLOW", receiver_id="ACME", control_reference="1", now=_NOW)
    assert b"IMD+F++:::Bearing 6204-2RS ?+ seal ?'sealed?''" in raw
    imd = [s for s in parse_interchange(raw).messages[0].segments if s.tag == "IMD"][-1]
    assert imd.value(3, 4) == "Bearing 6204-2RS + seal 'sealed'"


def test_render_orders_marks_a_later_revision_as_a_replacement():
    raw = render_orders(
        _po(revision=2), sender_id="POFLOW", receiver_id="ACME", control_reference="1", now=_NOW
    )
    assert b"BGM+220+PO-10482+5'" in raw


def test_render_orders_switches_to_utf8_when_text_needs_it():
    po = _po(note="Liefern an Tor 3 – Rampe Süd")
    raw = render_orders(po, sender_id="POFLOW", receiver_id="ACME", control_reference="1", now=_NOW)
    assert raw.startswith(b"UNA:+.? 'UNB+UNOW:4+POFLOW:ZZZ+ACME:ZZZ+20261102:0830+1'")
    assert "Tor 3 – Rampe Süd" in raw.decode("utf-8")


# --- robustness ---------------------------------------------------------------------------

FUZZ = settings(max_examples=150, deadline=timedelta(seconds=2), suppress_health_check=[HealthCheck.too_slow])
_SEPARATORS = b":+'?."


def _read_or_fail_cleanly(raw: bytes) -> None:
    try:
        found = extract_edifact(raw)
    except ExtractionError as err:
        assert str(err)
        return
    assert found
    for extracted in found:
        assert all(0.0 <= c <= 1.0 for c in extracted.confidence.values())


@FUZZ
@given(st.binary(max_size=600))
def test_random_bytes_raise_only_extraction_errors(raw):
    _read_or_fail_cleanly(raw)


@FUZZ
@given(
    st.lists(
        st.sampled_from(
            [
                "UNA:+.? '",
                "UNB+UNOC:3+A+B+261105:0930+1'",
                "UNH+1+INVOIC:D:96A:UN'",
                "UNH+1+ORDRSP:D:96A:UN'",
                "UNH+1+DESADV:D:96A:UN'",
                "UNT+3+1'",
                "UNZ+1+1'",
                "BGM+380+X+9'",
                "LIN+1+5'",
                "QTY+47:5'",
                "CPS+1'",
                "RFF+ON:P:1'",
                "MOA+77:1'",
                "DTM+137:20260101:102'",
                "?",
                "'",
                "+",
                ":",
                "ALC+C'",
                "TAX+7'",
                "UNS+S'",
            ]
        ),
        max_size=30,
    )
)
def test_random_segment_soup_raises_only_extraction_errors(parts):
    _read_or_fail_cleanly("".join(parts).encode("latin-1"))


@st.composite
def mutated_samples(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(SAMPLES)).raw)
    mutation = draw(st.sampled_from(["truncate", "flip", "swap", "drop", "duplicate"]))
    at = draw(st.integers(0, len(raw) - 1))
    if mutation == "truncate":
        return bytes(raw[:at])
    if mutation == "flip":
        raw[at] ^= draw(st.integers(1, 255))
        return bytes(raw)
    if mutation == "swap":
        a, b = draw(st.sampled_from(_SEPARATORS)), draw(st.sampled_from(_SEPARATORS))
        return (
            bytes(raw).replace(bytes([a]), b"\0").replace(bytes([b]), bytes([a])).replace(b"\0", bytes([b]))
        )
    segments = re.split(rb"(?<=[^?]')", bytes(raw))
    index = draw(st.integers(0, len(segments) - 1))
    if mutation == "drop":
        return b"".join(segments[:index] + segments[index + 1 :])
    return b"".join(segments[: index + 1] + segments[index:])


@FUZZ
@given(mutated_samples())
def test_mutated_samples_raise_only_extraction_errors(raw):
    _read_or_fail_cleanly(raw)


def test_invoic_other_header_charges_are_added_to_freight_with_a_warning():
    body = INVOIC[:5] + ["ALC+C++++FC", "MOA+23:20.00", "ALC+C++++PC::9:Packing", "MOA+8:5.00"] + INVOIC[5:]
    invoice = one(edi(("INVOIC", body)))
    assert (invoice.document["freight"], invoice.confidence["freight"]) == ("25.00", 0.9)
    assert any("charge 'PC' (Packing) was added to freight" in w for w in invoice.warnings)


def test_invoic_sub_lines_are_not_billed_twice():
    body = INVOIC[:9] + ["LIN+2++MRO-GLOVE-NITRILE-L:IN+1:1", "QTY+47:100:PCE", "PRI+AAA:0"] + INVOIC[9:]
    invoice = one(edi(("INVOIC", body)))
    assert [line["line_no"] for line in invoice.document["lines"]] == [1]
    assert any("sub-line of line 1" in w for w in invoice.warnings)


def test_desadv_lines_without_their_own_order_under_several_header_orders_are_unsure():
    body = DESADV_HEAD + ["RFF+ON:PO-10482", "RFF+ON:PO-10511", "LIN+1", "QTY+12:5:PCE"]
    notice = one(edi(("DESADV", body)))
    assert (notice.document["po_number"], notice.confidence["po_number"]) == ("PO-10482", 0.5)


def test_directories_before_d96a_are_read_with_a_warning():
    raw = edi(("ORDRSP", ORDRSP)).replace(b"ORDRSP:D:96A", b"ORDRSP:D:93A")
    assert "UNH 1 ORDRSP: directory D:93A is older than D.96A; read as D.96A." in one(raw).warnings
