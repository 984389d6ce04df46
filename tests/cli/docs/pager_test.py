#!/usr/bin/env python3
"""Small habits of SPEC §6, end to end: long output on a terminal goes through OKR_PAGER, else
PAGER (else `less -FRX`); --no-pager, a short output or a pipe skip it; `okr` with no command
runs `status` where a workspace is found and otherwise points at `okr init`.

  pager_test.py OKR        (run from the source tree's root)

The terminal is a pseudo-terminal with a fixed size; the pager is a shell command that copies
its input to a file, so the test sees exactly what was paged.
"""
import fcntl
import os
import pty
import struct
import subprocess
import sys
import tempfile
import termios
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/cli
import tools  # noqa: E402


def run_on_terminal(args, env, rows=10, cols=100):
    """Runs okr with its standard output on a pseudo-terminal; returns (exit code, terminal text)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=slave, stderr=slave, env=env, close_fds=True)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # EIO: every writer has closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return proc.wait(timeout=30), b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")


def main():
    okr = str(Path(sys.argv[1]).resolve())
    tools.require_pty()
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        paged = Path(tmp) / "paged"
        base = {k: v for k, v in os.environ.items() if k not in ("OKR_PAGER", "PAGER", "OKR_FILE", "COLUMNS")}
        base.update(NO_COLOR="1", TERM="xterm")
        team = [okr, "-f", "examples/team", "--as-of", "2026-11-23"]
        plain = subprocess.run(team + ["status"], capture_output=True, text=True, env=dict(base, COLUMNS="100"))
        expected = plain.stdout

        def case(name, args, env, want_paged, rows=10):
            if paged.exists():
                paged.unlink()
            code, shown = run_on_terminal(args, env, rows=rows)
            if code != 0:
                problems.append(f"{name}: exit {code}: {shown}")
            if want_paged:
                if not paged.exists():
                    problems.append(f"{name}: the pager did not run; the terminal showed:\n{shown}")
                elif paged.read_text() != expected:
                    problems.append(f"{name}: the pager got other text than `okr status` prints")
                elif shown.strip():
                    problems.append(f"{name}: the terminal also showed text besides the pager's:\n{shown}")
            else:
                if paged.exists():
                    problems.append(f"{name}: the pager ran, but should not have")
                if expected.strip().splitlines()[-1] not in shown:
                    problems.append(f"{name}: the output did not reach the terminal:\n{shown}")

        copy = f"cat > {paged}"
        case("OKR_PAGER on a terminal", team + ["status"], dict(base, OKR_PAGER=copy), True)
        case("PAGER without OKR_PAGER", team + ["status"], dict(base, PAGER=copy), True)
        case("OKR_PAGER before PAGER", team + ["status"], dict(base, OKR_PAGER=copy, PAGER="false"), True)
        case("--no-pager", team + ["--no-pager", "status"], dict(base, OKR_PAGER=copy), False)
        case("--no-pager after the command", team + ["status", "--no-pager"], dict(base, OKR_PAGER=copy), False)
        case("output shorter than the terminal", team + ["status"], dict(base, OKR_PAGER=copy), False, rows=200)
        case("OKR_PAGER empty turns paging off", team + ["status"], dict(base, OKR_PAGER="", PAGER=copy), False)
        case("a pager that does not exist", team + ["status"], dict(base, OKR_PAGER="okr-no-such-pager-xyz"), False)

        # Long output, written a window at a time when it goes to a pipe, reaches the pager whole
        # in every format: no piece of it on the terminal beside the pager.
        big = Path(tmp) / "big.toml"
        lines = ['owner = "sam"', 'cycle = "2026-Q4"', ""]
        for i in range(600):
            lines += ["[[objective]]", f'id = "o{i}"', f'title = "Objective number {i}"', "",
                      "[[objective.kr]]", f'id = "k{i}"', f'title = "Key result {i}"', "target = 10",
                      "current = 3", ""]
        big.write_text("\n".join(lines))
        for fmt in ("json", "table", "csv", "markdown", "html"):
            args = [okr, "-f", str(big), "--as-of", "2026-11-23", "status", "--format", fmt]
            whole = subprocess.run(args, capture_output=True, text=True, env=dict(base, COLUMNS="100"))
            if whole.returncode != 0 or len(whole.stdout) < 80_000:
                problems.append(f"long {fmt}: exit {whole.returncode}, {len(whole.stdout)} bytes: {whole.stderr}")
                continue
            if paged.exists():
                paged.unlink()
            code, shown = run_on_terminal(args, dict(base, OKR_PAGER=copy))
            got = paged.read_text() if paged.exists() else ""
            if code != 0 or got != whole.stdout or shown.strip():
                problems.append(f"long {fmt} on a terminal: exit {code}; the pager got {len(got)} of "
                                f"{len(whole.stdout)} bytes, the terminal {len(shown.strip())} beside it")
        if paged.exists():
            paged.unlink()

        # The pager's environment: LESS=FRX and LV=-c unless the user set them (to anything).
        seen = Path(tmp) / "env"
        show = f"printf '%s|%s' \"${{LESS-unset}}\" \"${{LV-unset}}\" > {seen}; cat > /dev/null"
        for name, extra, want in (("LESS and LV unset", {}, "FRX|-c"),
                                  ("LESS and LV set", {"LESS": "R", "LV": ""}, "R|")):
            if seen.exists():
                seen.unlink()
            env = {k: v for k, v in base.items() if k not in ("LESS", "LV")}
            env.update(extra, OKR_PAGER=show)
            code, shown = run_on_terminal(team + ["status"], env)
            got = seen.read_text() if seen.exists() else None
            if code != 0 or got != want:
                problems.append(f"{name}: the pager saw LESS|LV = {got!r}, not {want!r} (exit {code})")

        # Colour on a terminal, unless TERM=dumb or NO_COLOR (a pipe never has it: the golden
        # cases cannot see TERM=dumb, so it is checked here).
        for name, extra, want in (("TERM=xterm on a terminal", {"TERM": "xterm"}, True),
                                  ("TERM=dumb on a terminal", {"TERM": "dumb"}, False),
                                  ("NO_COLOR on a terminal", {"TERM": "xterm", "NO_COLOR": "1"}, False)):
            env = {k: v for k, v in base.items() if k != "NO_COLOR"}
            env.update(extra)
            code, shown = run_on_terminal(team + ["--no-pager", "kpi"], env, rows=200)
            if code != 0 or ("\x1b[" in shown) != want:
                problems.append(f"{name}: colour {'expected' if want else 'not expected'} (exit {code}):\n"
                                f"{shown!r}")

        # Not a terminal: never paged.
        r = subprocess.run(team + ["status"], capture_output=True, text=True, env=dict(base, OKR_PAGER=copy,
                                                                                          COLUMNS="100"))
        if paged.exists() or r.stdout != expected:
            problems.append("a pipe: the output was paged or changed")

        # No command: status where a workspace is found, else a pointer to `okr init`.
        r = subprocess.run([okr, "--as-of", "2026-11-23"], capture_output=True, text=True,
                           env=dict(base, COLUMNS="100"), cwd="examples/team")
        inside = subprocess.run([okr, "--as-of", "2026-11-23", "status"], capture_output=True, text=True,
                                env=dict(base, COLUMNS="100"), cwd="examples/team")
        if r.returncode != 0 or r.stdout != inside.stdout:
            problems.append(f"`okr` in a workspace is not `okr status`: exit {r.returncode}\n{r.stdout}{r.stderr}")
        r = subprocess.run([okr], capture_output=True, text=True, env=base, cwd=tmp)
        if r.returncode != 0 or "okr init" not in r.stdout:
            problems.append(f"`okr` outside a workspace does not point at `okr init`: exit {r.returncode}\n"
                            f"{r.stdout}{r.stderr}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
