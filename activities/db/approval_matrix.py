"""The approval matrix in the database (models.approvals, p2p.approvals).

The readable source is seed/approval_matrix.json; seeding replaces the bands
with the file's, in its order, so what the file says is what runs. Approval
limits live with the principals (`principals.approval_limits`).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Connection, delete, select, update
from sqlalchemy.engine import Engine

from activities.db import schema as t
from activities.db.master_data import connect
from identity.names import normalize_login
from models.approvals import ApprovalBand

__all__ = [
    "DEFAULT_MATRIX_PATH",
    "MatrixFile",
    "list_bands",
    "load_matrix_file",
    "replace_bands",
    "set_approval_limits",
]

DEFAULT_MATRIX_PATH = Path(__file__).resolve().parents[2] / "seed" / "approval_matrix.json"


class MatrixFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str = Field(default="", alias="_comment")
    bands: list[ApprovalBand]


def load_matrix_file(path: Path | str | None = None) -> list[ApprovalBand]:
    path = Path(path) if path is not None else DEFAULT_MATRIX_PATH
    bands = MatrixFile.model_validate(json.loads(path.read_text(encoding="utf-8"))).bands
    names = [band.name for band in bands]
    if len(names) != len(set(names)):
        raise ValueError(f"{path}: band names must be unique")
    return bands


def replace_bands(connection: Connection, bands: list[ApprovalBand]) -> None:
    connection.execute(delete(t.approval_bands))
    for position, band in enumerate(bands, start=1):
        connection.execute(
            t.approval_bands.insert().values(
                position=position, name=band.name, band=band.model_dump(mode="json")
            )
        )


def list_bands(bind: Engine | Connection) -> list[ApprovalBand]:
    """The matrix in the order bands are tried."""
    with connect(bind) as connection:
        rows = connection.execute(select(t.approval_bands.c.band).order_by(t.approval_bands.c.position))
        return [ApprovalBand.model_validate(row.band) for row in rows]


def set_approval_limits(engine: Engine, login: str, limits: dict[str, Decimal]) -> bool:
    """A person's approval limit per currency (replacing the earlier ones);
    False when there is no such principal."""
    stored = {currency.upper(): str(amount) for currency, amount in limits.items()}
    with engine.begin() as connection:
        result = connection.execute(
            update(t.principals)
            .where(t.principals.c.principal_id == normalize_login(login))
            .values(approval_limits=stored)
        )
        return result.rowcount > 0
