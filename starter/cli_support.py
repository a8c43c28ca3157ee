"""What every `poflow` command module shares: the streams a command reads and
writes, the one connection to the service a command makes (on first use), the
one reader of input files (a path or '-' for stdin), and a plain text table.

Exit codes and the errors behind them are in starter.errors.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Protocol, TypeVar

from pydantic import BaseModel, ValidationError

from starter.errors import Invalid, Unavailable, from_validation_error

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from starter.operations import PoflowOperations, ServiceFactory

M = TypeVar("M", bound=BaseModel)


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
