#!/usr/bin/env python3
"""Not a regular file is an I/O error everywhere (SPEC §2, issue 27).

A FIFO, a character or block device, a socket, or a link to one, named `*.toml`, whether matched
by an include glob, named literally in `include`, named by `-f PATH` or `OKR_FILE`, or found under
`-f DIR`, makes every command (reads and writes) exit 4 with an error that names the file, says
what it is and how to fix it, and never blocks: each run has a timeout, so a FIFO opened for
reading fails the test instead of hanging it.
Usage: not_regular_test.py OKR_BINARY
"""
import os
import socket
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import okrtest  # noqa: E402

BINARY = os.path.abspath(sys.argv[1])
checks = okrtest.Checks()
ROOT_FILE = 'cycle = "2026-Q4"\n[workspace]\ninclude = [{includes}]\n\n' \
            '[[objective]]\nid = "grow"\ntitle = "Grow"\n\n' \
            '[[objective.kr]]\nid = "signups"\ntitle = "Signups"\nstart = 0\ntarget = 10\n'


def okr(folder, *args, **env):
    try:
        return okrtest.run(BINARY, "--as-of", "2026-11-23", *args, cwd=folder,
                           env=okrtest.environment(folder, **env), timeout=10)
    except subprocess.TimeoutExpired:
        return None


def block_device():
    """A block device to link to, or None: made with mknod where allowed, else one in /dev."""
    for entry in sorted(Path("/dev").iterdir()) if Path("/dev").is_dir() else []:
        try:
            if stat.S_ISBLK(entry.stat().st_mode):
                return str(entry)
        except OSError:
            continue
    return None


def make(folder, name, kind):
    """Makes `name` in `folder` as `kind`; returns the words the error must say, or None when the
    system cannot make one."""
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if kind == "fifo":
        os.mkfifo(path)
        return "a FIFO"
    if kind == "zero":
        os.symlink("/dev/zero", path)
        return "a link to /dev/zero, a character device"
    if kind == "null":
        os.symlink("/dev/null", path)
        return "a link to /dev/null, a character device"
    if kind == "fifo-link":
        os.mkfifo(path.parent / "pipe")
        os.symlink("pipe", path)
        return "a link to pipe, a FIFO"
    if kind == "block":
        device = block_device()
        if device is None:
            return None
        os.symlink(device, path)
        return f"a link to {device}, a block device"
    if kind == "socket":
        s = socket.socket(socket.AF_UNIX)
        try:
            s.bind(str(path))
        except OSError:
            return None
        finally:
            s.close()
        return "a socket"
    raise ValueError(kind)


def expect_io_error(p, name, what, how):
    if p is None:
        checks.check(False, f"{how}: okr returns (no block)", "timed out after 10 s")
        return
    checks.check(p.returncode == 4, f"{how}: exit 4", f"exit {p.returncode}\n{p.stdout}{p.stderr}")
    checks.check(name in p.stderr and what in p.stderr and "hint:" in p.stderr,
                 f"{how}: the error names {name}, says it is {what}, and how to fix it", p.stderr)


# (how the file is reached, the includes of okr.toml, the file's name, the command's arguments,
# its environment)
SHAPES = [
    ("matched by an include glob", '"teams/*.toml"', "teams/x.toml", [], {}),
    ("named literally in include", '"x.toml"', "x.toml", [], {}),
    ("named by -f PATH", '', "x.toml", ["-f", "x.toml"], {}),
    ("named by OKR_FILE", '', "x.toml", [], {"OKR_FILE": "x.toml"}),
    ("found under -f DIR", '', "goals/x.toml", ["-f", "goals"], {}),
]
KINDS = ["fifo", "zero", "null", "fifo-link", "block", "socket"]

for how, includes, name, args, env in SHAPES:
    for kind in KINDS:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder) / ("goals/okr.toml" if name.startswith("goals/") else "okr.toml")
            root.parent.mkdir(parents=True, exist_ok=True)
            root.write_text(ROOT_FILE.format(includes=includes))
            what = make(folder, name, kind)
            if what is None:
                print(f"skip {how}, {kind}: this system cannot make one")
                continue
            for command in (["status"], ["check"], ["status", "--format", "json"], ["explain", "grow"]):
                p = okr(folder, *args, *command, **env)
                expect_io_error(p, name, what, f"{kind} {how}, okr {' '.join(command)}")
            # Write commands read the same files: nothing is written either.
            before = root.read_bytes()
            p = okr(folder, *args, "checkin", "grow.signups", "5", **env)
            expect_io_error(p, name, what, f"{kind} {how}, okr checkin")
            checks.check(root.read_bytes() == before, f"{kind} {how}: checkin changed no file")

# okr.toml itself, found walking up from the working folder: named, not passed over for a parent's.
for kind in KINDS:
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "okr.toml").write_text(ROOT_FILE.format(includes=""))
        inner = Path(folder, "inner")
        inner.mkdir()
        what = make(inner, "okr.toml", kind)
        if what is None:
            print(f"skip okr.toml found walking up, {kind}: this system cannot make one")
            continue
        for command in (["status"], ["checkin", "grow.signups", "5"]):
            p = okr(inner, *command)
            expect_io_error(p, "okr.toml", what, f"{kind} okr.toml found walking up, okr {' '.join(command)}")

# A folder named like a goal file is still a folder: an include glob or `-f DIR` passes over it.
with tempfile.TemporaryDirectory() as folder:
    Path(folder, "okr.toml").write_text(ROOT_FILE.format(includes='"teams/*.toml"'))
    Path(folder, "teams/odd.toml").mkdir(parents=True)
    p = okr(folder, "status")
    checks.check(p is not None and p.returncode == 0, "a folder named *.toml under an include glob is passed over",
                 p and p.stderr)
    p = okr(folder, "-f", ".", "status")
    checks.check(p is not None and p.returncode == 0, "a folder named *.toml under -f DIR is passed over",
                 p and p.stderr)

sys.exit(checks.result())
