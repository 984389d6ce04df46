#!/usr/bin/env python3
"""The golden cases of `okr`'s read side: each runs the built binary once and compares its whole
output with a golden file.

A case is either
  tests/cli/cases/NAME.case      lines `args: ...` (shell words), optional `env: K=V ...`, `stdin: ...`
  tests/cli/invalid/NN-x.toml    a malformed goal file, run as `okr -f FILE --as-of 2026-11-23 check`
and its golden file sits beside it with the suffix `.expected`, in the one golden format of
tests/cli (okrtest.py): the command, its exit code, stdout and stderr. A case is run twice,
first with an empty model cache and then with the cache that run left (SPEC §14: the cache
never changes an output), and both runs must match the golden file. The cache is a temporary
folder of its own: a test never touches the user's cache.

CTest runs the cases in a few batches (cli/golden/I), each one Python process; a failing case
is named with its diff and the command that runs it alone.

Usage (from anywhere):
  run_case.py OKR [CASE...]            every case, or the ones named (a path, or a case's name)
  run_case.py OKR --batch I/N          the I-th of N batches (1-based): the cases at I-1, I-1+N, ...
  run_case.py OKR --update [CASE...]   rewrite the golden files of these cases (or of every case)
  run_case.py OKR --update-all         rewrite every golden file of tests/cli: these cases, the write
                                       commands' (write/golden_test.py) and close's (write/close_test.py)
"""
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/cli
import okrtest  # noqa: E402

ROOT = okrtest.ROOT
HERE = Path(__file__).resolve().parent


def case_command(case: Path):
    env = okrtest.environment(TERM="xterm", USER=None, NO_COLOR=None, OKR_CACHE=None, XDG_CACHE_HOME=None)
    stdin = ""
    if case.suffix == ".toml":
        return ["-f", str(case.relative_to(ROOT)), "--as-of", "2026-11-23", "check"], env, stdin
    args = None
    for line in case.read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(":")
        if key == "args":
            args = shlex.split(value)
        elif key == "env":
            for pair in shlex.split(value):
                k, _, v = pair.partition("=")
                if v == "<unset>":
                    env.pop(k, None)
                else:
                    env[k] = v
        elif key == "stdin":
            stdin += value.strip() + "\n"
    if args is None:
        sys.exit(f"{case}: no `args:` line")
    return args, env, stdin


def run(binary: str, case: Path, cache: str = "off") -> str:
    """The case's output in the golden format; `cache` is OKR_CACHE: `off`, or the cache folder."""
    args, env, stdin = case_command(case)
    env.setdefault("OKR_CACHE", cache)
    proc = okrtest.run(binary, *args, cwd=ROOT, env=env, stdin=stdin.encode(), text=False)
    return okrtest.transcript(args, proc)


def golden(case: Path) -> Path:
    return case.with_suffix(".expected")


def all_cases():
    return sorted((HERE / "cases").glob("*.case")) + sorted((HERE / "invalid").glob("*.toml"))


def find(name):
    """A case by its path (relative to the root or the working folder) or its name."""
    for candidate in (Path(name), ROOT / name):
        if candidate.is_file():
            return candidate.resolve()
    matches = [c for c in all_cases() if c.stem == Path(name).stem]
    if len(matches) != 1:
        sys.exit(f"run_case.py: no case named {name}" if not matches else f"run_case.py: {name} is ambiguous")
    return matches[0]


def check(binary, case):
    """None when the case passes, else what went wrong."""
    with tempfile.TemporaryDirectory(prefix="okr-case-cache-") as cache:
        for state in ("cold", "warm"):
            problem = okrtest.compare(golden(case), run(binary, case, cache))
            if problem:
                return f"with the model cache {state}:\n{problem}"
    return None


def main():
    argv = sys.argv[1:]
    if not argv or argv[0].startswith("-"):
        print(__doc__)
        return 2
    binary = os.path.abspath(argv[0])
    options = [a for a in argv[1:] if a.startswith("--")]
    names = [a for a in argv[1:] if not a.startswith("--")]
    if "--update-all" in options:
        for case in all_cases():
            okrtest.write_exact(golden(case), run(binary, case))
        print(f"updated {len(all_cases())} golden files of tests/cli/cases and tests/cli/invalid")
        status = 0
        for suite in ("golden_test.py", "close_test.py"):
            status |= subprocess.run([sys.executable, str(HERE / "write" / suite), binary, "--update"],
                                     cwd=HERE / "write").returncode
        return status
    if "--batch" in options:
        i, _, n = names.pop(0).partition("/")
        cases = all_cases()[int(i) - 1::int(n)]
    else:
        cases = [find(name) for name in names] or all_cases()
    if "--update" in options:
        for case in cases:
            okrtest.write_exact(golden(case), run(binary, case))
        print(f"updated {len(cases)} golden files")
        return 0
    failed = []
    for case in cases:
        problem = check(binary, case)
        name = case.relative_to(ROOT)
        if problem:
            failed.append(str(name))
            print(f"FAIL {name} {problem}")
            print(f"to run it alone: python3 tests/cli/run_case.py {argv[0]} {name}")
            print(f"to accept:       python3 tests/cli/run_case.py {argv[0]} {name} --update\n", flush=True)
    print(f"{len(cases)} cases, {len(failed)} failed" + "".join(f"\n  FAILED {n}" for n in failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
