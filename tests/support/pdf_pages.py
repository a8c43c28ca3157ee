"""PDF pages with words placed by hand, for the wordings and layouts a
rendered sample cannot carry."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

__all__ = ["CABLE_TIES_TABLE", "placed_words_pdf"]


# A TrueType font for letters Windows-1252 lacks ("ł", "ż"); Debian's fonts-dejavu-core.
UNICODE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def placed_words_pdf(
    items: list[tuple], *, width: float = 595.3, height: float = 841.9, font: str = "Helvetica"
) -> bytes:
    """One page of words placed by hand: (x, baseline, text[, size[, style]]);
    a text starting with ">" is right-aligned at x, as numbers are printed.
    `font="unicode"` embeds `UNICODE_FONT` (regular only) for any script."""
    pdf = FPDF(unit="pt", format=(width, height))
    pdf.core_fonts_encoding = "windows-1252"
    if font == "unicode":
        pdf.add_font("unicode", "", str(UNICODE_FONT))
        pdf.add_font("unicode", "B", str(UNICODE_FONT.with_name("DejaVuSans-Bold.ttf")))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    for x, y, text, *rest in items:
        pdf.set_font(font, rest[1] if len(rest) > 1 else "", rest[0] if rest else 9)
        if text.startswith(">"):
            text = text[1:]
            x -= pdf.get_string_width(text)
        pdf.text(x, y, text)
    return bytes(pdf.output())


# A line table of one line, 10 × 26.50 = 265.00, as placed words: tests add
# the header and the totals they are about.
CABLE_TIES_TABLE: list[tuple] = [
    (40, 200, "Description", 8, "B"),
    (360, 200, ">Qty", 8, "B"),
    (450, 200, ">Price", 8, "B"),
    (545, 200, ">Amount", 8, "B"),
    (40, 215, "Cable ties"),
    (360, 215, ">10"),
    (450, 215, ">26.50"),
    (545, 215, ">265.00"),
]
