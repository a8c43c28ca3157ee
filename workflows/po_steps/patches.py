"""Patch ids of the purchase-order workflow (every lifecycle stage, steps
1–7): each `workflow.patched()` id in one place, so that runs recorded before
a change replay as they ran. Keeping state carried over from such runs
correct is workflows/legacy.py."""

from __future__ import annotations

# Patch ids (workflow.patched): runs recorded before these changes replay as they ran.
PATCH_RANDOM_AUDIT = "random-audit-draw"
# Invoice numbers lose the leading zeros of every digit run, not only the last
# (models.normalize_invoice_number): runs started before keep the earlier rule.
PATCH_INVOICE_NUMBER_RUNS = "invoice-number-every-digit-run"
PATCH_NET_RECEIPTS = "net-receipts"  # received = kept, net of rejections (receiving.received_for_match)
PATCH_PER_HOLD_DECISIONS = "per-hold-decisions"
# Tasks are with named people (role holders or their delegates, then deputies,
# then managers: activity people_for_task); runs started before keep role-only tasks.
PATCH_TASK_PEOPLE = "task-people"
# Supplier-change and invoice-hold tasks go to the approval matrix's band for
# them (activity route_task); runs started before keep their role-only tasks.
PATCH_TASK_MATRIX = "task-matrix"
# The search attribute TaskEscalation (how far the PO's open tasks went up
# their SLA ladder) is published; runs started before publish without it.
PATCH_ESCALATION_ATTRIBUTE = "escalation-search-attribute"
# A hold task records who last changed the vendor's bank details (activity
# vendor_bank_changed_by), whom the validator then refuses; runs before do not ask.
PATCH_BANK_DETAILS_DUTY = "bank-details-duty"
# A ship notice beyond the order (a line not on it, more than ordered) opens a
# buyer task (p2p.ship_notices); runs started before only recorded notices.
PATCH_ASN_EXCEPTIONS = "asn-exceptions"
# The supplier's 997 / CONTRL for the PO we sent is recorded, and a rejection
# opens a buyer task (po_steps.channel); runs started before ignored it.
PATCH_FUNCTIONAL_ACK = "functional-ack"
# Acknowledgment lines read fully (p2p.acknowledgment): tolerances per
# direction and per line profile, splits, backorders, substitutes (activity
# listed_substitutes), a buyer task per rejected line; runs started before
# compare with the PO-wide symmetric limits and put rejected lines in the change.
PATCH_ACK_LINES = "ack-lines"
# Returns to the vendor (po_steps.returns): a return lowers what was received,
# a credit memo is expected where the goods were billed, a receipt's dock
# rejections are recorded as returns; runs started before took no returns.
PATCH_RETURNS = "returns-to-vendor"
# A receipt beyond the ordered quantity and the line profile's over-receipt
# tolerance (p2p.receiving.over_receipts) is logged `over_receipt` and opens a
# buyer task (po_steps.over_receipt); runs started before only recorded it.
PATCH_OVER_RECEIPT = "over-receipt-tolerance"
# Inspection after receipt (po_steps.inspections): a 4-way line's receipt is
# pending inspection, its accepted quantity what inspection results accepted
# (PurchaseOrderState.inspection_rule, decided at the run's start); runs
# started before keep accepted = received − rejected at the receipt.
PATCH_INSPECTIONS = "inspection-after-receipt"
# A line the buyer cancels goes to the supplier through its channel, as a change
# order deleting the line (860 / ORDCHG) or the e-mail of the change; runs
# started before sent a notification.
PATCH_LINE_CANCEL_CHANGE_ORDER = "line-cancel-change-order"
# An acknowledgment answering an older revision than the one the supplier was
# last sent (p2p.acknowledgment.answers_an_old_revision) is not judged by the
# tolerance: its changes go to the buyer, an acceptance is recorded without
# acknowledging the revision in force; runs started before took it as any other.
PATCH_ACK_ANSWERS_REVISION = "ack-answers-revision"
# Units an inspection rejects go back to the supplier as a return to vendor of
# their own (po_steps.returns: the supplier is told, a credit memo expected where
# they were billed to AP; accepted already leaves them out), and replacements
# that pass inspection settle what was owed; runs started before only recorded
# the inspection.
PATCH_INSPECTION_RETURNS = "inspection-rejection-returns"
# Cancelling the whole PO and chasing its acknowledgment go through the
# vendor's channel like the order (issue_po with purpose cancel / reminder: an
# 860 / ORDCHG cancelling it, the order again as a duplicate, or the e-mail);
# runs started before sent notifications.
PATCH_CANCEL_AND_REMIND_BY_CHANNEL = "cancel-and-remind-by-channel"
# The receipt deadline is per promised delivery (po_steps.expedite,
# p2p.deadlines.schedule_receipt_due_at): the earliest schedule or need-by not
# yet received or shipped, + grace, each expedited once; decided at the run's
# start (state.expedite_per_schedule). Runs started before keep one deadline,
# the latest need-by + grace.
PATCH_SCHEDULE_EXPEDITE = "expedite-per-schedule"
# A buyer's change order (amendment, cancelled line) to a vendor that must
# acknowledge restarts the acknowledgment reminder and SLA for the new
# revision (po_steps.amendments._send_change); runs started before did not chase it.
PATCH_CHANGE_ACK_CHASE = "change-order-ack-chase"
# The search attributes NextDeadline (when the PO wakes up next) and HoldCodes
# (its held invoices' open hold codes) are published (search_attributes.
# deadline_and_holds); runs started before publish without them.
PATCH_DEADLINE_HOLD_ATTRIBUTES = "deadline-hold-search-attributes"
# A step's audit events and its projection are written by one activity
# (record_step) instead of record_audit_events then save_po_projection; runs
# started before keep the two.
PATCH_ONE_RECORD_PER_STEP = "one-record-activity-per-step"
# An invoice is matched and its match stored by one activity (match_and_record),
# so the match request (the PO, its receipts, earlier invoices, duplicate
# candidates) travels into history once; runs started before call match_invoice
# then save_match_result.
PATCH_MATCH_AND_RECORD = "match-and-record"

# Every patch above, in force for a run that passes this one marker: a run
# started from now on (and a live run at its next patched decision, which would
# have taken each patch anyway) records one marker, and one TemporalChangeVersion
# upsert, instead of one of each per patch — about 40 history events less per
# PO. Runs recorded before replay through the ids above, one by one
# (`PoBase._patched`). A patch added after this line is not in the set: it gets
# its own workflow.patched.
PATCH_BASELINE = "baseline-2026-12"
BASELINE_PATCHES = frozenset(
    {
        PATCH_RANDOM_AUDIT,
        PATCH_INVOICE_NUMBER_RUNS,
        PATCH_NET_RECEIPTS,
        PATCH_PER_HOLD_DECISIONS,
        PATCH_TASK_PEOPLE,
        PATCH_TASK_MATRIX,
        PATCH_ESCALATION_ATTRIBUTE,
        PATCH_BANK_DETAILS_DUTY,
        PATCH_ASN_EXCEPTIONS,
        PATCH_FUNCTIONAL_ACK,
        PATCH_ACK_LINES,
        PATCH_RETURNS,
        PATCH_OVER_RECEIPT,
        PATCH_INSPECTIONS,
        PATCH_LINE_CANCEL_CHANGE_ORDER,
        PATCH_ACK_ANSWERS_REVISION,
        PATCH_INSPECTION_RETURNS,
        PATCH_CANCEL_AND_REMIND_BY_CHANNEL,
        PATCH_SCHEDULE_EXPEDITE,
        PATCH_CHANGE_ACK_CHASE,
        PATCH_DEADLINE_HOLD_ATTRIBUTES,
        PATCH_ONE_RECORD_PER_STEP,
        PATCH_MATCH_AND_RECORD,
    }
)

# --- after the baseline (issue #20 item 2: fewer events and bytes per PO) ---
# The run's result is a small PoOutcome (workflows.contract): how it ended, not
# the whole state, which stays available by the state query and in the
# database; runs started before return the whole state.
PATCH_SMALL_RESULT = "small-workflow-result"
# The policy comes with the validation (activity validate_with_policy): one
# round trip instead of load_policy then validate_po; runs started before keep the two.
PATCH_VALIDATE_WITH_POLICY = "validate-with-policy"
# match_and_record looks for the invoice's duplicate candidates itself
# (MatchRequest.find_duplicates): no find_duplicate_candidates activity, and
# the candidates stay out of history; runs started before keep the activity.
PATCH_MATCH_FINDS_DUPLICATES = "match-finds-duplicates"
# The match request names its tolerance profiles (name, version, digest:
# workflows.profile_refs) and match_finding_duplicates loads them; a profile
# not stored as the workflow has it is sent whole. Runs started before send them whole.
PATCH_MATCH_PROFILES_BY_REFERENCE = "match-profiles-by-reference"
# A step is recorded by a local activity (record_step, idempotent: a retry of
# the workflow task that runs it again writes nothing twice): one marker event
# instead of an activity's three and the workflow task after it; runs started
# before keep the activity.
PATCH_LOCAL_STEP_RECORD = "local-step-record"
# A step's search-attribute upsert carries only the attributes whose value
# changed since the run's last upsert (an upsert merges), not all nine again;
# runs started before upsert them all.
PATCH_CHANGED_ATTRIBUTES = "changed-search-attributes-only"

# Every patch of this block, in force for a run that passes this one marker
# (as PATCH_BASELINE does for the set above): a new run records one marker and
# one TemporalChangeVersion upsert for the lot, not one of each per patch.
# Closed: a patch added later goes below, with its own workflow.patched.
PATCH_LEAN_LIFECYCLE = "lean-lifecycle-2026-12"
LEAN_LIFECYCLE_PATCHES = frozenset(
    {
        PATCH_SMALL_RESULT,
        PATCH_VALIDATE_WITH_POLICY,
        PATCH_MATCH_FINDS_DUPLICATES,
        PATCH_MATCH_PROFILES_BY_REFERENCE,
        PATCH_LOCAL_STEP_RECORD,
        PATCH_CHANGED_ATTRIBUTES,
    }
)
# Each group marker and the patches it puts in force, asked in this order.
PATCH_GROUPS = ((PATCH_BASELINE, BASELINE_PATCHES), (PATCH_LEAN_LIFECYCLE, LEAN_LIFECYCLE_PATCHES))
