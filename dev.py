#!/usr/bin/env python3
"""Fresh-clone bootstrap: needs nothing but python3 (3.11+).

    python3 dev.py demo        # the local stack + the demo scenarios (poflow up)
    python3 dev.py up          # the local stack without the demo
    python3 dev.py test [...]  # pytest, extra arguments passed through

Creates .venv when missing and installs requirements.lock plus the project
(editable) into it — again only when requirements.lock or pyproject.toml changed
since the last install (their sha256 is kept in .venv/.poflow-lock-sha256), so
repeated runs start at once.

Kept to syntax old Pythons can parse, so that they reach the version check.
"""

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

MIN_PYTHON = (3, 11)
ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
LOCK = ROOT / "requirements.lock"
# What the install depends on: the pins, and the project's own metadata
# (packages, entry points) for the editable install.
INSTALL_INPUTS = (LOCK, ROOT / "pyproject.toml")
MARKER_NAME = ".poflow-lock-sha256"
# The browser tests drive Debian's Chromium through playwright (never a
# downloaded browser): `dev.py test` installs the package when it is missing.
CHROMIUM = Path("/usr/bin/chromium")
# Scans (image-only PDFs, PNG/JPEG/TIFF) are read by Debian's Tesseract
# (activities/intake/ocr.py), with the language packs of the seven languages
# the PDF reader knows (English comes with tesseract-ocr): `dev.py test`
# installs them when missing, so the OCR tests can run.
TESSDATA = Path("/usr/share/tesseract-ocr")
TESSERACT_LANGUAGES = ("deu", "fra", "spa", "ita", "nld", "swe")
TESSERACT_PACKAGES = ["tesseract-ocr"] + ["tesseract-ocr-" + lang for lang in TESSERACT_LANGUAGES]

USAGE = """usage: python3 dev.py COMMAND [ARGS...]

  demo        start the local stack (Temporal, worker, API) and run the demo
  up          start the local stack without the demo
  test [...]  run the test suite (pytest); extra arguments go to pytest
"""


def say(message):
    print("dev.py: " + message, flush=True)


def check_python(version=None):
    """None when this Python is recent enough, else the message to stop with."""
    version = tuple(version or sys.version_info[:3])
    if version[:2] >= MIN_PYTHON:
        return None
    return "poflow needs Python {}.{}+, this is {} ({}). Run dev.py with a newer python3, e.g. python3.11 dev.py".format(
        MIN_PYTHON[0], MIN_PYTHON[1], ".".join(str(part) for part in version), sys.executable
    )


def venv_python(venv=VENV):
    if os.name == "nt":
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def venv_script(name, venv=VENV):
    if os.name == "nt":
        return venv / "Scripts" / (name + ".exe")
    return venv / "bin" / name


def lock_digest(paths=INSTALL_INPUTS):
    """sha256 over the install inputs (name and bytes of each)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).name.encode() + b"\0")
        digest.update(Path(path).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def marker_path(venv=VENV):
    return Path(venv) / MARKER_NAME


def needs_install(venv=VENV, paths=INSTALL_INPUTS):
    """True when the venv has no record of installing exactly these inputs."""
    if not venv_python(Path(venv)).exists():
        return True
    try:
        recorded = marker_path(venv).read_text().strip()
    except OSError:
        return True
    return recorded != lock_digest(paths)


def record_install(venv=VENV, paths=INSTALL_INPUTS):
    marker_path(venv).write_text(lock_digest(paths) + "\n")


def run(argv):
    result = subprocess.run(
        [str(part) for part in argv], check=False, cwd=str(ROOT), stdin=subprocess.DEVNULL
    )
    if result.returncode != 0:
        raise SystemExit(
            "dev.py: command failed ({}): {}".format(result.returncode, " ".join(str(a) for a in argv))
        )


def ensure_venv():
    python = venv_python()
    if not python.exists():
        say("creating .venv…")
        run([sys.executable, "-m", "venv", str(VENV)])
    if not needs_install():
        return
    say("installing locked dependencies (first run takes a minute)…")
    marker_path().unlink(missing_ok=True)  # an interrupted install must not look complete
    quiet = [] if os.environ.get("POFLOW_PIP_VERBOSE") else ["--quiet"]
    pip = [python, "-m", "pip", "--disable-pip-version-check", "install", "--no-input"] + quiet
    run(pip + ["--require-virtualenv", "-r", str(LOCK)])
    say("installing poflow (editable)…")
    # setuptools is pinned in the lock, so the project builds with it, offline.
    run(pip + ["--no-deps", "--no-build-isolation", "-e", str(ROOT)])
    record_install()
    say("environment ready.")


def ensure_chromium(chromium=CHROMIUM):
    """Install Debian's chromium with apt when it is missing (root only). A
    failure is said, not raised: the browser tests then skip, or fail where a
    browser is required (.ci/run sets POFLOW_REQUIRE_BROWSER=1)."""
    if chromium.exists() or os.name == "nt":
        return
    apt_install(["chromium"], str(chromium), "the browser tests", "about a minute")


def ensure_tesseract(tessdata=TESSDATA, tesseract="tesseract"):
    """Install Debian's tesseract-ocr and its language packs with apt when the
    binary or a pack is missing (root only). A failure is said, not raised:
    the OCR tests then fail, saying to install it."""
    if os.name == "nt":
        return
    packs = [
        lang for lang in TESSERACT_LANGUAGES if not list(tessdata.glob("*/tessdata/" + lang + ".traineddata"))
    ]
    if shutil.which(tesseract) is not None and not packs:
        return
    apt_install(TESSERACT_PACKAGES, "tesseract-ocr", "the OCR tests", "under a minute")


def apt_install(packages, missing, purpose, how_long):
    """apt-get install `packages` (root only), updating the package lists once
    if the first try fails; a failure is said, not raised."""
    apt = shutil.which("apt-get")
    if apt is None or not hasattr(os, "geteuid") or os.geteuid() != 0:
        say(f"{missing} is missing and apt-get cannot install it here (needs root): {purpose} cannot run")
        return
    say(f"installing Debian's {' '.join(packages)} for {purpose} (once, {how_long})…")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = [apt, "install", "-y", "-q", "--no-install-recommends"] + list(packages)
    quiet = {"stdin": subprocess.DEVNULL, "stdout": subprocess.DEVNULL, "env": env}
    if subprocess.run(install, check=False, **quiet).returncode != 0:
        subprocess.run([apt, "update", "-q"], check=False, **quiet)  # stale package lists
        if subprocess.run(install, check=False, **quiet).returncode != 0:
            say(f"could not install {' '.join(packages)} with apt-get: {purpose} cannot run")


def command_argv(command, extra):
    """The process dev.py becomes for `command`."""
    if command == "demo":
        return [str(venv_script("poflow")), "up"] + extra
    if command == "up":
        return [str(venv_script("poflow")), "up", "--no-demo"] + extra
    if command == "test":
        return [str(venv_python()), "-m", "pytest"] + extra
    return None


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    problem = check_python()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE, end="")
        return 0 if argv else 2
    command, extra = argv[0], argv[1:]
    target = command_argv(command, extra)
    if target is None:
        print(f"dev.py: unknown command {command!r}\n\n{USAGE}", file=sys.stderr, end="")
        return 2
    if not LOCK.exists():
        print(f"dev.py: {LOCK} is missing", file=sys.stderr)
        return 2
    ensure_venv()
    if command == "test":
        ensure_chromium()
        ensure_tesseract()
    os.chdir(str(ROOT))
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(target[0], target)
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
