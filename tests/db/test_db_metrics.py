"""ops.metrics' queries on SQLite and PostgreSQL (window functions, a bytea
prefix, grouped expressions): the same rows count the same on both."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from ops.metrics import BusinessMetrics
from tests.support.metrics import EXPECTED, Samples, key, received_file, write_rows


def collect(collector: BusinessMetrics) -> Samples:
    return {
        key(sample.name, **sample.labels): sample.value
        for family in collector.collect()
        for sample in family.samples
    }


def test_the_business_metrics_read_the_projections(engine: Engine) -> None:
    write_rows(engine)
    samples = collect(BusinessMetrics(engine))
    assert {k: samples.get(k) for k in EXPECTED} == EXPECTED


def test_a_file_received_after_the_first_scrape_is_counted(engine: Engine) -> None:
    collector = BusinessMetrics(engine)
    assert collect(collector)[key("poflow_intake_files", format="edifact", outcome="undelivered")] == 0
    received_file(engine, b"UNA:+.? 'UNB+UNOC:3+ACME+POFLOW'")
    assert collect(collector)[key("poflow_intake_files", format="edifact", outcome="undelivered")] == 1
