#!/usr/bin/env python3
"""The model cache (SPEC §14) end to end: where it lives, that it is used, and that it never
changes an output: not after an edit that keeps a file's size and modification time, not with
damaged or foreign entries, not when its folder cannot be written, not with many okr at once.

Usage: cache_test.py OKR_BINARY PART    (PART: where, edits, stamps, damage, unwritable, bound, detached,
                                         many, complete, variable, forge, owners)
Every run has a temporary HOME and cache: the test never touches the user's cache.
"""
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import okrtest  # noqa: E402
import tools  # noqa: E402
OKR = os.path.abspath(sys.argv[1])
FAILURES = []

GOALS = """\
title = "Cache"
owner = "ana"
cycle = "2026-Q4"

[[objective]]
id = "grow"
title = "Grow"

  [[objective.kr]]
  id = "users"
  title = "Users from 10 to 50"
  start = 10
  target = 50
  checkins = [ { date = 2026-11-02, value = 20 }, { date = 2026-11-16, value = 31 } ]
"""


def check(ok, what, detail=""):
    if not ok:
        FAILURES.append(f"{what}\n{detail}")
        print(f"FAIL: {what}\n{detail}", flush=True)


class Sandbox:
    """A temporary HOME with a goal file, and the okr runs made in it."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="okr-cache-test-"))
        self.home = self.dir / "home"
        self.home.mkdir()
        self.goals = self.dir / "goals"
        self.goals.mkdir()
        (self.goals / "okr.toml").write_text(GOALS, encoding="utf-8")

    def env(self, **extra):
        # okrtest's environment without the build's cache: each test here chooses its own.
        env = okrtest.environment(self.home, USER=None, XDG_CACHE_HOME=None, OKR_CACHE=None)
        env.update({k: v for k, v in extra.items() if v is not None})
        return env

    def run(self, *args, **env):
        p = okrtest.run(OKR, "--as-of", "2026-11-23", *args, cwd=self.goals, env=self.env(**env))
        return p.returncode, p.stdout, p.stderr

    def teams(self, count):
        """Adds goal files t00.toml, t01.toml... beside okr.toml, each with its own objective."""
        for i in range(count):
            (self.goals / f"t{i:02}.toml").write_text(GOALS.replace('"Cache"', f'"T{i}"')
                                                      .replace('id = "grow"', f'id = "g{i}"'),
                                                      encoding="utf-8")

    def status(self, **env):
        return self.run("status", "--format", "json", **env)

    def cleanup(self):
        for p in self.dir.rglob("*"):  # folders made read-only by a test
            if p.is_dir() and not p.is_symlink():
                p.chmod(0o700)
        shutil.rmtree(self.dir, ignore_errors=True)


def entries(folder):
    """The cache entries below `folder`: {path: bytes}."""
    return {p: p.read_bytes() for p in Path(folder).rglob("*")
            if p.is_file() and p.name != "writing.lock" and ".stamps" not in p.name}


def stamps(folder):
    """The stamps files below `folder` (one per workspace, beside the entries): {path: bytes}."""
    return {p: p.read_bytes() for p in Path(folder).rglob("*.stamps") if p.is_file()}


# File systems whose ctime changes on every write, on which okr keeps files' stamps (statfs
# types, as `stat -f -c %t` prints them): ext2/3/4, XFS, Btrfs, tmpfs, overlayfs, F2FS, ZFS,
# bcachefs.
STAMPED_FILE_SYSTEMS = {"ef53", "58465342", "9123683e", "1021994", "794c7630", "f2f52010",
                        "2fc12fc1", "ca451a4e"}


def wait_for_writer(folder, seconds=60):
    """Waits until no process writes entries into `folder`: a first run of 64 files or more
    leaves its entries to a process of its own, which holds a shared lock on writing.lock. True
    when it is done (or there was none)."""
    lock = Path(folder) / "writing.lock"
    if not lock.exists():
        return True
    with open(lock, "rb") as f:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return True
            except BlockingIOError:
                time.sleep(0.02)
    return False


def edit_keeping_size_and_time(path, old, new):
    """Replaces `old` with `new`, as long, in the file at `path`, then sets its modification time
    back: its size and mtime are as before (its ctime is not: no program can set that)."""
    st = path.stat()
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    check(path.stat().st_size == st.st_size and path.stat().st_mtime_ns == st.st_mtime_ns,
          "the edit keeps size and modification time")


def test_where():
    s = Sandbox()
    try:
        plain = s.status(OKR_CACHE="off")
        check(plain[0] == 0 and plain[2] == "", "status runs", plain)
        check(not (s.home / ".cache").exists(), "OKR_CACHE=off writes no cache")
        check(s.status() == plain, "the default cache gives the same output")
        default = s.home / ".cache" / "okr"
        check(len(entries(default)) == 1, "without XDG_CACHE_HOME the cache is ~/.cache/okr",
              str(entries(s.home)))
        mode = default.stat().st_mode & 0o777
        check(mode == 0o700, "the cache folder is private", oct(mode))
        xdg = s.dir / "xdg"
        check(s.status(XDG_CACHE_HOME=str(xdg)) == plain, "XDG_CACHE_HOME: same output")
        check(len(entries(xdg / "okr")) == 1, "the cache is $XDG_CACHE_HOME/okr")
        mine = s.dir / "mine"
        check(s.status(XDG_CACHE_HOME=str(xdg), OKR_CACHE=str(mine)) == plain,
              "OKR_CACHE=DIR: same output")
        check(len(entries(mine)) == 1, "OKR_CACHE=DIR puts the cache in DIR")

        # A warm run reads the entry and writes nothing.
        before = {p: (b, p.stat().st_mtime_ns) for p, b in entries(mine).items()}
        check(s.status(OKR_CACHE=str(mine)) == plain, "warm: same output")
        after = {p: (b, p.stat().st_mtime_ns) for p, b in entries(mine).items()}
        check(before == after, "a warm run leaves the cache as it was")
    finally:
        s.cleanup()


def test_edits():
    """An edit that keeps the size and the modification time is seen: the key is the content."""
    s = Sandbox()
    try:
        cache = str(s.dir / "cache")
        first = s.status(OKR_CACHE=cache)
        check('"current": 31' in first[1], "the first run shows the latest check-in", first[1])
        path = s.goals / "okr.toml"
        edit_keeping_size_and_time(path, "value = 31", "value = 47")
        second = s.status(OKR_CACHE=cache)
        check('"current": 47' in second[1], "the edited value is shown", second[1])
        check(second == s.status(OKR_CACHE="off"), "the same as without the cache")
        # Back to the first text: its entry is still there and still right.
        path.write_text(GOALS, encoding="utf-8")
        check(s.status(OKR_CACHE=cache) == first, "the first text gives the first output again")
        check(len(entries(cache)) == 2, "one entry per content")

        # An invalid file: its errors come from the cache just the same.
        path.write_text(GOALS.replace('id = "users"', 'id = "bad id"'), encoding="utf-8")
        cold = s.run("check", OKR_CACHE=cache)
        check(cold[0] == 3 and "bad id" in cold[1] + cold[2], "check reports the error", cold)
        check(s.run("check", OKR_CACHE=cache) == cold, "check: warm as cold")
        check(s.status(OKR_CACHE=cache) == s.status(OKR_CACHE="off"), "status: warm as cold")
    finally:
        s.cleanup()


def test_damage():
    """Truncated, corrupt and foreign entries are ignored and replaced."""
    s = Sandbox()
    try:
        cache = s.dir / "cache"
        plain = s.status(OKR_CACHE="off")
        (s.goals / "other.toml").write_text(GOALS.replace('"Cache"', '"Other"'), encoding="utf-8")
        other = s.run("-f", "other.toml", "status", "--format", "json", OKR_CACHE="off")
        s.run("-f", "other.toml", "status", OKR_CACHE=str(cache))
        (theirs,) = entries(cache)
        s.status(OKR_CACHE=str(cache))
        found = entries(cache)
        check(len(found) == 2, "two files, two entries", str(found))
        (ours,) = [p for p in found if p != theirs]
        good = found[ours]
        damages = {
            "empty": b"",
            "truncated": good[: len(good) // 2],
            "header only": good[:44],
            "a byte changed": good[:-3] + bytes([good[-3] ^ 1]) + good[-2:],
            "a byte too many": good + b"\0",
            "garbage": os.urandom(len(good)),
            "another file's entry": found[theirs],
            "a folder": None,
        }
        for what, data in damages.items():
            if data is None:
                ours.unlink()
                ours.mkdir()
            else:
                ours.write_bytes(data)
            got = s.status(OKR_CACHE=str(cache))
            check(got == plain, f"an entry that is {what}: same output, no message", str(got))
            if data is None:
                ours.rmdir()
                s.status(OKR_CACHE=str(cache))
            check(ours.read_bytes() == good, f"an entry that is {what} is replaced")
        check(s.run("-f", "other.toml", "status", "--format", "json", OKR_CACHE=str(cache)) == other,
              "the other file's entry is still good")
    finally:
        s.cleanup()


def test_unwritable():
    """A cache folder that cannot be written means no cache, and no message."""
    s = Sandbox()
    try:
        plain = s.status(OKR_CACHE="off")
        blocker = s.dir / "a-file"
        blocker.write_text("not a folder")
        check(s.status(OKR_CACHE=str(blocker / "okr")) == plain, "a cache path under a file")
        check(s.status(XDG_CACHE_HOME=str(blocker)) == plain, "XDG_CACHE_HOME is a file")
        check(s.status(OKR_CACHE="/proc/okr-cache") == plain, "a cache in /proc")
        locked = s.dir / "locked"
        locked.mkdir()
        s.status(OKR_CACHE=str(locked))
        for p in [locked, *locked.rglob("*")]:
            if p.is_dir():
                p.chmod(0o500)
        check(s.status(OKR_CACHE=str(locked)) == plain, "a read-only cache that holds the entry")
        (s.goals / "okr.toml").write_text(GOALS.replace("31", "32"), encoding="utf-8")
        got = s.status(OKR_CACHE=str(locked))
        check(got == s.status(OKR_CACHE="off") and got[2] == "",
              "a read-only cache without the entry", str(got))
    finally:
        s.cleanup()


def test_bound():
    """The cache stays within OKR_CACHE_SIZE; the entries used last stay."""
    s = Sandbox()
    try:
        cache = s.dir / "cache"
        files = s.dir / "many"
        files.mkdir()
        # 300 entries of about 850 bytes in 256 folders of 1 KB each (the bound's share): some
        # folder holds two (pigeonhole), so something is evicted whatever the keys are. (Before,
        # entries were smaller, and eviction hung on how the keys fell into folders.)
        notes = 'title = "Grow"\nnotes = "' + "n" * 600 + '"'
        for i in range(300):
            (files / f"t{i:03}.toml").write_text(
                GOALS.replace('"Cache"', f'"Team {i}"').replace('id = "grow"', f'id = "g{i}"')
                .replace('title = "Grow"', notes),
                encoding="utf-8")
        bound = 256 * 1024
        args = ("-f", str(files), "status", "--format", "json")
        plain = s.run(*args, OKR_CACHE="off")
        check(plain[0] == 0, "300 files load", plain[2])
        for _ in range(2):
            check(s.run(*args, OKR_CACHE=str(cache), OKR_CACHE_SIZE="256K") == plain,
                  "a bounded cache gives the same output")
            check(wait_for_writer(cache), "the entries' writer ends")
            total = sum(len(b) for b in entries(cache).values())
            check(0 < total <= bound, "the cache stays within OKR_CACHE_SIZE", str(total))
        check(len(entries(cache)) < 300, "entries were evicted", str(len(entries(cache))))
        small = s.dir / "small"
        s.run(*args, OKR_CACHE=str(small), OKR_CACHE_SIZE="1K")
        check(wait_for_writer(small), "the entries' writer ends")
        check(sum(len(b) for b in entries(small).values()) <= 1024, "a tiny bound holds too")
    finally:
        s.cleanup()


class closed_pipe:
    """The write end of a pipe whose reader has already quit, for a child's stdout: its first
    write fails (SIGPIPE) however fast it is. (Closing the parent's read end after the start
    raced a fast okr, which could fill the pipe's buffer and exit 0 first.)"""

    def __init__(self):
        r, self.w = os.pipe()
        os.close(r)

    def fileno(self):
        return self.w

    def __del__(self):
        os.close(self.w)


def test_detached():
    """A first run of 64 files or more returns once its output is out: a process of its own writes
    the entries. It does not hold the caller's pipes, leaves no temporary file, and the warm run
    that follows reads every entry (none is written again)."""
    s = Sandbox()
    try:
        cache = s.dir / "cache"
        s.teams(80)
        args = ("-f", ".", "status", "--format", "json")
        plain = s.run(*args, OKR_CACHE="off")
        check(plain[0] == 0 and plain[2] == "", "81 files load", plain[2])
        # stdout and stderr are pipes: run() returns when every holder has closed them.
        cold = s.run(*args, OKR_CACHE=str(cache))
        check(cold == plain, "cold: the same output", str(cold[2]))
        check((cache / "writing.lock").exists(), "the writer's lock file is in the cache folder")
        check(wait_for_writer(cache), "the entries' writer ends")
        names = [p.name for p in entries(cache)]
        check(len(names) == 81 and all(".tmp." not in n for n in names),
              "one entry per file, no temporary file left", str(len(names)))
        before = {p: p.stat().st_mtime_ns for p in entries(cache)}
        check(s.run(*args, OKR_CACHE=str(cache)) == plain, "then warm: the same output")
        check(wait_for_writer(cache), "no writer is left")
        check({p: p.stat().st_mtime_ns for p in entries(cache)} == before,
              "the warm run wrote nothing")
        # A reader that quits before okr writes a byte: okr's writes fail, and once the command
        # is done and the entries' writer started, okr ends by SIGPIPE, as any tool does.
        cut = s.dir / "cut"
        p = subprocess.Popen([OKR, "--as-of", "2026-11-23", *args], cwd=s.goals,
                             env=s.env(OKR_CACHE=str(cut)), stdout=closed_pipe(),
                             stderr=subprocess.DEVNULL)
        p.wait(timeout=60)
        check(p.returncode == -signal.SIGPIPE, "okr ends by SIGPIPE when its reader has quit",
              str(p.returncode))
        check(wait_for_writer(cut) and len(entries(cut)) == 81,
              "a command cut short still leaves every entry", str(len(entries(cut))))
        # A command that fails once the workspace is loaded still leaves every entry.
        failed = s.dir / "failed"
        code, _, err = s.run(*args[:2], "status", "no-such-objective", OKR_CACHE=str(failed))
        check(code == 2 and wait_for_writer(failed) and len(entries(failed)) == 81,
              "a large first run that fails after loading still leaves every entry",
              f"{code} {err} {len(entries(failed))}")
        # Under 64 files, the command writes its entries itself before it ends.
        few = s.dir / "few"
        s.run("-f", "t00.toml", "status", OKR_CACHE=str(few))
        check(len(entries(few)) == 1 and not (few / "writing.lock").exists(),
              "a small run writes its entry itself")
        # ...and when its reader quits, writes it before SIGPIPE ends it.
        few_cut = s.dir / "few-cut"
        p = subprocess.Popen([OKR, "--as-of", "2026-11-23", "-f", "t00.toml", "status"],
                             cwd=s.goals, env=s.env(OKR_CACHE=str(few_cut)),
                             stdout=closed_pipe(), stderr=subprocess.DEVNULL)
        p.wait(timeout=60)
        names = [q.name for q in entries(few_cut)]
        check(p.returncode == -signal.SIGPIPE and len(names) == 1 and ".tmp." not in names[0],
              "a small run cut short writes its entry, then ends by SIGPIPE",
              f"{p.returncode} {names}")
    finally:
        wait_for_writer(s.dir / "cache")
        wait_for_writer(s.dir / "cut")
        wait_for_writer(s.dir / "failed")
        s.cleanup()


def test_many():
    """Many okr at once on one cold cache: every output is right, nothing half-written stays."""
    s = Sandbox()
    try:
        cache = s.dir / "cache"
        s.teams(40)
        args = ("-f", ".", "status", "--format", "json")
        plain = s.run(*args, OKR_CACHE="off")
        with ThreadPoolExecutor(max_workers=12) as pool:
            runs = list(pool.map(lambda _: s.run(*args, OKR_CACHE=str(cache)), range(24)))
        check(all(r == plain for r in runs), "every concurrent run gives the same output")
        names = [p.name for p in entries(cache)]
        check(len(names) == 41 and all(".tmp." not in n for n in names),
              "one entry per file, no temporary file left", str(names))
        check(s.run(*args, OKR_CACHE=str(cache)) == plain, "then warm: the same output")
    finally:
        s.cleanup()


def test_complete():
    """Completion reads only the head of each entry (no check-ins): the same words as without the
    cache, whether the entries were written by completion or by status, and after an edit."""
    s = Sandbox()
    try:
        cache = s.dir / "cache"
        # Two files share ids, so some items complete by their short form and some in full.
        (s.goals / "web.toml").write_text(GOALS.replace('"Cache"', '"Web"')
                                          .replace('id = "users"', 'id = "visits"'),
                                          encoding="utf-8")
        cases = [("objectives,krs,kpis", ""), ("objectives,krs", "grow."), ("krs", "okr/"),
                 ("owners,tags,cycles", "")]

        def words(**env):
            return [s.run("-f", ".", "__complete", what, "--", prefix, **env)
                    for what, prefix in cases]

        plain = words(OKR_CACHE="off")
        check(all(r[0] == 0 and r[1] for r in plain), "completion completes", str(plain))
        check(words(OKR_CACHE=str(cache)) == plain, "cold (entries written by completion)")
        check(words(OKR_CACHE=str(cache)) == plain, "warm: the same words")
        shutil.rmtree(cache)
        s.run("-f", ".", "status", OKR_CACHE=str(cache))
        check(words(OKR_CACHE=str(cache)) == plain, "warm from entries written by status")
        check(s.run("-f", ".", "status", "--format", "json", OKR_CACHE=str(cache)) ==
              s.run("-f", ".", "status", "--format", "json", OKR_CACHE="off"),
              "status after completion: the same output")

        # Each entry cut inside its head: a miss, the same words, and the entry is replaced.
        for path, data in entries(cache).items():
            path.write_bytes(data[:70])
        check(words(OKR_CACHE=str(cache)) == plain, "entries cut short: the same words")
        check(all(len(b) > 70 for b in entries(cache).values()), "cut entries are replaced")

        text = (s.goals / "web.toml").read_text(encoding="utf-8")
        (s.goals / "web.toml").write_text(text.replace('id = "visits"', 'id = "clicks"'),
                                          encoding="utf-8")
        after = words(OKR_CACHE=str(cache))
        check(after == words(OKR_CACHE="off") and after != plain, "an edit is seen", str(after))
    finally:
        s.cleanup()


def test_stamps():
    """A goal file unchanged for a second is known by its stamp (device, inode, size, times): a
    warm run finds its entry without reading it. An edit that keeps the size and modification
    time still changes the ctime, which no program can set, and is seen."""
    s = Sandbox()
    try:
        kind = subprocess.run(["stat", "-f", "-c", "%t", str(s.goals)], capture_output=True,
                              text=True).stdout.strip()
        if kind not in STAMPED_FILE_SYSTEMS:
            s.cleanup()
            tools.skip(f"{s.goals} is on a file system of type {kind}, where okr keeps no stamps")
        strace = tools.require("strace")
        cache = s.dir / "cache"
        path = s.goals / "okr.toml"
        plain = s.status(OKR_CACHE="off")
        path.chmod(0o644)  # a new ctime, just now, however long the runs above took
        first = s.status(OKR_CACHE=str(cache))
        check(first == plain and not stamps(cache),
              "a file changed within the last second: no stamp kept", str(stamps(cache)))
        time.sleep(1.2)  # the settle time: a stamp is kept once its file is a second old
        check(s.status(OKR_CACHE=str(cache)) == plain, "warm: the same output")
        kept = stamps(cache)
        check(len(kept) == 1, "the workspace's stamps are kept beside the entries", str(kept))
        check(s.status(OKR_CACHE=str(cache)) == plain and stamps(cache) == kept,
              "known by its stamp: the same output, the stamps unchanged")
        # Known by its stamp: opened to check that it may be read, never read.
        trace = s.dir / "trace"
        subprocess.run([strace, "-f", "-qq", "-e", "trace=read", "-y", "-o",
                        str(trace), OKR, "--as-of", "2026-11-23", "status", "--format", "json"],
                       cwd=s.goals, env=s.env(OKR_CACHE=str(cache)), capture_output=True,
                       timeout=60)
        reads = trace.read_text(encoding="utf-8", errors="replace")
        check("read(" in reads and "okr.toml>" not in reads, "a warm run reads no goal file",
              "\n".join(line for line in reads.splitlines() if "okr.toml" in line))

        edit_keeping_size_and_time(path, "value = 31", "value = 47")
        second = s.status(OKR_CACHE=str(cache))
        check('"current": 47' in second[1], "the edited value is shown", second[1])
        check(second == s.status(OKR_CACHE="off"), "the same as without the cache")
        time.sleep(1.2)
        check(s.status(OKR_CACHE=str(cache)) == second, "settled again: the same output")
        check(stamps(cache) != kept, "the new stamp is kept")
        check(s.status(OKR_CACHE=str(cache)) == second, "known by its new stamp: the same output")

        # A file made unreadable: chmod changes the ctime too, and the error is the same.
        if os.geteuid() != 0:  # root reads anything
            path.chmod(0)
            denied, off = s.status(OKR_CACHE=str(cache)), s.status(OKR_CACHE="off")
            path.chmod(0o644)
            check(denied[0] == 4 and denied == off, "an unreadable file: the same error", denied)
    finally:
        s.cleanup()


# ---- issue 27: OKR_CACHE's values, forged entries, and a cache someone else could write

def test_variable():
    """OKR_CACHE takes off (0, false, no; any case, blanks around it) or an absolute folder;
    anything else is a usage error (exit 2) naming OKR_CACHE, and no run makes a folder in the
    working directory."""
    s = Sandbox()
    try:
        plain = s.status(OKR_CACHE="off")
        check(plain[0] == 0 and plain[2] == "", "status runs", plain)

        def listing():
            return sorted(str(p.relative_to(s.dir)) for p in s.dir.rglob("*"))

        before = listing()
        for value in ["off", "OFF", "Off", "0", "false", "FALSE", "False", "no", "NO", " off ",
                      "\toff\n", " 0"]:
            got = s.status(OKR_CACHE=value)
            check(got == plain, f"OKR_CACHE={value!r} turns the cache off: same output", str(got))
            check(listing() == before, f"OKR_CACHE={value!r} writes no folder", str(listing()))
        for value in ["ON", "on", "true", "TRUE", "1", "yes", "", " ", "\t", "cache",
                      "relative/dir", "./cache", "../cache", "~/cache", "offf", "of f", "off/x"]:
            for args in [("status", "--format", "json"), ("check",), ()]:
                code, out, err = s.run(*args, OKR_CACHE=value)
                what = f"okr {' '.join(args)} with OKR_CACHE={value!r}"
                check(code == 2, f"{what}: a usage error (exit 2)", f"{code}\n{out}\n{err}")
                check(out == "", f"{what}: nothing on stdout", out)
                check("OKR_CACHE" in err and "absolute" in err and "off" in err
                      and err.startswith("okr: error:"),
                      f"{what}: the error names OKR_CACHE and what it takes", err)
                check(listing() == before, f"{what}: no folder made", str(listing()))
        # An absolute path is taken as it is.
        mine = s.dir / "mine"
        check(s.status(OKR_CACHE=str(mine)) == plain, "an absolute folder: same output")
        check(len(entries(mine)) == 1, "an absolute folder holds the entry")
        # A relative HOME (or XDG_CACHE_HOME) is no place for the cache: not the working folder.
        for env in [{"HOME": "."}, {"HOME": "home"}, {"HOME": "", "XDG_CACHE_HOME": "rel"}]:
            before = listing()
            got = s.status(**env)
            check(got == plain, f"{env}: same output", str(got))
            check(listing() == before, f"{env}: no folder made", str(listing()))
    finally:
        s.cleanup()


MAGIC = b"okrcache"
HEADER = 60  # magic 8, format 4, key 16, payload size 8, payload sum 8, head size 8, head sum 8
MASK = (1 << 64) - 1


def xxh3():
    """libxxhash's XXH3_64bits and XXH3_64bits_withSeed through ctypes (okr links the same
    library; a forger has it too), or a skip."""
    import ctypes
    import ctypes.util
    for name in [ctypes.util.find_library("xxhash"), "libxxhash.so.0", "libxxhash.so"]:
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        lib.XXH3_64bits.restype = ctypes.c_uint64
        lib.XXH3_64bits.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
        lib.XXH3_64bits_withSeed.restype = ctypes.c_uint64
        lib.XXH3_64bits_withSeed.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint64]
        return (lambda b: lib.XXH3_64bits(b, len(b)),
                lambda b, seed: lib.XXH3_64bits_withSeed(b, len(b), seed & MASK))
    tools.skip("libxxhash is not installed (apt-get install libxxhash-dev): forging entries needs "
               "XXH3")


def u64(b, at):
    return int.from_bytes(b[at:at + 8], "little")


def le(v, n=8):
    return (v & ((1 << (8 * n)) - 1)).to_bytes(n, "little")


class Forger:
    """Builds entries as okr lays them out, with checksums recomputed as anyone can."""

    def __init__(self):
        self.h64, self.h64_seed = xxh3()

    def sign(self, fmt, key, payload, head_size, old_way=False):
        """An entry of format `fmt` for `key` whose checksums all hold: as the running okr
        computes them (the head sum seeded by the hash of the header before it, format 3 on),
        or as format 2 did (seeded by payload size + payload sum, the key uncovered)."""
        psum = self.h64(payload)
        header = MAGIC + le(fmt, 4) + key + le(len(payload)) + le(psum) + le(head_size)
        seed = len(payload) + psum if old_way or fmt < 3 else self.h64(header)
        return header + le(self.h64_seed(payload[:head_size], seed)) + payload

    def resign(self, entry, key=None, payload=None, old_way=False):
        """`entry` with its key and/or payload replaced, every checksum recomputed."""
        fmt = int.from_bytes(entry[8:12], "little")
        key = entry[12:28] if key is None else key
        payload = entry[HEADER:] if payload is None else payload
        head_size = min(u64(entry, 44), len(payload))
        return self.sign(fmt, key, payload, head_size, old_way)


def two_entries(s, cache, runner=None):
    """Fills `cache` with the entries of okr.toml (ours) and other.toml (theirs), one run each;
    returns their paths. `runner` runs okr (default: s.run)."""
    run = runner or s.run
    run("-f", "other.toml", "status", OKR_CACHE=str(cache))
    (theirs,) = entries(cache)
    run("status", OKR_CACHE=str(cache))
    (ours,) = [p for p in entries(cache) if p != theirs]
    return ours, theirs


def test_forge():
    """Entries forged every way the attack on issue 27 did give the output of OKR_CACHE=off, byte
    for byte: the key and every header field are inside the checksum, and an entry is taken only
    for the key it was looked up by."""
    forger = Forger()
    s = Sandbox()
    try:
        (s.goals / "other.toml").write_text(
            GOALS.replace('"Cache"', '"Other"').replace("Users from 10 to 50", "Forged KR")
            .replace("value = 31", "value = 49"), encoding="utf-8")
        plain = s.status(OKR_CACHE="off")
        cache = s.dir / "cache"
        ours, theirs = two_entries(s, cache)
        good, other = ours.read_bytes(), theirs.read_bytes()
        key, their_key = good[12:28], other[12:28]
        check(key != their_key and good[:8] == MAGIC, "two entries of two keys")
        forged = {
            # The attack: their entry with our key written into its header.
            "their entry with our key": other[:12] + key + other[28:],
            "their entry with our key, checksums recomputed as format 2 did":
                forger.resign(other, key=key, old_way=True),
            "their entry with our key and our header":
                good[:HEADER] + other[HEADER:],
            "our header, their payload, the payload sum recomputed":
                good[:36] + le(forger.h64(other[HEADER:])) + good[44:HEADER] + other[HEADER:],
            "their whole entry under our name": other,
            "their entry under our name, its checksums recomputed": forger.resign(other),
            "our payload edited, checksums recomputed as format 2 did":
                forger.resign(good, payload=good[HEADER:].replace(b"Users from", b"Users FROM"),
                              old_way=True),
            "our payload edited, the payload sum recomputed":
                good[:36] + le(forger.h64(good[HEADER:].replace(b"Users from", b"Users FROM")))
                + good[44:HEADER] + good[HEADER:].replace(b"Users from", b"Users FROM"),
            "a format from the future, checksums recomputed as format 2 did":
                forger.resign(good[:8] + le(99, 4) + good[12:], old_way=True),
            "truncated to its header": good[:HEADER],
            "truncated by one byte": good[:-1],
            "their entry truncated to our length": (other[:12] + key + other[28:])[:len(good)],
        }
        for at, name in [(0, "magic"), (8, "format"), (12, "key"), (20, "key's low half"),
                         (28, "payload size"), (36, "payload sum"), (44, "head size"),
                         (52, "head sum")]:
            flipped = bytearray(good)
            flipped[at] ^= 0x01
            forged[f"the {name} field flipped"] = bytes(flipped)
            forged[f"the {name} field flipped, checksums recomputed as format 2 did"] = \
                forger.resign(bytes(flipped), old_way=True) if at not in (28, 44) else bytes(flipped)
        for what, data in forged.items():
            ours.write_bytes(data)
            got = s.status(OKR_CACHE=str(cache))
            check(got == plain, f"{what}: the output of OKR_CACHE=off, no message",
                  f"{got}\nexpected {plain}")
            check(ours.read_bytes() == good, f"{what}: replaced by the right entry")
            ours.write_bytes(good)
        # The stamps file too: damaged or moved, it changes nothing.
        for stamps_file, data in stamps(cache).items():
            for what, bad in [("their stamps' key", data[:12] + their_key + data[28:]),
                              ("flipped", data[:-2] + bytes([data[-2] ^ 1]) + data[-1:])]:
                stamps_file.write_bytes(bad)
                check(s.status(OKR_CACHE=str(cache)) == plain, f"stamps {what}: same output")
                stamps_file.write_bytes(data)
        # A whole, well-signed entry for our key is what the owner of the cache writes: the only
        # forger who can place one is one who can write the folder (test_owners).
    finally:
        s.cleanup()


NOBODY = 65534


def setpriv_prefix():
    return ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]


def test_owners():
    """A cache that someone else could write is not believed: its folder, its subfolders and its
    entries must belong to the user running okr and be writable by no one else, else the cache is
    off for that run, with one warning line; okr runs as root and as uid 65534 (setpriv), so that
    ownership is really checked. The folders okr makes are 0700, its entries 0600, whatever the
    umask."""
    if os.geteuid() != 0:
        tools.skip("needs root: running okr as another user (setpriv) and chown")
    tools.require("setpriv", "util-linux")
    forger = Forger()
    # CI's checkout may sit in a folder of mode 0700: uid 65534 runs a copy of okr, with its
    # workspace, in a world-readable folder of its own.
    base = Path(tempfile.mkdtemp(prefix="okr-owners-"))
    try:
        base.chmod(0o755)
        (base / "bin").mkdir(mode=0o755)
        binary = base / "bin" / "okr"
        shutil.copy2(OKR, binary)
        binary.chmod(0o755)
        goals = base / "goals"
        goals.mkdir(mode=0o755)
        (goals / "okr.toml").write_text(GOALS, encoding="utf-8")
        (goals / "other.toml").write_text(
            GOALS.replace('"Cache"', '"Other"').replace("Users from 10 to 50", "Forged KR")
            .replace("value = 31", "value = 49"), encoding="utf-8")
        for f in goals.iterdir():
            f.chmod(0o644)
        homes = {}
        for who, uid in [("root", 0), ("nobody", NOBODY)]:
            homes[who] = base / f"home-{who}"
            homes[who].mkdir(mode=0o700)
            os.chown(homes[who], uid, uid)

        def run(who, *args, umask=None, **env):
            e = okrtest.environment(homes[who], USER=None, XDG_CACHE_HOME=None, OKR_CACHE=None)
            e.update({k: str(v) for k, v in env.items()})
            command = [str(binary), "--as-of", "2026-11-23", *args]
            if who == "nobody":
                command = setpriv_prefix() + command
            p = subprocess.run(command, cwd=goals, env=e, capture_output=True, text=True,
                               timeout=60, stdin=subprocess.DEVNULL,
                               preexec_fn=(lambda: os.umask(umask)) if umask is not None else None)
            return p.returncode, p.stdout, p.stderr

        def runner(who):
            return lambda *args, **env: run(who, *args, **env)

        def status(who, **env):
            return run(who, "status", "--format", "json", **env)

        plain = {who: status(who, OKR_CACHE="off") for who in homes}
        for who, got in plain.items():
            check(got[0] == 0 and got[2] == "", f"{who} runs okr", str(got))
        if plain["nobody"][0] != 0:
            return

        def refused(who, cache, what, names):
            """The run as `who` gives the output of OKR_CACHE=off, with one warning line that
            names the fix."""
            code, out, err = status(who, OKR_CACHE=str(cache))
            check((code, out) == plain[who][:2],
                  f"{what}: the output of OKR_CACHE=off (run as {who})", f"{out}\n{err}")
            check(err.count("\n") == 1 and err.startswith("okr: warning:") and
                  "OKR_CACHE=off" in err and str(names) in err,
                  f"{what}: one warning line naming {names} and the fix", err)
            return err

        def forged_for(who, cache):
            """`who`'s cache at `cache` (made by okr as `who`), with okr.toml's entry replaced by
            other.toml's model, well signed for okr.toml's key: a forgery only one who can write
            the folder can place. Returns the entry's path."""
            ours, theirs = two_entries(None, cache, runner(who))
            good, other = ours.read_bytes(), theirs.read_bytes()
            st = ours.stat()
            ours.write_bytes(forger.resign(other, key=good[12:28]))
            os.chown(ours, st.st_uid, st.st_gid)
            return ours

        # Sanity: a well-signed entry in one's own private cache is believed (it is the
        # user's own): the cases below differ from it only in who could have written it.
        own = base / "own"
        forged_for("root", own)
        got = status("root", OKR_CACHE=str(own))
        check(got[0] == 0 and "Forged KR" in got[1],
              "a well-signed entry in one's own private cache is read (the forger is the user)",
              str(got))

        # A root-owned cache read by uid 65534, holding an entry at the key of 65534's file.
        mine = base / "nobody-cache"
        mine.mkdir(mode=0o700)
        os.chown(mine, NOBODY, NOBODY)
        planted = forged_for("nobody", mine)
        rootcache = base / "root-cache"
        rootcache.mkdir(mode=0o755)
        sub = rootcache / planted.parent.name
        sub.mkdir(mode=0o755)
        shutil.copy2(planted, sub / planted.name)
        (sub / planted.name).chmod(0o644)
        refused("nobody", rootcache, "a cache folder owned by root, read by uid 65534", rootcache)
        check(not any(p.stat().st_uid == NOBODY for p in rootcache.rglob("*")),
              "uid 65534 wrote nothing into root's cache")

        # A folder of one's own that others can write (0777), or one of its subfolders.
        for target in ["folder", "subfolder"]:
            for who, uid in [("nobody", NOBODY), ("root", 0)]:
                cache = base / f"{who}-open-{target}"
                cache.mkdir(mode=0o700)
                os.chown(cache, uid, uid)
                entry = forged_for(who, cache)
                forged = entry.read_bytes()
                opened = cache if target == "folder" else entry.parent
                opened.chmod(0o777)
                refused(who, cache, f"a cache {target} of mode 0777", opened)
                opened.chmod(0o775)
                refused(who, cache, f"a cache {target} of mode 0775", opened)
                check(entry.read_bytes() == forged, f"a cache {target} that others can write is not written")

        # An entry owned by another user, in one's own private folder.
        for who, uid, other_uid in [("nobody", NOBODY, 0), ("root", 0, NOBODY)]:
            cache = base / f"{who}-foreign-entry"
            cache.mkdir(mode=0o700)
            os.chown(cache, uid, uid)
            entry = forged_for(who, cache)
            os.chown(entry, other_uid, other_uid)
            entry.chmod(0o644)
            refused(who, cache, f"an entry owned by uid {other_uid}", entry)
            # One's own entry, writable by others.
            os.chown(entry, uid, uid)
            entry.chmod(0o666)
            refused(who, cache, "an entry of mode 0666", entry)
            # Many bad entries: still one line.
            for f in cache.rglob("*"):
                if f.is_file():
                    f.chmod(0o666)
            code, out, err = status(who, OKR_CACHE=str(cache))
            check(err.count("\n") == 1, "many bad entries: one warning line", err)
            # --quiet keeps stderr for errors only.
            code, out, err = run(who, "-q", "status", "--format", "json", OKR_CACHE=str(cache))
            check((code, out, err) == (plain[who][0], plain[who][1], ""), "-q: no warning", err)

        # The folders okr makes are 0700 and its entries 0600, whatever the umask.
        for who, uid in [("nobody", NOBODY), ("root", 0)]:
            deep = homes[who] / "a" / "b" / "cache"
            got = run(who, "status", "--format", "json", umask=0, OKR_CACHE=str(deep))
            check(got == plain[who], f"a new cache under umask 0 (run as {who})", str(got))
            made = [homes[who] / "a", homes[who] / "a" / "b", *[p for p in [deep, *deep.rglob("*")]]]
            for p in made:
                st = p.lstat()
                want = 0o700 if p.is_dir() else 0o600
                if p.name == "writing.lock":
                    continue
                check(st.st_uid == uid and (st.st_mode & 0o777) == want,
                      f"{p.relative_to(base)}: {oct(want)}, owned by {who}",
                      f"{oct(st.st_mode & 0o777)} uid {st.st_uid}")
            check(len(entries(deep)) == 1, f"the cache made under umask 0 holds the entry ({who})")
            # ... and the default cache (~/.cache/okr) too.
            got = run(who, "status", "--format", "json", umask=0)
            check(got == plain[who], f"the default cache under umask 0 ({who})")
            for p in [homes[who] / ".cache", homes[who] / ".cache" / "okr"]:
                check(p.is_dir() and (p.stat().st_mode & 0o777) == 0o700, f"{p} is 0700",
                      oct(p.stat().st_mode) if p.exists() else "missing")
    finally:
        shutil.rmtree(base, ignore_errors=True)


PARTS = {"stamps": test_stamps, "complete": test_complete, "where": test_where, "edits": test_edits, "damage": test_damage,
         "unwritable": test_unwritable, "bound": test_bound, "detached": test_detached,
         "many": test_many, "variable": test_variable, "forge": test_forge, "owners": test_owners}

if __name__ == "__main__":
    PARTS[sys.argv[2]]()
    if FAILURES:
        print(f"{len(FAILURES)} failure(s)")
        sys.exit(1)
    print("ok")
