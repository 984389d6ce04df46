#!/usr/bin/env python3
"""Golden tests of `okr close` on whole workspaces (several files).

Each case copies a workspace (examples/team, or a file of tests/cli/write/styles as okr.toml)
to a fresh folder, runs one or more okr commands there in order, and compares with
close/NAME.expected, in the golden format of tests/cli (okrtest.py): each command with its
exit code, stdout and stderr, then `[files]` and the unified diff of every file of the
workspace against the original.

    close_test.py OKR            run every case
    close_test.py OKR NAME...    run some
    close_test.py OKR --update   rewrite the golden files (review the git diff!)

`python3 tests/cli/run_case.py OKR --update-all` rewrites these with every other golden.
"""

import difflib
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/cli
import okrtest  # noqa: E402


HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
GOLDEN = os.path.join(HERE, "close")

TEAM = os.path.join(ROOT, "examples", "team")
PERSONAL = os.path.join(ROOT, "examples", "personal")
QUARTER = os.path.join(ROOT, "tests", "cli", "data", "quarter-end")

# NAME, workspace, commands (each run in the workspace's folder).
CASES = [
    # The team workspace: five files, the quarter ended; every file with a 2026-Q4 objective
    # changes, one line per frozen KR and closed objective.
    ("team-close", TEAM, ["--as-of 2027-01-05 close 2026-Q4"]),
    # --dry-run prints the diffs and writes nothing.
    ("team-close-dry-run", TEAM, ["--as-of 2027-01-05 close 2026-Q4 --carry --dry-run"]),
    # Carry: growth/first-week has a decreasing KR (time-to-report) and one that follows a KPI
    # (satisfaction); each goes on from its last value.
    ("team-close-carry", TEAM, ["--as-of 2027-01-05 close 2026-Q4 --carry",
                                "--as-of 2027-01-05 status --cycle 2027-Q1",
                                "--as-of 2027-01-05 tree --cycle all"]),
    # Closing a closed cycle changes nothing and says so.
    ("team-close-twice", TEAM, ["--as-of 2027-01-05 close 2026-Q4",
                                "--as-of 2027-01-06 close 2026-Q4 --carry",
                                "--as-of 2027-01-06 score --cycle 2026-Q4"]),
    # A custom cycle has no next one: --carry needs --to.
    ("team-close-custom", TEAM, ["--as-of 2026-11-25 close launch-sprint --carry",
                                 "--as-of 2026-11-25 close launch-sprint --carry --to 2026-12"]),
    # Closing before the cycle's end grades as of the as-of date and says so.
    ("personal-close-early", PERSONAL, ["--as-of 2026-11-23 close 2026-Q4 --carry",
                                        "--as-of 2027-01-05 log money-2027-q1",
                                        "--as-of 2026-11-23 explain money"]),
    # --format json: one document of what was written (each frozen score, closed objective,
    # carried objective and KR with its line), as every write command prints; a dry run adds the
    # diff; closing again writes nothing.
    ("team-close-json", TEAM, ["--as-of 2027-01-05 close 2026-Q4 --carry --dry-run --format json",
                               "--as-of 2027-01-05 close 2026-Q4 --carry --format json",
                               "--as-of 2027-01-06 close 2026-Q4 --format json"]),
    # Closing changes no grade (issue 26): top's KRs at 0.709 and 0.699 make 0.70, green, before
    # and after; each frozen grade reads "frozen on D", and `log top` ends on it.
    ("quarter-keeps-grades", QUARTER, ["--as-of 2027-01-05 score --cycle 2026-Q4",
                                       "--as-of 2027-01-05 close 2026-Q4",
                                       "--as-of 2027-01-05 score --cycle 2026-Q4",
                                       "--as-of 2027-01-05 log top --format csv",
                                       "--as-of 2027-01-05 explain top"]),
    # Carry keeps the tree: grow's parent top is carried too, so grow-2027-q1 points at
    # top-2027-q1. A bare `arr` then means the running grow-2027-q1.arr, and completion offers
    # the carried KRs, not the closed ones (unless typed in full).
    ("quarter-carry-tree", QUARTER, ["--as-of 2027-01-05 close 2026-Q4 --carry",
                                     "--as-of 2027-01-05 tree --cycle all",
                                     "--as-of 2027-01-05 checkin arr 1200000",
                                     "--as-of 2027-01-05 __complete objectives,krs -- ''",
                                     "--as-of 2027-01-05 __complete krs -- grow.arr"]),
    # Forgot --carry: a second close with it carries what is unfinished, once.
    ("quarter-carry-later", QUARTER, ["--as-of 2027-01-05 close 2026-Q4",
                                      "--as-of 2027-01-06 close 2026-Q4 --carry",
                                      "--as-of 2027-01-06 close 2026-Q4 --carry",
                                      "--as-of 2027-01-06 tree --cycle 2027-Q1"]),
    # A check-in dated inside a closed cycle is history: recorded, and the grade stays; reports
    # show the frozen grade and the status closed. A KR added since (--force) has no frozen
    # grade, and its note says none.
    ("quarter-checkin-closed", QUARTER, ["--as-of 2027-01-05 close 2026-Q4",
                                         "--as-of 2027-01-06 checkin grow.arr 2100000 "
                                         "--date 2026-12-20",
                                         "--as-of 2027-01-06 checkin grow.launch no "
                                         "--date 2026-12-20",
                                         "--as-of 2027-01-06 status --cycle 2026-Q4",
                                         "--as-of 2027-01-06 explain grow.arr",
                                         "--as-of 2027-01-06 add kr grow 'Late KR' --target 5 "
                                         "--force",
                                         "--as-of 2027-01-06 score --cycle 2026-Q4"]),
    ("close-errors", PERSONAL, ["--as-of 2027-01-05 close 2026-Q5",
                                "--as-of 2027-01-05 close 2027-Q3",
                                "--as-of 2027-01-05 close 2026-Q4 --to 2027-Q1"]),
]


def snapshot(folder):
    files = {}
    for dirpath, _, names in os.walk(folder):
        for n in names:
            p = os.path.join(dirpath, n)
            with open(p, "rb") as f:
                files[os.path.relpath(p, folder)] = f.read()
    return files


def run_case(okr, workspace, commands):
    with tempfile.TemporaryDirectory(prefix="okr-close-") as tmp:
        ws = os.path.join(tmp, "ws")
        shutil.copytree(workspace, ws)
        before = snapshot(ws)
        env = okrtest.environment(tmp)
        out = ""
        for command in commands:
            p = okrtest.run(okr, *shlex.split(command), cwd=ws, env=env, text=False)
            out += okrtest.transcript(command, p)
        after = snapshot(ws)
        out += "[files]\n"
        for name in sorted(set(before) | set(after)):
            a = before.get(name, b"").decode("utf-8", "replace").splitlines(True)
            b = after.get(name, b"").decode("utf-8", "replace").splitlines(True)
            if name not in after:
                out += f"removed {name}\n"
            elif name not in before:
                out += f"left behind {name}\n"
            elif a != b:
                out += "".join(difflib.unified_diff(a, b, "a/" + name, "b/" + name))
        return out


def main():
    argv = sys.argv[1:]
    if not argv:
        print(__doc__)
        return 2
    okr = os.path.abspath(argv[0])
    update = "--update" in argv
    only = [a for a in argv[1:] if a != "--update"]
    failures = 0
    for name, workspace, commands in CASES:
        if only and name not in only:
            continue
        text = run_case(okr, workspace, commands)
        path = os.path.join(GOLDEN, name + ".expected")
        if update:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            print(f"updated {name}")
            continue
        want = open(path, encoding="utf-8", newline="").read() if os.path.exists(path) else ""
        if want != text:
            failures += 1
            print(f"FAIL {name}")
            sys.stdout.writelines(difflib.unified_diff(want.splitlines(True), text.splitlines(True),
                                                       "expected", "actual"))
        else:
            print(f"ok   {name}")
    print(f"{failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
