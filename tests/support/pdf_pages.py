"""PDF pages with words placed by hand, for the wordings and layouts a
rendered sample cannot carry."""

from __future__ import annotations

from fpdf import FPDF

__all__ = ["placed_words_pdf"]


def placed_words_pdf(
    items: list[tuple], *, width: float = 595.3, height: float = 841.9, font: str = "Helvetica"
) -> bytes:
    """One page of words placed by hand: (x, baseline, text[, size[, style]]);
    a text starting with ">" is right-aligned at x, as numbers are printed."""
    pdf = FPDF(unit="pt", format=(width, height))
    pdf.core_fonts_encoding = "windows-1252"
    pdf.set_auto_page_break(False)
    pdf.add_page()
    for x, y, text, *rest in items:
        pdf.set_font(font, rest[1] if len(rest) > 1 else "", rest[0] if rest else 9)
        if text.startswith(">"):
            text = text[1:]
            x -= pdf.get_string_width(text)
        pdf.text(x, y, text)
    return bytes(pdf.output())
