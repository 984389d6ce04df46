#!/usr/bin/env python3
"""okr schema against a real JSON Schema validator, taplo (issue 30, item 2 and 5): every file of
examples/ validates, and a broken file fails with each of its errors named at its line.

    schema_taplo_test.py build/okr
"""
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import tools  # noqa: E402

ROOT = Path(__file__).resolve().parents[3]

BROKEN = """\
title = "Broken on purpose"
[[objective]]
id = "bad id"
title = "An objective"
type = "commited"
  [[objective.kr]]
  id = "k"
  title = "A key result"
  target = "ten"
  weight = 0
  checkins = [ { date = 2026-10-01, value = 1, confidence = 2 } ]
[[objectives]]
id = "typo"
"""

# Each broken line, and what taplo must say there.
EXPECTED = [
    (3, '"bad id" does not match'),
    (5, '"commited" is not one of ["aspirational","committed"]'),
    (9, '"ten" is not of type "number"'),
    (10, "0 is less than or equal to the minimum of 0"),
    (11, "2 is greater than the maximum of 1"),
    (12, "'objectives' was unexpected"),
]


def taplo(schema, files):
    return subprocess.run(["taplo", "check", "--schema", schema.as_uri(), *map(str, files)],
                          capture_output=True, text=True, timeout=120)


def main():
    okr = sys.argv[1]
    if not shutil.which("taplo"):
        tools.skip("taplo is not installed (npm install -g @taplo/cli, or bash .ci/deps --test)")
    failures = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        schema = tmp / "okr.schema.json"
        out = subprocess.run([okr, "schema"], capture_output=True, text=True, check=True).stdout
        json.loads(out)  # one JSON document
        schema.write_text(out)
        examples = sorted((ROOT / "examples").rglob("*.toml"))
        if not examples:
            failures.append("no example files found")
        good = taplo(schema, examples)
        if good.returncode != 0:
            failures.append(f"examples/ fail against okr schema:\n{good.stdout}{good.stderr}")
        broken = tmp / "broken.toml"
        broken.write_text(BROKEN)
        bad = taplo(schema, [broken])
        text = bad.stdout + bad.stderr
        if bad.returncode == 0:
            failures.append("the broken file passes")
        for line, message in EXPECTED:
            if f"broken.toml:{line}:" not in text or message not in text:
                failures.append(f"line {line}: taplo does not say {message!r}")
    for f in failures:
        print("FAIL:", f)
    print(f"checked {len(examples)} example files and one broken file")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
