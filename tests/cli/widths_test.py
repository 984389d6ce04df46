#!/usr/bin/env python3
"""No report cuts a number, date or status, and no line is wider than the terminal (SPEC §9).

Every report of the command table (`okr __complete reports`, through commands.py) and `diff`
(on a copy of the team example committed to git and changed) is rendered at 250 columns and at
60, 80 and 120. At each width:
  - no line is wider than the width (display columns);
  - each table is matched to its table at 250 by its place in the output; each column still
    shown there (by its header) shows, row by row, every number, date and status word that
    its cell shows at 250, whole. Title and ref columns (those that hold words: an item, a
    KPI, an owner, a note) may shrink and are not held to it.
Usage: widths_test.py OKR_BINARY
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import commands  # noqa: E402
import okrtest  # noqa: E402
import tools  # noqa: E402

BINARY = os.path.abspath(sys.argv[1])
WIDTHS = [60, 80, 120]
WIDE = 250
AS_OF = ["--as-of", "2026-11-23"]
# The references a report needs, and variants with other charts and columns (an objective,
# a KR and a KPI; a filtered, sorted selection).
ARGUMENTS = {
    "status": [[], ["--status", "at-risk,off-track", "--sort", "score"]],
    "score": [[], ["--sort", "owner"]],
    "explain": [["platform/reliability"], ["platform/reliability.p95"], ["company/uptime"]],
    "log": [["platform/reliability"], ["platform/reliability.p95"], ["company/uptime"]],
    "diff": [],  # compares git revisions: run below on a repository made for it
}
BIG_ARGUMENTS = {
    "explain": [["reach.revenue"]],
    "log": [["reach"], ["reach.revenue"], ["reach.users"]],
    "diff": [],
}
EMPTY_ARGUMENTS = {"explain": [], "log": [], "diff": []}  # these name an item: not empty
# Columns of words (titles, refs, owners, notes): they shrink first, so hold no fact whole.
WORDS = {"ITEM", "KPI", "KEY RESULT", "OBJECTIVE / KEY RESULT", "OBJECTIVE", "OWNER", "NOTE",
         "DETAIL", "TITLE", "REF"}
STATES = ["not done", "done", "on-track", "at-risk", "off-track", "dropped", "green", "yellow", "red",
          "ok", "warn", "breach", "delivered", "in-progress", "missed", "closed", "overdue"]
FACT = re.compile(r"(?<![\w./(-])(\d{4}-\d{2}-\d{2}|[+-]?\d[\d,]*(?:\.\d+)?%?|[+-]\d+ pts|"
                  + "|".join(STATES) + r")(?![\w%/.-])")
checks = okrtest.Checks()


def width(line):
    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in line)


def is_header(line):
    words = line.strip()
    return bool(re.search(r"[A-Z]{2}", words)) and not re.search(r"[a-z0-9]", words)


def tables(text):
    """Each table of the output as (headers, rows): a header line in capitals, then its rows up
    to a blank line; columns are the runs of positions not blank in every line of the table."""
    lines = text.splitlines()
    found, i = [], 0
    while i < len(lines):
        if not is_header(lines[i]):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and lines[j].strip() and not is_header(lines[j]):
            j += 1
        block = [pad_cells(l) for l in lines[i:j]]
        found.append(split_columns(block))
        i = j
    return found


def pad_cells(line):
    """The line as one character per display column (a wide character and a filler)."""
    out = []
    for ch in line:
        out.append(ch)
        if unicodedata.east_asian_width(ch) in "WF":
            out.append("\0")
    return out


def split_columns(block):
    size = max(len(l) for l in block)
    blank = [all(p >= len(l) or l[p] == " " for l in block) for p in range(size)]
    spans, p = [], 0
    while p < size:
        if blank[p]:
            p += 1
            continue
        q = p
        # A column ends at two blank positions in every line (the gap between columns).
        while q < size and not (blank[q] and (q + 1 >= size or blank[q + 1])):
            q += 1
        # A run without a header is part of the column before it (a title after its ref, a
        # percentage after its bar).
        if spans and not "".join(block[0][p:q]).strip():
            spans[-1] = (spans[-1][0], q)
        else:
            spans.append((p, q))
        p = q
    cells = [["".join(l[a:b]).replace("\0", "").strip() for a, b in spans] for l in block]
    return cells[0], cells[1:]


def facts(cell):
    return [m.group(1) for m in FACT.finditer(cell)]


def check_width(label, columns, text):
    wide = [l for l in text.splitlines() if width(l) > columns]
    checks.check(not wide, f"{label}: no line wider than {columns}",
                 "\n".join(f"{width(l)}: {l}" for l in wide))


def check_facts(label, columns, wide_text, text):
    wide_tables, narrow_tables = tables(wide_text), tables(text)
    if not checks.check(len(wide_tables) == len(narrow_tables),
                        f"{label}: {len(wide_tables)} tables at {WIDE}, as at {columns}", text):
        return
    cut = []
    for (wide_head, wide_rows), (head, rows) in zip(wide_tables, narrow_tables):
        if len(wide_rows) != len(rows):
            cut.append(f"{len(wide_rows)} rows at {WIDE}, {len(rows)} at {columns} under {head}")
            continue
        for h, name in enumerate(head):
            if name in WORDS or name not in wide_head:
                continue
            w = wide_head.index(name)
            for wide_row, row in zip(wide_rows, rows):
                for fact in facts(wide_row[w]):
                    if fact not in facts(row[h]):
                        cut.append(f"{name}: {fact!r} of {wide_row[w]!r} reads {row[h]!r}")
    checks.check(not cut, f"{label}: every number, date and status whole at {columns}",
                 "\n".join(cut) + "\n" + text)


def render(args, cwd, env, columns):
    proc = okrtest.run(BINARY, *args, cwd=cwd, env={**env, "COLUMNS": str(columns)})
    if proc.returncode not in (0, 1):
        checks.check(False, f"okr {' '.join(args)} at {columns}: exit {proc.returncode}", proc.stderr)
    return proc.stdout


def check_command(args, cwd, env):
    label = "okr " + " ".join(args)
    wide_text = render(args, cwd, env, WIDE)
    for columns in WIDTHS:
        text = render(args, cwd, env, columns)
        check_width(label, columns, text)
        check_facts(label, columns, wide_text, text)


def diff_repository(tmp):
    """The team example committed, then changed: check-ins (one with a long note), a goalpost
    moved, a KR dropped, an objective added."""
    d = os.path.join(tmp, "team")
    shutil.copytree(ROOT / "examples" / "team", d)
    env = okrtest.environment(tmp, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@x", GIT_COMMITTER_NAME="t",
                              GIT_COMMITTER_EMAIL="t@x", GIT_CONFIG_NOSYSTEM=1)
    git = lambda *a: subprocess.run(["git", *a], cwd=d, env=env, capture_output=True, check=True)
    okr = lambda *a: okrtest.run(BINARY, *AS_OF, *a, cwd=d, env=env)
    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-q", "-m", "week 1")
    okr("checkin", "growth/activation.activation-rate", "4.2", "--date", "2026-11-23",
        "--confidence", "0.55", "--note", "a long note that explains what went on this week")
    okr("checkin", "company/csat", "84", "--date", "2026-11-23")
    okr("set", "growth/activation.trial-calls", "target", "100")
    okr("drop", "growth/first-week.time-to-report")
    okr("add", "objective", "Win the enterprise segment", "--id", "enterprise", "--in", "teams/growth.toml")
    return d, env


def main():
    tools.require("git")
    env = okrtest.environment()
    for command in commands.report_cases(BINARY, ARGUMENTS):
        check_command(["-f", "examples/team", *AS_OF, "--cycle", "2026-Q4", *command], ROOT, env)
    # A cycle with nothing in it: what a report says of an empty selection.
    for command in commands.report_cases(BINARY, EMPTY_ARGUMENTS):
        check_command(["-f", "examples/team", *AS_OF, "--cycle", "2026-Q1", *command], ROOT, env)
    # Values of eight digits and more, in tables, in the line above a chart and on its axis.
    for command in commands.report_cases(BINARY, BIG_ARGUMENTS):
        check_command(["-f", "tests/cli/data/big-numbers.toml", *AS_OF, *command], ROOT, env)
    tmp = tempfile.mkdtemp(prefix="okr-widths-")
    try:
        d, git_env = diff_repository(tmp)
        check_command([*AS_OF, "diff"], d, git_env)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return checks.result()


if __name__ == "__main__":
    sys.exit(main())
