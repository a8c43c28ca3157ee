"""PDF intake: invoices, credit notes and order acknowledgments read from a
PDF (or a scan, by OCR) in any layout and seven languages, with no vendor
templates.

`read.extract_pdf` is the entry. Where to look:
- reading the file: `fence` (limits, hostile files), `page` (words → lines,
  tables), `text` (words, phrases, lines, pages);
- vocabularies, as data: `labels` (titles, header labels), `column_labels`,
  `status_words`; matched through `tokens` and `label_match`;
- printed values: `amounts`, `dates`, `currencies`, and `conventions` (a
  document's decimal mark, date order and language);
- header fields: `fields` (values next to labels), by kind in `field_ids`,
  `field_dates`, `field_amounts`, `field_terms`, as `field_hit.FieldHit`;
- the line table: `lines` (across pages), `line_header` (columns),
  `line_rows` (rows), `line_receipts` (till slips), `line_values` (a row's values);
- the document: `titles` (its kind), `build` (the model's fields),
  `confidence` (the arithmetic cross-checks);
- scans (image-only pages, PNG/JPEG/TIFF files): `scan` (pages and frames
  within the limits), `ocr` (Tesseract → words with its confidence),
  `ruling` and `scan_tables` (a scan's ruled tables), `ocr_confidence`
  (each field scaled by the OCR's confidence in its words).
"""
