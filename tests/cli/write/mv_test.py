#!/usr/bin/env python3
"""`okr mv` and `okr rm` on a copy of the team example: every reference rewritten, each file
named, nothing written on a refusal, --dry-run shows each file's diff.

    mv_test.py OKR
"""
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/cli
import okrtest  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
TEAM = os.path.join(HERE, "..", "..", "..", "examples", "team")
OKR = os.path.abspath(sys.argv[1])
FAILURES = []


def run(cwd, *args):
    return okrtest.run(OKR, *args, cwd=cwd, env=okrtest.environment(cwd))


def snapshot(d):
    out = {}
    for root, _, files in os.walk(d):
        for f in files:
            p = os.path.join(root, f)
            with open(p, encoding="utf-8") as fh:
                out[os.path.relpath(p, d)] = fh.read()
    return out


def changed(before, after):
    return sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))


def check(name, cond, detail):
    print(("ok   " if cond else "FAIL ") + name)
    if not cond:
        FAILURES.append(f"{name}: {detail}")


def case(fn):
    tmp = tempfile.mkdtemp(prefix="okr-mv-")
    d = os.path.join(tmp, "team")
    shutil.copytree(TEAM, d)
    try:
        fn(d)
    finally:
        shutil.rmtree(tmp)


def test_mv_kpi_rewrites_every_reference(d):
    before = snapshot(d)
    p = run(d, "mv", "company/csat", "satisfaction")
    after = snapshot(d)
    check("mv kpi exit", p.returncode == 0, p.stderr)
    check("mv kpi output", p.stdout == "company/csat -> company/satisfaction\nchanged okr.toml\n"
          "changed teams/growth.toml\n", p.stdout)
    check("mv kpi files", changed(before, after) == ["okr.toml", "teams/growth.toml"],
          changed(before, after))
    growth = after["teams/growth.toml"]
    check("mv kpi refs", 'kpis = ["company/satisfaction"]' in growth and
          'kpi = "company/satisfaction"' in growth and "company/csat" not in growth, growth)
    check("mv kpi bare ref", 'kpis = ["satisfaction", "churn"]' in after["okr.toml"], after["okr.toml"])
    check("mv kpi valid", run(d, "check").returncode in (0, 1), run(d, "check").stdout)
    s = run(d, "status", "growth/first-week")
    check("mv kpi still resolves", "unresolved" not in s.stdout and s.returncode == 0, s.stdout)


def test_mv_objective_rewrites_parents(d):
    before = snapshot(d)
    p = run(d, "mv", "company/grow", "growth")
    after = snapshot(d)
    check("mv objective exit", p.returncode == 0, p.stderr)
    check("mv objective files", changed(before, after) == ["okr.toml", "teams/growth.toml"],
          changed(before, after))
    check("mv objective parents", after["teams/growth.toml"].count('parent = "company/growth"') == 2,
          after["teams/growth.toml"])


def test_mv_dry_run_writes_nothing(d):
    before = snapshot(d)
    p = run(d, "mv", "company/csat", "satisfaction", "--dry-run")
    check("dry-run unchanged", snapshot(d) == before, "files changed")
    check("dry-run diffs", p.stdout.count("--- a/") == 2 and "+++ b/teams/growth.toml" in p.stdout
          and '+kpis = ["company/satisfaction"]' in p.stdout, p.stdout)


def test_mv_refuses_a_taken_id(d):
    before = snapshot(d)
    p = run(d, "mv", "company/csat", "churn")
    check("taken exit", p.returncode == 2, p.stderr)
    check("taken message", 'NEW-ID: "churn" is already used by another KPI there' in p.stderr, p.stderr)
    check("taken unchanged", snapshot(d) == before, "files changed")


def test_set_id_points_to_mv(d):
    p = run(d, "set", "company/csat", "id", "satisfaction")
    check("set id exit", p.returncode == 2, p.stderr)
    check("set id hint", "okr mv company/csat satisfaction" in p.stderr and
          "teams/growth.toml:" in p.stderr, p.stderr)


def test_rm_refuses_while_referenced(d):
    before = snapshot(d)
    p = run(d, "rm", "company/csat")
    check("rm referenced exit", p.returncode == 2, p.stderr)
    check("rm referenced lists", "teams/growth.toml:" in p.stderr and "okr.toml:" in p.stderr, p.stderr)
    check("rm referenced unchanged", snapshot(d) == before, "files changed")


def test_rm_deletes_an_item(d):
    before = snapshot(d)
    p = run(d, "rm", "growth/activation.referrals")
    after = snapshot(d)
    check("rm exit", p.returncode == 0, p.stderr)
    check("rm files", changed(before, after) == ["teams/growth.toml"], changed(before, after))
    check("rm gone", 'id = "referrals"' not in after["teams/growth.toml"], after["teams/growth.toml"])
    check("rm valid", run(d, "check").returncode in (0, 1), "")


def test_json(d):
    p = run(d, "--format", "json", "mv", "company/csat", "satisfaction")
    check("json mv exit", p.returncode == 0, p.stderr)
    doc = json.loads(p.stdout)
    first = doc["written"][0]
    check("json mv renamed first", first["action"] == "mv" and first["file"] == "okr.toml" and
          first["ref"] == "company/satisfaction" and first["values"] == {"id": "satisfaction"} and
          isinstance(first["line"], int) and first["line"] > 0, first)
    refs = {(w["ref"], tuple(w["values"])) for w in doc["written"][1:]}
    check("json mv references", ("growth/first-week", ("kpis",)) in refs and
          all(w["action"] == "mv" and w["line"] for w in doc["written"]), doc["written"])
    check("json mv files", doc["files"] == ["okr.toml", "teams/growth.toml"] and not doc["dry_run"],
          doc)
    dry = json.loads(run(d, "--format", "json", "mv", "growth/activation", "activate",
                         "--dry-run").stdout)
    check("json mv dry run", dry["dry_run"] and "+id = \"activate\"" in dry["diff"], dry)
    p = run(d, "--format", "json", "rm", "growth/activation.referrals")
    doc = json.loads(p.stdout)
    check("json rm", p.returncode == 0 and doc["written"][0]["action"] == "rm" and
          doc["written"][0]["ref"] == "growth/activation.referrals" and
          doc["written"][0]["line"] > 0 and doc["files"] == ["teams/growth.toml"], p.stdout)


for t in [test_json, test_mv_kpi_rewrites_every_reference, test_mv_objective_rewrites_parents,
          test_mv_dry_run_writes_nothing, test_mv_refuses_a_taken_id, test_set_id_points_to_mv,
          test_rm_refuses_while_referenced, test_rm_deletes_an_item]:
    case(t)

if FAILURES:
    print("\n".join(FAILURES))
    sys.exit(1)
