#!/usr/bin/env python3
"""`okr edit REF`: the editor opens a copy at the item's line; a valid result replaces the file,
an invalid one is refused (the copy is kept), and a file changed meanwhile is not overwritten.

    edit_test.py OKR
"""

import os
import sys

from writelib import Checks, Workdir, environment, run

EDITOR = """#!/bin/sh
# A scripted editor: records its arguments, then runs $EDIT_SCRIPT on the file (the last one).
echo "$@" >> "$EDIT_LOG"
eval "file=\\${$#}"
sh -c "$EDIT_SCRIPT" sh "$file"
"""


def remove_kept_copy(stderr):
    """Removes the edited copy okr keeps (and names) when it writes nothing."""
    kept = stderr.rsplit("kept at ", 1)[-1].split(";")[0].strip()
    if kept.startswith("/") and os.path.basename(os.path.dirname(kept)).startswith("okr-edit-"):
        os.unlink(kept)
        os.rmdir(os.path.dirname(kept))


def main():
    okr = os.path.abspath(sys.argv[1])
    t = Checks()

    def setup():
        w = Workdir("comments.toml")
        editor = os.path.join(w.dir, "editor.sh")
        with open(editor, "w") as f:
            f.write(EDITOR)
        os.chmod(editor, 0o755)
        return w, editor

    def edit(w, editor, script, *args):
        env = environment(w.dir, EDITOR=editor, EDIT_LOG=os.path.join(w.dir, "log"), EDIT_SCRIPT=script)
        return run(okr, w, "edit", *args, env=env, stdin=open(os.devnull))

    w, editor = setup()
    before = w.text()
    p = edit(w, editor, 'sed -i "s/Partner with three/Partner with four/" "$1"', "partners")
    log = open(os.path.join(w.dir, "log")).read()
    t.check(p.returncode == 0 and p.stdout == "okr.toml: saved; it is valid\n", "a valid edit is saved", p)
    t.check(log.startswith("+33 ") and log.rstrip().endswith("/okr.toml"), "the editor opens at the item's line", log)
    t.check(w.text() == before.replace(b"Partner with three", b"Partner with four"), "only the edit is in the file")
    w.cleanup()

    w, editor = setup()
    before = w.text()
    p = edit(w, editor, 'sed -i "s/target = 2 /target = \\"two\\" /" "$1"', "launch")
    t.check(p.returncode == 3, "an invalid edit: exit 3", p)
    t.check("okr.toml:22:12: error: `target` must be a number, found a string" in p.stderr
            and "nothing was written" in p.stderr and "your edited version is kept at" in p.stderr,
            "an invalid edit: the error, and where the edited copy is", p.stderr)
    t.check(w.text() == before, "an invalid edit: the file is left as it was")
    remove_kept_copy(p.stderr)
    w.cleanup()

    # okr holds SIGPIPE off while it runs (caught, not ignored): the editor gets it as okr did.
    w, editor = setup()
    p = edit(w, editor, 'grep SigIgn /proc/self/status > "$EDIT_LOG.signals"', "csat")
    ignored = open(os.path.join(w.dir, "log.signals")).read().split()[1]
    t.check(p.returncode == 0 and int(ignored, 16) & (1 << (13 - 1)) == 0,
            "the editor starts with SIGPIPE not ignored", ignored)
    w.cleanup()

    w, editor = setup()
    p = edit(w, editor, "true", "csat")
    t.check(p.returncode == 0 and p.stdout == "okr.toml: no changes\n", "no change: nothing to write", p)
    w.cleanup()

    w, editor = setup()
    before = w.text()
    p = edit(w, editor, 'sed -i "s/Growth team\\"/Growth\\"/" "$1"', "eco", "--dry-run")
    t.check(p.returncode == 0 and '-title = "Growth team"' in p.stdout and '+title = "Growth"' in p.stdout,
            "a dry run prints the diff", p)
    t.check(w.text() == before, "a dry run writes nothing")
    w.cleanup()

    w, editor = setup()
    before = w.text()
    p = edit(w, editor, "exit 1", "eco")
    t.check(p.returncode == 4 and w.text() == before, "an editor that fails: exit 4, nothing written", p)
    w.cleanup()

    w, editor = setup()
    original = os.path.join(w.dir, "okr.toml")
    p = edit(w, editor, f'sed -i "s/Growth team\\"/Growth\\"/" "$1"; echo "# saved elsewhere" >> {original}', "eco")
    t.check(p.returncode == 4 and "changed while you were editing it; nothing was written" in p.stderr,
            "a file changed during the edit is not overwritten", p)
    t.check(w.text().endswith(b"# saved elsewhere\n") and b'title = "Growth team"' in w.text(),
            "the other change is kept")
    remove_kept_copy(p.stderr)
    w.cleanup()

    # An editor that leaves something other than a file where the copy was: the reason is named.
    w, editor = setup()
    before = w.text()
    p = edit(w, editor, 'rm "$1" && mkfifo "$1"', "eco")
    t.check(p.returncode == 4 and "error: the edited copy " in p.stderr
            and ": cannot read: not a regular file" in p.stderr,
            "an edited copy that is not a file: exit 4, and why", p)
    t.check(w.text() == before, "an edited copy that is not a file: nothing written")
    w.cleanup()
    return t.result()


if __name__ == "__main__":
    sys.exit(main())
