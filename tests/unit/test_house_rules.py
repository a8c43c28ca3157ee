"""House rules, checked with the tests so that `python3 dev.py test` (and so
`.ci/run`) fails on either: the ruff rule set and `ruff format`, and mypy
(--strict for p2p, models and workflows; plain elsewhere). The settings live
in pyproject.toml; these tests only run the tools and show what they say."""

from __future__ import annotations

import ast
import re
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


# Size rule (issue #15): product files under ~400 lines, functions under ~60.
# Where one must be longer, a comment line `# size: <why>` says so: at the top
# level of the file for a file, inside the function for a function. Migrations
# are history (never edited once applied) and are not product code to read.
PRODUCT = ("p2p", "models", "workflows", "activities", "starter", "ops", "worker.py", "settings.py")
MAX_FILE_LINES = 400
MAX_FUNCTION_LINES = 60
SIZE_REASON = re.compile(r"^\s*# size: \S")


def product_files() -> list[Path]:
    found: list[Path] = []
    for name in PRODUCT:
        path = ROOT / name
        found.extend(sorted(path.rglob("*.py")) if path.is_dir() else [path])
    return found


def says_why(lines: list[str]) -> bool:
    return any(SIZE_REASON.match(line) for line in lines)


def oversized(path: Path, root: Path = ROOT) -> list[str]:
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    where = path.relative_to(root)
    found = []
    top_level = [line for line in lines if line.startswith("#")]
    if len(lines) > MAX_FILE_LINES and not says_why(top_level):
        found.append(f"{where}: {len(lines)} lines (> {MAX_FILE_LINES}) and no `# size:` reason")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            body = lines[node.lineno - 1 : node.end_lineno]
            if len(body) > MAX_FUNCTION_LINES and not says_why(body):
                found.append(
                    f"{where}:{node.lineno} {node.name}(): {len(body)} lines (> {MAX_FUNCTION_LINES})"
                    " and no `# size:` reason"
                )
    return found


def test_files_and_functions_stay_small_or_say_why() -> None:
    found = [problem for path in product_files() for problem in oversized(path)]
    assert not found, "too long to read in one go; split it, or say why with `# size: …`:\n" + "\n".join(
        found
    )


def test_the_size_rule_finds_a_long_function_without_a_reason(tmp_path: Path) -> None:
    long_body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES + 1))
    sample = tmp_path / "sample.py"
    sample.write_text(f"def long():\n{long_body}\n", encoding="utf-8")
    assert oversized(sample, tmp_path) == [
        f"sample.py:1 long(): {MAX_FUNCTION_LINES + 2} lines (> {MAX_FUNCTION_LINES}) and no `# size:` reason"
    ]
    sample.write_text(f"def long():\n    # size: a table\n{long_body}\n", encoding="utf-8")
    assert oversized(sample, tmp_path) == []
