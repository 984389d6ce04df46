#!/usr/bin/env python3
"""Benchmark the git commands against their targets (issues 10 and 25):

  - `okr merge` (the git merge driver) on a 1 MB goal file: under 100 ms;
  - `okr merge` of one array with 200,000 new check-ins on one side (and 100,000 on each side at
    one place): under 1 s, peak memory (okr and the git it runs) under 3x the three inputs;
  - `okr diff A B` between two revisions of the N-file benchmark workspace: at most 3x a
    `status` of it.

    git_bench.py OKR [--files 1000] [--runs 5] [--data DIR]

The workspace comes from gen_workspace.py (same seed as run.sh) in a git repository with two
commits: the second adds one check-in to the first KR of each of the first 50 files, changes a
target and adds a file. Timings are medians of --runs runs after a warm-up, wall clock, with
OKR_CACHE=off. Use a Release (or RelWithDebInfo) build; on a shared machine say the load.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def timed(cmd, cwd, env, runs, before=None):
    times = []
    for i in range(runs + 1):
        if before:
            before()
        start = time.perf_counter()
        p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        elapsed = time.perf_counter() - start
        if p.returncode not in (0, 1):
            sys.exit(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr.decode()}")
        if i:  # the first run warms the caches
            times.append(elapsed)
    return statistics.median(times)


def git(cwd, env, *args):
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def big_goal_file(target_bytes):
    """One valid goal file of about `target_bytes`: objectives of 4 KRs with 30 check-ins each."""
    out = ['title = "Big"\nowner = "bench"\ncycle = "2026-Q4"\n']
    n = 0
    while sum(map(len, out)) < target_bytes:
        out.append(f'\n[[objective]]\nid = "o{n}"\ntitle = "Objective number {n}"\n')
        for k in range(4):
            out.append(f'\n  [[objective.kr]]\n  id = "k{k}"\n  title = "Key result {k} of {n}"\n'
                       f'  target = 100\n  checkins = [\n')
            for c in range(30):
                day = 1 + c % 28
                month = 10 + c // 28
                out.append(f'    {{ date = 2026-{month:02d}-{day:02d}, value = {c * 3}, confidence = 0.7 }},\n')
            out.append("  ]\n")
        n += 1
    return "".join(out), n


def merge_driver_inputs(tmp):
    """The merge driver's case: a 1 MB goal file in three versions, written into tmp; each side
    adds a check-in to 50 KRs, theirs also renames 20 objectives. Returns the paths (base,
    ours.orig, theirs, and ours: where the driver writes; copy ours.orig there before each run)
    with the file's size and objectives, and a function that checks the merged result."""
    base, objectives = big_goal_file(1 << 20)

    def side(tag, value):
        count = 0
        out = []
        for line in base.split("\n"):
            out.append(line)
            if line.startswith("    { date = 2026-11-02") and count < 50:
                out.append(f"    {{ date = 2026-11-{10 + value:02d}, value = {value}, note = \"{tag}\" }},")
                count += 1
        return "\n".join(out)
    ours = side("ours", 1)
    theirs = side("theirs", 2)
    theirs = re.sub(r'title = "Objective number (1?\d)"', r'title = "Objective \1, renamed"', theirs)
    paths = {"bytes": len(base), "objectives": objectives}
    for name, text in (("base", base), ("ours.orig", ours), ("theirs", theirs)):
        paths[name] = os.path.join(tmp, name + ".toml")
        with open(paths[name], "w") as f:
            f.write(text)
    paths["ours"] = os.path.join(tmp, "ours.toml")

    def check():
        merged = open(paths["ours"]).read()
        return merged.count('note = "ours"') == 50 and merged.count('note = "theirs"') == 50 \
            and "renamed" in merged
    return paths, check


def large_array_inputs(tmp):
    """The three versions of one `checkins` array grown by 200,000 lines on one side (theirs
    changes a title), and by 100,000 on each side at the same place (a conflict of git's that okr
    resolves check-in by check-in), written under `tmp`: a list of (name, paths, bytes of the three
    inputs, check), where paths has base, ours.orig, ours and theirs, and check() tells whether the
    merged `ours` holds every check-in."""
    head = 'title = "Big array"\ncycle = "2026-Q4"\n\n[[objective]]\nid = "o"\ntitle = "O"\n\n' \
           '  [[objective.kr]]\n  id = "k"\n  title = "K"\n  target = 1000000\n  checkins = [\n'
    tail = "  ]\n"
    def lines(n, offset):
        return "".join(f"    {{ date = 2026-{10 + (i + offset) % 3:02d}-{1 + (i * 7 + offset) % 28:02d}, "
                       f"value = {i + offset} }},\n" for i in range(n))
    base = head + lines(10, 0) + tail
    cases = [("200,000 on one side", "one", head + lines(10, 0) + lines(200000, 10) + tail,
              base.replace('title = "K"', 'title = "K, renamed"'), 200010),
             ("100,000 on each side", "each", head + lines(10, 0) + lines(100000, 10) + tail,
              head + lines(10, 0) + lines(100000, 500000) + tail, 200010)]
    out = []
    for name, tag, ours, theirs, want in cases:
        paths = {}
        for part, text in (("base", base), ("ours.orig", ours), ("theirs", theirs)):
            paths[part] = os.path.join(tmp, f"array-{tag}-{part}.toml")
            with open(paths[part], "w") as f:
                f.write(text)
        paths["ours"] = os.path.join(tmp, f"array-{tag}-ours.toml")
        def check(path=paths["ours"], want=want):
            with open(path) as f:
                return f.read().count("{ date =") == want
        out.append((name, paths, len(base) + len(ours) + len(theirs), check))
    return out


def large_array_merge(okr, tmp, env, runs):
    """The merges of large_array_inputs: time against the target. Peak memory is measured by
    tests/bench/run.sh (through okr_bench_run): a process started from Python reports at least
    Python's own resident set."""
    for name, paths, inputs, check in large_array_inputs(tmp):
        times = []
        for _ in range(runs):
            shutil.copyfile(paths["ours.orig"], paths["ours"])
            start = time.perf_counter()
            proc = subprocess.run([okr, "merge", "--", paths["base"], paths["ours"], paths["theirs"],
                                   "big.toml"], cwd=tmp, env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
        ok = proc.returncode == 0 and check()
        print(f"merge of one array, {name}: {statistics.median(times) * 1000:.0f} ms (target < 1 s), "
              f"inputs {inputs / 1e6:.1f} MB{'' if ok else '  [RESULT WRONG]'}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("okr")
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    okr = os.path.abspath(args.okr)
    tmp = tempfile.mkdtemp(prefix="okr-git-bench-")
    env = dict(os.environ, OKR_CACHE="off", GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@x",
               GIT_COMMITTER_NAME="b", GIT_COMMITTER_EMAIL="b@x", GIT_CONFIG_NOSYSTEM="1",
               HOME=tmp, NO_COLOR="1", LANG="C.UTF-8")
    env.pop("OKR_FILE", None)
    try:
        paths, check_merge = merge_driver_inputs(tmp)
        ours_path = paths["ours"]
        reset = lambda: shutil.copyfile(paths["ours.orig"], ours_path)
        merge = timed([okr, "merge", paths["base"], ours_path, paths["theirs"], "big.toml"], tmp,
                      env, args.runs, reset)
        reset()
        p = subprocess.run([okr, "merge", paths["base"], ours_path, paths["theirs"], "big.toml"],
                           cwd=tmp, env=env, capture_output=True, text=True)
        ok = p.returncode == 0 and check_merge()
        print(f"merge driver, {paths['bytes'] / 1e6:.2f} MB file ({paths['objectives']} objectives): "
              f"{merge * 1000:.0f} ms (target < 100 ms){'' if ok else '  [RESULT WRONG]'}")

        large_array_merge(okr, tmp, env, args.runs)

        # okr diff between two revisions of the workspace vs okr status.
        ws = os.path.join(tmp, "ws")
        subprocess.run([sys.executable, os.path.join(HERE, "gen_workspace.py"), ws, "--files",
                        str(args.files), "--seed", str(args.seed)], check=True, capture_output=True)
        git(ws, env, "init", "-q")
        git(ws, env, "add", "-A")
        git(ws, env, "commit", "-q", "-m", "one")
        names = sorted(n for n in os.listdir(ws) if n.endswith(".toml"))
        for name in names[:50]:
            path = os.path.join(ws, name)
            text = open(path).read()
            text = text.replace("  checkins = [\n", "  checkins = [\n    { date = 2026-11-23, value = 1 },\n", 1)
            open(path, "w").write(text)
        shutil.copyfile(os.path.join(ws, names[-1]), os.path.join(ws, "extra.toml"))
        text = open(os.path.join(ws, "extra.toml")).read()
        open(os.path.join(ws, "extra.toml"), "w").write(text.replace("title = ", "namespace = \"extra\"\ntitle = ", 1))
        git(ws, env, "add", "-A")
        git(ws, env, "commit", "-q", "-m", "two")
        common = ["-f", ".", "--as-of", "2026-11-23", "--cycle", "all"]
        status = timed([okr, *common, "status", "--format", "json"], ws, env, args.runs)
        diff = timed([okr, *common, "diff", "HEAD~1", "HEAD", "--format", "json"], ws, env, args.runs)
        print(f"status of {args.files} files: {status * 1000:.0f} ms; "
              f"diff HEAD~1 HEAD: {diff * 1000:.0f} ms = {diff / status:.2f}x status (target <= 3x)")
        load = open("/proc/loadavg").read().split()[0] if os.path.exists("/proc/loadavg") else "?"
        print(f"(median of {args.runs} runs, load average {load}, {os.cpu_count()} CPUs)")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
