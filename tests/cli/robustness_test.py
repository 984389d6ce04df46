#!/usr/bin/env python3
"""No input crashes okr: randomly mutated goal files (fixed seed) get exit 0, 1 or 3 from
`okr check` and 0 or 3 from `okr status`, never a signal, an abort or a sanitizer report, and
every exit 3 comes with a positioned `PATH:LINE:COL: error:` line.
Usage: robustness_test.py OKR_BINARY [ITERATIONS]"""
import random
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/cli
import okrtest  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
BINARY = sys.argv[1]
ITERATIONS = int(sys.argv[2]) if len(sys.argv) > 2 else 300
SOURCES = [p.read_bytes() for p in sorted((ROOT / "examples").rglob("*.toml"))]
SNIPPETS = [b'"', b"'", b"[", b"]", b"{", b"}", b"=", b"\n", b"[[objective]]\n", b"[[objective.kr]]\n", b"[[kpi]]\n",
            b"nan", b"inf", b"-1", b"0", b"1e400", b"2026-02-30", b"\xff", b"\xc3", b"\x00", b"\x1b[2J", b'"""',
            b"id = \"x\"\n", b"target = 5\n", b"weight = 0\n", b"parent = \"a/b\"\n", b"cycle = \"2026-Q5\"\n",
            b"checkins = [ { date = 2026-11-01, value = 1 } ]\n", b"# comment\n", b"\t", b"\r\n", "é".encode()]


def mutate(data: bytes, rng: random.Random) -> bytes:
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(5)
        at = rng.randrange(len(data) + 1)
        if kind == 0:
            data = data[:at] + data[at + rng.randint(1, 40):]
        elif kind == 1:
            data = data[:at] + rng.choice(SNIPPETS) + data[at:]
        elif kind == 2:
            lines = data.split(b"\n")
            i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            data = b"\n".join(lines)
        elif kind == 3:
            lines = data.split(b"\n")
            i = rng.randrange(len(lines))
            lines.insert(i, lines[rng.randrange(len(lines))])
            data = b"\n".join(lines)
        else:
            data = re.sub(rb"\d+(\.\d+)?", lambda m: rng.choice([b"-3", b"0", b"1.5", b"99999999999999999999", m.group(0)]),
                          data, count=rng.randint(1, 5))
    return data


def main():
    rng = random.Random(20261123)
    assert SOURCES, "no example files to mutate"
    failures = []
    codes = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.toml"
        for i in range(ITERATIONS):
            data = mutate(rng.choice(SOURCES), rng)
            path.write_bytes(data)
            for command, allowed in ((["check"], {0, 1, 3}), (["status", "--format", "json"], {0, 3})):
                proc = okrtest.run(BINARY, "-f", path, "--as-of", "2026-11-23", *command, text=False,
                                   timeout=30)
                codes[proc.returncode] = codes.get(proc.returncode, 0) + 1
                err = proc.stderr.decode("utf-8", "replace")
                out = proc.stdout.decode("utf-8", "replace")
                problem = None
                if proc.returncode not in allowed:
                    problem = f"exit {proc.returncode}"
                elif re.search(r"Sanitizer|runtime error|terminate called|Aborted", err):
                    problem = "sanitizer or abort"
                elif proc.returncode == 3 and not re.search(r"fuzz\.toml:\d+:\d+: error: ", err + out):
                    problem = "exit 3 without a positioned error"
                if problem:
                    keep = Path(tmp).parent / f"okr-fuzz-{i}.toml"
                    keep.write_bytes(data)
                    failures.append(f"iteration {i}, okr {' '.join(command)}: {problem}; input kept in {keep}\n{err[:500]}")
    if failures:
        print("\n".join(failures[:10]))
        print(f"{ITERATIONS * 2 - len(failures)} passed, {len(failures)} failed")
        return 1
    print("exit codes seen:", ", ".join(f"{k}: {v}" for k, v in sorted(codes.items())))
    print(f"{ITERATIONS * 2} passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
