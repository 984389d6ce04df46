#!/usr/bin/env python3
"""`cmake --install` into a DESTDIR yields exactly the expected files, for two prefixes, and the
installed okr and completion scripts are those of the build.

  install_test.py BUILD_DIR MAN_SOURCE_DIR
"""
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def expected_files(prefix, man_sources):
    files = {f"{prefix}/bin/okr",
             f"{prefix}/share/bash-completion/completions/okr",
             f"{prefix}/share/zsh/vendor-completions/_okr",
             f"{prefix}/share/fish/vendor_completions.d/okr.fish"}
    for source in man_sources.glob("*.[1-8].in"):
        page = source.name[:-len(".in")]
        files.add(f"{prefix}/share/man/man{page[-1]}/{page}.gz")
    return files


def main():
    build, man_sources = Path(sys.argv[1]), Path(sys.argv[2])
    problems = []
    for prefix in ("/usr/local", "/opt/okr"):
        with tempfile.TemporaryDirectory() as stage:
            r = subprocess.run(["cmake", "--install", str(build), "--prefix", prefix], capture_output=True,
                               text=True, env=dict(os.environ, DESTDIR=stage))
            if r.returncode != 0:
                problems.append(f"cmake --install --prefix {prefix} failed:\n{r.stdout}{r.stderr}")
                continue
            got = {"/" + str(p.relative_to(stage)) for p in Path(stage).rglob("*") if not p.is_dir()}
            want = expected_files(prefix, man_sources)
            for f in sorted(want - got):
                problems.append(f"--prefix {prefix}: missing {f}")
            for f in sorted(got - want):
                problems.append(f"--prefix {prefix}: unexpected {f}")
            okr = Path(stage + prefix) / "bin/okr"
            if okr.exists():
                version = subprocess.run([str(okr), "--version"], capture_output=True, text=True).stdout
                if not version.startswith("okr "):
                    problems.append(f"installed okr --version prints {version!r}")
                for shell, path in (("bash", "share/bash-completion/completions/okr"),
                                    ("fish", "share/fish/vendor_completions.d/okr.fish"),
                                    ("zsh", "share/zsh/vendor-completions/_okr")):
                    script = subprocess.run([str(okr), "completion", shell], capture_output=True, text=True).stdout
                    if (Path(stage + prefix) / path).read_text() != script:
                        problems.append(f"--prefix {prefix}: {path} differs from `okr completion {shell}`")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
