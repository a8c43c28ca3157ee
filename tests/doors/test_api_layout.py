"""starter/api/: the OpenAPI document builds and shows what every route answers
(its response model, and the error bodies the app really sends), and the
doors stay apart: the API and the CLI import nothing private of each other.
No Temporal, no database: building the document runs no lifespan."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

from starter.api import create_app

ROOT = Path(__file__).resolve().parents[2]
STARTER = ROOT / "starter"


def openapi() -> dict[str, Any]:
    return create_app().openapi()


def test_the_openapi_document_builds_with_every_route() -> None:
    paths = openapi()["paths"]
    assert {
        "/healthz",
        "/inbox",
        "/api/v1/purchase-orders",
        "/api/v1/purchase-orders/{po_number}",
        "/api/v1/purchase-orders/{po_number}/cancel",
        "/api/v1/purchase-orders/{po_number}/invoices",
        "/api/v1/documents",
        "/api/v1/documents/{workflow_id}",
        "/api/v1/tasks/{task_id}/decision",
        "/api/v1/tolerances/changes/{change_id}/approve",
        "/api/v1/purchase-orders/{po_number}/invoices/{invoice_number}/hold",
        "/api/v1/session",
        "/api/v1/purchase-orders/{po_number}/audit",
        "/api/v1/audit",
        "/api/v1/vendors/{vendor_id}/bank-account",
        "/api/v1/purchase-orders/{po_number}/close",
        "/api/v1/purchase-orders/{po_number}/lines/{line_no}/cancel",
        "/api/v1/purchase-orders/{po_number}/ship-notices",
        "/api/v1/purchase-orders/{po_number}/returns",
        "/api/v1/purchase-orders/{po_number}/inspections",
        "/metrics",
    } <= set(paths)
    assert len(paths) == 31


def test_every_api_route_declares_its_answer() -> None:
    for path, operations in openapi()["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            success = next(body for code, body in operation["responses"].items() if code.startswith("2"))
            schema = success["content"]["application/json"]["schema"]
            assert "$ref" in schema or "$ref" in schema.get("items", {}), (method, path, schema)


def test_error_bodies_are_the_ones_the_app_sends() -> None:
    document = openapi()
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas  # the app answers 422 with {detail, errors}
    assert set(schemas["InvalidBody"]["properties"]) == {"detail", "errors"}
    decision = document["paths"]["/api/v1/tasks/{task_id}/decision"]["post"]["responses"]
    assert {"401", "403", "404", "409", "422", "503"} <= set(decision)
    refs = {
        code: body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for code, body in document["paths"]["/api/v1/documents"]["post"]["responses"].items()
    }
    assert refs == {
        "202": "FileReceivedAnswer",
        "401": "ErrorBody",
        "403": "ErrorBody",
        "409": "DuplicateBody",
        "413": "ErrorBody",
        "422": "FileUnreadableAnswer",
        "503": "ErrorBody",
    }


def test_task_view_shows_what_the_inbox_needs() -> None:
    task = openapi()["components"]["schemas"]["TaskView"]
    assert {"workflow_id", "ui_url", "escalated_to", "comment_required_for"} <= set(task["required"])


def _starter_imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every `from starter... import name` in a file, nested imports too."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("starter")
        for alias in node.names
    ]


def test_no_door_imports_another_modules_private_helpers() -> None:
    private = [
        (str(path.relative_to(ROOT)), module, name)
        for path in sorted(STARTER.rglob("*.py"))
        for module, name in _starter_imports(path)
        if name.startswith("_")
    ]
    assert private == []


def test_the_api_and_the_cli_import_nothing_of_each_other() -> None:
    cli_modules = {
        "starter.cli",
        "starter.match_cli",
        "starter.extract_cli",
        "starter.simulate_cli",
        "starter.tolerances_cli",
    }
    api_uses_cli = [
        (path.name, module)
        for path in sorted((STARTER / "api").glob("*.py"))
        for module, _ in _starter_imports(path)
        if module in cli_modules
    ]
    cli_uses_api = [
        (path.name, module)
        for path in sorted(STARTER.glob("*.py"))
        for module, _ in _starter_imports(path)
        if module.startswith("starter.api")
    ]
    assert (api_uses_cli, cli_uses_api) == ([], [])
