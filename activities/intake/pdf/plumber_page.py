"""pdfplumber's page, with a lean conversion of its characters.

pdfplumber turns every pdfminer object into a dict by resolving each of its
attributes, colours and colour spaces included. For characters (thousands per
page) that was about a quarter of reading a PDF (`python bench/extract_speed.py`),
and no reader of poflow's uses a character's colour. `LeanPage` builds a
character's dict from the attributes it has, the same values pdfplumber would
give, without the colours (`DROPPED`); every other object (ruling lines,
rectangles, images) is pdfplumber's own. `tests/intake/test_pdf_plumber_page.py`
checks that the two agree on every other key.
"""

from __future__ import annotations

from typing import Any

from pdfminer.layout import LTChar
from pdfplumber.page import Page, fix_fontname_bytes

__all__ = ["DROPPED", "LeanPage"]

# What pdfplumber gives a character that LeanPage leaves out.
DROPPED = frozenset({"ncs", "stroking_color", "non_stroking_color"})


class LeanPage(Page):
    """A pdfplumber page whose characters skip colour resolution."""

    def process_object(self, obj: Any) -> dict[str, Any]:
        if type(obj) is not LTChar or self.pdf.unicode_norm is not None:
            return dict(super().process_object(obj))
        return self._char(obj)

    def _char(self, char: LTChar) -> dict[str, Any]:
        # Coordinates as pdfplumber's process_object sets them: pdfminer's are
        # relative to the MediaBox, a page's top is measured from its top edge.
        mb_x0, mb_top = self.mediabox[:2]
        top = (self.height - char.y1) + mb_top
        fontname = char.fontname
        return {
            "matrix": char.matrix,
            "fontname": fix_fontname_bytes(fontname) if isinstance(fontname, bytes) else fontname,
            "adv": char.adv,
            "upright": char.upright,
            "x0": char.x0 + mb_x0,
            "y0": char.y0,
            "x1": char.x1 + mb_x0,
            "y1": char.y1,
            "width": char.width,
            "height": char.height,
            "size": char.size,
            # Set by pdfplumber's own aggregator as it renders each character.
            "mcid": getattr(char, "mcid", None),
            "tag": getattr(char, "tag", None),
            "object_type": "char",
            "page_number": self.page_number,
            "text": char.get_text(),
            "top": top,
            "bottom": (self.height - char.y0) + mb_top,
            "doctop": self.initial_doctop + top,
        }
