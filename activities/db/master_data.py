"""Master data: vendors, items, contracts, policies and tolerance profiles.

Read by "validate and enrich" and by the policy lookup; written by the seed
loader (and, later, by an admin API) with upserts, so loading the same data
twice changes nothing."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import Connection, RowMapping, and_, or_, select
from sqlalchemy.engine import Engine

from activities.db import schema as t
from activities.db.upsert import insert
from models import MatchLevel, Policy, ToleranceProfile
from p2p.tolerance_profiles import resolve_profile, specificity

DEFAULT_POLICY = "standard"


@dataclass(frozen=True)
class Vendor:
    id: str
    name: str
    active: bool
    currency: str
    policy_name: str | None = None
    email: str | None = None
    channel: str = "email"
    tax_rate_pct: Decimal | None = None  # expected tax on lines whose item has no rate; None: unchecked
    # EDI trading partner (channel "edi"): the standard, and the partner's
    # interchange id and qualifier (X12 ISA08/ISA07, EDIFACT UNB S003).
    edi_standard: str | None = None  # "x12" | "edifact"
    edi_partner_id: str | None = None
    edi_partner_qualifier: str | None = None

    def channel_problem(self) -> str | None:
        """What stops a PO going out through this vendor's channel, if anything."""
        return vendor_channel_problem(
            self.channel, self.email, self.edi_standard, self.edi_partner_id, self.edi_partner_qualifier
        )


CHANNELS = ("email", "edi")
EDI_STANDARDS = ("x12", "edifact")


def vendor_channel_problem(
    channel: str,
    email: str | None,
    edi_standard: str | None,
    edi_partner_id: str | None,
    edi_partner_qualifier: str | None,
) -> str | None:
    """A vendor on EDI needs its standard and partner id; one on e-mail an address."""
    if channel not in CHANNELS:
        return f"channel {channel!r} is not one of {', '.join(CHANNELS)}"
    if channel == "email":
        return None if email else "channel email needs an e-mail address"
    if edi_standard not in EDI_STANDARDS:
        return f"channel edi needs edi_standard {' or '.join(EDI_STANDARDS)} (got {edi_standard!r})"
    if not edi_partner_id or not edi_partner_id.strip():
        return "channel edi needs the partner's interchange id (edi_partner_id)"
    limit = 15 if edi_standard == "x12" else 35  # ISA08 is 15 characters, UNB 0010 35
    if len(edi_partner_id) > limit:
        return f"edi_partner_id {edi_partner_id!r} is longer than {limit} characters ({edi_standard})"
    if edi_partner_qualifier is not None and not (
        edi_partner_qualifier.isalnum() and len(edi_partner_qualifier) <= (2 if edi_standard == "x12" else 4)
    ):
        return f"edi_partner_qualifier {edi_partner_qualifier!r} is not an {edi_standard} id qualifier"
    return None


@dataclass(frozen=True)
class Item:
    id: str
    description: str
    category: str
    uom: str
    match_level: MatchLevel | None = None  # None: the category's level in the policy, else its default
    tax_rate_pct: Decimal | None = None  # over the vendor's rate; None: the vendor's applies


@dataclass(frozen=True)
class Contract:
    vendor_id: str
    item_id: str
    unit_price: Decimal
    currency: str
    valid_from: date
    valid_to: date | None = None


@contextlib.contextmanager
def connect(bind: Engine | Connection) -> Iterator[Connection]:
    """Use the caller's connection (and its transaction) or open a short one."""
    if isinstance(bind, Connection):
        yield bind
    else:
        with bind.connect() as connection:
            yield connection


# --- reads ------------------------------------------------------------------


def get_vendor(bind: Engine | Connection, vendor_id: str) -> Vendor | None:
    with connect(bind) as connection:
        row = connection.execute(select(t.vendors).where(t.vendors.c.id == vendor_id)).mappings().first()
    return Vendor(**row) if row else None


def list_vendors(bind: Engine | Connection) -> list[Vendor]:
    with connect(bind) as connection:
        rows = connection.execute(select(t.vendors).order_by(t.vendors.c.id)).mappings().all()
    return [Vendor(**row) for row in rows]


def get_items(bind: Engine | Connection, item_ids: Iterable[str]) -> dict[str, Item]:
    ids = sorted(set(item_ids))
    with connect(bind) as connection:
        rows = connection.execute(select(t.items).where(t.items.c.id.in_(ids))).mappings().all()
    return {row["id"]: _item(row) for row in rows}


def list_items(bind: Engine | Connection) -> list[Item]:
    with connect(bind) as connection:
        rows = connection.execute(select(t.items).order_by(t.items.c.id)).mappings().all()
    return [_item(row) for row in rows]


def _item(row: RowMapping) -> Item:
    level = row["match_level"]
    return Item(**{**row, "match_level": MatchLevel(level) if level is not None else None})


def contracts_on(
    bind: Engine | Connection, vendor_id: str, item_ids: Iterable[str], on: date
) -> dict[str, Contract]:
    """The contract valid on `on` for each item (the latest-starting one if
    validity periods overlap). Items without one are absent."""
    c = t.contracts
    query = (
        select(c)
        .where(
            c.c.vendor_id == vendor_id,
            c.c.item_id.in_(sorted(set(item_ids))),
            c.c.valid_from <= on,
            or_(c.c.valid_to.is_(None), c.c.valid_to >= on),
        )
        .order_by(c.c.item_id, c.c.valid_from)
    )
    found: dict[str, Contract] = {}
    with connect(bind) as connection:
        for row in connection.execute(query).mappings():
            found[row["item_id"]] = _contract(row)  # later valid_from overwrites earlier
    return found


def list_contracts(bind: Engine | Connection, vendor_id: str | None = None) -> list[Contract]:
    c = t.contracts
    query = select(c).order_by(c.c.vendor_id, c.c.item_id, c.c.valid_from)
    if vendor_id is not None:
        query = query.where(c.c.vendor_id == vendor_id)
    with connect(bind) as connection:
        return [_contract(row) for row in connection.execute(query).mappings()]


def _contract(row: RowMapping) -> Contract:
    return Contract(**{k: v for k, v in row.items() if k != "id"})


# Scope columns of tolerance_profiles; everything else of the model is in `limits`.
_SCOPE_FIELDS = ("vendor_id", "category", "item_id")


def _profile(row: RowMapping) -> ToleranceProfile:
    scope = {field: row[field] for field in _SCOPE_FIELDS if row[field] is not None}
    identity = {"name": row["name"], "version": row["version"]}
    return ToleranceProfile.model_validate({**row["limits"], **scope, **identity})


def list_tolerance_profiles(bind: Engine | Connection) -> list[ToleranceProfile]:
    """Every stored profile, most specific scope first (then by name)."""
    with connect(bind) as connection:
        rows = connection.execute(select(t.tolerance_profiles)).mappings().all()
    return _most_specific_first(_profile(row) for row in rows)


def _most_specific_first(profiles: Iterable[ToleranceProfile]) -> list[ToleranceProfile]:
    return sorted(profiles, key=lambda profile: (-specificity(profile), profile.name))


def tolerance_candidates(
    bind: Engine | Connection, default_profile: str, vendor_id: str | None
) -> list[ToleranceProfile]:
    """The policy's default profile plus every scoped profile that can apply
    to a PO of `vendor_id` (scoped to that vendor or to no vendor); without a
    vendor, the vendor-independent ones. Other default profiles (those of
    other policies) are not candidates: one default per PO."""
    p = t.tolerance_profiles
    vendor_matches = (
        p.c.vendor_id.is_(None)
        if vendor_id is None
        else or_(p.c.vendor_id.is_(None), p.c.vendor_id == vendor_id)
    )
    scoped = and_(p.c.scope_key.is_not(None), vendor_matches)
    query = select(p).where(or_(p.c.name == default_profile, scoped))
    with connect(bind) as connection:
        rows = connection.execute(query).mappings().all()
    return _most_specific_first(_profile(row) for row in rows)


def get_policy(bind: Engine | Connection, name: str, *, vendor_id: str | None = None) -> Policy | None:
    """The policy `name`, with its tolerance candidates for `vendor_id`.

    `tolerances` is the vendor-level profile (the vendor's own if it has one,
    else the policy's default): what header checks and acknowledgments use.
    `tolerance_profiles` are all candidates, so the workflow records in its
    history every limit that may apply to any of its lines."""
    with connect(bind) as connection:
        row = connection.execute(select(t.policies).where(t.policies.c.name == name)).mappings().first()
        if row is None:
            return None
        candidates = tolerance_candidates(connection, row["tolerance_profile"], vendor_id)
    default = next(profile for profile in candidates if profile.name == row["tolerance_profile"])
    vendor_level = default if vendor_id is None else resolve_profile(candidates, vendor_id=vendor_id)
    return Policy.model_validate(
        {
            **row["settings"],
            "name": row["name"],
            "version": row["version"],
            "tolerances": vendor_level,
            "tolerance_profiles": candidates,
        }
    )


def policy_for_vendor(bind: Engine | Connection, vendor_id: str) -> Policy:
    """The vendor's policy; else the 'standard' row; else the model defaults
    (an empty database still yields a usable, explainable policy). Its
    tolerance candidates are the vendor's (see get_policy)."""
    with connect(bind) as connection:
        policy_name = connection.execute(
            select(t.vendors.c.policy_name).where(t.vendors.c.id == vendor_id)
        ).scalar_one_or_none()
        for name in (policy_name, DEFAULT_POLICY):
            if name and (policy := get_policy(connection, name, vendor_id=vendor_id)) is not None:
                return policy
    return Policy()


# --- writes (upserts, used by the seed loader) ---------------------------------


def upsert_tolerance_profile(connection: Connection, profile: ToleranceProfile) -> None:
    """Keyed by name; a change of limits or scope is an update of the row
    (bump `version`, which every hold quotes, when the limits change).

    Low level, for tests and repairs: it bypasses the approval of
    `activities.db.tolerance_changes` and writes no history. The seed loader
    uses `ensure_tolerance_profile`."""
    values = _profile_row(profile)
    stmt = insert(connection, t.tolerance_profiles).values(**values)
    connection.execute(
        stmt.on_conflict_do_update(
            index_elements=["name"], set_={k: stmt.excluded[k] for k in values if k != "name"}
        )
    )


def _profile_row(profile: ToleranceProfile) -> dict:
    return {
        "name": profile.name,
        "version": profile.version,
        "limits": profile.model_dump(mode="json", exclude={"name", "version", *_SCOPE_FIELDS}),
        **{field: getattr(profile, field) for field in _SCOPE_FIELDS},
        "scope_key": profile.scope_key,
    }


def ensure_tolerance_profile(
    connection: Connection, profile: ToleranceProfile, *, approved_by: str = "seed"
) -> ToleranceProfile | None:
    """Insert `profile` only if no profile of that name is live yet, and
    record the live version in tolerance_profile_versions. Returns the live
    profile when it differs from `profile` (an approved change, or an edited
    seed file: live profiles change only through `poflow tolerances`), else
    None. What the seed loader and `upsert_policy` use: never clobbers."""
    row = _profile_row(profile)
    stmt = (
        insert(connection, t.tolerance_profiles).values(**row).on_conflict_do_nothing(index_elements=["name"])
    )
    connection.execute(stmt)
    live_row = (
        connection.execute(select(t.tolerance_profiles).where(t.tolerance_profiles.c.name == profile.name))
        .mappings()
        .one()
    )
    history = (
        insert(connection, t.tolerance_profile_versions)
        .values(**{key: live_row[key] for key in row}, valid_from=datetime.now(UTC), approved_by=approved_by)
        .on_conflict_do_nothing(index_elements=["name", "version"])
    )
    connection.execute(history)
    live = _profile(live_row)
    return None if live == profile else live


def upsert_policy(connection: Connection, policy: Policy) -> None:
    """Stores the policy, and its default tolerance profile if that is not
    live yet (a profile may be shared; a live one changes only through an
    approved change, `poflow tolerances`). The candidates a policy was loaded
    with are not stored with it: they are read from the profiles table each
    time."""
    if policy.tolerances.scope_key is not None:
        raise ValueError(
            f"policy {policy.name!r}: its tolerance profile {policy.tolerances.name!r} is scoped "
            f"({policy.tolerances.scope_key}); a policy names a default profile"
        )
    ensure_tolerance_profile(connection, policy.tolerances)
    settings = policy.model_dump(mode="json", exclude={"name", "version", "tolerances", "tolerance_profiles"})
    stmt = insert(connection, t.policies).values(
        name=policy.name, version=policy.version, tolerance_profile=policy.tolerances.name, settings=settings
    )
    connection.execute(
        stmt.on_conflict_do_update(
            index_elements=["name"],
            set_={k: stmt.excluded[k] for k in ("version", "tolerance_profile", "settings")},
        )
    )


def upsert_vendor(connection: Connection, vendor: Vendor) -> None:
    values = vars(vendor)
    stmt = insert(connection, t.vendors).values(**values)
    connection.execute(
        stmt.on_conflict_do_update(
            index_elements=["id"], set_={k: stmt.excluded[k] for k in values if k != "id"}
        )
    )


def upsert_item(connection: Connection, item: Item) -> None:
    values = {**vars(item), "match_level": item.match_level.value if item.match_level is not None else None}
    stmt = insert(connection, t.items).values(**values)
    connection.execute(
        stmt.on_conflict_do_update(
            index_elements=["id"], set_={k: stmt.excluded[k] for k in values if k != "id"}
        )
    )


def upsert_contract(connection: Connection, contract: Contract) -> None:
    """Keyed by (vendor, item, valid_from): a price change is a new row with a
    new valid_from, so the price in force on any past date stays answerable."""
    values = vars(contract)
    stmt = insert(connection, t.contracts).values(**values)
    connection.execute(
        stmt.on_conflict_do_update(
            index_elements=["vendor_id", "item_id", "valid_from"],
            set_={k: stmt.excluded[k] for k in ("unit_price", "currency", "valid_to")},
        )
    )


__all__ = [
    "DEFAULT_POLICY",
    "Contract",
    "Item",
    "Vendor",
    "connect",
    "contracts_on",
    "ensure_tolerance_profile",
    "get_items",
    "get_policy",
    "get_vendor",
    "list_contracts",
    "list_items",
    "list_tolerance_profiles",
    "list_vendors",
    "policy_for_vendor",
    "tolerance_candidates",
    "upsert_contract",
    "upsert_item",
    "upsert_policy",
    "upsert_tolerance_profile",
    "upsert_vendor",
    "vendor_channel_problem",
]
