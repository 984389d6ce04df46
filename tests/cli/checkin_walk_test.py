#!/usr/bin/env python3
"""The interactive weekly check-in, driven through a real pseudo-terminal.

Scenarios on a copy of examples/personal/okr.toml (as of 2026-11-23):
  answer + skip + a bad value asked again + end of input: exactly the answered check-ins are
  written, each a one-line diff, and the walk ends with a table of what changed;
  Ctrl-C half-way: what was answered before it is kept, nothing is half-written, the file parses;
  no terminal on standard input: exit 2 and a hint to pass REF VALUE;
  grading day (as of 2027-01-05, after 2026-Q4 ended): the walk says so first and dates each
  answer on the cycle's last day; an answer may carry the KR's unit (`16 km`);
  a closed objective (its grade frozen) is not asked about.
Usage: checkin_walk_test.py OKR_BINARY"""
import difflib
import os
import pty
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/cli
import okrtest  # noqa: E402
import tools  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BINARY = os.path.abspath(sys.argv[1])
tools.require_pty()
failures = []
passed = 0


def check(condition, what):
    global passed
    if condition:
        passed += 1
    else:
        failures.append(what)


class Session:
    """okr under a pty: wait for a prompt, type an answer."""

    def __init__(self, cwd, as_of="2026-11-23"):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.chdir(cwd)
            os.environ.update({"COLUMNS": "120", "TERM": "xterm", "NO_COLOR": "1"})
            os.execv(BINARY, [BINARY, "--as-of", as_of, "checkin"])
        self.screen = ""

    def read_until(self, text, timeout=10):
        end = time.time() + timeout
        while text not in self.screen:
            left = end - time.time()
            if left <= 0:
                raise TimeoutError(f"waited for {text!r}; screen:\n{self.screen[-800:]}")
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096).decode("utf-8", "replace")
                except OSError:
                    break
                if not chunk:
                    break
                self.screen += chunk
        return self.screen

    def type(self, answer, then):
        mark = len(self.screen)
        os.write(self.fd, answer.encode() + b"\r")
        deadline = time.time() + 10
        while then not in self.screen[mark:]:
            if time.time() > deadline:
                raise TimeoutError(f"after {answer!r} waited for {then!r}; screen:\n{self.screen[-800:]}")
            self._pump()

    def _pump(self):
        ready, _, _ = select.select([self.fd], [], [], 0.2)
        if ready:
            try:
                self.screen += os.read(self.fd, 4096).decode("utf-8", "replace")
            except OSError:
                pass

    def finish(self):
        while True:
            try:
                chunk = os.read(self.fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            self.screen += chunk.decode("utf-8", "replace")
        _, status = os.waitpid(self.pid, 0)
        return status


def workspace():
    tmp = Path(tempfile.mkdtemp())
    shutil.copy(ROOT / "examples/personal/okr.toml", tmp / "okr.toml")
    return tmp


def diff(before, after):
    added = [l for l in difflib.ndiff(before.splitlines(), after.splitlines()) if l.startswith("+ ")]
    removed = [l for l in difflib.ndiff(before.splitlines(), after.splitlines()) if l.startswith("- ")]
    return added, removed


def parses(path):
    return okrtest.run(BINARY, "-f", path, "--as-of", "2026-11-23", "check").returncode in (0, 1)


# 1. answer, skip, a bad answer asked again, end of input
tmp = workspace()
before = (tmp / "okr.toml").read_text()
s = Session(tmp)
s.read_until("value (Enter skips): ")
s.type("16", "confidence (Enter keeps 80%): ")
s.type("", "note (optional): ")
s.type("tempo runs", "saved: okr/half-marathon.long-run: 16 / 18 km")
s.read_until("[2/")
s.read_until("value (Enter skips): ")
s.type("", "[3/")                       # skip resting-hr
s.read_until("value (Enter skips): ")
s.type("twenty", "expected a number")   # asked again with the reason
s.type("18", "confidence (Enter keeps 60%): ")
s.type("70%", "note (optional): ")
s.type("", "saved: okr/spanish.tutoring: 18 / 30 h")
s.read_until("value (Enter skips): ")
os.write(s.fd, b"\x04")                 # Ctrl-D: end of input
status = s.finish()
after = (tmp / "okr.toml").read_text()
added, removed = diff(before, after)
check(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, f"walk: exit status {status}")
check(len(added) == 2 and not removed, f"walk: expected exactly 2 added lines, got +{len(added)} -{len(removed)}: {added}")
check(any('{ date = 2026-11-23, value = 16, confidence = 0.8, note = "tempo runs" }' in l for l in added),
      f"walk: long-run check-in line: {added}")
check(any("{ date = 2026-11-23, value = 18, confidence = 0.7 }" in l for l in added), f"walk: tutoring line: {added}")
check("2 check-ins recorded" in s.screen, "walk: the closing table of what changed")
check(parses(tmp / "okr.toml"), "walk: the file parses afterwards")

# 2. Ctrl-C half-way: the first answer is kept, the second (unfinished) is not written
tmp = workspace()
before = (tmp / "okr.toml").read_text()
s = Session(tmp)
s.read_until("value (Enter skips): ")
s.type("17", "confidence (Enter keeps 80%): ")
s.type("", "note (optional): ")
s.type("", "saved:")
s.read_until("value (Enter skips): ")
s.type("57", "confidence")
os.kill(s.pid, signal.SIGINT)
status = s.finish()
after = (tmp / "okr.toml").read_text()
added, removed = diff(before, after)
check(len(added) == 1 and not removed and "value = 17" in added[0], f"ctrl-c: expected only the first check-in: {added} {removed}")
check(not list(tmp.glob("*.lock")) and not list(tmp.glob(".okr.toml.tmp*")), "ctrl-c: no lock or temporary file left")
check(parses(tmp / "okr.toml"), "ctrl-c: the file parses afterwards")

# 3. no terminal on standard input
tmp = workspace()
proc = okrtest.run(BINARY, "--as-of", "2026-11-23", "checkin", cwd=tmp, text=False)
check(proc.returncode == 2, f"no terminal: exit {proc.returncode}")
check(b"REF VALUE" in proc.stderr, f"no terminal: message {proc.stderr!r}")

# 4. grading day: the quarter has ended, answers are dated on its last day, and said so first
tmp = workspace()
before = (tmp / "okr.toml").read_text()
s = Session(tmp, "2027-01-05")
s.read_until("value (Enter skips): ")
check("Cycle 2026-Q4 ended on 2026-12-31: its answers are dated 2026-12-31" in s.screen,
      f"grading day: said first: {s.screen[:400]!r}")
check(s.screen.index("ended on 2026-12-31") < s.screen.index("[1/"), "grading day: said before the first question")
s.type("17.5 km", "confidence")          # the KR's own unit is accepted
s.type("", "note (optional): ")
s.type("", "saved:")
s.read_until("value (Enter skips): ")
os.write(s.fd, b"\x04")
status = s.finish()
after = (tmp / "okr.toml").read_text()
added, removed = diff(before, after)
check(os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, f"grading day: exit status {status}")
check(len(added) == 1 and not removed and "{ date = 2026-12-31, value = 17.5" in added[0],
      f"grading day: one check-in dated 2026-12-31: {added} {removed}")
score = okrtest.run(BINARY, "-f", tmp / "okr.toml", "--as-of", "2027-01-05", "--format", "json", "status").stdout
check('"current": 17.5' in score, "grading day: the answer counts for the ended quarter's grade")

# 5. a closed objective's key results are not asked: its grade is frozen
tmp = workspace()
text = (tmp / "okr.toml").read_text()
(tmp / "okr.toml").write_text(text.replace('id = "half-marathon"', 'closed = 2026-11-20\nid = "half-marathon"', 1))
s = Session(tmp)
s.read_until("value (Enter skips): ")
os.write(s.fd, b"\x04")
status = s.finish()
check("half-marathon" not in s.screen and "okr/spanish." in s.screen,
      f"closed: the closed objective is not asked about: {s.screen[:400]!r}")

if failures:
    print("\n".join(failures))
print(f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
