#!/usr/bin/env bash
# Benchmark okr against its performance targets. See tests/bench/README.md.
#
#   tests/bench/run.sh [OKR_BINARY]
#
# OKR_BINARY defaults to build/okr (else build/src/okr). Environment:
#   BUILD_DIR        configured CMake build directory (default: build)
#   BENCH_DATA       where the generated workspaces live (default: $BUILD_DIR/bench-data)
#   BENCH_SIZES      comma-separated workspace sizes in files (default: 1,100,1000)
#   BENCH_RUNS       runs per okr / toml++ measurement, median taken (default: 5)
#   BENCH_PY_RUNS    runs of the Python reference (default: 5)
#   BENCH_SEED       generator seed (default: 1)
#   BENCH_COMPARE=1  also check okr's JSON against the Python reference
#   OKR_BENCH_PARSE  use this okr_bench_parse binary instead of building one
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
sizes=${BENCH_SIZES:-1,100,1000}
runs=${BENCH_RUNS:-5}
py_runs=${BENCH_PY_RUNS:-5}
seed=${BENCH_SEED:-1}
python=${PYTHON:-python3}
cd "$root"

die() { echo "run.sh: $*" >&2; exit 2; }

# The okr binary under test.
if [[ -z $okr ]]; then
  for candidate in "$build_dir/okr" "$build_dir/src/okr"; do
    if [[ -x $candidate ]]; then okr=$candidate; break; fi
  done
  [[ -n $okr ]] || echo "run.sh: no okr binary in $build_dir/okr or $build_dir/src/okr: measuring the baselines only" >&2
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
  cmake --build "$build_dir" --target okr_bench_parse >&2
  parse_bin=$(find "$build_dir" -type f -name okr_bench_parse -perm -u+x | head -n 1)
  [[ -n $parse_bin ]] || die "okr_bench_parse was not built"
fi
[[ -x $parse_bin ]] || die "$parse_bin: not an executable"

# The workspaces: generated once, reused while the generator and seed are unchanged.
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

args=(--data "$data" --sizes "$sizes" --parse-bin "$parse_bin" --runs "$runs" --py-runs "$py_runs")
[[ -z $okr ]] || args+=(--okr "$okr")
[[ ${BENCH_COMPARE:-0} == 0 ]] || args+=(--compare)
unset OKR_FILE
exec "$python" "$here/measure.py" "${args[@]}"
