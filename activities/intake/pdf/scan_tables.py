"""A scan's ruled tables, from the rules found on its image (`ruling`) and the
words OCR read inside them: the same `Table` pdfplumber builds from a text
layer's lines, so `lines` reads a scanned ruled table as it reads a printed
one — the header row naming the columns, each cell read whole, wrapped
descriptions included.

As pdfplumber does: the rules' crossings are the corners; a cell is the
smallest rectangle whose four corners are crossings; cells sharing a corner
form one table, whose rows are the cells' tops and whose columns are their
left edges (a cell that spans columns leaves None in those it covers).
"""

from __future__ import annotations

from activities.intake.pdf.page import group_lines
from activities.intake.pdf.ruling import Rule, Rules
from activities.intake.pdf.text import Box, Cell, Table, Word, union

__all__ = ["ruled_tables"]


_REACH = 3.0  # pixels a rule may stop short of one it meets (anti-aliasing, a scanner's blur)
_SAME = 2.0  # points within which two cells' corners are one


def ruled_tables(rules: Rules, words: list[Word], page: int, scale: float) -> list[Table]:
    """The tables the rules draw (at `scale` points a pixel), their cells
    holding the `words` (in points) whose centre is inside them."""
    corners = {
        (h, v)
        for h, across in enumerate(rules.across)
        for v, down in enumerate(rules.down)
        if _meet(across, down)
    }
    cells = [cell for corner in sorted(corners) if (cell := _cell(corner, corners, rules)) is not None]
    tables = []
    for group in _connected(cells):
        boxes = [(box[0] * scale, box[1] * scale, box[2] * scale, box[3] * scale) for box in group]
        if len(boxes) >= 2:
            tables.append(_table(boxes, words, page))
    return tables


def _meet(across: Rule, down: Rule) -> bool:
    return (
        down.start - _REACH <= across.at <= down.end + _REACH
        and across.start - _REACH <= down.at <= across.end + _REACH
    )


def _cell(corner: tuple[int, int], corners: set[tuple[int, int]], rules: Rules) -> Box | None:
    """The smallest cell whose top-left corner is `corner` (across, down)."""
    h, v = corner
    top, left = rules.across[h].at, rules.down[v].at
    rights = sorted((rules.down[r].at, r) for hh, r in corners if hh == h and rules.down[r].at > left + 1)
    belows = sorted((rules.across[b].at, b) for b, vv in corners if vv == v and rules.across[b].at > top + 1)
    for bottom, b in belows:
        for right, r in rights:
            if (b, r) in corners:
                return (left, top, right, bottom)
    return None


def _connected(cells: list[Box]) -> list[list[Box]]:
    """Cells that share a corner (directly or through others) are one table."""
    groups: list[list[Box]] = []
    for cell in cells:
        touching = [g for g in groups if any(_share_corner(cell, other) for other in g)]
        merged = [cell] + [c for g in touching for c in g]
        groups = [g for g in groups if g not in touching] + [merged]
    return groups


def _share_corner(a: Box, b: Box) -> bool:
    corners_a = {(x, y) for x in (a[0], a[2]) for y in (a[1], a[3])}
    return any(
        abs(x - xb) <= _SAME and abs(y - yb) <= _SAME
        for x, y in corners_a
        for xb in (b[0], b[2])
        for yb in (b[1], b[3])
    )


def _table(boxes: list[Box], words: list[Word], page: int) -> Table:
    tops = _distinct([box[1] for box in boxes])
    lefts = _distinct([box[0] for box in boxes])
    rows: list[list[Cell | None]] = []
    for top in tops:
        row: list[Cell | None] = []
        for left in lefts:
            box = next((b for b in boxes if abs(b[1] - top) <= 1 and abs(b[0] - left) <= 1), None)
            row.append(None if box is None else Cell(_text(box, words, page), box))
        rows.append(row)
    return Table(page, rows, union(boxes))


def _distinct(values: list[float]) -> list[float]:
    """Sorted, with values within a point of each other counted once."""
    out: list[float] = []
    for value in sorted(values):
        if not out or value - out[-1] > 1:
            out.append(value)
    return out


def _text(box: Box, words: list[Word], page: int) -> str:
    inside = [
        w
        for w in words
        if box[0] <= (w.x0 + w.x1) / 2 <= box[2] and box[1] <= (w.top + w.bottom) / 2 <= box[3]
    ]
    return " ".join(line.text for line in group_lines(inside, page)) if inside else ""
