"""Header fields of a PDF document found by their printed labels.

No vendor templates: a field is a label from the catalogue below (English,
German, French, Spanish, Italian, Dutch, Swedish) and a value next to it —
after the label in the same phrase (`Invoice No: 123`), in the next phrase to
its right (label column / value column), or in the phrase below it (label
above value, header grids; in side-by-side boxes, the value under the label's
box rather than its words). The value must parse as what the field holds (an
identifier with a digit, a date, an amount), so a label whose neighbour is
something else is passed over rather than believed. A tax line's value is
the amount that is not its base ("zzgl. 19 % MwSt. auf 458,75 €  87,16 €").
Labels inside a letter's subject line count ("Betreff: Ihre Bestellung 4711"),
and a letter's unlabelled "Lyon, le 27 novembre 2026" is its date, at a
confidence that sends it to review.

Labels that look like ours but name something else ("Due date", "VAT No",
"Bill to", "Delivery note") are in the catalogue too, under `ignore`, so that
the longest label wins and their values are never taken for ours.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum, auto
from typing import Any

from activities.intake.amounts import (
    DMY,
    amount_is_ambiguous,
    date_is_ambiguous,
    find_amounts,
    find_amounts_at,
    find_currency,
    is_date_only,
    parse_amount,
    parse_date,
)
from activities.intake.pdf_text import Box, Line, Page, Phrase, first_token, match_prefix, tokens

__all__ = [
    "LABELS",
    "FieldHit",
    "Reading",
    "amount_quality",
    "date_quality",
    "find_fields",
    "find_place_date",
    "find_terms_sentence",
    "is_bare_label",
    "label_at",
    "language_votes",
    "parse_payment_terms",
    "parse_status",
    "tax_amount",
]

# field -> language -> "label|label|…" (as printed; matched after `tokens()`).
# A leading "~" marks a weak label (a bare "Invoice", "Date", "Total"): it
# counts only with its value in the same phrase or right beside it.
LABELS: dict[str, dict[str, str]] = {
    "invoice_number": {
        "en": "Invoice No|Invoice Number|Inv No|Invoice ID|Invoice Ref|Invoice Reference|Bill No|"
        "Tax Invoice No|"
        "Document No|Ticket No|Ticket Number|~Ticket|~Invoice",
        "de": "Rechnungsnummer|Rechnungs-Nr|Rechnung Nr|Rechnungsnr|Re-Nr|Belegnummer|Beleg-Nr|~Rechnung",
        "fr": "Facture n°|N° de facture|N° facture|Numéro de facture|Facture numéro|~Facture|~N°",
        "es": "Factura nº|Nº de factura|Nº factura|Número de factura|Factura número|~Factura",
        "it": "Fattura n|N. fattura|Numero fattura|Fattura numero|Numero documento|N. documento|~Fattura",
        "nl": "Factuurnummer|Factuur nr|Factuurnr|~Factuur",
        "sv": "Fakturanummer|Faktura nr|Fakturanr|~Faktura",
    },
    "credit_number": {
        "en": "Credit Note No|Credit Memo No|Credit No|Credit Note ID|~Credit Note|~Credit Memo",
        "de": "Gutschriftsnummer|Gutschriftnummer|Gutschrift Nr|Gutschrifts-Nr|Korrekturrechnung Nr|"
        "~Gutschrift",
        "fr": "Avoir n°|N° d'avoir|Numéro d'avoir|N° de l'avoir|~Avoir",
        "es": "Nota de crédito nº|Nº de nota de crédito|Número de nota de crédito|Abono nº|"
        "Factura rectificativa nº|Nº factura rectificativa|~Nota de crédito|~Factura rectificativa",
        "it": "Nota di credito n|N. nota di credito|Numero nota di credito|~Nota di credito",
        "nl": "Creditnotanummer|Creditnota nr|Creditfactuurnummer|Creditfactuur nr|~Creditnota|"
        "~Creditfactuur",
        "sv": "Kreditfakturanummer|Kreditfaktura nr|Kreditnota nr|~Kreditfaktura|~Kreditnota",
    },
    "ack_number": {
        "en": "Acknowledgment No|Acknowledgement No|Order Acknowledgment No|Order Acknowledgement No|"
        "Confirmation No|Order Confirmation No|Sales Order No|Our Order No|Our Reference|Ack No|"
        "Sales Order Acknowledgment No|Sales Order Acknowledgement No|SO No",
        "de": "Auftragsbestätigung Nr|Auftragsbestätigungsnummer|AB-Nr|AB-Nummer|Bestätigungsnummer|"
        "Auftragsnummer|Unsere Auftragsnummer|Auftrags-Nr|Bestellbestätigung Nr",
        "fr": "Confirmation n°|N° de confirmation|Numéro de confirmation|Confirmation de commande n°|"
        "Accusé de réception n°|Notre référence",
        "es": "Confirmación nº|Nº de confirmación|Número de confirmación|Confirmación de pedido nº|"
        "Nuestra referencia",
        "it": "Conferma n|N. conferma|Numero conferma|Conferma d'ordine n|Conferma ordine n|"
        "Nostro riferimento",
        "nl": "Bevestigingsnummer|Orderbevestiging nr|Orderbevestigingsnummer|Bevestiging nr|Onze referentie",
        "sv": "Orderbekräftelse nr|Orderbekräftelsenummer|Bekräftelsenummer|Bekräftelse nr|Vår referens",
    },
    "po_number": {
        "en": "PO Number|PO No|PO|P.O. Number|P.O. No|P.O.|Purchase Order|Purchase Order No|Your Order|"
        "Your Order No|Your PO|Your PO No|Customer PO|Customer PO No|Customer Order No|Order No|"
        "Your Reference|Your Purchase Order|Your Purchase Order No|Your Purchase Order Number|Cust PO|"
        "Cust PO No|Cust. P.O.|Cust. P.O. No|Cust PO Number|Customer P.O.|Customer P.O. No|"
        "Customer PO Number|Cust Order No|Client PO|Client PO No|Your P.O.|Your P.O. No",
        "de": "Bestellnummer|Bestell-Nr|Bestellnr|Ihre Bestellung|Ihre Bestellnummer|Ihre Bestell-Nr|"
        "Bestellung|Bestellung Nr|Ihr Auftrag|Ihre Referenz|Ihrer Bestellung|Ihre Bestellung Nr|"
        "Ihre Bestellnr|Ihr Zeichen|Ihre Bestell-Nummer",
        "fr": "Bon de commande|N° de bon de commande|N° bon de commande|N° de commande|Numéro de commande|"
        "Votre commande|Votre commande n°|Commande n°|Référence commande|Votre référence|V/Réf|V. Réf|"
        "Votre réf|Vos réf|Réf. commande client|Référence commande client|Réf. commande|N° commande client|"
        "N° de commande client|Commande client|Votre N° de commande|Votre bon de commande",
        "es": "Pedido|Nº de pedido|Número de pedido|Pedido nº|Su pedido|Su pedido nº|Orden de compra|"
        "Nº orden de compra|Su referencia|Su ref|S/Ref|Su nº de pedido|Su orden de compra",
        "it": "Ordine|N. ordine|Numero ordine|Ordine n|Vs. ordine|Vostro ordine|Ordine d'acquisto|"
        "Rif. ordine|"
        "Vostro riferimento|Vs. rif|Vs. riferimento|Vs. ordine n|Vostro ordine n",
        "nl": "Inkoopordernummer|Inkooporder|Inkoopordernr|Uw ordernummer|Ordernummer|Uw order|Bestelnummer|"
        "Uw bestelnummer|Uw referentie|Uw ordernr|Uw bestelling|Uw inkoopordernummer|Uw bestelnr",
        "sv": "Ordernummer|Ordernr|Er referens|Ert ordernummer|Beställningsnummer|Er beställning|Inköpsorder|"
        "Inköpsordernummer|Ert ordernr|Er ordernr|Ert order nr|Ert beställningsnr|Er beställning nr|Er order",
    },
    "date": {
        "en": "Invoice Date|Date of Invoice|Issue Date|Document Date|Bill Date|Credit Note Date|"
        "Credit Memo Date|"
        "Acknowledgment Date|Acknowledgement Date|Confirmation Date|Ack Date|Order Acknowledgment Date|"
        "Inv Date|Invoice Dt|Inv Dt|Date of Issue|Date Issued|Billing Date|Date Invoiced|Credit Date|"
        "Credit Memo Dt|Order Ack Date|Order Acknowledgement Date|Ack. Date|~Date",
        "de": "Rechnungsdatum|Belegdatum|Gutschriftsdatum|Datum der Gutschrift|Bestätigungsdatum|AB-Datum|"
        "~Datum",
        "fr": "Date de facture|Date facture|Date d'émission|Date de l'avoir|Date de confirmation|~Date",
        "es": "Fecha de factura|Fecha factura|Fecha de emisión|Fecha de confirmación|~Fecha",
        "it": "Data fattura|Data documento|Data emissione|Data conferma|~Data",
        "nl": "Factuurdatum|Documentdatum|Creditnotadatum|Bevestigingsdatum|~Datum",
        "sv": "Fakturadatum|Bekräftelsedatum|~Datum",
    },
    "currency": {
        "en": "Currency|Currency Code",
        "de": "Währung",
        "fr": "Devise|Monnaie",
        "es": "Moneda|Divisa",
        "it": "Valuta|Divisa",
        "nl": "Valuta|Munteenheid",
        "sv": "Valuta",
    },
    "vendor_number": {
        "en": "Vendor No|Vendor ID|Supplier No|Supplier ID|Our Vendor No|Your Vendor No|Vendor Code|"
        "Supplier Code|Vendor Number|Your Vendor Number|Our Vendor Number|Supplier Number|Vendor Acct|"
        "Your Supplier No|Your Supplier Number",
        "de": "Lieferantennummer|Lieferanten-Nr|Lieferant Nr|Lieferantennr|Kreditorennummer|Kreditor-Nr|"
        "Unsere Lieferantennummer|Ihre Lieferanten-Nr|Ihre Lieferantennummer|Ihre Lieferantennr|"
        "Unsere Lieferanten-Nr|Unsere Lieferantennr|Lieferanten-Nr. bei Ihnen",
        "fr": "N° fournisseur|Numéro fournisseur|Code fournisseur|Fournisseur n°|Notre N° fournisseur|"
        "Votre N° fournisseur|Notre code fournisseur|Votre code fournisseur|N° de fournisseur",
        "es": "Nº proveedor|Número de proveedor|Código de proveedor|Código proveedor|Proveedor nº|"
        "Nuestro nº de proveedor|Nuestro código de proveedor|Su código de proveedor",
        "it": "Codice fornitore|N. fornitore|Fornitore n|Cod. fornitore|Ns. codice fornitore|"
        "Nostro codice fornitore|Vs. codice fornitore",
        "nl": "Leveranciersnummer|Leverancier nr|Leveranciernummer|Crediteurnummer|Ons leveranciersnummer|"
        "Uw leveranciersnummer|Ons leveranciersnr|Leveranciersnr|Ons crediteurnummer",
        "sv": "Leverantörsnummer|Leverantörsnr|Leverantör nr|Leverantörs-ID|Vårt leverantörsnummer|"
        "Vårt leverantörsnr|Ert leverantörsnr",
    },
    "subtotal": {
        "en": "Subtotal|Sub-total|Sub Total|Net Total|Total Net|Net Amount|Total excl. VAT|Total excl. tax|"
        "Total before tax|Goods total|Merchandise total|Total excluding VAT|~Merchandise|Sale Amount|"
        "Net Invoice Amount",
        "de": "Zwischensumme|Nettobetrag|Summe netto|Netto|Gesamt netto|Nettosumme|Warenwert|"
        "Summe Positionen|"
        "Gesamtbetrag netto|Rechnungsbetrag netto|Warenwert netto|Nettobetrag gesamt|Summe Warenwert",
        "fr": "Total HT|Montant HT|Sous-total|Total hors taxes|Montant hors taxes",
        "es": "Base imponible|Subtotal|Importe neto|Total neto|Suma",
        "it": "Imponibile|Subtotale|Totale imponibile|Totale netto|Totale merce",
        "nl": "Subtotaal|Totaal excl. BTW|Netto bedrag|Totaal exclusief BTW|Bedrag excl. BTW",
        "sv": "Delsumma|Summa exkl. moms|Netto|Belopp exkl. moms|Nettobelopp|Summa exklusive moms",
    },
    "tax": {
        "en": "Tax|Sales Tax|VAT|Total VAT|Total Tax|Tax Amount|VAT Amount|GST",
        "de": "MwSt|MwSt.|Mehrwertsteuer|USt|Umsatzsteuer|zzgl. MwSt|zzgl. USt|Summe MwSt",
        "fr": "TVA|Total TVA|Montant TVA|Montant de la TVA",
        "es": "IVA|Total IVA|Cuota IVA|Importe IVA",
        "it": "IVA|Totale IVA|Imposta|Importo IVA",
        "nl": "BTW|Totaal BTW|BTW-bedrag|BTW bedrag",
        "sv": "Moms|Totalt moms|Mervärdesskatt|Summa moms|Momsbelopp",
    },
    "freight": {
        "en": "Freight|Shipping|Shipping & Handling|Shipping and Handling|Delivery|Delivery charge|Carriage|"
        "Postage|Freight charges|Shipping charges",
        "de": "Fracht|Frachtkosten|Versand|Versandkosten|Transportkosten|Porto|Lieferkosten|"
        "Fracht und Verpackung",
        "fr": "Frais de port|Port|Frais de transport|Transport|Frais de livraison|Livraison",
        "es": "Transporte|Portes|Gastos de envío|Envío|Gastos de transporte",
        "it": "Spedizione|Spese di spedizione|Spese di trasporto|Trasporto|Porto",
        "nl": "Verzendkosten|Vracht|Vrachtkosten|Transportkosten|Verzending",
        "sv": "Frakt|Fraktkostnad|Frakt och emballage|Leveranskostnad",
    },
    "total": {
        "en": "Total|Total Due|Amount Due|Invoice Total|Grand Total|Total Amount|Balance Due|Total Payable|"
        "Amount Payable|Total Invoice|Credit Total|Total Credit|Total Amount Due|Please Pay|Pay This Amount|"
        "Total Amount Payable|Net Amount Due",
        "de": "Gesamtbetrag|Rechnungsbetrag|Gesamtsumme|Endbetrag|Bruttobetrag|Summe|Zu zahlen|Zahlbetrag|"
        "Gesamt|Gesamtbetrag brutto|Rechnungsbetrag brutto|Gutschriftsbetrag|Gesamt brutto|Zu zahlender Betrag|"
        "Zahlbetrag brutto|Zu zahlender Gesamtbetrag|Bitte zahlen Sie",
        "fr": "Total TTC|Montant TTC|Net à payer|Montant total|Total à payer|Total|Total avoir|"
        "Montant de l'avoir|Montant à payer|Reste à payer|Net à payer TTC|Montant net à payer",
        "es": "Total|Total factura|Importe total|Total a pagar|Total abono|Total nota de crédito|"
        "Importe a pagar|Total importe|Líquido a pagar",
        "it": "Totale|Totale documento|Totale fattura|Totale da pagare|Netto a pagare|Totale nota di credito|"
        "Totale a pagare|Importo da pagare",
        "nl": "Totaal|Totaalbedrag|Te betalen|Totaal incl. BTW|Totaal inclusief BTW|Totaal te betalen|"
        "Te betalen bedrag|Totaal factuurbedrag|Factuurbedrag",
        "sv": "Att betala|Summa att betala|Totalt|Totalbelopp|Summa|Totalt att betala|Att erhålla|"
        "Belopp att betala|Fakturabelopp",
    },
    "payment_terms": {
        "en": "Payment Terms|Terms|Terms of Payment|Payment Conditions",
        "de": "Zahlungsbedingungen|Zahlungsziel|Zahlungskonditionen",
        "fr": "Conditions de paiement|Conditions de règlement|Modalités de paiement|Échéance de paiement",
        "es": "Condiciones de pago|Forma de pago|Términos de pago",
        "it": "Termini di pagamento|Condizioni di pagamento|Pagamento|Modalità di pagamento",
        "nl": "Betalingsvoorwaarden|Betalingscondities|Betalingstermijn",
        "sv": "Betalningsvillkor|Betalningsvillkor netto",
    },
    "original_invoice": {
        "en": "Original Invoice|Original Invoice No|Reference Invoice|Ref. Invoice|Corrects Invoice|"
        "Credit for Invoice|Related Invoice|Against Invoice|Orig Invoice|Orig. Invoice No|Orig Inv|"
        "Original Inv|Original Invoice Number|Applies to Invoice|Apply to Invoice",
        "de": "Ursprungsrechnung|Bezug Rechnung|Bezug Rechnungsnummer|Zu Rechnung|Originalrechnung|"
        "Korrektur zu Rechnung|Zur Rechnung",
        "fr": "Facture d'origine|N° de facture d'origine|Facture origine|Facture initiale|Sur facture n°|"
        "Facture de référence|Facture d'origine n°",
        "es": "Factura original|Factura rectificada|Factura de referencia|Nº factura original|"
        "Factura original nº",
        "it": "Fattura di riferimento|Fattura originale|Rif. fattura|Fattura originale n",
        "nl": "Oorspronkelijke factuur|Originele factuur|Factuurreferentie|Oorspronkelijk factuurnummer",
        "sv": "Ursprunglig faktura|Originalfaktura|Avser faktura|Avser fakturanummer",
    },
    "status": {
        "en": "Status|Order Status|Acknowledgment Status|Confirmation Status",
        "de": "Status|Auftragsstatus|Bestätigungsstatus",
        "fr": "Statut|État",
        "es": "Estado",
        "it": "Stato|Esito",
        "nl": "Status",
        "sv": "Status",
    },
    "message": {
        "en": "Note|Notes|Remarks|Comment|Comments|Message",
        "de": "Bemerkung|Bemerkungen|Hinweis|Anmerkung|Mitteilung",
        "fr": "Remarque|Remarques|Observations|Note",
        "es": "Nota|Observaciones|Comentarios",
        "it": "Note|Nota|Osservazioni",
        "nl": "Opmerking|Opmerkingen",
        "sv": "Anmärkning|Meddelande|Kommentar",
    },
    "ignore": {
        "en": "Due Date|Payment Due|Order Date|PO Date|Delivery Date|Ship Date|Shipping Date|Date Shipped|"
        "Delivery Note|Delivery Note No|Packing Slip|Customer No|Customer ID|Account No|VAT No|VAT ID|"
        "VAT Reg No|VAT Registration No|Tax ID|Tax No|EIN|IBAN|BIC|SWIFT|Bank|Page|Phone|Tel|Fax|E-mail|"
        "Email|Bill To|Ship To|Invoice To|Sold To|Deliver To|Invoice Address|Delivery Address|Total Qty|"
        "Total Quantity|Total Weight|Carried forward|Brought forward|Sort Code|Routing No|Order Date|"
        "Ship Via|Salesperson|Sales Rep|Cashier|Items|Total Items|Past due",
        "de": "Fälligkeitsdatum|Fällig am|Zahlbar bis|Bestelldatum|Lieferdatum|Leistungsdatum|Liefertermin|"
        "Versanddatum|Lieferschein|Lieferschein-Nr|Lieferscheinnummer|Kundennummer|Kunden-Nr|Kundennr|"
        "USt-IdNr|USt-ID|USt-Id-Nr|Steuernummer|Steuer-Nr|IBAN|BIC|Bank|Seite|Telefon|Tel|Fax|E-Mail|"
        "Rechnungsadresse|Lieferadresse|Lieferanschrift|Übertrag|Gesamtgewicht|Handelsregister|"
        "Geschäftsführer|Amtsgericht",
        "fr": "Date d'échéance|Échéance|Date de commande|Date de livraison|Bon de livraison|N° client|"
        "Numéro client|Code client|N° TVA|TVA intracommunautaire|N° TVA intracommunautaire|SIRET|SIREN|"
        "IBAN|BIC|Page|Téléphone|Tél|Fax|Adresse de facturation|Adresse de livraison|Report|À reporter|RCS",
        "es": "Fecha de vencimiento|Vencimiento|Fecha de pedido|Fecha pedido|Fecha de entrega|Albarán|"
        "Nº albarán|Nº cliente|Número de cliente|Código cliente|NIF|CIF|NIF/CIF|IBAN|BIC|Página|Teléfono|"
        "Tel|Fax|Dirección de facturación|Dirección de entrega|Suma y sigue",
        "it": "Data scadenza|Scadenza|Data ordine|Data consegna|DDT|N. DDT|Documento di trasporto|"
        "Codice cliente|"
        "N. cliente|Partita IVA|P. IVA|P.IVA|Codice fiscale|IBAN|BIC|Pagina|Telefono|Tel|Fax|"
        "Indirizzo di fatturazione|Indirizzo di consegna|Riporto",
        "nl": "Vervaldatum|Besteldatum|Orderdatum|Leverdatum|Leveringsdatum|Pakbon|Pakbonnummer|Klantnummer|"
        "Debiteurnummer|BTW-nummer|BTW nr|BTW-nr|BTW-id|KvK|KvK-nummer|IBAN|BIC|Pagina|Telefoon|Tel|Fax|"
        "Factuuradres|Afleveradres",
        "sv": "Förfallodatum|Förfallodag|Orderdatum|Beställningsdatum|Leveransdatum|Följesedel|Kundnummer|"
        "Kundnr|Momsreg.nr|Momsregistreringsnummer|Org.nr|Organisationsnummer|VAT-nummer|Bankgiro|Plusgiro|"
        "IBAN|BIC|Sida|Telefon|Tel|Fax|Fakturaadress|Leveransadress|Dröjsmålsränta|F-skatt",
    },
}


@dataclass(frozen=True)
class Label:
    field: str
    tokens: tuple[str, ...]
    language: str
    weak: bool


def _compile(labels: dict[str, dict[str, str]]) -> tuple[list[Label], dict[tuple[str, ...], set[str]]]:
    compiled = {}
    languages: dict[tuple[str, ...], set[str]] = {}
    for field_name, by_language in labels.items():
        for language, alternatives in by_language.items():
            for printed in alternatives.split("|"):
                weak = printed.startswith("~")
                key = (field_name, tuple(tokens(printed.lstrip("~"))))
                if not key[1]:
                    continue
                languages.setdefault(key[1], set()).add(language)
                if key not in compiled:
                    compiled[key] = Label(field_name, key[1], language, weak)
    # Longest first: "Total HT" must win over "Total", "N° de facture d'origine" over "N° de facture".
    return sorted(compiled.values(), key=lambda label: -len(label.tokens)), languages


_COMPILED, _LANGUAGES_OF = _compile(LABELS)


@dataclass(frozen=True)
class LabelMatch:
    label: Label
    words: int  # how many words of the phrase the label covers


_BY_FIRST_TOKEN: dict[str, list[Label]] = {}
for _label in _COMPILED:  # already longest first
    _BY_FIRST_TOKEN.setdefault(_label.tokens[0], []).append(_label)


def label_at(phrase: Phrase) -> LabelMatch | None:
    """The longest catalogue label the phrase starts with (any field, so that
    "Due Date" is recognised as not ours), or None."""
    return _label_for(tuple(w.text for w in phrase.words[:_MAX_LABEL_WORDS]), phrase.words[:_MAX_LABEL_WORDS])


_MAX_LABEL_WORDS = 10  # no label is longer; the words after it do not change the match


def _label_for(texts: tuple[str, ...], words: list) -> LabelMatch | None:
    cached = _LABEL_CACHE.get(texts, _Missing.MISSING)
    if cached is not _Missing.MISSING:
        return cached
    found = None
    first = first_token(words)
    for label in _BY_FIRST_TOKEN.get(first or "", ()):
        covered = match_prefix(words, label.tokens)
        if covered:
            found = LabelMatch(label, covered)
            break
    if first is None and len(words) > 1 and _LEADING_RATE.match(words[0].text):
        # "19 % MwSt. auf 458,75 €", "8.25% Sales Tax": the rate before the label
        after = _label_for(texts[1:], words[1:])
        found = LabelMatch(after.label, after.words + 1) if after is not None else None
    if len(_LABEL_CACHE) > 20_000:  # bounded: a hostile PDF can print any number of phrases
        _LABEL_CACHE.clear()
    _LABEL_CACHE[texts] = found
    return found


class _Missing(Enum):
    """Not in the label cache yet (a cached None means: no label)."""

    MISSING = auto()


_LEADING_RATE = re.compile(r"^\(?\d{1,2}(?:[.,]\d{1,3})?\s?%\)?$")
_LABEL_CACHE: dict[tuple[str, ...], LabelMatch | None] = {}


# --- values -----------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    """The conventions of one document, decided once from all its text."""

    decimal: str = "."
    decimal_decided: bool = False
    date_order: str = DMY
    date_order_decided: bool = False
    language: str | None = None


@dataclass
class FieldHit:
    field: str
    value: Any
    text: str
    page: int
    box: Box
    label_quality: float  # 1.0 for a full label, lower for a weak one
    position_quality: float  # same phrase or right beside: 1.0; below: 0.95
    parse_quality: float  # 1.0 unless the value needed the document's convention to read
    label_text: str = ""  # the label as printed ("Att betala SEK": the currency may be in it)

    @property
    def confidence(self) -> float:
        return round(BASE_CONFIDENCE * self.label_quality * self.position_quality * self.parse_quality, 3)


# What a value read beside a full label and parsed without doubt is worth
# before cross-checks: labels can still mislead (a second "Total" on the page).
BASE_CONFIDENCE = 0.95
WEAK_LABEL = {True: 0.9, False: 0.8}  # a bare "Date" / "Total" (strict value) or "Invoice" (identifier)
BELOW = 0.97  # the value under its label rather than beside it
IN_BOX = 0.9  # under its label in a box, not under its words (side-by-side total boxes)


_IDENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$")
ParseResult = tuple[Any, float] | None


def _identifier(text: str, reading: Reading) -> ParseResult:
    parts = text.split()
    while len(parts) > 1 and (not tokens(parts[0]) or set(tokens(parts[0])) <= {"no"}):
        parts = parts[1:]  # "No. 4711", ": 4711", "# 4711" after a label that did not name the number
    first = parts[0].strip(",;:()") if parts else ""
    if not _IDENT.match(first) or not any(c.isdigit() for c in first):
        return None
    if parse_date(first) is not None and re.fullmatch(r"[\d./\-]+", first):  # a date beside a number label
        return None
    return first, 1.0


def _vendor_code(text: str, reading: Reading) -> ParseResult:
    first = text.split()[0].strip(",;:()") if text.split() else ""
    return (first, 1.0) if _IDENT.match(first) and len(first) >= 2 else None


def date_quality(text: str, reading: Reading) -> float:
    """1.0 for a date that reads one way only; less when the day/month order
    came from the document's other dates or its language (0.95: a French
    invoice is always day-first), or an English default that may be US or UK
    (0.7)."""
    if not date_is_ambiguous(text):
        return 1.0
    if reading.date_order_decided:
        return 0.95
    return 0.95 if reading.language not in (None, "en") else 0.7


def amount_quality(piece: str, reading: Reading) -> float:
    """As `date_quality`, for `1,234` / `1.234`: grouping or decimals."""
    if not amount_is_ambiguous(piece):
        return 1.0
    return 0.95 if reading.decimal_decided else 0.85


def _date(text: str, reading: Reading) -> ParseResult:
    value = parse_date(text, reading.date_order)
    return None if value is None else (value, date_quality(text, reading))


def _amount(text: str, reading: Reading) -> ParseResult:
    found = find_amounts(text, reading.decimal)
    if not found:
        return None
    value, piece = found[-1]  # "VAT 19%: 190.00", "EUR 1.234,56": the amount is the last number
    return value, amount_quality(piece, reading)


# A word that names the base a tax is computed on: the amount after it is the
# base, not the tax ("zzgl. 19 % MwSt. auf 458,75 €", "Btw 21% over € 265,00",
# "VAT 20% on £120.00", "IVA 21 % sobre 265,00", "TVA 20 % sur 1 118,25 €").
_BASE_WORD = re.compile(
    r"(?:^|[\s(])(?:auf|von|aus|on|of|over|from|sur|de|sobre|su|sul|su\s+imponibile|over|van|p[aå]|av|base|basis|"
    r"base\s+imponible|imponibile)\s*[:=]?\s*(?:[A-Z]{3}|[$€£]|kr)?\s*$",
    re.IGNORECASE,
)


def tax_amount(text: str, reading: Reading) -> ParseResult:
    """The tax on a tax line: the last amount that is not the base it was
    computed on (`_BASE_WORD`), nor a rate."""
    for value, piece, start in reversed(find_amounts_at(text, reading.decimal)):
        if not _BASE_WORD.search(text[max(0, start - 40) : start]):
            return value, amount_quality(piece, reading)
    return None


def _currency(text: str, reading: Reading) -> ParseResult:
    found = find_currency(text, reading.language)
    return None if found is None else (found[0], 1.0 if found[1] else 0.7)


_NET_DAYS = re.compile(r"(\d{1,3})\s*(?:days?|tage?n?|jours?|d[ií]as?|giorni|dagen|dagar|dgr|d)\b")
_DISCOUNT = re.compile(r"(\d{1,2}(?:[.,]\d{1,2})?)\s*%[^\d]{0,40}?(\d{1,3})")
_SLASH_TERMS = re.compile(r"\b(\d{1,2}(?:[.,]\d{1,2})?)\s*/\s*(\d{1,3})\s*,?\s*(?:net|netto|n)\s*(\d{1,3})\b")
# "2% 10 NET 30", "1% 10, Net 30", "2 % 10 days net 30": the US shorthand without a slash.
_PERCENT_TERMS = re.compile(
    r"\b(\d{1,2}(?:[.,]\d{1,2})?)\s*%\s*(\d{1,3})\s*(?:days?|d)?\s*,?\s*(?:net|netto|n)\s*(\d{1,3})\b"
)
_NET_WORD = re.compile(r"\b(?:net|netto|neto|netto|nett)\s*(\d{1,3})\b")
# Payment due at once: "Zahlbar sofort", "à réception", "due on receipt", "per omgaande".
_DUE_NOW = re.compile(
    r"\b(?:sofort|umgehend|immediately|immediate|upon\s+receipt|on\s+receipt|receipt\s+of\s+invoice|"
    r"a\s+reception|des\s+reception|au\s+comptant|comptant|al\s+contado|contado|a\s+la\s+vista|"
    r"rimessa\s+diretta|a\s+vista|vista\s+fattura|per\s+omgaande|onmiddellijk|omgaende|"
    r"genast|kontant|netto\s+kasse|net\s+cash)\b"
)


def parse_payment_terms(text: str) -> dict[str, Any] | None:
    """`Net 30`, `2/10 net 30`, `2% 10 days, net 30 days`, `30 Tage netto`,
    `14 Tage 2% Skonto, 30 Tage netto`, `30 jours net`, `30 dagar netto` →
    PaymentTerms fields; None when no day count is printed."""
    folded = " ".join(tokens_with_numbers(text))
    shorthand = _SLASH_TERMS.search(folded) or _PERCENT_TERMS.search(folded)
    if shorthand and int(shorthand.group(2)) < int(shorthand.group(3)):
        return {
            "net_days": int(shorthand.group(3)),
            "discount_days": int(shorthand.group(2)),
            "discount_percent": str(Decimal(shorthand.group(1).replace(",", "."))),
        }
    days = [int(m.group(1)) for m in _NET_DAYS.finditer(folded)]
    net_word = _NET_WORD.search(folded)
    if net_word:
        days.append(int(net_word.group(1)))
    if not days:
        if _DUE_NOW.search(folded) and not re.search(r"\d", folded):
            return {"net_days": 0}
        return None
    terms: dict[str, Any] = {"net_days": max(days)}
    discount = re.search(r"(\d{1,2}(?:[.,]\d{1,2})?)\s*%", folded)
    if discount and len(set(days)) >= 2:
        terms["discount_days"] = min(days)
        terms["discount_percent"] = str(Decimal(discount.group(1).replace(",", ".")))
    return terms


def tokens_with_numbers(text: str) -> list[str]:
    """Lower-case words keeping `2,5%`, `2/10` intact (unlike label tokens)."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return re.findall(r"\d+(?:[.,]\d+)?(?:\s?%)?|[a-z]+|/|%", plain)


def _terms(text: str, reading: Reading) -> ParseResult:
    terms = parse_payment_terms(text)
    return None if terms is None else (terms, 0.92)  # free text: a phrasing we misread is possible


# Status words, most specific first ("accepted with changes" before "accepted").
_STATUS_WORDS: list[tuple[str, tuple[str, ...]]] = [
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
    for status, phrases in _STATUS_WORDS
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


def _status(text: str, reading: Reading) -> ParseResult:
    status = parse_status(text)
    return None if status is None else (status, 1.0)


def _text(text: str, reading: Reading) -> ParseResult:
    cleaned = " ".join(text.split())
    return (cleaned[:2000], 0.9) if cleaned else None


_PARSERS: dict[str, Callable[[str, Reading], ParseResult]] = {
    "invoice_number": _identifier,
    "credit_number": _identifier,
    "ack_number": _identifier,
    "po_number": _identifier,
    "original_invoice": _identifier,
    "vendor_number": _vendor_code,
    "date": _date,
    "currency": _currency,
    "subtotal": _amount,
    "tax": tax_amount,
    "freight": _amount,
    "total": _amount,
    "payment_terms": _terms,
    "status": _status,
    "message": _text,
}
# Header fields are read where they first appear; totals where they last appear
# (after the lines, and a running "Subtotal" per page is superseded by the last).
LAST_WINS = frozenset({"subtotal", "tax", "freight", "total"})


# --- finding values next to labels ---------------------------------------------------


def _right_of(line: Line, index: int) -> Phrase | None:
    return line.phrases[index + 1] if index + 1 < len(line.phrases) else None


def _overlap(a: Box, b: Box) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0]))


def _below(
    lines: list[Line], line_index: int, phrase: Phrase, box: Box | None = None
) -> tuple[Phrase, int, float] | None:
    """The phrase just under a label, in its column: the next one or two lines
    down, overlapping the label horizontally (or starting where it starts) —
    or, in a box of its own (side-by-side total boxes: label top left, value
    bottom right), the one phrase between the label's neighbours on its line.
    Returns the phrase, the index of its line and how sure the position is."""
    box = box or phrase.box
    line = lines[line_index]
    index = next(i for i, p in enumerate(line.phrases) if p is phrase)
    previous = line.phrases[index - 1].box[2] if index > 0 else box[0] - 160
    following = line.phrases[index + 1].box[0] if index + 1 < len(line.phrases) else box[2] + 160
    near = [
        (offset, below)
        for offset, below in enumerate(lines[line_index + 1 : line_index + 3], start=line_index + 1)
        if below.top - box[3] <= 2.5 * phrase.size
    ]
    for offset, below in near:
        if offset > line_index + 1 and not any(o == offset - 1 for o, _ in near):
            break
        for candidate in below.phrases:
            cbox = candidate.box
            if (
                _overlap(box, cbox) > 0.3 * min(box[2] - box[0], cbox[2] - cbox[0])
                or abs(cbox[0] - box[0]) < 3
            ):
                return candidate, offset, BELOW
    if near and near[0][0] == line_index + 1:
        # In a box: right of a left-aligned label and short of the next one,
        # or left of a right-aligned label and past the one before.
        offset, below = near[0]
        for boxed in (
            [c for c in below.phrases if c.box[0] >= box[0] - 2 and c.box[2] <= following - 2],
            [c for c in below.phrases if c.box[2] <= box[2] + 2 and c.box[0] >= previous + 2],
        ):
            if len(boxed) == 1:
                return boxed[0], offset, IN_BOX
    return None


# Words that open a letter's subject line ("Betreff: Ihre Bestellung 4711 vom
# 12.11.2026", "Re: Your Purchase Order No. 4500012345"): labels inside it count.
_SUBJECT_WORDS = frozenset(
    {
        "re",
        "betreff",
        "betr",
        "subject",
        "subj",
        "objet",
        "betreft",
        "oggetto",
        "asunto",
        "arende",
        "avser",
        "regarding",
        "concerne",
        "ang",
        "angaende",
    }
)
_SUBJECT_FIELDS = frozenset(
    {"po_number", "invoice_number", "credit_number", "ack_number", "original_invoice"}
)
SUBJECT_LINE = 0.9  # a label inside free text: a little less sure than one standing alone


def _subject_hits(phrase: Phrase, wanted: set[str], reading: Reading) -> list[FieldHit]:
    """Fields named inside a subject line: each label found at any word."""
    if first_token(phrase.words) not in _SUBJECT_WORDS:
        return []
    hits: list[FieldHit] = []
    seen: set[str] = set()
    for start in range(1, min(len(phrase.words), 16)):
        rest = phrase.slice(start)
        match = label_at(rest)
        if match is None or match.label.field not in wanted & _SUBJECT_FIELDS or match.label.field in seen:
            continue
        if match.label.weak or match.words >= len(rest.words):
            continue
        value = rest.slice(match.words)
        parsed = _PARSERS[match.label.field](value.text, reading)
        if parsed is not None:
            seen.add(match.label.field)
            hits.append(
                FieldHit(
                    match.label.field,
                    parsed[0],
                    value.text,
                    value.page,
                    value.box,
                    SUBJECT_LINE,
                    1.0,
                    parsed[1],
                )
            )
    return hits


def find_fields(
    pages: list[Page],
    fields: Iterable[str],
    reading: Reading,
    excluded: Callable[[int, Box], bool] = lambda page, box: False,
) -> dict[str, FieldHit]:
    """The best hit per field among `fields`. `excluded(page, box)` hides
    regions (the line table, whose "Total" and "Date" columns are not
    header fields)."""
    wanted = set(fields)
    hits: dict[str, list[FieldHit]] = {}
    subject: dict[str, FieldHit] = {}
    for page in pages:
        lines = [
            Line([p for p in line.phrases if not excluded(page.number, p.box)], page.number)
            for line in page.lines
        ]
        lines = [line for line in lines if line.phrases]
        for line_index, line in enumerate(lines):
            for phrase_index, phrase in enumerate(line.phrases):
                match = label_at(phrase)
                if match is None or match.label.field not in wanted:
                    if match is None:
                        for subject_hit in _subject_hits(phrase, wanted, reading):
                            subject.setdefault(subject_hit.field, subject_hit)
                    continue
                hit = _read_value(lines, line_index, phrase_index, match, reading)
                if hit is not None:
                    hits.setdefault(hit.field, []).append(hit)
    for name, hit in subject.items():  # a labelled field elsewhere is the better reading
        hits.setdefault(name, [hit])
    return {name: (found[-1] if name in LAST_WINS else found[0]) for name, found in hits.items()}


# Fields whose value has a shape no other text has (a date, an amount): even a
# weak label ("Date", "Total") may take the value below it.
_STRICT_VALUES = frozenset({"date", "subtotal", "tax", "freight", "total"})


def _similar_size(label: Phrase, value: Phrase) -> bool:
    return max(label.size, value.size) <= 1.7 * min(label.size, value.size)


def _label_box(phrase: Phrase, match: LabelMatch) -> Box | None:
    """The label's own words, when another label follows it in one phrase
    ("Customer PO # Order Date" printed close together): its value is under
    its words, not under the whole phrase."""
    if match.words >= len(phrase.words):
        return None
    rest = phrase.slice(match.words)
    return phrase.slice(0, match.words).box if label_at(rest) is not None else None


def _read_value(
    lines: list[Line], line_index: int, phrase_index: int, match: LabelMatch, reading: Reading
) -> FieldHit | None:
    line = lines[line_index]
    phrase = line.phrases[phrase_index]
    label = match.label
    parser = _PARSERS[label.field]
    quality = WEAK_LABEL[label.field in _STRICT_VALUES] if label.weak else 1.0
    candidates: list[tuple[Phrase, float, int]] = []
    if match.words < len(phrase.words):
        candidates.append((phrase.slice(match.words), 1.0, line_index))
    right = _right_of(line, phrase_index)
    if (
        right is not None
        and not is_bare_label(right)
        and not _names_another(right, label)
        and _similar_size(phrase, right)
    ):
        if label.field in _AMOUNTS:
            right = _amount_run(line, phrase_index + 1, reading) or right
        candidates.append((right, 1.0, line_index))
    if not label.weak or (label.field in _STRICT_VALUES and match.words == len(phrase.words)):
        below = _below(lines, line_index, phrase, _label_box(phrase, match))
        if below is not None and not is_bare_label(below[0]):
            candidates.append((below[0], below[2], below[1]))
    for candidate, position, where in candidates:
        text = candidate.text
        if label.field == "message":
            text = _message_block(lines, where, candidate, phrase_index + 1 if candidate is right else None)
        parsed = parser(text, reading)
        if parsed is not None:
            value, parse_quality = parsed
            if parser is _identifier:
                wrapped = _wrapped_rest(lines, candidate)
                if wrapped is not None:  # joined, but a guess: a person confirms it
                    value, parse_quality, text = value + wrapped, WRAPPED, f"{text} {wrapped}"
            return FieldHit(
                label.field,
                value,
                text,
                candidate.page,
                candidate.box,
                quality,
                position,
                parse_quality,
                phrase.text,
            )
    return None


_AMOUNTS = frozenset({"subtotal", "tax", "freight", "total"})

# An identifier too long for its box wraps onto the next line, flush with its
# first part ("ACME-INV-30302-2612" over "02015344"). Reading only the first
# line would be a silent error at full confidence; joining is a guess.
WRAPPED = 0.8
_WRAPS_FROM = 12  # characters: a box too narrow for a shorter number is not a layout anyone prints
_WRAP_PIECE = re.compile(r"^[A-Za-z0-9._\-/]{1,40}$")


def _wrapped_rest(lines: list[Line], value: Phrase) -> str | None:
    """The rest of a wrapped identifier: one token on the next text line, left
    edge flush with the value's, close below it, not a date, and with no label
    of its own on its line (then it is another field's value)."""
    if len(value.words[0].text) < _WRAPS_FROM:
        return None
    x0, _, _, bottom = value.box
    height = value.box[3] - value.box[1]
    for line in lines:
        if line.page != value.page:
            continue
        for index, phrase in enumerate(line.phrases):
            px0, ptop = phrase.box[0], phrase.box[1]
            if abs(px0 - x0) > 2 or not 0 <= ptop - bottom <= 0.8 * height or phrase is value:
                continue
            if (
                len(phrase.words) != 1
                or not _WRAP_PIECE.match(phrase.text)
                or parse_date(phrase.text) is not None
            ):
                return None  # a value of its own (a date under a number), not the rest of one
            labelled = any(label_at(other) is not None for other in line.phrases[:index])
            return None if labelled else phrase.text
    return None


def _amount_run(line: Line, start: int, reading: Reading) -> Phrase | None:
    """The amounts right of a totals label, up to the next label or text:
    "19 % MwSt. | 458,75 € | 87,16 €" (base, then tax), "Total | USD |
    1,234.56". The last of them is the value; None when there is only one
    phrase to read anyway."""
    words: list = []
    count = 0
    for phrase in line.phrases[start:]:
        text = phrase.text.strip()
        if parse_amount(text, reading.decimal) is None and not _CURRENCY_ONLY.fullmatch(text):
            break
        words += phrase.words
        count += 1
    return Phrase(words, line.page) if count > 1 else None


_CURRENCY_ONLY = re.compile(r"\(?(?:[A-Z]{3}|[$€£¥]|kr\.?|SFr\.?|Fr\.)\)?")


def _names_another(phrase: Phrase, label: Label) -> bool:
    """A neighbour that opens with a label of another field ("Carriage |
    VAT 20% on £313.70", "Invoice Date | Due Date 12.03.2026") holds that
    field's value, not ours."""
    if label.field not in _STRICT_VALUES:  # "Zahlungsbedingungen | Netto 30 Tage" is a value
        return False
    match = label_at(phrase)
    return match is not None and not match.label.weak and match.label.field != label.field


def _message_block(lines: list[Line], line_index: int, first: Phrase, from_phrase: int | None) -> str:
    """A note's whole text: the rest of its line, and the lines under it that
    start where it starts, up to a gap or a label (a "Remarks" block)."""
    line = lines[line_index]
    if from_phrase is not None:
        texts = [" ".join(p.text for p in line.phrases[from_phrase:])]
    else:
        index = next((i for i, p in enumerate(line.phrases) if p is first), None)
        texts = [" ".join(p.text for p in line.phrases[index:])] if index is not None else [first.text]
    bottom = first.box[3]
    for below in lines[line_index + 1 : line_index + 20]:
        head = below.phrases[0]
        if (
            below.top - bottom > 0.8 * first.size
            or abs(head.box[0] - first.box[0]) > 3
            or label_at(head) is not None
            or not _similar_size(first, head)
        ):
            break
        texts.append(below.text)
        bottom = below.bottom
    return " ".join(texts)


_PLACE_DATE = re.compile(
    r"^(?P<place>[^\W\d_][^\W\d_'.-]*(?:[ '.-][^\W\d_]+){0,3})(?:,\s*|\s+(?=\d{4}-\d\d-\d\d$))"
    r"(?:(?:le|den|am|il|el|the|d\.)\s+)?(?P<date>\S.*)$"
)
PLACE_DATE = 0.8  # an unlabelled date: the letter's date is the document's, nearly always


def find_place_date(
    pages: list[Page], reading: Reading, excluded: Callable[[int, Box], bool]
) -> FieldHit | None:
    """A business letter's date with no label: "Lyon, le 27 novembre 2026",
    "Hamburg, den 16.09.2026", "Göteborg 2026-03-19" — a place and a date
    alone on a line in the top half of the first page."""
    page = pages[0]
    for phrase in page.phrases:
        if phrase.box[1] > page.height * 0.5 or excluded(page.number, phrase.box) or len(phrase.words) > 8:
            continue
        text = phrase.text
        if not any(c.isdigit() for c in text):
            continue
        match = _PLACE_DATE.match(text)
        if match is None or not is_date_only(match.group("date")) or label_at(phrase) is not None:
            continue
        value = parse_date(match.group("date"), reading.date_order)
        if value is not None:
            return FieldHit(
                "date",
                value,
                text,
                page.number,
                phrase.box,
                PLACE_DATE,
                1.0,
                date_quality(match.group("date"), reading),
            )
    return None


_TERMS_SENTENCE = re.compile(
    r"\b(?:payable|payment\s+(?:is\s+)?due|due\s+within|terms\s+net|zahlbar|zahlungsziel|a\s+regler|"
    r"reglement\s+a|paiement\s+a|pagadero|pago\s+a|pago\s+al|pagamento\s+a|da\s+pagare|betaalbaar|"
    r"betaling\s+binnen|betaling\s+per|betalas|betalning\s+inom|due\s+(?:up)?on\s+receipt|rimessa\s+diretta|"
    r"skonto|escompte|\d{1,3}\s+(?:days?|tage?n?|jours|dagen|dagar|d[ií]as|giorni)\s+(?:net|netto|netos?|nett)|"
    r"net\s+\d{1,3}\s+days?|\d{1,2}\s*%\s*\d{1,3}\s*,?\s*net\s+\d{1,3})\b"
)


def find_terms_sentence(pages: list[Page], excluded: Callable[[int, Box], bool]) -> FieldHit | None:
    """Payment terms printed as a sentence without a label ("Zahlbar innerhalb
    von 30 Tagen ohne Abzug.", "Payable within 30 days.")."""
    for page in pages:
        for line in page.lines:
            text = line.text
            if excluded(page.number, line.box) or not _TERMS_SENTENCE.search(
                " ".join(tokens_with_numbers(text))
            ):
                continue
            terms = parse_payment_terms(text)
            if terms is not None:
                return FieldHit("payment_terms", terms, text, page.number, line.box, 0.9, 1.0, 0.92)
    return None


def language_votes(pages: list[Page]) -> Counter[str]:
    """How many labels of each language the pages print (a label that several
    languages share, like "Total", votes for each)."""
    votes: Counter[str] = Counter()
    for page in pages:
        for phrase in page.phrases:
            match = label_at(phrase)
            if match is not None and match.label.field != "ignore":
                votes.update(_LANGUAGES_OF.get(match.label.tokens, ()))
    return votes


def is_bare_label(phrase: Phrase) -> bool:
    """A phrase that is a label and nothing more (or a label and a colon): a
    neighbour that names another field, not a value."""
    match = label_at(phrase)
    if match is None:
        return False
    rest = phrase.words[match.words :]
    return not rest or phrase.words[match.words - 1].text.endswith(":")
