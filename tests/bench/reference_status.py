#!/usr/bin/env python3
"""Reference implementation of `okr status --format json` in plain Python.

    reference_status.py PATH... [--as-of YYYY-MM-DD] [--cycle NAME|all]

This is the benchmark's baseline ("a Python script that does the same
arithmetic with tomllib"): it loads every goal file with tomllib and does
the arithmetic of SPEC §5, then prints one JSON document with the keys of
SPEC §9. It is written plainly, not tuned, and not slowed down either.

A PATH is a goal file or a directory (every *.toml below it, recursively,
hidden directories skipped, sorted by path), as with `okr -f`.

Choices where SPEC is silent (they only matter for comparing numbers):
  - `--cycle all`: every objective is taken, each computed against its own
    cycle; the document's `cycle` is {name "all", start = the earliest start,
    end = the latest end, elapsed over that span}. Likewise when the default
    selection finds several cycles (their names joined with ",").
  - `confidence` of a KR: that of its latest check-in on or before D that
    carries one (ties as for the value); null when none does.
  - `last_checkin`: the date of the check-in that gave the current value.
  - `forecast`: null when the KR has no check-in up to D (a line needs a
    second point); when all points share one date, the line is flat at
    their mean.
  - KPI `stale` is true when it has no check-in at all; a KPI without
    `frequency` is taken as monthly.
  - Objectives without any cycle are skipped; `[workspace] include` is not
    followed (the benchmark workspaces have none).
Extra keys (allowed by §9): top-level `score`, objective `weight`/`cycle`,
KR `type`/`weight`/`band`/`kpi`, KPI `unit`/`warn`/`frequency`/`last_checkin`.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import os
import re
import sys
import tomllib

PERIOD_DAYS = {"daily": 1, "weekly": 7, "monthly": 31, "quarterly": 92, "yearly": 366}


# ---------------------------------------------------------------- loading

def find_files(paths: list[str]) -> list[str]:
    files: list[str] = []
    for p in paths:
        if os.path.isdir(p):
            found = []
            for root, dirs, names in os.walk(p):
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                for n in names:
                    if n.endswith(".toml"):
                        found.append(os.path.join(root, n))
            found.sort(key=lambda f: os.path.relpath(f, p).split(os.sep))
            files.extend(found)
        elif os.path.isfile(p):
            files.append(p)
        else:
            sys.exit(f"reference_status: {p}: no such file or directory")
    return files


def load(path: str) -> dict:
    with open(path, "rb") as f:
        return tomllib.load(f)


# ---------------------------------------------------------------- cycles

CYCLE_RE = re.compile(r"^(\d{4})(?:-(H[12]|Q[1-4]|\d{2}))?$")


def cycle_range(name: str, custom: dict[str, tuple[dt.date, dt.date]]):
    if name in custom:
        return custom[name]
    m = CYCLE_RE.match(name)
    if not m:
        return None
    y, part = int(m.group(1)), m.group(2)
    if part is None:
        return dt.date(y, 1, 1), dt.date(y, 12, 31)
    if part[0] == "H":
        return (dt.date(y, 1, 1), dt.date(y, 6, 30)) if part == "H1" else (dt.date(y, 7, 1), dt.date(y, 12, 31))
    if part[0] == "Q":
        q = int(part[1])
        m0 = 3 * (q - 1) + 1
        return dt.date(y, m0, 1), dt.date(y, m0 + 2, calendar.monthrange(y, m0 + 2)[1])
    mo = int(part)
    if not 1 <= mo <= 12:
        return None
    return dt.date(y, mo, 1), dt.date(y, mo, calendar.monthrange(y, mo)[1])


def elapsed(start: dt.date, end: dt.date, d: dt.date) -> float:
    span = (end - start).days
    if span <= 0:
        return 1.0 if d >= end else 0.0
    return min(1.0, max(0.0, (d - start).days / span))


# ---------------------------------------------------------------- arithmetic

def clamp01(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def latest(checkins, d: dt.date, lo: dt.date | None = None, need: str = "value"):
    """The latest check-in dated on or before d (and on or after lo), that has
    key `need`; ties go to the later one in the file."""
    best = None
    for c in checkins:
        cd = c.get("date")
        if not isinstance(cd, dt.date) or cd > d or (lo is not None and cd < lo):
            continue
        if need not in c:
            continue
        if best is None or cd >= best["date"]:
            best = c
    return best


def status_of(score, t: float) -> str | None:
    if score is None:
        return None
    if score >= 1:
        return "done"
    gap = t - score
    if gap <= 0.10:
        return "on-track"
    if gap <= 0.25:
        return "at-risk"
    return "off-track"


def band_of(score) -> str | None:
    if score is None:
        return None
    return "green" if score >= 0.7 else "yellow" if score >= 0.4 else "red"


def forecast(start: float, target: float, s: dt.date, e: dt.date, points) -> float | None:
    """Least-squares line through (S, start) and the (date, value) points,
    read at E, as a clamped score."""
    if not points:
        return None
    xs = [0.0] + [float((pd - s).days) for pd, _ in points]
    ys = [float(start)] + [float(v) for _, v in points]
    n = len(xs)
    mx = sum(xs) / n
    my = sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    if sxx == 0:
        y_e = my
    else:
        sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
        slope = sxy / sxx
        y_e = my + slope * (float((e - s).days) - mx)
    return clamp01((y_e - start) / (target - start))


def kpi_health(kpi: dict, v) -> str:
    if v is None:
        return "unknown"
    lo, hi, warn = kpi.get("min"), kpi.get("max"), kpi.get("warn")
    if lo is not None and hi is not None:
        return "ok" if lo <= v <= hi else "breach"
    if lo is not None:
        if v >= lo:
            return "ok"
        return "warn" if warn is not None and v >= warn else "breach"
    if hi is not None:
        if v <= hi:
            return "ok"
        return "warn" if warn is not None and v <= warn else "breach"
    return "unknown"


def weighted_mean(pairs):
    tw = 0.0
    acc = 0.0
    for w, s in pairs:
        tw += w
        acc += w * s
    return acc / tw if tw > 0 else None


# ---------------------------------------------------------------- main

def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description="Python reference of `okr status --format json`.")
    ap.add_argument("paths", nargs="+", metavar="PATH")
    ap.add_argument("--as-of", default="today", help="YYYY-MM-DD or today (default)")
    ap.add_argument("--cycle", default=None, help="cycle name or `all` (default: cycles containing the as-of date)")
    ap.add_argument("--compact", action="store_true", help="print the JSON on one line")
    args = ap.parse_args(argv)
    as_of = dt.date.today() if args.as_of == "today" else dt.date.fromisoformat(args.as_of)

    files = find_files(args.paths)
    docs = []  # (namespace, doc)
    custom: dict[str, tuple[dt.date, dt.date]] = {}
    for path in files:
        doc = load(path)
        ns = doc.get("namespace") or os.path.splitext(os.path.basename(path))[0]
        docs.append((ns, doc))
        for name, c in (doc.get("cycles") or {}).items():
            if isinstance(c, dict) and "start" in c and "end" in c:
                custom.setdefault(name, (c["start"], c["end"]))

    # KPI index for `kpi = REF`: "ns/id", and bare id -> list of (ns, kpi)
    kpi_by_ref: dict[str, dict] = {}
    kpi_by_id: dict[str, list[dict]] = {}
    for ns, doc in docs:
        for k in doc.get("kpi", []):
            kpi_by_ref[f"{ns}/{k['id']}"] = k
            kpi_by_id.setdefault(k["id"], []).append(k)

    def resolve_kpi(ref: str, ns: str):
        if "/" in ref:
            return kpi_by_ref.get(ref)
        own = kpi_by_ref.get(f"{ns}/{ref}")
        if own is not None:
            return own
        cands = kpi_by_id.get(ref, [])
        return cands[0] if len(cands) == 1 else None

    # Cycle selection.
    objs = []  # (ns, doc, obj, cycle name)
    for ns, doc in docs:
        for o in doc.get("objective", []):
            cname = o.get("cycle", doc.get("cycle"))
            if cname is None or cycle_range(cname, custom) is None:
                continue
            objs.append((ns, doc, o, cname))
    used = sorted({c for *_, c in objs}, key=lambda c: cycle_range(c, custom))
    if args.cycle == "all":
        selected = set(used)
        label = "all"
    elif args.cycle:
        selected = {args.cycle}
        label = args.cycle
    else:
        containing = [c for c in used if cycle_range(c, custom)[0] <= as_of <= cycle_range(c, custom)[1]]
        if containing:
            selected = set(containing)
        elif used:
            selected = {max(used, key=lambda c: cycle_range(c, custom)[1])}
        else:
            selected = set()
        label = ",".join(sorted(selected))
    ranges = [cycle_range(c, custom) for c in selected if cycle_range(c, custom)]
    if len(selected) == 1 and args.cycle != "all" and ranges:
        c_start, c_end = ranges[0]
    elif ranges:
        c_start, c_end = min(r[0] for r in ranges), max(r[1] for r in ranges)
    else:
        c_start = c_end = None

    out_objs = []
    score_pairs = []
    for ns, doc, o, cname in objs:
        if cname not in selected:
            continue
        s_date, e_date = cycle_range(cname, custom)
        t = elapsed(s_date, e_date, as_of)
        krs_out = []
        pairs = []
        for kr in o.get("kr", []):
            milestone = kr.get("type") == "milestone"
            start = 0 if milestone else kr.get("start", 0)
            target = 1 if milestone else kr.get("target")
            kpi_ref = kr.get("kpi")
            if kpi_ref is not None:
                k = resolve_kpi(kpi_ref, ns)
                pool = k.get("checkins", []) if k is not None else []
                last = latest(pool, as_of, s_date)
                points = [(c["date"], c["value"]) for c in pool
                          if s_date <= c["date"] <= as_of and "value" in c]
                if last is not None:
                    current = last["value"]
                else:
                    current = start
                conf_c = latest(pool, as_of, s_date, need="confidence")
            else:
                pool = kr.get("checkins", [])
                last = latest(pool, as_of)
                points = [(c["date"], c["value"]) for c in pool if c["date"] <= as_of and "value" in c]
                if last is not None:
                    current = last["value"]
                elif "current" in kr:
                    current = kr["current"]
                else:
                    current = start
                conf_c = latest(pool, as_of, need="confidence")
            dropped = kr.get("status") == "dropped"
            if target is None or target == start:
                progress = score = fc = None
            else:
                progress = (current - start) / (target - start)
                fc = forecast(start, target, s_date, e_date, points)
                score = progress
            if "score" in kr:
                score = kr["score"]
            if score is not None:
                score = clamp01(score)
            weight = kr.get("weight", 1)
            if not dropped and score is not None:
                pairs.append((weight, score))
            krs_out.append({
                "ref": f"{ns}/{o['id']}.{kr['id']}",
                "title": kr.get("title"),
                "type": "milestone" if milestone else "metric",
                "start": start,
                "target": target,
                "current": current,
                "unit": kr.get("unit"),
                "weight": weight,
                "progress": progress,
                "score": score,
                "band": band_of(score),
                "status": "dropped" if dropped else status_of(score, t),
                "confidence": conf_c["confidence"] if conf_c is not None else None,
                "last_checkin": last["date"].isoformat() if last is not None else None,
                "forecast": fc,
                "kpi": kpi_ref,
            })
        oscore = weighted_mean(pairs)
        odropped = o.get("status") == "dropped"
        oweight = o.get("weight", 1)
        if not odropped and oscore is not None:
            score_pairs.append((oweight, oscore))
        out_objs.append({
            "ref": f"{ns}/{o['id']}",
            "title": o.get("title"),
            "owner": o.get("owner", doc.get("owner")),
            "type": o.get("type", "aspirational"),
            "cycle": cname,
            "weight": oweight,
            "score": oscore,
            "status": "dropped" if odropped else status_of(oscore, t),
            "band": band_of(oscore),
            "key_results": krs_out,
        })

    out_kpis = []
    for ns, doc in docs:
        for k in doc.get("kpi", []):
            last = latest(k.get("checkins", []), as_of)
            v = last["value"] if last is not None else None
            period = PERIOD_DAYS.get(k.get("frequency", "monthly"), 31)
            stale = last is None or (as_of - last["date"]).days > period
            out_kpis.append({
                "ref": f"{ns}/{k['id']}",
                "title": k.get("title"),
                "unit": k.get("unit"),
                "value": v,
                "min": k.get("min"),
                "max": k.get("max"),
                "warn": k.get("warn"),
                "frequency": k.get("frequency"),
                "health": kpi_health(k, v),
                "stale": stale,
                "last_checkin": last["date"].isoformat() if last is not None else None,
            })

    out = {
        "schema_version": 1,
        "as_of": as_of.isoformat(),
        "cycle": {
            "name": label,
            "start": c_start.isoformat() if c_start else None,
            "end": c_end.isoformat() if c_end else None,
            "elapsed": elapsed(c_start, c_end, as_of) if c_start else None,
        },
        "score": weighted_mean(score_pairs),
        "objectives": out_objs,
        "kpis": out_kpis,
    }
    if args.compact:
        sys.stdout.write(json.dumps(out, ensure_ascii=False, separators=(",", ":")) + "\n")
    else:
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
