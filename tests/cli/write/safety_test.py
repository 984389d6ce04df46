#!/usr/bin/env python3
"""Safety of the write path (SPEC §8): a read-only file, a missing folder (init creates it), a held or stale lock and
a full disk fail with exit 4 and leave the file as it was; symlinks are followed, permissions
kept, and a change saved while a writer waited for the lock is kept.

    safety_test.py OKR
"""

import fcntl
import os
import subprocess
import sys
import time

from writelib import Checks, Workdir, environment, run

LOCKED_HINT = "  hint: try again when it has finished; OKR_LOCK_TIMEOUT sets how many seconds okr waits for a lock\n"


def main():
    okr = os.path.abspath(sys.argv[1])
    t = Checks()

    # A read-only file.
    w = Workdir()
    before = w.text()
    os.chmod(w.path, 0o444)
    p = run(okr, w, "checkin", "launch", "2")
    t.check(p.returncode == 4, "a read-only file: exit 4", p)
    t.check(p.stderr == "okr: error: cannot write okr.toml: the file is read-only\n"
                       "  hint: make it writable (chmod u+w okr.toml) and run the command again\n",
            "a read-only file: the message names the file", p.stderr)
    t.check(w.text() == before and w.others() == [], "a read-only file: left as it was, nothing left behind",
            w.others())
    w.cleanup()

    # A file in a folder that does not exist.
    w = Workdir()
    p = run(okr, w, "-f", "missing/dir/okr.toml", "checkin", "launch", "2")
    t.check(p.returncode == 4, "a missing folder: exit 4", p)
    t.check(p.stderr.startswith("okr: error: missing/dir/okr.toml: no such file or directory\n"),
            "a missing folder: the message names the path", p.stderr)
    # init creates missing folders (issue 9): a new okr.toml there starts its own workspace.
    p = run(okr, w, "init", "missing/dir/okr.toml")
    t.check(p.returncode == 0 and os.path.isfile(os.path.join(w.dir, "missing/dir/okr.toml")),
            "init into a missing folder: the folders are created", p)
    # A folder that cannot be created (a file is in the way): exit 4, nothing written.
    w.write(b"", "blocker")
    p = run(okr, w, "init", "blocker/okr.toml")
    t.check(p.returncode == 4 and "cannot create the folder blocker" in p.stderr,
            "init where a file blocks the folder: exit 4, named", p)
    w.cleanup()

    # A lock held by a running process: the writer waits, then gives up.
    w = Workdir()
    before = w.text()
    holder = subprocess.Popen(["sleep", "30"])
    w.write(f"{holder.pid}\n".encode(), "okr.toml.lock")
    # The lock is an flock on the file (the pid inside only names the holder).
    lock_fd = os.open(os.path.join(w.dir, "okr.toml.lock"), os.O_RDWR)
    fcntl.flock(lock_fd, fcntl.LOCK_EX)
    started = time.monotonic()
    p = run(okr, w, "checkin", "launch", "2", env=environment(w.dir, OKR_LOCK_TIMEOUT="0.5"))
    waited = time.monotonic() - started
    t.check(p.returncode == 4, "a held lock: exit 4", p)
    t.check(p.stderr == f"okr: error: okr.toml is locked by process {holder.pid} (another okr is writing it)\n"
            + LOCKED_HINT, "a held lock: the message names the holder and how to clear it", p.stderr)
    t.check(waited >= 0.5, "a held lock: the writer waited for it", waited)
    t.check(w.text() == before and w.others() == ["okr.toml.lock"], "a held lock: the file and the lock are untouched")

    # While a writer waits, someone saves the file: the writer applies its change to the new text.
    p = subprocess.Popen([okr, "--as-of", "2026-11-23", "checkin", "launch", "2", "--note", "waited"],
                         cwd=w.dir, env=environment(w.dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.5)
    edited = before.replace(b'title = "Customer satisfaction score"', b'title = "CSAT (renamed meanwhile)"')
    w.write(edited)
    os.unlink(os.path.join(w.dir, "okr.toml.lock"))
    os.close(lock_fd)
    out, err = p.communicate(timeout=30)
    after = w.text()
    t.check(p.returncode == 0, "a change saved while waiting for the lock: the writer succeeds", err)
    t.check(b"CSAT (renamed meanwhile)" in after and b'note = "waited"' in after,
            "a change saved while waiting for the lock: both changes are in the file", after.decode())
    holder.kill()
    holder.wait()
    w.cleanup()

    # A lock file left by a writer that died: taken over at once, and removed after the write.
    w = Workdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    w.write(f"{dead.pid}\n".encode(), "okr.toml.lock")
    p = run(okr, w, "checkin", "launch", "2")
    t.check(p.returncode == 0 and b"value = 2" in w.text(), "a lock left by a dead writer: taken over, written", p)
    t.check(w.others() == [], "a lock left by a dead writer: removed after the write", w.others())
    w.cleanup()

    # A symlink: the target is written, the link stays a link; permissions are kept.
    w = Workdir()
    os.mkdir(os.path.join(w.dir, "real"))
    os.rename(w.path, os.path.join(w.dir, "real", "goals.toml"))
    os.symlink("real/goals.toml", w.path)
    os.chmod(os.path.join(w.dir, "real", "goals.toml"), 0o640)
    p = run(okr, w, "checkin", "launch", "2")
    target = os.path.join(w.dir, "real", "goals.toml")
    t.check(p.returncode == 0 and os.path.islink(w.path), "a symlink: written through, still a link", p)
    t.check(b"value = 2 }" in open(target, "rb").read(), "a symlink: the target has the check-in")
    t.check(os.stat(target).st_mode & 0o7777 == 0o640, "permissions are kept", oct(os.stat(target).st_mode))
    t.check(sorted(os.listdir(os.path.join(w.dir, "real"))) == ["goals.toml"], "a symlink: nothing left behind")
    w.cleanup()

    # A full disk: a small tmpfs filled up (needs root and mount; skipped otherwise).
    w = Workdir()
    mnt = os.path.join(w.dir, "disk")
    os.mkdir(mnt)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt], capture_output=True).returncode != 0:
        print("skip a full disk: cannot mount a tmpfs here")
    else:
        try:
            goals = os.path.join(mnt, "okr.toml")
            with open(w.path, "rb") as f:
                data = f.read()
            with open(goals, "wb") as f:
                f.write(data)
            try:
                with open(os.path.join(mnt, "filler"), "wb") as f:
                    while True:
                        f.write(b"x" * 1024)
                        f.flush()
            except OSError:
                pass
            # One page free: room for the lock file, not for the new content.
            filler = os.path.join(mnt, "filler")
            os.truncate(filler, os.path.getsize(filler) - 4096)
            p = run(okr, w, "-f", goals, "checkin", "launch", "2")
            t.check(p.returncode == 4, "a full disk: exit 4", p)
            t.check(p.stderr.startswith(f"okr: error: cannot write {goals}: No space left on device\n"),
                    "a full disk: the message names the file and the reason", p.stderr)
            t.check(open(goals, "rb").read() == data, "a full disk: the file is left as it was")
            t.check(sorted(os.listdir(mnt)) == ["filler", "okr.toml"], "a full disk: nothing left behind",
                    os.listdir(mnt))
        finally:
            subprocess.run(["umount", mnt])
    w.cleanup()

    # A dry run writes nothing and takes no lock (it works next to a held lock).
    w = Workdir()
    before = w.text()
    w.write(b"1\n", "okr.toml.lock")
    p = run(okr, w, "checkin", "launch", "2", "--dry-run")
    t.check(p.returncode == 0 and p.stdout.startswith("--- a/okr.toml\n+++ b/okr.toml\n"),
            "a dry run prints the diff", p)
    t.check(w.text() == before, "a dry run writes nothing")
    w.cleanup()

    return t.result()


if __name__ == "__main__":
    sys.exit(main())
