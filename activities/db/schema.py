"""poflow's tables (SQLAlchemy Core).

Three groups (DESIGN.md "Storage"): master data (vendors, items, contracts,
policies, tolerance profiles), raw documents, and projections/outboxes the
workflows write through activities (purchase orders, human tasks, audit events,
match results, notifications, PO issues, payment hand-offs). Workflow state is
Temporal's; nothing here is the source of truth for a running PO.

Every write path is keyed by a business key with a PRIMARY KEY or UNIQUE
constraint behind it, so idempotency is enforced by the database, not by
check-then-insert. The migration in migrations/versions creates exactly these
tables; tests/db/test_db_repository.py checks the two agree.
"""

# size: one MetaData is Alembic's target and the tests' schema check: every
# table in one file, in foreign-key order, each with the migration that made it.

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

from activities.db.types import JsonDoc, Money, UtcDateTime

# Deterministic constraint names, so later migrations can refer to them.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# --- master data --------------------------------------------------------------

tolerance_profiles = Table(
    "tolerance_profiles",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    # models.ToleranceProfile limits (minus name/version/scope), decimals as
    # strings: a new limit in the model needs no migration.
    Column("limits", JsonDoc, nullable=False),
    # Scope (migration 0002); all NULL = a default profile, named by a policy.
    # No foreign keys to vendors/items: profiles are seeded before the vendors
    # that reference policies; the seed loader checks the ids instead.
    Column("vendor_id", String(64), nullable=True, index=True),
    Column("category", String(64), nullable=True),
    Column("item_id", String(64), nullable=True),
    # ToleranceProfile.scope_key: unique, so two profiles can never claim the
    # same scope (resolution would be ambiguous). NULL for default profiles
    # (NULLs are distinct), so each policy can still name its own default.
    Column("scope_key", String(255), nullable=True, unique=True, index=True),
)

# Tolerance profiles change only through an approved change (migration 0004):
# a proposal with its diff against the live profiles, decided by a second
# person. Every version a profile had stays in tolerance_profile_versions, so
# a hold quoting "acme v3" can be explained after v4 went live.
tolerance_changes = Table(
    "tolerance_changes",
    metadata,
    Column("change_id", Integer, primary_key=True, autoincrement=True),
    Column("status", String(16), nullable=False, index=True),
    Column("proposed_by", String(128), nullable=False),
    Column("proposed_at", UtcDateTime, nullable=False),
    Column("reason", Text, nullable=True),
    Column("profiles", JsonDoc, nullable=False),  # the proposed ToleranceProfiles, JSON form, new versions
    Column("base_versions", JsonDoc, nullable=False),  # {name: live version when proposed, or null: new}
    Column("diff", JsonDoc, nullable=False),  # models.tolerance_changes.ProfileDiff list
    Column("decided_by", String(128), nullable=True),
    Column("decided_at", UtcDateTime, nullable=True),
    Column("decision_comment", Text, nullable=True),
    CheckConstraint("status IN ('pending', 'approved', 'rejected')", name="status"),
)

tolerance_profile_versions = Table(
    "tolerance_profile_versions",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("limits", JsonDoc, nullable=False),  # as tolerance_profiles.limits
    Column("vendor_id", String(64), nullable=True),
    Column("category", String(64), nullable=True),
    Column("item_id", String(64), nullable=True),
    Column("scope_key", String(255), nullable=True),
    Column("valid_from", UtcDateTime, nullable=False),  # went live
    Column("valid_to", UtcDateTime, nullable=True),  # replaced by the next version; NULL: live
    # The approved change that made this version; NULL for seeded/migrated ones.
    Column("change_id", Integer, ForeignKey("tolerance_changes.change_id"), nullable=True),
    Column("approved_by", String(128), nullable=True),
)

policies = Table(
    "policies",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("tolerance_profile", String(64), ForeignKey("tolerance_profiles.name"), nullable=False),
    # models.Policy fields other than name/version/tolerances, in pydantic's JSON
    # form (durations ISO 8601, decimals as strings).
    Column("settings", JsonDoc, nullable=False),
)

vendors = Table(
    "vendors",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("currency", String(3), nullable=False),
    Column("policy_name", String(64), ForeignKey("policies.name"), nullable=True),
    Column("email", String(254), nullable=True),
    Column("channel", String(16), nullable=False, default="email"),  # how POs are sent
    # Expected tax rate (percent) on this vendor's lines whose item has none
    # (migration 0006); NULL: tax on its invoices is not checked.
    Column("tax_rate_pct", Money, nullable=True),
    # EDI trading partner (migration 0015), for channel 'edi': x12 or edifact,
    # and the partner's interchange id and qualifier (ISA08/ISA07, UNB S003).
    Column("edi_standard", String(8), nullable=True),
    Column("edi_partner_id", String(35), nullable=True),
    Column("edi_partner_qualifier", String(4), nullable=True),
)

items = Table(
    "items",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("description", String(500), nullable=False),
    Column("category", String(64), nullable=False, index=True),
    Column("uom", String(8), nullable=False),
    # NULL (migration 0004): the item has no level of its own; its category's
    # level in the vendor's policy applies, else the policy's default.
    Column("match_level", String(8), nullable=True),
    # The item's own tax rate (reduced rates, exemptions) over the vendor's
    # (migration 0006); NULL: the vendor's rate applies.
    Column("tax_rate_pct", Money, nullable=True),
    CheckConstraint("match_level IN ('2-way', '3-way', '4-way')", name="match_level"),
)

# Substitutes the item master allows (migration 0014): a supplier shipping
# substitute_id for item_id is accepted without asking the buyer.
item_substitutes = Table(
    "item_substitutes",
    metadata,
    Column("item_id", String(64), ForeignKey("items.id"), primary_key=True),
    Column("substitute_id", String(64), ForeignKey("items.id"), primary_key=True),
)

contracts = Table(
    "contracts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("vendor_id", String(64), ForeignKey("vendors.id"), nullable=False),
    Column("item_id", String(64), ForeignKey("items.id"), nullable=False),
    Column("unit_price", Money, nullable=False),
    Column("currency", String(3), nullable=False),
    Column("valid_from", Date, nullable=False),
    Column("valid_to", Date, nullable=True),  # open-ended when NULL
    UniqueConstraint("vendor_id", "item_id", "valid_from"),
)

# --- raw documents ------------------------------------------------------------

documents = Table(
    "documents",
    metadata,
    Column("document_id", String(255), primary_key=True),  # business key, e.g. invoice:ACME:INV1001
    # Unique: the same bytes are stored once, whatever id they arrive under.
    Column("sha256", String(64), nullable=False, unique=True, index=True),
    Column("kind", String(32), nullable=False),
    Column("po_number", String(64), nullable=True, index=True),
    Column("content_type", String(255), nullable=False),
    Column("source", String(255), nullable=False),
    Column("size", Integer, nullable=False),
    Column("raw", LargeBinary, nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    # The suspected-duplicate candidates of a vendor are found by the prefix
    # `invoice:{vendor_id}:` of their key; on PostgreSQL only a pattern-ops
    # index serves a LIKE prefix under any collation (migration 0004).
    Index(
        "ix_documents_invoice_key",
        "document_id",
        postgresql_ops={"document_id": "varchar_pattern_ops"},
        postgresql_where=text("kind = 'invoice'"),
        sqlite_where=text("kind = 'invoice'"),
    ),
)

# The keys the suspected-duplicate rules compare (p2p.duplicates), one row per
# stored invoice or credit memo whose bytes are Invoice JSON (migration 0017),
# written in the transaction that stores the document. The candidates of an
# invoice are one index range: same vendor, currency and kind, total within
# CANDIDATE_AMOUNT_SLACK_PCT. The total is in millionths (Money's scale) as
# an integer: exact and range-comparable on both backends (SQLite keeps Money
# as text, which does not compare as a number).
invoice_keys = Table(
    "invoice_keys",
    metadata,
    Column("document_id", String(255), ForeignKey("documents.document_id"), primary_key=True),
    Column("vendor_id", String(64), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("kind", String(16), nullable=False),  # models.InvoiceKind
    Column("total_micro", BigInteger, nullable=False),  # Invoice.total × 10^6
    Column("invoice_date", Date, nullable=False),
    Column("invoice_number", String(64), nullable=False),  # as written: the rules normalize it
    Index("ix_invoice_keys_candidates", "vendor_id", "currency", "kind", "total_micro", "invoice_date"),
)

# --- projections written by the workflows --------------------------------------

purchase_orders = Table(
    "purchase_orders",
    metadata,
    Column("po_number", String(64), primary_key=True),
    Column("revision", Integer, nullable=False),
    Column("vendor_id", String(64), nullable=False, index=True),
    Column("buyer", String(128), nullable=False),
    Column("status", String(32), nullable=False, index=True),
    Column("currency", String(3), nullable=False),
    Column("total", Money, nullable=False),
    Column("open_holds", Integer, nullable=False, default=0),
    Column("open_tasks", Integer, nullable=False, default=0),
    Column("workflow_id", String(255), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

human_tasks = Table(
    "human_tasks",
    metadata,
    Column("task_id", String(255), primary_key=True),
    Column("po_number", String(64), nullable=False, index=True),  # '' for a review of a document naming no PO
    Column("workflow_id", String(255), nullable=True),  # owner when not po-{po_number} (migration 0005)
    Column("kind", String(64), nullable=False),
    Column("title", String(500), nullable=False),
    Column("options", JsonDoc, nullable=False),
    Column("assignee_role", String(64), nullable=False),
    Column("assignee", String(128), nullable=True),
    # Indexed (migration 0004): the duplicate-candidate query looks up
    # invoices rejected by a hold decision by it.
    Column("subject_id", String(255), nullable=True, index=True),
    Column("context", JsonDoc, nullable=False),
    # An invoice-hold task's open holds, one by one, for per-hold decisions
    # (migration 0007); '[]' for every other task and for rows written before.
    Column("holds", JsonDoc, nullable=False, server_default=text("'[]'")),
    # APPROVE_PO on the approval matrix's route (migration 0011): its level, and
    # the people any one of whom may decide it ('[]': anyone with the role).
    Column("approval_level", Integer, nullable=True),
    Column("eligible", JsonDoc, nullable=False, server_default=text("'[]'")),
    # The named people the task is with now: role holders, their delegates when
    # out of office, then deputies, then managers (migration 0012).
    Column("assignees", JsonDoc, nullable=False, server_default=text("'[]'")),
    Column("created_at", UtcDateTime, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("escalation_level", Integer, nullable=False, default=0),
    Column("status", String(16), nullable=False, index=True),
    Column("decision", String(64), nullable=True),
    Column("decided_by", String(128), nullable=True),
    Column("decided_at", UtcDateTime, nullable=True),
    Column("comment", Text, nullable=True),
)

audit_events = Table(
    "audit_events",
    metadata,
    Column("event_id", String(255), primary_key=True),  # workflow id + sequence
    Column("po_number", String(64), nullable=False, index=True),
    Column("event", String(64), nullable=False),
    Column("detail", Text, nullable=False),
    Column("actor", String(128), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    # What it was about: a task, document or tolerance change (migration 0010).
    Column("evidence", String(255), nullable=True),
)

# The approval matrix (migration 0011): models.approvals.ApprovalBand as JSON,
# tried in position order (the order of seed/approval_matrix.json).
approval_bands = Table(
    "approval_bands",
    metadata,
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("name", String(64), nullable=False, unique=True),
    Column("band", JsonDoc, nullable=False),
)

# --- people and systems (migration 0009) ---------------------------------------

# A principal is a person or a service account; its id is the normalised login
# (identity.names), so it can stand in a workflow history as "who". Principals
# are disabled, never deleted: a decision names its decider for good.
principals = Table(
    "principals",
    metadata,
    Column("principal_id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),  # identity.roles.Kind
    Column("display_name", String(200), nullable=False),
    Column("email", String(254), nullable=True),
    Column("roles", JsonDoc, nullable=False),  # list of identity.roles.Role values
    Column("password_hash", String(255), nullable=True),  # Argon2id; NULL: no web sign-in
    # Approval limit per currency, decimals as strings (migration 0011): {"USD": "50000"}.
    Column("approval_limits", JsonDoc, nullable=False, server_default=text("'{}'")),
    # Who takes over an overdue task, by rung of the SLA ladder (migration 0012).
    Column("deputy", String(64), nullable=True),
    Column("manager", String(64), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("created_by", String(64), nullable=True),
    Column("disabled_at", UtcDateTime, nullable=True),
)

# Out-of-office delegation (migration 0012): between starts_at and ends_at the
# principal's tasks go to the delegate.
delegations = Table(
    "delegations",
    metadata,
    Column("delegation_id", Integer, primary_key=True, autoincrement=True),
    Column("principal_id", String(64), ForeignKey("principals.principal_id"), nullable=False, index=True),
    Column("delegate_id", String(64), nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("reason", Text, nullable=True),
    Column("created_by", String(64), nullable=True),
    Column("created_at", UtcDateTime, nullable=False),
)

# Who changed a vendor's bank account (migration 0013): masked, hashed, never
# the number itself; append-only, the latest row is the current account.
vendor_bank_changes = Table(
    "vendor_bank_changes",
    metadata,
    Column("change_id", Integer, primary_key=True, autoincrement=True),
    Column("vendor_id", String(64), ForeignKey("vendors.id"), nullable=False, index=True),
    Column("account_masked", String(40), nullable=False),
    Column("account_sha256", String(64), nullable=False),
    Column("changed_by", String(64), nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
    Column("reason", Text, nullable=False),
)

# API tokens: only a SHA-256 of the secret is kept (identity.credentials).
api_tokens = Table(
    "api_tokens",
    metadata,
    Column("token_id", String(32), primary_key=True),
    Column("principal_id", String(64), ForeignKey("principals.principal_id"), nullable=False, index=True),
    Column("scope", String(32), nullable=False),  # identity.roles.Scope
    Column("secret_hash", String(64), nullable=False),
    Column("label", String(200), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("last_used_at", UtcDateTime, nullable=True),
)

match_results = Table(
    "match_results",
    metadata,
    # invoice_id + "@" + matched_at (or + "#" + content digest when the result
    # carries no timestamp): one row per match run, none twice on retry.
    Column("match_id", String(320), primary_key=True),
    Column("invoice_id", String(255), nullable=False, index=True),
    Column("po_number", String(64), nullable=False, index=True),
    Column("po_revision", Integer, nullable=False),
    Column("decision", String(16), nullable=False),
    Column("open_holds", Integer, nullable=False),
    Column("matched_at", UtcDateTime, nullable=True),
    Column("result", JsonDoc, nullable=False),  # models.MatchResult, JSON form
    # models.MatchRequest the result was computed from (migration 0003), so a
    # match can be re-run (`poflow tolerances simulate`); NULL for older rows.
    Column("request", JsonDoc, nullable=True),
)

# --- outboxes: what poflow sends out, each exactly once ------------------------

notifications = Table(
    "notifications",
    metadata,
    Column("notification_id", String(255), primary_key=True),
    Column("po_number", String(64), nullable=False, index=True),
    Column("channel", String(16), nullable=False),
    Column("recipient", String(254), nullable=False),
    Column("subject", String(500), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("delivered_at", UtcDateTime, nullable=True),  # NULL: still to send
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", String(500), nullable=True),  # status/exception class only, never a URL
    # An outbound_messages row sent with it: the PO as a PDF (migration 0015).
    Column("attachment_id", String(255), nullable=True),
)

po_issues = Table(
    "po_issues",
    metadata,
    Column("po_number", String(64), primary_key=True),
    Column("revision", Integer, primary_key=True),  # one send per PO revision
    Column("vendor_id", String(64), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("recipient", String(254), nullable=False),
    Column("message_id", String(255), nullable=False, unique=True),
    Column("issued_at", UtcDateTime, nullable=False),
)

# Every PO message sent (migration 0015): per PO, revision, purpose and
# attempt (a resend after a rejected 997 / CONTRL is the next attempt), the file as sent
# (X12 850, EDIFACT ORDERS, or the PDF an e-mail carries) with its control
# numbers, and its delivery like the notifications outbox. A supplier's 997 /
# CONTRL is routed to its PO by the control numbers here.
outbound_messages = Table(
    "outbound_messages",
    metadata,
    Column("message_id", String(255), primary_key=True),
    Column("po_number", String(64), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("attempt", Integer, nullable=False),
    # order | cancel | reminder (migration 0016: models.IssuePurpose)
    Column("purpose", String(16), nullable=False, server_default="order"),
    Column("vendor_id", String(64), nullable=False),
    Column("channel", String(16), nullable=False),  # edi | email
    Column("format", String(32), nullable=False),  # x12-850 | edifact-ORDERS | pdf
    Column("standard", String(8), nullable=True),  # x12 | edifact; NULL for a PDF
    Column("sender_id", String(35), nullable=True),
    Column("receiver_id", String(254), nullable=False),  # partner id, or the e-mail address
    Column("interchange_control", String(14), nullable=True),  # ISA13 / UNB 0020
    Column("group_control", String(14), nullable=True, index=True),  # GS06
    Column("transaction_control", String(14), nullable=True),  # ST02 / UNH 0062
    Column("filename", String(255), nullable=False),
    Column("content_type", String(255), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("delivered_at", UtcDateTime, nullable=True),  # NULL: still to send
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", String(500), nullable=True),
    UniqueConstraint("po_number", "revision", "purpose", "attempt"),
    UniqueConstraint("standard", "interchange_control"),  # a control number is never used twice
)

# The last interchange control number handed out, per standard (migration 0015).
edi_control_numbers = Table(
    "edi_control_numbers",
    metadata,
    Column("standard", String(8), primary_key=True),
    Column("last_value", Integer, nullable=False),
)

payment_handoffs = Table(
    "payment_handoffs",
    metadata,
    # The primary key is the guarantee that an invoice is never paid twice.
    Column("invoice_id", String(255), primary_key=True),
    Column("payment_reference", String(64), nullable=False, unique=True),
    Column("po_number", String(64), nullable=False, index=True),
    Column("vendor_id", String(64), nullable=False),
    Column("invoice_number", String(64), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("amount", Money, nullable=False),
    Column("due_date", String(32), nullable=True),
    Column("discount_date", String(32), nullable=True),
    Column("handed_off_at", UtcDateTime, nullable=False),
)
