#!/usr/bin/env python3
"""Writes and `okr check` agree about what is wrong (issue 9, class 2; SPEC §7, §8).

For each kind of check-in that does not count (dated in the future, after its cycle's end, on a
dropped item, on a KR of a dropped objective, after its objective was closed), on a copy of a style file:
  - without --force the write is refused: exit 2, a hint naming --force, the file unchanged;
  - with --force it is written, and what it prints on stderr is exactly what `okr check` finds
    after the write and did not find before (rule and message);
and for ordinary writes (a check-in that counts, set, add, drop) the same equality holds: a write
never brings in a finding without saying so, but for the ones it leaves to `okr check` on
purpose (a new objective's count of key results: they come next).

    agree_test.py OKR
"""

import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from writelib import Workdir, environment  # noqa: E402
import okrtest  # noqa: E402  (writelib put tests/cli on the path)

OKR = os.path.abspath(sys.argv[1])
failures = []
passed = 0
FINDING = re.compile(r"^\S+:\d+:\d+: (?:warning|error): (.*) \[([a-z-]+)\]$", re.M)


def check(condition, what):
    global passed
    if condition:
        passed += 1
    else:
        failures.append(what)


def okr(work, *args):
    return okrtest.run(OKR, *args, cwd=work.dir, env=environment(work.dir))


def findings(work, as_of):
    p = okr(work, "--as-of", as_of, "--format", "json", "check")
    data = json.loads(p.stdout)
    items = data["findings"] if isinstance(data, dict) else data
    return sorted((f["rule"], f["message"]) for f in items)


def brought_in(before, after):
    left = list(before)
    out = []
    for f in after:
        if f in left:
            left.remove(f)
        else:
            out.append(f)
    return sorted(out)


def scenario(name, style, as_of, args, refused, setup=(), write=None, deferred=()):
    work = Workdir(style)
    for file, text in (write or {}).items():
        with open(os.path.join(work.dir, file), "w", encoding="utf-8") as f:
            f.write(text)
    for s in setup:
        p = okr(work, "--as-of", as_of, *s)
        check(p.returncode == 0, f"{name}: setup {s} failed: {p.stderr}")
    original = work.text()
    before = findings(work, as_of)
    if refused:
        p = okr(work, "--as-of", as_of, *args)
        check(p.returncode == 2, f"{name}: expected exit 2, got {p.returncode}: {p.stderr}")
        check("--force" in p.stderr, f"{name}: the hint names --force: {p.stderr}")
        check(work.text() == original, f"{name}: a refused write changed the file")
        args = list(args) + ["--force"]
    p = okr(work, "--as-of", as_of, *args)
    check(p.returncode == 0, f"{name}: the write failed ({p.returncode}): {p.stderr}")
    printed = sorted((m.group(2), m.group(1)) for m in FINDING.finditer(p.stderr))
    expected = [f for f in brought_in(before, findings(work, as_of)) if f not in deferred]
    check(printed == expected,
          f"{name}: stderr says {printed}, but okr check newly finds {expected}")
    if refused:
        check(len(expected) > 0, f"{name}: a forced write that okr check does not flag")


scenario("future", "comments.toml", "2026-11-23",
         ["checkin", "launch", "2", "--date", "2026-12-01"], True)
scenario("future KPI", "comments.toml", "2026-11-23",
         ["checkin", "csat", "92", "--date", "2026-12-01"], True)
scenario("after the cycle", "comments.toml", "2027-01-05", ["checkin", "launch", "2"], True)
scenario("dropped KR", "comments.toml", "2026-11-23", ["checkin", "launch", "2"], True,
         setup=[["drop", "launch"]])
scenario("dropped KR, noted", "comments.toml", "2026-11-23", ["checkin", "launch", "2"], True,
         setup=[["drop", "launch", "--note", "no longer a goal"]])
scenario("dropped KR, backdated before the drop", "comments.toml", "2026-11-23",
         ["checkin", "launch", "1", "--date", "2026-11-10"], False, setup=[["drop", "launch"]])
# A file written before okr drop wrote the `dropped` key: the day is read from the notes.
scenario("dropped KR, by an older okr", "comments.toml", "2026-11-23", ["checkin", "launch", "2"],
         True, setup=[["set", "launch", "status", "dropped"],
                      ["set", "launch", "notes", "Dropped 2026-11-20: no longer a goal"]])
scenario("dropped KR, by an older okr, backdated before the drop", "comments.toml", "2026-11-23",
         ["checkin", "launch", "1", "--date", "2026-11-10"], False,
         setup=[["set", "launch", "status", "dropped"],
                ["set", "launch", "notes", "Dropped 2026-11-20: no longer a goal"]])
scenario("dropped KPI", "comments.toml", "2026-11-23", ["checkin", "csat", "92"], True,
         setup=[["drop", "csat"]])
scenario("dropped objective", "dropped.toml", "2026-11-23", ["checkin", "launch", "2"], True)
scenario("closed objective", "closed.toml", "2026-11-25", ["checkin", "ship.users", "50"], True)
scenario("closed objective, backdated to the day it closed", "closed.toml", "2026-11-25",
         ["checkin", "ship.users", "45", "--date", "2026-11-20"], False)
scenario("closed objective, by import", "closed.toml", "2026-11-25",
         ["import", "rows.csv"], True,
         write={"rows.csv": "ref,date,value\nship.users,2026-11-24,50\ngrow.signups,2026-11-24,300\n"})
scenario("counted check-in", "comments.toml", "2026-11-23", ["checkin", "launch", "2"], False)
scenario("before the cycle", "comments.toml", "2026-11-23",
         ["checkin", "launch", "0", "--date", "2026-09-20"], False)
scenario("set cycle", "comments.toml", "2026-11-23", ["set", "eco", "cycle", "2026-Q3"], False)
scenario("set current", "comments.toml", "2026-11-23", ["set", "launch", "current", "2"], False)
scenario("add kr", "comments.toml", "2026-11-23",
         ["add", "kr", "eco", "Recycle", "--target", "3"], False)
scenario("add objective", "comments.toml", "2026-11-23", ["add", "objective", "Hire"], False,
         deferred=[("kr-count", 'objective "hire" has 0 active key results')])
scenario("add kpi", "comments.toml", "2026-11-23", ["add", "kpi", "Churn", "--max", "5"], False)
scenario("drop", "comments.toml", "2026-11-23", ["drop", "partners"], False)
scenario("walk away", "comments.toml", "2026-12-20", ["checkin", "csat", "90"], False)

if failures:
    print("\n".join(failures))
print(f"{passed} passed, {len(failures)} failed")
sys.exit(1 if failures else 0)
