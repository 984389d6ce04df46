#!/usr/bin/env python3
"""`okr diff` with real git: the team example committed, then changed (SPEC §12).

    diff_test.py OKR
"""
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TEAM = os.path.join(HERE, "..", "..", "..", "examples", "team")
OKR = os.path.abspath(sys.argv[1])
FAILURES = []
AS_OF = ["--as-of", "2026-11-23"]


def env(home):
    e = dict(os.environ)
    e.update({"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
              "GIT_COMMITTER_EMAIL": "t@x", "GIT_CONFIG_NOSYSTEM": "1", "HOME": home,
              "LANG": "C.UTF-8", "TZ": "UTC", "NO_COLOR": "1", "COLUMNS": "160", "OKR_CACHE": "off"})
    e.pop("OKR_FILE", None)
    return e


def run(cwd, home, *args, columns=None):
    e = env(home)
    if columns is not None:
        if columns:
            e["COLUMNS"] = str(columns)
        else:
            e.pop("COLUMNS")
    return subprocess.run(list(args), cwd=cwd, env=e, capture_output=True, text=True,
                          timeout=60)


def width(line):
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def check_never_cut(okr, label):
    """Every value of BEFORE, AFTER and DETAIL's facts stays whole at 80 and 120 columns
    and when COLUMNS is unset (output not a terminal: 80); titles and refs give way."""
    changes = json.loads(okr("diff", "--format", "json").stdout)["changes"]
    for columns in [80, 120, ""]:
        table = okr("diff", columns=columns).stdout
        lines = table.splitlines()
        limit = columns or 80
        check(f"{label}: no line wider than {limit}",
              all(width(l) <= limit for l in lines), table)
        for c in changes:
            rows = [l for l in lines if l.startswith(c["change"] + " ")
                    or l.startswith("goalpost moved! ")]
            whole = [c["before"], c["after"]] if c["change"] not in ("title", "owner", "renamed") else []
            if c.get("date"):
                whole.append(c["date"])
            if c.get("confidence") is not None:
                whole.append(f"confidence {c['confidence']:g}")
            for value in whole:
                if value:
                    check(f"{label}: {c['change']} {c['ref']} shows {value!r} whole at {limit}",
                          any(value in l for l in rows), table)


def check(name, cond, detail=""):
    print(("ok   " if cond else "FAIL ") + name)
    if not cond:
        FAILURES.append(f"{name}: {detail}")


def main():
    tmp = tempfile.mkdtemp(prefix="okr-diff-")
    try:
        outside = run(tmp, tmp, OKR, "-f", os.path.join(TEAM, "okr.toml"), "diff")
        check("outside git exit", outside.returncode == 2, outside.stderr)
        check("outside git message", "not inside a git repository" in outside.stderr, outside.stderr)

        d = os.path.join(tmp, "team")
        shutil.copytree(TEAM, d)
        okr = lambda *a, columns=None: run(d, tmp, OKR, *AS_OF, *a, columns=columns)
        git = lambda *a: run(d, tmp, "git", *a)
        git("init", "-q", "-b", "main")
        git("add", "-A")
        git("commit", "-q", "-m", "week 1")

        same = okr("diff", "--exit-code")
        check("no change exit", same.returncode == 0, same.stdout + same.stderr)
        check("no change text", "No change in the goals." in same.stdout, same.stdout)

        okr("checkin", "growth/activation.activation-rate", "31", "--date", "2026-11-23",
            "--confidence", "0.8", "--note", "new onboarding email")
        okr("checkin", "company/csat", "84", "--date", "2026-11-23")
        okr("set", "growth/activation.trial-calls", "target", "100")
        okr("drop", "growth/first-week.time-to-report")
        okr("add", "objective", "Win the enterprise segment", "--id", "enterprise",
            "--in", "teams/growth.toml")
        # A file added through an include: a new team file; and one removed.
        with open(os.path.join(d, "teams", "sales.toml"), "w") as f:
            f.write('title = "Sales"\nowner = "sales"\ncycle = "2026-Q4"\n\n[[objective]]\n'
                    'id = "pipeline"\ntitle = "Build the pipeline"\n\n  [[objective.kr]]\n'
                    '  id = "deals"\n  title = "Close 10 deals"\n  target = 10\n')
        removed = sorted(os.listdir(os.path.join(d, "people")))[0]
        os.remove(os.path.join(d, "people", removed))

        table = okr("diff")
        check("diff exit", table.returncode == 0, table.stderr)
        out = table.stdout
        for want in ["growth/activation.activation-rate", "confidence 0.8", "company/csat",
                     "goalpost moved!", "dropped", "growth/enterprise", "sales/pipeline",
                     "removed"]:
            check(f"table shows {want}", want in out, out)

        okr("checkin", "growth/activation.activation-rate", "4.2", "--date", "2026-11-23",
            "--confidence", "0.55", "--note", "a long note that explains what went on this week")
        check_never_cut(okr, "week 1")

        changed = okr("diff", "--exit-code")
        check("exit-code 1", changed.returncode == 1, changed.stderr)

        data = json.loads(okr("diff", "--format", "json").stdout)
        changes = data["changes"]
        kinds = {(c["change"], c["ref"]) for c in changes}
        check("json checkin", ("checkin", "growth/activation.activation-rate") in kinds, kinds)
        checkin = [c for c in changes if c["change"] == "checkin" and c["ref"] == "growth/activation.activation-rate"][0]
        check("json checkin data", checkin["value"] == 31 and checkin["confidence"] == 0.8
              and checkin["note"] == "new onboarding email" and checkin["date"] == "2026-11-23", checkin)
        goal = [c for c in changes if c["change"] == "goalpost"]
        check("json goalpost", len(goal) == 1 and goal[0]["flagged"] and goal[0]["before"] == "0 -> 120"
              and goal[0]["after"] == "0 -> 100", goal)
        check("json dropped", ("dropped", "growth/first-week.time-to-report") in kinds, kinds)
        check("json added", ("added", "growth/enterprise") in kinds and ("added", "sales/pipeline") in kinds, kinds)
        check("json removed", any(c["change"] == "removed" for c in changes), kinds)
        check("json health", ("health", "company/csat") in kinds, kinds)
        check("json score", any(c["change"] == "score" and c["ref"] == "growth/activation" for c in changes), kinds)

        rows = list(csv.reader(io.StringIO(okr("diff", "--format", "csv").stdout)))
        check("csv header", rows[0][:5] == ["section", "kind", "change", "item", "ref"], rows[0])
        check("csv rows", len(rows) == len(changes) + 1, len(rows))
        md = okr("diff", "--format", "markdown")
        check("markdown", md.returncode == 0 and "| Change |" in md.stdout, md.stdout[:300])
        html = okr("diff", "--format", "html")
        check("html", html.returncode == 0 and "<html" in html.stdout and "goalpost moved" in html.stdout, "")

        git("add", "-A")
        git("commit", "-q", "-m", "week 2")
        two = okr("diff", "HEAD~1", "HEAD", "--format", "json")
        check("two revisions", json.loads(two.stdout)["changes"] == changes, two.stdout[:500])
        one = okr("diff", "HEAD~1", "--format", "json")
        check("one revision", json.loads(one.stdout)["changes"] == changes, one.stderr)
        bad = okr("diff", "nope")
        check("unknown revision", bad.returncode == 2 and 'unknown revision "nope"' in bad.stderr, bad.stderr)

        # Closed and carried: the cycle closed with --carry in the working tree.
        closed = okr("close", "2026-Q4", "--carry")
        check("close exit", closed.returncode == 0, closed.stderr)
        after_close = json.loads(okr("diff", "--format", "json").stdout)["changes"]
        kinds = {(c["change"], c["ref"]) for c in after_close}
        check("json closed", ("closed", "growth/activation") in kinds, kinds)
        check("json closed date", any(c["change"] == "closed" and c["after"] == "2026-11-23"
                                      for c in after_close), after_close[:3])
        check("json carried", ("carried", "growth/activation-2027-q1") in kinds, kinds)
        carried = [c for c in after_close if c["ref"] == "growth/activation-2027-q1"][0]
        check("json carried from", carried["before"] == "activation" and carried["after"] == "2027-Q1",
              carried)
        check("carried is not added", ("added", "growth/activation-2027-q1") not in kinds, kinds)
        table = okr("diff").stdout
        check("table closed and carried", "closed" in table and "carried" in table, table)
        check("exit-code after close", okr("diff", "--exit-code").returncode == 1, "")
    finally:
        shutil.rmtree(tmp)


main()
if FAILURES:
    print("\n".join(FAILURES))
    sys.exit(1)
