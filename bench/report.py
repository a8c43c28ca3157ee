"""The markdown the benchmark scripts print: the title that names the machine
and the commit a run measured (throughput.environment's description), the
tables' head and row lines, and the cells they hold."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any


def title(name: str, env: Mapping[str, Any]) -> str:
    """`name, <date> on <machine> (<cores> cores), poflow <commit>, <mode> mode`;
    the caller ends the sentence with what it alone knows (how the run ended, its concurrency)."""
    return (
        f"{name}, {env['date']} on {env['machine']} ({env['cores']} cores), "
        f"poflow {env['commit']}, {env['mode']} mode"
    )


def table_head(headers: Sequence[str], left: Collection[int] = (0,)) -> list[str]:
    """A table's header line and its alignment line: the columns in `left`
    (labels) aligned left, the rest (numbers) right."""
    return [table_row(headers), "|" + "".join("---|" if i in left else "---:|" for i in range(len(headers)))]


def table_row(cells: Iterable[Any]) -> str:
    """One line of a table."""
    return "| " + " | ".join(str(c) for c in cells) + " |"


def cell(value: Any, places: int = 2, *, grouped: bool = False) -> str:
    """A table cell: a dash for nothing measured, a float to `places`
    decimals; `grouped` separates thousands (for counts that run to 10,000)."""
    if value is None:
        return "–"
    if grouped:
        return f"{value:,.{places}f}" if isinstance(value, float) else f"{value:,}"
    return f"{value:.{places}f}" if isinstance(value, float) else str(value)
