"""Currencies as invoices print them: ISO codes, names in seven languages and
symbols (`€`, `US$`, `kr`), with whether the text settles the currency (an
ISO code does; a `$` or `kr` that several currencies share does not)."""

from __future__ import annotations

import re

from models.common import CURRENCY_MINOR_UNITS

__all__ = ["CURRENCY_TOKEN", "CURRENCY_TOKEN_END", "find_currency"]


# Symbols, and what they mean when nothing more specific is printed.
_SYMBOLS: dict[str, str] = {
    "US$": "USD",
    "U$S": "USD",
    "C$": "CAD",
    "CA$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "R$": "BRL",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "₺": "TRY",
    "₪": "ILS",
    "zł": "PLN",
    "Kč": "CZK",
    "Ft": "HUF",
    "SFr.": "CHF",
    "Fr.": "CHF",
    "$": "USD",
}

_SYMBOLS_LONGEST_FIRST = sorted(_SYMBOLS, key=len, reverse=True)  # "US$" before "$"
_ISO_CODES = "|".join(sorted(CURRENCY_MINOR_UNITS))
# Any currency mark: an ISO code, a symbol, "kr", "Rs" or the Swedish ":-".
_MARK = (
    r"(?:" + _ISO_CODES + "|" + "|".join(re.escape(s) for s in _SYMBOLS_LONGEST_FIRST) + r"|kr\.?|Rs\.?|:-)"
)
CURRENCY_TOKEN = re.compile(r"^" + _MARK)  # a mark that a text starts with
CURRENCY_TOKEN_END = re.compile(_MARK + r"$")  # a mark that a text ends with

_CODE = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")

_CURRENCY_NAMES: dict[str, str] = {
    "euro": "EUR",
    "euros": "EUR",
    "dollar": "USD",
    "dollars": "USD",
    "us dollar": "USD",
    "pound sterling": "GBP",
    "sterling": "GBP",
    "swiss franc": "CHF",
    "schweizer franken": "CHF",
    "franken": "CHF",
    "svenska kronor": "SEK",
    "kronor": "SEK",
    "sek": "SEK",
}

_KRONA_BY_LANGUAGE = {"sv": "SEK", "da": "DKK", "no": "NOK", "is": "ISK"}


def find_currency(text: str, language: str | None = None) -> tuple[str, bool] | None:
    """The ISO 4217 currency a text names, and whether it is certain: an ISO
    code is; a symbol that several currencies share (`$`, `kr`) is not."""
    for code in _CODE.findall(text):
        if code in CURRENCY_MINOR_UNITS:
            return code, True
    folded = text.casefold()
    for name, code in _CURRENCY_NAMES.items():
        if re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", folded):
            return code, True
    for symbol in _SYMBOLS_LONGEST_FIRST:
        if symbol in text:
            code = _SYMBOLS[symbol]
            return code, symbol not in ("$", "¥")
    if re.search(r"(?<![A-Za-z])kr\.?(?![A-Za-z])|\d:-", text):
        return _KRONA_BY_LANGUAGE.get(language or "sv", "SEK"), False
    if re.search(r"(?<![A-Za-z])Rs\.?(?![A-Za-z])", text):  # the rupee: India's, unless the document says
        return "INR", False  # otherwise (Pakistan, Sri Lanka and Nepal write it too)
    return None
