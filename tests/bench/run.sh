#!/usr/bin/env bash
# Benchmark okr against its performance targets. See tests/bench/README.md.
#
#   tests/bench/run.sh [OKR_BINARY]
#
# Prints one table: the toml++ parse floor, a personal file against the bare parse (whole
# processes), every read command in every format warm and cold on 1,000 files, and cold, warm,
# completion, checkin and the merge driver at each size, as ratios to the floor of this run,
# each with its target and PASS/FAIL. OKR_BINARY defaults to build/okr (else build/src/okr).
# Environment:
#   BUILD_DIR        configured CMake build directory (default: build)
#   BENCH_DATA       where the generated workspaces live (default: $BUILD_DIR/bench-data)
#   BENCH_QUICK=1    a few minutes: 1,000 files only, 3 runs, 30 personal runs, no Python
#   BENCH_SIZES      comma-separated workspace sizes in files (default: 1000,10000)
#   BENCH_COMMANDS   read commands measured warm and cold (default: status,score,kpi,review,tree,due)
#   BENCH_FORMATS    their formats (default: table,csv,markdown,html,json)
#   BENCH_RUNS       runs per measurement, the best taken (default: 5; 3 with BENCH_QUICK)
#   BENCH_COLD_RUNS  runs per cold (OKR_CACHE=off) measurement on 1,000 files (default: 1)
#   BENCH_SMALL_RUNS runs of the personal file and of its parse (default: 100)
#   BENCH_JUDGE      wall or cpu: which time the targets are judged on (default: wall)
#   BENCH_PY_RUNS    runs of the Python reference on 1,000 files (default: 1; 0 skips it)
#   BENCH_SEED       generator seed (default: 1)
#   BENCH_COMPARE=1  also check okr's JSON against the Python reference
#   OKR_BENCH_PARSE  use this okr_bench_parse binary instead of building one (an
#                    okr_bench_run beside it is used, else one is built)
# Exit status: 0 when everything ran (whether or not the targets are met),
# 1 when a measured command failed, 2 on a setup problem.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)

# Paths given by the user are relative to the current directory; defaults to the repository root.
abs() { realpath -m -- "$1"; }
build_dir=$(abs "${BUILD_DIR:-$root/build}")
data=$(abs "${BENCH_DATA:-$build_dir/bench-data}")
okr=${1:-}
[[ -z $okr ]] || okr=$(abs "$okr")
parse_bin=${OKR_BENCH_PARSE:-}
[[ -z $parse_bin ]] || parse_bin=$(abs "$parse_bin")
quick=${BENCH_QUICK:-0}
[[ $quick == 0 ]] && sizes=${BENCH_SIZES:-1000,10000} || sizes=${BENCH_SIZES:-1000}
[[ $quick == 0 ]] && runs=${BENCH_RUNS:-5} || runs=${BENCH_RUNS:-3}
[[ $quick == 0 ]] && small_runs=${BENCH_SMALL_RUNS:-100} || small_runs=${BENCH_SMALL_RUNS:-30}
[[ $quick == 0 ]] && py_runs=${BENCH_PY_RUNS:-1} || py_runs=${BENCH_PY_RUNS:-0}
seed=${BENCH_SEED:-1}
python=${PYTHON:-python3}
cd "$root"

die() { echo "run.sh: $*" >&2; exit 2; }

# The okr binary under test.
if [[ -z $okr ]]; then
  for candidate in "$build_dir/okr" "$build_dir/src/okr"; do
    if [[ -x $candidate ]]; then okr=$candidate; break; fi
  done
  [[ -n $okr ]] || die "no okr binary in $build_dir/okr or $build_dir/src/okr: build it first (cmake --build $build_dir)"
elif [[ ! -x $okr ]]; then
  die "$okr: not an executable"
fi

"$python" -c 'import sys, tomllib; sys.exit(sys.version_info < (3, 11))' 2>/dev/null \
  || die "$python is not Python 3.11 or later (tomllib is needed)"

# The bare-parse baseline.
if [[ -z $parse_bin ]]; then
  [[ -f $build_dir/CMakeCache.txt ]] \
    || die "$build_dir is not a configured build directory (run: cmake -S . -B $build_dir -DCMAKE_BUILD_TYPE=Release)"
  grep -q '^CMAKE_BUILD_TYPE:STRING=\(Release\|RelWithDebInfo\)$' "$build_dir/CMakeCache.txt" \
    || echo "run.sh: warning: $build_dir is not a Release/RelWithDebInfo build; timings mean little" >&2
  ! grep -q '^OKR_SANITIZE:BOOL=ON$' "$build_dir/CMakeCache.txt" \
    || echo "run.sh: warning: $build_dir is built with sanitizers; timings mean little" >&2
  cmake --build "$build_dir" --target okr_bench_parse okr_bench_run >&2
  parse_bin=$(find "$build_dir" -type f -name okr_bench_parse -perm -u+x | head -n 1)
  [[ -n $parse_bin ]] || die "okr_bench_parse was not built"
fi
[[ -x $parse_bin ]] || die "$parse_bin: not an executable"
# The program each measured command runs under (its time and peak RSS): beside okr_bench_parse.
run_bin=$(dirname "$parse_bin")/okr_bench_run
if [[ ! -x $run_bin ]]; then
  cmake --build "$build_dir" --target okr_bench_run >&2 || die "cannot build okr_bench_run"
  run_bin=$(find "$build_dir" -type f -name okr_bench_run -perm -u+x | head -n 1)
  [[ -n $run_bin ]] || die "okr_bench_run was not built"
fi

# The workspaces: generated once, reused while the generator and seed are unchanged (the 10,000
# files take about 300 MB and half a minute on two cores; one copy is kept).
mkdir -p "$data"
gen_sum=$(cksum < "$here/gen_workspace.py")
IFS=, read -ra size_list <<< "$sizes"
for n in "${size_list[@]}"; do
  [[ $n =~ ^[1-9][0-9]*$ ]] || die "bad size in BENCH_SIZES: $n"
  stamp="$data/ws$n.stamp"
  want="files=$n seed=$seed gen=$gen_sum"
  if [[ ! -d $data/ws$n || ! -f $stamp || $(cat "$stamp") != "$want" ]]; then
    rm -rf "$data/ws$n" "$stamp"
    "$python" "$here/gen_workspace.py" "$data/ws$n" --files "$n" --seed "$seed"
    echo "$want" > "$stamp"
  fi
done

args=(--data "$data" --sizes "$sizes" --parse-bin "$parse_bin" --run-bin "$run_bin" --okr "$okr" --runs "$runs"
      --cold-runs "${BENCH_COLD_RUNS:-1}" --small-runs "$small_runs" --py-runs "$py_runs"
      --judge "${BENCH_JUDGE:-wall}" --personal "$root/examples/personal/okr.toml")
[[ -z ${BENCH_COMMANDS:-} ]] || args+=(--commands "$BENCH_COMMANDS")
[[ -z ${BENCH_FORMATS:-} ]] || args+=(--formats "$BENCH_FORMATS")
[[ ${BENCH_COMPARE:-0} == 0 ]] || args+=(--compare)
unset OKR_FILE
exec "$python" "$here/measure.py" "${args[@]}"
