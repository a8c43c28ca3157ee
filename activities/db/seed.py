"""Load master data (vendors, items, contracts, policies) and tolerance
profiles from JSON.

Two files: seed/master_data.json and seed/tolerances.json. The tolerance
file is `{"profiles": [ToleranceProfile, ...]}` — the same shape as
`poflow match --tolerances` — and holds every profile once: default profiles
(no scope; a policy names one with `"tolerance_profile": "standard"`) and
scoped ones (vendor, category, item, vendor+category, item+vendor).

Idempotent: every row is upserted on its key, so running the seed at every
start, or after editing a file, converges on the files' content (it never
deletes rows a file no longer mentions). Tolerance profiles are the
exception: they are inserted only when missing (first install, or a profile
new in the file). A live profile changes only through an approved change
(`poflow tolerances propose` / `approve`, activities/db/tolerance_changes.py),
so a re-seed never undoes one; a file that disagrees with a live profile is
logged and left alone. The files are validated strictly
first: a typo in a field name, a profile for a vendor, item or category the
master data does not know, or two profiles for one scope is an error, not a
silently ignored value."""

from __future__ import annotations

import json
import logging
from datetime import date
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from sqlalchemy.engine import Engine

from activities.db.approval_matrix import load_matrix_file, replace_bands
from activities.db.engine import REPO_ROOT
from activities.db.master_data import (
    Contract,
    Item,
    Vendor,
    ensure_tolerance_profile,
    upsert_contract,
    upsert_item,
    upsert_policy,
    upsert_vendor,
    vendor_channel_problem,
)
from activities.db.substitutes import add_substitutes
from models import MatchLevel, Policy, ToleranceProfile
from models.matching import check_candidates

log = logging.getLogger(__name__)

DEFAULT_SEED_PATH = REPO_ROOT / "seed" / "master_data.json"
DEFAULT_TOLERANCES_PATH = REPO_ROOT / "seed" / "tolerances.json"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class VendorSeed(_Strict):
    id: str = Field(min_length=1, max_length=64)
    name: str
    active: bool = True
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    policy_name: str | None = None
    email: str | None = None
    channel: str = "email"
    tax_rate_pct: Decimal | None = Field(default=None, ge=0, le=100)
    edi_standard: str | None = None  # channel "edi": "x12" or "edifact"
    edi_partner_id: str | None = None  # the partner's interchange id (ISA08 / UNB S003)
    edi_partner_qualifier: str | None = None  # ISA07 (e.g. "ZZ", "01") / UNB S003 qualifier (e.g. "14")

    @model_validator(mode="after")
    def _channel_complete(self) -> VendorSeed:
        problem = vendor_channel_problem(
            self.channel, self.email, self.edi_standard, self.edi_partner_id, self.edi_partner_qualifier
        )
        if problem is not None:
            raise ValueError(f"vendor {self.id!r}: {problem}")
        return self


class ItemSeed(_Strict):
    id: str = Field(min_length=1, max_length=64)
    description: str
    category: str
    uom: str = Field(min_length=1, max_length=8)
    match_level: MatchLevel | None = (
        None  # None: the category's level in the vendor's policy, else its default
    )
    tax_rate_pct: Decimal | None = Field(default=None, ge=0, le=100)  # None: the vendor's rate
    substitutes: list[str] = Field(default_factory=list)  # items a supplier may ship in its place


class ContractSeed(_Strict):
    vendor_id: str
    item_id: str
    unit_price: Decimal = Field(ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    valid_from: date
    valid_to: date | None = None


class PolicySeed(Policy):
    """A policy in master_data.json: `"tolerance_profile": "standard"` names
    its default profile in the tolerance file. (An embedded `"tolerances"`
    object, the earlier format, is still read.)"""

    tolerance_profile: str | None = Field(default=None, min_length=1, max_length=64)


class MasterData(_Strict):
    comment: str | None = Field(default=None, alias="_comment")
    policies: list[PolicySeed] = Field(default_factory=list)
    vendors: list[VendorSeed] = Field(default_factory=list)
    items: list[ItemSeed] = Field(default_factory=list)
    contracts: list[ContractSeed] = Field(default_factory=list)


class ToleranceFile(_Strict):
    """seed/tolerances.json: every tolerance profile, each defined once."""

    profiles: list[ToleranceProfile] = Field(min_length=1)

    _unambiguous = field_validator("profiles")(lambda cls, v: check_candidates(v))


def load_master_data(path: Path | str | None = None) -> MasterData:
    path = Path(path) if path is not None else DEFAULT_SEED_PATH
    data = MasterData.model_validate(json.loads(path.read_text(encoding="utf-8")))
    _check_profiles_consistent([p.tolerances for p in data.policies if "tolerances" in p.model_fields_set])
    return data


def load_tolerance_profiles(path: Path | str | None = None) -> list[ToleranceProfile]:
    """The profiles of a tolerance file (default seed/tolerances.json)."""
    path = Path(path) if path is not None else DEFAULT_TOLERANCES_PATH
    return ToleranceFile.model_validate(json.loads(path.read_text(encoding="utf-8"))).profiles


def _check_profiles_consistent(profiles: list[ToleranceProfile]) -> None:
    """Tolerance profiles are stored once by name; two definitions of one
    name with different limits would silently overwrite each other."""
    seen: dict[str, ToleranceProfile] = {}
    for profile in profiles:
        if profile.name in seen and seen[profile.name] != profile:
            raise ValueError(f"tolerance profile {profile.name!r} is defined twice with different limits")
        seen[profile.name] = profile


def resolve_policies(data: MasterData, profiles: list[ToleranceProfile]) -> list[Policy]:
    """Each policy with its default profile: the one it names in the
    tolerance file, or the one it embeds (which must then agree with a
    same-named profile in the file)."""
    by_name = {profile.name: profile for profile in profiles}
    _check_profiles_consistent(
        [*profiles, *(p.tolerances for p in data.policies if "tolerances" in p.model_fields_set)]
    )
    policies = []
    for seed in data.policies:
        fields = seed.model_dump(exclude={"tolerance_profile", "tolerance_profiles"})
        if seed.tolerance_profile is not None:
            if "tolerances" in seed.model_fields_set:
                raise ValueError(f"policy {seed.name!r}: give tolerance_profile or tolerances, not both")
            profile = by_name.get(seed.tolerance_profile)
            if profile is None:
                raise ValueError(
                    f"policy {seed.name!r}: tolerance profile {seed.tolerance_profile!r} is not in the "
                    f"tolerance file (profiles: {', '.join(sorted(by_name))})"
                )
            fields["tolerances"] = profile
        policy = Policy.model_validate(fields)
        if policy.tolerances.scope_key is not None:
            raise ValueError(
                f"policy {seed.name!r}: tolerance profile {policy.tolerances.name!r} is scoped "
                f"({policy.tolerances.scope_key}); a policy names a default profile"
            )
        policies.append(policy)
    return policies


def _check_scopes_known(profiles: list[ToleranceProfile], data: MasterData) -> None:
    """A profile for a vendor, item or category the master data does not know
    would never apply: most likely a typo, so refuse it."""
    vendors = {vendor.id for vendor in data.vendors}
    items = {item.id for item in data.items}
    categories = {item.category.casefold() for item in data.items}
    for item in data.items:
        unknown = sorted(set(item.substitutes) - items)
        if unknown:
            raise ValueError(f"item {item.id!r}: unknown substitutes {', '.join(map(repr, unknown))}")
    for profile in profiles:
        if profile.vendor_id is not None and profile.vendor_id not in vendors:
            raise ValueError(f"tolerance profile {profile.name!r}: unknown vendor_id {profile.vendor_id!r}")
        if profile.item_id is not None and profile.item_id not in items:
            raise ValueError(f"tolerance profile {profile.name!r}: unknown item_id {profile.item_id!r}")
        if profile.category is not None and profile.category.casefold() not in categories:
            raise ValueError(
                f"tolerance profile {profile.name!r}: no item has category {profile.category!r} "
                f"(categories: {', '.join(sorted(categories))})"
            )


def seed_master_data(
    engine: Engine,
    path: Path | str | None = None,
    tolerances_path: Path | str | None = None,
    matrix_path: Path | str | None = None,
) -> None:
    """Upsert the tolerance file (default seed/tolerances.json) and the master
    data file (default seed/master_data.json) in one transaction, in
    foreign-key order: profiles, policies, vendors, items, contracts; then the
    approval matrix (default seed/approval_matrix.json) replaces the bands."""
    profiles = load_tolerance_profiles(tolerances_path)
    data = load_master_data(path)
    bands = load_matrix_file(matrix_path)
    policies = resolve_policies(data, profiles)
    _check_scopes_known(profiles, data)
    with engine.begin() as connection:
        for profile in profiles:
            live = ensure_tolerance_profile(connection, profile)
            if live is not None:
                log.info(
                    "tolerance profile %s: live %s kept, the seed file's v%d differs (change it with "
                    "`poflow tolerances propose`)",
                    profile.name,
                    live.source,
                    profile.version,
                )
        for policy in policies:
            upsert_policy(connection, policy)
        for vendor in data.vendors:
            upsert_vendor(connection, Vendor(**vendor.model_dump()))
        for item in data.items:
            upsert_item(connection, Item(**item.model_dump(exclude={"substitutes"})))
        for item in data.items:  # after all items: a substitute is an item too
            add_substitutes(connection, item.id, item.substitutes)
        for contract in data.contracts:
            upsert_contract(connection, Contract(**contract.model_dump()))
        replace_bands(connection, bands)
    log.info(
        "master data seeded: %d tolerance profiles, %d policies, %d vendors, %d items, %d contracts",
        len(profiles),
        len(policies),
        len(data.vendors),
        len(data.items),
        len(data.contracts),
    )
