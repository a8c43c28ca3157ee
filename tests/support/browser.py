"""Browser tests: the API served for real (uvicorn in a thread) and Debian's
Chromium driven by the Python `playwright` package — never a downloaded
browser (DESIGN.md "Running it"). `python3 dev.py test` installs Chromium with
apt when it is missing; `.ci/run` sets POFLOW_REQUIRE_BROWSER=1 so that a
missing browser fails CI instead of skipping the tests quietly."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn

CHROMIUM = Path("/usr/bin/chromium")
# The flags DESIGN.md names: no sandbox (root in a container), no GPU, nothing
# that phones home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def need_chromium() -> None:
    """Skip without Debian's Chromium, or fail where a browser is required (CI)."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: `python3 dev.py test` installs it (apt-get install chromium)"
    if os.environ.get("POFLOW_REQUIRE_BROWSER") == "1":
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def launched_chromium() -> Iterator[Any]:
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(app: Any) -> Iterator[str]:
    """`app` on a free local port (lifespan included) until the block ends; its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=_free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn-under-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the API under test did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def screenshot(page: Any, name: str) -> None:
    """Save a screenshot for the README when POFLOW_SCREENSHOTS names a folder."""
    folder = os.environ.get("POFLOW_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
