"""The activities of the lean lifecycle (issue #20 item 2) on their own, in an
ActivityEnvironment against the seeded database: validate_with_policy is
load_policy and validate_po in one; match_finding_duplicates loads the
profiles a request names (refusing one not stored as named) and, retried,
returns what its first attempt stored."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.db import repository
from activities.persistence import PersistenceActivities
from models import MatchDecision
from tests.support.builders import po
from tests.support.matching import inv, make_request
from workflows.profile_refs import PROFILES_CHANGED, ProfileRef, ref


def scheduled_at(moment: datetime) -> ActivityEnvironment:
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, scheduled_time=moment)
    return env


def test_validate_with_policy_is_load_policy_and_validate_po(engine):
    acts = PersistenceActivities(engine)
    order = po(f"PO-{uuid.uuid4().hex[:6].upper()}")
    policy, validation = ActivityEnvironment().run(acts.validate_with_policy, order)
    assert policy == ActivityEnvironment().run(acts.load_policy, order.vendor_id)
    assert validation == ActivityEnvironment().run(acts.validate_po, order)


def test_the_profiles_named_are_loaded_and_stored_with_the_request(engine):
    acts = PersistenceActivities(engine)
    policy = acts.load_policy("ACME")
    number = f"INV-{uuid.uuid4().hex[:6]}"
    request = make_request(inv({1: (100, "12.00")}), profiles=policy.tolerance_profiles)
    request.invoice.invoice_number = number
    named = request.model_copy(update={"tolerance_profiles": []})
    at = datetime.now(UTC)
    result = scheduled_at(at).run(
        acts.match_finding_duplicates, named, [], [ref(p) for p in policy.tolerance_profiles]
    )
    [stored] = [r for r in repository.list_match_records(engine) if r.result.invoice_id == result.invoice_id]
    assert stored.request is not None and stored.request.tolerance_profiles == policy.tolerance_profiles
    assert stored.result == result and result.matched_at == at


def test_a_profile_not_stored_as_named_is_refused(engine):
    acts = PersistenceActivities(engine)
    standard = next(p for p in acts.load_policy("ACME").tolerance_profiles if p.name == "standard")
    wrong = ProfileRef(name="standard", version=standard.version, digest="0" * 64)
    request = make_request(inv({1: (100, "12.00")}), profiles=[])
    with pytest.raises(ApplicationError) as refused:
        ActivityEnvironment().run(acts.match_finding_duplicates, request, [], [wrong])
    assert refused.value.type == PROFILES_CHANGED and refused.value.non_retryable


def test_a_retry_returns_what_the_first_attempt_stored(engine):
    """Duplicate candidates found can differ between attempts: a retry (the
    same scheduled time) answers with the stored verdict, not a new one."""
    acts = PersistenceActivities(engine)
    number = f"INV-{uuid.uuid4().hex[:6]}"
    held = make_request(inv({1: (100, "19.00")}))  # far above the PO price: held
    held.invoice.invoice_number = number
    at = datetime.now(UTC)
    first = scheduled_at(at).run(acts.match_finding_duplicates, held, [], [])
    assert first.decision == MatchDecision.HOLD
    at_price = make_request(inv({1: (100, "12.00")}))  # would not be held
    at_price.invoice.invoice_number = number
    again = scheduled_at(at).run(acts.match_finding_duplicates, at_price, [], [])
    assert again == first
    # A new match (scheduled later) of the same invoice is computed afresh.
    later = scheduled_at(datetime.now(UTC)).run(acts.match_finding_duplicates, at_price, [], [])
    assert later.decision == MatchDecision.APPROVE
