"""`poflow tolerances propose | approve | reject | list | changes | history`,
`poflow tolerances simulate --change` and `poflow hold`: output, exit codes
and one-line errors. The tolerance commands run on a temporary SQLite
database (DATABASE_URL); `hold` over a fake service."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from activities.db import make_engine, migrate, repository
from identity.principal import Caller
from identity.roles import Role
from models import Hold, HoldCode, InvoiceRecord, InvoiceStatus, MatchDecision, MatchRecord, MatchResult
from p2p.matching import match_invoice
from settings import load_settings
from starter import cli
from starter.errors import Rejected
from tests.support.cli import INVOICE, NOW
from tests.support.identity import add_person
from tests.support.simulation import HELD, PO, T0, request_for


@dataclass
class Out:
    code: int
    out: str
    err: str


# Who runs a command: `--by NAME` in these tests stands for NAME's API token
# (the CLI takes who from POFLOW_TOKEN; it has no --by). Each is a procurement
# manager (tolerances) and an AP clerk (holds), in the test's database.
PEOPLE = ("carl.clerk", "anna.apmanager", "bert.controller", "anna", "carl")
TOKENS: dict[str, str] = {}


def poflow(*argv: str, service: Any = None) -> Out:
    streams = cli.Io(io.BytesIO(), io.StringIO(), io.StringIO())
    args = list(argv)
    env = {}
    if "--by" in args:
        at = args.index("--by")
        env["POFLOW_TOKEN"] = TOKENS[args[at + 1]]
        del args[at : at + 2]

    async def factory() -> Any:
        if service is None:
            raise AssertionError("this command must not connect to Temporal")
        return service

    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        code = cli.run(args, service_factory=factory, io=streams)
    return Out(code, streams.stdout.getvalue(), streams.stderr.getvalue())


@pytest.fixture(name="db_url")
def fixture_db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'poflow.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("POFLOW_TOKEN", raising=False)
    monkeypatch.setenv("POFLOW_TOKEN_FILE", str(tmp_path / "no-token"))
    assert poflow("migrate").code == 0  # schema + seed: the live profiles are seed/tolerances.json
    engine = make_engine(url)
    TOKENS.clear()
    for login in PEOPLE:
        TOKENS[login] = add_person(engine, login, ROLES)
    engine.dispose()
    return url


ROLES = (Role.PROCUREMENT_MANAGER, Role.AP_CLERK)


def proposal(tmp_path: Path, **limits: str) -> str:
    path = tmp_path / "new.json"
    profile = {"name": "acme", "vendor_id": "ACME", "price_over_pct": "3", "price_over_abs": "0.10", **limits}
    path.write_text(json.dumps({"profiles": [profile]}))
    return str(path)


# --- the change flow ---------------------------------------------------------------------------


def test_propose_prints_the_pending_change_and_its_diff(db_url: str, tmp_path: Path) -> None:
    out = poflow(
        "tolerances",
        "propose",
        "--file",
        proposal(tmp_path),
        "--by",
        "carl.clerk",
        "--reason",
        "ACME's new contract",
    )
    assert (out.code, out.err) == (0, "")
    first, diff, hint = out.out.strip().splitlines()
    assert first.startswith("TC-1  pending  proposed ") and first.endswith(
        "by carl.clerk: ACME's new contract"
    )
    assert diff.startswith("  acme v1 (new): vendor_id ACME; price_over_pct 3; price_over_abs 0.10")
    assert hint == (
        "next: poflow tolerances simulate --change TC-1; then a second person: poflow tolerances approve TC-1"
    )


def test_proposer_cannot_approve_a_second_person_can(db_url: str, tmp_path: Path) -> None:
    poflow("tolerances", "propose", "--file", proposal(tmp_path), "--by", "carl.clerk")
    own = poflow("tolerances", "approve", "TC-1", "--by", "carl.clerk")
    assert own.code == 3 and own.out == ""
    assert own.err.strip() == (
        "poflow: carl.clerk proposed TC-1 and cannot approve it: a second person "
        "approves tolerance changes (segregation of duties)"
    )
    ok = poflow("tolerances", "approve", "1", "--by", "anna.apmanager")
    assert (ok.code, ok.out.strip()) == (0, "approved TC-1 by anna.apmanager: live now acme v1")
    again = poflow("tolerances", "approve", "TC-1", "--by", "bert.controller")
    assert again.code == 3 and "TC-1 is already approved by anna.apmanager" in again.err


def test_list_shows_live_versions_and_who_approved_them(db_url: str, tmp_path: Path) -> None:
    poflow("tolerances", "propose", "--file", proposal(tmp_path), "--by", "carl.clerk")
    poflow("tolerances", "approve", "TC-1", "--by", "anna.apmanager")
    poflow("tolerances", "propose", "--file", proposal(tmp_path, price_over_pct="4"), "--by", "carl.clerk")
    poflow("tolerances", "approve", "TC-2", "--by", "anna.apmanager")
    out = poflow("tolerances", "list")
    rows = {line.split()[0]: line for line in out.out.splitlines()[1:]}
    assert out.code == 0 and out.out.splitlines()[0].split() == [
        "profile",
        "version",
        "scope",
        "since",
        "approved",
        "by",
    ]
    assert rows["acme"].split()[1:4] == ["v2", "vendor", "ACME"] and rows["acme"].endswith(
        "anna.apmanager (TC-2)"
    )
    assert rows["standard"].split()[1:3] == ["v1", "default"] and rows["standard"].endswith("seed")
    listed = json.loads(poflow("tolerances", "list", "--json").out)
    assert {(v["profile"]["name"], v["profile"]["version"]) for v in listed} >= {("acme", 2), ("standard", 1)}


def test_history_explains_an_earlier_version(db_url: str, tmp_path: Path) -> None:
    poflow("tolerances", "propose", "--file", proposal(tmp_path), "--by", "carl.clerk")
    poflow("tolerances", "approve", "TC-1", "--by", "anna.apmanager")
    poflow("tolerances", "propose", "--file", proposal(tmp_path, price_over_pct="4"), "--by", "carl.clerk")
    poflow("tolerances", "approve", "TC-2", "--by", "anna.apmanager")
    out = poflow("tolerances", "history", "acme")
    v1, v2 = out.out.strip().splitlines()
    assert (
        v1.startswith("acme v1  vendor ACME  from ")
        and " until " in v1
        and v1.endswith("anna.apmanager (TC-1)")
    )
    assert v2.startswith("acme v2  vendor ACME  from ") and "(live)" in v2
    old = json.loads(poflow("tolerances", "history", "acme", "--version", "1", "--json").out)
    assert [(v["profile"]["version"], v["profile"]["price_over_pct"]) for v in old] == [(1, "3")]
    missing = poflow("tolerances", "history", "acme", "--version", "7")
    assert (
        missing.code == 4
        and missing.err.strip() == "poflow: no recorded version of tolerance profile acme v7"
    )


def test_changes_lists_pending_and_decided_with_who_when_why(db_url: str, tmp_path: Path) -> None:
    poflow(
        "tolerances", "propose", "--file", proposal(tmp_path), "--by", "carl.clerk", "--reason", "contract"
    )
    rejected = poflow(
        "tolerances", "reject", "TC-1", "--by", "anna.apmanager", "--reason", "too loose for ACME"
    )
    assert (rejected.code, rejected.out.strip()) == (0, "rejected TC-1 by anna.apmanager: too loose for ACME")
    poflow("tolerances", "propose", "--file", proposal(tmp_path, price_over_pct="2.5"), "--by", "carl.clerk")
    out = poflow("tolerances", "changes")
    assert out.code == 0
    blocks = out.out.strip().split("\nTC-")
    assert blocks[0].startswith("TC-2  pending")
    assert blocks[1].startswith("1  rejected") and blocks[1].rstrip().endswith(
        "by anna.apmanager: too loose for ACME"
    )
    pending = json.loads(poflow("tolerances", "changes", "--status", "pending", "--json").out)
    assert [(c["change_id"], c["status"], c["proposed_by"]) for c in pending] == [
        (2, "pending", "carl.clerk")
    ]
    assert (
        poflow("tolerances", "changes", "--status", "approved").out.strip() == "no approved tolerance changes"
    )


def test_reseeding_keeps_the_approved_change(db_url: str, tmp_path: Path) -> None:
    poflow("tolerances", "propose", "--file", proposal(tmp_path), "--by", "carl.clerk")
    poflow("tolerances", "approve", "TC-1", "--by", "anna.apmanager")
    standard = tmp_path / "std.json"
    standard.write_text(json.dumps({"name": "standard", "price_over_pct": "9", "description": "loose"}))
    poflow("tolerances", "propose", "--file", str(standard), "--by", "carl.clerk")
    poflow("tolerances", "approve", "TC-2", "--by", "anna.apmanager")
    assert poflow("migrate").code == 0
    rows = {line.split()[0]: line.split()[1] for line in poflow("tolerances", "list").out.splitlines()[1:]}
    assert (rows["acme"], rows["standard"]) == ("v1", "v2")


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["approve", "TC-9", "--by", "anna"], 4, "poflow: no tolerance change TC-9"),
        (["approve", "seven", "--by", "anna"], 2, "poflow: 'seven' is not a change id (TC-7 or 7)"),
        (["propose", "--file", "missing.json", "--by", "carl"], 2, "poflow: missing.json: no such file"),
        (["reject", "TC-1", "--by", "anna", "--reason", " "], 2, "poflow: a rejection needs a reason"),
    ],
)
def test_bad_requests_are_one_line_with_their_exit_code(
    db_url: str, tmp_path: Path, argv: list[str], code: int, message: str
) -> None:
    poflow("tolerances", "propose", "--file", proposal(tmp_path), "--by", "carl.clerk")
    out = poflow("tolerances", *argv)
    assert (out.code, out.err.strip(), out.out) == (code, message, "")


def test_why_is_a_required_argument(db_url: str) -> None:
    assert _exit_of("tolerances", "reject", "TC-1", "--by", "anna") == 2  # argparse: --reason


def test_a_proposal_that_changes_nothing_or_clashes_is_exit_2(db_url: str, tmp_path: Path) -> None:
    seeded = Path(__file__).parents[2] / "seed" / "tolerances.json"
    same = poflow("tolerances", "propose", "--file", str(seeded), "--by", "carl.clerk")
    assert same.code == 2 and same.err.strip() == (
        "poflow: nothing to change: every proposed profile equals its live version"
    )
    clash = proposal(tmp_path, vendor_id="NORDIC")  # NORDIC has a profile of its own
    out = poflow("tolerances", "propose", "--file", clash, "--by", "carl.clerk")
    assert out.code == 2 and "more than one tolerance profile for scope vendor=NORDIC" in out.err


# --- simulate --change ----------------------------------------------------------------------------


def test_simulate_a_pending_change(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(load_settings().database_url)
    migrate(engine)
    request = request_for(HELD, PO)  # +5 % on line 1: held under the 2 % default
    repository.insert_match_result(
        engine, MatchRecord(request=request, result=match_invoice(request, matched_at=T0))
    )
    engine.dispose()
    loose = tmp_path / "loose.json"
    loose.write_text(json.dumps({"name": "standard", "price_over_pct": "5", "description": "loose"}))
    poflow("tolerances", "propose", "--file", str(loose), "--by", "carl.clerk", "--reason", "try 5%")
    out = poflow("tolerances", "simulate", "--change", "TC-1")
    assert (out.code, out.err) == (0, "")
    lines = out.out.splitlines()
    assert lines[0] == "change TC-1 (pending) proposed by carl.clerk: try 5%"
    assert lines[1] == "proposed: standard v2"
    assert "INV-1" in out.out and "hold → approve" in out.out and "clears PRICE line 1" in out.out
    report = json.loads(poflow("tolerances", "simulate", "--change", "1", "--json").out)
    assert (report["proposed"], report["released"]) == (["standard v2"], 1)
    assert poflow("tolerances", "simulate", "--change", "TC-5").code == 4
    both = _exit_of("tolerances", "simulate", "--change", "TC-1", "--profile", str(loose))
    assert both == 2  # one or the other


def _exit_of(*argv: str) -> int:
    try:
        return poflow(*argv).code
    except SystemExit as exit_:
        return int(exit_.code or 0)


# --- poflow hold ------------------------------------------------------------------------------------


@dataclass
class HoldingService:
    engine: Any
    settings: Any = field(default_factory=load_settings)
    calls: list[tuple] = field(default_factory=list)
    error: Exception | None = None

    async def hold_invoice(
        self, po_number: str, invoice_number: str, by: Caller, reason: str, line_no: int | None = None
    ) -> InvoiceRecord:
        actor = by.principal_id
        self.calls.append((po_number, invoice_number, actor, reason, line_no))
        if self.error:
            raise self.error
        from models import Invoice

        invoice = Invoice.model_validate(INVOICE)
        hold = Hold(code=HoldCode.MANUAL, line_no=line_no, message=f"Held by {actor}: {reason}")
        return InvoiceRecord(
            invoice=invoice,
            status=InvoiceStatus.HELD,
            received_at=NOW,
            match=MatchResult(
                invoice_id=invoice.document_id,
                po_number=po_number,
                po_revision=0,
                decision=MatchDecision.HOLD,
                holds=[hold],
            ),
        )

    async def close(self) -> None:
        pass


def test_hold_places_a_manual_hold_through_the_service(db_url: str) -> None:
    service = HoldingService(make_engine(db_url))
    out = poflow(
        "hold",
        "1001",
        "INV-1001",
        "--by",
        "carl.clerk",
        "--reason",
        "supplier under review",
        "--line",
        "1",
        service=service,
    )
    assert (out.code, out.err) == (0, "")
    assert service.calls == [("1001", "INV-1001", "carl.clerk", "supplier under review", 1)]
    assert out.out.splitlines() == [
        "INV-1001 on PO-1001: held",
        "  - MANUAL: Held by carl.clerk: supplier under review",
    ]


def test_hold_refused_by_the_workflow_is_exit_3(db_url: str) -> None:
    service = HoldingService(
        make_engine(db_url),
        error=Rejected("invoice INV-1001 is already approved and handed to AP for payment"),
    )
    out = poflow("hold", "1001", "INV-1001", "--by", "carl.clerk", "--reason", "late", service=service)
    assert out.code == 3
    assert out.err.strip() == "poflow: invoice INV-1001 is already approved and handed to AP for payment"


def test_hold_needs_who_and_why(db_url: str) -> None:
    with pytest.raises(SystemExit) as exit_:
        poflow("hold", "1001", "INV-1001", "--by", "carl.clerk")
    assert exit_.value.code == 2


def test_only_a_procurement_manager_proposes(db_url: str, tmp_path: Path) -> None:
    engine = make_engine(db_url)
    TOKENS["ed.clerk"] = add_person(engine, "ed.clerk", [Role.AP_CLERK])
    engine.dispose()
    out = poflow("tolerances", "propose", "--file", proposal(tmp_path), "--by", "ed.clerk")
    assert (out.code, out.err.strip()) == (
        6,
        "poflow: ed.clerk (ap_clerk; person scope) may not propose tolerances",
    )
    assert poflow("tolerances", "changes").out.strip() == "no tolerance changes"
