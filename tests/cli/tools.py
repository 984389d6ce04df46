"""What a test needs from the machine. A test whose tool is missing ends as SKIPPED, with the
reason printed: it exits with SKIP (77), which every test's SKIP_RETURN_CODE turns into a skip
in CTest's summary. A missing tool never fails a test and never lets it pass silently.

    sys.path.insert(0, str(Path(__file__).resolve().parents[N]))   # tests/cli
    import tools
    tools.require("zsh")
"""
import os
import shutil
import sys

SKIP = 77


def skip(reason):
    """Ends the test as skipped, saying why."""
    print(f"SKIPPED: {reason}", flush=True)
    sys.exit(SKIP)


def require(tool, package=None):
    """Skips the test unless `tool` is on PATH; returns its path."""
    path = shutil.which(tool)
    if not path:
        skip(f"{tool} is not installed (apt-get install {package or tool}, or bash .ci/deps --test)")
    return path


def require_pty():
    """Skips the test when no pseudo-terminal can be opened (a container without /dev/pts)."""
    try:
        master, slave = os.openpty()
    except OSError as e:
        skip(f"no pseudo-terminal can be opened here: {e}")
    os.close(master)
    os.close(slave)
