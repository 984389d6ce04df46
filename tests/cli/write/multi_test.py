#!/usr/bin/env python3
"""Writes to several files are all or nothing (SPEC §8, issue 26).

    multi_test.py OKR [KILLS]     (KILLS per command, default 12; the slow label runs 100)

`okr mv` of an objective referenced from 120 files in two folders, `okr import` of a row for
each of them and `okr close --carry` of their cycle, each killed at random moments with
SIGKILL, SIGTERM, SIGINT or SIGHUP: after each kill the next okr command (a read) leaves every
file either old or new, never a mix, `okr check` finds no dangling reference, and running the
same command again gives the uninterrupted result. `import` into two files with the second on
a full disk writes neither, and running it again imports each row once.
"""

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from writelib import Checks, environment

FILES = 120

# The kill loops run in memory where the machine has a tmpfs: a kill tests what a process
# leaves behind, not what a power cut does, and fsync to a disk made each kill cost about 1.5 s
# (100 kills of each command then take 8 minutes instead of 1.5).
FAST = next((d for d in ("/dev/shm",) if os.path.isdir(d) and os.access(d, os.W_OK)), None)


def snapshot(root):
    out = {}
    for folder, dirs, names in os.walk(root):
        for n in names:
            if n.endswith(".toml"):
                p = os.path.join(folder, n)
                with open(p, "rb") as f:
                    out[os.path.relpath(p, root)] = f.read()
    return out


def strays(root):
    """What a write left beside the goal files: staged texts, journals, temporary files."""
    found = []
    for folder, dirs, names in os.walk(root):
        for n in names:
            if not n.endswith(".toml") and not n.endswith(".lock"):
                found.append(os.path.relpath(os.path.join(folder, n), root))
    return found


def make_workspace(root):
    os.makedirs(os.path.join(root, "teams"))
    os.makedirs(os.path.join(root, "people"))
    with open(os.path.join(root, "okr.toml"), "w") as f:
        f.write('namespace = "co"\nowner = "ceo"\ncycle = "2026-Q4"\n\n'
                '[workspace]\ninclude = ["teams/*.toml", "people/*.toml"]\n\n'
                '[[objective]]\nid = "big"\ntitle = "Be big"\n\n'
                '  [[objective.kr]]\n  id = "a"\n  title = "A"\n  target = 10\n\n'
                '  [[objective.kr]]\n  id = "b"\n  title = "B"\n  target = 10\n')
    for i in range(FILES):
        folder = "teams" if i % 2 else "people"
        with open(os.path.join(root, folder, f"t{i:03}.toml"), "w") as f:
            f.write(f'owner = "t{i}"\ncycle = "2026-Q4"\n\n'
                    f'[[objective]]\nid = "o"\ntitle = "Team {i}"\nparent = "co/big"\n\n'
                    '  [[objective.kr]]\n  id = "a"\n  title = "A"\n  target = 10\n\n'
                    '  [[objective.kr]]\n  id = "b"\n  title = "B"\n  target = 10\n')


def kills(okr, t, runs):
    tmp = tempfile.mkdtemp(prefix="okr-multi-", dir=FAST)
    try:
        root = os.path.join(tmp, "ws")
        make_workspace(root)
        env = environment(tmp)
        run = lambda *a: subprocess.run([okr, "--as-of", "2026-11-23", *a], cwd=root, env=env,
                                        capture_output=True, text=True, timeout=120)
        states = {"big": snapshot(root)}
        started = time.monotonic()
        first = run("mv", "co/big", "bigger")
        duration = time.monotonic() - started
        t.check(first.returncode == 0, "mv across 121 files", first.stderr)
        states["bigger"] = snapshot(root)
        back = run("mv", "co/bigger", "big")
        t.check(back.returncode == 0 and snapshot(root) == states["big"], "mv back", back.stderr)
        t.check(strays(root) == [], "an uninterrupted mv leaves nothing behind", strays(root))

        rng = random.Random(20261207)
        signals = [signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGHUP]
        mixes = 0
        seen = {"big": 0, "bigger": 0}
        for i in range(runs):
            current = "big" if snapshot(root) == states["big"] else "bigger"
            other = "bigger" if current == "big" else "big"
            sig = signals[i % len(signals)]
            p = subprocess.Popen([okr, "--as-of", "2026-11-23", "mv", f"co/{current}", other],
                                 cwd=root, env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0, duration * 1.2))
            p.send_signal(sig)
            p.wait()
            # The next okr command, a read, finishes or rolls back what the kill left.
            check = run("check", "--format", "json")
            now = snapshot(root)
            state = next((name for name, files in states.items() if files == now), None)
            if state is None:
                mixes += 1
                changed = sorted(k for k in now if now[k] != states[current].get(k))
                t.check(False, f"kill {i} ({sig.name}): every file old or new", changed[:5])
                break
            seen[state] += 1
            t.check('"dangling' not in check.stdout and check.returncode in (0, 1),
                    f"kill {i} ({sig.name}): okr check finds no dangling reference",
                    check.stdout[:400] + check.stderr)
            t.check(not any("okr-staged" in s or "okr-journal" in s for s in strays(root)),
                    f"kill {i} ({sig.name}): no staged text or journal left after a read",
                    strays(root))
            if state == current:
                # Interrupted before it happened: the same command again does it whole.
                again = run("mv", f"co/{current}", other)
                t.check(again.returncode == 0 and snapshot(root) == states[other],
                        f"kill {i} ({sig.name}): the same mv again gives the whole result",
                        again.stderr)
        print(f"outcomes: {seen}, mixes: {mixes}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def full_disk(okr, t):
    """import into two files, the second on a full disk (a small tmpfs; needs root)."""
    tmp = tempfile.mkdtemp(prefix="okr-multi-import-")
    mnt = os.path.join(tmp, "z-full")  # sorts after okr.toml: written second
    os.makedirs(mnt)
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt],
                      capture_output=True).returncode != 0:
        print("skip a full disk: cannot mount a tmpfs here")
        shutil.rmtree(tmp, ignore_errors=True)
        return
    try:
        body = ('cycle = "2026-Q4"\n\n[[objective]]\nid = "o"\ntitle = "O"\n\n'
                '  [[objective.kr]]\n  id = "k"\n  title = "K"\n  target = 100\n')
        with open(os.path.join(tmp, "okr.toml"), "w") as f:
            f.write('namespace = "a"\n' + body + '\n[workspace]\ninclude = ["z-full/*.toml"]\n')
        with open(os.path.join(mnt, "b.toml"), "w") as f:
            f.write('namespace = "b"\n' + "# " + "x" * 78 + "\n" * 1 + ("# " + "y" * 78 + "\n") * 300 + body)
        with open(os.path.join(tmp, "rows.csv"), "w") as f:
            f.write("ref,date,value\na/o.k,2026-11-20,5\nb/o.k,2026-11-20,7\n")
        env = environment(tmp)
        run = lambda *a: subprocess.run([okr, "--as-of", "2026-11-23", *a], cwd=tmp, env=env,
                                        capture_output=True, text=True, timeout=60)
        before = snapshot(tmp)
        # Fill the tmpfs, leaving too little room for the second file's new text.
        fd = os.open(os.path.join(mnt, "filler"), os.O_WRONLY | os.O_CREAT, 0o644)
        try:
            while True:
                os.write(fd, b"x" * 512)
        except OSError:
            pass
        # Room for the lock file, not for the second file's new text (24 KB).
        os.ftruncate(fd, max(0, os.fstat(fd).st_size - 8192))
        os.close(fd)
        failed = run("import", "rows.csv")
        t.check(failed.returncode == 4, "import on a full disk: exit 4", failed.stderr)
        t.check(snapshot(tmp) == before, "import on a full disk: neither file written",
                failed.stderr)
        os.remove(os.path.join(mnt, "filler"))
        again = run("import", "rows.csv")
        t.check(again.returncode == 0, "import again with room: exit 0", again.stderr)
        status = run("status", "--format", "json").stdout
        a = open(os.path.join(tmp, "okr.toml")).read()
        b = open(os.path.join(mnt, "b.toml")).read()
        t.check(a.count("2026-11-20") == 1 and b.count("2026-11-20") == 1,
                "import again: each row once", a + b + status[:0])
        t.check(strays(tmp) == ["rows.csv"], "import: nothing left behind", strays(tmp))
    finally:
        subprocess.run(["umount", mnt], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)


def restore(root, files):
    """Puts the goal files back as `files` has them (no okr is running)."""
    for rel, data in files.items():
        with open(os.path.join(root, rel), "wb") as f:
            f.write(data)


def kills_of(okr, t, runs, name, args, as_of="2026-11-23", prepare=None):
    """`okr ARGS` killed at random moments, from the same workspace each time: after the next
    read every file is as before or as after an uninterrupted run, and when it is as before,
    running it again gives the uninterrupted result."""
    tmp = tempfile.mkdtemp(prefix="okr-multi-", dir=FAST)
    try:
        root = os.path.join(tmp, "ws")
        make_workspace(root)
        if prepare:
            prepare(root)
        env = environment(tmp)
        run = lambda *a: subprocess.run([okr, "--as-of", as_of, *a], cwd=root, env=env,
                                        capture_output=True, text=True, timeout=120)
        before = snapshot(root)
        started = time.monotonic()
        whole = run(*args)
        duration = time.monotonic() - started
        t.check(whole.returncode == 0, f"{name}: uninterrupted", whole.stderr)
        after = snapshot(root)
        t.check(after != before, f"{name}: changes files")
        # Timed again warm: the first run also filled the model cache.
        restore(root, before)
        started = time.monotonic()
        run(*args)
        duration = time.monotonic() - started
        rng = random.Random(name)
        signals = [signal.SIGKILL, signal.SIGTERM, signal.SIGINT, signal.SIGHUP]
        seen = {"before": 0, "after": 0}
        for i in range(runs):
            restore(root, before)
            sig = signals[i % len(signals)]
            p = subprocess.Popen([okr, "--as-of", as_of, *args], cwd=root, env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0, duration * 1.2))
            p.send_signal(sig)
            p.wait()
            check = run("check", "--format", "json")
            now = snapshot(root)
            state = "before" if now == before else "after" if now == after else None
            if state is None:
                changed = sorted(k for k in now if now[k] != before.get(k))
                t.check(False, f"{name}: kill {i} ({sig.name}): every file old or new", changed[:5])
                break
            seen[state] += 1
            t.check('"dangling' not in check.stdout and check.returncode in (0, 1),
                    f"{name}: kill {i} ({sig.name}): okr check finds no dangling reference",
                    check.stdout[:400] + check.stderr)
            if state == "before":
                again = run(*args)
                t.check(again.returncode == 0 and snapshot(root) == after,
                        f"{name}: kill {i} ({sig.name}): running it again gives the whole result",
                        again.stderr)
        print(f"{name}: outcomes {seen}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def import_rows(root):
    with open(os.path.join(root, "..", "rows.csv"), "w") as f:
        f.write("ref,date,value\n")
        for i in range(FILES):
            f.write(f"t{i:03}/o.a,2026-11-20,{i % 10}\n")


def main():
    okr = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    t = Checks()
    full_disk(okr, t)
    kills(okr, t, runs)
    kills_of(okr, t, runs, "import", ["import", "../rows.csv"], prepare=import_rows)
    kills_of(okr, t, runs, "close --carry", ["close", "2026-Q4", "--carry"],
             as_of="2027-01-05")
    sys.exit(1 if t.failures else 0)


main()
