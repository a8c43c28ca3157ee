"""Starts the demo for `poflow demo` and `poflow up`.

The demo (its scenarios, and the suppliers' files they send) is not part of
the installed product: it lives in the source checkout under `tools/`, beside
the supplier simulator it renders those files with. This module finds the
checkout this poflow runs from (the folder above the `starter` package: an
editable install or a run from the checkout) and starts

    python -m tools.demo --api URL

there as a child process, with the checkout's root as working directory, so
`tools` imports the usual way. An installation without the checkout (a wheel)
gets a clear message instead; `poflow up` then keeps the stack running.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

DEMO_MODULE = "tools.demo"
NEEDS_CHECKOUT = (
    "the demo needs a source checkout of poflow: its scenarios and the suppliers' file generators live in "
    "tools/, which is not installed with the package. In a clone of the repository, run `python3 dev.py demo`"
)
# `poflow demo` after Ctrl-C: how long the demo gets to stop by itself.
INTERRUPT_GRACE_S = 10.0


class DemoUnavailable(Exception):
    """This installation has no demo to run (no source checkout)."""


def source_root(root: Path | None = None) -> Path | None:
    """The source checkout holding the demo, or None when poflow runs from an installation without it."""
    root = Path(__file__).resolve().parent.parent if root is None else root
    has_demo = (root / "tools" / "demo.py").is_file() and (root / "tools" / "supplier_sim").is_dir()
    return root if has_demo else None


def demo_command(api_url: str) -> list[str]:
    """This Python (the one poflow is installed in) runs the demo module."""
    return [sys.executable, "-m", DEMO_MODULE, "--api", api_url]


def start_demo(
    api_url: str, *, env: Mapping[str, str] | None = None, new_session: bool = False
) -> subprocess.Popen:
    """The demo as a child process writing to this process's stdout/stderr.
    `new_session`: in its own process group, so a Ctrl-C in the terminal
    reaches only the caller, which then stops it (what `poflow up` does)."""
    root = source_root()
    if root is None:
        raise DemoUnavailable(NEEDS_CHECKOUT)
    child_env = dict(os.environ if env is None else env)
    child_env["PYTHONUNBUFFERED"] = "1"  # its lines interleave with ours in the order they happen
    sys.stdout.flush()
    sys.stderr.flush()
    return subprocess.Popen(
        demo_command(api_url),
        cwd=root,
        env=child_env,
        stdin=subprocess.DEVNULL,
        start_new_session=new_session,
    )


def run_demo(api_url: str) -> int:
    """`poflow demo`: run it in the foreground; its exit code (0: every scenario ended as expected)."""
    try:
        proc = start_demo(api_url)
    except DemoUnavailable as err:
        print(f"poflow demo: {err}", file=sys.stderr)
        return 1
    try:
        return proc.wait()
    except KeyboardInterrupt:  # the demo got the Ctrl-C too (same process group)
        try:
            return proc.wait(INTERRUPT_GRACE_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            return 130
