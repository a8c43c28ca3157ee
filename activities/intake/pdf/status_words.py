"""Acknowledgment statuses as printed, in seven languages ("accepted with
changes", "Rückstand", "annulé"…), for the header status and for a line's
status cell or remark line."""

from __future__ import annotations

import re

from activities.intake.pdf.tokens import tokens

__all__ = ["STATUS_WORDS", "parse_status"]


# Status words, most specific first ("accepted with changes" before "accepted").
STATUS_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (
        "changed",
        (
            "accepted with changes",
            "accepted with amendments",
            "confirmed with changes",
            "akzeptiert mit anderungen",
            "bestatigt mit anderungen",
            "acceptee avec modifications",
            "accepte avec modifications",
            "confirmee avec modifications",
            "aceptado con cambios",
            "aceptado con modificaciones",
            "accettato con modifiche",
            "confermato con modifiche",
            "geaccepteerd met wijzigingen",
            "bevestigd met wijzigingen",
            "accepterad med andringar",
            "bekraftad med andringar",
            "changed",
            "modified",
            "geandert",
            "modifie",
            "modifiee",
            "modificado",
            "modificato",
            "gewijzigd",
            "andrad",
            # remark lines under an item: what changed
            "price change",
            "price changed",
            "new price",
            "quantity change",
            "quantity changed",
            "qty change",
            "qty changed",
            "date change",
            "preisanderung",
            "mengenanderung",
            "terminanderung",
            "neuer preis",
            "changement de prix",
            "modification de prix",
            "nouveau prix",
            "cambio de precio",
            "nuevo precio",
            "variazione prezzo",
            "nuovo prezzo",
            "prijswijziging",
            "nieuwe prijs",
            "prisandring",
            "nytt pris",
        ),
    ),
    (
        "backordered",
        (
            "backordered",
            "backorder",
            "back order",
            "back ordered",
            "ruckstand",
            "im ruckstand",
            "nachlieferung",
            "en reliquat",
            "reliquat",
            "pendiente",
            "pedido pendiente",
            "in arretrato",
            "arretrato",
            "nabestelling",
            "in backorder",
            "restorder",
            "restnoterad",
            "restnoterat",
        ),
    ),
    (
        "rejected",
        (
            "rejected",
            "declined",
            "not accepted",
            "cancelled",
            "canceled",
            "abgelehnt",
            "storniert",
            "refusee",
            "refuse",
            "annule",
            "annulee",
            "rechazado",
            "anulado",
            "cancelado",
            "rifiutato",
            "annullato",
            "afgewezen",
            "geweigerd",
            "geannuleerd",
            "avvisad",
            "nekad",
            "annullerad",
            "makulerad",
        ),
    ),
    (
        "accepted",
        (
            "accepted",
            "confirmed",
            "acknowledged",
            "akzeptiert",
            "bestatigt",
            "acceptee",
            "accepte",
            "confirmee",
            "confirme",
            "aceptado",
            "confirmado",
            "accettato",
            "confermato",
            "geaccepteerd",
            "bevestigd",
            "accepterad",
            "bekraftad",
            "godkand",
        ),
    ),
]

_STATUS_PATTERNS = [
    (status, re.compile(r"\b(?:" + "|".join(re.escape(p) for p in phrases) + r")\b"))
    for status, phrases in STATUS_WORDS
]


def parse_status(text: str, *, line: bool = False) -> str | None:
    """An acknowledgment status in any of the seven languages: a header
    `AckStatus` value, or with `line=True` an `AckLineStatus` value."""
    folded = " ".join(tokens(text))
    for status, pattern in _STATUS_PATTERNS:
        if pattern.search(folded):
            if line:
                return status
            return {"changed": "accepted_with_changes", "backordered": "accepted_with_changes"}.get(
                status, status
            )
    return None
