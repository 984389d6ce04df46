"""The commands a test runs, from the command table of the built okr: `okr __complete reports`
lists every report (a read command that shows its report in every --format), so that a report
added to the table is run by every test that runs every report, with no list here to update.

    sys.path.insert(0, str(Path(__file__).resolve().parents[N]))   # tests/cli
    import commands
    for command in commands.report_cases(BINARY, {"log": [["platform/reliability"]]}):
        ...
"""
import subprocess


def reports(binary):
    """The names of okr's reports, in the order of the command table."""
    out = subprocess.run([binary, "__complete", "reports"], capture_output=True, text=True,
                         check=True).stdout
    return [line.split("\t")[0] for line in out.splitlines() if line]


def report_cases(binary, arguments=None):
    """A command line (a list of words) for every report: one per list of arguments that
    `arguments[name]` gives it (the references it needs, variants worth checking), else the
    report alone. An empty list leaves the report out: say why where it is given."""
    arguments = arguments or {}
    cases = []
    for name in reports(binary):
        for args in arguments.get(name, [[]]):
            cases.append([name] + list(args))
    return cases
