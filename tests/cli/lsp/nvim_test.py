#!/usr/bin/env python3
"""okr lsp in a real client: Neovim's built-in LSP client, headless (issue 30, item 5). Neovim
opens a goal file of a copy of examples/team, a key is misspelt in the buffer, and the test
reads back what Neovim got: the diagnostics (okr check's message and rule at the key), the
hover of a key result (its numbers as okr status computes them), and completion of its keys. Debian 12's neovim (0.7) has vim.lsp.start_client, not vim.lsp.start: the script
uses the first, which every version since has.

    nvim_test.py build/okr
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(HERE.parent))
import tools  # noqa: E402

SCRIPT = r"""
local ws = os.getenv("OKR_WS")
local out = { diagnostics = {}, hover = nil, completion = nil }
vim.cmd("edit " .. ws .. "/teams/growth.toml")
local buf = vim.api.nvim_get_current_buf()
local id = vim.lsp.start_client({
  name = "okr",
  cmd = { os.getenv("OKR_BIN"), "--as-of", "2026-11-25", "lsp" },
  root_dir = ws,
})
vim.lsp.buf_attach_client(buf, id)
vim.wait(10000, function()
  local c = vim.lsp.get_client_by_id(id)
  return c ~= nil and c.initialized
end, 20)
-- Misspell the first `title` key of the file, in the buffer only.
local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
local typo_line = nil
for i, l in ipairs(lines) do
  if l:match("^title = ") then typo_line = i - 1; break end
end
out.typo_line = typo_line
vim.api.nvim_buf_set_lines(buf, typo_line, typo_line + 1, false,
  { (lines[typo_line + 1]:gsub("^title", "titel")) })
vim.wait(10000, function() return #vim.diagnostic.get(buf) > 0 end, 20)
for _, d in ipairs(vim.diagnostic.get(buf)) do
  local code = d.code
  if code == nil and d.user_data and d.user_data.lsp then code = d.user_data.lsp.code end
  table.insert(out.diagnostics, { lnum = d.lnum, col = d.col, end_col = d.end_col,
    message = d.message, code = code, severity = d.severity })
end
-- Hover on the first key result's header.
local kr_line = nil
for i, l in ipairs(lines) do
  if l:match("%[%[objective%.kr%]%]") then kr_line = i - 1; break end
end
local uri = vim.uri_from_bufnr(buf)
local res = vim.lsp.buf_request_sync(buf, "textDocument/hover",
  { textDocument = { uri = uri }, position = { line = kr_line + 1, character = 4 } }, 10000)
for _, r in pairs(res or {}) do
  if r.result then out.hover = r.result.contents.value end
end
local client = vim.lsp.get_client_by_id(id)
if client.server_capabilities.completionProvider then
  local c = vim.lsp.buf_request_sync(buf, "textDocument/completion",
    { textDocument = { uri = uri }, position = { line = kr_line + 1, character = 0 } }, 10000)
  out.completion = {}
  for _, r in pairs(c or {}) do
    local items = r.result and (r.result.items or r.result) or {}
    for _, item in ipairs(items) do table.insert(out.completion, item.label) end
  end
end
vim.fn.writefile({ vim.fn.json_encode(out) }, os.getenv("OKR_OUT"))
vim.cmd("qa!")
"""


def main():
    okr = os.path.abspath(sys.argv[1])
    nvim = tools.require("nvim", "neovim")
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp) / "ws"
        shutil.copytree(ROOT / "examples" / "team", ws)
        script = Path(tmp) / "test.lua"
        script.write_text(SCRIPT)
        result = Path(tmp) / "out.json"
        env = dict(os.environ, OKR_WS=str(ws), OKR_BIN=okr, OKR_OUT=str(result),
                   XDG_CACHE_HOME=str(Path(tmp) / "cache"), XDG_STATE_HOME=str(Path(tmp) / "state"),
                   XDG_DATA_HOME=str(Path(tmp) / "data"), XDG_CONFIG_HOME=str(Path(tmp) / "config"))
        run = subprocess.run([nvim, "--headless", "-u", "NONE", "-i", "NONE", "-c",
                              f"luafile {script}"], env=env, capture_output=True, text=True,
                             timeout=120, cwd=ws)
        if not result.exists():
            print(run.stdout, run.stderr)
            print("FAIL: neovim wrote no result")
            return 1
        out = json.loads(result.read_text())
        typo = out["typo_line"]
        want = [d for d in out["diagnostics"] if d["lnum"] == typo and d["code"] == "unknown-key"]
        if not want:
            problems.append(f"no unknown-key diagnostic at line {typo}: {out['diagnostics']}")
        elif want[0]["message"] != "unknown key `titel`\nhint: did you mean `title`?" or \
                want[0]["col"] != 0 or want[0]["end_col"] != 5:
            problems.append(f"the diagnostic reads {want[0]}")
        hover = out.get("hover") or ""
        for word in ("**key result**", "progress", "score", "confidence", "last check-in"):
            if word not in hover:
                problems.append(f"the hover has no {word!r}: {hover!r}")
        # On the key result's `id` line: the keys it does not hold yet, and `id` itself.
        got = out.get("completion")
        if got is None:
            problems.append("the server offers no completion")
        elif "notes" not in got or "id" not in got or "target" in got:
            problems.append(f"completion on a key result's id line offers {got}: "
                            "want notes and id, and not target, which it holds")
        print(json.dumps(out, indent=2))
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
