"""`poflow match --request` replays every live match of the demo: the demo's
scenarios (tools/demo.py, unchanged) run through the HTTP API against the
real Temporal dev server, the real worker and a seeded SQLite database, as
`poflow up` runs them; then every match the workflows stored (request and
result, table match_results) is replayed offline, and must give the result
the workflow got — decision, open holds, every field.

The scenario that only waits for SLA timers (acknowledgment never sent) is
left out: it has no invoice, and its timers alone take 30 s."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.db.repository import list_match_records
from models import MatchRecord, MatchResult
from starter import cli
from tests.support.builders import seeded_sqlite, settings_for
from tests.support.demo_run import run_demo_scenarios
from tools import demo

pytestmark = pytest.mark.devserver

WITH_INVOICES = [scenario for scenario in demo.SCENARIOS if scenario[2] is not demo.acknowledgment_never_sent]


async def run_the_demo(
    env: WorkflowEnvironment, tmp_path: Path
) -> tuple[list[demo.Outcome], list[MatchRecord]]:
    engine = seeded_sqlite(tmp_path / "poflow.db")
    try:
        settings = settings_for(str(engine.url), f"poflow-replay-{uuid.uuid4().hex[:8]}")
        runs = await run_demo_scenarios(env.client, engine, settings, WITH_INVOICES)
        return [run.outcome for run in runs], list_match_records(engine)
    finally:
        engine.dispose()


def replay(record: MatchRecord, path: Path) -> tuple[int, MatchResult, str]:
    """`poflow match --request` on the stored record, as a person would."""
    path.write_text(record.model_dump_json(indent=2))
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(["match", "--request", str(path)], io=cli.Io(io.BytesIO(), out, err))
    return code, MatchResult.model_validate_json(out.getvalue()), err.getvalue()


async def test_every_live_match_of_the_demo_replays_offline_to_the_same_result(
    dev_server_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    outcomes, records = await run_the_demo(dev_server_env, tmp_path)

    assert [(o.name, o.actual) for o in outcomes if not o.ok] == []
    assert all(record.request is not None for record in records)
    matched_pos = {record.result.po_number for record in records}
    assert {o.po_number for o in outcomes} <= matched_pos  # every scenario's invoices were matched
    assert len(records) > len({record.result.invoice_id for record in records})  # re-matches too
    assert {record.result.decision.value for record in records} == {"approve", "hold"}

    for n, record in enumerate(records):
        code, replayed, err = replay(record, tmp_path / f"record-{n}.json")
        what = f"{record.result.invoice_id} matched at {record.result.matched_at}"
        assert code == (0 if record.result.decision.value == "approve" else 3), what
        assert (replayed.decision, [h.key for h in replayed.open_holds]) == (
            record.result.decision,
            [h.key for h in record.result.open_holds],
        ), what
        assert replayed == record.result, what
        assert err.startswith("poflow match: replay equals the stored result"), (what, err)
