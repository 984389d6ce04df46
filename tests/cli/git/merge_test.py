#!/usr/bin/env python3
"""The git merge driver, `okr merge`, with real git in temporary repositories (SPEC §12).

Each test builds a repository, sets the driver up with `okr init --git`, makes branches with
check-ins and edits, and merges, rebases or cherry-picks with git itself.

    merge_test.py OKR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/cli
import okrtest  # noqa: E402

OKR = os.path.abspath(sys.argv[1])
FAILURES = []

BASE = textwrap.dedent("""\
    # Growth team
    title = "Growth team"
    owner = "growth"
    cycle = "2026-Q4"

    [[objective]]
    id = "eco"
    title = "Become a market leader in eco-friendly products"

      [[objective.kr]]
      id = "launch"
      title = "Launch two new sustainable products"
      target = 2
      checkins = [
        { date = 2026-10-14, value = 1, confidence = 0.6, note = "first in beta" },
      ]

      [[objective.kr]]
      id = "sat"
      title = "Customer satisfaction reaches 95%"
      start = 88
      target = 95
      checkins = [ { date = 2026-10-20, value = 89 } ]

    [[kpi]]
    id = "csat"
    title = "Customer satisfaction score"
    unit = "%"
    min = 90
    checkins = [
      { date = 2026-10-31, value = 91.2 },
    ]
    """)


def env():
    """okr's environment (okrtest), with git's identity, and okr on PATH for the merge driver."""
    return okrtest.environment(os.environ["TMP_HOME"],
                               PATH=os.path.dirname(OKR) + os.pathsep + os.environ.get("PATH", "/usr/bin:/bin"),
                               GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@x", GIT_COMMITTER_NAME="t",
                               GIT_COMMITTER_EMAIL="t@x", GIT_CONFIG_NOSYSTEM=1)


def run(cwd, *args, check=True):
    p = subprocess.run(list(args), cwd=cwd, env=env(), capture_output=True, text=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {p.returncode}\n{p.stdout}{p.stderr}")
    return p


def okr(cwd, *args, check=True):
    # A fixed date, after every check-in the tests make (okr refuses check-ins in the future).
    return run(cwd, OKR, "--as-of", "2026-12-15", *args, check=check)


def git(cwd, *args, check=True):
    return run(cwd, "git", *args, check=check)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def write(path, text):
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def repo(tmp, text=BASE, name="okr.toml"):
    """A repository with one commit of `name`, the driver set up, on branch main."""
    d = os.path.join(tmp, "repo")
    os.makedirs(d)
    git(d, "init", "-q", "-b", "main")
    write(os.path.join(d, name), text)
    okr(d, "init", "--git")
    git(d, "add", "-A")
    git(d, "commit", "-q", "-m", "base")
    return d


def commit_all(d, message):
    git(d, "commit", "-q", "-am", message)


def expect(name, cond, detail=""):
    if not cond:
        FAILURES.append(f"{name}: {detail}")


def test(fn):
    with tempfile.TemporaryDirectory(prefix="okr-git-") as tmp:
        os.environ["TMP_HOME"] = tmp
        try:
            fn(tmp)
            print(f"ok   {fn.__name__}")
        except AssertionError as e:
            FAILURES.append(f"{fn.__name__}: {e}")
            print(f"FAIL {fn.__name__}")


def two_branch_checkins(d):
    """Branch alice and bob check in to the same KR and KPI (and the one-line array too)."""
    git(d, "checkout", "-q", "-b", "alice")
    okr(d, "checkin", "eco.launch", "2", "--date", "2026-11-04", "--note", "second product live")
    okr(d, "checkin", "csat", "92.5", "--date", "2026-11-30")
    okr(d, "checkin", "sat", "90", "--date", "2026-11-02")
    commit_all(d, "alice checks in")
    git(d, "checkout", "-q", "main")
    git(d, "checkout", "-q", "-b", "bob")
    okr(d, "checkin", "eco.launch", "1", "--date", "2026-11-01", "--confidence", "0.4")
    okr(d, "checkin", "csat", "88.4", "--date", "2026-11-15", "--note", "holiday backlog")
    okr(d, "checkin", "sat", "91", "--date", "2026-11-09")
    commit_all(d, "bob checks in")


MERGED = """\
  checkins = [
    { date = 2026-10-14, value = 1, confidence = 0.6, note = "first in beta" },
    { date = 2026-11-01, value = 1, confidence = 0.4 },
    { date = 2026-11-04, value = 2, note = "second product live" },
  ]"""


def test_init_git_is_idempotent(tmp):
    d = repo(tmp)
    attributes = read(os.path.join(d, ".gitattributes"))
    expect("attributes", attributes == "/okr.toml merge=okr\n", repr(attributes))
    driver = git(d, "config", "--get", "merge.okr.driver").stdout
    expect("driver", driver == "okr merge -- %O %A %B %P %L\n", repr(driver))
    p = okr(d, "init", "--git")
    expect("again", p.stdout == "the git merge driver is already set up; nothing to change\n",
           p.stdout)
    expect("unchanged", read(os.path.join(d, ".gitattributes")) == attributes)


def test_init_git_covers_includes(tmp):
    d = os.path.join(tmp, "repo")
    os.makedirs(os.path.join(d, "goals", "teams"))
    git(d, "init", "-q")
    write(os.path.join(d, "goals", "okr.toml"),
          'title = "Company"\ncycle = "2026-Q4"\n[workspace]\ninclude = ["teams/*.toml"]\n')
    write(os.path.join(d, "goals", "teams", "web.toml"), 'title = "Web"\n')
    write(os.path.join(d, ".gitattributes"), "*.png binary")
    p = okr(os.path.join(d, "goals", "teams"), "init", "--git")
    attributes = read(os.path.join(d, ".gitattributes"))
    expect("includes", attributes ==
           "*.png binary\n/goals/okr.toml merge=okr\n/goals/teams/*.toml merge=okr\n",
           repr(attributes) + p.stdout)


def test_init_git_at_the_top_with_includes(tmp):
    d = os.path.join(tmp, "repo")
    os.makedirs(os.path.join(d, "teams"))
    git(d, "init", "-q")
    write(os.path.join(d, "okr.toml"), 'cycle = "2026-Q4"\n[workspace]\ninclude = ["teams/*.toml"]\n')
    okr(d, "init", "--git")
    attributes = read(os.path.join(d, ".gitattributes"))
    expect("top", attributes == "/okr.toml merge=okr\n/teams/*.toml merge=okr\n", repr(attributes))


def test_init_path_in_a_git_workspace_adds_its_pattern(tmp):
    """Issue 26: `okr init people/x.toml` in a workspace set up with --git adds the include and
    the .gitattributes line of the new pattern, so the new file merges with the driver too."""
    d = os.path.join(tmp, "repo")
    os.makedirs(d)
    git(d, "init", "-q")
    write(os.path.join(d, "okr.toml"), 'cycle = "2026-Q4"\n')
    okr(d, "init", "--git")
    p = okr(d, "init", "people/x.toml", "--owner", "x", "--cycle", "2026-Q4")
    attributes = read(os.path.join(d, ".gitattributes"))
    expect("new pattern", attributes == "/okr.toml merge=okr\n/people/x.toml merge=okr\n",
           repr(attributes) + p.stdout + p.stderr)
    expect("says so", "added to .gitattributes: /people/x.toml merge=okr" in p.stdout, p.stdout)
    # Without --git set up, init touches no .gitattributes.
    e = os.path.join(tmp, "plain")
    os.makedirs(e)
    git(e, "init", "-q")
    write(os.path.join(e, "okr.toml"), 'cycle = "2026-Q4"\n')
    okr(e, "init", "people/x.toml", "--owner", "x", "--cycle", "2026-Q4")
    expect("no attributes without --git", not os.path.exists(os.path.join(e, ".gitattributes")))


def attr(d, path):
    """The merge attribute git gives `path`, as `git check-attr` prints it."""
    return git(d, "check-attr", "merge", "--", path).stdout.rsplit(": ", 1)[-1].strip()


def test_init_git_quotes_patterns_with_spaces(tmp):
    """Issue 27: a pattern with a blank, a `"` or a `\\` is C-quoted as git reads it, and git
    agrees that the driver applies to the files it names (unquoted, git would cut the pattern
    at the blank while okr says "added")."""
    d = os.path.join(tmp, "repo")
    os.makedirs(os.path.join(d, "team goals", "q\"x"))
    git(d, "init", "-q")
    write(os.path.join(d, "okr.toml"),
          'cycle = "2026-Q4"\n[workspace]\ninclude = ["team goals/*.toml", "team goals/q\\"x/*.toml"]\n')
    write(os.path.join(d, "team goals", "web.toml"), 'title = "Web"\n')
    write(os.path.join(d, "team goals", 'q"x', "a.toml"), 'title = "A"\n')
    p = okr(d, "init", "--git")
    attributes = read(os.path.join(d, ".gitattributes"))
    expect("quoted", attributes == '/okr.toml merge=okr\n"/team goals/*.toml" merge=okr\n'
           '"/team goals/q\\"x/*.toml" merge=okr\n', repr(attributes) + p.stdout + p.stderr)
    expect("says what it wrote", 'added to .gitattributes: "/team goals/*.toml" merge=okr' in p.stdout,
           p.stdout)
    expect("git agrees", attr(d, "team goals/web.toml") == "okr", attr(d, "team goals/web.toml"))
    expect("git agrees on the quote", attr(d, 'team goals/q"x/a.toml') == "okr",
           attr(d, 'team goals/q"x/a.toml'))
    expect("and only there", attr(d, "team/web.toml") == "unspecified", attr(d, "team/web.toml"))
    again = okr(d, "init", "--git")
    expect("again", "nothing to change" in again.stdout and
           read(os.path.join(d, ".gitattributes")) == attributes, again.stdout)
    # `okr init PATH` in that workspace adds the new file's quoted pattern too.
    p = okr(d, "init", "new team/x.toml", "--owner", "x", "--cycle", "2026-Q4")
    expect("new file quoted", '"/new team/x.toml" merge=okr\n' in read(os.path.join(d, ".gitattributes")),
           read(os.path.join(d, ".gitattributes")) + p.stdout + p.stderr)
    expect("git agrees on the new file", attr(d, "new team/x.toml") == "okr", attr(d, "new team/x.toml"))


def snapshot(d):
    """Every file of the work tree and the repository's config, to show nothing was written."""
    files = {}
    for root, _, names in os.walk(d):
        for n in names:
            path = os.path.join(root, n)
            if "/.git/" in path and not path.endswith("/.git/config"):
                continue
            with open(path, "rb") as f:
                files[os.path.relpath(path, d)] = f.read()
    return files


def test_init_git_refuses_patterns_git_cannot_read(tmp):
    """Issue 27: an include with a newline would write a line of its author's choosing into
    .gitattributes (`*.sh filter=evil`); one with a NUL or another control character cannot be
    read back by git. Each is refused with exit 2, naming the include, and nothing is written:
    no .gitattributes, no config, no new goal file, no include added."""
    d = os.path.join(tmp, "repo")
    os.makedirs(d)
    git(d, "init", "-q")
    for bad, said in (("teams/*.toml\\n*.sh filter=evil", r"newline"),
                      ("teams/\\u0000x/*.toml", "NUL"), ("teams/\\u001b[31m/*.toml", r"\x1b")):
        root = f'cycle = "2026-Q4"\n[workspace]\ninclude = ["{bad}"]\n'
        write(os.path.join(d, "okr.toml"), root)
        before = snapshot(d)
        p = okr(d, "init", "--git", check=False)
        expect(f"{said}: exit 2", p.returncode == 2, f"{p.returncode} {p.stdout} {p.stderr}")
        expect(f"{said}: names the include and why", "cannot write the include" in p.stderr and
               "okr.toml:3" in p.stderr and said in p.stderr and "nothing was written" in p.stderr,
               p.stderr)
        expect(f"{said}: nothing written", snapshot(d) == before, p.stdout + p.stderr)
        expect(f"{said}: no driver set", git(d, "config", "--get", "merge.okr.driver", check=False).stdout == "")
        p = okr(d, "init", "people/x.toml", "--git", "--owner", "x", "--cycle", "2026-Q4", check=False)
        expect(f"{said}: init PATH --git: exit 2", p.returncode == 2, f"{p.returncode} {p.stderr}")
        expect(f"{said}: init PATH --git: nothing written", snapshot(d) == before, p.stdout + p.stderr)
    # A new file whose own path holds a control character, in a workspace set up with --git.
    write(os.path.join(d, "okr.toml"), 'cycle = "2026-Q4"\n')
    okr(d, "init", "--git")
    before = snapshot(d)
    p = okr(d, "init", "people/a\nb.toml", "--owner", "x", "--cycle", "2026-Q4", check=False)
    expect("new path with a newline: exit 2", p.returncode == 2, f"{p.returncode} {p.stdout} {p.stderr}")
    expect("new path: names it", "cannot write the path of people/a\\nb.toml" in p.stderr, p.stderr)
    expect("new path: nothing written", snapshot(d) == before, p.stdout + p.stderr)


def test_init_git_outside_a_repository(tmp):
    write(os.path.join(tmp, "okr.toml"), BASE)
    p = okr(tmp, "init", "--git", check=False)
    expect("exit", p.returncode == 2, f"{p.returncode} {p.stderr}")
    expect("message", "not inside a git repository" in p.stderr, p.stderr)


def test_checkins_on_two_branches_merge_cleanly(tmp):
    d = repo(tmp)
    two_branch_checkins(d)
    git(d, "checkout", "-q", "alice")
    p = git(d, "merge", "-q", "--no-edit", "bob", check=False)
    expect("merge exit", p.returncode == 0, p.stdout + p.stderr)
    text = read(os.path.join(d, "okr.toml"))
    expect("KR check-ins", MERGED in text, text)
    expect("KPI check-ins", """\
checkins = [
  { date = 2026-10-31, value = 91.2 },
  { date = 2026-11-15, value = 88.4, note = "holiday backlog" },
  { date = 2026-11-30, value = 92.5 },
]""" in text, text)
    expect("one-line array", """\
  checkins = [
    { date = 2026-10-20, value = 89 },
    { date = 2026-11-02, value = 90 },
    { date = 2026-11-09, value = 91 },
  ]""" in text, text)
    expect("no markers", "<<<<<<<" not in text, text)
    okr(d, "check")


def test_rebase_uses_the_driver(tmp):
    d = repo(tmp)
    two_branch_checkins(d)
    git(d, "checkout", "-q", "bob")
    p = git(d, "rebase", "-q", "alice", check=False)
    expect("rebase exit", p.returncode == 0, p.stdout + p.stderr)
    text = read(os.path.join(d, "okr.toml"))
    expect("KR check-ins", MERGED in text, text)
    okr(d, "check")


def test_cherry_pick_uses_the_driver(tmp):
    d = repo(tmp)
    two_branch_checkins(d)
    git(d, "checkout", "-q", "alice")
    p = git(d, "cherry-pick", "bob", check=False)
    expect("cherry-pick exit", p.returncode == 0, p.stdout + p.stderr)
    text = read(os.path.join(d, "okr.toml"))
    expect("KR check-ins", MERGED in text, text)
    okr(d, "check")


def test_one_side_changes_are_taken(tmp):
    d = repo(tmp)
    git(d, "checkout", "-q", "-b", "alice")
    okr(d, "set", "eco.launch", "title", "Launch three sustainable products")
    okr(d, "set", "eco.launch", "target", "3")
    okr(d, "add", "kpi", "Weekly active users", "--min", "1000", "--id", "wau")
    commit_all(d, "alice edits")
    git(d, "add", "-A")
    git(d, "checkout", "-q", "main")
    git(d, "checkout", "-q", "-b", "bob")
    okr(d, "checkin", "eco.launch", "2", "--date", "2026-11-04")
    okr(d, "add", "kr", "eco", "Ship the recycling programme", "--milestone", "--id", "recycle")
    okr(d, "set", "csat", "min", "91")
    commit_all(d, "bob edits")
    p = git(d, "merge", "-q", "--no-edit", "alice", check=False)
    expect("merge exit", p.returncode == 0, p.stdout + p.stderr)
    text = read(os.path.join(d, "okr.toml"))
    for want in ['title = "Launch three sustainable products"', "target = 3",
                 '{ date = 2026-11-04, value = 2 }', 'id = "recycle"', 'id = "wau"', "min = 91"]:
        expect("has " + want, want in text, text)
    okr(d, "check")


def test_a_real_conflict_marks_that_key_alone(tmp):
    d = repo(tmp)
    git(d, "checkout", "-q", "-b", "alice")
    okr(d, "set", "eco.launch", "target", "3")
    okr(d, "checkin", "csat", "92.5", "--date", "2026-11-30")
    commit_all(d, "alice")
    git(d, "checkout", "-q", "main")
    git(d, "checkout", "-q", "-b", "bob")
    okr(d, "set", "eco.launch", "target", "4")
    okr(d, "checkin", "eco.launch", "2", "--date", "2026-11-04")
    commit_all(d, "bob")
    p = git(d, "merge", "-q", "--no-edit", "alice", check=False)
    expect("merge fails", p.returncode != 0, p.stdout + p.stderr)
    text = read(os.path.join(d, "okr.toml"))
    # The markers carry git's names for the sides: HEAD and the merged branch.
    expect("markers", "\n<<<<<<< HEAD\n  target = 4\n=======\n  target = 3\n>>>>>>> alice\n" in text
           and text.count("<<<<<<<") == 1, text)
    # Everything else is merged: bob's KR check-in, alice's KPI check-in.
    expect("check-in kept", text.count("{ date = 2026-11-04, value = 2 }") == 1, text)
    expect("KPI merged", "{ date = 2026-11-30, value = 92.5 }" in text, text)
    # The driver says which item, what each side did, and how to resolve it.
    expect("explained", "okr.toml:13: conflict in kr eco.launch: key target: changed both ways, "
           "differently on HEAD and alice" in p.stdout + p.stderr, p.stdout + p.stderr)
    expect("how to resolve", "then run `okr check` and `git add okr.toml`" in p.stdout + p.stderr,
           p.stdout + p.stderr)
    expect("no setup hint", "okr init --git" not in p.stdout + p.stderr, p.stdout + p.stderr)
    p = okr(d, "status", check=False)
    expect("status refuses", p.returncode == 3, p.stderr)
    # Resolved by hand, the merge goes on.
    write(os.path.join(d, "okr.toml"), text.replace("<<<<<<< HEAD\n  target = 4\n=======\n", "")
          .replace(">>>>>>> alice\n", ""))
    okr(d, "check")
    git(d, "commit", "-q", "-am", "merged")


def test_removed_here_edited_there_is_a_conflict(tmp):
    d = repo(tmp)
    git(d, "checkout", "-q", "-b", "alice")
    text = read(os.path.join(d, "okr.toml"))
    start = text.index("[[kpi]]")
    write(os.path.join(d, "okr.toml"), text[:start].rstrip("\n") + "\n")
    commit_all(d, "alice removes the KPI")
    git(d, "checkout", "-q", "main")
    git(d, "checkout", "-q", "-b", "bob")
    okr(d, "checkin", "csat", "92.5", "--date", "2026-11-30")
    okr(d, "checkin", "eco.launch", "2", "--date", "2026-11-04")
    commit_all(d, "bob checks in")
    p = git(d, "merge", "-q", "--no-edit", "alice", check=False)
    expect("merge fails", p.returncode != 0, p.stdout + p.stderr)
    merged = read(os.path.join(d, "okr.toml"))
    conflict = merged[merged.index("<<<<<<< HEAD"):]
    expect("KPI in conflict", "[[kpi]]" in conflict and "92.5" in conflict and
           conflict.rstrip("\n").endswith("=======\n>>>>>>> alice"), merged)
    # A removal of an unchanged item is taken.
    git(d, "merge", "--abort")
    git(d, "checkout", "-q", "-b", "carol", "main")
    okr(d, "checkin", "eco.launch", "2", "--date", "2026-11-04")
    commit_all(d, "carol")
    p = git(d, "merge", "-q", "--no-edit", "alice", check=False)
    expect("clean removal", p.returncode == 0, p.stdout + p.stderr)
    merged = read(os.path.join(d, "okr.toml"))
    expect("KPI gone", "[[kpi]]" not in merged and "2026-11-04" in merged, merged)
    okr(d, "check")


def test_not_a_goal_file_merges_as_text(tmp):
    d = repo(tmp)
    write(os.path.join(d, "notes.toml"), "[tool]\nname = \"x\"\nlist = [1,\n  2]\nother = 1\n")
    write(os.path.join(d, ".gitattributes"), "*.toml merge=okr\n")
    git(d, "add", "-A")
    commit_all(d, "notes")
    git(d, "checkout", "-q", "-b", "alice")
    write(os.path.join(d, "notes.toml"), "[tool]\nname = \"alice\"\nlist = [1,\n  2]\nother = 1\n")
    commit_all(d, "alice")
    git(d, "checkout", "-q", "main")
    write(os.path.join(d, "notes.toml"), "[tool]\nname = \"x\"\nlist = [1,\n  2]\nother = 2\n")
    commit_all(d, "main")
    p = git(d, "merge", "-q", "--no-edit", "alice", check=False)
    expect("clean text merge", p.returncode == 0, p.stdout + p.stderr)
    expect("both changes", read(os.path.join(d, "notes.toml")) ==
           "[tool]\nname = \"alice\"\nlist = [1,\n  2]\nother = 2\n", read(os.path.join(d, "notes.toml")))
    git(d, "checkout", "-q", "-b", "bob", "main~1")
    write(os.path.join(d, "notes.toml"), "[tool]\nname = \"bob\"\nlist = [1,\n  2]\nother = 1\n")
    commit_all(d, "bob")
    p = git(d, "merge", "-q", "--no-edit", "alice", check=False)
    expect("text conflict", p.returncode != 0, p.stdout + p.stderr)
    text = read(os.path.join(d, "notes.toml"))
    expect("text markers", text == "[tool]\n<<<<<<< HEAD\nname = \"bob\"\n=======\nname = \"alice\"\n"
           ">>>>>>> alice\nlist = [1,\n  2]\nother = 1\n", text)


def test_one_line_array_becomes_one_per_line(tmp):
    d = repo(tmp)
    okr(d, "checkin", "sat", "90", "--date", "2026-11-02")
    first = git(d, "diff", "--numstat").stdout.split()[:2]
    expect("first append rewrites the array", first == ["4", "1"], first)
    commit_all(d, "first")
    okr(d, "checkin", "sat", "91", "--date", "2026-11-09")
    second = git(d, "diff", "--numstat").stdout.split()[:2]
    expect("then one line", second == ["1", "0"], second)


def test_driver_directly(tmp):
    """`okr merge` as git calls it, without git: the result goes to OURS."""
    paths = {}
    for name, text in [("base", BASE), ("ours", BASE.replace("min = 90", "min = 91")),
                       ("theirs", BASE.replace("target = 95", "target = 96"))]:
        paths[name] = os.path.join(tmp, name)
        write(paths[name], text)
    p = okr(tmp, "merge", paths["base"], paths["ours"], paths["theirs"], "okr.toml", check=False)
    expect("exit", p.returncode == 0, p.stderr)
    expect("result", read(paths["ours"]) ==
           BASE.replace("min = 90", "min = 91").replace("target = 95", "target = 96"),
           read(paths["ours"]))


def test_json(tmp):
    """--format json on init --git and on the driver: what was written, as data."""
    d = os.path.join(tmp, "repo")
    os.makedirs(d)
    git(d, "init", "-q", "-b", "main")
    dry = okr(d, "--format", "json", "init", "--git", "--dry-run", "--owner", "sam",
              "--cycle", "2026-Q4")
    doc = json.loads(dry.stdout)
    expect("dry run writes nothing", not os.path.exists(os.path.join(d, "okr.toml")) and
           not os.path.exists(os.path.join(d, ".gitattributes")), os.listdir(d))
    expect("dry run doc", doc["dry_run"] and "+/okr.toml merge=okr" in doc["diff"] and
           doc["files"][:2] == ["okr.toml", ".gitattributes"], doc)
    p = okr(d, "--format", "json", "init", "--git", "--owner", "sam", "--cycle", "2026-Q4")
    doc = json.loads(p.stdout)
    expect("init doc", [w["action"] for w in doc["written"]] == ["init", "init", "init"] and
           doc["written"][1]["values"] == {"merge=okr": ["/okr.toml"]} and
           doc["written"][2]["values"]["merge.okr.driver"] == "okr merge -- %O %A %B %P %L" and
           doc["files"][:2] == ["okr.toml", ".gitattributes"], doc)
    again = json.loads(okr(d, "--format", "json", "init", "--git").stdout)
    expect("again doc", again["written"] == [] and again["files"] == [], again)
    paths = {}
    for name, text in [("base", BASE), ("ours", BASE.replace("min = 90", "min = 91")),
                       ("theirs", BASE.replace("min = 90", "min = 92"))]:
        paths[name] = os.path.join(tmp, name)
        write(paths[name], text)
    p = okr(tmp, "--format", "json", "merge", paths["base"], paths["ours"], paths["theirs"],
            "okr.toml", check=False)
    doc = json.loads(p.stdout)
    expect("merge exit", p.returncode == 1, p.stderr)
    expect("merge doc", doc["written"] == [{"action": "merge", "file": paths["ours"], "line": None,
                                            "ref": None, "values": {"conflicts": 1}}], doc)


def test_init_git_upgrades_the_old_driver_line(tmp):
    d = repo(tmp)
    for old in ["okr merge %O %A %B %P", "okr merge %O %A %B %P %L"]:
        git(d, "config", "merge.okr.driver", old)
        p = okr(d, "init", "--git")
        expect("says so", f'(it was "{old}")' in p.stdout, p.stdout)
        driver = git(d, "config", "--get", "merge.okr.driver").stdout
        expect("upgraded", driver == "okr merge -- %O %A %B %P %L\n", repr(driver))
    p = okr(d, "init", "--git")
    expect("then nothing", p.stdout == "the git merge driver is already set up; nothing to change\n",
           p.stdout)


def test_marker_size_from_git(tmp):
    """git's %L (conflict-marker-size) sizes the markers of a goal conflict and of a text merge."""
    d = repo(tmp)
    write(os.path.join(d, "notes.toml"), "[tool]\nname = \"x\"\n")
    write(os.path.join(d, ".gitattributes"),
          "/okr.toml merge=okr conflict-marker-size=9\n/notes.toml merge=okr conflict-marker-size=9\n")
    git(d, "add", "-A")
    commit_all(d, "notes")
    git(d, "checkout", "-q", "-b", "alice")
    okr(d, "set", "eco.launch", "target", "3")
    write(os.path.join(d, "notes.toml"), "[tool]\nname = \"alice\"\n")
    commit_all(d, "alice")
    git(d, "checkout", "-q", "main")
    okr(d, "set", "eco.launch", "target", "4")
    write(os.path.join(d, "notes.toml"), "[tool]\nname = \"main\"\n")
    commit_all(d, "main")
    p = git(d, "merge", "-q", "--no-edit", "alice", check=False)
    expect("conflicts", p.returncode != 0, p.stdout + p.stderr)
    goals = read(os.path.join(d, "okr.toml"))
    expect("goal markers", "\n<<<<<<<<< HEAD\n" in goals and "\n=========\n" in goals and
           "\n>>>>>>>>> alice\n" in goals, goals)
    notes = read(os.path.join(d, "notes.toml"))
    expect("text markers", notes == "[tool]\n<<<<<<<<< HEAD\nname = \"main\"\n=========\n"
           "name = \"alice\"\n>>>>>>>>> alice\n", notes)
    p = okr(d, "status", check=False)
    expect("a long marker is still a conflict", p.returncode == 3 and
           "okr.toml" in p.stderr and "unresolved merge conflict" in p.stderr, p.stderr)


def test_labels(tmp):
    """--label names the sides of the markers (git >= 2.44 passes %X, %S and %Y)."""
    paths = {}
    for name, text in [("base", BASE), ("ours", BASE.replace("min = 90", "min = 91")),
                       ("theirs", BASE.replace("min = 90", "min = 92"))]:
        paths[name] = os.path.join(tmp, name)
        write(paths[name], text)
    p = okr(tmp, "merge", "--label", "HEAD", "--label", "merged common ancestors", "--label",
            "alice", paths["base"], paths["ours"], paths["theirs"], "okr.toml", "10", check=False)
    text = read(paths["ours"])
    expect("exit", p.returncode == 1, p.stderr)
    expect("labels and size", "\n<<<<<<<<<< HEAD\n" in text and "\n==========\n" in text and
           "\n>>>>>>>>>> alice\n" in text, text)
    write(paths["ours"], "[tool]\nname = \"ours\"\n")
    write(paths["base"], "[tool]\nname = \"base\"\n")
    write(paths["theirs"], "[tool]\nname = \"theirs\"\n")
    p = okr(tmp, "merge", "--label", "HEAD", "--label", "base", "--label", "alice",
            paths["base"], paths["ours"], paths["theirs"], "okr.toml", check=False)
    expect("text labels", read(paths["ours"]) == "[tool]\n<<<<<<< HEAD\nname = \"ours\"\n"
           "=======\nname = \"theirs\"\n>>>>>>> alice\n", read(paths["ours"]))
    p = okr(tmp, "merge", "--label", "a", "--label", "b", "--label", "c", "--label", "d",
            paths["base"], paths["ours"], paths["theirs"], check=False)
    expect("at most three labels", p.returncode == 2, p.stderr)
    p = okr(tmp, "merge", paths["base"], paths["ours"], paths["theirs"], "okr.toml", "0",
            check=False)
    expect("marker size of at least 1", p.returncode == 2, p.stderr)


def branches(d, alice, bob, base="main"):
    """Branch alice and bob from `base`, each made by a function of the repository."""
    git(d, "checkout", "-q", "-b", "alice", base)
    alice(d)
    commit_all(d, "alice")
    git(d, "checkout", "-q", "-b", "bob", base)
    bob(d)
    commit_all(d, "bob")


def edit(d, old, new, name="okr.toml"):
    path = os.path.join(d, name)
    text = read(path)
    if old not in text:
        raise AssertionError(f"{old!r} is not in {name}")
    write(path, text.replace(old, new, 1))


def test_paths_that_look_like_options(tmp):
    """-h.toml, -v.toml and --version.toml are paths, with the driver line of init --git and with
    an older one without `--`: nothing prints help and exits 0 leaving a teammate's work out."""
    for name in ["-h.toml", "-v.toml", "--version.toml"]:
        for driver in ["okr merge -- %O %A %B %P %L", "okr merge %O %A %B %P %L"]:
            with tempfile.TemporaryDirectory(prefix="okr-opt-") as sub:
                d = os.path.join(sub, "repo")
                os.makedirs(d)
                git(d, "init", "-q", "-b", "main")
                write(os.path.join(d, name), BASE)
                write(os.path.join(d, ".gitattributes"), f"/{name} merge=okr\n")
                git(d, "config", "merge.okr.driver", driver)
                git(d, "add", "-A")
                git(d, "commit", "-q", "-m", "base")
                checkin = ["-f", "./" + name, "checkin", "eco.launch"]
                branches(d, lambda d: okr(d, *checkin, "2", "--date", "2026-11-04"),
                         lambda d: okr(d, *checkin, "1", "--date", "2026-11-01"))
                p = git(d, "merge", "-q", "--no-edit", "alice", check=False)
                text = read(os.path.join(d, name))
                expect(f"{name} {driver}: clean", p.returncode == 0, p.stdout + p.stderr)
                expect(f"{name} {driver}: both check-ins",
                       "{ date = 2026-11-01, value = 1 }" in text and
                       "{ date = 2026-11-04, value = 2 }" in text, text + p.stderr)
                okr(d, "-f", "./" + name, "check")


def test_a_comment_on_one_side_is_kept(tmp):
    d = repo(tmp)
    branches(d, lambda d: edit(d, "target = 2\n", "target = 2                  # agreed with finance\n"),
             lambda d: okr(d, "checkin", "eco.launch", "2", "--date", "2026-11-04"))
    p = git(d, "merge", "-q", "--no-edit", "alice", check=False)
    text = read(os.path.join(d, "okr.toml"))
    expect("clean", p.returncode == 0, p.stdout + p.stderr)
    expect("comment kept", "target = 2                  # agreed with finance\n" in text, text)
    expect("check-in kept", "{ date = 2026-11-04, value = 2 }" in text, text)


def test_a_checkin_edited_on_both_sides_is_a_conflict_of_that_line(tmp):
    d = repo(tmp)
    line = '{ date = 2026-10-14, value = 1, confidence = 0.6, note = "first in beta" }'
    branches(d, lambda d: edit(d, line, line.replace("value = 1", "value = 6")),
             lambda d: (edit(d, line, line.replace("first in beta", "first in beta, 40 users")),
                        okr(d, "checkin", "csat", "92", "--date", "2026-11-30")))
    p = git(d, "merge", "-q", "--no-edit", "alice", check=False)
    text = read(os.path.join(d, "okr.toml"))
    expect("conflict", p.returncode != 0, p.stdout + p.stderr)
    expect("that line alone", "\n<<<<<<< HEAD\n" + "    " + line.replace("first in beta", "first in beta, 40 users")
           + ",\n=======\n    " + line.replace("value = 1", "value = 6") + ",\n>>>>>>> alice\n" in text, text)
    expect("rest merged", "{ date = 2026-11-30, value = 92 }" in text and text.count("<<<<<<<") == 1, text)
    expect("explained", "conflict in kr eco.launch: check-in of 2026-10-14: changed both ways, "
           "differently on HEAD and alice" in p.stdout + p.stderr, p.stdout + p.stderr)


def test_a_checkin_deleted_on_one_side_and_annotated_on_the_other_is_a_conflict(tmp):
    d = repo(tmp)
    line = '  { date = 2026-10-31, value = 91.2 },\n'
    branches(d, lambda d: edit(d, line, ""),
             lambda d: edit(d, line, line.replace("91.2 }", '91.2, note = "survey of 300" }')))
    p = git(d, "merge", "-q", "--no-edit", "alice", check=False)
    text = read(os.path.join(d, "okr.toml"))
    expect("conflict", p.returncode != 0, p.stdout + p.stderr)
    expect("annotated kept in the conflict", 'note = "survey of 300"' in text and
           "=======\n>>>>>>> alice\n" in text, text)
    expect("explained", "conflict in kpi csat: check-in of 2026-10-31: changed on HEAD, deleted on alice"
           in p.stdout + p.stderr, p.stdout + p.stderr)


def test_two_values_on_one_day_are_both_kept_and_checked(tmp):
    d = repo(tmp)
    branches(d, lambda d: okr(d, "checkin", "csat", "92", "--date", "2026-11-30"),
             lambda d: okr(d, "checkin", "csat", "93", "--date", "2026-11-30"))
    p = git(d, "merge", "-q", "--no-edit", "alice", check=False)
    text = read(os.path.join(d, "okr.toml"))
    expect("clean", p.returncode == 0, p.stdout + p.stderr)
    expect("both kept, ours first", "  { date = 2026-11-30, value = 93 },\n  { date = 2026-11-30, value = 92 },\n"
           in text, text)
    expect("said", "two check-ins of 2026-11-30 with different values were kept" in p.stdout + p.stderr,
           p.stdout + p.stderr)
    c = okr(d, "check", check=False)
    expect("okr check warns at both", "okr.toml:33:3: warning: two check-ins on 2026-11-30 with different "
           "values: 92 here and 93 at line 32, column 3" in c.stdout + c.stderr,
           c.stdout + c.stderr)


def test_a_result_that_does_not_load_is_a_conflict(tmp):
    """Both sides add an objective with one id at different places: git's line merge is clean,
    the file is not (a duplicate id), so the driver exits 1 and never leaves it for a commit."""
    d = repo(tmp)
    new = '[[objective]]\nid = "hire"\ntitle = "Hire {}"\n\n'
    branches(d, lambda d: edit(d, "[[objective]]\n", new.format("two") + "[[objective]]\n"),
             lambda d: edit(d, "[[kpi]]\n", new.format("three") + "[[kpi]]\n"))
    p = git(d, "merge", "-q", "--no-edit", "alice", check=False)
    text = read(os.path.join(d, "okr.toml"))
    expect("conflict", p.returncode != 0, p.stdout + p.stderr)
    expect("whole file", text.startswith("<<<<<<< HEAD\n# Growth team\n") and
           text.endswith(">>>>>>> alice\n"), text)
    expect("says why", "duplicate" in p.stdout + p.stderr, p.stdout + p.stderr)
    # The same with check-ins written as tables, which the goal merge takes as text.
    with tempfile.TemporaryDirectory(prefix="okr-tables-") as sub:
        tables = BASE.replace("[[kpi]]", '[[objective]]\nid = "x"\ntitle = "X"\n\n[[kpi]]')
        d = repo(sub, text=tables)
        branches(d, lambda d: edit(d, '[[objective]]\nid = "x"', '[[objective]]\nid = "y"'),
                 lambda d: edit(d, "[[kpi]]\n", '[[objective]]\nid = "y"\ntitle = "Y"\n\n[[kpi]]\n'))
        p = git(d, "merge", "-q", "--no-edit", "alice", check=False)
        expect("duplicate from a rename: not clean", p.returncode != 0, p.stdout + p.stderr)
        okr(d, "status", check=False)


def test_a_rename_travels(tmp):
    """alice renames a KR with okr mv; bob checks in to the old id and changes its title: both
    land on the renamed KR, with no conflict."""
    d = repo(tmp)
    branches(d, lambda d: okr(d, "mv", "eco.launch", "ship"),
             lambda d: (okr(d, "checkin", "eco.launch", "2", "--date", "2026-11-04"),
                        okr(d, "set", "eco.launch", "title", "Launch three products")))
    p = git(d, "merge", "-q", "--no-edit", "alice", check=False)
    text = read(os.path.join(d, "okr.toml"))
    expect("clean", p.returncode == 0, p.stdout + p.stderr)
    expect("renamed with both changes", 'id = "ship"\n  title = "Launch three products"' in text and
           "{ date = 2026-11-04, value = 2 }" in text and 'id = "launch"' not in text, text)
    s = okr(d, "--format", "json", "status").stdout
    expect("status", "eco.ship" in s, s)
    # And an objective renamed on one side, with a KPI check-in and a title change on the other.
    git(d, "checkout", "-q", "main")
    git(d, "branch", "-q", "-D", "alice", "bob")
    branches(d, lambda d: okr(d, "mv", "eco", "green"),
             lambda d: (okr(d, "set", "eco", "title", "Lead in eco products"),
                        okr(d, "checkin", "eco.sat", "90", "--date", "2026-11-02")))
    p = git(d, "merge", "-q", "--no-edit", "alice", check=False)
    text = read(os.path.join(d, "okr.toml"))
    expect("objective clean", p.returncode == 0, p.stdout + p.stderr)
    expect("objective renamed with both changes", 'id = "green"\ntitle = "Lead in eco products"' in text
           and "{ date = 2026-11-02, value = 90 }" in text, text)
    okr(d, "check")


def test_a_note_with_an_underline_loads(tmp):
    """A Markdown underline or an arrow line in a multi-line note is content; a conflict inside
    a note is still a conflict."""
    note = 'notes = """\nRetro\n=======\n>>>>>>> arrows\n"""\n'
    write(os.path.join(tmp, "okr.toml"), BASE.replace('title = "Customer satisfaction score"\n',
                                                      'title = "Customer satisfaction score"\n' + note))
    okr(tmp, "check")
    conflicted = note.replace("Retro\n", "<<<<<<< HEAD\nRetro\n")
    write(os.path.join(tmp, "okr.toml"), BASE.replace('title = "Customer satisfaction score"\n',
                                                      'title = "Customer satisfaction score"\n' + conflicted))
    p = okr(tmp, "check", check=False)
    expect("conflict in a note", p.returncode == 3 and "okr.toml:29:1: error: unresolved merge conflict"
           in p.stdout + p.stderr, p.stdout + p.stderr)


for t in [test_json, test_init_git_is_idempotent, test_init_git_covers_includes,
          test_init_path_in_a_git_workspace_adds_its_pattern,
          test_init_git_at_the_top_with_includes,
          test_init_git_outside_a_repository, test_init_git_quotes_patterns_with_spaces,
          test_init_git_refuses_patterns_git_cannot_read, test_checkins_on_two_branches_merge_cleanly,
          test_rebase_uses_the_driver, test_cherry_pick_uses_the_driver,
          test_one_side_changes_are_taken, test_a_real_conflict_marks_that_key_alone,
          test_removed_here_edited_there_is_a_conflict, test_not_a_goal_file_merges_as_text,
          test_one_line_array_becomes_one_per_line, test_driver_directly,
          test_init_git_upgrades_the_old_driver_line, test_marker_size_from_git, test_labels,
          test_paths_that_look_like_options, test_a_comment_on_one_side_is_kept,
          test_a_checkin_edited_on_both_sides_is_a_conflict_of_that_line,
          test_a_checkin_deleted_on_one_side_and_annotated_on_the_other_is_a_conflict,
          test_two_values_on_one_day_are_both_kept_and_checked,
          test_a_result_that_does_not_load_is_a_conflict, test_a_rename_travels,
          test_a_note_with_an_underline_loads]:
    test(t)

if FAILURES:
    print("\n\n".join(FAILURES))
    sys.exit(1)
