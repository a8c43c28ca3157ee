"""Zip archives (some portals and mail gateways bundle documents): every member
is read as a file of its own, within bounds a zip bomb cannot get past — the
sizes in the archive's directory are not trusted, reading stops at the limit."""

from __future__ import annotations

import io
import zipfile

from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from models.extraction import Extracted

__all__ = ["extract_zip", "read_members"]


def read_members(raw: bytes, limits: IntakeLimits = DEFAULT_LIMITS) -> list[tuple[str, bytes]]:
    """(name, bytes) of each file in the archive, directories skipped."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as err:
        raise ExtractionError(f"broken zip archive: {err}", "zip directory") from None
    if len(infos) > limits.max_attachments:
        raise ExtractionError(
            f"{len(infos)} files in the archive, over the limit of {limits.max_attachments}", "zip directory"
        )
    budget = limits.max_unpacked_bytes
    members: list[tuple[str, bytes]] = []
    for info in infos:
        if info.flag_bits & 0x1:
            raise ExtractionError(
                "encrypted member: poflow cannot read password-protected archives", info.filename
            )
        try:
            with archive.open(info) as stream:
                data = stream.read(budget + 1)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as err:
            raise ExtractionError(f"cannot unpack: {err}", info.filename) from None
        budget -= len(data)
        if budget < 0:
            raise ExtractionError(
                f"the archive unpacks to more than {limits.max_unpacked_bytes:,} bytes (a zip bomb?)",
                info.filename,
            )
        members.append((info.filename, data))
    return members


def extract_zip(
    raw: bytes, *, vendor_id: str | None = None, limits: IntakeLimits = DEFAULT_LIMITS, depth: int = 0
) -> list[Extracted]:
    from activities.intake.extract import extract_parts

    parts, problems = extract_parts(
        read_members(raw, limits), vendor_id=vendor_id, limits=limits, depth=depth
    )
    for name, document in parts:
        document.warnings.insert(0, f"from {name} in the zip archive")
    found = [document for _, document in parts]
    if not found:
        raise ExtractionError(
            "no readable document in the archive: " + "; ".join(problems or ["it is empty"]), "zip"
        )
    if problems:
        found[0].warnings += [f"skipped {problem}" for problem in problems]
    return found
