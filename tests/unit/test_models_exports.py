"""`models` loads each public name on first use (models/__init__.py): the names type
checkers see and the names the loader knows must be the same, and each must load."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import models

INIT = Path(models.__file__)


def _type_checking_imports() -> dict[str, str]:
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    guard = next(node for node in tree.body if isinstance(node, ast.If))
    return {
        alias.asname or alias.name: node.module.removeprefix("models.")
        for node in guard.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }


def test_the_loader_and_the_type_checkers_see_the_same_names_in_the_same_modules() -> None:
    assert _type_checking_imports() == models._MODULE_OF


def test_every_public_name_loads_from_its_module() -> None:
    for name in models.__all__:
        value = getattr(models, name)
        module = sys.modules[f"models.{models._MODULE_OF[name]}"]
        assert value is getattr(module, name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchModel"):
        models.NoSuchModel  # type: ignore[attr-defined]  # noqa: B018


def test_importing_one_model_does_not_import_the_others() -> None:
    code = "import sys, models.extraction; print(','.join(sorted(m for m in sys.modules if m.startswith('models.'))))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "models.workflow_state" not in loaded.split(",")
    assert "models.matching" not in loaded.split(",")
