"""issue_po for the whole order's cancellation and for reminders (#17 items 4
and 9), on SQLite and PostgreSQL: each is stored once per PO, revision,
purpose and attempt beside the order it is about (migration 0016), gets
control numbers of its own allocated once, and an e-mail vendor's
cancellation (no file) is recognised on a retry by its queued e-mail."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.engine import Engine

from activities.db import outbound
from activities.db import schema as t
from activities.intake.x12.syntax import read_interchanges
from activities.persistence import PersistenceActivities
from models import IssuePurpose
from tests.db.test_db_issue_channels import acts, order, request, run  # noqa: F401 (acts: fixture)


def test_a_cancellation_is_stored_once_beside_the_order_with_a_number_of_its_own(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    po = order("LABWORKS")
    issued = run(acts.issue_po, request(po))
    cancel = request(po, purpose=IssuePurpose.CANCEL, reason="project stopped")
    first, again = run(acts.issue_po, cancel), run(acts.issue_po, cancel)
    assert (first.already_issued, again.already_issued) == (False, True)
    assert first.interchange_control == again.interchange_control == "000000002"
    assert issued.interchange_control == "000000001" and first.format == "x12-860"
    assert first.message_id == "<PO-7001.r0.cancel@poflow>" != issued.message_id
    message = outbound.find_message(seeded_engine, "PO-7001", 0, 0, "cancel")
    assert message is not None and message.purpose == "cancel"
    [interchange] = read_interchanges(message.content)
    bch = next(seg for seg in interchange.groups[0].transactions[0].segments if seg.tag == "BCH")
    assert bch.get(1) == "01"
    assert outbound.find_message(seeded_engine, "PO-7001", 0, 0).format == "x12-850"  # type: ignore[union-attr]


def test_each_reminder_is_a_send_of_its_own(acts: PersistenceActivities, seeded_engine: Engine) -> None:
    po = order("NORDIC", currency="EUR")
    run(acts.issue_po, request(po))
    first = run(acts.issue_po, request(po, purpose=IssuePurpose.REMINDER, attempt=1))
    second = run(acts.issue_po, request(po, purpose=IssuePurpose.REMINDER, attempt=2))
    retry = run(acts.issue_po, request(po, purpose=IssuePurpose.REMINDER, attempt=2))
    assert [first.interchange_control, second.interchange_control, retry.interchange_control] == [
        "2",
        "3",
        "3",
    ]
    assert retry.already_issued and first.message_id == "<PO-7001.r0.reminder1@poflow>"
    assert "EDIFACT ORDERS duplicate" in second.describe()
    m = t.outbound_messages
    with seeded_engine.connect() as connection:
        rows = connection.execute(select(m.c.purpose, m.c.attempt).order_by(m.c.interchange_control)).all()
    assert [tuple(r) for r in rows] == [("order", 0), ("reminder", 1), ("reminder", 2)]


def test_an_email_cancellation_is_one_email_without_a_file(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    po = order("ACME")
    run(acts.issue_po, request(po))
    cancel = request(po, purpose=IssuePurpose.CANCEL, reason="budget withdrawn")
    first, again = run(acts.issue_po, cancel), run(acts.issue_po, cancel)
    assert (first.channel, first.already_issued, again.already_issued) == ("email", False, True)
    assert first.message_id == again.message_id == "<PO-7001.r0.cancel@poflow>"
    n = t.notifications
    with seeded_engine.connect() as connection:
        mails = connection.execute(select(n).where(n.c.notification_id == "issue:PO-7001:r0:cancel")).all()
    assert len(mails) == 1 and mails[0].attachment_id is None
    assert "Reason: budget withdrawn" in mails[0].body
    assert outbound.find_message(seeded_engine, "PO-7001", 0, 0, "cancel") is None
