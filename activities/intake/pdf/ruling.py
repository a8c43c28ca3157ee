"""Table rules found on a page image, and erased from it before OCR.

Tesseract's page layout analysis takes a ruled table's borders for part of
the text: a boxed header row ("Réf. Désignation Qté…") or a boxed total is
then dropped or read as "|"s. Long straight runs of dark pixels are rules,
not glyphs (a letter's longest stroke is far shorter than `MIN_RUN` at
300 dpi), so they are painted white and the text inside the boxes is read;
the rules themselves give the scan its ruled tables (`scan_tables`), as a
text layer's drawing commands give pdfplumber its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

__all__ = ["MIN_RUN", "Rule", "Rules", "erase_rules", "find_rules"]


MIN_RUN = 100  # pixels: 8.5 mm at 300 dpi; the bar of a 24 pt "T" is about half of that
_DARK = 160  # grey levels below this are ink (anti-aliased thin rules render mid-grey)
_THICK = 3  # pixel rows a rule may skip and stay one rule (a 1 pt rule is 4 px at 300 dpi)


@dataclass
class Rule:
    """A straight rule in pixels: across at height `at` from `start` to `end`,
    or down at `at` from `start` (top) to `end` (bottom)."""

    at: float
    start: int
    end: int
    last: int  # the last pixel row (column, for a rule down) it was seen on, while merging


@dataclass
class Rules:
    across: list[Rule]
    down: list[Rule]


def find_rules(gray: Any) -> tuple[Any, Rules]:
    """`gray` (a PIL image, mode L) with its horizontal and vertical runs of
    ink at least `MIN_RUN` long painted white, and those rules. Both are found
    on the original, so that a vertical rule cut by the horizontal ones
    crossing it is still one run."""
    from PIL import Image, ImageChops

    ink = gray.point(lambda v: 0 if v < _DARK else 255)
    across, across_runs = _runs(ink)
    down, down_runs = _runs(ink.transpose(Image.Transpose.TRANSPOSE))
    down = down.transpose(Image.Transpose.TRANSPOSE)
    rules = ImageChops.invert(ImageChops.darker(across, down))  # white where a rule was
    return ImageChops.lighter(gray, rules), Rules(_merge(across_runs), _merge(down_runs))


def erase_rules(gray: Any) -> Any:
    """`gray` with its rules painted white (`find_rules`)."""
    return find_rules(gray)[0]


def _runs(ink: Any) -> tuple[Any, list[tuple[int, int, int]]]:
    """A mask, black where a row of `ink` has a run of `MIN_RUN` black
    pixels, and those runs as (row, first, last + 1)."""
    from PIL import Image

    width, height = ink.size
    pixels = ink.tobytes()
    mask = bytearray(b"\xff" * len(pixels))
    run = re.compile(rb"\x00{%d,}" % MIN_RUN)
    found: list[tuple[int, int, int]] = []
    for row in range(height):
        start = row * width
        for match in run.finditer(pixels, start, start + width):
            mask[match.start() : match.end()] = bytes(match.end() - match.start())
            found.append((row, match.start() - start, match.end() - start))
    return Image.frombytes("L", (width, height), bytes(mask)), found


def _merge(runs: list[tuple[int, int, int]]) -> list[Rule]:
    """Runs on neighbouring pixel rows that overlap are one (thick) rule."""
    rules: list[Rule] = []
    rows: dict[int, list[int]] = {}  # a rule's index → the rows it was seen on
    for row, start, end in runs:
        for index in range(len(rules) - 1, -1, -1):
            rule = rules[index]
            if row - rule.last > _THICK:
                continue
            if start < rule.end and rule.start < end:
                rule.start, rule.end, rule.last = min(rule.start, start), max(rule.end, end), row
                rows[index].append(row)
                break
        else:
            rows[len(rules)] = [row]
            rules.append(Rule(row, start, end, row))
    for index, rule in enumerate(rules):
        rule.at = (min(rows[index]) + max(rows[index])) / 2
    return rules
