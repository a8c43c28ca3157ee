"""The printed words of a document's header, per language (English, German,
French, Spanish, Italian, Dutch, Swedish, Polish), as data: document titles, field
labels, and the words that open a letter's subject line.

Labels that look like ours but name something else ("Due date", "VAT No",
"Bill to", "Delivery note") are in the catalogue too, under `ignore`, so that
the longest label wins and their values are never taken for ours.
"""

from __future__ import annotations

from models.extraction import ExtractedKind

__all__ = ["LABELS", "SUBJECT_WORDS", "TITLES"]


# Titles, by kind and language. Longest match wins, so "Factura rectificativa"
# is a credit note and not an invoice.
TITLES: dict[ExtractedKind, dict[str, str]] = {
    ExtractedKind.INVOICE: {
        "en": "Invoice|Tax Invoice|Commercial Invoice|Sales Invoice",
        "de": "Rechnung|Warenrechnung|Kostenrechnung|Beitragsrechnung|Sammelrechnung|Schlussrechnung|"
        "Teilrechnung|Abschlagsrechnung|Dienstleistungsrechnung",
        "fr": "Facture",
        "es": "Factura",
        "it": "Fattura|Fattura accompagnatoria",
        "nl": "Factuur",
        "sv": "Faktura",
        "pl": "Faktura|Faktura VAT|Rachunek",
    },
    ExtractedKind.CREDIT_MEMO: {
        "en": "Credit Note|Credit Memo|Credit Invoice|Credit Memorandum",
        "de": "Gutschrift|Rechnungskorrektur|Stornorechnung|Gutschriftsanzeige",
        "fr": "Avoir|Facture d'avoir|Note de crédit|Facture rectificative",
        "es": "Nota de crédito|Factura rectificativa|Abono|Nota de abono",
        "it": "Nota di credito|Nota credito",
        "nl": "Creditnota|Creditfactuur",
        "sv": "Kreditfaktura|Kreditnota",
        "pl": "Faktura korygująca|Korekta faktury|Faktura VAT korygująca",
    },
    ExtractedKind.ACKNOWLEDGMENT: {
        "en": "Order Confirmation|Order Acknowledgment|Order Acknowledgement|Purchase Order Acknowledgment|"
        "Purchase Order Acknowledgement|Sales Order Confirmation|PO Acknowledgment|PO Acknowledgement|"
        "Acknowledgment of Order|Acknowledgement of Order|Sales Order Acknowledgment|"
        "Sales Order Acknowledgement|Order Ack|Acknowledgment|Acknowledgement",
        "de": "Auftragsbestätigung|Bestellbestätigung|Auftragsbestaetigung",
        "fr": "Confirmation de commande|Accusé de réception de commande|Accusé de réception",
        "es": "Confirmación de pedido|Acuse de recibo del pedido|Confirmación del pedido",
        "it": "Conferma d'ordine|Conferma ordine|Conferma dell'ordine",
        "nl": "Orderbevestiging|Opdrachtbevestiging",
        "sv": "Orderbekräftelse|Ordererkännande",
        "pl": "Potwierdzenie zamówienia",
    },
}

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
        "pl": "Faktura nr|Numer faktury|Nr faktury|Faktura VAT nr|~Faktura",
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
        "pl": "Faktura korygująca nr|Korekta nr|Numer korekty|~Faktura korygująca",
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
        "pl": "Potwierdzenie zamówienia nr|Numer potwierdzenia|Nasz numer",
    },
    "po_number": {
        "en": "PO Number|PO No|PO|P.O. Number|P.O. No|P.O.|Purchase Order|Purchase Order No|Your Order|"
        "Your Order No|Your PO|Your PO No|Customer PO|Customer PO No|Customer Order No|Order No|"
        "Your Reference|Your Purchase Order|Your Purchase Order No|Your Purchase Order Number|Cust PO|"
        "Cust PO No|Cust. P.O.|Cust. P.O. No|Cust PO Number|Customer P.O.|Customer P.O. No|"
        "Customer PO Number|Cust Order No|Client PO|Client PO No|Your P.O.|Your P.O. No",
        "de": "Bestellnummer|Bestell-Nr|Bestellnr|Ihre Bestellung|Ihre Bestellnummer|Ihre Bestell-Nr|"
        "Bestellung|Bestellung Nr|Ihr Auftrag|Ihre Referenz|Ihrer Bestellung|Ihre Bestellung Nr|"
        "Ihre Bestellnr|~Ihr Zeichen|Ihre Bestell-Nummer",
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
        "pl": "Numer zamówienia|Nr zamówienia|Zamówienie|Zamówienie nr|Państwa zamówienie|Wasze zamówienie",
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
        "pl": "Data wystawienia|Data faktury|Data dokumentu|~Data",
    },
    "currency": {
        "en": "Currency|Currency Code",
        "de": "Währung",
        "fr": "Devise|Monnaie",
        "es": "Moneda|Divisa",
        "it": "Valuta|Divisa",
        "nl": "Valuta|Munteenheid",
        "sv": "Valuta",
        "pl": "Waluta",
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
        "pl": "Numer dostawcy|Nr dostawcy|Kod dostawcy",
    },
    "subtotal": {
        "en": "Subtotal|Sub-total|Sub Total|Net Total|Total Net|Net Amount|Total excl. VAT|Total excl. tax|"
        "Total before tax|Goods total|Merchandise total|Total excluding VAT|~Merchandise|Sale Amount|"
        "Net Invoice Amount",
        "de": "Zwischensumme|Nettobetrag|Summe netto|Netto|Gesamt netto|Nettosumme|Warenwert|"
        "Summe Positionen|"
        "Gesamtbetrag netto|Rechnungsbetrag netto|Warenwert netto|Nettobetrag gesamt|Summe Warenwert|Gesamtbeitrag",
        "fr": "Total HT|Montant HT|Sous-total|Total hors taxes|Montant hors taxes",
        "es": "Base imponible|Subtotal|Importe neto|Total neto|Suma",
        "it": "Imponibile|Subtotale|Totale imponibile|Totale netto|Totale merce",
        "nl": "Subtotaal|Totaal excl. BTW|Netto bedrag|Totaal exclusief BTW|Bedrag excl. BTW",
        "sv": "Delsumma|Summa exkl. moms|Netto|Belopp exkl. moms|Nettobelopp|Summa exklusive moms",
        "pl": "Razem netto|Wartość netto|Suma netto|Kwota netto",
    },
    "tax": {
        "en": "Tax|Sales Tax|VAT|Total VAT|Total Tax|Tax Amount|VAT Amount|GST",
        "de": "MwSt|MwSt.|Mehrwertsteuer|USt|Umsatzsteuer|zzgl. MwSt|zzgl. USt|Summe MwSt|Versicherungsteuer|"
        "MwSt-Betrag|USt-Betrag|Steuerbetrag|Mehrwertsteuerbetrag|Umsatzsteuerbetrag",
        "fr": "TVA|Total TVA|Montant TVA|Montant de la TVA",
        "es": "IVA|Total IVA|Cuota IVA|Importe IVA",
        "it": "IVA|Totale IVA|Imposta|Importo IVA",
        "nl": "BTW|Totaal BTW|BTW-bedrag|BTW bedrag",
        "sv": "Moms|Totalt moms|Mervärdesskatt|Summa moms|Momsbelopp",
        "pl": "Kwota VAT|Podatek VAT|Razem VAT|VAT",
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
        "pl": "Transport|Koszty transportu|Wysyłka|Koszt dostawy",
    },
    "total": {
        "en": "Total|Invoice Total|Grand Total|Total Amount|Total Invoice|Credit Total|Total Credit|"
        "Total incl. VAT|Total including VAT|Total incl. tax|Invoice Amount",
        "de": "Gesamtbetrag|Rechnungsbetrag|Gesamtsumme|Endbetrag|Bruttobetrag|Summe|"
        "Gesamt|Gesamtbetrag brutto|Rechnungsbetrag brutto|Gutschriftsbetrag|Gesamt brutto|Summe brutto|"
        "Rechnungssumme|Rechnungsbeitrag",
        "fr": "Total TTC|Montant TTC|Montant total|Total|Total avoir|Montant de l'avoir|Total facture",
        "es": "Total|Total factura|Importe total|Total abono|Total nota de crédito|Total importe",
        "it": "Totale|Totale documento|Totale fattura|Totale nota di credito",
        "nl": "Totaal|Totaalbedrag|Totaal incl. BTW|Totaal inclusief BTW|Totaal factuurbedrag|Factuurbedrag",
        "sv": "Totalt|Totalbelopp|Summa|Fakturabelopp|Summa inkl. moms",
        "pl": "Razem brutto|Wartość brutto|Suma brutto|Kwota brutto|Należność ogółem|Ogółem|Razem",
    },
    # What the supplier asks to be paid (BT-115 "amount due for payment"): the
    # total less a prepayment, deposit or discount — not the total when they differ.
    "amount_due": {
        "en": "Amount Due|Total Due|Balance Due|Total Payable|Amount Payable|Please Pay|Pay This Amount|"
        "Total Amount Payable|Net Amount Due|Total Amount Due|Balance Payable",
        "de": "Zu zahlen|Zahlbetrag|Zu zahlender Betrag|Zahlbetrag brutto|Zu zahlender Gesamtbetrag|"
        "Bitte zahlen Sie|Restbetrag|Offener Betrag|Noch zu zahlen",
        "fr": "Net à payer|Total à payer|Montant à payer|Reste à payer|Net à payer TTC|Montant net à payer|"
        "Solde à payer",
        "es": "Total a pagar|Importe a pagar|Líquido a pagar|Importe pendiente|Saldo pendiente",
        "it": "Totale da pagare|Netto a pagare|Totale a pagare|Importo da pagare|Saldo da pagare",
        "nl": "Te betalen|Totaal te betalen|Te betalen bedrag|Nog te betalen|Openstaand bedrag",
        "sv": "Att betala|Summa att betala|Totalt att betala|Belopp att betala|Att erhålla|Kvar att betala",
        "pl": "Do zapłaty|Pozostało do zapłaty|Kwota do zapłaty|Razem do zapłaty",
    },
    "payment_terms": {
        "en": "Payment Terms|Terms|Terms of Payment|Payment Conditions",
        "de": "Zahlungsbedingungen|Zahlungsziel|Zahlungskonditionen",
        "fr": "Conditions de paiement|Conditions de règlement|Modalités de paiement|Échéance de paiement",
        "es": "Condiciones de pago|Forma de pago|Términos de pago",
        "it": "Termini di pagamento|Condizioni di pagamento|Pagamento|Modalità di pagamento",
        "nl": "Betalingsvoorwaarden|Betalingscondities|Betalingstermijn",
        "sv": "Betalningsvillkor|Betalningsvillkor netto",
        "pl": "Warunki płatności",
    },
    "original_invoice": {
        "en": "Original Invoice|Original Invoice No|Reference Invoice|Ref. Invoice|Corrects Invoice|"
        "Credit for Invoice|Related Invoice|Against Invoice|Orig Invoice|Orig. Invoice No|Orig Inv|"
        "Original Inv|Original Invoice Number|Applies to Invoice|Apply to Invoice",
        "de": "Ursprungsrechnung|Ursprungsbeleg|Ursprungsbeleg-Nr|Bezug Rechnung|Bezug Rechnungsnummer|"
        "Zu Rechnung|Originalrechnung|Korrektur zu Rechnung|Zur Rechnung",
        "fr": "Facture d'origine|N° de facture d'origine|Facture origine|Facture initiale|Sur facture n°|"
        "Facture de référence|Facture d'origine n°|N° de facture associée|Facture associée",
        "es": "Factura original|Factura rectificada|Factura de referencia|Nº factura original|"
        "Factura original nº",
        "it": "Fattura di riferimento|Fattura originale|Rif. fattura|Fattura originale n",
        "nl": "Oorspronkelijke factuur|Originele factuur|Factuurreferentie|Oorspronkelijk factuurnummer",
        "sv": "Ursprunglig faktura|Originalfaktura|Avser faktura|Avser fakturanummer",
        "pl": "Faktura korygowana|Dotyczy faktury|Korekta do faktury",
    },
    "status": {
        "en": "Status|Order Status|Acknowledgment Status|Confirmation Status",
        "de": "Status|Auftragsstatus|Bestätigungsstatus",
        "fr": "Statut|État",
        "es": "Estado",
        "it": "Stato|Esito",
        "nl": "Status",
        "sv": "Status",
        "pl": "Status",
    },
    "message": {
        "en": "Note|Notes|Remarks|Comment|Comments|Message",
        "de": "Bemerkung|Bemerkungen|Hinweis|Anmerkung|Mitteilung",
        "fr": "Remarque|Remarques|Observations|Note",
        "es": "Nota|Observaciones|Comentarios",
        "it": "Note|Nota|Osservazioni",
        "nl": "Opmerking|Opmerkingen",
        "sv": "Anmärkning|Meddelande|Kommentar",
        "pl": "Uwagi|Uwaga",
    },
    # Stand-ins (read.py, build.py): printed under another name, taken only when
    # the document prints none of its own, at a confidence that sends it to review.
    # The date of the order or sale: on a web shop's or a till's receipt, the
    # day it was issued; never the invoice date when one is printed.
    "order_date": {
        "en": "Order Date|Date of Sale|Sale Date|Transaction Date|Date of Order",
        "de": "Bestelldatum|Verkaufsdatum|Auftragsdatum",
        "fr": "Date de commande|Date de vente",
        "es": "Fecha de pedido|Fecha pedido|Fecha de venta",
        "it": "Data ordine|Data di vendita",
        "nl": "Besteldatum|Orderdatum|Verkoopdatum",
        "sv": "Orderdatum|Beställningsdatum|Försäljningsdatum",
        "pl": "Data sprzedaży|Data zamówienia",
    },
    # A receipt's or booking's own reference, where no invoice number is printed.
    "reference": {
        "en": "Booking ID|Booking No|Booking Reference|Booking Ref|Reservation No|Reservation Number|"
        "Receipt No|Receipt Number|Transaction ID|Transaction No",
        "de": "Buchungsnummer|Reservierungsnummer|Quittungsnummer",
        "fr": "N° de réservation|Numéro de réservation|N° de reçu|Numéro de reçu",
        "es": "Nº de reserva|Número de reserva|Localizador|Nº de recibo",
        "it": "Numero prenotazione|N. prenotazione|Numero ricevuta|N. ricevuta",
        "nl": "Boekingsnummer|Reserveringsnummer|Bonnummer",
        "sv": "Bokningsnummer|Kvittonummer",
        "pl": "Numer rezerwacji|Numer paragonu",
    },
    "ignore": {
        "en": "Due Date|Payment Due|PO Date|Delivery Date|Ship Date|Shipping Date|Date Shipped|"
        "Delivery Note|Delivery Note No|Packing Slip|Customer No|Customer ID|Account No|VAT No|VAT ID|"
        "VAT Reg No|VAT Registration No|Tax ID|Tax No|EIN|IBAN|BIC|SWIFT|Bank|Page|Phone|Tel|Fax|E-mail|"
        "Email|Bill To|Ship To|Invoice To|Sold To|Deliver To|Invoice Address|Delivery Address|Total Qty|"
        "Total Quantity|Total Weight|Carried forward|Brought forward|Sort Code|Routing No|"
        "Ship Via|Salesperson|Sales Rep|Cashier|Items|Total Items|Past due",
        "de": "Fälligkeitsdatum|Fällig am|Zahlbar bis|Lieferdatum|Leistungsdatum|Liefertermin|"
        "Versanddatum|Lieferschein|Lieferschein-Nr|Lieferscheinnummer|Kundennummer|Kunden-Nr|Kundennr|"
        "USt-IdNr|USt-ID|USt-Id-Nr|Steuernummer|Steuer-Nr|IBAN|BIC|Bank|Seite|Telefon|Tel|Fax|E-Mail|"
        "Rechnungsadresse|Lieferadresse|Lieferanschrift|Übertrag|Gesamtgewicht|Handelsregister|"
        "Geschäftsführer|Amtsgericht",
        "fr": "Date d'échéance|Date de facture associée|Date de début de prestation|Date de fin de prestation|"
        "Échéance|Date de livraison|Bon de livraison|N° client|"
        "Numéro client|Code client|N° TVA|TVA intracommunautaire|N° TVA intracommunautaire|SIRET|SIREN|"
        "IBAN|BIC|Page|Téléphone|Tél|Fax|Adresse de facturation|Adresse de livraison|Report|À reporter|RCS",
        "es": "Fecha de vencimiento|Vencimiento|Fecha de entrega|Albarán|"
        "Nº albarán|Nº cliente|Número de cliente|Código cliente|NIF|CIF|NIF/CIF|IBAN|BIC|Página|Teléfono|"
        "Tel|Fax|Dirección de facturación|Dirección de entrega|Suma y sigue",
        "it": "Data scadenza|Scadenza|Data consegna|DDT|N. DDT|Documento di trasporto|"
        "Codice cliente|"
        "N. cliente|Partita IVA|P. IVA|P.IVA|Codice fiscale|IBAN|BIC|Pagina|Telefono|Tel|Fax|"
        "Indirizzo di fatturazione|Indirizzo di consegna|Riporto",
        "nl": "Vervaldatum|Leverdatum|Leveringsdatum|Pakbon|Pakbonnummer|Klantnummer|"
        "Debiteurnummer|BTW-nummer|BTW nr|BTW-nr|BTW-id|KvK|KvK-nummer|IBAN|BIC|Pagina|Telefoon|Tel|Fax|"
        "Factuuradres|Afleveradres",
        "sv": "Förfallodatum|Förfallodag|Leveransdatum|Följesedel|Kundnummer|"
        "Kundnr|Momsreg.nr|Momsregistreringsnummer|Org.nr|Organisationsnummer|VAT-nummer|Bankgiro|Plusgiro|"
        "IBAN|BIC|Sida|Telefon|Tel|Fax|Fakturaadress|Leveransadress|Dröjsmålsränta|F-skatt",
        "pl": "Termin płatności|Data dostawy|NIP|REGON|KRS|Nr konta|"
        "Numer konta|Konto|IBAN|BIC|Strona|Telefon|Tel|Faks|Adres|Sposób płatności|Słownie|w tym",
    },
}

# Words that open a letter's subject line ("Betreff: Ihre Bestellung 4711 vom
# 12.11.2026", "Re: Your Purchase Order No. 4500012345"): labels inside it count.
SUBJECT_WORDS = frozenset(
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
