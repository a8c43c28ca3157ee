"""The column headings of a line table, per language, as data: which column
holds the line number, the part, the quantity, the price…"""

from __future__ import annotations

__all__ = ["COLUMNS"]


COLUMNS: dict[str, dict[str, str]] = {
    "po_line": {
        "en": "PO Line|PO Ln|PO Pos|PO Item|Order Line|Your Line|PO Line No|Cust. Line",
        "de": "Bestellpos|Bestellposition|Best.-Pos|Ihre Pos|Bestellpos.-Nr|BANF-Pos",
        "fr": "Ligne commande|Ligne cde|Ligne BC|Votre ligne|Pos. commande",
        "es": "Línea pedido|Pos. pedido|Línea OC|Su línea",
        "it": "Riga ordine|Pos. ordine|Vs. riga|Riga OdA",
        "nl": "Orderregel|PO regel|Inkooporderregel|Uw regel",
        "sv": "Orderrad|Er rad|Beställningsrad|PO-rad",
    },
    "line": {
        "en": "Line|Ln|Line No|Pos|Pos.|Position|No|#|Item No.|Seq",
        "de": "Pos|Pos.|Position|Lfd. Nr|Nr",
        "fr": "Ligne|Pos|N°",
        "es": "Línea|Pos|Nº",
        "it": "Riga|Pos|N.",
        "nl": "Regel|Pos|Nr",
        "sv": "Rad|Pos|Nr",
    },
    "item": {
        "en": "Item|Item Code|Item ID|Part|Part No|Part Number|SKU|Product|Product Code|Article|Art. No|"
        "Material|Catalog No|Catalog Number|Catalog|Cat. No|Cat #|Mfr Part No|Mfg Part No|Vendor Part No|"
        "Manufacturer Part No|Model No|Stock No",
        "de": "Artikel|Artikelnr|Artikel-Nr|Artikelnummer|Art.-Nr|Materialnummer|Material|Sachnummer|Art. Nr|"
        "Bestellnummer Lieferant|Teilenummer",
        "fr": "Article|Référence|Réf.|Code article|Code",
        "es": "Artículo|Código|Referencia|Ref.|Código artículo",
        "it": "Articolo|Codice|Cod. articolo|Codice articolo|Rif.",
        "nl": "Artikel|Artikelnummer|Artikelnr|Artikelcode|Code",
        "sv": "Artikel|Artikelnummer|Artikelnr|Art.nr|Produkt",
    },
    "description": {
        "en": "Description|Item Description|Product Description|Details",
        "de": "Beschreibung|Bezeichnung|Artikelbezeichnung|Leistung|Text",
        "fr": "Désignation|Description|Libellé",
        "es": "Descripción|Concepto|Denominación",
        "it": "Descrizione|Denominazione",
        "nl": "Omschrijving|Beschrijving",
        "sv": "Beskrivning|Benämning|Text",
    },
    "qty_ordered": {
        "en": "Ordered|Qty Ordered|Ordered Qty|Order Qty|Qty Ord|Ord Qty|Ord|Quantity Ordered|Ordered Quantity|"
        "Qty Ordrd|Orig Qty",
        "de": "Bestellt|Bestellmenge|Menge bestellt|Best.-Menge|Menge Best|Bestellte Menge",
        "fr": "Commandé|Qté commandée|Quantité commandée|Qté cdée|Qté cde",
        "es": "Pedido|Cantidad pedida|Cant. pedida",
        "it": "Ordinato|Qtà ordinata|Quantità ordinata",
        "nl": "Besteld|Besteld aantal",
        "sv": "Beställt|Beställt antal",
    },
    "qty_backordered": {
        "en": "B/O|BO|Back Order|Back Ord|Backorder|Backordered|Back Ordered|Qty B/O|Qty BO|Quantity B/O|"
        "Qty Backordered|Qty Back Ord|"
        "Open|Qty Open|Remaining|Bal|Balance",
        "de": "Rückstand|Offen|Restmenge|Menge offen",
        "fr": "Reliquat|Qté reliquat",
        "es": "Pendiente|Cant. pendiente",
        "it": "Residuo|Qtà residua",
        "nl": "Nalevering|Openstaand",
        "sv": "Restnoterat|Rest",
    },
    "qty": {
        "en": "Qty|Quantity|Qty Invoiced|Qty Shipped|Confirmed Qty|Qty Confirmed|Hours|Units|Confirmed|"
        "Conf. Qty|"
        "Qty Conf.|Qty Billed|Shipped|Qty Ship|Ship Qty|Shipped Qty|Quantity Shipped|Qty Shp|Shp|Ship|"
        "Invoiced|Qty Inv|Billed|Delivered|Qty Delivered|Conf Qty|Qty Cnf|Quantity Confirmed|Qty Ack|"
        "Ack Qty|Quantity Invoiced",
        "de": "Menge|Anzahl|Stück|Bestätigte Menge|Menge bestätigt|Liefermenge|Bestätigt|Geliefert|"
        "Berechnet|Menge geliefert|Best. Menge|AB-Menge",
        "fr": "Qté|Quantité|Qté confirmée|Quantité confirmée|Confirmé|Qté livrée|Livré|Qté facturée",
        "es": "Cantidad|Cant.|Cantidad confirmada|Uds.|Confirmado|Servido|Cant. servida",
        "it": "Quantità|Qtà|Q.tà|Quantità confermata|Qtà confermata|Confermato|Consegnato",
        "nl": "Aantal|Bevestigd aantal|Hoeveelheid|Bevestigd|Geleverd",
        "sv": "Antal|Bekräftat antal|Kvantitet|Bekräftat|Levererat",
    },
    "uom": {
        "en": "Unit|UoM|U/M|UM",
        "de": "Einheit|ME|Mengeneinheit",
        "fr": "Unité|U.",
        "es": "Unidad|Ud.|UM",
        "it": "Unità|UdM|U.M.|UM",
        "nl": "Eenheid|Eenh.",
        "sv": "Enhet|Enh.",
    },
    "unit_price": {
        "en": "Unit Price|Price|Unit Cost|Price Each|Rate|Each|Net Price|Confirmed Price|Price/Unit|"
        "Unit Net|Net Unit Price|Sell Price|Your Price",
        "de": "Einzelpreis|Preis|Stückpreis|E-Preis|Preis/Einheit|Bestätigter Preis|Einzelpreis netto|"
        "Preis/ME|"
        "Preis je ME|Preis/St|Preis pro Einheit|Nettopreis",
        "fr": "Prix unitaire|Prix|P.U.|PU|Prix U.|Prix unitaire HT|Prix confirmé|PU HT|P.U. HT",
        "es": "Precio unitario|Precio|Precio unit.|P. unitario|Precio confirmado",
        "it": "Prezzo unitario|Prezzo|Prezzo unit.|Prezzo confermato",
        "nl": "Stukprijs|Prijs|Eenheidsprijs|Prijs per stuk|Bevestigde prijs",
        "sv": "À-pris|A-pris|Á-pris|Pris|Styckpris|Bekräftat pris",
    },
    "amount": {
        "en": "Amount|Line Total|Total|Ext. Price|Extended|Extended Price|Net Amount|Line Amount|Value|"
        "Extended Amount|Extension|Ext. Amount|Ext Amt|Ext. Total|Extended Total|Total Price",
        "de": "Betrag|Gesamt|Gesamtpreis|Summe|Netto|Gesamtbetrag|Positionsbetrag|Wert|Nettowert|"
        "Positionswert|"
        "Gesamtwert",
        "fr": "Montant|Montant HT|Total HT|Total",
        "es": "Importe|Total|Importe neto",
        "it": "Importo|Totale|Importo netto",
        "nl": "Bedrag|Totaal|Regeltotaal",
        "sv": "Belopp|Summa|Totalt",
    },
    "status": {
        "en": "Status|Line Status",
        "de": "Status|Positionsstatus",
        "fr": "Statut|État",
        "es": "Estado",
        "it": "Stato|Esito",
        "nl": "Status",
        "sv": "Status",
    },
    "remark": {
        "en": "Remarks|Remark|Comments|Comment|Notes|Note|Line Note",
        "de": "Bemerkung|Bemerkungen|Hinweis|Anmerkung|Info",
        "fr": "Remarque|Remarques|Observations|Commentaire",
        "es": "Observaciones|Comentario|Comentarios",
        "it": "Note|Osservazioni",
        "nl": "Opmerking|Opmerkingen",
        "sv": "Anmärkning|Kommentar",
    },
    "promised_date": {
        "en": "Delivery Date|Promised Date|Ship Date|Confirmed Date|Delivery|Promised|Est. Delivery|"
        "Promise Date|Promise|Prom. Date|Promised Ship Date|Sched. Date|Scheduled Date|Sched. Ship|"
        "Est. Ship Date|Est. Ship|Confirmed Delivery|Conf. Date|Exp. Ship Date|Expected Date|Ship By|"
        "Avail. Date|Due Date",
        "de": "Liefertermin|Lieferdatum|Liefertermin bestätigt|Termin|Lieferung|Liefertermin bestätigt|"
        "Bestätigter Liefertermin|Versanddatum|Lieferwoche",
        "fr": "Date de livraison|Livraison|Date livraison|Date prévue|Date de livraison prévue|Délai",
        "es": "Fecha de entrega|Fecha entrega|Entrega",
        "it": "Data consegna|Consegna|Data di consegna",
        "nl": "Leverdatum|Leveringsdatum|Levering|Verwachte leverdatum",
        "sv": "Leveransdatum|Leverans|Leveransdag",
    },
}
