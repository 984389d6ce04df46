#!/usr/bin/env python3
"""The man pages checked against each other and against the built binary.

  docs_test.py lint PAGE...                 mandoc -T lint -W warning reports nothing
  docs_test.py render PAGE...               man -l renders each page without a warning
  docs_test.py options OKR MANDIR VERSION   every command, option and argument of the binary is
                                            documented, nothing else is, and the version agrees
  docs_test.py scoring OKR PAGE             the worked example of okr-scoring(7) is what okr computes
  docs_test.py format-example OKR PAGE      the example of okr-format(5) is a valid goal file
  docs_test.py examples OKR MANDIR REPO     every `okr ...` line of the EXAMPLES sections runs

MANDIR holds the configured pages (okr.1, okr-status.1, ...). Each check prints what is wrong
and exits 1; 0 when all is well.
"""
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/cli
import tools  # noqa: E402

ESCAPES = {
    r"\-": "-", r"\e": "\\", r"\&": "", r"\(aq": "'", r"\(dq": '"', r"\(lq": '"', r"\(rq": '"',
    r"\(mu": "x", r"\(->": "->", r"\(ua": "^", r"\(rh": ">", r"\[u2026]": "...", r"\fB": "", r"\fI": "",
    r"\fR": "", r"\fP": "", r"\ ": " ",
}


def unescape(text):
    for k, v in ESCAPES.items():
        text = text.replace(k, v)
    return text


def macro_args(line):
    """The arguments of a macro line, with roff's double quotes."""
    args, cur, quoted, i = [], "", False, 0
    body = line.split(None, 1)[1] if " " in line else ""
    while i < len(body):
        c = body[i]
        if c == '"':
            if quoted and i + 1 < len(body) and body[i + 1] == '"':
                cur += '"'
                i += 1
            else:
                quoted = not quoted
        elif c == " " and not quoted:
            if cur:
                args.append(cur)
            cur = ""
        else:
            cur += c
        i += 1
    if cur or quoted:
        args.append(cur)
    return args


def text_of(line):
    """A source line as the reader sees it, without fonts and escapes."""
    if line.startswith(".\\\""):
        return ""
    if not line.startswith("."):
        return unescape(line)
    name = line.split(None, 1)[0][1:]
    args = macro_args(line)
    if name in ("B", "I", "SM", "SB", "SH", "SS"):
        return unescape(" ".join(args))
    if name in ("BR", "RB", "BI", "IB", "IR", "RI"):
        return unescape("".join(args))
    return ""


class Page:
    """A man page's source split into sections, with the tags of its .TP paragraphs."""

    def __init__(self, path):
        self.path = Path(path)
        self.lines = self.path.read_text(encoding="utf-8").splitlines()
        self.th = self.lines[0] if self.lines else ""

    def sections(self):
        """(section, subsection, line) for every line."""
        section, subsection = "", ""
        for line in self.lines:
            if line.startswith(".SH"):
                section, subsection = text_of(line).strip(), ""
                continue
            if line.startswith(".SS"):
                subsection = text_of(line).strip()
                continue
            yield section, subsection, line

    def tags(self, wanted):
        """The tags of the top-level .TP paragraphs in sections named in `wanted`, with their subsection."""
        out, depth, expect = [], 0, False
        for section, subsection, line in self.sections():
            if line.startswith(".RS"):
                depth += 1
            elif line.startswith(".RE"):
                depth -= 1
            elif line.startswith(".TP"):
                expect = section in wanted and depth == 0
            elif expect and not line.startswith(".\\\""):
                out.append((subsection, text_of(line).strip()))
                expect = False
        return out

    def text(self, section):
        return " ".join(text_of(l) for s, _, l in self.sections() if s == section)

    def examples(self):
        """The lines of the .EX blocks of EXAMPLES, continuation lines joined, one list per block."""
        blocks, block = [], None
        for section, _, line in self.sections():
            if section != "EXAMPLES":
                continue
            if line.startswith(".EX"):
                block = []
            elif line.startswith(".EE"):
                joined, pending = [], ""
                for l in block:
                    if l.endswith("\\"):
                        pending += l[:-1] + " "
                    elif l.rstrip().endswith("|"):
                        pending += l + " "
                    else:
                        joined.append(pending + l)
                        pending = ""
                blocks.append(joined)
                block = None
            elif block is not None:
                block.append(unescape(line))
        return blocks


OPTION = re.compile(r"(?<![\w-])(--?[A-Za-z][\w-]*)")


def options_in(tag):
    return set(OPTION.findall(tag))


def okr_lines(okr, *args):
    out = subprocess.run([okr, *args], capture_output=True, text=True, check=True).stdout
    return [l.split("\t") for l in out.splitlines() if l]


def binary_tree(okr, path=()):
    """{command path: (options, positionals)} below `path`, from `okr __complete`."""
    tree = {}
    options, positionals = set(), set()
    for fields in okr_lines(okr, "__complete", "options", *path):
        name = fields[0]
        if name.startswith("-"):
            options.update(name.split(","))
        else:
            positionals.add(name)
    tree[path] = (options, positionals)
    for fields in okr_lines(okr, "__complete", "commands", *path):
        tree.update(binary_tree(okr, path + (fields[0],)))
    return tree


def check_options(okr, mandir, version):
    problems = []
    mandir = Path(mandir)
    commands = [f[0] for f in okr_lines(okr, "__complete", "commands")]
    tree = binary_tree(okr)

    okr1 = Page(mandir / "okr.1")
    listed = {tag for _, tag in okr1.tags({"COMMANDS"})}
    for c in sorted(set(commands) - listed):
        problems.append(f"okr.1: COMMANDS misses `{c}`")
    for c in sorted(listed - set(commands)):
        problems.append(f"okr.1: COMMANDS lists `{c}`, which the binary does not have")
    documented = set().union(*(options_in(t) for _, t in okr1.tags({"GLOBAL OPTIONS"})))
    for o in sorted(tree[()][0] - documented):
        problems.append(f"okr.1: GLOBAL OPTIONS misses {o}")
    for o in sorted(documented - tree[()][0]):
        problems.append(f"okr.1: GLOBAL OPTIONS documents {o}, which the binary does not have")

    pages = {p.name for p in mandir.glob("okr-*.1")}
    see_also = okr1.text("SEE ALSO")
    for p in sorted(mandir.glob("okr*.[1-8]")):
        if p.name != "okr.1" and f"{p.stem}({p.suffix[1:]})" not in see_also:
            problems.append(f"okr.1: SEE ALSO misses {p.stem}({p.suffix[1:]})")
    for c in commands:
        if c == "help":
            continue  # documented in okr.1
        name = f"okr-{c}.1"
        if name not in pages:
            problems.append(f"{name}: missing: `okr {c}` has no man page")
            continue
        pages.discard(name)
        page = Page(mandir / name)
        paths = [p for p in tree if p[:1] == (c,)]
        tags = page.tags({"OPTIONS"})
        for path in paths:
            # Options under `.SS okr add kr`-like subsections belong to that subcommand; the others to all.
            own = set()
            for subsection, tag in tags:
                if subsection.startswith(c + " ") and subsection != " ".join(path):
                    continue
                own |= options_in(tag)
            binary_options, positionals = tree[path]
            if len(path) == 1 and len(paths) > 1 and not binary_options - {"-h", "--help"}:
                continue  # a group such as `add`: its kinds carry the options
            for o in sorted(binary_options - own):
                problems.append(f"{name}: OPTIONS misses {o} of `okr {' '.join(path)}`")
            for o in sorted(own - binary_options - tree[()][0]):
                problems.append(f"{name}: OPTIONS documents {o}, which `okr {' '.join(path)}` does not have")
            arguments = {t for _, t in page.tags({"ARGUMENTS"})}
            synopsis = page.text("SYNOPSIS")
            for p in sorted(positionals):
                if p not in arguments and not re.search(rf"\b{p}\b", synopsis):
                    problems.append(f"{name}: argument {p} of `okr {' '.join(path)}` is not documented")
        all_positionals = set().union(*(tree[p][1] for p in paths))
        for a in sorted({t for _, t in page.tags({"ARGUMENTS"})} - all_positionals):
            problems.append(f"{name}: ARGUMENTS documents {a}, which `okr {c}` does not take")
    for extra in sorted(pages):
        problems.append(f"{extra}: documents a command the binary does not have")

    shown = subprocess.run([okr, "--version"], capture_output=True, text=True).stdout.strip()
    if shown != f"okr {version}":
        problems.append(f"okr --version prints {shown!r}, expected 'okr {version}'")
    for p in sorted(mandir.glob("okr*.[1-8]")):
        if f'"okr {version}"' not in Page(p).th:
            problems.append(f"{p.name}: .TH does not show version {version}: {Page(p).th}")
    return problems


def json_path(doc, path):
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", path):
        doc = doc[int(part[1:-1])] if part.startswith("[") else doc[part]
    return doc


def check_scoring(okr, page_path):
    page = Page(page_path)
    problems = []
    lines = page.lines
    start = lines.index('.\\" worked-example-begin')
    end = lines.index('.\\" worked-example-end')
    body = [unescape(l) for l in lines[start + 1:end] if not l.startswith(".")]
    as_of = next(l.split()[-1] for l in lines if l.startswith('.\\" worked-example-as-of'))
    with tempfile.TemporaryDirectory() as tmp:
        goal = Path(tmp) / "okr.toml"
        goal.write_text("\n".join(body) + "\n", encoding="utf-8")
        env = dict(os.environ, COLUMNS="100", NO_COLOR="1")

        def run(command, fmt):
            r = subprocess.run([okr, "-f", str(goal), "--as-of", as_of, "--format", fmt, command],
                               capture_output=True, text=True, env=env)
            if r.returncode != 0:
                raise SystemExit(f"okr {command} failed on the worked example:\n{r.stderr}")
            return r.stdout

        checks = 0
        for i, line in enumerate(lines):
            m = re.match(r'\.\\" check: (\w+) (json|table) (.*)$', line)
            if not m:
                continue
            checks += 1
            command, kind, claim = m.groups()
            if kind == "table":
                text = claim[len("has "):]
                if text not in run(command, "table"):
                    problems.append(f"line {i + 1}: `okr {command}` does not show {text!r}")
                continue
            path, expected = [s.strip() for s in claim.split("=", 1)]
            actual = json_path(json.loads(run(command, "json")), path)
            if expected in ("true", "false"):
                ok = actual is (expected == "true")
            elif re.fullmatch(r"-?\d+(\.\d+)?", expected):
                decimals = len(expected.split(".")[1]) if "." in expected else 0
                ok = isinstance(actual, (int, float)) and round(actual, decimals) == float(expected)
            else:
                ok = actual == expected
            if not ok:
                problems.append(f"line {i + 1}: {path} is {actual!r}, the page says {expected}")
            # The number must also be what the reader sees next to the claim.
            nearby = " ".join(text_of(l) for l in lines[i + 1:i + 7] if not l.startswith('.\\"'))
            if expected not in ("true", "false") and expected not in nearby:
                problems.append(f"line {i + 1}: the text after the check does not show {expected}")
        if checks < 10:
            problems.append(f"only {checks} checks found in the worked example")
    return problems


def check_format_example(okr, page_path):
    page = Page(page_path)
    blocks, block = [], None
    for sec, _, line in page.sections():
        if sec != "EXAMPLE":
            continue
        if line.startswith(".EX"):
            block = []
        elif line.startswith(".EE"):
            blocks.append(block)
            block = None
        elif block is not None:
            block.append(unescape(line))
    if len(blocks) != 1:
        return [f"expected one .EX block in EXAMPLE, found {len(blocks)}"]
    with tempfile.TemporaryDirectory() as tmp:
        goal = Path(tmp) / "okr.toml"
        goal.write_text("\n".join(blocks[0]) + "\n", encoding="utf-8")
        r = subprocess.run([okr, "-f", str(goal), "--as-of", "2026-11-20", "--format", "json", "check"],
                           capture_output=True, text=True)
        if r.returncode not in (0, 1):
            return [f"okr check exits {r.returncode} on the example:\n{r.stdout}{r.stderr}"]
        findings = json.loads(r.stdout)
        errors = [f for f in findings["findings"] if f["level"] == "error"]
        return [f"example: {f['line']}:{f['column']}: {f['message']}" for f in errors]


def check_pre_commit_rev(repo):
    """The pre-commit snippets name a `rev` that exists in okr's repository, or a placeholder in
    capitals (COMMIT) that the reader fills in."""
    problems = []
    if not (Path(repo) / ".git").exists():
        return problems  # a source tarball: no commits to look in
    for name in ("README.md", ".pre-commit-hooks.yaml"):
        for rev in re.findall(r"^[#\s]*rev: *(\S+)", (Path(repo) / name).read_text(), re.M):
            if re.fullmatch(r"[A-Z_]+", rev):
                continue
            r = subprocess.run(["git", "-C", str(repo), "rev-parse", "--verify", "--quiet", rev + "^{commit}"],
                               capture_output=True, text=True)
            if r.returncode != 0:
                problems.append(f"{name}: the pre-commit snippet names rev {rev}, which the repository has not")
    return problems


def check_examples(okr, mandir, repo):
    problems = []
    ran = 0
    bindir = str(Path(okr).resolve().parent)
    for page_path in sorted(Path(mandir).glob("okr*.[1-8]")):
        for block in Page(page_path).examples():
            commands = [l.strip() for l in block if l.strip()]
            if not any(c.startswith("okr ") for c in commands):
                continue
            with tempfile.TemporaryDirectory() as tmp:
                shutil.copytree(Path(repo) / "examples", Path(tmp) / "examples")
                # A block that starts a file of its own runs in an empty folder; the others next to
                # a copy of the personal example, as `okr` finds it by walking up.
                if not any(c.startswith("okr init") for c in commands):
                    shutil.copy(Path(repo) / "examples/personal/okr.toml", Path(tmp) / "okr.toml")
                env = {k: v for k, v in os.environ.items() if k not in ("OKR_FILE", "VISUAL", "OKR_PAGER")}
                env.update(PATH=bindir + os.pathsep + env.get("PATH", ""), HOME=tmp, EDITOR="true",
                           NO_COLOR="1", USER="sam")
                for command in commands:
                    command = re.sub(r"^(\w+=\S+ )+", "", command)  # EDITOR=nano okr ...: the test's editor
                    if not command.startswith("okr ") or "| source" in command or "~" in command:
                        continue
                    if "jq" in command and not shutil.which("jq"):
                        continue
                    r = subprocess.run(["bash", "-c", "set -o pipefail; " + command], cwd=tmp, env=env,
                                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
                    ran += 1
                    allowed = (0, 1) if " check" in command else (0,)
                    if r.returncode not in allowed:
                        problems.append(f"{page_path.name}: `{command}` exits {r.returncode}: {r.stderr.strip()}")
    print(f"{ran} example commands run")
    problems += check_pre_commit_rev(repo)
    if ran < 30:
        problems.append(f"only {ran} example commands found")
    return problems


def main():
    what, args = sys.argv[1], sys.argv[2:]
    problems = []
    if what == "lint":
        mandoc = tools.require("mandoc")
        r = subprocess.run([mandoc, "-T", "lint", "-W", "warning", *args], capture_output=True, text=True)
        if r.returncode != 0 or r.stdout or r.stderr:
            problems.append(r.stdout + r.stderr)
    elif what == "render":
        tools.require("man", "man-db")
        for page in args:
            r = subprocess.run(["man", "--warnings", "-l", page], capture_output=True, text=True,
                               env=dict(os.environ, MANWIDTH="80", MAN_KEEP_FORMATTING="0"))
            if r.returncode != 0 or r.stderr or not r.stdout.strip():
                problems.append(f"{page}: man -l exits {r.returncode}: {r.stderr}")
    elif what == "options":
        problems = check_options(*args)
    elif what == "scoring":
        problems = check_scoring(*args)
    elif what == "format-example":
        problems = check_format_example(*args)
    elif what == "examples":
        problems = check_examples(*args)
    else:
        raise SystemExit(f"unknown check {what}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
