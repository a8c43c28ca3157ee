"""Load master data (vendors, items, contracts, policies) from JSON.

Idempotent: every row is upserted on its key, so running the seed at every
start, or after editing the file, converges on the file's content (it never
deletes rows the file no longer mentions). The file is validated strictly
first: a typo in a field name is an error, not a silently ignored value."""

from __future__ import annotations

import json
import logging
from datetime import date
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Engine

from activities.db.engine import REPO_ROOT
from activities.db.master_data import (
    Contract,
    Item,
    Vendor,
    upsert_contract,
    upsert_item,
    upsert_policy,
    upsert_vendor,
)
from models import MatchLevel, Policy

log = logging.getLogger(__name__)

DEFAULT_SEED_PATH = REPO_ROOT / "seed" / "master_data.json"


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


class ItemSeed(_Strict):
    id: str = Field(min_length=1, max_length=64)
    description: str
    category: str
    uom: str = Field(min_length=1, max_length=8)
    match_level: MatchLevel


class ContractSeed(_Strict):
    vendor_id: str
    item_id: str
    unit_price: Decimal = Field(ge=0)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    valid_from: date
    valid_to: date | None = None


class MasterData(_Strict):
    comment: str | None = Field(default=None, alias="_comment")
    policies: list[Policy] = Field(default_factory=list)
    vendors: list[VendorSeed] = Field(default_factory=list)
    items: list[ItemSeed] = Field(default_factory=list)
    contracts: list[ContractSeed] = Field(default_factory=list)


def load_master_data(path: Path | str | None = None) -> MasterData:
    path = Path(path) if path is not None else DEFAULT_SEED_PATH
    data = MasterData.model_validate(json.loads(path.read_text(encoding="utf-8")))
    _check_profiles_consistent(data.policies)
    return data


def _check_profiles_consistent(policies: list[Policy]) -> None:
    """Tolerance profiles are stored once by name; two policies naming the same
    profile with different limits would silently overwrite each other."""
    seen: dict[str, object] = {}
    for policy in policies:
        profile = policy.tolerances
        if profile.name in seen and seen[profile.name] != profile:
            raise ValueError(f"tolerance profile {profile.name!r} is defined twice with different limits")
        seen[profile.name] = profile


def seed_master_data(engine: Engine, path: Path | str | None = None) -> None:
    """Upsert the master data file (default seed/master_data.json) in one
    transaction, in foreign-key order."""
    data = load_master_data(path)
    with engine.begin() as connection:
        for policy in data.policies:
            upsert_policy(connection, policy)
        for vendor in data.vendors:
            upsert_vendor(connection, Vendor(**vendor.model_dump()))
        for item in data.items:
            upsert_item(connection, Item(**item.model_dump()))
        for contract in data.contracts:
            upsert_contract(connection, Contract(**contract.model_dump()))
    log.info(
        "master data seeded: %d policies, %d vendors, %d items, %d contracts",
        len(data.policies), len(data.vendors), len(data.items), len(data.contracts),
    )
