#!/usr/bin/env python3
"""The same facts read the same way in every format (one description per report).

For every report of the command table (`explain` of an objective, a KR and a KPI, `log` of an
objective, `status --status/--sort`, `score --sort`; not `diff`) on the team example, at two dates,
in table, CSV, Markdown and HTML:
  - Markdown and HTML show the same cells, row by row;
  - each score, percentage, change in points, done / not done and state word that Markdown shows
    is how the CSV number (or word) of the same row reads: a score or percentage cut toward
    zero, never rounded (SPEC §5);
  - each such fact on a terminal table row is a fact of the same item in Markdown.
Usage: facts_test.py OKR_BINARY
"""
import csv
import html
import io
import math
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import commands  # noqa: E402
import okrtest  # noqa: E402
BINARY = sys.argv[1]
# Every report of the command table; these are the arguments of those that need some.
COMMANDS = commands.report_cases(BINARY, {
    "status": [[], ["--status", "at-risk,off-track", "--sort", "score"]],
    "score": [[], ["--sort", "owner"]],
    "explain": [["platform/reliability"], ["platform/reliability.p95"], ["company/uptime"]],
    "log": [["platform/reliability"]],
    "diff": [],  # compares git revisions: tests/cli/git
})
DATES = ["2026-11-23", "2027-01-05"]
STATES = ["not done", "done", "on-track", "at-risk", "off-track", "dropped", "green", "yellow", "red",
          "ok", "warn", "breach", "delivered", "in-progress", "missed"]
FACT = re.compile(r"(?<![\w./(-])(-?\d+%|[+-]\d+ pts|-?\d+\.\d+|" + "|".join(STATES) + r")(?![\w%/-])")
failures = []


def run(command, fmt, date):
    args = [BINARY, "-f", "examples/team", "--as-of", date, "--cycle", "2026-Q4"] + command + ["--format", fmt]
    proc = okrtest.run(*args, cwd=ROOT, env=okrtest.environment(COLUMNS=200), text=False)
    if proc.returncode != 0:
        failures.append(f"{' '.join(args)}: exit {proc.returncode}: {proc.stderr.decode()}")
    return proc.stdout.decode("utf-8")


def md_rows(text):
    """[(heading, [cells])] of every Markdown table row, markup removed."""
    rows, heading, in_table = [], "", False
    for line in text.splitlines():
        if line.startswith("## "):
            heading = unmd(line[3:])
        if not line.startswith("|"):
            in_table = False
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if not in_table:  # the header row, then the alignment row
            in_table = True
            continue
        if all(re.fullmatch(r"-+:?", c) for c in cells):
            continue
        rows.append((heading, [unmd(c) for c in cells]))
    return rows


def unmd(cell):
    cell = re.sub(r"^`[^`]*` ", "", cell.replace("&nbsp;", ""))  # a bar before its percentage
    cell = re.sub(r"^\*\*(.*)\*\*$", r"\1", cell)
    return html.unescape(re.sub(r"\\(.)", r"\1", cell))


def unspark(cell):
    """A sparkline is drawn (SVG in HTML, glyphs in Markdown): it carries no text to compare."""
    return "" if cell and set(cell) <= set("▁▂▃▄▅▆▇█") else cell


def html_rows(text):
    rows = []
    for section in re.findall(r"<section>(.*?)</section>", text, re.S):
        heading = re.search(r"<h2>(.*?)</h2>", section)
        heading = html.unescape(heading.group(1)) if heading else ""
        for body in re.findall(r"<tbody>(.*?)</tbody>", section, re.S):
            for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
                cells = [html.unescape(re.sub(r"<[^>]+>", "", td)) for td in re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)]
                rows.append((heading, cells))
    return rows


def cut(x, scale):
    return math.trunc(round(x * scale, 9))


def readings(field):
    """Every way a CSV field may read in the other formats."""
    try:
        x = float(field)
    except ValueError:
        return {field}
    out = {field}
    score = cut(x, 100) / 100
    out.add(f"{score:.2f}")  # a score always shows two decimals: 0.60, 1.00 (issue 26)
    out.add(f"{cut(x, 100)}%")
    p = cut(x, 100)
    out.add(f"{'+' if p > 0 else ''}{p} pts")
    if x in (0, 1):
        out.add("done" if x == 1 else "not done")
    return out


def check_documents(what, md, htm, csv_text):
    m = [(heading, [unspark(c) for c in cells]) for heading, cells in md_rows(md)]
    h = html_rows(htm)
    if m != h:
        for a, b in zip(m, h):
            if a != b:
                failures.append(f"{what}: Markdown row {a} but HTML row {b}")
                break
        else:
            failures.append(f"{what}: Markdown has {len(m)} rows, HTML {len(h)}")
    rows = list(csv.reader(io.StringIO(csv_text, newline="")))[1:]
    if len(rows) != len(m):
        failures.append(f"{what}: CSV has {len(rows)} rows, Markdown {len(m)}")
        return
    for (heading, cells), row in zip(m, rows):
        shown = set()
        for field in row[2:]:
            shown |= readings(field)
        for cell in cells:
            for fact in FACT.findall(cell):
                if cell == fact and fact not in shown:
                    failures.append(f"{what}: {heading}: Markdown shows {fact!r}, the CSV row reads {row}")


def check_terminal(what, table, md):
    by_ref = {}
    for heading, cells in md_rows(md):
        if cells:
            by_ref.setdefault(cells[0], []).append(cells)
    objective = ""
    start = None
    for line in table.splitlines():
        if re.match(r"^[A-Z][A-Z /]+(  |$)", line):  # a header row: the first column ends where the second starts
            second = re.search(r"  +\S", line)
            start = second.end() - 1 if second else None
            continue
        m = re.match(r"^(\s*(?:└─ |   )*)(?:◆ )?([\w./-]+)  ", line)
        if not m or start is None:
            continue
        ref = m.group(2)
        if not m.group(1):
            objective = ref
        elif "/" not in ref and "." not in ref:
            ref = f"{objective}.{ref}"
        if ref not in by_ref:
            continue  # a KPI under an objective: its own sections are checked by `kpi` goldens
        cells = [c for row in by_ref[ref] for c in row]
        shown = line[start:]
        # "now / target unit": both numbers are the item's current and target values.
        for now, target in re.findall(r"(-?[\d.]+) / (-?[\d.]+)", shown):
            for number in (now, target):
                if number not in cells:
                    failures.append(f"{what}: the table shows {number!r} for {ref}; Markdown rows: {by_ref[ref]}")
        facts = FACT.findall(re.sub(r"-?[\d.]+ / -?[\d.]+%?", "", shown))
        for fact in facts:
            if not any(fact == c or c.startswith(fact + " ") or c.endswith(" " + fact) or f"{fact} /" in c for c in cells):
                failures.append(f"{what}: the table shows {fact!r} for {ref}; Markdown rows: {by_ref[ref]}")


for date in DATES:
    for command in COMMANDS:
        what = f"{' '.join(command)} {date}"
        md = run(command, "markdown", date)
        check_documents(what, md, run(command, "html", date), run(command, "csv", date))
        check_terminal(what, run(command, "table", date), md)

for f in failures:
    print("FAIL:", f)
print(f"{len(failures)} failures")
sys.exit(1 if failures else 0)
