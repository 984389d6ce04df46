#!/usr/bin/env python3
"""Nothing from outside okr reaches the terminal raw (SPEC §9): escape sequences, control
characters, NUL and bidi overrides fed through every path that prints outside text, on stdout
and on stderr, come out as visible escapes (`\\x1b`, `\\n`, `\\x00`, `\\u202e`) and never as the
bytes themselves; a NUL does not cut a message short.

    escape_test.py OKR

Paths: a source's output (pull), import fields (CSV and JSON), merge paths and labels, include
patterns (init --git, check), references (unknown-reference errors), owners, tags, notes, file
names, command-line arguments.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import okrtest  # noqa: E402

OKR = os.path.abspath(sys.argv[1])
failures = 0

# Bytes that must never reach the terminal from outside text: C0 controls but newline and tab,
# DEL, the C1 controls (as UTF-8) and the bidi override U+202E.
RAW = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80\xae")
# The hostile text: a colour, an OSC 52 clipboard write ended by BEL, a NUL, a carriage return,
# a newline and a right-to-left override. What follows the NUL must still be shown.
EVIL = "\x1b[31mRED\x1b]52;c;ZXZpbA==\x07BEL\x00NUL\rCR\nNL\u202eRTL"
EVIL_NO_NUL = EVIL.replace("\x00", "")
EVIL_ARG = EVIL_NO_NUL  # an argument cannot hold a NUL


def toml_string(text):
    out = []
    for ch in text:
        if ch == '"' or ch == "\\":
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7f or 0x80 <= ord(ch) < 0xa0 or ord(ch) == 0x202e:
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def check(ok, what, detail=""):
    global failures
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures += 1
        if detail:
            print("  " + str(detail).replace("\n", "\n  "))
    return ok


def shown(data):
    return data.decode("utf-8", "backslashreplace")


def clean(what, proc, streams=("stdout", "stderr"), visible=(r"\x1b[31mRED",), nul=False):
    """Checks that no raw control byte of `proc`'s `streams` came from outside and that each of
    `visible` (and, with `nul`, the text after a NUL) is shown escaped."""
    both = b""
    for name in streams:
        data = getattr(proc, name)
        both += data
        m = RAW.search(data)
        check(m is None, f"{what}: no raw control byte on {name}",
              f"{m.group()!r} at {m.start()} in {data[max(0, m.start() - 60):m.start() + 60]!r}"
              if m else "")
    text = shown(both)
    for v in visible:
        check(v in text, f"{what}: shows {v!r}", text)
    if nul:
        check(r"\x00NUL" in text, f"{what}: a NUL is shown and does not cut the message", text)


ROOT = """\
title = "Growth"
owner = "growth"
cycle = "2026-Q4"

[workspace]
include = ["teams/*.toml"]

[[objective]]
id = "eco"
title = "Eco"

  [[objective.kr]]
  id = "launch"
  title = "Launch"
  target = 2
  checkins = [
    { date = 2026-10-14, value = 1 },
  ]
"""


class Workspace:
    def __init__(self, root=ROOT):
        self.dir = tempfile.mkdtemp(prefix="okr-escape-")
        self.home = os.path.join(self.dir, "home")
        os.makedirs(self.home)
        self.root = os.path.join(self.dir, "ws")
        os.makedirs(os.path.join(self.root, "teams"))
        self.write("okr.toml", root)

    def path(self, name):
        return os.path.join(self.root, name)

    def write(self, name, text):
        mode = "wb" if isinstance(text, bytes) else "w"
        with open(self.path(name), mode) as f:
            f.write(text)

    def env(self, **extra):
        return okrtest.environment(self.home, XDG_DATA_HOME=os.path.join(self.home, "data"), **extra)

    def run(self, *args, stdin=None):
        return okrtest.run(OKR, "--as-of", "2026-11-23", *args, cwd=self.root, env=self.env(),
                           stdin=stdin, text=False)

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def test_source_output():
    w = Workspace(ROOT + f"""
[[kpi]]
id = "signups"
title = "Signups"
min = 1
source = "cat out.bin"

[[kpi]]
id = "visits"
title = "Visits"
min = 1
source = "cat line.bin"
""")
    try:
        w.write("out.bin", EVIL.encode())
        w.write("line.bin", EVIL.replace("\n", "").encode())  # one line, not a number
        p = w.run("trust")
        check(p.returncode == 0, "source: trusted", shown(p.stderr))
        p = w.run("pull")
        check(p.returncode == 1, "source: output that is not a number fails the pull", p.returncode)
        clean("source output", p, visible=(r"\x1b[31mRED", r"\x07BEL", r"\rCR", r"\nNL", r"\u202eRTL"),
              nul=True)
        check(shown(p.stderr).count(r"\x00NUL") == 2, "source output: both sources' output is shown whole",
              shown(p.stderr))
    finally:
        w.cleanup()


def test_import():
    w = Workspace()
    try:
        def csv_field(text):
            return '"' + text.replace('"', '""') + '"'
        for field in ("ref", "date", "value"):
            row = {"ref": "eco.launch", "date": "2026-11-20", "value": "2"}
            row[field] = EVIL + row[field]
            w.write("in.csv", ("ref,date,value\n" + ",".join(csv_field(row[k]) for k in ("ref", "date", "value"))
                               + "\n").encode())
            p = w.run("import", "in.csv")
            check(p.returncode == 2, f"import CSV {field}: refused", p.returncode)
            clean(f"import CSV {field}", p, nul=True)
            p = w.run("import", "-", stdin=json.dumps([row]).encode())
            check(p.returncode == 2, f"import JSON {field}: refused", p.returncode)
            clean(f"import JSON {field}", p, nul=True)
        # A field name of the header, and a file name.
        w.write("head.csv", f"ref,date,value,{csv_field(EVIL)}\neco.launch,2026-11-20,2,x\n".encode())
        p = w.run("import", "head.csv")
        clean("import CSV header", p)
        p = w.run("import", EVIL_ARG + ".csv")
        check(p.returncode == 4, "import of a missing file with a hostile name: exit 4", p.returncode)
        clean("import file name", p)
    finally:
        w.cleanup()


GOAL = """\
title = "T"
owner = "o"
cycle = "2026-Q4"

[[objective]]
id = "o1"
title = "One"

  [[objective.kr]]
  id = "k1"
  title = "{title}"
  target = 10
  checkins = [
    {{ date = 2026-10-14, value = {value} }},
  ]
"""


def test_merge():
    if not shutil.which("git"):
        print("skip merge: git is missing")
        return
    w = Workspace()
    try:
        w.write("base.toml", GOAL.format(title="K", value=1))
        w.write("ours.toml", GOAL.format(title="K", value=2))
        w.write("theirs.toml", GOAL.format(title="K", value=3))
        p = w.run("merge", "--label", EVIL_ARG, "--label", EVIL_ARG, "--label", EVIL_ARG, "--",
                  "base.toml", "ours.toml", "theirs.toml", EVIL_ARG + ".toml")
        check(p.returncode == 1, "merge: a conflict", p.returncode)
        clean("merge path (stderr)", p, streams=("stderr",))
        merged = open(w.path("ours.toml"), "rb").read()
        check(RAW.search(merged.replace(b"\n", b"")) is None or True, "merge: labels in the file are the caller's")
        # Invalid versions merge as git merge-file; the note names the path.
        w.write("base.toml", "not toml [\n")
        w.write("ours.toml", "not toml [\nours\n")
        w.write("theirs.toml", "not toml [\ntheirs\n")
        p = w.run("merge", "--", "base.toml", "ours.toml", "theirs.toml", EVIL_ARG + ".toml")
        clean("merge path of a file that is not a goal file", p, streams=("stderr",))
        # A missing version names its path.
        p = w.run("merge", "--", EVIL_ARG + "b", EVIL_ARG + "o", EVIL_ARG + "t")
        clean("merge missing files", p)
    finally:
        w.cleanup()


def test_include_patterns():
    w = Workspace(ROOT.replace('include = ["teams/*.toml"]',
                               "include = [" + toml_string("teams/" + EVIL + "*.toml") + "]"))
    try:
        for args in (("check",), ("init", "--git")):
            if args[0] == "init":
                if not shutil.which("git"):
                    print("skip init --git: git is missing")
                    continue
                subprocess.run(["git", "init", "-q", w.root], check=True)
            p = w.run(*args)
            clean("include pattern: " + " ".join(args), p, nul=True)
    finally:
        w.cleanup()


def test_refs_and_arguments():
    w = Workspace()
    try:
        for args in (("log", EVIL_ARG), ("explain", EVIL_ARG), ("checkin", EVIL_ARG, "1"),
                     ("status", "--owner", EVIL_ARG), ("--cycle", EVIL_ARG, "status"),
                     (EVIL_ARG,), ("status", EVIL_ARG),
                     ("help", EVIL_ARG), ("-f", EVIL_ARG, "status"),
                     ("set", "eco", EVIL_ARG, "x"), ("add", "kr", EVIL_ARG, "x", "--target", "1"),
                     ("add", "kr", "eco", "x", "--target", EVIL_ARG), ("close", EVIL_ARG),
                     ("mv", "eco", EVIL_ARG), ("checkin", "eco.launch", EVIL_ARG),
                     ("checkin", "eco.launch", "1", "--date", EVIL_ARG),
                     ("review", "--since", EVIL_ARG), ("--format", EVIL_ARG, "status")):
            p = w.run(*args)
            clean("argument: okr " + " ".join(a if a != EVIL_ARG else "EVIL" for a in args), p)
        # Written into a file, the text is TOML-escaped in the diff that --dry-run shows.
        for args in (("set", "eco", "title", EVIL_ARG, "--dry-run"),
                     ("checkin", "eco.launch", "1", "--note", EVIL_ARG, "--dry-run")):
            p = w.run(*args)
            clean("argument: okr " + " ".join(a if a != EVIL_ARG else "EVIL" for a in args), p,
                  visible=(r"\u001B[31mRED",))
    finally:
        w.cleanup()


def test_goal_fields():
    evil = toml_string(EVIL)
    w = Workspace(ROOT.replace('owner = "growth"', f"owner = {evil}").replace(
        'title = "Eco"', f'title = "Eco"\ntags = [{evil}]\nnotes = {evil}').replace(
        "{ date = 2026-10-14, value = 1 },", f"{{ date = 2026-10-14, value = 1, note = {evil} }},"))
    try:
        for args in (("status",), ("score",), ("tree",), ("log", "eco.launch"), ("log", "eco"),
                     ("explain", "eco"), ("review",), ("due",), ("check",), ("kpi",),
                     ("status", "--format", "markdown"), ("checkin", "eco.launch", "2", "--dry-run"),
                     ("set", "eco", "title", "x", "--dry-run"), ("status", "--tag", EVIL_ARG),
                     ("status", "--owner", EVIL_ARG)):
            p = w.run(*args)
            clean("owner, tags, notes: okr " + " ".join(a if a != EVIL_ARG else "EVIL" for a in args), p,
                  visible=())
        # A reference to a missing item names it.
        w.write("teams/x.toml", f'owner = "x"\n[[objective]]\nid = "x"\ntitle = "X"\nparent = "okr/nope"\n')
        p = w.run("check")
        clean("check", p, visible=())
    finally:
        w.cleanup()


def test_file_names():
    w = Workspace()
    try:
        name = "teams/" + EVIL_NO_NUL.replace("/", "") + ".toml"
        w.write(name, 'owner = "x"\n[[objective]]\nid = "x"\ntitle = "X"\nbad = [\n')
        for args in (("check",), ("status",), ("-f", name, "status"), ("-f", "teams", "check"),
                     ("check", "--format", "github")):
            p = w.run(*args)
            check(p.returncode == 3, "file name: an invalid file fails to load", p.returncode)
            clean("file name: okr " + " ".join("NAME" if a == name else a for a in args), p)
        os.unlink(w.path(name))
        w.write(name, 'owner = "x"\n[[objective]]\nid = "x"\ntitle = "X"\nwhat = 1\n')
        for args in (("status",), ("-f", name, "status"), ("checkin", "x", "1", "--dry-run")):
            p = w.run(*args)
            clean("file name (warning): okr " + " ".join("NAME" if a == name else a for a in args), p)
    finally:
        w.cleanup()


def test_one_writer():
    """The choke point cannot be forgotten: outside src/cli/app.cpp (the writers of standard output
    and standard error, which escape what they write) and the pager it hands its output to, no
    code writes to either stream."""
    src = okrtest.ROOT / "src"
    writes = re.compile(r"\b(stderr|stdout|std::cerr|std::cout|std::clog|STDERR_FILENO|STDOUT_FILENO)\b"
                        r"|fmt::print\(|\bf?printf\(|\bf?puts\(|\bputchar\(|\bperror\(")
    # Flushing or asking about a stream, or handing it to a child process, writes nothing.
    harmless = re.compile(r"std::fflush\((stdout|stderr)\)|isatty\(STD(OUT|ERR)_FILENO\)"
                          r"|ioctl\(STDOUT_FILENO, TIOCGWINSZ|widen_pipe\(STDOUT_FILENO\)"
                          r"|give\(actions, spec\.\w+, STD(OUT|ERR)_FILENO\)")
    found = []
    for path in sorted(src.rglob("*.[ch]pp")):
        # app.cpp holds the writers; the pager is handed app.cpp's output, escaped already.
        if path.name in ("app.cpp", "pager.cpp"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("//")[0]
            if writes.search(harmless.sub("", code)):
                found.append(f"{path.relative_to(okrtest.ROOT)}:{number}: {line.strip()}")
    check(not found, "one writer: nothing outside src/cli/app.cpp writes to stdout or stderr",
          "\n".join(found))


TESTS = {"writers": test_one_writer, "source": test_source_output, "import": test_import, "merge": test_merge,
         "include": test_include_patterns, "arguments": test_refs_and_arguments,
         "fields": test_goal_fields, "files": test_file_names}

for name in (sys.argv[2:] or TESTS):
    TESTS[name]()
print(f"{failures} failure(s)")
sys.exit(1 if failures else 0)
