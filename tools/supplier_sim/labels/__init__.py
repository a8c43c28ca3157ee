"""The generators' wording, as data: what suppliers print in each language.

One JSON file per generator, plus the calendar they share; the code keeps the
layouts (where each label goes) and the formatting rules (numbers, dates).

- `months.json`: month names per language.
- `pdf.json` (`supplier_sim.pdf`): `words` — per language, per label, the
  variants a supplier might print (one is picked per document, seeded);
  `letter` — the business letter of the `din-subject-line` layout;
  `remarks_ack` — the `remarks-ack` acknowledgment. `{...}` placeholders are
  filled in per document (`{n}`, `{rate}`, `{po}`, `{date}`…).
- `pdf_blind.json`, `pdf_unseen.json`: the few tables of the held-out sets
  (SAP print labels, status words, printed units); their other wording is part
  of each hand-drawn layout.

The order of keys and variants matters: a seeded choice among variants must
keep picking the same one, so that the sample files stay byte-identical.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["load"]

LABELS_DIR = Path(__file__).resolve().parent


@cache
def load(name: str) -> Any:
    """The parsed `labels/{name}.json` (read once per process; callers must not modify it)."""
    return json.loads((LABELS_DIR / f"{name}.json").read_text(encoding="utf-8"))
