#!/usr/bin/env python3
"""Golden tests of the write commands.

Each line of golden/cases.txt runs one okr command on a copy of a style file (copied to
okr.toml in a fresh folder) and compares, with the files in golden/:
  NAME.expected  in the golden format of tests/cli (okrtest.py): the command line, exit code,
                 stdout and stderr, then `[change] +A -R` (or `none`) and, when the command
                 left other files in the folder, `[left behind] NAME...`
  NAME.toml      the whole file after the command, byte for byte (absent when unchanged)
A case may also demand a change size (`+1-0`: one line added, none removed, as git diff
--numstat counts) or `unchanged`; that is checked even while updating.

    golden_test.py OKR            run every case
    golden_test.py OKR NAME...    run some
    golden_test.py OKR --update   rewrite the golden files (review the git diff!)

`python3 tests/cli/run_case.py OKR --update-all` rewrites these with every other golden.
"""

import difflib
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/cli
import okrtest  # noqa: E402


HERE = os.path.dirname(os.path.abspath(__file__))
STYLES = os.path.join(HERE, "styles")
GOLDEN = os.path.join(HERE, "golden")


def load_cases():
    cases = []
    with open(os.path.join(GOLDEN, "cases.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split("|")]
            name, style, args = parts[0], parts[1], parts[2]
            expect = parts[3] if len(parts) > 3 else ""
            capture = parts[4] if len(parts) > 4 and parts[4] else "okr.toml"
            cases.append((name, style, shlex.split(args), expect, capture))
    return cases


def numstat(before, after):
    a = before.splitlines(keepends=True)
    b = after.splitlines(keepends=True)
    added = removed = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag in ("replace", "delete"):
            removed += i2 - i1
        if tag in ("replace", "insert"):
            added += j2 - j1
    return added, removed


def run_case(okr, style, args, capture):
    with tempfile.TemporaryDirectory(prefix="okr-golden-") as tmp:
        before = b""
        path = os.path.join(tmp, capture)
        if style != "-" and os.path.isdir(os.path.join(STYLES, style)):
            # A folder is a whole workspace (its okr.toml the root); FILE is one of its files.
            shutil.copytree(os.path.join(STYLES, style), tmp, dirs_exist_ok=True)
            if os.path.exists(path):
                with open(path, "rb") as f:
                    before = f.read()
        elif style != "-":
            shutil.copyfile(os.path.join(STYLES, style), os.path.join(tmp, "okr.toml"))
            with open(os.path.join(tmp, "okr.toml"), "rb") as f:
                before = f.read()
        present = set(os.listdir(tmp))
        p = okrtest.run(okr, *args, cwd=tmp, env=okrtest.environment(tmp), text=False)
        after = open(path, "rb").read() if os.path.exists(path) else None
        leftovers = sorted(set(os.listdir(tmp)) - present - {"okr.toml", capture})
        return p, before, after, leftovers


def render(args, p, before, after, leftovers):
    out = okrtest.transcript(args, p)
    if after is None or after == before:
        out += "[change] none\n"
    else:
        added, removed = numstat(before.decode("utf-8"), after.decode("utf-8"))
        out += f"[change] +{added} -{removed}\n"
    if leftovers:
        out += "[left behind] " + " ".join(leftovers) + "\n"
    return out


def main():
    argv = sys.argv[1:]
    if not argv:
        print(__doc__)
        return 2
    okr = os.path.abspath(argv[0])
    update = "--update" in argv
    only = [a for a in argv[1:] if a != "--update"]
    failures = 0
    names = set()
    for name, style, args, expect, capture in load_cases():
        assert name not in names, f"duplicate case {name}"
        names.add(name)
        if only and name not in only:
            continue
        p, before, after, leftovers = run_case(okr, style, args, capture)
        text = render(args, p, before, after, leftovers)
        problems = []
        if expect:
            changed = after is not None and after != before
            if expect == "unchanged":
                if changed:
                    problems.append("the file changed, but this case must leave it as it was")
            else:
                got = "unchanged"
                if changed:
                    a, r = numstat(before.decode("utf-8"), after.decode("utf-8"))
                    got = f"+{a}-{r}"
                if got != expect:
                    problems.append(f"change size {got}, expected {expect}")
        exp_path = os.path.join(GOLDEN, name + ".expected")
        toml_path = os.path.join(GOLDEN, name + ".toml")
        new_file = after if after is not None and after != before else None
        if update:
            with open(exp_path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            if new_file is not None:
                with open(toml_path, "wb") as f:
                    f.write(new_file)
            elif os.path.exists(toml_path):
                os.remove(toml_path)
        else:
            want = open(exp_path, encoding="utf-8", newline="").read() if os.path.exists(exp_path) else ""
            if want != text:
                problems.append("output differs:\n" + "".join(difflib.unified_diff(
                    want.splitlines(True), text.splitlines(True), "expected", "actual")))
            want_file = open(toml_path, "rb").read() if os.path.exists(toml_path) else None
            if want_file != new_file:
                problems.append("resulting file differs:\n" + "".join(difflib.unified_diff(
                    (want_file or b"").decode("utf-8").splitlines(True),
                    (new_file or b"").decode("utf-8").splitlines(True), "expected", "actual")))
        if problems:
            failures += 1
            print(f"FAIL {name}")
            for problem in problems:
                print("  " + problem.replace("\n", "\n  "))
        else:
            print(f"ok   {name}")
    print(f"{len(names) if not only else len(only)} cases, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
