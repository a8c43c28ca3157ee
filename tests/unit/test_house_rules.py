"""House rules, checked with the tests so that `python3 dev.py test` (and so
`.ci/run`) fails on either: the ruff rule set and `ruff format`, and mypy
(--strict for p2p, models and workflows; plain elsewhere). The settings live
in pyproject.toml; these tests only run the tools and show what they say."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_tool(*argv: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *argv], cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.mark.parametrize(
    "argv", [("ruff", "check", "."), ("ruff", "format", "--check", ".")], ids=["ruff-check", "ruff-format"]
)
def test_ruff_is_clean(argv: tuple[str, ...]) -> None:
    result = run_tool(*argv)
    assert result.returncode == 0, f"`{' '.join(argv)}` found:\n{result.stdout}{result.stderr}"


def test_mypy_is_clean() -> None:
    # The files and the strict packages come from [tool.mypy] in pyproject.toml.
    result = run_tool("mypy", "--no-error-summary", "--python-executable", sys.executable)
    assert result.returncode == 0, f"mypy found:\n{result.stdout}{result.stderr}"
