#!/usr/bin/env python3
"""Measure okr against its performance targets and print one table; run.sh calls it.

    measure.py --data DIR --parse-bin PATH --okr PATH [--sizes 1000,10000] [--runs 5]
               [--cold-runs 1] [--small-runs 100] [--py-runs 1] [--commands status,score,...]
               [--formats table,csv,...] [--judge wall|cpu] [--personal FILE] [--compare]

Each command runs under okr_bench_run (run_one.cpp), which reports its wall time, CPU time and
peak RSS. Every time is the best of N runs (wall and CPU time, user + system, each the least of its runs:
on a busy machine the best of N varies least), every ratio is against a floor measured in the
same run: the toml++ parse of the same files (okr_bench_parse), or, for the growth from 1,000 to
10,000 files, the 1,000-file figure of this run. Peak RSS is ru_maxrss of the okr process (the
largest of its runs). Each okr run's output is read from a pipe, as a script's would be.

Sections (each as far as --sizes, --commands and --formats ask for it):
  floor      okr_bench_parse DIR --repeat N for each size (best run, in-process: read + parse);
  personal   `okr -f FILE status` against `okr_bench_parse FILE`, both as whole processes, run
             in turn --small-runs times each;
  warm       every read command in every format on the 1,000-file workspace, with its cache;
  cold       the same without the cache (OKR_CACHE=off): peak RSS, and time against the floor;
  scale      at each size: cold (empty cache) and warm `status`, completion, `okr checkin` and
             the merge driver; beyond 1,000 files, warm and completion against 1,000 files.
The exit status is 0 when everything ran (whether or not the targets are met), 1 when a
command failed.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

AS_OF = "2026-11-23"
COMMANDS = ["status", "score", "kpi", "review", "tree", "due"]
FORMATS = ["table", "csv", "markdown", "html", "json"]

TARGET_WARM = 0.05         # warm read command / floor (issue 29, item 1)
TARGET_RSS = 2.0           # peak RSS / input bytes (issue 29, item 2)
TARGET_COLD = 1.0          # cold status / floor (SPEC §14, issue 29 item 4)
TARGET_PERSONAL = 1.3      # personal file / bare parse process (issue 29, item 3)
TARGET_SINGLE_MS = 5.0     # a single goal file: okr status in under 5 ms
TARGET_GROWTH = 11.0       # 10x the files: at most 11x the time (issue 29, item 4)
TARGET_MERGE_MS = 100.0    # the merge driver on a 1 MB file (issue 10)
TARGET_ARRAY_MERGE_MS = 1000.0  # one array grown by 200,000 check-ins (issue 25, item 6)
TARGET_ARRAY_MERGE_RSS = 3.0    # its peak RSS, git's included / the three inputs (issue 25, item 6)
TARGET_PY_OVER_OKR = 6.0   # the Python reference / okr


def input_bytes(d: str) -> int:
    if os.path.isfile(d):
        return os.path.getsize(d)
    total = 0
    for root, dirs, names in os.walk(d):
        dirs[:] = [x for x in dirs if not x.startswith(".")]
        total += sum(os.path.getsize(os.path.join(root, n)) for n in names if n.endswith(".toml"))
    return total


class Failed(Exception):
    pass


RUN_BIN = None  # okr_bench_run (run_one.cpp): --run-bin


def run_once(cmd: list[str], env: dict, cwd: str | None = None) -> tuple[float, float, int, bytes]:
    """Run cmd under okr_bench_run, its output read from a pipe; return (wall ms, CPU ms, peak RSS
    KiB, output). Not forked from here: a child's peak RSS would count Python's."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile(prefix="okr-run-") as rep:
        p = subprocess.Popen([RUN_BIN, rep.name, *cmd], stdout=subprocess.PIPE, stderr=err, env=env,
                             cwd=cwd)
        out = p.stdout.read()
        p.stdout.close()
        rc = p.wait()
        kv = dict(item.split("=", 1) for item in open(rep.name).read().split())
        if rc != 0 or not kv:
            err.seek(0)
            raise Failed(f"exit {rc}: {' '.join(cmd)}\n{err.read()[-2000:].decode(errors='replace')}")
    return (int(kv["wall_us"]) / 1000.0, (int(kv["user_us"]) + int(kv["sys_us"])) / 1000.0,
            int(kv["maxrss_kb"]), out)


def wait_writer(cache: str) -> None:
    """A run that parsed many files leaves its entries to a process of its own, which holds a
    shared lock on writing.lock while it writes: wait for it."""
    lock = os.path.join(cache, "writing.lock")
    if os.path.exists(lock):
        with open(lock, "rb") as f:
            fcntl.flock(f, fcntl.LOCK_EX)
            fcntl.flock(f, fcntl.LOCK_UN)


class Measure:
    """Best of N: least wall, least CPU, largest peak RSS."""

    def __init__(self, wall=None, cpu=None, rss_kb=None, runs=0, median_wall=None, median_cpu=None):
        self.wall, self.cpu, self.rss_kb, self.runs = wall, cpu, rss_kb, runs
        self.median_wall, self.median_cpu = median_wall, median_cpu


def best_of(cmd, env, runs, warmup=1, before=None, after=None, cwd=None) -> Measure:
    walls, cpus, rss = [], [], 0
    for i in range(warmup + runs):
        if before:
            before()
        w, c, r, _ = run_once(cmd, env, cwd)
        if after:
            after()
        if i >= warmup:
            walls.append(w)
            cpus.append(c)
            rss = max(rss, r)
    return Measure(min(walls), min(cpus), rss, runs, statistics.median(walls), statistics.median(cpus))


def parse_floor(parse_bin: str, d: str, runs: int) -> Measure:
    res = subprocess.run([parse_bin, d, "--repeat", str(runs)], capture_output=True, text=True)
    if res.returncode != 0:
        raise Failed(f"okr_bench_parse {d}: {res.stderr.strip() or res.returncode}")
    kv = dict(item.split("=", 1) for item in res.stdout.split())
    return Measure(float(kv["min_ms"]), float(kv["cpu_ms"]), None, runs)


# ---------------------------------------------------------------- the table

class Row:
    def __init__(self, name, m: Measure | None, basis=None, time_target=None, rss_input=None,
                 rss_target=None, note="", judge="wall", higher_is_better=False, abs_target_ms=None):
        self.name, self.m, self.note = name, m, note
        self.cells = {}
        self.verdicts = []
        if m is None:
            return
        if basis is not None and basis.wall:
            self.cells["wall_x"] = m.wall / basis.wall
            if basis.cpu and m.cpu is not None:
                self.cells["cpu_x"] = m.cpu / basis.cpu
        if higher_is_better and basis is not None:  # the reference is slower: basis / okr
            self.cells["wall_x"] = basis.wall / m.wall
            self.cells["cpu_x"] = basis.cpu / m.cpu if basis.cpu and m.cpu else None
        self.time_target = time_target
        if time_target is not None and "wall_x" in self.cells:
            x = self.cells["cpu_x" if judge == "cpu" and self.cells.get("cpu_x") else "wall_x"]
            ok = x >= time_target if higher_is_better else x <= time_target
            self.cells["time_v"] = f"{'>=' if higher_is_better else '<='}{time_target:g} {'PASS' if ok else 'FAIL'}"
            self.verdicts.append(ok)
        if abs_target_ms is not None:
            x = m.cpu if judge == "cpu" else m.wall
            ok = x < abs_target_ms
            self.cells["time_v"] = f"<{abs_target_ms:g} ms {'PASS' if ok else 'FAIL'}"
            self.verdicts.append(ok)
        if rss_input and m.rss_kb:
            x = m.rss_kb * 1024 / rss_input
            self.cells["rss_x"] = x
            if rss_target is not None:
                ok = x <= rss_target
                self.cells["rss_v"] = f"<={rss_target:g} {'PASS' if ok else 'FAIL'}"
                self.verdicts.append(ok)


def fmt_ms(x) -> str:
    if x is None:
        return "-"
    return f"{x:.2f}" if x < 10 else f"{x:.1f}" if x < 1000 else f"{x:.0f}"


def fmt_x(x) -> str:
    if x is None:
        return "-"
    return f"{x:.3f}" if x < 1 else f"{x:.2f}" if x < 100 else f"{x:.0f}"


def mb(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n / 1e3:.1f} kB"


def print_table(sections, judge: str) -> tuple[int, int]:
    headers = ["measure", "wall ms", "cpu ms", "RSS MB", "wall x", "cpu x", "time target", "RSS/in",
               "RSS target"]
    lines = []
    passed = failed = 0
    for title, rows in sections:
        lines.append(("title", title))
        for r in rows:
            m = r.m
            if m is None:
                lines.append(("row", [r.name, "-", "-", "-", "-", "-", r.note or "failed", "-", "-"]))
                continue
            c = r.cells
            lines.append(("row", [
                r.name, fmt_ms(m.wall), fmt_ms(m.cpu),
                f"{m.rss_kb * 1024 / 1e6:.1f}" if m.rss_kb else "-",
                fmt_x(c.get("wall_x")), fmt_x(c.get("cpu_x")), c.get("time_v", "-"),
                fmt_x(c.get("rss_x")), c.get("rss_v", "-")]))
            passed += sum(1 for v in r.verdicts if v)
            failed += sum(1 for v in r.verdicts if not v)
    rows_only = [cells for kind, cells in lines if kind == "row"]
    widths = [max(len(h), *(len(r[i]) for r in rows_only)) if rows_only else len(h)
              for i, h in enumerate(headers)]
    head = "  ".join(h.ljust(widths[0]) if i == 0 else h.rjust(widths[i]) for i, h in enumerate(headers))
    print(head)
    print("-" * len(head))
    for kind, v in lines:
        if kind == "title":
            print(v)
        else:
            print("  ".join(c.ljust(widths[0]) if i == 0 else c.rjust(widths[i]) for i, c in enumerate(v)))
    print("-" * len(head))
    print(f"wall x, cpu x: wall time and CPU time (user + system) as a ratio to the section's basis; "
          f"targets judged on {judge} time.")
    print("RSS/in: peak RSS of okr / bytes of the goal files read.")
    return passed, failed


# ---------------------------------------------------------------- the sections

def metric_kr_ref(ws: str) -> tuple[str, str]:
    """A file of the workspace and the reference of a metric KR in it, for `okr checkin`."""
    path = os.path.join(ws, "team0001.toml")
    text = open(path, encoding="utf-8").read()
    obj = None
    for block in re.split(r"\n(?=\[\[objective\]\]|  \[\[objective\.kr\]\])", text):
        m = re.match(r'\[\[objective\]\]\nid = "([^"]+)"', block)
        if m:
            obj = m.group(1)
            continue
        k = re.match(r'  \[\[objective\.kr\]\]\n  id = "([^"]+)"', block)
        if k and obj and "type = " not in block and "kpi = " not in block and "checkins = [\n" in block \
                and 'status = "dropped"' not in block:
            return path, f"team0001/{obj}.{k.group(1)}"
    raise Failed(f"{path}: no metric KR to check in to")


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="okr benchmark driver (see README.md)")
    ap.add_argument("--data", required=True, help="directory holding ws1000, ws10000, ...")
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--okr", required=True)
    ap.add_argument("--parse-bin", required=True, help="okr_bench_parse binary")
    ap.add_argument("--run-bin", required=True, help="okr_bench_run binary")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cold-runs", type=int, default=1)
    ap.add_argument("--small-runs", type=int, default=100)
    ap.add_argument("--py-runs", type=int, default=0)
    ap.add_argument("--commands", default=",".join(COMMANDS))
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--judge", choices=["wall", "cpu"], default="wall")
    ap.add_argument("--personal", default=os.path.join(HERE, "..", "..", "examples", "personal", "okr.toml"))
    ap.add_argument("--compare", action="store_true", help="also compare okr's JSON with the reference's")
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    commands = [c for c in args.commands.split(",") if c]
    formats = [f for f in args.formats.split(",") if f]
    for c in commands:
        if c not in COMMANDS:
            ap.error(f"unknown command {c!r}: one of {','.join(COMMANDS)}")
    for f in formats:
        if f not in FORMATS:
            ap.error(f"unknown format {f!r}: one of {','.join(FORMATS)}")
    okr, judge = args.okr, args.judge
    global RUN_BIN
    RUN_BIN = args.run_bin
    base_env = {k: v for k, v in os.environ.items() if k not in ("OKR_FILE", "OKR_CACHE", "OKR_CACHE_SIZE")}
    base_env["NO_COLOR"] = "1"
    off_env = dict(base_env, OKR_CACHE="off")
    scratch = tempfile.mkdtemp(prefix="okr-bench-", dir=args.data)
    failures: list[str] = []
    sections = []
    t_start = time.time()
    load_before = os.getloadavg()

    def attempt(label, fn):
        print(f"  {label} ...", file=sys.stderr, flush=True)
        try:
            return fn()
        except Failed as e:
            failures.append(f"{label}: {e}")
            return None

    def cache_env(name):
        d = os.path.join(scratch, name)
        os.makedirs(d, exist_ok=True)
        return dict(base_env, OKR_CACHE=d, OKR_CACHE_SIZE="8G"), d

    try:
        floors, inputs = {}, {}
        floor_rows = []
        for n in sizes:
            ws = os.path.join(args.data, f"ws{n}")
            inputs[n] = input_bytes(ws)
            print(f"[floor, {n} files]", file=sys.stderr, flush=True)
            floors[n] = attempt(f"toml++ parse of {n} files",
                                lambda: parse_floor(args.parse_bin, ws, max(3, args.runs) if n <= 1000 else 3))
            floor_rows.append(Row(f"  toml++ parse, {n:,} files ({mb(inputs[n])})", floors[n],
                                  note="failed"))
        sections.append((f"floor: okr_bench_parse, read + parse, one thread, in-process, best of "
                         f"{max(3, args.runs)} (3 beyond 1,000 files)", floor_rows))

        # The personal file: two whole processes, in turn.
        personal = os.path.realpath(args.personal)
        if args.small_runs > 0 and os.path.isfile(personal):
            print("[personal file]", file=sys.stderr, flush=True)
            env, _ = cache_env("personal")
            okr_cmd = [okr, "-f", personal, "status", "--as-of", AS_OF]
            parse_cmd = [args.parse_bin, personal]

            def personal_runs():
                res = {"okr": ([], [], []), "parse": ([], [], [])}
                for i in range(args.small_runs + 3):
                    for name, cmd in (("okr", okr_cmd), ("parse", parse_cmd)):
                        w, c, r, _ = run_once(cmd, env)
                        if i >= 3:  # three warm-up rounds: page cache, the okr cache
                            res[name][0].append(w)
                            res[name][1].append(c)
                            res[name][2].append(r)
                out = {}
                for name, (ws_, cs, rs) in res.items():
                    out[name] = Measure(min(ws_), min(cs), max(rs), len(ws_), statistics.median(ws_),
                                        statistics.median(cs))
                return out
            pr = attempt("personal file", personal_runs)
            rows = []
            if pr:
                p, o = pr["parse"], pr["okr"]
                rows.append(Row("  okr_bench_parse FILE (basis)", p))
                rows.append(Row("  okr -f FILE status, best", o, basis=p, time_target=TARGET_PERSONAL, judge=judge))
                rows.append(Row("  okr -f FILE status, median", Measure(o.median_wall, o.median_cpu, None),
                                basis=Measure(p.median_wall, p.median_cpu), time_target=TARGET_PERSONAL,
                                judge=judge))
                rows.append(Row("  okr -f FILE status, absolute", o, abs_target_ms=TARGET_SINGLE_MS, judge=judge))
            sections.append((f"personal file {os.path.relpath(personal)} ({mb(os.path.getsize(personal))}): "
                             f"whole processes, {args.small_runs} runs each in turn; basis: the parse process",
                             rows))

        # Every read command in every format, warm, then cold, on 1,000 files.
        warm_1k = {}
        if 1000 in sizes and floors.get(1000):
            ws = os.path.join(args.data, "ws1000")
            floor = floors[1000]
            env, cache = cache_env("ws1000")
            print("[1,000 files: warm]", file=sys.stderr, flush=True)
            attempt("priming the cache", lambda: (run_once([okr, "-f", ws, "status", "--as-of", AS_OF], env),
                                                  wait_writer(cache)))
            rows = []
            for c in commands:
                for f in formats:
                    cmd = [okr, "-f", ws, c, "--format", f, "--as-of", AS_OF, "--cycle", "all"]
                    m = attempt(f"warm {c} {f}", lambda: best_of(cmd, env, args.runs))
                    warm_1k[(c, f)] = m
                    rows.append(Row(f"  {c} {f}", m, basis=floor, time_target=TARGET_WARM,
                                    rss_input=inputs[1000], rss_target=TARGET_RSS, judge=judge))
            sections.append((f"1,000 files ({mb(inputs[1000])}), warm (with the cache), best of {args.runs}; "
                             f"basis: the floor, {fmt_ms(floor.wall)} ms", rows))
            print("[1,000 files: cold]", file=sys.stderr, flush=True)
            rows = []
            for c in commands:
                for f in formats:
                    cmd = [okr, "-f", ws, c, "--format", f, "--as-of", AS_OF, "--cycle", "all"]
                    m = attempt(f"cold {c} {f}", lambda: best_of(cmd, off_env, args.cold_runs, warmup=0))
                    rows.append(Row(f"  {c} {f}", m, basis=floor, rss_input=inputs[1000], rss_target=TARGET_RSS,
                                    judge=judge))
            if args.py_runs > 0:
                py_cmd = [sys.executable, os.path.join(HERE, "reference_status.py"), ws, "--as-of", AS_OF,
                          "--cycle", "all"]
                py = attempt("python reference", lambda: best_of(py_cmd, base_env, args.py_runs, warmup=0))
                okr_json = attempt("cold status json", lambda: best_of(
                    [okr, "-f", ws, "status", "--format", "json", "--as-of", AS_OF, "--cycle", "all"],
                    off_env, max(args.cold_runs, 1), warmup=0))
                if py and okr_json:
                    rows.append(Row("  python reference / cold status json", okr_json, basis=py,
                                    time_target=TARGET_PY_OVER_OKR, higher_is_better=True, judge=judge))
                if args.compare:
                    problems = compare_outputs(okr, ws, py_cmd, off_env)
                    rows.append(Row(f"  JSON vs the Python reference: "
                                    f"{'agrees' if not problems else str(len(problems)) + '+ differences'}",
                                    None, note="compared"))
                    for msg in problems[:10]:
                        print(f"  compare: {msg}", file=sys.stderr)
            sections.append((f"1,000 files, cold (OKR_CACHE=off), best of {args.cold_runs}; basis: the floor "
                             f"(the time target is judged on status in the section below)",
                             rows))

        # The scale: each size, with the growth from 1,000 files.
        scale_1k = {}
        merge_done = False
        for n in sizes:
            if not floors.get(n):
                continue
            ws = os.path.join(args.data, f"ws{n}")
            floor = floors[n]
            print(f"[{n} files: scale]", file=sys.stderr, flush=True)
            env, cache = cache_env(f"scale{n}")
            runs = args.runs if n <= 1000 else max(3, min(args.runs, 3))
            cold_runs = args.cold_runs if n <= 1000 else 1
            status_json = [okr, "-f", ws, "status", "--format", "json", "--as-of", AS_OF, "--cycle", "all"]
            status_table = [okr, "-f", ws, "status", "--as-of", AS_OF, "--cycle", "all"]
            old = os.path.join(scratch, f"old{n}")
            os.makedirs(old, exist_ok=True)

            def empty_cache():
                wait_writer(cache)
                if os.path.exists(cache):
                    os.rename(cache, tempfile.mktemp(dir=old))  # removed at the end: ext4 is slow to
                os.makedirs(cache)                              # create files just after removing many
            rows = []
            m = attempt(f"cold status json, {n}", lambda: best_of(status_json, env, cold_runs, warmup=0,
                                                                 before=empty_cache))
            rows.append(Row("  cold status json (empty cache)", m, basis=floor, time_target=TARGET_COLD,
                            rss_input=inputs[n], rss_target=TARGET_RSS, judge=judge))
            attempt("waiting for the cache writer", lambda: wait_writer(cache))
            shutil.rmtree(old, ignore_errors=True)
            m = attempt(f"cold status json off, {n}", lambda: best_of(status_json, off_env, cold_runs, warmup=0))
            rows.append(Row("  cold status json (OKR_CACHE=off)", m, basis=floor, time_target=TARGET_COLD,
                            rss_input=inputs[n], rss_target=TARGET_RSS, judge=judge))
            file_path, kr = metric_kr_ref(ws)
            original = open(file_path, "rb").read()
            stat = os.stat(file_path)

            def restore():
                with open(file_path, "wb") as fh:
                    fh.write(original)
                os.utime(file_path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            measures = {
                "warm status json": (status_json, {}),
                "warm status table": (status_table, {}),
                "completion, prefix team0001/": ([okr, "-f", ws, "__complete", "objectives,krs", "--",
                                                  "team0001/"], {}),
                "completion, empty prefix": ([okr, "-f", ws, "__complete", "objectives,krs", "--", ""], {}),
                "okr checkin (one file written)": ([okr, "-f", ws, "checkin", kr, "42", "--date", AS_OF,
                                                    "--note", "bench"], {"after": restore}),
            }
            for name, (cmd, hooks) in measures.items():
                m = attempt(f"{name}, {n}", lambda: best_of(cmd, env, runs, **hooks))
                restore() if "after" in hooks else None
                scale_1k_key = name
                if n == 1000:
                    scale_1k[scale_1k_key] = m
                    rows.append(Row(f"  {name}", m, basis=floor, rss_input=inputs[n], judge=judge))
                else:
                    growth = name.startswith(("warm", "completion"))
                    b = scale_1k.get(scale_1k_key)
                    rows.append(Row(f"  {name}  (x: / 1,000 files)" if b else f"  {name}", m, basis=b,
                                    time_target=TARGET_GROWTH if growth and b else None,
                                    rss_input=inputs[n], judge=judge))
            if not merge_done:
                merge_done = True
                from git_bench import merge_driver_inputs
                mdir = os.path.join(scratch, "merge")
                os.makedirs(mdir)
                paths, check = merge_driver_inputs(mdir)
                reset = lambda: shutil.copyfile(paths["ours.orig"], paths["ours"])
                cmd = [okr, "merge", paths["base"], paths["ours"], paths["theirs"], "big.toml"]
                m = attempt("merge driver", lambda: best_of(cmd, off_env, runs, before=reset, cwd=mdir))
                if m and not check():
                    failures.append("merge driver: the merged file is not what it should be")
                rows.append(Row(f"  okr merge, {mb(paths['bytes'])} file in three versions", m,
                                abs_target_ms=TARGET_MERGE_MS, rss_input=paths["bytes"] * 3, judge=judge))
                from git_bench import large_array_inputs
                for name, apaths, abytes, acheck in large_array_inputs(mdir):
                    areset = lambda apaths=apaths: shutil.copyfile(apaths["ours.orig"], apaths["ours"])
                    acmd = [okr, "merge", "--", apaths["base"], apaths["ours"], apaths["theirs"], "big.toml"]
                    m = attempt(f"merge of one array, {name}",
                                lambda: best_of(acmd, off_env, runs, before=areset, cwd=mdir))
                    if m and not acheck():
                        failures.append(f"merge of one array, {name}: the merged file lacks check-ins")
                    # The targets are the one-sided merge's; the conflict on both sides is
                    # measured beside it, linear but without a target of its own.
                    one = "one side" in name
                    rows.append(Row(f"  okr merge, one array, {name} ({mb(abytes)} in)", m,
                                    abs_target_ms=TARGET_ARRAY_MERGE_MS if one else None,
                                    rss_input=abytes,
                                    rss_target=TARGET_ARRAY_MERGE_RSS if one else None, judge=judge))
            shutil.rmtree(cache, ignore_errors=True)
            sections.append((f"{n:,} files ({mb(inputs[n])}): best of {runs} (cold: {cold_runs}); basis: the "
                             f"floor, {fmt_ms(floor.wall)} ms" + (", or the 1,000-file figure where said"
                                                                  if n != 1000 and scale_1k else ""), rows))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    load_after = os.getloadavg()
    print()
    print(f"okr benchmark: {okr}")
    print(f"{os.cpu_count()} CPUs; load average {load_before[0]:.2f} at the start, {load_after[0]:.2f} at the "
          f"end; {time.time() - t_start:.0f} s")
    print()
    passed, failed = print_table(sections, judge)
    print(f"targets: {passed} PASS, {failed} FAIL")
    if failures:
        print()
        for f in failures:
            print(f"error: {f}")
    return 1 if failures else 0


# ---------------------------------------------------------------- compare

def compare_outputs(okr, ws, py_cmd, env) -> list[str]:
    okr_out = subprocess.run([okr, "-f", ws, "status", "--format", "json", "--as-of", AS_OF, "--cycle", "all"],
                             env=env, capture_output=True).stdout
    ref_out = subprocess.run(py_cmd, capture_output=True).stdout
    try:
        return compare(json.loads(okr_out), json.loads(ref_out))
    except json.JSONDecodeError as e:
        return [f"okr's output is not JSON: {e}"]


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


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
