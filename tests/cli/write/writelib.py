"""Helpers shared by the end-to-end tests of the write commands."""

import os
import shutil
import sys
import tempfile
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/cli
import okrtest  # noqa: E402
from okrtest import Checks, cache_env  # noqa: E402,F401  (the write tests' names for them)


HERE = os.path.dirname(os.path.abspath(__file__))
STYLES = os.path.join(HERE, "styles")


def environment(home, **extra):
    return okrtest.environment(home, **extra)


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
    return okrtest.run(okr, "--as-of", "2026-11-23", *args, cwd=work.dir, env=env or environment(work.dir), **kwargs)


def parses(data):
    try:
        tomllib.loads(data.decode("utf-8"))
        return True
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False
