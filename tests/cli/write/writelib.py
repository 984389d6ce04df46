"""Helpers shared by the end-to-end tests of the write commands."""

import os
import shutil
import subprocess
import tempfile
import tomllib


def cache_env():
    """The model cache for okr: the build's (CTest sets XDG_CACHE_HOME), else none; never one
    in HOME, which is the work folder whose leftovers a test checks."""
    if os.environ.get("XDG_CACHE_HOME"):
        return {"XDG_CACHE_HOME": os.environ["XDG_CACHE_HOME"]}
    return {"OKR_CACHE": "off"}

HERE = os.path.dirname(os.path.abspath(__file__))
STYLES = os.path.join(HERE, "styles")


def environment(home, **extra):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "USER": "tester",
           "COLUMNS": "100", "NO_COLOR": "1", "LANG": "C.UTF-8", "TZ": "UTC", **cache_env()}
    env.update(extra)
    return env


class Workdir:
    """A temporary folder holding a copy of a style file as okr.toml."""

    def __init__(self, style="comments.toml"):
        self.dir = tempfile.mkdtemp(prefix="okr-write-test-")
        self.path = os.path.join(self.dir, "okr.toml")
        if style:
            shutil.copyfile(os.path.join(STYLES, style), self.path)

    def text(self, name="okr.toml"):
        with open(os.path.join(self.dir, name), "rb") as f:
            return f.read()

    def write(self, data, name="okr.toml"):
        with open(os.path.join(self.dir, name), "wb") as f:
            f.write(data)

    def others(self):
        """Files other than okr.toml: locks and temporary files left behind."""
        return sorted(n for n in os.listdir(self.dir) if n != "okr.toml")

    def cleanup(self):
        for root, dirs, _ in os.walk(self.dir):
            for d in dirs:
                os.chmod(os.path.join(root, d), 0o755)
        shutil.rmtree(self.dir, ignore_errors=True)


def run(okr, work, *args, env=None, **kwargs):
    return subprocess.run([okr, "--as-of", "2026-11-23", *args], cwd=work.dir,
                          env=env or environment(work.dir), capture_output=True, text=True,
                          timeout=kwargs.pop("timeout", 60), **kwargs)


def parses(data):
    try:
        tomllib.loads(data.decode("utf-8"))
        return True
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False


class Checks:
    """Collects failed checks and reports them at the end, like a tiny test framework."""

    def __init__(self):
        self.failures = 0

    def check(self, ok, what, detail=""):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            self.failures += 1
            if detail:
                print("  " + str(detail).replace("\n", "\n  "))
        return ok

    def result(self):
        print(f"{self.failures} failed")
        return 1 if self.failures else 0
