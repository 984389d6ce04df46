#!/usr/bin/env python3
"""Concurrent writers serialise (SPEC §8): two processes each making N check-ins on the same key
result of the same file at once end with all 2N recorded, and the file valid.

    concurrency_test.py OKR [N]     (N defaults to 200)
"""

import os
import re
import subprocess
import sys
import threading
import tomllib

from writelib import Checks, Workdir, environment


def main():
    okr = os.path.abspath(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    t = Checks()
    w = Workdir("comments.toml")
    failures = []

    def writer(base):
        env = environment(w.dir)
        for i in range(n):
            p = subprocess.run([okr, "--as-of", "2026-11-23", "-q", "checkin", "launch", str(base + i)],
                               cwd=w.dir, env=env, capture_output=True, text=True, timeout=60)
            if p.returncode != 0:
                failures.append((base + i, p.returncode, p.stderr))

    threads = [threading.Thread(target=writer, args=(base,)) for base in (10000, 20000)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()

    t.check(not failures, f"every one of the {2 * n} check-ins succeeded", failures[:5])
    data = w.text().decode("utf-8")
    doc = tomllib.loads(data)
    values = [c["value"] for c in doc["objective"][0]["kr"][0]["checkins"]]
    written = sorted(v for v in values if v >= 10000)
    expected = sorted(list(range(10000, 10000 + n)) + list(range(20000, 20000 + n)))
    t.check(written == expected, f"all {2 * n} check-ins are in the file", f"{len(written)} found")
    # Each writer's own check-ins stay in the order it made them.
    for base in (10000, 20000):
        mine = [v for v in values if base <= v < base + n]
        t.check(mine == sorted(mine), f"the check-ins of the writer from {base} are in order")
    t.check(len(re.findall(r"^    \{ date = 2026-11-23, value = \d+ \},\r?$", data, re.M)) == 2 * n,
            "each check-in is one line in the file's style")
    t.check(w.others() == [], "no lock or temporary file is left behind", w.others())
    w.cleanup()
    return t.result()


if __name__ == "__main__":
    sys.exit(main())
