"""Column detection for a line table: which text line (or two, "Qty" over
"Ordered  Shipped  B/O") or which ruled row names the columns, and the
horizontal band each column's cells fall in."""

from __future__ import annotations

from dataclasses import dataclass

from activities.intake.pdf.column_labels import COLUMNS
from activities.intake.pdf.text import Box, Cell, Line, Table, Word, union
from activities.intake.pdf.tokens import by_first_token, first_token, match_prefix, printed_labels, tokens

__all__ = ["TEXT_KINDS", "Band", "Column", "column_bands", "header_at", "ruled_header"]

Band = tuple[str, float, float]  # column kind, left edge, right edge


# Longest label first; among labels of one length, table order (dict, not set:
# a set's order follows the per-process hash seed, and "Best.-Menge" /
# "Best. Menge" tokenise alike, so which kind won used to change from run to run).
_COLUMN_LABELS: list[tuple[str, tuple[str, ...]]] = sorted(
    dict.fromkeys(
        (kind, tuple(tokens(printed))) for kind, _, printed in printed_labels(COLUMNS) if tokens(printed)
    ),
    key=lambda entry: -len(entry[1]),
)
_COLUMNS_BY_FIRST_TOKEN = by_first_token(_COLUMN_LABELS, lambda entry: entry[1])  # longest first, as above


@dataclass
class Column:
    kind: str
    box: Box


def _words_box(words: list[Word]) -> Box:
    return union([w.box for w in words])


def _segments(line: Line) -> list[tuple[str | None, list[Word]]]:
    """A header line cut into column names (greedy, longest first, never
    across a column gap: "Qty Unit | Price" is not "Unit Price") and the
    words that name no column (kind None)."""
    segments: list[tuple[str | None, list[Word]]] = []
    for phrase in line.phrases:
        words = phrase.words
        index = 0
        while index < len(words):
            rest = words[index : index + 6]
            for kind, label in _COLUMNS_BY_FIRST_TOKEN.get(first_token(rest) or "", ()):
                covered = match_prefix(rest, label)
                if covered:
                    segments.append((kind, words[index : index + covered]))
                    index += covered
                    break
            else:
                segments.append((None, [words[index]]))
                index += 1
    return segments


def _match_columns(line: Line) -> tuple[list[Column], int]:
    """The columns a header line names, and how many words named none."""
    segments = _segments(line)
    columns = [Column(kind, _words_box(words)) for kind, words in segments if kind is not None]
    return columns, sum(1 for kind, _ in segments if kind is None)


def _kind_of(words: list[Word]) -> str | None:
    """The column that all of `words` name together ("Unit" over "Price")."""
    for kind, label in _COLUMNS_BY_FIRST_TOKEN.get(first_token(words) or "", ()):
        if match_prefix(words, label) == len(words):
            return kind
    return None


def _stacked_header(upper: Line, lower: Line) -> tuple[list[Column], int] | None:
    """Column headings printed on two rows: a group name over several columns
    ("Qty" over "Ordered  Shipped  B/O") or a name broken over two lines
    ("Unit" over "Price", "Extended" over "Amount"). Each lower name is read
    with the upper words above it when together they name a column, else
    alone; upper names with nothing under them stand as they are."""
    if lower.top - upper.bottom > 0.9 * upper.size or any(c.isdigit() for c in lower.text):
        return None
    low = _segments(lower)
    if sum(1 for kind, _ in low if kind is not None) < max(1, sum(1 for kind, _ in low if kind is None)):
        return None
    up = _segments(upper)
    up_boxes = [_words_box(words) for _, words in up]
    used: set[int] = set()
    columns: list[Column] = []
    unmatched = 0
    for kind, words in low:
        box = _words_box(words)
        overlaps = [(min(b[2], box[2]) - max(b[0], box[0]), i) for i, b in enumerate(up_boxes)]
        width, above = max(overlaps, default=(0.0, -1))
        if width > 0:
            used.add(above)
            upper_kind, upper_words = up[above]
            group = (
                sum(
                    1
                    for _, w in low
                    if min(up_boxes[above][2], _words_box(w)[2]) > max(up_boxes[above][0], _words_box(w)[0])
                )
                > 1
            )
            kind = _kind_of(upper_words + words) or kind or (None if group else upper_kind)
            if not group:
                box = _words_box(upper_words + words)
        if kind is None:
            unmatched += 1
        else:
            columns.append(Column(kind, box))
    for index, (kind, _words) in enumerate(up):
        if index in used:
            continue
        if kind is None:
            unmatched += 1
        else:
            columns.append(Column(kind, up_boxes[index]))
    return sorted(columns, key=lambda c: c.box[0]), unmatched


def _is_header(kinds: list[str], unmatched: int, acknowledgment: bool) -> bool:
    distinct = set(kinds)
    if len(distinct) < 2 or unmatched > len(kinds):
        return False
    if acknowledgment:
        return (
            len(distinct) >= 3
            and bool(distinct & {"line", "po_line", "item"})
            and bool(distinct & {"status", "promised_date", "qty"})
        )
    return len(distinct) >= 3 and "qty" in distinct and bool(distinct & {"unit_price", "amount"})


def _resolve_items(kinds: list[str]) -> list[str]:
    """Two item columns and no line column ("Item | Catalog No.", "Item |
    Part #"): US distributors number their lines under "Item" and print the
    part under the second. The first is read as "item_or_line" and settled
    by what its cells hold (`lines._settle_item_or_line`)."""
    if kinds.count("item") >= 2 and "line" not in kinds and "po_line" not in kinds:
        first = kinds.index("item")
        return kinds[:first] + ["item_or_line"] + kinds[first + 1 :]
    return kinds


def _first_of_each(kinds: list[str]) -> list[tuple[int, str]]:
    """(position, kind) of each kind's first column, left to right, once two
    item columns are resolved (`_resolve_items`): a kind is read from one
    column only."""
    seen: set[str] = set()
    kept = []
    for position, kind in enumerate(_resolve_items(kinds)):
        if kind not in seen:
            seen.add(kind)
            kept.append((position, kind))
    return kept


def _dedupe(columns: list[Column]) -> list[Column]:
    columns = sorted(columns, key=lambda c: c.box[0])
    return [
        Column(kind, columns[position].box) for position, kind in _first_of_each([c.kind for c in columns])
    ]


def header_at(lines: list[Line], index: int, acknowledgment: bool) -> tuple[list[Column], int] | None:
    """The columns of a table header at line `index`, on that line or on it
    and the next (two-row headings); returns them and the header's last line."""
    line = lines[index]
    columns, unmatched = _match_columns(line)
    single = _is_header([c.kind for c in columns], unmatched, acknowledgment)
    if (
        index + 1 < len(lines)
        and (columns or len(line.words) <= 8)
        and not any(c.isdigit() for c in line.text)
    ):
        stacked = _stacked_header(line, lines[index + 1])
        if stacked is not None:
            merged, merged_unmatched = stacked
            kinds = [c.kind for c in merged]
            if _is_header(kinds, merged_unmatched, acknowledgment) and (
                not single or len(set(kinds)) > len({c.kind for c in columns})
            ):
                return _dedupe(merged), index + 1
    return (_dedupe(columns), index) if single else None


# Columns whose content is left-aligned text: a cell starts where its header starts.
TEXT_KINDS = frozenset({"line", "po_line", "item", "item_or_line", "description", "uom", "status", "remark"})


def _boundary(left: Column, right: Column) -> float:
    """Where `left`'s band ends and `right`'s starts. Text cells start at
    their header's left edge; numbers are right-aligned and may reach left of
    a narrow header, so a numeric column's band starts halfway to its
    neighbour."""
    middle = (left.box[2] + right.box[0]) / 2
    return max(right.box[0] - 2, middle) if right.kind in TEXT_KINDS else middle


def column_bands(columns: list[Column]) -> list[Band]:
    """Each column's band, from far left to far right: every x falls in one."""
    bands = []
    for index, column in enumerate(columns):
        left = -1e9 if index == 0 else _boundary(columns[index - 1], column)
        right = 1e9 if index == len(columns) - 1 else _boundary(column, columns[index + 1])
        bands.append((column.kind, left, right))
    return bands


def _cell_kind(text: str) -> str | None:
    """The column a ruled header cell names: its whole text, else the longest
    column name it starts with ("P.U. HT (EUR)")."""
    cell_tokens = tuple(tokens(text))
    for kind, label in _COLUMN_LABELS:
        if cell_tokens == label:
            return kind
    for kind, label in _COLUMN_LABELS:
        if cell_tokens[: len(label)] == label and len(cell_tokens) - len(label) <= 2:
            return kind
    return None


def ruled_header(table: Table, acknowledgment: bool) -> tuple[int, dict[int, str]] | None:
    """The header row of a ruled table (one of its first three rows, or two
    rows together: "Qty" spanning "Ordered | Shipped | B/O") → (its last row,
    cell index → kind)."""
    for index, row in enumerate(table.rows[:3]):
        kinds = {i: _cell_kind(cell.text) for i, cell in enumerate(row) if cell is not None and cell.text}
        found = _ruled_kinds(kinds, acknowledgment)
        if index + 1 < len(table.rows) and not any(c.isdigit() for cell in row if cell for c in cell.text):
            stacked = _ruled_kinds(_stacked_cells(row, table.rows[index + 1]), acknowledgment)
            if stacked is not None and (found is None or len(stacked) > len(found)):
                return index + 1, stacked
        if found is not None:
            return index, found
    return None


def _ruled_kinds(kinds: dict[int, str | None], acknowledgment: bool) -> dict[int, str] | None:
    named = {i: k for i, k in kinds.items() if k is not None}
    unmatched = len(kinds) - len(named)
    if not _is_header(list(named.values()), unmatched, acknowledgment):
        return None
    order = sorted(named)
    return {order[position]: kind for position, kind in _first_of_each([named[i] for i in order])}


def _stacked_cells(upper: list[Cell | None], lower: list[Cell | None]) -> dict[int, str | None]:
    """Cell kinds of a two-row ruled header: a lower cell under a spanning
    upper cell reads with it ("Qty" + "Shipped"), else alone."""
    if any(c.isdigit() for cell in lower if cell for c in cell.text):
        return {}
    kinds: dict[int, str | None] = {}
    above = ""
    for i, cell in enumerate(lower):
        upper_cell = upper[i] if i < len(upper) else None
        if upper_cell is not None:
            above = upper_cell.text
        if cell is None or not cell.text:
            if above and upper_cell is not None:
                kinds[i] = _cell_kind(above)
            continue
        kinds[i] = _cell_kind(f"{above} {cell.text}".strip()) or _cell_kind(cell.text)
    return kinds
