#!/usr/bin/env python3
"""okr lsp through its protocol, over stdio (issue 30, items 1, 4 and 5): each case is a session
whose messages from the server are compared whole with tests/cli/lsp/golden/CASE.json (paths of
the temporary workspace read $ROOT), and checks that need no golden: the diagnostics are
`okr check`'s, the server writes no file, a client that goes away ends it.

    lsp_test.py build/okr [CASE...]          run the cases (all by default)
    lsp_test.py build/okr --update [CASE...] rewrite their goldens
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE))
from lspclient import LspClient, uri  # noqa: E402

AS_OF = "2026-11-25"


def workspace(tmp):
    dest = Path(tmp) / "ws"
    shutil.copytree(ROOT / "examples" / "team", dest)
    return dest


def env_for(tmp):
    env = dict(os.environ)
    env["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
    env.pop("OKR_CACHE", None)
    env.pop("OKR_FILE", None)
    return env


def start(okr, ws, tmp):
    return LspClient([okr, "--as-of", AS_OF, "lsp", "--stdio"], cwd=ws, env=env_for(tmp))


def initialize(c, ws):
    return c.request("initialize", {"processId": None, "rootUri": uri(ws), "capabilities": {}})


def open_doc(c, path, text=None):
    c.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri(path), "languageId": "toml", "version": 1,
        "text": Path(path).read_text() if text is None else text}})


def change(c, path, text, version=2):
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri(path), "version": version},
                                        "contentChanges": [{"text": text}]})


def finish(c):
    """shutdown and exit; returns the exit code."""
    c.request("shutdown")
    c.notify("exit")
    return c.proc.wait(timeout=20)


def normalise(value, ws):
    text = json.dumps(value, indent=2, sort_keys=True)
    text = text.replace(uri(ws), "$ROOT").replace(str(ws), "$ROOT")
    return text.replace(uri(ws.parent), "$TMP").replace(str(ws.parent), "$TMP")


# ---- cases -----------------------------------------------------------------------------------

def case_initialize(okr, tmp):
    ws = workspace(tmp)
    with start(okr, ws, tmp) as c:
        got = [initialize(c, ws)]
        got.append({"exit_code": finish(c)})
    return got, ws


def broken_growth(ws):
    text = (ws / "teams" / "growth.toml").read_text()
    text = text.replace('parent = "company/grow" ', 'parent = "company/gorw" ', 1)
    return text.replace("\ntitle =", "\ntitel =", 1)


def case_diagnostics(okr, tmp):
    """An unknown key and a reference that does not resolve, as okr check says them."""
    ws = workspace(tmp)
    growth = ws / "teams" / "growth.toml"
    with start(okr, ws, tmp) as c:
        initialize(c, ws)
        c.notify("initialized", {})
        open_doc(c, growth)
        got = c.diagnostics_until_quiet()
        change(c, growth, broken_growth(ws))
        got += c.diagnostics_until_quiet()
        got.append({"exit_code": finish(c)})
    return got, ws


def case_breaks_references(okr, tmp):
    """Renaming an objective in a buffer breaks the references of another file, which get their
    diagnostics; renaming it back clears them."""
    ws = workspace(tmp)
    growth = ws / "teams" / "growth.toml"
    original = growth.read_text()
    with start(okr, ws, tmp) as c:
        initialize(c, ws)
        open_doc(c, growth)
        got = c.diagnostics_until_quiet()
        change(c, growth, original.replace('id = "activation"', 'id = "activate"'))
        got += c.diagnostics_until_quiet()
        change(c, growth, original, 3)
        got += c.diagnostics_until_quiet()
        got.append({"exit_code": finish(c)})
    return got, ws


def case_sturdy(okr, tmp):
    """Requests before initialize, malformed messages, unknown methods, a document that is no
    goal file, a file deleted while open, requests after shutdown: an error response or nothing,
    and the server goes on."""
    ws = workspace(tmp)
    growth = ws / "teams" / "growth.toml"
    other = Path(tmp) / "elsewhere" / "Cargo.toml"
    other.parent.mkdir()
    other.write_text('[package]\nname = "x"\n')
    got = []
    with start(okr, ws, tmp) as c:
        got.append(c.request("textDocument/hover", {}))
        got.append(initialize(c, ws))
        got.append(c.request("initialize", {}))
        body = b'{"jsonrpc": "2.0", "id": 7, "method": '
        c.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        got.append(c.read())
        c.send({"jsonrpc": "2.0", "id": [1], "method": "initialize"})
        got.append(c.read())
        c.send({"jsonrpc": "2.0", "id": 8, "method": 42})
        got.append(c.read())
        got.append(c.request("workspace/noSuchRequest", {}))
        c.notify("$/noSuchNotification", {})
        c.notify("textDocument/didOpen", {"textDocument": {"text": "no uri"}})
        c.notify("textDocument/didOpen", {"textDocument": {"uri": "untitled:1", "text": "x"}})
        got.append(c.request("textDocument/didOpen", {"textDocument": {"uri": 3}}))
        open_doc(c, other)
        got += c.diagnostics_until_quiet()
        c.notify("textDocument/didClose", {"textDocument": {"uri": uri(other)}})
        got += c.diagnostics_until_quiet()
        open_doc(c, growth)
        got += c.diagnostics_until_quiet()
        growth.unlink()
        change(c, growth, growth_text := (ROOT / "examples/team/teams/growth.toml").read_text())
        got += c.diagnostics_until_quiet()
        c.notify("textDocument/didSave", {"textDocument": {"uri": uri(growth)}})
        got += c.diagnostics_until_quiet()
        c.notify("textDocument/didClose", {"textDocument": {"uri": uri(growth)}})
        got += c.diagnostics_until_quiet()
        assert growth_text
        got.append(c.request("shutdown"))
        got.append(c.request("textDocument/hover", {}))
        c.notify("exit")
        got.append({"exit_code": c.proc.wait(timeout=20)})
    return got, ws


def line_of(path, needle, nth=0):
    """The 0-based line of the nth line of `path` that holds `needle`, and its column."""
    found = [(i, l.index(needle)) for i, l in enumerate(Path(path).read_text().splitlines())
             if needle in l]
    return found[nth]


def at(path, line, character):
    return {"textDocument": {"uri": uri(path)}, "position": {"line": line, "character": character}}


def case_navigation(okr, tmp):
    """Document symbols; hover on an objective, a key result, a KPI and a reference; definition
    of a reference; references of an objective and of a KPI; a position out of range."""
    ws = workspace(tmp)
    growth = ws / "teams" / "growth.toml"
    alice = ws / "people" / "alice.toml"
    company = ws / "okr.toml"
    got = []
    with start(okr, ws, tmp) as c:
        initialize(c, ws)
        open_doc(c, growth)
        c.diagnostics_until_quiet()
        got.append(c.request("textDocument/documentSymbol", {"textDocument": {"uri": uri(growth)}}))
        line, _ = line_of(growth, 'id = "activation"')
        got.append(c.request("textDocument/hover", at(growth, line, 2)))
        line, _ = line_of(growth, "[[objective.kr]]")
        got.append(c.request("textDocument/hover", at(growth, line + 1, 2)))
        line, col = line_of(growth, '"company/grow"')
        got.append(c.request("textDocument/hover", at(growth, line, col + 3)))
        got.append(c.request("textDocument/definition", at(growth, line, col + 3)))
        line, _ = line_of(company, 'id = "csat"')
        got.append(c.request("textDocument/hover", at(company, line, 0)))
        got.append(c.request("textDocument/references",
                             dict(at(company, line, 0), context={"includeDeclaration": True})))
        line, _ = line_of(growth, 'id = "activation"')
        got.append(c.request("textDocument/references",
                             dict(at(growth, line, 0), context={"includeDeclaration": False})))
        line, col = line_of(alice, '"growth/activation"')
        got.append(c.request("textDocument/definition", at(alice, line, col + 1)))
        got.append(c.request("textDocument/hover", at(growth, 100000, 100000)))
        got.append(c.request("textDocument/hover", at(growth, -1, 0)))
        got.append(c.request("textDocument/hover", at(ws / "missing.toml", 0, 0)))
        got.append({"exit_code": finish(c)})
    return got, ws


def case_completion(okr, tmp):
    """Keys of the table at the cursor that it does not hold yet, with their docs; enum values;
    references with titles, running cycles first, qualified when they are in another file; dates
    in a check-in."""
    ws = workspace(tmp)
    growth = ws / "teams" / "growth.toml"
    text = growth.read_text()
    lines = text.splitlines()
    kr = next(i for i, l in enumerate(lines) if l.strip() == "[[objective.kr]]")
    ckin = next(i for i, l in enumerate(lines) if "{ date = " in l)
    probe = lines[:kr + 1] + ["  ", '  type = "', "  kpi = "] + lines[kr + 1:]
    probe += ["", "[[objective]]", 'id = "new"', "", "parent = "]
    got = []
    with start(okr, ws, tmp) as c:
        initialize(c, ws)
        open_doc(c, growth)  # whole, then as typed: lines that do not parse yet
        c.diagnostics_until_quiet()
        change(c, growth, "\n".join(probe) + "\n")
        c.diagnostics_until_quiet()

        def labels(line, character):
            r = c.request("textDocument/completion", at(growth, line, character))
            return {"line": probe[line], "character": character,
                    "items": [{k: i.get(k) for k in ("label", "detail", "insertText", "sortText")}
                              for i in sorted(r["result"], key=lambda i: i.get("sortText") or i["label"])]}
        got.append(labels(kr + 1, 2))
        got.append(labels(kr + 2, len('  type = "')))
        got.append(labels(kr + 3, len("  kpi = ")))
        line = ckin + 3
        got.append(labels(line, probe[line].index("date = ") + len("date = ")))
        got.append(labels(0, 0))
        got.append(labels(len(probe) - 2, 0))
        got.append(labels(len(probe) - 1, len("parent = ")))
        got.append({"exit_code": finish(c)})
    return got, ws


def case_inlay_hints(okr, tmp):
    """Progress and score at the end of objective and KR header lines, health on KPIs; a range
    keeps the hints of its lines; off with initializationOptions, on again with
    workspace/didChangeConfiguration, which asks a client that can for a refresh; none for a
    document that is no goal file."""
    ws = workspace(tmp)
    growth = ws / "teams" / "growth.toml"
    company = ws / "okr.toml"
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": 10000, "character": 0}}
    got = []
    with start(okr, ws, tmp) as c:
        initialize(c, ws)
        open_doc(c, growth)
        open_doc(c, company)
        c.diagnostics_until_quiet()
        got.append(c.request("textDocument/inlayHint",
                             {"textDocument": {"uri": uri(growth)}, "range": whole}))
        line, _ = line_of(company, "[[kpi]]")
        got.append(c.request("textDocument/inlayHint", {
            "textDocument": {"uri": uri(company)},
            "range": {"start": {"line": line, "character": 0}, "end": {"line": 10000, "character": 0}}}))
        got.append(c.request("textDocument/inlayHint",
                             {"textDocument": {"uri": uri(ws / "nothing.toml")}, "range": whole}))
        got.append({"exit_code": finish(c)})
    with start(okr, ws, tmp) as c:
        c.request("initialize", {"processId": None, "rootUri": uri(ws), "capabilities": {},
                                 "initializationOptions": {"okr": {"inlayHints": False}}})
        open_doc(c, growth)
        c.diagnostics_until_quiet()
        got.append(c.request("textDocument/inlayHint",
                             {"textDocument": {"uri": uri(growth)}, "range": whole}))
        c.notify("workspace/didChangeConfiguration", {"settings": {"okr": {"inlayHints": True}}})
        r = c.request("textDocument/inlayHint",
                      {"textDocument": {"uri": uri(growth)}, "range": whole})
        got.append({"hints after didChangeConfiguration": len(r.get("result") or [])})
        got.append({"exit_code": finish(c)})
    # A client that can refresh its hints is asked to when the setting changes, and only then;
    # one that cannot is not asked.
    for refresh in (True, False):
        with start(okr, ws, tmp) as c:
            c.request("initialize", {"processId": None, "rootUri": uri(ws), "capabilities": {
                "workspace": {"inlayHint": {"refreshSupport": refresh}}}})
            open_doc(c, growth)
            c.diagnostics_until_quiet()
            asked = []
            for on in (False, False, True, True):
                c.notify("workspace/didChangeConfiguration", {"settings": {"okr": {"inlayHints": on}}})
                for msg in c.diagnostics_until_quiet():
                    if msg.get("method") == "workspace/inlayHint/refresh" and "id" in msg:
                        c.send({"jsonrpc": "2.0", "id": msg["id"], "result": None})
                    asked.append({"after inlayHints": on, "server sent": msg.get("method")})
            got.append({"refreshSupport": refresh, "requests": asked, "exit_code": finish(c)})
    return got, ws


def case_code_actions(okr, tmp):
    """The "did you mean" fixes of an unknown key, of an unknown reference, of unknown enum
    values and of an unknown cycle name; "check in today"
    on a KR (one with a `current` key: it changes too), none on a KR whose cycle ended, none
    where only quick fixes are asked for; a document that is no goal file."""
    ws = workspace(tmp)
    growth = ws / "teams" / "growth.toml"
    broken = broken_growth(ws)
    lines = broken.splitlines()
    got = []
    with start(okr, ws, tmp) as c:
        initialize(c, ws)
        open_doc(c, growth, broken)
        c.diagnostics_until_quiet()

        def actions(line, only=None, end=None):
            ctx = {"diagnostics": []}
            if only:
                ctx["only"] = only
            return c.request("textDocument/codeAction", {
                "textDocument": {"uri": uri(growth)},
                "range": {"start": {"line": line, "character": 2},
                          "end": {"line": line if end is None else end, "character": 2}},
                "context": ctx})
        got.append(actions(next(i for i, l in enumerate(lines) if l.startswith("titel"))))
        got.append(actions(next(i for i, l in enumerate(lines) if "company/gorw" in l)))
        got.append(actions(next(i for i, l in enumerate(lines) if 'id = "activation-rate"' in l)))
        got.append(actions(next(i for i, l in enumerate(lines) if 'id = "trial-calls"' in l),
                           only=["quickfix"]))
        got.append(actions(next(i for i, l in enumerate(lines) if 'id = "waitlist"' in l)))
        got.append(actions(100000))
        got.append(c.request("textDocument/codeAction", {
            "textDocument": {"uri": uri(ws / "nothing.toml")},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": []}}))
        got.append(c.request("textDocument/codeAction", {"textDocument": {"uri": uri(growth)}}))
        got.append({"exit_code": finish(c)})
    # Unknown enum values and a cycle name: the value okr check suggests.
    typos = (growth.read_text().replace('type = "milestone"', 'type = "milstone"', 1)
             .replace('status = "dropped"', 'status = "droped"', 1)
             .replace('cycle = "launch-sprint"', 'cycle = "launch-sprnt"', 1))
    lines = typos.splitlines()
    with start(okr, ws, tmp) as c:
        initialize(c, ws)
        open_doc(c, growth, typos)
        c.diagnostics_until_quiet()
        for needle in ('"milstone"', '"droped"', '"launch-sprnt"'):
            line = next(i for i, l in enumerate(lines) if needle in l)
            got.append(c.request("textDocument/codeAction", {
                "textDocument": {"uri": uri(growth)},
                "range": {"start": {"line": line, "character": 0},
                          "end": {"line": line, "character": 0}},
                "context": {"diagnostics": [], "only": ["quickfix"]}}))
        got.append({"exit_code": finish(c)})
    return got, ws


def case_rename(okr, tmp):
    """prepareRename on an id, on a reference, on a title (null); rename of an objective across
    files; refused: an id taken, an invalid id, nothing under the cursor, no goal file."""
    ws = workspace(tmp)
    growth = ws / "teams" / "growth.toml"
    got = []
    with start(okr, ws, tmp) as c:
        initialize(c, ws)
        open_doc(c, growth)
        c.diagnostics_until_quiet()
        id_line, id_col = line_of(growth, 'id = "activation"')
        ref_line, ref_col = line_of(growth, '"company/grow"')
        title_line, _ = line_of(growth, 'title = "Turn more')
        got.append(c.request("textDocument/prepareRename", at(growth, id_line, id_col + 7)))
        got.append(c.request("textDocument/prepareRename", at(growth, ref_line, ref_col + 3)))
        got.append(c.request("textDocument/prepareRename", at(growth, title_line, 3)))
        got.append(c.request("textDocument/rename",
                             dict(at(growth, id_line, id_col + 7), newName="activate")))
        got.append(c.request("textDocument/rename",
                             dict(at(growth, id_line, id_col + 7), newName="first-week")))
        got.append(c.request("textDocument/rename",
                             dict(at(growth, id_line, id_col + 7), newName="no/slash")))
        got.append(c.request("textDocument/rename", dict(at(growth, 0, 0), newName="x")))
        got.append(c.request("textDocument/rename",
                             dict(at(ws / "nothing.toml", 0, 0), newName="x")))
        got.append(c.request("textDocument/prepareRename", at(growth, 100000, 3)))
        got.append({"exit_code": finish(c)})
    return got, ws


CASES = {
    "inlay-hints": case_inlay_hints,
    "code-actions": case_code_actions,
    "rename": case_rename,
    "completion": case_completion,
    "navigation": case_navigation,
    "initialize": case_initialize,
    "diagnostics": case_diagnostics,
    "breaks-references": case_breaks_references,
    "sturdy": case_sturdy,
}


# ---- checks without goldens ------------------------------------------------------------------

def check_same_as_check(okr, tmp):
    """The diagnostics of an edited buffer are okr check's of the same text on disk: message,
    hint, rule, line and column, file by file."""
    ws = workspace(tmp)
    growth = ws / "teams" / "growth.toml"
    broken = broken_growth(ws)
    with start(okr, ws, tmp) as c:
        initialize(c, ws)
        open_doc(c, growth)
        c.diagnostics_until_quiet()
        change(c, growth, broken)
        published = c.diagnostics_until_quiet()
        finish(c)
    growth.write_text(broken)
    check = subprocess.run([okr, "--as-of", AS_OF, "check", "--format", "json"], cwd=ws,
                           capture_output=True, text=True, env=env_for(tmp))
    want = set()
    for f in json.loads(check.stdout)["findings"]:
        if f["path"].endswith("growth.toml"):
            message = f["message"] + (f"\nhint: {f['hint']}" if f.get("hint") else "")
            want.add((f["line"] - 1, message, f.get("rule") or None))
    got = set()
    for p in published:
        if p["params"]["uri"] == uri(growth):
            got = {(d["range"]["start"]["line"], d["message"], d.get("code"))
                   for d in p["params"]["diagnostics"]}
    if not want:
        return ["okr check found nothing in the broken file"]
    return [] if got == want else [f"lsp published {sorted(got)}\nokr check says {sorted(want)}"]


def snapshot(folder):
    return {str(p): (p.stat().st_mtime_ns, p.read_bytes()) for p in Path(folder).rglob("*")
            if p.is_file()}


def check_writes_nothing(okr, tmp):
    """A whole session (diagnostics cases included) writes no file: not the goal files, not the
    model cache, nothing in the temporary folder."""
    before = snapshot(tmp)
    ws = Path(tmp) / "ws"
    growth = ws / "teams" / "growth.toml"
    with start(okr, ws, tmp) as c:
        initialize(c, ws)
        open_doc(c, growth)
        change(c, growth, broken_growth(ws))
        c.notify("textDocument/didSave", {"textDocument": {"uri": uri(growth)}})
        c.diagnostics_until_quiet()
        finish(c)
    after = snapshot(tmp)
    return [] if before == after else ["files changed: " + ", ".join(
        sorted(set(before) ^ set(after) | {k for k in before if before.get(k) != after.get(k)}))]


def check_client_gone(okr, tmp):
    """A client that closes its end ends the server (exit 1: no shutdown came), and so does a
    frame without a readable Content-Length, after a ParseError response."""
    ws = workspace(tmp) if not (Path(tmp) / "ws").exists() else Path(tmp) / "ws"
    problems = []
    with start(okr, ws, tmp) as c:
        initialize(c, ws)
        c.proc.stdin.close()
        code = c.proc.wait(timeout=20)
        if code != 1:
            problems.append(f"EOF: exit code {code}, not 1")
    with start(okr, ws, tmp) as c:
        c.send_raw(b"Content-Length: lots\r\n\r\n{}")
        msg = c.read()
        code = c.proc.wait(timeout=20)
        if not msg or msg.get("error", {}).get("code") != -32700 or code != 1:
            problems.append(f"bad framing: {msg}, exit code {code}")
        if c.proc.stderr.read():
            problems.append("bad framing: the server wrote to stderr")
    return problems


def offset_of(text, position):
    """The index in `text` of an LSP position (line, UTF-16 character)."""
    lines = text.split("\n")
    at = sum(len(l) + 1 for l in lines[:position["line"]])
    line = lines[position["line"]] if position["line"] < len(lines) else ""
    units = 0
    for i, ch in enumerate(line):
        if units >= position["character"]:
            return at + i
        units += 2 if ord(ch) > 0xFFFF else 1
    return at + len(line)


def apply_workspace_edit(edit):
    """Applies a WorkspaceEdit's `changes` to the files they name, as a client would."""
    for target, edits in edit["changes"].items():
        path = Path(urllib.parse.unquote(target[len("file://"):]))
        text = path.read_text()
        for e in sorted(edits, key=lambda e: (e["range"]["start"]["line"],
                                              e["range"]["start"]["character"]), reverse=True):
            a, b = offset_of(text, e["range"]["start"]), offset_of(text, e["range"]["end"])
            text = text[:a] + e["newText"] + text[b:]
        path.write_text(text)


def tree(folder):
    return {str(p.relative_to(folder)): p.read_text() for p in Path(folder).rglob("*.toml")}


def check_rename_same_as_mv(okr, tmp):
    """The WorkspaceEdit of a rename, applied to the files, is what `okr mv` writes on a copy:
    an objective referred to from other files, a KR, a KPI in `kpis` lists and a KR's `kpi`."""
    problems = []
    for rel, needle, ref, new in [("teams/growth.toml", 'id = "activation"', "growth/activation",
                                   "activate"),
                                  ("teams/growth.toml", 'id = "trial-calls"',
                                   "growth/activation.trial-calls", "onboarding-calls"),
                                  ("okr.toml", 'id = "csat"', "company/csat", "satisfaction")]:
        base = Path(tmp) / new
        base.mkdir()
        ws = Path(shutil.copytree(ROOT / "examples" / "team", base / "ws"))
        copy = Path(shutil.copytree(ROOT / "examples" / "team", base / "mv"))
        path = ws / rel
        with start(okr, ws, tmp) as c:
            initialize(c, ws)
            open_doc(c, path)
            c.diagnostics_until_quiet()
            line, col = line_of(path, needle)
            r = c.request("textDocument/rename", dict(at(path, line, col + 7), newName=new))
            finish(c)
        if "result" not in r:
            problems.append(f"{ref}: {r}")
            continue
        before = tree(ws)
        apply_workspace_edit(r["result"])
        mv = subprocess.run([okr, "--as-of", AS_OF, "mv", ref, new], cwd=copy,
                            capture_output=True, text=True, env=env_for(tmp))
        if mv.returncode != 0:
            problems.append(f"okr mv {ref} {new}: {mv.stderr}")
        elif tree(ws) != tree(copy):
            problems.append(f"{ref}: the rename's edit differs from okr mv's")
        elif tree(ws) == before:
            problems.append(f"{ref}: the rename changed nothing")
    return problems


def check_checkin_same_as_okr(okr, tmp):
    """"Check in today" applied to the file is what `okr checkin REF VALUE` writes on a copy,
    VALUE being the KR's current value as `okr status --format json` gives it: a KR with
    check-ins, one with a `current` key, a milestone."""
    problems = []
    for needle, ref in [('id = "trial-calls"', "growth/activation.trial-calls"),
                        ('id = "activation-rate"', "growth/activation.activation-rate"),
                        ('id = "time-to-report"', "growth/first-week.time-to-report")]:
        base = Path(tmp) / ref.replace("/", "_")
        base.mkdir()
        ws = Path(shutil.copytree(ROOT / "examples" / "team", base / "ws"))
        copy = Path(shutil.copytree(ROOT / "examples" / "team", base / "cli"))
        growth = ws / "teams" / "growth.toml"
        with start(okr, ws, tmp) as c:
            initialize(c, ws)
            open_doc(c, growth)
            c.diagnostics_until_quiet()
            line, _ = line_of(growth, needle)
            r = c.request("textDocument/codeAction", {
                "textDocument": {"uri": uri(growth)},
                "range": {"start": {"line": line, "character": 0},
                          "end": {"line": line, "character": 0}},
                "context": {"diagnostics": [], "only": ["refactor.rewrite"]}})
            finish(c)
        acts = r.get("result") or []
        if len(acts) != 1:
            problems.append(f"{ref}: {len(acts)} actions, not 1: {acts}")
            continue
        status = subprocess.run([okr, "--as-of", AS_OF, "status", "--format", "json"], cwd=copy,
                                capture_output=True, text=True, env=env_for(tmp))
        krs = [k for o in json.loads(status.stdout)["objectives"] for k in o["key_results"]]
        current = next(k["current"] for k in krs if k["ref"] == ref)
        apply_workspace_edit(acts[0]["edit"])
        cli = subprocess.run([okr, "--as-of", AS_OF, "checkin", ref, repr(current)], cwd=copy,
                             capture_output=True, text=True, env=env_for(tmp))
        if cli.returncode != 0:
            problems.append(f"okr checkin {ref} {current}: {cli.stderr}")
        elif tree(ws) != tree(copy):
            problems.append(f"{ref}: the action's edit differs from okr checkin's")
    return problems


def check_hints_same_as_status(okr, tmp):
    """Each KR's and objective's inlay hint carries the progress and score `okr status --format
    json` gives (a whole percentage, a score to 2 decimals, both cut toward zero); each KPI's the
    health `okr kpi` gives."""
    ws = workspace(tmp)
    growth = ws / "teams" / "growth.toml"
    company = ws / "okr.toml"
    status = json.loads(subprocess.run([okr, "--as-of", AS_OF, "status", "--cycle", "all",
                                        "--format", "json"], cwd=ws, capture_output=True,
                                       text=True, env=env_for(tmp)).stdout)
    kpis = json.loads(subprocess.run([okr, "--as-of", AS_OF, "kpi", "--format", "json"], cwd=ws,
                                     capture_output=True, text=True, env=env_for(tmp)).stdout)
    problems = []
    whole = {"start": {"line": 0, "character": 0}, "end": {"line": 10000, "character": 0}}
    with start(okr, ws, tmp) as c:
        initialize(c, ws)
        hints = {}
        for path in (growth, company):
            open_doc(c, path)
            c.diagnostics_until_quiet()
            r = c.request("textDocument/inlayHint", {"textDocument": {"uri": uri(path)},
                                                     "range": whole})
            lines = path.read_text().splitlines()
            for h in r.get("result") or []:
                hints[(path, h["position"]["line"])] = h["label"]
                if h["position"]["character"] != len(lines[h["position"]["line"]]):
                    problems.append(f"{h} is not at the end of its line")
        finish(c)

    def percent(x):
        return f"{int(x * 100 + (1e-9 if x >= 0 else -1e-9))}%"

    def score(x):  # scores are cut, not rounded, to 2 decimals (okr-status(1))
        return "none" if x is None else f"{int(x * 100 + 1e-9) / 100:.2f}"
    seen = 0
    for o in status["objectives"]:
        path = ws / o["file"] if not Path(o["file"]).is_absolute() else Path(o["file"])
        path = growth if path.name == "growth.toml" else company if path.name == "okr.toml" else None
        if path is None:
            continue
        text = path.read_text().splitlines()
        oid = o["ref"].split("/")[-1]
        oline = next(i for i, l in enumerate(text) if l.strip() == f'id = "{oid}"') - 1
        want = (f"progress {percent(o['score'])} · score {score(o['score'])}"
                if o.get("score") is not None else "progress none · score none")
        if not hints.get((path, oline), "").startswith(want):
            problems.append(f"{o['ref']}: hint {hints.get((path, oline))!r}, status says {want}")
        seen += 1
        for k in o["key_results"]:
            kid = k["ref"].split(".")[-1]
            kline = next(i for i, l in enumerate(text) if i > oline
                         and l.strip().startswith(f'id = "{kid}"')) - 1
            want = f"progress {percent(k['progress'])} · score {score(k['score'])}"
            if not hints.get((path, kline), "").startswith(want):
                problems.append(f"{k['ref']}: hint {hints.get((path, kline))!r}, status says {want}")
            seen += 1
    for k in kpis["kpis"]:
        text = company.read_text().splitlines()
        kid = k["ref"].split("/")[-1]
        if not k["ref"].startswith("company/"):
            continue
        kline = next(i for i, l in enumerate(text) if l.strip() == f'id = "{kid}"') - 1
        if not hints.get((company, kline), "").startswith(f"health {k['health']}"):
            problems.append(f"{k['ref']}: hint {hints.get((company, kline))!r}, kpi says {k['health']}")
        seen += 1
    return problems if seen else ["no objective, KR or KPI compared"]


CHECKS = {
    "rename-same-as-mv": check_rename_same_as_mv,
    "checkin-same-as-okr": check_checkin_same_as_okr,
    "hints-same-as-status": check_hints_same_as_status,
    "same-as-check": check_same_as_check,
    "writes-nothing": check_writes_nothing,
    "client-gone": check_client_gone,
}


def main():
    args = sys.argv[1:]
    okr = os.path.abspath(args.pop(0))
    update = "--update" in args
    names = [a for a in args if a != "--update"] or list(CASES) + list(CHECKS)
    failures = []
    for name in names:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = os.path.realpath(tmp)
            if name in CHECKS:
                if name == "writes-nothing":
                    workspace(tmp)
                problems = CHECKS[name](okr, tmp)
                for p in problems:
                    failures.append(f"{name}: {p}")
                print(f"{name}: {'ok' if not problems else 'FAIL'}")
                continue
            got, ws = CASES[name](okr, tmp)
            text = normalise(got, ws) + "\n"
            golden = HERE / "golden" / f"{name}.json"
            if update:
                golden.write_text(text)
                print(f"{name}: golden written")
            elif not golden.exists() or golden.read_text() != text:
                failures.append(f"{name}: differs from {golden}:\n{text}")
                print(f"{name}: FAIL")
            else:
                print(f"{name}: ok")
    for f in failures:
        print("FAIL:", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
