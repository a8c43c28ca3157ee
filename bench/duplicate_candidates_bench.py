"""Duplicate candidates by index (issue #20 item 3): how long the activity that
runs before every invoice match takes with 0, 10,000 and 100,000 stored
invoices of one vendor, against a baseline in the same run.

    python bench/duplicate_candidates_bench.py [--postgres [URL]] [--sizes 0,10000,100000] [--repeat 30]

For each size the vendor's invoices are bulk-inserted (executemany, not
through the activity: documents rows with Invoice JSON, and their
invoice_keys rows), statistics refreshed (ANALYZE), then
`PersistenceActivities.find_duplicate_candidates` is timed for a new
invoice, alternately with the baseline — a primary-key lookup of one stored
document (`repository.get_document`) — so the ratio (activity ÷ baseline)
says what the candidate search costs whatever the machine's speed. Flat
growth means the ratio barely moves from 0 to 100,000 invoices.

The stored invoices are what one busy vendor sends: sequential numbers
(INV-0000001 …), totals spread log-uniformly over 10 … 100,000, dates over
the last ten years. Candidates are what the activity returns (what travels
into workflow history: MatchRequest, match_invoice, save_match_result);
"in band" is how many index entries the query read (same vendor and
currency, total within 5 %).

`--old-scan` also times the scan it replaced (every stored invoice of the
vendor read and parsed, `repository.find_invoice_candidates`) at the sizes
up to 10,000.

SQLite runs on a temporary file; `--postgres` on a fresh database created on
the server (default postgresql+psycopg://postgres@127.0.0.1:5432/test, or
DATABASE_URL_POSTGRES) and dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from temporalio.testing import ActivityEnvironment  # noqa: E402

from activities.db import repository  # noqa: E402
from activities.db import schema as t  # noqa: E402
from activities.db.engine import make_engine, migrate, normalize_url  # noqa: E402
from activities.persistence import PersistenceActivities  # noqa: E402
from models import Invoice, InvoiceKind, InvoiceLine  # noqa: E402
from p2p.duplicates import amount_close_enough_to_load  # noqa: E402

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
VENDOR = "ACME"
TODAY = date(2026, 12, 7)
AT = datetime(2026, 12, 7, 9, tzinfo=UTC)
BATCH = 5000
OLD_SCAN_MAX = 10_000


def invoice(number: str, total: Decimal, dated: date) -> Invoice:
    return Invoice(
        invoice_number=number,
        kind=InvoiceKind.INVOICE,
        vendor_id=VENDOR,
        po_number="PO-1001",
        invoice_date=dated,
        currency="USD",
        total=total,
        lines=[InvoiceLine(line_no=1, quantity=Decimal(1), unit_price=total)],
    )


def _rows(start: int, stop: int, rng: random.Random) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(documents row, invoice_keys row) of invoices start … stop-1; the JSON
    is the model's own dump with the varying fields replaced (fast, and what
    the door stores)."""
    template = invoice("X", Decimal("1.00"), TODAY).model_dump(mode="json")
    for n in range(start, stop):
        number = f"INV-{n:07d}"
        total = Decimal(round(math.exp(rng.uniform(math.log(10), math.log(100_000))), 2)).quantize(
            Decimal("0.01")
        )
        dated = TODAY - timedelta(days=rng.randrange(3650))
        doc = {**template, "invoice_number": number, "total": str(total), "invoice_date": dated.isoformat()}
        doc["lines"] = [{**template["lines"][0], "unit_price": str(total), "amount": str(total)}]
        raw = json.dumps(doc).encode()
        document_id = f"invoice:{VENDOR}:INV{n}"
        yield (
            {
                "document_id": document_id,
                "sha256": repository.sha256_hex(raw),
                "kind": "invoice",
                "po_number": "PO-1001",
                "content_type": "application/json",
                "source": "bench",
                "size": len(raw),
                "raw": raw,
                "received_at": AT,
            },
            {
                "document_id": document_id,
                "vendor_id": VENDOR,
                "currency": "USD",
                "kind": "invoice",
                "total_micro": int(total * 1_000_000),
                "invoice_date": dated,
                "invoice_number": number,
            },
        )


def grow(engine: Engine, start: int, stop: int, rng: random.Random) -> float:
    """Bulk-insert invoices start … stop-1; seconds taken (ANALYZE included)."""
    began = time.perf_counter()
    rows = list(_rows(start, stop, rng))
    with engine.begin() as connection:
        for i in range(0, len(rows), BATCH):
            chunk = rows[i : i + BATCH]
            connection.execute(t.documents.insert(), [doc for doc, _ in chunk])
            connection.execute(t.invoice_keys.insert(), [key for _, key in chunk])
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    return time.perf_counter() - began


def median_ms(fn: Callable[[], object], baseline: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median milliseconds of fn and of baseline, timed alternately."""
    ours, base = [], []
    for _ in range(repeat):
        began = time.perf_counter()
        fn()
        ours.append(time.perf_counter() - began)
        began = time.perf_counter()
        baseline()
        base.append(time.perf_counter() - began)
    return statistics.median(ours) * 1000, statistics.median(base) * 1000


def old_scan(engine: Engine, new: Invoice) -> list[Invoice]:
    """What the activity did before migration 0017: read and parse every
    stored invoice of the vendor, then the amount pre-filter."""
    stored = repository.find_invoice_candidates(engine, vendor_id=VENDOR, exclude_document_id=new.document_id)
    return [other for other in stored if amount_close_enough_to_load(new, other)]


def measure(engine: Engine, size: int, repeat: int, with_old_scan: bool) -> dict[str, Any]:
    new = invoice("INV-9000001", Decimal("1234.56"), TODAY)
    acts, env = PersistenceActivities(engine), ActivityEnvironment()
    probe = f"invoice:{VENDOR}:INV0" if size else "none"

    def find() -> list[Invoice]:
        return env.run(acts.find_duplicate_candidates, new)

    found = find()
    ms, base_ms = median_ms(find, lambda: repository.get_document(engine, probe), repeat)
    row = {
        "size": size,
        "ms": ms,
        "baseline_ms": base_ms,
        "ratio": ms / base_ms,
        "candidates": len(found),
        "history_bytes": sum(len(c.model_dump_json()) for c in found),
        "old_ms": None,
        "old_candidates": None,
    }
    if with_old_scan and size <= OLD_SCAN_MAX:
        old_ms, _ = median_ms(lambda: old_scan(engine, new), lambda: None, 3)
        row.update(old_ms=old_ms, old_candidates=len(old_scan(engine, new)))
    return row


@contextmanager
def sqlite_engine() -> Iterator[Engine]:
    with tempfile.TemporaryDirectory(prefix="poflow-dup-bench-") as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'bench.db'}")
        migrate(engine)
        try:
            yield engine
        finally:
            engine.dispose()


@contextmanager
def postgres_engine(url: str) -> Iterator[Engine]:
    admin_url = normalize_url(url)
    name = f"poflow_bench_{secrets.token_hex(6)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(admin_url.set(database=name))
    try:
        migrate(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(engine: Engine, sizes: list[int], repeat: int, with_old_scan: bool) -> list[dict[str, Any]]:
    rng, stored, results = random.Random(20), 0, []
    for size in sorted(sizes):
        if size > stored:
            seconds = grow(engine, stored, size, rng)
            print(f"  stored {size - stored:,} invoices in {seconds:.1f} s", file=sys.stderr)
            stored = size
        results.append(measure(engine, size, repeat, with_old_scan))
    return results


def table(backend: str, results: list[dict[str, Any]]) -> str:
    lines = [
        f"{backend}: find_duplicate_candidates vs primary-key lookup (median)",
        f"{'stored':>9} {'activity ms':>12} {'baseline ms':>12} {'ratio':>7} {'candidates':>11} "
        f"{'history B':>10} {'old scan ms':>12} {'old cand.':>10}",
    ]
    for r in results:
        old = (
            f"{r['old_ms']:12.1f} {r['old_candidates']:10d}"
            if r["old_ms"] is not None
            else f"{'-':>12} {'-':>10}"
        )
        lines.append(
            f"{r['size']:9,d} {r['ms']:12.2f} {r['baseline_ms']:12.3f} {r['ratio']:7.1f} "
            f"{r['candidates']:11d} {r['history_bytes']:10,d} {old}"
        )
    first, last = results[0], results[-1]
    if len(results) > 1:
        lines.append(
            f"ratio at {last['size']:,} ÷ ratio at {first['size']:,}: {last['ratio'] / first['ratio']:.1f}× "
            f"for {last['size'] - first['size']:,} more invoices"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--postgres", nargs="?", const=os.environ.get("DATABASE_URL_POSTGRES", DEFAULT_POSTGRES_URL)
    )
    parser.add_argument("--sizes", default="0,10000,100000")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--old-scan", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    with sqlite_engine() as engine:
        print(table("SQLite", run(engine, sizes, args.repeat, args.old_scan)))
    if args.postgres:
        with postgres_engine(args.postgres) as engine:
            print()
            print(table("PostgreSQL", run(engine, sizes, args.repeat, args.old_scan)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
