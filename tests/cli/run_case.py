#!/usr/bin/env python3
"""Runs one end-to-end case of `okr` and compares its whole output with a golden file.

A case is either
  tests/cli/cases/NAME.case      lines `args: ...` (shell words), optional `env: K=V ...`, `stdin: ...`
  tests/cli/invalid/NN-x.toml    a malformed goal file, run as `okr -f FILE --as-of 2026-11-23 check`
and its golden file sits beside it with the suffix `.expected`: the exit code, stdout and stderr.
A case is run twice, first with an empty model cache and then with the cache that run left
(SPEC §14: the cache never changes an output), and both runs must match the golden file. The
cache is a temporary folder of its own: a test never touches the user's cache.

Usage: run_case.py OKR_BINARY CASE [--update]       (run from the repository root)
       run_case.py OKR_BINARY --update-all          regenerates every golden file
"""
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def case_command(case: Path):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/tmp"),
           "COLUMNS": "100", "TERM": "xterm", "LANG": "C.UTF-8", "TZ": "UTC"}
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
    """The case's output; `cache` is OKR_CACHE: `off`, or the cache folder to use."""
    args, env, stdin = case_command(case)
    env.setdefault("OKR_CACHE", cache)
    proc = subprocess.run([binary] + args, cwd=ROOT, env=env, input=stdin.encode(), capture_output=True, timeout=60)
    out = proc.stdout.decode("utf-8", "backslashreplace")
    err = proc.stderr.decode("utf-8", "backslashreplace")
    text = f"$ okr {shlex.join(args)}\n[exit {proc.returncode}]\n"
    text += "[stdout]\n" + out + ("" if out.endswith("\n") or not out else "\n[no newline at end]\n")
    text += "[stderr]\n" + err + ("" if err.endswith("\n") or not err else "\n[no newline at end]\n")
    return text


def write_exact(path: Path, text: str):
    # newline="" keeps CRLF (CSV) exactly as the binary printed it
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def read_exact(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:
        return f.read()


def golden(case: Path) -> Path:
    return case.with_suffix(".expected")


def all_cases():
    return sorted((ROOT / "tests/cli/cases").glob("*.case")) + sorted((ROOT / "tests/cli/invalid").glob("*.toml"))


def main():
    binary = os.path.abspath(sys.argv[1])
    if sys.argv[2] == "--update-all":
        for case in all_cases():
            write_exact(golden(case), run(binary, case))
        print(f"updated {len(all_cases())} golden files")
        return 0
    case = (ROOT / sys.argv[2]).resolve()
    if "--update" in sys.argv[3:]:
        write_exact(golden(case), run(binary, case))
        return 0
    expected_path = golden(case)
    expected = read_exact(expected_path) if expected_path.exists() else "(no golden file)\n"
    with tempfile.TemporaryDirectory(prefix="okr-case-cache-") as cache:
        for state in ("cold", "warm"):
            actual = run(binary, case, cache)
            if actual != expected:
                print(f"with the model cache {state}:")
                break
        else:
            return 0
    import difflib
    sys.stdout.writelines(difflib.unified_diff([repr(l)[1:-1] + "\n" for l in expected.splitlines(True)],
                                               [repr(l)[1:-1] + "\n" for l in actual.splitlines(True)],
                                               str(expected_path.relative_to(ROOT)), "actual"))
    print(f"\nto accept: python3 tests/cli/run_case.py {sys.argv[1]} {sys.argv[2]} --update")
    return 1


if __name__ == "__main__":
    sys.exit(main())
