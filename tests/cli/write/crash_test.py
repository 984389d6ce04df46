#!/usr/bin/env python3
"""A writer killed with SIGKILL at random moments always leaves a file that parses and equals
either the state before or the state after its change (SPEC §8: atomic writes).

    crash_test.py OKR [RUNS]     (RUNS defaults to 300)

SIGKILL cannot be caught, so a killed writer may leave its lock file (okr.toml.lock) and a
temporary file (.okr.toml.tmp-XXXXXX, never picked up as a goal file). Nobody clears them: the
next writer takes the lock over (the kernel dropped the dead writer's flock) and removes the
temporary files, so every run starts where the last one was killed, and a last, unkilled
check-in leaves nothing behind.
"""

import os
import random
import re
import signal
import subprocess
import sys
import time

from writelib import Checks, Workdir, environment, parses


def main():
    okr = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    t = Checks()
    w = Workdir("comments.toml")
    # A bigger file makes the write itself take a larger share of a run.
    text = w.text().decode()
    extra = "".join(f"    {{ date = 2026-10-{1 + i % 28:02}, value = {i}, note = \"{'x' * 60}\" }},\n"
                    for i in range(3000))
    text = text.replace("    # new check-ins go above this line\n", extra + "    # new check-ins go above this line\n")
    w.write(text.encode())
    env = environment(w.dir)

    # How long one run takes, to spread the kills over its whole life.
    started = time.monotonic()
    subprocess.run([okr, "--as-of", "2026-11-23", "checkin", "launch", "1", "--dry-run"], cwd=w.dir, env=env,
                   capture_output=True)
    duration = time.monotonic() - started

    rng = random.Random(20261123)
    outcomes = {"before": 0, "after": 0}
    bad = []
    leftovers = 0
    for run in range(runs):
        before = w.text()
        value = 100000 + run
        p = subprocess.Popen([okr, "--as-of", "2026-11-23", "checkin", "launch", str(value)], cwd=w.dir, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0, duration * 1.3))
        p.send_signal(signal.SIGKILL)
        p.wait()
        after = w.text()
        line = f"    {{ date = 2026-11-23, value = {value} }},\n".encode()
        marker = b"    # new check-ins go above this line\n"
        expected_after = re.sub(rb"(?m)^  current = \S+", f"  current = {value}".encode(),
                                before.replace(marker, line + marker), count=1)
        if after == before:
            outcomes["before"] += 1
        elif after == expected_after:
            outcomes["after"] += 1
        else:
            bad.append((run, parses(after)))
            w.write(before)
        leftovers += len(w.others())
    t.check(not bad, f"{runs} kills: the file always equals the state before or after the check-in", bad[:5])
    t.check(parses(w.text()), "the file parses at the end")
    print(f"     outcomes: {outcomes['before']} before, {outcomes['after']} after; "
          f"{leftovers} lock or temporary files seen after a kill, taken over by the next writer")
    t.check(outcomes["before"] > 0 and outcomes["after"] > 0, "kills landed both before and after the write")
    p = subprocess.run([okr, "--as-of", "2026-11-23", "checkin", "launch", "7"], cwd=w.dir, env=env,
                       capture_output=True, text=True)
    t.check(p.returncode == 0 and w.others() == [],
            "a writer after the kills takes over the lock and removes every leftover", (p.stderr, w.others()))
    w.cleanup()
    return t.result()


if __name__ == "__main__":
    sys.exit(main())
