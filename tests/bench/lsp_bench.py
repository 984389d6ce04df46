#!/usr/bin/env python3
"""How fast okr lsp answers on the benchmark workspace (issue 30, item 3): the time from an edit
(didChange) of one file to its diagnostics, best of N, and the CPU time of the server's process
for the whole run. Not a test: it prints numbers.

    python3 tests/bench/gen_workspace.py /tmp/ws --files 1000 --seed 1
    python3 tests/bench/lsp_bench.py build/okr /tmp/ws [--rounds 20]
"""
import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cli" / "lsp"))
from lspclient import LspClient, uri  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("okr")
    ap.add_argument("workspace")
    ap.add_argument("--rounds", type=int, default=20)
    args = ap.parse_args()
    ws = Path(args.workspace).resolve()
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
        times = []
        for i in range(args.rounds):
            edited = text.replace('title = "', f'title = "edit {i} ', 1)
            t = time.perf_counter()
            c.notify("textDocument/didChange", {
                "textDocument": {"uri": uri(target), "version": i + 2},
                "contentChanges": [{"text": edited}]})
            msg = c.read()
            times.append((time.perf_counter() - t) * 1000)
            assert msg["params"]["uri"] == uri(target), msg
            c.diagnostics_until_quiet(0.05)
        times.sort()
        print(f"edit -> diagnostics: best {times[0]:.1f} ms, median {times[len(times) // 2]:.1f}"
              f" ms, worst {times[-1]:.1f} ms ({args.rounds} edits)")
        c.request("shutdown")
        c.notify("exit")
        c.proc.wait()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"server CPU for the run: user {usage.ru_utime:.2f} s, sys {usage.ru_stime:.2f} s, "
          f"max RSS {usage.ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
