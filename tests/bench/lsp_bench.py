#!/usr/bin/env python3
"""How fast okr lsp answers on the benchmark workspace (issue 30, item 3): from an edit
(didChange) of one file to its diagnostics, and a hover and a completion after it, each as wall
time and as the server's CPU time (user + sys, from /proc: the machine is shared), best and
median of N; and the CPU time of the server's process for the whole run. The workspace is copied
to a temporary folder first (a root okr.toml is added there when it has none). Not a test: it
prints numbers.

    python3 tests/bench/gen_workspace.py /tmp/ws --files 1000 --seed 1
    python3 tests/bench/lsp_bench.py build/okr /tmp/ws [--rounds 20]
"""
import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli" / "lsp"))
from lspclient import LspClient, uri  # noqa: E402


def cpu_seconds(pid):
    """User + sys CPU time of a running process, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def summary(name, walls, cpus):
    walls, cpus = sorted(walls), sorted(cpus)
    print(f"{name}: wall best {walls[0]:.1f} ms, median {walls[len(walls) // 2]:.1f} ms; "
          f"server CPU best {cpus[0]:.0f} ms, median {cpus[len(cpus) // 2]:.0f} ms "
          f"({len(walls)} runs; CPU in clock ticks of {1000 / os.sysconf('SC_CLK_TCK'):.0f} ms)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("okr")
    ap.add_argument("workspace")
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    ws = Path(tmp.name) / "ws"
    shutil.copytree(Path(args.workspace).resolve(), ws)
    root = ws / "okr.toml"
    if not root.exists():
        root.write_text('namespace = "root"\n[workspace]\ninclude = ["team*.toml"]\n')
    target = ws / "team0500.toml"
    text = target.read_text()
    with LspClient([os.path.abspath(args.okr), "--as-of", "2026-11-20", "lsp"], cwd=ws) as c:
        t0 = time.perf_counter()
        c.request("initialize", {"rootUri": uri(ws), "capabilities": {}})
        c.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri(target), "languageId": "toml", "version": 1, "text": text}})
        first = c.read(timeout=600)
        c.diagnostics_until_quiet(1.0)
        print(f"open (loads {len(list(ws.glob('team*.toml')))} files): "
              f"{(time.perf_counter() - t0) * 1000:.0f} ms to the first diagnostics"
              f" ({first['method']})")
        lines = text.splitlines()
        obj_line = next(i for i, l in enumerate(lines) if l.startswith("[[objective]]")) + 1
        kr_line = next(i for i, l in enumerate(lines) if l.strip() == "[[objective.kr]]") + 1
        pid = c.proc.pid
        edits, edits_cpu, hovers, hovers_cpu, completions, completions_cpu = [], [], [], [], [], []
        rounds_cpu = cpu_seconds(pid)
        for i in range(args.rounds):
            edited = text.replace('title = "', f'title = "edit {i} ', 1)
            cpu = cpu_seconds(pid)
            t = time.perf_counter()
            c.notify("textDocument/didChange", {
                "textDocument": {"uri": uri(target), "version": i + 2},
                "contentChanges": [{"text": edited}]})
            msg = c.read()
            edits.append((time.perf_counter() - t) * 1000)
            assert msg["params"]["uri"] == uri(target), msg
            c.diagnostics_until_quiet(0.05)
            edits_cpu.append((cpu_seconds(pid) - cpu) * 1000)
            for method, line, out, out_cpu in (
                    ("textDocument/hover", obj_line, hovers, hovers_cpu),
                    ("textDocument/completion", kr_line, completions, completions_cpu)):
                cpu = cpu_seconds(pid)
                t = time.perf_counter()
                r = c.request(method, {"textDocument": {"uri": uri(target)},
                                       "position": {"line": line, "character": 0}})
                out.append((time.perf_counter() - t) * 1000)
                out_cpu.append((cpu_seconds(pid) - cpu) * 1000)
                assert r.get("result"), r
        # Finer than a clock tick: the mean over all rounds.
        mean = (cpu_seconds(pid) - rounds_cpu) * 1000 / args.rounds
        summary("edit -> diagnostics", edits, edits_cpu)
        summary("hover after an edit", hovers, hovers_cpu)
        summary("completion after the hover", completions, completions_cpu)
        print(f"server CPU per round (an edit, a hover, a completion), mean of {args.rounds}: "
              f"{mean:.1f} ms")
        c.request("shutdown")
        c.notify("exit")
        c.proc.wait()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"server CPU for the run: user {usage.ru_utime:.2f} s, sys {usage.ru_stime:.2f} s, "
          f"max RSS {usage.ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
