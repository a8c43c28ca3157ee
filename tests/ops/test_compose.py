"""docker-compose.yml, checked against the code it runs (issue #18 item 6):
no Docker engine runs here, so its structure is what can be proved. The
production stack runs the current temporalio/server (never auto-setup) with
its schema and its namespace/search attributes set up by one-shot admin-tools
jobs; Temporal is reachable only by the workers, the API, the UI and the admin
jobs, on an internal network, with client certificates required; one image
built from the one Dockerfile runs the migration, the workers (scalable) and
the API; everything poflow is told comes from the environment and is a
variable the code reads; the certificate files it mounts are the ones
deploy/make-certs.sh makes."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from starter.api import codec
from starter.cli import build_parser
from workflows.search_attributes import dev_server_flags

ROOT = Path(__file__).resolve().parents[2]
PRODUCT_SOURCES = ["settings.py", "worker.py", "starter", "ops", "activities", "identity", "workflows"]
POFLOW_SERVICES = ("migrate", "worker", "api")
# Who may reach Temporal: its own admin jobs, its UI, and poflow's workers and API.
TEMPORAL_CLIENTS = {"temporal", "temporal-setup", "temporal-ui", "worker", "api"}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]


def environment_read_by_the_code() -> set[str]:
    """Every variable a product module reads from the environment."""
    pattern = re.compile(r"""os\.(?:environ\.get|environ\[|getenv)\(?\s*["']([A-Z][A-Z0-9_]+)["']""")
    names: set[str] = set()
    for source in PRODUCT_SOURCES:
        path = ROOT / source
        for file in [path] if path.is_file() else path.rglob("*.py"):
            names |= set(pattern.findall(file.read_text()))
    return names


def test_the_server_is_the_current_image_set_up_by_one_shot_admin_jobs(services: dict[str, Any]) -> None:
    assert not [name for name, s in services.items() if "auto-setup" in s.get("image", "")]
    assert services["temporal"]["image"].startswith("temporalio/server:")
    for job in ("temporal-schema", "temporal-setup"):
        assert services[job]["image"].startswith("temporalio/admin-tools:")
        assert services[job]["restart"] == "no"
    schema = services["temporal-schema"]["command"][0]
    assert "setup-schema" in schema and "update-schema" in schema and "temporal_visibility" in schema
    assert (
        services["temporal"]["depends_on"]["temporal-schema"]["condition"] == "service_completed_successfully"
    )
    setup = services["temporal-setup"]["command"][0]
    assert "operator namespace create" in setup


def test_the_search_attributes_are_the_ones_the_code_registers(services: dict[str, Any]) -> None:
    setup = services["temporal-setup"]["command"][0]
    registered = re.findall(r"\b(\w+=(?:Keyword|Int|Double|Text|Bool|Datetime|KeywordList))\b", setup)
    assert registered == dev_server_flags()[1::2]


def test_temporal_is_reachable_only_by_its_clients_and_only_with_a_certificate(
    compose: dict[str, Any], services: dict[str, Any]
) -> None:
    temporal = services["temporal"]
    assert "ports" not in temporal
    assert all(compose["networks"][n].get("internal") is True for n in temporal["networks"])
    on_its_network = {
        name for name, s in services.items() if set(s.get("networks", [])) & set(temporal["networks"])
    }
    assert on_its_network - {"postgres", "temporal-schema", "migrate"} == TEMPORAL_CLIENTS
    assert {name for name, s in services.items() if "ports" in s} == {"temporal-ui", "api"}
    server = temporal["environment"]
    assert server["TEMPORAL_TLS_REQUIRE_CLIENT_AUTH"] == "true"
    assert server["TEMPORAL_TLS_CLIENT1_CA_CERT"] == server["TEMPORAL_TLS_SERVER_CA_CERT"] == "/certs/ca.pem"
    for name in ("worker", "api"):
        env = services[name]["environment"]
        assert env["TEMPORAL_TLS_CLIENT_CERT_PATH"] == "/certs/poflow.pem"
        assert env["TEMPORAL_TLS_SERVER_NAME"] == server["TEMPORAL_TLS_FRONTEND_SERVER_NAME"]
    assert "--tls-cert-path /certs/admin.pem" in services["temporal-setup"]["environment"]["TEMPORAL_CLI_TLS"]
    assert services["temporal-ui"]["environment"]["TEMPORAL_TLS_CERT"] == "/certs/ui.pem"


def test_the_mounted_certificates_are_the_ones_the_script_makes(tmp_path: Path) -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    mounted = set(re.findall(r"/certs/([\w.-]+\.(?:pem|key))", text))
    subprocess.run(
        ["sh", str(ROOT / "deploy" / "make-certs.sh"), str(tmp_path / "c")], check=True, capture_output=True
    )
    made = {p.name for p in (tmp_path / "c").iterdir()}
    assert mounted and mounted <= made - {"ca.key"}  # the CA's key never goes into a container
    assert "./deploy/certs:/certs:ro" in text


def test_poflow_is_configured_only_by_variables_the_code_reads(services: dict[str, Any]) -> None:
    read = environment_read_by_the_code()
    for name in POFLOW_SERVICES:
        env = services[name]["environment"]
        assert set(env) <= read, f"{name}: {sorted(set(env) - read)} are read by nothing"
        for required in ("DATABASE_URL", "TEMPORAL_ADDRESS", "POFLOW_PAYLOAD_KEYS", "POFLOW_SESSION_SECRET"):
            assert required in env, f"{name} lacks {required}"
    secrets = ("POSTGRES_PASSWORD", "POFLOW_PAYLOAD_KEYS", "POFLOW_SESSION_SECRET")
    text = (ROOT / "docker-compose.yml").read_text()
    for secret in secrets:  # compose refuses to start without them: no default secret
        assert f"${{{secret}:?" in text and f"${{{secret}:-" not in text


def test_one_image_runs_the_migration_the_scalable_workers_and_the_api(services: dict[str, Any]) -> None:
    commands = {name: services[name]["command"] for name in POFLOW_SERVICES}
    assert commands == {
        "migrate": ["poflow", "migrate"],
        "worker": ["poflow", "worker"],
        "api": ["poflow", "api", "--host", "0.0.0.0", "--port", "8000"],
    }
    cli_commands = build_parser()._subparsers._group_actions[0].choices  # type: ignore[union-attr]
    assert {c[1] for c in commands.values()} <= set(cli_commands)
    assert {services[n]["build"] for n in POFLOW_SERVICES} == {"."} and (ROOT / "Dockerfile").is_file()
    assert {services[n]["image"] for n in POFLOW_SERVICES} == {"poflow:latest"}
    worker = services["worker"]
    assert "container_name" not in worker and "ports" not in worker  # --scale worker=N
    assert worker["deploy"]["replicas"] >= 1
    for name in ("worker", "api"):
        waits = services[name]["depends_on"]
        assert (
            waits["migrate"]["condition"]
            == waits["temporal-setup"]["condition"]
            == "service_completed_successfully"
        )


def test_the_ui_decodes_through_the_apis_codec_endpoint(services: dict[str, Any]) -> None:
    ui = services["temporal-ui"]["environment"]
    assert ui["TEMPORAL_CODEC_ENDPOINT"].endswith(codec.CODEC_PREFIX)
    assert ui["TEMPORAL_CODEC_INCLUDE_CREDENTIALS"] == "true"  # the person's poflow session decides
    paths = {getattr(route, "path", "") for route in codec.router.routes}
    assert {f"{codec.CODEC_PREFIX}/decode", f"{codec.CODEC_PREFIX}/encode"} <= paths
