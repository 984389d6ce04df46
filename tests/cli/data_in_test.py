#!/usr/bin/env python3
"""End-to-end tests of data in (SPEC §13): okr import, KPI sources behind okr trust, okr pull.

    data_in_test.py OKR [import|pull|never-runs|bench]

import      all or nothing, row numbers in errors, one write per file, several files, JSON, stdin
pull        sources that work, hang, fail, print nothing / garbage / megabytes / another unit,
            are changed after trust; the trust store is written atomically
never-runs  no read command, completion or check ever runs a source (a marker file stays absent)
"""

import fcntl
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import commands as commands_of_okr  # noqa: E402
import okrtest  # noqa: E402

OKR = os.path.abspath(sys.argv[1])
WHAT = sys.argv[2] if len(sys.argv) > 2 else "all"
failures = 0


def check(ok, what, detail=""):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1
        if detail:
            print("  " + str(detail).replace("\n", "\n  "))
    return ok


ROOT_FILE = """\
title = "Growth"
owner = "growth"
cycle = "2026-Q4"

[workspace]
include = ["teams/*.toml"]

[[objective]]
id = "eco"
title = "Eco"

  [[objective.kr]]
  id = "launch"
  title = "Launch two products"
  target = 2
  unit = "products"
  checkins = [
    { date = 2026-10-14, value = 1 },
  ]

  [[objective.kr]]
  id = "partners"
  title = "Partners"
  type = "milestone"

[[kpi]]
id = "csat"
title = "CSAT"
unit = "%"
min = 90
frequency = "monthly"
checkins = [
  { date = 2026-10-31, value = 91.2 },
]
"""

TEAM_FILE = """\
owner = "web"

[[kpi]]
id = "latency"
title = "p95 latency"
unit = "ms"
max = 300
frequency = "weekly"
"""


class Workspace:
    def __init__(self, extra_kpis=""):
        self.dir = tempfile.mkdtemp(prefix="okr-data-in-")
        self.home = os.path.join(self.dir, "home")
        os.makedirs(self.home)
        self.root = os.path.join(self.dir, "ws")
        os.makedirs(os.path.join(self.root, "teams"))
        self.write("okr.toml", ROOT_FILE + extra_kpis)
        self.write("teams/web.toml", TEAM_FILE)

    def path(self, name):
        return os.path.join(self.root, name)

    def write(self, name, text):
        with open(self.path(name), "w", encoding="utf-8") as f:
            f.write(text)

    def read(self, name):
        with open(self.path(name), encoding="utf-8") as f:
            return f.read()

    def env(self, **extra):
        return okrtest.environment(self.home, XDG_DATA_HOME=os.path.join(self.home, "data"), **extra)

    def run(self, *args, stdin=None, env=None, timeout=60):
        return okrtest.run(OKR, "--as-of", "2026-11-23", *args, cwd=self.root, env=env or self.env(),
                           stdin=stdin, timeout=timeout)

    def snapshot(self):
        return {n: self.read(n) for n in ("okr.toml", "teams/web.toml")}

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def test_import():
    w = Workspace()
    try:
        before = w.snapshot()
        w.write("in.csv", "ref,date,value,confidence,note\n"
                          "eco.launch,2026-11-20,2,70%,\"shipped, finally\"\n"
                          "latency,2026-11-21,250 ms,,\n"
                          "csat,2026-11-22,92.5,,\n"
                          "partners,2026-11-22,done,,\n")
        p = w.run("import", "in.csv")
        check(p.returncode == 0, "import: a CSV with rows for two files succeeds", p.stderr)
        check(p.stdout == "okr.toml: 3 check-ins\nteams/web.toml: 1 check-in\n"
                          "imported 4 check-ins into 2 files\n",
              "import: names every file it changed", p.stdout)
        after = w.snapshot()
        check('    { date = 2026-11-20, value = 2, confidence = 0.7, note = "shipped, finally" },\n'
              in after["okr.toml"], "import: the quoted note with a comma is kept", after["okr.toml"])
        check("value = 250" in after["teams/web.toml"], "import: the KPI's own unit is accepted")
        added = [l for l in after["okr.toml"].splitlines() if l not in before["okr.toml"].splitlines()]
        check(len(after["okr.toml"].splitlines()) - len(before["okr.toml"].splitlines()) == 5,
              "import: one line per check-in (plus a new array for the milestone)", added)
        leftovers = sorted(n for n in os.listdir(w.root) if n.endswith(".lock") or ".tmp-" in n)
        check(not leftovers, "import: no lock or temporary file is left", leftovers)

        # All or nothing: one bad row among good ones writes nothing.
        before = w.snapshot()
        w.write("bad.csv", "ref,date,value\n"
                           "eco.launch,2026-11-23,2\n"
                           "latency,2026-11-23,3 s\n"
                           "eco,2026-11-23,1\n"
                           "csat,2026-13-01,90\n"
                           "nps,2026-11-23,40\n")
        p = w.run("import", "bad.csv")
        check(p.returncode == 2, "import: a bad row is a usage error (exit 2)", p.returncode)
        check(w.snapshot() == before, "import: one bad row means nothing is written")
        expected = [
            'bad.csv:3: error: row 2: value: expected a value in ms, found "3 s"',
            "  hint: write 3 or 3 ms",
            "bad.csv:4: error: row 3: eco is an objective; check-ins go to its key results",
            "  hint: one of: okr/eco.launch, okr/eco.partners",
            'bad.csv:5: error: row 4: date: 2026-13-01 does not exist: there is no month 13',
        ]
        lines = p.stderr.splitlines()
        check(lines[:5] == expected, "import: each bad row is named, with its line and reason",
              p.stderr)
        check(lines[-2:] == ["okr: error: 4 of 5 rows cannot be imported; nothing was written",
                             "  hint: fix those rows and run the import again"],
              "import: the summary says nothing was written", p.stderr)

        # A malformed CSV names its line.
        w.write("broken.csv", "ref,date,value\neco.launch,2026-11-23\n")
        p = w.run("import", "broken.csv")
        check(p.returncode == 2 and "broken.csv:2: row 1 has 2 fields, the header has 3" in p.stderr,
              "import: a row with too few fields names its line", p.stderr)

        # JSON on standard input.
        before = w.snapshot()
        rows = [{"ref": "csat", "date": "2026-11-23", "value": 93, "note": "from BI"},
                {"ref": "okr/eco.launch", "date": "-1d", "value": "2 products", "confidence": 0.9}]
        p = w.run("import", "-", stdin=json.dumps(rows))
        check(p.returncode == 0, "import: JSON from standard input", p.stderr)
        after = w.snapshot()
        check('{ date = 2026-11-23, value = 93, note = "from BI" }' in after["okr.toml"] and
              "{ date = 2026-11-22, value = 2, confidence = 0.9 }" in after["okr.toml"],
              "import: JSON rows, a relative date and a value with its unit", after["okr.toml"])

        # --dry-run prints the diffs and writes nothing.
        before = w.snapshot()
        p = w.run("import", "in.csv", "--dry-run")
        check(p.returncode == 0 and "+++ b/okr.toml" in p.stdout and "+++ b/teams/web.toml" in p.stdout,
              "import --dry-run: the diff of each file", p.stdout + p.stderr)
        check(w.snapshot() == before, "import --dry-run: writes nothing")

        # --format json: each check-in with its file and line.
        p = w.run("--format", "json", "import", "in.csv")
        doc = json.loads(p.stdout)
        first = doc["written"][0]
        line = w.read("okr.toml").splitlines()[first["line"] - 1]
        check(first["action"] == "checkin" and first["ref"] == "okr/eco.launch" and
              first["values"] == {"date": "2026-11-20", "value": 2, "confidence": 0.7,
                                  "note": "shipped, finally"} and
              "2026-11-20" in line and doc["files"] == ["okr.toml", "teams/web.toml"],
              "import --format json: what was written and where", p.stdout)

        # A held lock on one file: nothing is written to the other either.
        before = w.snapshot()
        # (The lock is an flock on the lock file; the pid inside only names the holder.)
        with open(w.path("teams/web.toml.lock"), "w") as f:
            f.write(f"{os.getpid()}\n")
            f.flush()
            fcntl.flock(f, fcntl.LOCK_EX)
            p = w.run("import", "in.csv", env=w.env(OKR_LOCK_TIMEOUT="0.2"))
        os.unlink(w.path("teams/web.toml.lock"))
        check(p.returncode == 4 and w.snapshot() == before,
              "import: a lock held on one file means no file is written", p.stderr)
    finally:
        w.cleanup()


SOURCES = """
[[kpi]]
id = "good"
title = "Good"
min = 1
source = "cat value.txt"

[[kpi]]
id = "pct"
title = "With unit"
unit = "%"
min = 1
source = "echo '97.5 %'"
"""


def source_kpi(kpi_id, command, unit=""):
    unit_line = f'unit = "{unit}"\n' if unit else ""
    return f'\n[[kpi]]\nid = "{kpi_id}"\ntitle = "{kpi_id}"\n{unit_line}min = 1\nsource = {json.dumps(command)}\n'


def test_pull():
    bad = (source_kpi("hang", "sleep 30") + source_kpi("fails", "echo 3; echo 'no database' >&2; exit 2") +
           source_kpi("silent", "true") + source_kpi("garbage", "echo 'about twelve'") +
           source_kpi("huge", "yes 1") + source_kpi("unit", "echo 12 kg", "ms") +
           source_kpi("stdin", "cat; echo 5"))
    w = Workspace(SOURCES + bad)
    try:
        w.write("value.txt", "41\n")
        before = w.snapshot()
        p = w.run("pull")
        check(p.returncode == 2, "pull: untrusted sources are refused (exit 2)", p.returncode)
        check("9 KPI sources are new or changed since `okr trust`; nothing was run" in p.stderr and
              "okr.toml:40: okr/good: source = cat value.txt" in p.stderr and
              "run `okr trust`" in p.stderr,
              "pull: lists the untrusted sources and points to `okr trust`", p.stderr)
        check(w.snapshot() == before, "pull: nothing written while untrusted")

        p = w.run("trust")
        check(p.returncode == 0 and "okr/good (new)" in p.stdout and "cat value.txt" in p.stdout,
              "trust: lists each source it approves", p.stdout + p.stderr)
        store = os.path.join(w.home, "data", "okr", "trust")
        check(os.path.isfile(store), "trust: the store is in $XDG_DATA_HOME/okr", store)
        check(sorted(os.listdir(os.path.dirname(store))) == ["trust"],
              "trust: no lock or temporary file is left beside the store",
              os.listdir(os.path.dirname(store)))
        check(oct(os.stat(os.path.dirname(store)).st_mode & 0o777) == "0o700",
              "trust: the store's folder is private")

        start = time.monotonic()
        p = w.run("pull", "--timeout", "1")
        took = time.monotonic() - start
        check(p.returncode == 1, "pull: failing sources make exit 1", p.returncode)
        check(took < 10, f"pull: a hanging source is stopped at the timeout ({took:.1f} s)")
        text = w.read("okr.toml")
        check("{ date = 2026-11-23, value = 41 }" in text,
              "pull: a source's value, read in the file's folder, is recorded", text)
        check("{ date = 2026-11-23, value = 97.5 }" in text,
              "pull: a value with the KPI's unit is recorded")
        check("{ date = 2026-11-23, value = 5 }" in text,
              "pull: standard input is closed (cat ends at once)")
        err = p.stderr
        for what, message in [
            ("hang", "okr/hang: its source was still running after 1 s; it was stopped"),
            ("exit non-zero", "okr/fails: its source failed with exit code 2: no database"),
            ("nothing", "okr/silent: its source printed nothing"),
            ("garbage", 'okr/garbage: its source\'s output: expected a number, found "about twelve"'),
            ("megabytes", "okr/huge: its source printed more than 4096 bytes; it was stopped"),
            ("wrong unit", 'okr/unit: its source\'s output: expected a value in ms, found "12 kg"'),
        ]:
            check(message in err, f"pull: a source that fails ({what}) is reported", err)
        check("okr: 6 of 9 sources failed; the others were recorded" in err,
              "pull: the count of failures", err)
        for kpi in ("hang", "fails", "silent", "garbage", "huge", "unit"):
            block = text.split(f'id = "{kpi}"')[1].split("[[kpi]]")[0]
            check("checkins" not in block, f"pull: nothing recorded for {kpi}", block)

        # A source changed after trust is refused, and nothing runs.
        w.write("okr.toml", w.read("okr.toml").replace('source = "cat value.txt"',
                                                       'source = "cat value.txt; touch pwned"'))
        before = w.snapshot()
        p = w.run("pull", "good")
        check(p.returncode == 2 and "1 KPI source is new or changed" in p.stderr and
              "okr/good: source = cat value.txt; touch pwned" in p.stderr,
              "pull: a source changed after trust is refused", p.stderr)
        check(not os.path.exists(w.path("pwned")) and w.snapshot() == before,
              "pull: the changed source did not run")
        p = w.run("trust")
        p = w.run("pull", "good", "pct")
        check(p.returncode == 0 and os.path.exists(w.path("pwned")),
              "pull: named KPIs run once trusted again", p.stderr)

        # Nothing is due any more: the KPIs without a frequency have a check-in today. The file
        # `pwned` that the source names exists now, so the source has changed: trust it again.
        w.run("trust")
        p = w.run("pull", "good")
        check(p.returncode == 0, "pull: a named KPI runs even when not due", p.stderr)
        p = w.run("-q", "trust", "--revoke")
        p = w.run("pull", "good")
        check(p.returncode == 2, "trust --revoke: nothing is trusted any more", p.stderr)

        p = w.run("pull", "csat")
        check(p.returncode == 2 and "okr/csat has no source to pull from" in p.stderr,
              "pull: a named KPI without a source is a usage error", p.stderr)
    finally:
        w.cleanup()


def test_never_runs():
    marker = "/tmp/okr-source-ran-" + str(os.getpid())
    w = Workspace(source_kpi("spy", f"touch {marker}; echo 1"))
    try:
        # Every report of the command table in every format (`diff` compares git revisions),
        # then the other commands that read the file.
        reports = commands_of_okr.report_cases(OKR, {"log": [["spy"]], "explain": [["spy"]], "diff": []})
        commands = [["--format", f] + r for r in reports for f in ("table", "json", "csv", "markdown", "html")]
        commands += [
            ["check"], ["check", "--format", "json"], ["check", "--format", "github"],
            ["__complete", "refs", ""], ["__complete", "kpis", ""], ["completion", "bash"],
            ["checkin", "spy", "3", "--dry-run"], ["set", "spy", "min", "2"], ["drop", "spy"],
        ]
        for args in commands:
            w.run(*args)
        w.run("trust")  # trusting runs nothing either
        check(not os.path.exists(marker), "no command but pull runs a source: " +
              ", ".join(" ".join(c) for c in commands) + ", trust")
        w.run("pull", "spy")
        check(os.path.exists(marker), "pull runs it (the marker works)")
    finally:
        if os.path.exists(marker):
            os.unlink(marker)
        w.cleanup()


if WHAT in ("import", "all"):
    test_import()
if WHAT in ("pull", "all"):
    test_pull()
if WHAT in ("never-runs", "all"):
    test_never_runs()
print(f"{failures} failed")
sys.exit(1 if failures else 0)
