#!/usr/bin/env python3
"""Machine-readable outputs parse back with real parsers, and no format lets an escape through.

For every report of the command table and every format on the team example (and on a hostile file whose titles
carry terminal escape sequences): JSON parses with `json`; CSV parses with `csv` (RFC 4180: CRLF,
one header, the same number of fields in every row, formula guard); HTML is well-formed XML with
no external URL and no script; no output contains a raw control character other than newline
(and CR in CSV). Usage: formats_test.py OKR_BINARY
"""
import csv
import io
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import commands  # noqa: E402
import okrtest  # noqa: E402
BINARY = sys.argv[1]
# Every report of the command table; these are the arguments of those that need some. `diff`
# compares git revisions (tests/cli/git).
COMMANDS = commands.report_cases(BINARY, {
    "review": [[], ["--since", "2026-11-01"]],
    "log": [["p95"], ["company/uptime"]],
    "explain": [["platform/reliability.p95"]],
    "diff": [],
})
ESCAPE_COMMANDS = commands.report_cases(BINARY, {
    "log": [["kr1"], ["k"]],
    "explain": [["kr1"]],
    "diff": [],
})
failures = []


def run(workspace, command, fmt):
    args = [BINARY, "-f", workspace, "--as-of", "2026-11-23"] + command + ["--format", fmt]
    proc = okrtest.run(*args, cwd=ROOT, env=okrtest.environment(), text=False)
    if proc.returncode != 0:
        failures.append(f"{' '.join(args)}: exit {proc.returncode}: {proc.stderr.decode()}")
    return proc.stdout.decode("utf-8")


def check(condition, what):
    if not condition:
        failures.append(what)


def no_raw_controls(text, allowed, what):
    bad = [c for c in text if (ord(c) < 0x20 or 0x7f <= ord(c) < 0xa0) and c not in allowed]
    check(not bad, f"{what}: raw control characters {sorted(set(map(hex, map(ord, bad))))}")


def check_csv(text, what):
    check(text.endswith("\r\n"), f"{what}: CSV lines must end in CRLF")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    check(len(rows) >= 2, f"{what}: CSV has no data rows")
    width = len(rows[0])
    check(rows[0][:2] == ["section", "kind"], f"{what}: CSV header starts with section,kind: {rows[0][:3]}")
    for i, row in enumerate(rows):
        check(len(row) == width, f"{what}: CSV row {i} has {len(row)} fields, header has {width}")
        for cell in row:
            check(not cell or cell[0] not in "=+@" and not (cell[0] == "-" and not re.match(r"^-[0-9.e+-]+$", cell)),
                  f"{what}: CSV cell may run as a formula: {cell!r}")
    return rows


def check_html(text, what):
    try:
        ET.fromstring(re.sub(r"^<!DOCTYPE html>", "", text))
    except ET.ParseError as e:
        failures.append(f"{what}: HTML is not well-formed: {e}")
    check("<script" not in text.lower(), f"{what}: HTML has a script")
    for url in re.findall(r"""(?:src|href)\s*=\s*["']?([^"' >]+)""", text, re.I) + re.findall(r"url\(([^)]*)\)", text):
        failures.append(f"{what}: HTML refers to {url}")
    check(not re.search(r"https?://|//[a-z]", re.sub(r"&[a-z]+;", "", text).replace("http://x", "")),
          f"{what}: HTML mentions an external URL")


for command in COMMANDS:
    what = " ".join(command)
    data = json.loads(run("examples/team", command, "json"))
    check(data.get("schema_version") == 1, f"{what}: schema_version")
    rows = check_csv(run("examples/team", command, "csv"), what + " csv")
    if command == ["status"]:
        krs = sum(len(o["key_results"]) for o in data["objectives"])
        items = [r for r in rows[1:] if r[1] in ("objective", "kr", "dropped")]
        check(len(items) == len(data["objectives"]) + krs, f"status csv: {len(items)} rows for objectives and KRs")
    check_html(run("examples/team", command, "html"), what + " html")
    md = run("examples/team", command, "markdown")
    check(md.startswith("# "), f"{what}: markdown starts with a heading")
    for line in md.splitlines():
        if line.startswith("|"):
            check(line.endswith("|"), f"{what}: markdown table row not closed: {line[:60]}")

for command in ESCAPE_COMMANDS:
    for fmt in ["table", "json", "csv", "markdown", "html"]:
        what = f"escapes {' '.join(command)} {fmt}"
        out = run("tests/cli/data/escapes.toml", command, fmt)
        no_raw_controls(out, "\n\r" if fmt == "csv" else "\n", what)
        if fmt == "json":
            json.loads(out)
        if fmt == "html":
            check_html(out, what)
        if fmt == "csv":
            check_csv(out, what)

if failures:
    print("\n".join(failures))
    print(f"0 passed, {len(failures)} failed")
    sys.exit(1)
print(f"{len(COMMANDS) * 4 + len(ESCAPE_COMMANDS) * 5} outputs checked: all parse, none leaks an escape")
