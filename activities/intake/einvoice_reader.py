"""The base of the UBL and CII readers: finding elements and reading their
text and amounts, and the reading steps both formats share, written once
with each format's element paths passed in (the order reference, seller ids,
payment discount terms, allowances and charges, the stated total, the lines).

`ElementReader.read` is the order both readers read an invoice in; each
format supplies the steps that differ (`_kind`, `_header`, `_seller`,
`_payment_terms`, `_freight`, `_totals`, `_lines`, `_price`, `_item`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lxml import etree

from activities.intake.einvoice_reading import (
    DocumentCharge,
    Reading,
    SenderId,
    TermsSource,
    is_identifier,
    line_number,
)
from activities.intake.einvoice_values import parse_decimal, price_per_unit, short_uom
from activities.intake.errors import ExtractionError
from activities.intake.xml_safety import PathNamer, text_of
from models.documents import InvoiceKind
from models.extraction import Extracted, kind_of_invoice

__all__ = ["Discount", "ElementReader", "LinePaths", "not_the_root"]

_DESCRIPTION_MAX = 500
_ITEM_ID_MAX = 64

Discount = tuple[int | None, Decimal | None, str | None]  # (days, percent, where), all None when not stated
_NO_DISCOUNT: Discount = (None, None, None)


def not_the_root(root: etree._Element, expected: str) -> ExtractionError:
    """The error for a document whose root element is not `expected`."""
    qname = etree.QName(root)
    namespace = f"namespace {qname.namespace}" if qname.namespace else "no namespace"
    return ExtractionError(
        f"root element <{qname.localname}> in {namespace} is not {expected}",
        f"line {root.sourceline}",
    )


@dataclass(frozen=True)
class LinePaths:
    """Where an invoice line states what every format's line has, relative to the line."""

    order_line: str  # the PO line it bills [BT-132]
    own_id: str  # the invoice line's own id [BT-126]
    quantity: str  # the invoiced quantity with its unitCode [BT-129, BT-130]
    amount: str  # the line's net amount [BT-131]


class ElementReader(ABC):
    """Finds elements relative to the document (or a given element), reads
    their text and amounts, names them, and builds the `Reading`."""

    def __init__(
        self,
        doc: etree._Element,
        ns: dict[str, str],
        names: PathNamer,
        *,
        what: str,
        vendor_id: str | None,
        line_paths: LinePaths,
    ) -> None:
        self.doc = doc
        self.ns = ns
        self.names = names
        self.what = what  # how errors name the document: "ubl-invoice", "CII invoice"
        self.caller_vendor_id = vendor_id
        self.line_paths = line_paths
        self.r = Reading()

    def read(self, fmt: str) -> Extracted:
        kind = self._kind()
        issue_date = self._header()
        hint = self._seller()
        self._payment_terms(issue_date)
        self._freight()
        stated_lines, stated_total = self._totals()
        self._lines()
        self.r.check_totals(stated_lines, stated_total)
        return self.r.extracted(kind_of_invoice(kind), fmt, hint)

    # --- the steps each format reads its own way -----------------------------------

    @abstractmethod
    def _kind(self) -> InvoiceKind: ...

    @abstractmethod
    def _header(self) -> date:
        """invoice_number, invoice_date (returned), currency, po_number, original_invoice_number."""

    @abstractmethod
    def _seller(self) -> str | None:
        """vendor_id; returns the vendor hint."""

    @abstractmethod
    def _payment_terms(self, issue_date: date) -> None: ...

    @abstractmethod
    def _freight(self) -> None: ...

    @abstractmethod
    def _totals(self) -> tuple[Decimal | None, Decimal | None]:
        """tax and total; returns the stated line total and the total."""

    @abstractmethod
    def _lines(self) -> None: ...

    @abstractmethod
    def _price(self, prefix: str, line: etree._Element) -> None: ...

    @abstractmethod
    def _item(self, prefix: str, line: etree._Element) -> None: ...

    # --- elements ------------------------------------------------------------------

    def at(self, element: etree._Element, attribute: str | None = None) -> str:
        return self.names.where(element, attribute)

    def at_or_none(self, element: etree._Element | None) -> str | None:
        return self.names.where(element) if element is not None else None

    def find(self, path: str, base: etree._Element | None = None) -> etree._Element | None:
        return (self.doc if base is None else base).find(path, self.ns)

    def findall(self, path: str, base: etree._Element | None = None) -> list[etree._Element]:
        return (self.doc if base is None else base).findall(path, self.ns)

    def text(self, path: str, base: etree._Element | None = None) -> tuple[str, etree._Element | None]:
        element = self.find(path, base)
        return text_of(element), element

    def required(self, path: str) -> tuple[str, etree._Element]:
        text, element = self.text(path)
        if element is None or not text:
            raise ExtractionError(f"the {self.what} has no {path}", self.at(self.doc))
        return text, element

    def amount(self, element: etree._Element) -> Decimal:
        return parse_decimal(text_of(element), self.at(element))

    def optional_amount(self, path: str, base: etree._Element | None = None) -> Decimal | None:
        element = self.find(path, base)
        return self.amount(element) if element is not None and text_of(element) else None

    def indicator(self, path: str, base: etree._Element) -> bool:
        """An xsd:boolean (ChargeIndicator): true/1 or false/0, anything else is an error."""
        text, element = self.text(path, base)
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise ExtractionError(
            f"{path} must be true or false, not {text[:20]!r}",
            self.at(element if element is not None else base),
        )

    # --- shared steps, with each format's paths ----------------------------------------

    def po_number(self, order_path: str, buyer_path: str, order_name: str) -> None:
        """po_number from the order reference [BT-13], else from the buyer reference
        [BT-10] (0.5); `order_name` is how warnings name the missing reference."""
        order, element = self.text(order_path)
        confidence = 1.0
        if not order:
            order, element = self.text(buyer_path)
            if not order:
                self.r.warn(f"no {order_name}: the PO must be found by a reviewer")
                return
            confidence = 0.5
            self.r.warn(f"no {order_name}: the buyer reference {order!r} was taken as the PO number")
        if not is_identifier(order):
            confidence = 0.3
            self.r.warn(f"the order reference {order!r} is not a valid PO number; a reviewer must correct it")
        self.r.set("po_number", order, confidence, self.at_or_none(element))

    def labelled_ids(self, party: etree._Element, paths: tuple[tuple[str, str], ...]) -> list[SenderId]:
        """The seller ids at (path, label) in `party`, labelled with their scheme (0.5 each)."""
        ids: list[SenderId] = []
        for path, label in paths:
            for element in self.findall(path, party):
                value, scheme = text_of(element), (element.get("schemeID") or "").strip()
                if value:
                    shown = f"{label} ({scheme})" if scheme else label
                    ids.append(SenderId(shown, value, 0.5, self.at(element)))
        return ids

    def discount(
        self, days_el: etree._Element | None, percent_el: etree._Element | None, what: str
    ) -> Discount:
        """A structured early-payment discount: percent within days (in DAY units)."""
        if days_el is None or percent_el is None or (days_el.get("unitCode") or "DAY") != "DAY":
            return _NO_DISCOUNT
        days, percent = self.amount(days_el), self.amount(percent_el)
        if days != days.to_integral_value() or not 0 <= days <= 365 or not 0 <= percent <= 100:
            self.r.warn(f"{what} {percent}% in {days} days is not usable as payment terms")
            return _NO_DISCOUNT
        return int(days), percent, self.at(percent_el)

    def settle_terms(
        self,
        issue_date: date,
        notes: list[etree._Element],
        due: tuple[date | None, str | None],
        discount: Discount,
    ) -> None:
        """payment_terms from the terms text (`notes`), the due date and the discount."""
        days, percent, discount_at = discount
        self.r.settle_terms(
            issue_date,
            TermsSource(
                text=" ".join(text_of(note) for note in notes),
                text_at=self.at(notes[0]) if notes else None,
                due=due[0],
                due_at=due[1],
                discount_days=days,
                discount_percent=percent,
                discount_at=discount_at,
            ),
        )

    def allowance_charges(
        self, path: str, *, amount: str, indicator: str, reason_code: str, reason: str
    ) -> list[DocumentCharge]:
        """The document-level allowances and charges at `path` (the others relative to each)."""
        charges = []
        for charge in self.findall(path):
            amount_el = self.find(amount, charge)
            if amount_el is None:
                self.r.warn(f"an allowance/charge without an amount was ignored ({self.at(charge)})")
                continue
            charges.append(
                DocumentCharge(
                    is_charge=self.indicator(indicator, charge),
                    amount=self.amount(amount_el),
                    reason_code=self.text(reason_code, charge)[0],
                    reason=self.text(reason, charge)[0],
                    at=self.at(amount_el),
                )
            )
        return charges

    def stated_total(
        self, totals: etree._Element, total: str, payable: str, payable_words: str
    ) -> Decimal | None:
        """total [BT-112] from `total`, else from the amount `payable` (0.8); None, with
        a warning, when neither is stated. A `payable` amount [BT-115] that differs
        from the total is kept as `amount_due`. Warnings name the elements without prefix."""
        total_name, payable_name = total.rpartition(":")[2], payable.rpartition(":")[2]
        total_el, confidence = self.find(total, totals), 1.0
        if total_el is None:
            total_el, confidence = self.find(payable, totals), 0.8
            if total_el is None:
                self.r.warn(f"no {total_name} or {payable_name}: the total must be set by a reviewer")
                return None
            self.r.warn(f"no {total_name}: {payable_words} was taken as the total")
        value = self.amount(total_el)
        self.r.set("total", value, confidence, self.at(total_el))
        due_el = self.find(payable, totals)
        if due_el is not None and due_el is not total_el and self.amount(due_el) != value:
            # The amount due for payment [BT-115] after a prepayment or rounding: kept
            # beside the total, never in its place.
            self.r.set("amount_due", self.amount(due_el), 1.0, self.at(due_el))
        return value

    # --- lines ---------------------------------------------------------------------

    def read_lines(self, lines: list[etree._Element], bound: int, reference: str) -> None:
        """Read each line (at most `bound` of them) and report the PO lines they bill;
        `reference` names the PO line reference in warnings."""
        if len(lines) > bound:
            raise ExtractionError(
                f"{len(lines):,} lines are more than the {bound:,} poflow reads",
                self.at(lines[bound]),
            )
        numbers = [self._line(index, line) for index, line in enumerate(lines)]
        self.r.report_line_numbers(numbers, reference)

    def _line(self, index: int, line: etree._Element) -> tuple[int, str]:
        prefix = f"lines[{index}]"
        paths = self.line_paths
        order_line, order_el = self.text(paths.order_line, line)
        own_id, own_el = self.text(paths.own_id, line)
        line_no, confidence, at, source = line_number(
            order_line,
            self.at_or_none(order_el),
            own_id,
            self.at_or_none(own_el),
            index + 1,
        )
        self.r.set(f"{prefix}.line_no", line_no, confidence, at)
        self.line_quantity(prefix, line, paths.quantity)
        self._price(prefix, line)
        amount_el = self.find(paths.amount, line)
        if amount_el is not None:
            self.r.set(f"{prefix}.amount", self.amount(amount_el), 1.0, self.at(amount_el))
        self._item(prefix, line)
        return line_no, source

    def line_quantity(self, prefix: str, line: etree._Element, path: str) -> None:
        """lines[i].quantity and .uom from a quantity element with a Rec 20 unitCode."""
        element = self.find(path, line)
        if element is None or not text_of(element):
            self.r.warn(f"{self.at(line)} has no {path}")
            return
        self.r.set(f"{prefix}.quantity", self.amount(element), 1.0, self.at(element))
        unit = element.get("unitCode") or ""
        uom = short_uom(unit) if unit else None
        if uom:
            self.r.set(f"{prefix}.uom", uom, 1.0, self.at(element, "unitCode"))
        elif unit:
            self.r.warn(f"unit code {unit[:20]!r} is not one poflow knows and too long to keep")

    def unit_price(
        self, prefix: str, price_el: etree._Element, base_quantity: Decimal | None, confidence: float = 1.0
    ) -> None:
        """lines[i].unit_price from a price per `base_quantity` units (below 0.9 when rounded)."""
        unit_price, note = price_per_unit(self.amount(price_el), base_quantity)
        if note:
            self.r.warn(f"{prefix}: {note}")
            confidence = min(confidence, 0.9)
        self.r.set(f"{prefix}.unit_price", unit_price, confidence, self.at(price_el))

    def describe_item(
        self, prefix: str, item: etree._Element, names: tuple[str, str], ids: tuple[str, ...]
    ) -> None:
        """lines[i].description from the name, else the description (`names`), and
        lines[i].item_id from the first of `ids` stated, all relative to `item`."""
        name, name_el = self.text(names[0], item)
        if not name:
            name, name_el = self.text(names[1], item)
        if name:
            self.r.set(f"{prefix}.description", name[:_DESCRIPTION_MAX], 1.0, self.at_or_none(name_el))
        for path in ids:
            item_id, item_el = self.text(path, item)
            if item_id:
                self.r.set(f"{prefix}.item_id", item_id[:_ITEM_ID_MAX], 1.0, self.at_or_none(item_el))
                return
