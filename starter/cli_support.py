"""What every `poflow` command module shares: the streams a command reads and
writes, the one connection to the service a command makes (on first use), the
one reader of input files (a path or '-' for stdin), and a plain text table.

Exit codes and the errors behind them are in starter.errors.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol, TypeVar

from starter.errors import Invalid, Unauthenticated, Unavailable, from_validation_error

if TYPE_CHECKING:
    from pydantic import BaseModel
    from sqlalchemy.engine import Engine

    from identity.principal import Caller
    from starter.operations import PoflowOperations, ServiceFactory

# pydantic and asyncio are imported where used: `poflow --help` needs neither (start-up, #19).
M = TypeVar("M", bound="BaseModel")


class Streams(Protocol):
    """What a command reads and writes (Io, or a test's stand-in)."""

    stdin: IO[bytes]
    stdout: IO[str]
    stderr: IO[str]


@dataclass
class Io:
    """Where the CLI reads and writes; tests pass StringIO/BytesIO."""

    stdin: IO[bytes]
    stdout: IO[str]
    stderr: IO[str]

    def say(self, text: str = "") -> None:
        print(text, file=self.stdout)


@dataclass
class Session:
    """Connects to the service on first use only, and once."""

    factory: ServiceFactory
    _service: PoflowOperations | None = field(default=None, init=False)

    async def service(self) -> PoflowOperations:
        if self._service is None:
            self._service = await self.factory()
        return self._service

    async def caller(self) -> Caller:
        """Who runs this command: the principal of the CLI's API token."""
        service = await self.service()
        import asyncio

        return await asyncio.to_thread(authenticate_cli, service.engine)

    async def close(self) -> None:
        if self._service is not None:
            await self._service.close()


# --- the database, for the commands that work on it directly -------------------------------


@contextmanager
def open_database() -> Iterator[Engine]:
    """The configured database, migrated, or Unavailable in one line."""
    from activities.db import make_engine, migrate
    from settings import load_settings
    from starter.service.checks import redacted_url
    from starter.tolerance_changes import one_line

    engine = make_engine(load_settings().database_url)
    try:
        try:
            migrate(engine)
        except Exception as err:  # noqa: BLE001 — one line, not a traceback
            where = redacted_url(engine)
            raise Unavailable(f"cannot open the database at {where}: {one_line(err)}") from None
        yield engine
    finally:
        engine.dispose()


# --- who is calling -----------------------------------------------------------------------

# The CLI acts as the principal of an API token (`poflow users token create`):
# from the environment, else from a file only its owner can read.
TOKEN_ENV = "POFLOW_TOKEN"
TOKEN_FILE_ENV = "POFLOW_TOKEN_FILE"
DEFAULT_TOKEN_FILE = "~/.config/poflow/token"


def cli_token(environ: Mapping[str, str] = os.environ) -> str:
    """The CLI's API token, or Unauthenticated saying where to put one."""
    token = environ.get(TOKEN_ENV, "").strip()
    if token:
        return token
    path = Path(environ.get(TOKEN_FILE_ENV) or DEFAULT_TOKEN_FILE).expanduser()
    try:
        token = path.read_text(encoding="utf-8").strip()
    except OSError:
        token = ""
    if not token:
        raise Unauthenticated(
            f"not signed in: set {TOKEN_ENV} or put a token in {path} "
            "(an admin makes one: poflow users token create LOGIN)"
        )
    return token


def authenticate_cli(engine: Engine, environ: Mapping[str, str] = os.environ) -> Caller:
    """The principal of the CLI's token, checked against the database."""
    from activities.db.principals import AuthenticationFailed, authenticate_token

    try:
        return authenticate_token(engine, cli_token(environ), now=datetime.now(UTC))
    except AuthenticationFailed as exc:
        raise Unauthenticated(f"not signed in: {exc}") from exc


# A command that goes through the service (Temporal and the database).
Handler = Callable[[argparse.Namespace, Session, Io], Awaitable[int]]


# --- reading input files -----------------------------------------------------------------


def display_name(path: str) -> str:
    return "<stdin>" if path == "-" else path


def read_input(path: str, stdin: IO[bytes]) -> bytes:
    if path == "-":
        return stdin.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise Invalid(f"{path}: no such file") from None
    except IsADirectoryError:
        raise Invalid(f"{path}: is a directory, expected a JSON file") from None
    except OSError as err:
        raise Invalid(f"{path}: cannot read ({err.strerror})") from None


def load_document(path: str, model: type[M], stdin: IO[bytes]) -> tuple[M, bytes]:
    """The validated model and the exact bytes (stored as received)."""
    from pydantic import ValidationError

    raw = read_input(path, stdin)
    if not raw.strip():
        raise Invalid(f"{display_name(path)}: empty, expected a {model.__name__} JSON document")
    try:
        return model.model_validate_json(raw), raw
    except ValidationError as err:
        raise from_validation_error(err, prefix=f"{display_name(path)}: ") from None


# --- output --------------------------------------------------------------------------------


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    return [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (headers, *rows)
    ]
