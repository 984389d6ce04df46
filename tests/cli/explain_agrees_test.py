#!/usr/bin/env python3
"""`okr explain` agrees with `okr status` on every key result, objective and KPI of the bundled
examples, on several dates: before, during and after the quarter.

explain re-derives each number step by step from the file; status takes it from the
evaluation. Any difference between the two is a bug in one of them.

Usage: explain_agrees_test.py OKR        (run from the repository root)
"""
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/cli
import okrtest  # noqa: E402

WORKSPACES = ["examples/personal/okr.toml", "examples/team"]
DATES = ["2026-09-15", "2026-10-20", "2026-11-23", "2026-12-31", "2027-01-05"]


def run(okr, *args):
    p = okrtest.run(okr, *args, cwd=okrtest.ROOT)
    if p.returncode != 0:
        sys.exit(f"okr {' '.join(args)} exited {p.returncode}: {p.stderr}")
    return json.loads(p.stdout)


def same(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(a - b) < 1e-9
    return a == b


def main():
    okr = sys.argv[1]
    checked, problems = 0, []
    for ws in WORKSPACES:
        for date in DATES:
            status = run(okr, "-f", ws, "--as-of", date, "--cycle", "all", "--format", "json", "status")
            items = []
            for o in status["objectives"]:
                items.append((o["ref"], o, ["score", "status", "band", "confidence"]))
                for kr in o["key_results"]:
                    items.append((kr["ref"], kr, ["current", "progress", "score", "status", "band",
                                                  "confidence", "forecast", "forecast_value"]))
            for k in status["kpis"]:
                items.append((k["ref"], k, ["value", "health", "stale"]))
            for ref, shown, keys in items:
                explained = run(okr, "-f", ws, "--as-of", date, "--format", "json", "explain", ref)
                checked += 1
                for key in keys:
                    if not same(shown[key], explained["result"][key]):
                        problems.append(f"{ws} {date} {ref}: {key} is {shown[key]!r} in status, "
                                        f"{explained['result'][key]!r} in explain")
    for p in problems:
        print(p)
    print(f"{checked} items compared, {len(problems)} disagreements")
    return 1 if problems or checked < 100 else 0


if __name__ == "__main__":
    sys.exit(main())
