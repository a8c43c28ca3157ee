"""The one error every extractor raises for input it cannot read."""

from __future__ import annotations

__all__ = ["ExtractionError"]


class ExtractionError(ValueError):
    """A file that cannot be read, with what is wrong and where.

    `where` names the place in the terms of the format — "segment 7 (IT1),
    element 4", "UNH+2 INVOIC, segment 12 (QTY)", "page 3", "cbc:IssueDate" —
    so that the sender can find it. The CLI prints `str(err)` as its one-line
    message; the API returns it with 422.
    """

    def __init__(self, message: str, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message
