#!/usr/bin/env python3
"""Measure okr against the spec'd performance targets; used by run.sh.

    measure.py --data DIR --sizes 1,100,1000 --parse-bin PATH
               [--okr PATH] [--runs 5] [--py-runs 5] [--as-of 2026-11-23]
               [--compare]

For each size N it expects the workspace DIR/wsN (made by gen_workspace.py)
and measures:
  - input size: bytes of all *.toml files;
  - `okr -f DIR status --format json --as-of D --cycle all`: median wall time
    of --runs runs (hyperfine when installed, else a timing loop here, after
    one warm-up run) and peak RSS (ru_maxrss of the child, from wait4);
  - the bare toml++ parse: okr_bench_parse DIR --repeat RUNS (median, read +
    parse, measured inside that process);
  - reference_status.py on the same data (median of --py-runs runs);
and prints a table with the ratios and the targets.

--compare also checks that okr's JSON agrees with the reference's on every
objective, KR and KPI (refs, statuses, bands and numbers to 1e-9).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

TARGET_SINGLE_MS = 5.0
TARGET_OKR_OVER_PARSE = 1.0
TARGET_PY_OVER_OKR = 6.0
TARGET_RSS_OVER_INPUT = 3.0


def input_bytes(d: str) -> int:
    total = 0
    for root, dirs, names in os.walk(d):
        dirs[:] = [x for x in dirs if not x.startswith(".")]
        total += sum(os.path.getsize(os.path.join(root, n)) for n in names if n.endswith(".toml"))
    return total


def run_once(cmd: list[str]) -> tuple[float, int, int]:
    """Run cmd with stdout to /dev/null; return (wall ms, peak RSS in KiB, exit status)."""
    with tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)  # the rusage of this child alone
        ms = (time.perf_counter() - t0) * 1000.0
        p.returncode = rc = os.waitstatus_to_exitcode(status)
        if rc != 0:
            err.seek(0)
            sys.stderr.write(err.read()[-2000:].decode(errors="replace"))
    return ms, ru.ru_maxrss, rc


def time_cmd(cmd: list[str], runs: int, warmup: int = 1) -> dict:
    """Median wall time (ms) of `runs` runs and the peak RSS (KiB) seen."""
    rss = 0
    for _ in range(warmup):
        _, r, rc = run_once(cmd)
        rss = max(rss, r)
        if rc != 0:
            return {"error": f"exit {rc}: {shlex.join(cmd)}"}
    hf = shutil.which("hyperfine")
    if hf:
        helptext = subprocess.run([hf, "--help"], capture_output=True, text=True).stdout
        with tempfile.TemporaryDirectory() as td:
            out = os.path.join(td, "hyperfine.json")
            hcmd = [hf, "--runs", str(runs), "--export-json", out, "--style", "none"]
            if "shell=none" in helptext:  # hyperfine >= 1.13: no shell, no correction
                hcmd.append("--shell=none")
            res = subprocess.run(hcmd + [shlex.join(cmd)], stdout=subprocess.DEVNULL)
            if res.returncode != 0:
                return {"error": f"hyperfine failed on: {shlex.join(cmd)}"}
            with open(out) as f:
                data = json.load(f)
        median_ms = data["results"][0]["median"] * 1000.0
        if warmup == 0:
            _, rss, _ = run_once(cmd)
        return {"ms": median_ms, "rss_kb": rss, "tool": "hyperfine"}
    times = []
    for _ in range(runs):
        ms, r, rc = run_once(cmd)
        if rc != 0:
            return {"error": f"exit {rc}: {shlex.join(cmd)}"}
        times.append(ms)
        rss = max(rss, r)
    return {"ms": statistics.median(times), "rss_kb": rss, "tool": "python"}


def parse_bench(parse_bin: str, d: str, runs: int) -> dict:
    res = subprocess.run([parse_bin, d, "--repeat", str(runs)], capture_output=True, text=True)
    if res.returncode != 0:
        return {"error": res.stderr.strip() or f"exit {res.returncode}"}
    kv = dict(item.split("=", 1) for item in res.stdout.split())
    return {"ms": float(kv["elapsed_ms"]), "parse_ms": float(kv["parse_ms"])}


# ---------------------------------------------------------------- compare

def compare(okr_json: dict, ref_json: dict, limit: int = 10) -> list[str]:
    problems: list[str] = []

    def num_eq(a, b) -> bool:
        if a is None or b is None:
            return a is None and b is None
        if isinstance(a, bool) or isinstance(b, bool):
            return a == b
        return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)

    def check(where: str, a: dict, b: dict, keys_num, keys_eq):
        for k in keys_num:
            if k not in a:
                problems.append(f"{where}: okr lacks key {k!r}")
            elif not num_eq(a[k], b.get(k)):
                problems.append(f"{where}: {k} okr={a[k]!r} reference={b.get(k)!r}")
        for k in keys_eq:
            if k not in a:
                problems.append(f"{where}: okr lacks key {k!r}")
            elif a[k] != b.get(k):
                problems.append(f"{where}: {k} okr={a[k]!r} reference={b.get(k)!r}")

    for k in ("schema_version", "as_of", "cycle", "objectives", "kpis"):
        if k not in okr_json:
            problems.append(f"top level: okr lacks key {k!r}")
    ref_objs = {o["ref"]: o for o in ref_json["objectives"]}
    okr_objs = {o.get("ref"): o for o in okr_json.get("objectives", [])}
    if set(ref_objs) != set(okr_objs):
        problems.append(f"objectives differ: {len(set(ref_objs) - set(okr_objs))} missing, "
                        f"{len(set(okr_objs) - set(ref_objs))} extra")
    for ref, ro in ref_objs.items():
        oo = okr_objs.get(ref)
        if oo is None:
            continue
        check(ref, oo, ro, ["score"], ["title", "owner", "type", "status", "band"])
        rkrs = {k["ref"]: k for k in ro["key_results"]}
        okrs = {k.get("ref"): k for k in oo.get("key_results", [])}
        if set(rkrs) != set(okrs):
            problems.append(f"{ref}: key results differ: okr {sorted(okrs)} reference {sorted(rkrs)}")
        for kref, rk in rkrs.items():
            ok = okrs.get(kref)
            if ok is not None:
                check(kref, ok, rk, ["start", "target", "current", "progress", "score", "confidence", "forecast"],
                      ["title", "unit", "status", "last_checkin"])
        if len(problems) > limit:
            break
    rk = {k["ref"]: k for k in ref_json["kpis"]}
    ok_ = {k.get("ref"): k for k in okr_json.get("kpis", [])}
    if set(rk) != set(ok_):
        problems.append(f"kpis differ: {len(set(rk) - set(ok_))} missing, {len(set(ok_) - set(rk))} extra")
    for ref, r in rk.items():
        o = ok_.get(ref)
        if o is not None:
            check(ref, o, r, ["value", "min", "max"], ["title", "health", "stale"])
    return problems


# ---------------------------------------------------------------- report

def fmt_ms(x) -> str:
    if x is None:
        return "n/a"
    return f"{x:.2f}" if x < 10 else f"{x:.1f}" if x < 1000 else f"{x:.0f}"


def fmt_ratio(x) -> str:
    return "n/a" if x is None else f"{x:.2f}"


def fmt_bytes(n: int) -> str:
    for unit, div in (("MB", 1e6), ("kB", 1e3)):
        if n >= div:
            return f"{n / div:.1f} {unit}"
    return f"{n} B"


def verdict(ok) -> str:
    return "n/a" if ok is None else ("PASS" if ok else "FAIL")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="okr benchmark driver (see README.md)")
    ap.add_argument("--data", required=True, help="directory holding ws1, ws100, ...")
    ap.add_argument("--sizes", default="1,100,1000")
    ap.add_argument("--okr", default=None, help="okr binary (omit to skip the okr columns)")
    ap.add_argument("--parse-bin", required=True, help="okr_bench_parse binary")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--py-runs", type=int, default=5)
    ap.add_argument("--as-of", default="2026-11-23")
    ap.add_argument("--compare", action="store_true", help="also compare okr's JSON with the reference's")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    ref_script = os.path.join(HERE, "reference_status.py")

    rows = []
    failures = []
    for n in sizes:
        d = os.path.join(args.data, f"ws{n}")
        row = {"files": n, "bytes": input_bytes(d)}
        print(f"[{n} files] measuring ...", file=sys.stderr, flush=True)
        okr_cmd = None
        if args.okr:
            okr_cmd = [args.okr, "-f", d, "status", "--format", "json", "--as-of", args.as_of, "--cycle", "all"]
            r = time_cmd(okr_cmd, args.runs)
            if "error" in r:
                failures.append(f"okr, {n} files: {r['error']}")
            else:
                row["okr_ms"], row["okr_rss_kb"], row["tool"] = r["ms"], r["rss_kb"], r["tool"]
        p = parse_bench(args.parse_bin, d, args.runs)
        if "error" in p:
            failures.append(f"okr_bench_parse, {n} files: {p['error']}")
        else:
            row["parse_ms"] = p["ms"]
        py_cmd = [sys.executable, ref_script, d, "--as-of", args.as_of, "--cycle", "all"]
        r = time_cmd(py_cmd, args.py_runs, warmup=0)
        if "error" in r:
            failures.append(f"reference, {n} files: {r['error']}")
        else:
            row["py_ms"], row["py_rss_kb"] = r["ms"], r["rss_kb"]
        if args.compare and "okr_ms" in row:
            with tempfile.TemporaryDirectory() as td:
                paths = {}
                for name, cmd in (("okr", okr_cmd), ("ref", py_cmd)):
                    paths[name] = os.path.join(td, name + ".json")
                    with open(paths[name], "wb") as f:
                        subprocess.run(cmd, stdout=f, check=True)
                try:
                    oj = json.load(open(paths["okr"]))
                    problems = compare(oj, json.load(open(paths["ref"])))
                except json.JSONDecodeError as e:
                    problems = [f"okr's output is not JSON: {e}"]
            row["compare"] = "agrees" if not problems else f"{len(problems)}+ differences"
            for msg in problems[:10]:
                print(f"  compare ({n} files): {msg}", file=sys.stderr)
        rows.append(row)

    for row in rows:
        o, p, y = row.get("okr_ms"), row.get("parse_ms"), row.get("py_ms")
        row["okr_over_parse"] = o / p if o is not None and p else None
        row["py_over_okr"] = y / o if o and y is not None else None
        row["rss_over_input"] = row["okr_rss_kb"] * 1024 / row["bytes"] if "okr_rss_kb" in row else None

    headers = ["files", "input", "okr ms", "okr RSS", "parse ms", "python ms", "okr/parse", "python/okr",
               "RSS/input"]
    table = []
    for row in rows:
        table.append([
            str(row["files"]), fmt_bytes(row["bytes"]), fmt_ms(row.get("okr_ms")),
            fmt_bytes(row["okr_rss_kb"] * 1024) if "okr_rss_kb" in row else "n/a",
            fmt_ms(row.get("parse_ms")), fmt_ms(row.get("py_ms")),
            fmt_ratio(row["okr_over_parse"]), fmt_ratio(row["py_over_okr"]), fmt_ratio(row["rss_over_input"]),
        ])
    widths = [max(len(h), *(len(r[i]) for r in table)) for i, h in enumerate(headers)]
    line = "  ".join(h.rjust(w) for h, w in zip(headers, widths))
    print()
    print(f"okr status --format json --as-of {args.as_of} --cycle all   (median of {args.runs} runs; "
          f"python: {args.py_runs}; timer: {rows[0].get('tool', 'python') if rows else '-'})")
    print(line)
    print("-" * len(line))
    for r in table:
        print("  ".join(c.rjust(w) for c, w in zip(r, widths)))
    print()
    print("  okr ms     wall time of the okr process (start-up, load, compute, JSON out)")
    print("  parse ms   okr_bench_parse: read + toml::parse of every file, one thread, in-process")
    print("  python ms  reference_status.py (tomllib + the same arithmetic)")
    print("  RSS/input  peak resident set of okr / bytes of the input files")

    # Targets: the single-file one on the smallest workspace, the others on the largest.
    small = next((r for r in rows if r["files"] == 1), None)
    large = max(rows, key=lambda r: r["files"]) if rows else None
    checks = []
    if small is not None:
        v = small.get("okr_ms")
        checks.append((f"single file: okr < {TARGET_SINGLE_MS:g} ms", fmt_ms(v) + " ms" if v is not None else "n/a",
                       None if v is None else v < TARGET_SINGLE_MS))
    if large is not None:
        tag = f"{large['files']} files"
        v = large["okr_over_parse"]
        checks.append((f"{tag}: okr / toml++ parse <= {TARGET_OKR_OVER_PARSE:g}", fmt_ratio(v),
                       None if v is None else v <= TARGET_OKR_OVER_PARSE))
        v = large["py_over_okr"]
        checks.append((f"{tag}: python / okr >= {TARGET_PY_OVER_OKR:g}", fmt_ratio(v),
                       None if v is None else v >= TARGET_PY_OVER_OKR))
        v = large["rss_over_input"]
        checks.append((f"{tag}: peak RSS / input < {TARGET_RSS_OVER_INPUT:g}", fmt_ratio(v),
                       None if v is None else v < TARGET_RSS_OVER_INPUT))
    print()
    print("targets")
    w = max((len(c[0]) for c in checks), default=0)
    for name, value, ok in checks:
        print(f"  {name.ljust(w)}  {value.rjust(9)}  {verdict(ok)}")
    if any("compare" in r for r in rows):
        print()
        for r in rows:
            if "compare" in r:
                print(f"  JSON vs reference, {r['files']} files: {r['compare']}")
    if failures:
        print()
        for f in failures:
            print(f"error: {f}")
    if not args.okr:
        print("\n(no okr binary: okr columns skipped)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
