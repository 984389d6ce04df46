#!/usr/bin/env bash
# The model cache (SPEC §14) against its targets, on the 1,000-file workspace of run.sh:
#
#   tests/bench/cache.sh [OKR_BINARY]      (after run.sh has generated build/bench-data/ws1000)
#
# Prints the median wall time (ms) and CPU time (user + system, ms) of: the toml++ parse floor
# (okr_bench_parse, one thread), okr without the cache (OKR_CACHE=off), okr with an empty cache
# (cold: parses every file; the entries are written by a process of their own, which may
# outlive okr and whose time is not counted), okr with the cache that left (warm: entries and
# the files' stamps), and completion of references (`okr __complete objectives,krs`) warm. Each
# cold run alternates with a run without the cache (the machine's speed drifts over a minute).
# Targets: warm
# status <= 0.1x the floor, cold no slower than off, completion warm < 50 ms.
# BUILD_DIR, BENCH_DATA and BENCH_RUNS (default 7) as for run.sh. OKR_BEFORE=BINARY adds okr as
# it was before the cache (e.g. built at 42c1a81^), run in turn with the cold runs: the "today"
# of the issue's "cold no slower than today".
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=$(realpath -m "${BUILD_DIR:-$root/build}")
data=$(realpath -m "${BENCH_DATA:-$build/bench-data}")
okr=$(realpath -m "${1:-$build/okr}")
runs=${BENCH_RUNS:-7}
before=${OKR_BEFORE:+$(realpath -m "$OKR_BEFORE")}
[[ -z $before || -x $before ]] || { echo "cache.sh: OKR_BEFORE=$OKR_BEFORE is not a program" >&2; exit 2; }
ws=$data/ws1000
parse_bin=${OKR_BENCH_PARSE:-$(find "$build" -type f -name okr_bench_parse -perm -u+x | head -n 1)}
[[ -d $ws ]] || { echo "cache.sh: no $ws: run tests/bench/run.sh first" >&2; exit 2; }
[[ -x $parse_bin ]] || { echo "cache.sh: no okr_bench_parse: run tests/bench/run.sh first" >&2; exit 2; }
cache=$(mktemp -d)
old=$(mktemp -d) # each cold run's cache is moved here, and removed at the end: removing a
                 # thousand files just before a cold run makes ext4 slow to create the next ones
trap 'rm -rf "$cache" "$old"' EXIT
unset OKR_FILE OKR_CACHE_SIZE

# measure NAME ENV SETUP CMD... [+++ NAME ENV SETUP CMD...]: the median wall and CPU ms of `runs`
# runs of each command; SETUP runs before each run. Two commands given together run in turn
# (A B A B...), so that the machine's drift over a minute weighs on both alike.
measure() {
  python3 - "$runs" "$@" <<'PY'
import os, statistics, subprocess, sys, time
runs, rest = int(sys.argv[1]), sys.argv[2:]
specs = []
while rest:
    cut = rest.index("+++") if "+++" in rest else len(rest)
    name, env, setup, *cmd = rest[:cut]
    specs.append((name, dict(os.environ, OKR_CACHE=env), setup, cmd, [], []))
    rest = rest[cut + 1:]
for _ in range(runs):
    for name, env, setup, cmd, wall, cpu in specs:
        if setup:
            subprocess.run(setup, shell=True, check=True)
        t = time.perf_counter()
        p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        out = p.stdout.read()
        _, status, ru = os.wait4(p.pid, 0)
        wall.append((time.perf_counter() - t) * 1000)
        cpu.append((ru.ru_utime + ru.ru_stime) * 1000)
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"failed: {cmd}")
        if name == "toml++-floor":  # the time it reports (a median of its own repeats):
            wall[-1] = float(out.decode().split("elapsed_ms=")[1].split()[0])  # parsing alone
for name, env, setup, cmd, wall, cpu in specs:
    print(f"{name} {statistics.median(wall):9.1f} {statistics.median(cpu):9.1f}")
PY
}

wait_writer="[ ! -e $cache/writing.lock ] || flock $cache/writing.lock true"
status=(-f "$ws" status --format json --as-of 2026-11-23 --cycle all)
table=(-f "$ws" status --as-of 2026-11-23)
complete=(-f "$ws" __complete objectives,krs -- team0001/)
{
  repeat=$runs
  runs=1 measure toml++-floor off "" "$parse_bin" "$ws" --repeat "$repeat"
  # A first run of many files leaves its entries to a process of their own, which holds a shared
  # lock on writing.lock while it writes: each run waits for the last one's writer first.
  then_before=()
  [[ -z $before ]] || then_before=(+++ status-before off "$wait_writer" "$before" "${status[@]}")
  measure status-off off "$wait_writer" "$okr" "${status[@]}" \
       +++ status-cold "$cache" "$wait_writer; mv $cache \$(mktemp -u -p $old)" "$okr" "${status[@]}" \
       "${then_before[@]}"
  eval "$wait_writer"
  # Warm runs follow one another, as a prompt's or completion's do: a run right after the
  # floor's process has measured up to twice as slow on a virtual machine that hands freed
  # memory back to its host, so the floor is measured first.
  measure status-warm "$cache" "" "$okr" "${status[@]}"
  measure table-off off "" "$okr" "${table[@]}"
  measure table-warm "$cache" "" "$okr" "${table[@]}"
  measure complete-off off "" "$okr" "${complete[@]}"
  measure complete-warm "$cache" "" "$okr" "${complete[@]}"
} | awk '
  { name[NR] = $1; wall[NR] = $2; cpu[NR] = $3; t[$1] = $2 }
  END {
    floor = t["toml++-floor"]
    printf "%-14s %9s %9s %9s\n", "run", "wall ms", "cpu ms", "/floor"
    for (i = 1; i <= NR; i++)
      printf "%-14s %9s %9s %9.3f\n", name[i], wall[i], (name[i] == "toml++-floor" ? "-" : cpu[i]), (floor ? wall[i] / floor : 0)
    if (!("status-warm" in t && "status-cold" in t && "complete-warm" in t && floor > 0)) {
      print "cache.sh: a run failed: no verdict" > "/dev/stderr"; exit 1
    }
    printf "\ntargets\n"
    printf "  warm status / toml++ floor <= 0.1      %6.3f  %s\n", t["status-warm"] / floor, (t["status-warm"] / floor <= 0.1 ? "PASS" : "FAIL")
    printf "  cold status / status without cache <= 1 %6.3f  %s\n", t["status-cold"] / t["status-off"], (t["status-cold"] <= t["status-off"] ? "PASS" : "FAIL")
    printf "  completion warm < 50 ms                %6.1f  %s\n", t["complete-warm"], (t["complete-warm"] < 50 ? "PASS" : "FAIL")
    if ("status-before" in t)
      printf "  cold status / okr before the cache <= 1 %6.3f  %s\n", t["status-cold"] / t["status-before"], (t["status-cold"] <= t["status-before"] ? "PASS" : "FAIL")
  }'
echo "cache: $(du -sh "$cache" | cut -f1) for $(du -sh --apparent-size "$ws" | cut -f1) of goal files"
