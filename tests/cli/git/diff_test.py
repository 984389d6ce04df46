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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/cli
import okrtest  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TEAM = os.path.join(HERE, "..", "..", "..", "examples", "team")
OKR = os.path.abspath(sys.argv[1])
FAILURES = []
AS_OF = ["--as-of", "2026-11-23"]


def env(home):
    """okr's environment (okrtest), with git's identity: git and okr run with the same one."""
    return okrtest.environment(home, COLUMNS=160, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@x",
                               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@x", GIT_CONFIG_NOSYSTEM=1)


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
    """Every value of BEFORE and AFTER and a check-in's date stay whole at 60, 80 and 120 columns
    and when COLUMNS is unset (output not a terminal: 80), and its confidence from 80 on (at 60
    the detail column goes); refs and titles give way, and no line is wider than the width."""
    changes = json.loads(okr("diff", "--format", "json").stdout)["changes"]
    for columns in [60, 80, 120, ""]:
        table = okr("diff", columns=columns).stdout
        lines = table.splitlines()
        limit = columns or 80
        check(f"{label}: no line wider than {limit}",
              all(width(l) <= limit for l in lines), table)
        for c in changes:
            word = "goalpost!" if c["flagged"] else c["change"]
            rows = [l for l in lines if l.startswith(word + " ")]
            whole = [c["before"], c["after"]] if c["change"] not in ("title", "owner", "renamed") else []
            if c.get("date"):
                whole.append(c["date"])
            if c.get("confidence") is not None and limit >= 80:
                whole.append(f"conf {c['confidence']:g}")
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
        for want in ["growth/activation.activation-rate", "conf 0.8", "company/csat",
                     "goalpost!", "moved while the", "dropped", "growth/enterprise",
                     "sales/pipeline", "removed"]:
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


def completeness():
    """Issue 26: every change has a row; a rename is one row and its check-ins are listed; file
    names with a newline, a leading `-` or quotes are read (NUL-separated), so --exit-code sees
    them."""
    tmp = tempfile.mkdtemp(prefix="okr-diff-all-")
    try:
        d = os.path.join(tmp, "team")
        shutil.copytree(TEAM, d)
        okr = lambda *a: run(d, tmp, OKR, *AS_OF, *a)
        git = lambda *a: run(d, tmp, "git", *a)
        hostile = ["evil\nname.toml", "-lead.toml", "q\"uote's.toml"]
        for i, name in enumerate(hostile):
            with open(os.path.join(d, "teams", name), "w") as f:
                f.write(f'namespace = "h{i}"\nowner = "h"\ncycle = "2026-Q4"\n\n[[objective]]\n'
                        f'id = "o"\ntitle = "Hostile {i}"\n\n  [[objective.kr]]\n'
                        f'  id = "k"\n  title = "K"\n  target = 10\n')
        check("hostile names load", okr("status").returncode == 0, okr("status").stderr)
        git("init", "-q", "-b", "main")
        git("add", "-A")
        git("commit", "-q", "-m", "week 1")
        check("hostile names committed: no change", okr("diff", "--exit-code").returncode == 0,
              okr("diff").stdout + okr("diff").stderr)
        for i, name in enumerate(hostile):
            path = os.path.join(d, "teams", name)
            with open(path) as f:
                text = f.read()
            with open(path, "w") as f:
                f.write(text.replace(f"Hostile {i}", f"Changed {i}"))
            changed = okr("diff", "--exit-code", "--format", "json")
            check(f"hostile name {name!r}: --exit-code sees it", changed.returncode == 1,
                  changed.stdout + changed.stderr)
            rows = json.loads(changed.stdout)["changes"] if changed.stdout else []
            check(f"hostile name {name!r}: title row",
                  any(c["change"] == "title" and c["ref"] == f"h{i}/o" and
                      c["before"] == f"Hostile {i}" and c["after"] == f"Changed {i}"
                      for c in rows), rows)
            git("commit", "-q", "-am", f"hostile {i}")
            check(f"hostile name {name!r}: between revisions",
                  okr("diff", "HEAD~1", "HEAD", "--exit-code").returncode == 1, "")

        okr("set", "growth/activation", "title", "Activate more teams")
        okr("set", "growth/activation", "owner", "carol")
        okr("set", "growth/activation", "weight", "2")
        okr("set", "growth/activation", "type", "committed")
        okr("set", "growth/activation.trial-calls", "unit", "meetings")
        okr("set", "growth/activation.trial-calls", "weight", "3")
        okr("set", "growth/activation.trial-calls", "owner", "dan")
        okr("set", "company/csat", "title", "Happy customers")
        mv = okr("mv", "growth/first-week", "week-one")
        check("mv objective", mv.returncode == 0, mv.stderr)
        mv = okr("mv", "growth/week-one.time-to-report", "ttr")
        check("mv kr", mv.returncode == 0, mv.stderr)
        ci = okr("checkin", "growth/week-one.ttr", "30", "--date", "2026-11-23")
        check("checkin on renamed", ci.returncode == 0, ci.stderr)
        mv = okr("mv", "growth/insights-launch", "insights")
        check("mv objective 2", mv.returncode == 0, mv.stderr)
        result = okr("diff", "--format", "json")
        rows = json.loads(result.stdout)["changes"]
        got = {(c["change"], c["ref"], c["before"], c["after"]) for c in rows}
        for want in [("title", "growth/activation", "Turn more sign-ups into active teams",
                      "Activate more teams"),
                     ("owner", "growth/activation", "growth", "carol"),
                     ("weight", "growth/activation", "1", "2"),
                     ("type", "growth/activation", "aspirational", "committed"),
                     ("unit", "growth/activation.trial-calls", "calls", "meetings"),
                     ("weight", "growth/activation.trial-calls", "0.5", "3"),
                     ("title", "company/csat", "Customer satisfaction score", "Happy customers"),
                     ("renamed", "growth/week-one", "growth/first-week", "growth/week-one"),
                     ("renamed", "growth/week-one.ttr", "growth/first-week.time-to-report",
                      "growth/week-one.ttr"),
                     ("renamed", "growth/insights", "growth/insights-launch", "growth/insights")]:
            check(f"diff row {want}", want in got, sorted(got))
        check("diff owner of a KR", any(c["change"] == "owner" and
                                        c["ref"] == "growth/activation.trial-calls" and
                                        c["after"] == "dan" for c in rows), rows)
        check("a KR that follows its objective's owner has no owner row",
              not any(c["change"] == "owner" and c["ref"] == "growth/activation.activation-rate"
                      for c in rows), rows)
        check("renamed check-in listed under the new id",
              any(c["change"] == "checkin" and c["ref"] == "growth/week-one.ttr" and
                  c["value"] == 30 for c in rows), rows)
        check("the KRs of a renamed objective have no rename row of their own",
              not any(c["change"] == "renamed" and c["ref"] == "growth/week-one.satisfaction"
                      for c in rows), rows)
        check("no removal or addition for a rename",
              not any(c["change"] in ("removed", "added") for c in rows), rows)
        table = okr("diff").stdout
        check("table rename row", "growth/first-week -> growth/week-one" in table, table)
        okr("drop", "growth/activation.referrals")
        git("commit", "-q", "-am", "dropped")
        okr("set", "growth/activation.referrals", "status", "active")
        back = json.loads(okr("diff", "--format", "json").stdout)["changes"]
        check("a dropped KR made active again has a row",
              any(c["change"] == "reactivated" and c["ref"] == "growth/activation.referrals"
                  for c in back), back)
    finally:
        shutil.rmtree(tmp)


main()
completeness()
if FAILURES:
    print("\n".join(FAILURES))
    sys.exit(1)
