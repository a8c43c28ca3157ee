"""What prints under a line item besides its wrapped description, and what
an item code looks like.

ERPs print detail lines under an item: its part number ("Art.-Nr. 4711",
"Item no. AB-12"), a lot or serial number, the buyer's reference, a customs
tariff number, a delivery date or note. They are not the description: a
part-number line gives the item code when the row has none; the others are
left out. A text line under a row that is none of these continues the
description — a guess (a wrap and a note look alike), so a description built
from several text lines is read below the review threshold (`line_values`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["DetailLine", "detail_line", "leading_code", "looks_like_code"]

# Labels of a part-number detail line, in the eight languages.
_PART_LABELS = (
    r"art(?:ikel)?\.?\s*-?\s*(?:nr|nummer)|artikelnummer|artnr|item\s*(?:no|number|#|code)|part\s*(?:no|number|#)|"
    r"sku|r[eé]f(?:[eé]rence)?\.?\s*(?:article|produit)?|c[oó]d(?:igo|ice)?\.?\s*(?:art[ií]colo|articolo)?|"
    r"artikelcode|artikelnr|numer\s+katalogowy|indeks"
)
# Labels of other detail lines: lot, serial, references, customs, delivery, origin.
_DETAIL_LABELS = (
    r"lot|lote|lotto|charge|chargen?-?nr|batch|partij|partia|serial|s/n|sn|serien?-?(?:nr|nummer)|"
    r"n[°º]\s*de\s*s[eé]rie|n[uú]mero\s+de\s+serie|matricola|serienummer|numer\s+seryjny|"
    r"your\s+ref|ihr\s+zeichen|ihre\s+referenz|votre\s+r[eé]f|su\s+ref|vs\.?\s*rif|uw\s+ref|"
    r"customs\s+tariff|hs\s+code|tariff\s+no|zolltarif(?:nummer)?|warennummer|code\s+douanier|nomenclature|"
    r"partida\s+arancelaria|codice\s+doganale|goederencode|"
    r"delivered|geliefert(?:\s+am)?|livr[eé]|entregado|consegnato|geleverd|dostarczono|"
    r"delivery\s+note|lieferschein|bon\s+de\s+livraison|albar[aá]n|ddt|pakbon|"
    r"country\s+of\s+origin|origin|ursprungsland|herkunft|pays\s+d'origine|origen|origine|land\s+van\s+herkomst"
)
_PART = re.compile(rf"^\s*(?:{_PART_LABELS})\s*[.:#]?\s*(\S+)", re.IGNORECASE)
_DETAIL = re.compile(rf"^\s*(?:{_DETAIL_LABELS})\b\s*[.:#]?", re.IGNORECASE)

# An item code: upper-case letters, digits and separators, with a digit or a
# separator ("AB-1234", "100237404", "8674-01", "MRO-GLOVE-NITRILE-L"); not a
# word ("ISO"), a size or a count ("M8", "12").
_CODE = re.compile(r"^(?=.*[\d./\-_])[A-Z0-9][A-Z0-9./\-_]{3,63}$")


@dataclass(frozen=True)
class DetailLine:
    """A detail line: `code` is the part number it gives, if it is one."""

    code: str | None


def detail_line(text: str) -> DetailLine | None:
    """The detail line `text` is, or None for text that may continue the description."""
    part = _PART.match(text)
    if part is not None and any(c.isdigit() for c in part.group(1)):
        return DetailLine(part.group(1).strip(",;"))
    return DetailLine(None) if _DETAIL.match(text) else None


_PROSE_WORD = re.compile(r"[a-zà-ÿ]{3,}")


def looks_like_code(text: str) -> bool:
    """An item cell that holds a code, not a phrase of the description
    ("H07V-K 1x6 mm2 grün/gelb" is the description's text run into the code
    column: a code cell has no lower-case word)."""
    words = text.split()
    return bool(words) and _CODE.match(words[0]) is not None and not any(_PROSE_WORD.search(w) for w in words)


def leading_code(description: str) -> tuple[str, str] | None:
    """("AB-1234", "Hex bolt") from "AB-1234 Hex bolt": a code printed before the
    description in the same column; None when the first word is no code."""
    first, _, rest = description.strip().partition(" ")
    if not rest.strip() or _CODE.match(first) is None or re.fullmatch(r"\d{1,3}", first):
        return None
    return first, rest.strip()
