#!/usr/bin/env python3
"""`okr close` changes no grade (SPEC §10, issue 26): random workspaces, many of their scores on
or beside a band edge (0.7, 0.4) or a cut (0.709 and 0.699), are closed, and every report that
shows a grade (score, status, tree, review, explain and log of every objective and KR, as JSON,
and score, status, tree and review as CSV) must show the same scores and bands, at every level
(KR, objective, owner, overall), after the close as before it. Then a KR whose grade `close`
froze never reads "manual score", and `log OBJ` ends on the grade `score` shows. Every other
workspace is closed with --carry: the closed cycle's reports are still the same, and a carried
objective whose parent was carried too points at the carried parent.

    close_grades_test.py OKR [SEED] [COUNT]
"""
import csv
import io
import json
import os
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/cli
import okrtest  # noqa: E402

OKR = os.path.abspath(sys.argv[1])
SEED = int(sys.argv[2]) if len(sys.argv) > 2 else 26
COUNT = int(sys.argv[3]) if len(sys.argv) > 3 else 12
FAILURES = []
# review's KRs without a recent check-in: a closed objective's are no longer asked for one (as
# `due` and `check` already did), so an early close empties that list; it shows no grade.
SILENT_JSON, SILENT_CSV = "no_recent_checkin", "No check-in for"

# Scores at and around the edges, and some anywhere.
EDGES = [0.7, 0.709, 0.699, 0.6999, 0.7001, 0.4, 0.399, 0.4001, 0.3999, 0.705, 0.695, 1.0,
         0.995, 0.0, 0.5, 0.45, 0.849, 1 / 3, 2 / 3]


def env(home):
    return okrtest.environment(home, COLUMNS=120)


def run(cwd, *args):
    return okrtest.run(OKR, *args, cwd=cwd, env=env(cwd))


def number(x):
    """A value as TOML writes it: a few decimals, as people type them."""
    return repr(round(x, random.choice([0, 1, 2, 3, 4])))


def kr_block(rng, i):
    lines = ["", "  [[objective.kr]]", f'  id = "k{i}"', f'  title = "Key result {i}"']
    kind = rng.random()
    s = rng.choice(EDGES) if rng.random() < 0.7 else rng.random()
    if kind < 0.2:
        lines.append('  type = "milestone"')
        if rng.random() < 0.6:
            lines.append(f"  checkins = [ {{ date = 2026-11-{rng.randint(10, 28)}, "
                         f"value = {rng.choice([0, 1])} }} ]")
    else:
        start = rng.choice([0, 0, 1, 62, 100, 1.5])
        span = rng.choice([1, 2, 10, 3, 7, 1000, -6, -0.3, 2000000])
        target = start + span
        value = start + s * span
        if kind < 0.35:  # written with a few decimals: noise around the edge
            value = round(value, rng.choice([1, 2, 3]))
        lines += [f"  start = {start}", f"  target = {target}"]
        if rng.random() < 0.2:
            lines.append(f"  weight = {rng.choice([0.5, 2, 3, 1.5])}")
        if rng.random() < 0.1:
            # A manual grade, never one the arithmetic gives: `log OBJ` tells a frozen score from
            # a manual one by whether it is the score computed on the day it was graded.
            lines.append(f"  score = {rng.choice([0.654321, 0.7123457, 0.3456789])}")
        dates = sorted(rng.sample(range(2, 29), rng.randint(0, 3)))
        checkins = []
        for n, d in enumerate(dates):
            v = value if n == len(dates) - 1 else start + rng.random() * span
            checkins.append(f"    {{ date = 2026-{rng.choice([10, 11, 12])}-{d:02d}, "
                            f"value = {v!r} }},")
        if checkins:
            # The last one is the latest date.
            checkins[-1] = f"    {{ date = 2026-12-{dates[-1]:02d}, value = {value!r} }},"
            lines += ["  checkins = ["] + checkins + ["  ]"]
    if rng.random() < 0.05:
        lines.append('  status = "dropped"')
    return lines


def workspace(rng, folder):
    files = rng.randint(1, 3)
    names = [f"team{n}" for n in range(files)]
    root = ["[workspace]", 'include = ["teams/*.toml"]', 'owner = "lead"', 'cycle = "2026-Q4"']
    os.makedirs(os.path.join(folder, "teams"))
    with open(os.path.join(folder, "okr.toml"), "w") as f:
        f.write("\n".join(root) + "\n")
    for name in names:
        lines = [f'owner = "{rng.choice(["ana", "bo", "cy"])}"', 'cycle = "2026-Q4"']
        for o in range(rng.randint(1, 4)):
            lines += ["", "[[objective]]", f'id = "o{o}"', f'title = "Objective {o}"']
            if rng.random() < 0.3:
                lines.append(f'owner = "{rng.choice(["ana", "bo", "dee"])}"')
            if rng.random() < 0.2:
                lines.append('type = "committed"')
            if rng.random() < 0.2:
                lines.append(f"weight = {rng.choice([0.5, 2, 3])}")
            if o and rng.random() < 0.4:
                lines.append(f'parent = "o{rng.randrange(o)}"')
            for k in range(rng.randint(1, 4)):
                lines += kr_block(rng, k)
        with open(os.path.join(folder, "teams", name + ".toml"), "w") as f:
            f.write("\n".join(lines) + "\n")


def grades(doc, path=""):
    """Every score and band of a JSON report, by where it is; statuses and notes may change."""
    out = {}
    if isinstance(doc, dict):
        for k, v in doc.items():
            p = f"{path}.{k}"
            if k in ("manual_score", "manual", "frozen_on", "status", "closed", "note", "notes",
                     SILENT_JSON):
                continue
            if isinstance(v, (dict, list)):
                out.update(grades(v, p))
            elif "score" in k or "band" in k or k in ("overall", "grade"):
                out[p] = v
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            # explain's steps by name: a closed objective has one more ("closed").
            at = v["step"] if isinstance(v, dict) and "step" in v else i
            out.update(grades(v, f"{path}[{at}]"))
    return out


def csv_grades(text):
    rows = list(csv.DictReader(io.StringIO(text)))
    return [{k: v for k, v in r.items() if k and ("score" in k or "band" in k)} for r in rows
            if not r.get("section", "").startswith(SILENT_CSV)]


def reports(ws, as_of):
    """Every grade every report shows for the cycle, as of `as_of`."""
    base = ["--as-of", as_of]
    out = {}
    for cmd in ("score", "status", "tree", "review"):
        p = run(ws, *base, cmd, "--cycle", "2026-Q4", "--format", "json")
        out[f"{cmd} json"] = grades(json.loads(p.stdout)) if p.returncode in (0, 1) else p.stderr
        p = run(ws, *base, cmd, "--cycle", "2026-Q4", "--format", "csv")
        out[f"{cmd} csv"] = csv_grades(p.stdout) if p.returncode in (0, 1) else p.stderr
    refs = json.loads(run(ws, *base, "status", "--cycle", "2026-Q4", "--format", "json").stdout)
    for o in refs["objectives"]:
        items = [o["ref"]] + [k["ref"] for k in o["key_results"]]
        for ref in items:
            for cmd in ("explain", "log"):
                p = run(ws, *base, cmd, ref, "--format", "json")
                out[f"{cmd} {ref}"] = (grades(json.loads(p.stdout)) if p.returncode == 0
                                       else p.stderr)
    return out


def check(name, cond, detail=""):
    if not cond:
        FAILURES.append(f"{name}: {detail}")


def one(rng, n, as_of):
    with tempfile.TemporaryDirectory(prefix="okr-close-grades-") as tmp:
        ws = os.path.join(tmp, "ws")
        os.makedirs(ws)
        workspace(rng, ws)
        before = reports(ws, as_of)
        carry = ["--carry"] if n % 2 else []
        p = run(ws, "--as-of", as_of, "close", "2026-Q4", *carry)
        check(f"#{n} close", p.returncode == 0, p.stderr)
        if carry:
            # Carry keeps the tree: a carried objective whose parent was carried too points at
            # the carried parent.
            doc = json.loads(run(ws, "--as-of", as_of, "status", "--cycle", "all", "--format",
                                 "json").stdout)
            parent_of = {o["ref"]: o["parent"] for o in doc["objectives"]}
            carried_to = {o["carried_from"]: o["ref"] for o in doc["objectives"]
                          if o.get("carried_from")}
            for old, new in carried_to.items():
                want = carried_to.get(parent_of.get(old), parent_of.get(old))
                check(f"#{n} parent of {new}", parent_of.get(new) == want,
                      f"{parent_of.get(new)}, want {want}")
        after = reports(ws, as_of)
        for key in before:
            if before[key] != after.get(key):
                b, a = before[key], after.get(key)
                if isinstance(b, dict) and isinstance(a, dict):
                    diff = {k: (b.get(k), a.get(k)) for k in set(b) | set(a) if b.get(k) != a.get(k)}
                else:
                    diff = (b, a)
                check(f"#{n} as of {as_of}: {key}", False, f"before -> after: {diff}")
        p = run(ws, "--as-of", as_of, "score", "--cycle", "2026-Q4")
        check(f"#{n} no manual score after close", "manual score" not in p.stdout, p.stdout)
        # log OBJ ends on the grade `score` shows.
        doc = json.loads(run(ws, "--as-of", as_of, "score", "--cycle", "2026-Q4", "--format",
                             "json").stdout)
        for o in doc["objectives"]:
            if o["score"] is None:
                continue
            log = json.loads(run(ws, "--as-of", as_of, "log", o["ref"], "--format", "json").stdout)
            weeks = log["chain"][-1]["weeks"]
            check(f"#{n} log {o['ref']}", weeks and weeks[-1]["score"] == o["score"],
                  f"log ends at {weeks[-1]['score'] if weeks else None}, score {o['score']}")


def main():
    rng = random.Random(SEED)
    for n in range(COUNT):
        # Most close after the quarter; some close early, graded as of that day.
        one(rng, n, "2027-01-05" if n % 4 else "2026-12-15")
    for f in FAILURES[:20]:
        print("FAIL", f)
    print(f"{COUNT} workspaces, {len(FAILURES)} failures")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
