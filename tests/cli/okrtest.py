"""Running okr in a test: one environment, one way to start it, one golden format. Every test
script that runs the built binary takes these from here, so that a change (a new variable okr
reads, the model cache's place) is made once.

    sys.path.insert(0, str(Path(__file__).resolve().parents[N]))   # tests/cli
    import okrtest
    p = okrtest.run(OKR, "--as-of", "2026-11-23", "status", cwd=folder, env=okrtest.environment(folder))

The golden format (every `.expected` file of tests/cli): for each command run, its line, its
exit code, its whole stdout and its whole stderr, then what the suite adds (a write's change
size, the files a command left behind, the diff of a workspace):

    $ okr ARGS
    [exit N]
    [stdout]
    ...
    [stderr]
    ...

An output that does not end with a newline gets one, then `[no newline at end]`.
"""
import difflib
import os
import shlex
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cache_env():
    """The model cache for okr: the build's (CTest sets XDG_CACHE_HOME for every test), else
    none; never one in HOME, which may be the work folder whose leftovers a test checks."""
    if os.environ.get("XDG_CACHE_HOME"):
        return {"XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}
    return {"OKR_CACHE": "off"}


def environment(home=None, **changes):
    """okr's whole environment in a test: a fixed width, locale, time zone and user, no colour,
    the build's model cache. `changes` adds variables; a value of None removes one."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home or os.environ.get("HOME", "/tmp")),
           "USER": "tester", "COLUMNS": "100", "NO_COLOR": "1", "LANG": "C.UTF-8", "TZ": "UTC", **cache_env()}
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = str(value)
    return env


def run(binary, *args, cwd=None, env=None, stdin=None, timeout=60, text=True, **kwargs):
    """Runs okr with `args` and returns the finished process (stdout and stderr captured, as
    text unless text=False). stdin is text or bytes to feed, a file, or by default /dev/null."""
    if "stdout" not in kwargs and "stderr" not in kwargs:
        kwargs["capture_output"] = True
    if "input" not in kwargs and "stdin" not in kwargs:
        if stdin is None:
            kwargs["stdin"] = subprocess.DEVNULL
        elif isinstance(stdin, (str, bytes)):
            kwargs["input"] = stdin
        else:
            kwargs["stdin"] = stdin
    return subprocess.run([str(binary), *map(str, args)], cwd=cwd, env=env if env is not None else environment(),
                          text=text, timeout=timeout, **kwargs)


def _text(data):
    return data if isinstance(data, str) else data.decode("utf-8", "backslashreplace")


def _section(name, data):
    out = _text(data)
    return f"[{name}]\n" + out + ("" if out.endswith("\n") or not out else "\n[no newline at end]\n")


def transcript(args, proc):
    """One command in the golden format: its line, exit code, stdout and stderr."""
    line = args if isinstance(args, str) else shlex.join(args)
    return f"$ okr {line}\n[exit {proc.returncode}]\n" + _section("stdout", proc.stdout) + _section("stderr", proc.stderr)


def read_exact(path):
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def write_exact(path, text):
    # newline="" keeps CRLF (CSV) exactly as the binary printed it
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def compare(path, actual, update=False):
    """Holds `actual` to the golden file `path`: None when they agree (or after writing it with
    update=True), else the unified diff, control characters shown escaped."""
    path = Path(path)
    if update:
        write_exact(path, actual)
        return None
    expected = read_exact(path) if path.exists() else "(no golden file)\n"
    if actual == expected:
        return None
    name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
    return "".join(difflib.unified_diff([repr(line)[1:-1] + "\n" for line in expected.splitlines(True)],
                                        [repr(line)[1:-1] + "\n" for line in actual.splitlines(True)],
                                        name, "actual"))


class Checks:
    """Collects failed checks and reports them at the end, like a tiny test framework."""

    def __init__(self):
        self.failures = 0

    def check(self, ok, what, detail=""):
        print(("ok   " if ok else "FAIL ") + what, flush=True)
        if not ok:
            self.failures += 1
            if detail:
                print("  " + str(detail).replace("\n", "\n  "))
        return ok

    def result(self):
        print(f"{self.failures} failed")
        return 1 if self.failures else 0
