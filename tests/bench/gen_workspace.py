#!/usr/bin/env python3
"""Generate a synthetic, valid okr workspace for the benchmark (SPEC §3).

    gen_workspace.py OUT_DIR --files N [--seed S] [--jobs J]

Writes OUT_DIR/team0000.toml ... OUT_DIR/team{N-1}.toml. The output depends
only on N and the seed: the same arguments always give the same bytes.

Per file (so that 1,000 files hold 5,000 objectives, 20,000 KRs and 250,000
check-ins):
  - 5 objectives x 4 KRs, all in cycle 2026-Q4;
  - exactly 240 KR check-ins spread over the KRs that keep their own
    check-ins (a KR linked to a KPI with `kpi = "..."` has none; the others
    get 8 to 16 each), one inline table per line in a multi-line array;
  - 2 KPIs with 5 check-ins each.
The KRs mix increasing and decreasing metrics and milestones; some carry a
weight, a manual score, a `current`, `status = "dropped"`; objectives of
files other than team0000 point to team0000's objectives with `parent`.
Check-in dates lie in 2026-10-01 .. 2026-11-23; a few check-ins share a date
or are out of date order, to exercise the "ties: later in file" rule.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import random
import sys

CYCLE = "2026-Q4"
FIRST_DAY = dt.date(2026, 10, 1)
LAST_DAY = dt.date(2026, 11, 23)
SPAN_DAYS = (LAST_DAY - FIRST_DAY).days  # 53

OBJECTIVES_PER_FILE = 5
KRS_PER_OBJECTIVE = 4
KR_CHECKINS_PER_FILE = 240
KPIS_PER_FILE = 2
CHECKINS_PER_KPI = 5

TEAMS = [
    "Growth", "Platform", "Payments", "Search", "Mobile", "Data", "Support",
    "Security", "Infrastructure", "Onboarding", "Marketplace", "Design",
    "Billing", "Identity", "Analytics", "Partnerships", "Logistics", "Sales",
]
PEOPLE = [
    "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi",
    "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil",
    "trent", "victor", "walter", "zoe",
]
TAGS = ["customer", "revenue", "reliability", "quality", "growth", "cost",
        "people", "compliance", "speed", "retention"]

OBJECTIVE_TITLES = [
    "Become the fastest checkout in the market",
    "Delight new customers in their first week",
    "Make the platform boringly reliable",
    "Grow self-serve revenue in Europe",
    "Cut the cost of serving a request",
    "Ship a search experience people love",
    "Build a team that ships every day",
    "Turn support into a growth engine",
    "Earn the trust of enterprise buyers",
    "Make our data easy to find and use",
    "Launch the partner marketplace",
    "Reduce churn among small businesses",
    "Modernise the mobile apps",
    "Pass the SOC 2 audit without drama",
    "Halve the time from idea to production",
]

# (id, title, unit, start range, direction, decimals)
#   direction +1: target above start; -1: a decreasing KR (target < start)
METRIC_KRS = [
    ("signups", "Weekly sign-ups reach {t}", "sign-ups", (800, 2000), +1, 0),
    ("conversion", "Trial-to-paid conversion reaches {t}%", "%", (8, 14), +1, 1),
    ("nps", "Net promoter score reaches {t}", "points", (20, 40), +1, 0),
    ("arr", "New ARR of {t} kEUR", "kEUR", (0, 0), +1, 1),
    ("activation", "Activation rate reaches {t}%", "%", (30, 45), +1, 1),
    ("deploys", "Deploys per week reach {t}", "deploys", (5, 15), +1, 0),
    ("coverage", "Test coverage of core services reaches {t}%", "%", (55, 70), +1, 1),
    ("csat-kr", "Support CSAT reaches {t}%", "%", (80, 88), +1, 1),
    ("latency", "Cut p95 API latency to {t} ms", "ms", (600, 900), -1, 0),
    ("errors", "Cut the error rate to {t}%", "%", (1.5, 3.0), -1, 2),
    ("churn", "Reduce monthly churn to {t}%", "%", (4.0, 6.5), -1, 2),
    ("cost", "Reduce cost per 1k requests to {t} EUR", "EUR", (0.8, 1.6), -1, 3),
    ("tickets", "Reduce weekly support tickets to {t}", "tickets", (400, 900), -1, 0),
    ("mttr", "Cut mean time to recovery to {t} minutes", "minutes", (90, 180), -1, 0),
    ("build", "Cut CI build time to {t} minutes", "minutes", (25, 45), -1, 1),
]
MILESTONE_KRS = [
    ("launch", "Launch the new pricing page"),
    ("beta", "Ship the public beta to 50 customers"),
    ("audit", "Complete the external security audit"),
    ("migrate", "Migrate the last service off the old cluster"),
    ("hire", "Hire a staff engineer for the team"),
    ("sso", "Release single sign-on for enterprise plans"),
    ("docs", "Publish the new developer documentation"),
    ("dr", "Run a full disaster-recovery drill"),
]
# (id, title, unit, kind, healthy bound, warn bound, value centre, spread, decimals)
#   kind: "min" (higher is better), "max" (lower is better), "band"
KPIS = [
    ("csat", "Customer satisfaction score", "%", "min", 90, 85, 89, 4, 1),
    ("uptime", "Monthly availability", "%", "min", 99.9, 99.5, 99.85, 0.15, 3),
    ("p95", "p95 API latency", "ms", "max", 400, 500, 420, 80, 0),
    ("backlog", "Open support tickets", "tickets", "max", 200, 300, 210, 60, 0),
    ("mrr", "Monthly recurring revenue", "kEUR", "min", 1200, 1000, 1250, 150, 1),
    ("burn", "Cloud spend per day", "EUR", "band", (800, 1200), None, 1000, 250, 0),
    ("nps-kpi", "Net promoter score", "points", "min", 30, 20, 32, 8, 0),
    ("onboard", "Median onboarding time", "days", "max", 3, 5, 3.2, 1.2, 1),
]
FREQUENCIES = ["daily", "weekly", "weekly", "monthly", "monthly", "quarterly"]

NOTES = [
    "on plan", "slower week, holidays", "new campaign live", "big customer signed",
    "incident on Tuesday", "experiment B won", "still blocked on legal review",
    "partner delayed the launch", "data backfilled", "first results from the pilot",
    "growth from the EU launch", "recovered after the outage",
    "team at half capacity", "numbers confirmed by finance",
    "moved to the new dashboard", "café partners onboarded", "naïve estimate, to revisit",
    "waiting for Q3 numbers \"final\" version", "see the doc for details",
]


def toml_str(s: str) -> str:
    """A TOML basic string."""
    out = ['"']
    for ch in s:
        if ch == '"':
            out.append('\\"')
        elif ch == '\\':
            out.append('\\\\')
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append('\\u%04X' % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return ''.join(out)


def num(x: float, decimals: int) -> str:
    """A TOML number: an integer when it has no fraction, else a float."""
    if decimals <= 0:
        return str(int(round(x)))
    r = round(x, decimals)
    if r == int(r) and abs(r) < 1e15:
        return str(int(r))  # whole values print as integers (TOML allows both)
    s = f"{r:.{decimals}f}".rstrip('0')
    if s.endswith('.'):
        s += '0'
    return s


def checkin_dates(rng: random.Random, n: int) -> list[dt.date]:
    """n dates in the date window, mostly increasing, some repeated, a rare swap."""
    if n == 0:
        return []
    days = sorted(rng.randint(0, SPAN_DAYS) for _ in range(n))
    dates = [FIRST_DAY + dt.timedelta(days=d) for d in days]
    if n >= 3 and rng.random() < 0.15:
        i = rng.randrange(n - 1)
        dates[i], dates[i + 1] = dates[i + 1], dates[i]
    return dates


def split_total(rng: random.Random, total: int, parts: int, lo: int, hi: int) -> list[int]:
    """Split total into `parts` integers in [lo, hi] (as far as possible), deterministically."""
    if parts == 0:
        return []
    counts = [total // parts] * parts
    for i in range(total - sum(counts)):
        counts[i % parts] += 1
    for _ in range(parts * 3):
        a, b = rng.randrange(parts), rng.randrange(parts)
        d = rng.randint(0, 3)
        if a != b and counts[a] - d >= lo and counts[b] + d <= hi:
            counts[a] -= d
            counts[b] += d
    return counts


class FileGen:
    def __init__(self, index: int, nfiles: int, seed: int):
        self.index = index
        self.nfiles = nfiles
        self.rng = random.Random(f"okr-bench/{seed}/{index}")
        self.stem = f"team{index:04d}"
        self.lines: list[str] = []

    def w(self, line: str = "") -> None:
        self.lines.append(line)

    def generate(self) -> str:
        rng = self.rng
        team = TEAMS[self.index % len(TEAMS)]
        owner = f"{team.lower()}-{self.index:04d}"
        self.w(f"# {team} team {self.index}, goals for {CYCLE} (generated by gen_workspace.py)")
        self.w(f"title = {toml_str(f'{team} team {self.index}')}")
        self.w(f"owner = {toml_str(owner)}")
        self.w(f"cycle = {toml_str(CYCLE)}")
        self.w()

        # KPIs of this file, chosen first so KRs can link to them.
        kpis = rng.sample(KPIS, KPIS_PER_FILE)

        # Which KRs link to a KPI (0 to 2 per file), where.
        slots = [(o, k) for o in range(OBJECTIVES_PER_FILE) for k in range(KRS_PER_OBJECTIVE)]
        n_linked = self.index % 3  # 0, 1, 2
        linked = dict(zip(rng.sample(slots, n_linked), kpis))
        own = [s for s in slots if s not in linked]
        counts = dict(zip(own, split_total(rng, KR_CHECKINS_PER_FILE, len(own), 8, 16)))

        titles = rng.sample(OBJECTIVE_TITLES, OBJECTIVES_PER_FILE)
        for o in range(OBJECTIVES_PER_FILE):
            self.objective(o, titles[o], kpis, linked, counts)

        for kpi in kpis:
            self.kpi(kpi)
        return "\n".join(self.lines) + "\n"

    def objective(self, o: int, title: str, kpis, linked, counts) -> None:
        rng = self.rng
        self.w("[[objective]]")
        self.w(f'id = "obj{o + 1}"')
        self.w(f"title = {toml_str(title)}")
        if rng.random() < 0.5:
            self.w(f"owner = {toml_str(rng.choice(PEOPLE))}")
        if rng.random() < 0.3:
            self.w('type = "committed"')
        if self.index != 0 and rng.random() < 0.6:
            self.w(f'parent = "team0000/obj{rng.randint(1, OBJECTIVES_PER_FILE)}"')
        if rng.random() < 0.4:
            self.w(f"kpis = [{toml_str(rng.choice(kpis)[0])}]")
        tags = rng.sample(TAGS, rng.randint(0, 2))
        if tags:
            self.w("tags = [" + ", ".join(toml_str(t) for t in tags) + "]")
        if rng.random() < 0.2:
            self.w(f"weight = {rng.choice(['2', '0.5', '1.5', '3'])}")
        if rng.random() < 0.1:
            self.w(f"notes = {toml_str(rng.choice(NOTES))}")
        self.w()

        metric_pool = rng.sample(METRIC_KRS, KRS_PER_OBJECTIVE)
        milestone_pool = rng.sample(MILESTONE_KRS, KRS_PER_OBJECTIVE)
        used: set[str] = set()
        for k in range(KRS_PER_OBJECTIVE):
            slot = (o, k)
            if slot in linked:
                self.kr_linked(linked[slot], used)
            elif rng.random() < 0.2:
                self.kr_milestone(milestone_pool[k], counts[slot], used)
            else:
                self.kr_metric(metric_pool[k], counts[slot], used)

    def unique_id(self, base: str, used: set[str]) -> str:
        kid, n = base, 2
        while kid in used:
            kid, n = f"{base}-{n}", n + 1
        used.add(kid)
        return kid

    def kr_common_tail(self) -> None:
        rng = self.rng
        if rng.random() < 0.15:
            self.w(f"  weight = {rng.choice(['2', '0.5', '3', '1.5'])}")
        if rng.random() < 0.05:
            self.w(f"  owner = {toml_str(rng.choice(PEOPLE))}")

    def write_checkins(self, dates, values, decimals, confidence=True) -> None:
        rng = self.rng
        if not dates:
            self.w("  checkins = []")
            return
        self.w("  checkins = [")
        for d, v in zip(dates, values):
            parts = [f"date = {d.isoformat()}", f"value = {num(v, decimals)}"]
            if confidence and rng.random() < 0.85:
                parts.append(f"confidence = {rng.choice([0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])}")
            if rng.random() < 0.7:
                parts.append(f"note = {toml_str(rng.choice(NOTES))}")
            self.w("    { " + ", ".join(parts) + " },")
        self.w("  ]")

    def kr_metric(self, spec, n: int, used: set[str]) -> None:
        rng = self.rng
        base, title_t, unit, (lo, hi), direction, decimals = spec
        start = round(rng.uniform(lo, hi), decimals) if decimals > 0 else round(rng.uniform(lo, hi))
        if direction > 0:
            gain = rng.uniform(0.2, 0.8) * max(abs(start), 10 if decimals == 0 else 1)
            if base == "arr":
                gain = rng.uniform(200, 900)
            target = start + gain
        else:
            target = start * rng.uniform(0.35, 0.8)
        target = round(target, decimals) if decimals > 0 else round(target)
        if target == start:
            target = start + direction * (10 ** -decimals if decimals > 0 else 1)
        kid = self.unique_id(base, used)
        self.w("  [[objective.kr]]")
        self.w(f"  id = {toml_str(kid)}")
        self.w(f"  title = {toml_str(title_t.format(t=num(target, decimals)))}")
        if start != 0 or rng.random() < 0.5:
            self.w(f"  start = {num(start, decimals)}")
        self.w(f"  target = {num(target, decimals)}")
        self.w(f"  unit = {toml_str(unit)}")
        self.kr_common_tail()
        dates = checkin_dates(rng, n)
        # A noisy walk from start towards a fraction (-0.2 .. 1.3) of the target.
        reach = rng.uniform(-0.2, 1.3)
        values = []
        for d in dates:
            frac = (d - FIRST_DAY).days / SPAN_DAYS
            noise = rng.gauss(0, 0.06)
            v = start + (target - start) * (reach * frac + noise)
            if v < 0:
                v = abs(v) * 0.1
            values.append(v)
        if rng.random() < 0.08:
            self.w(f"  score = {rng.choice([0.3, 0.5, 0.7, 0.8, 1.0])}")
        if rng.random() < 0.03:
            self.w('  status = "dropped"')
        if values and rng.random() < 0.1:
            # `current` agrees with the latest check-in (ties: later in the file).
            last = max(range(len(dates)), key=lambda i: (dates[i], i))
            self.w(f"  current = {num(values[last], decimals)}")
        if rng.random() < 0.05:
            self.w(f"  notes = {toml_str(rng.choice(NOTES))}")
        self.write_checkins(dates, values, decimals)
        self.w()

    def kr_milestone(self, spec, n: int, used: set[str]) -> None:
        rng = self.rng
        base, title = spec
        kid = self.unique_id(base, used)
        self.w("  [[objective.kr]]")
        self.w(f"  id = {toml_str(kid)}")
        self.w(f"  title = {toml_str(title)}")
        self.w('  type = "milestone"')
        self.kr_common_tail()
        dates = checkin_dates(rng, n)
        done_from = rng.randint(len(dates) // 2, len(dates) + 2)
        values = [1 if i >= done_from else 0 for i in range(len(dates))]
        self.write_checkins(dates, values, 0)
        self.w()

    def kr_linked(self, kpi, used: set[str]) -> None:
        rng = self.rng
        kpi_id, ktitle, unit, kind, bound, _warn, centre, spread, decimals = kpi
        if kind == "max":  # lower is better: a decreasing KR
            start = centre + spread
            target = bound * rng.uniform(0.7, 0.95)
            verb = "Bring"
        elif kind == "band":  # keep it inside the band: bring it down from above
            start = bound[1] + spread
            target = centre * rng.uniform(0.9, 1.0)
            verb = "Bring"
        else:
            start = centre - spread
            target = bound + spread * rng.uniform(0.2, 0.8)
            verb = "Lift"
        d = max(decimals, 1)
        start, target = round(start, d), round(target, d)
        if start == target:
            target = start + 1
        kid = self.unique_id(kpi_id.replace("-kpi", "") + "-goal", used)
        self.w("  [[objective.kr]]")
        self.w(f"  id = {toml_str(kid)}")
        self.w(f"  title = {toml_str(f'{verb} {ktitle.lower()} to {num(target, d)} {unit}')}")
        self.w(f"  start = {num(start, d)}")
        self.w(f"  target = {num(target, d)}")
        self.w(f"  unit = {toml_str(unit)}")
        self.w(f"  kpi = {toml_str(kpi_id)}")
        self.kr_common_tail()
        self.w()

    def kpi(self, kpi) -> None:
        rng = self.rng
        kpi_id, title, unit, kind, bound, warn, centre, spread, decimals = kpi
        self.w("[[kpi]]")
        self.w(f"id = {toml_str(kpi_id)}")
        self.w(f"title = {toml_str(title)}")
        self.w(f"unit = {toml_str(unit)}")
        if kind == "min":
            self.w(f"min = {bound}")
            self.w(f"warn = {warn}")
        elif kind == "max":
            self.w(f"max = {bound}")
            self.w(f"warn = {warn}")
        else:
            self.w(f"min = {bound[0]}")
            self.w(f"max = {bound[1]}")
        self.w(f"frequency = {toml_str(rng.choice(FREQUENCIES))}")
        if rng.random() < 0.8:
            self.w(f"owner = {toml_str(rng.choice(PEOPLE))}")
        self.w(f"tags = [{toml_str(rng.choice(TAGS))}]")
        dates = checkin_dates(rng, CHECKINS_PER_KPI)
        values = [max(0.0, centre + rng.gauss(0, spread / 2)) for _ in dates]
        self.write_checkins(dates, values, decimals, confidence=False)
        self.w()


def write_one(job: tuple[int, int, int, str]) -> int:
    """Generate and write file `index`; return its size in bytes."""
    index, nfiles, seed, out_dir = job
    data = FileGen(index, nfiles, seed).generate().encode("utf-8")
    with open(os.path.join(out_dir, f"team{index:04d}.toml"), "wb") as f:
        f.write(data)
    return len(data)


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--files", type=int, required=True, help="number of goal files")
    ap.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                    help="processes writing files (default: one per CPU); the bytes do not depend on it")
    args = ap.parse_args(argv)
    if args.files < 1:
        ap.error("--files must be at least 1")
    os.makedirs(args.out_dir, exist_ok=True)
    # Each file depends only on its index and the seed, so files can be made in any order.
    jobs = [(i, args.files, args.seed, args.out_dir) for i in range(args.files)]
    if args.jobs > 1 and args.files >= 200:
        with multiprocessing.Pool(args.jobs) as pool:
            total = sum(pool.imap_unordered(write_one, jobs, chunksize=64))
    else:
        total = sum(map(write_one, jobs))
    print(f"wrote {args.files} files, {total} bytes, to {args.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
