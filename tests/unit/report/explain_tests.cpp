// The arithmetic of a KR, an objective and a KPI of the club, as `okr explain` prints it.
#include "okr/report/explain.hpp"

#include "fixture.hpp"

#include <doctest/doctest.h>

using namespace okr;
using namespace okr::report;

TEST_SUITE("okr::report::explain") {

    TEST_CASE("a KR's document: each step as text and data, then the result") {
        const test::Club club;
        const Explanation e = explain_kr(club.index, club.kr_ref("grow.members"), club.as_of());
        CHECK(explain_json(e) == R"okr({
  "schema_version": 1,
  "as_of": "2026-11-23",
  "kind": "kr",
  "ref": "club/grow.members",
  "title": "Members",
  "file": "club.toml",
  "line": 10,
  "steps": [
    {
      "step": "cycle",
      "text": [
        "2026-Q4: S = 2026-10-01, E = 2026-12-31, E - S = 91 days"
      ],
      "name": "2026-Q4",
      "start": "2026-10-01",
      "end": "2026-12-31",
      "days": 91
    },
    {
      "step": "elapsed",
      "text": [
        "D = 2026-11-23: D - S = 53 days; t = 53 / 91 = 0.5824 (58% expected)"
      ],
      "as_of": "2026-11-23",
      "days_elapsed": 53,
      "t": 0.582417582418
    },
    {
      "step": "checkins",
      "text": [
        "used 2026-11-10 value 34 (club.toml:17): the latest that counts",
        "1 earlier check-in counts for the forecast only"
      ],
      "used_date": "2026-11-10",
      "used_value": 34,
      "used_file": "club.toml",
      "used_line": 17,
      "counted": 2,
      "skipped": 0
    },
    {
      "step": "values",
      "text": [
        "start 10, target 50, current 34 from the check-in of 2026-11-10"
      ],
      "start": 10,
      "target": 50,
      "current": 34
    },
    {
      "step": "progress",
      "text": [
        "p = (current - start) / (target - start) = (34 - 10) / (50 - 10) = 24 / 40 = 0.6"
      ],
      "progress": 0.6
    },
    {
      "step": "score",
      "text": [
        "s = clamp(p, 0, 1) = 0.6, shown as 0.60"
      ],
      "score": 0.6,
      "manual": false
    },
    {
      "step": "status",
      "text": [
        "gap = t - s = 0.5824 - 0.6 = -0.0176, <= 0.10: on-track",
        "(on-track when gap <= 0.10, at-risk when <= 0.25, off-track beyond)"
      ],
      "t": 0.582417582418,
      "gap": -0.0175824175824,
      "status": "on-track"
    },
    {
      "step": "confidence",
      "text": [
        "0.7, from the check-in of 2026-11-10 (club.toml:17)"
      ],
      "confidence": 0.7
    },
    {
      "step": "forecast",
      "text": [
        "points (days since S, value): (0, 10), (14, 20), (40, 34)",
        "means 18 days and 21.3333; slope 488 / 824 = 0.5922 a day",
        "at E (day 91): 21.3333 + 0.5922 × (91 - 18) = 64.5663",
        "projected score clamp((64.5663 - 10) / (50 - 10), 0, 1) = 1"
      ],
      "mean_day": 18,
      "mean_value": 21.3333333333,
      "slope": 0.592233009709,
      "forecast_value": 64.5663430421,
      "forecast": 1
    }
  ],
  "result": {
    "current": 34,
    "progress": 0.6,
    "score": 0.6,
    "status": "on-track",
    "band": "yellow",
    "confidence": 0.7,
    "forecast": 1,
    "forecast_value": 64.5663430421
  }
}
)okr");
    }

    TEST_CASE("a KR in the terminal: each step's lines after its label") {
        const test::Club club;
        const Explanation e = explain_kr(club.index, club.kr_ref("grow.members"), club.as_of());
        CHECK(render_terminal(explain_sheet(e), Look{80, false}) ==
              R"okr(Key result club/grow.members  Members
club.toml:10 · as of 2026-11-23

Cycle       2026-Q4: S = 2026-10-01, E = 2026-12-31, E - S = 91 days
Elapsed     D = 2026-11-23: D - S = 53 days; t = 53 / 91 = 0.5824 (58% expected)
Check-ins   used 2026-11-10 value 34 (club.toml:17): the latest that counts
            1 earlier check-in counts for the forecast only
Values      start 10, target 50, current 34 from the check-in of 2026-11-10
Progress    p = (current - start) / (target - start) = (34 - 10) / (50 - 10) =
            24 / 40 = 0.6
Score       s = clamp(p, 0, 1) = 0.6, shown as 0.60
Status      gap = t - s = 0.5824 - 0.6 = -0.0176, <= 0.10: on-track
            (on-track when gap <= 0.10, at-risk when <= 0.25, off-track beyond)
Confidence  0.7, from the check-in of 2026-11-10 (club.toml:17)
Forecast    points (days since S, value): (0, 10), (14, 20), (40, 34)
            means 18 days and 21.3333; slope 488 / 824 = 0.5922 a day
            at E (day 91): 21.3333 + 0.5922 × (91 - 18) = 64.5663
            projected score clamp((64.5663 - 10) / (50 - 10), 0, 1) = 1
)okr");
    }

    TEST_CASE("an objective in the terminal: the weighted mean of its KRs") {
        const test::Club club;
        const Explanation e =
            explain_objective(club.index, club.objective_ref("grow"), club.as_of());
        CHECK(render_terminal(explain_sheet(e), Look{80, false}) ==
              R"okr(Objective club/grow  Grow the club
club.toml:5 · as of 2026-11-23

Cycle        2026-Q4: S = 2026-10-01, E = 2026-12-31, E - S = 91 days
Elapsed      D = 2026-11-23: D - S = 53 days; t = 53 / 91 = 0.5824 (58%
             expected)
Key results  members  weight 1  score 0.6
             site  weight 1  score 1
Score        weighted mean (0.6 × 1 + 1 × 1) / (1 + 1) = 1.6 / 2 = 0.8, shown as
             0.80
Status       gap = t - s = 0.5824 - 0.8 = -0.2176, <= 0.10: on-track
             (on-track when gap <= 0.10, at-risk when <= 0.25, off-track beyond)
Band         0.80 is green (>= 0.7)
Commitment   committed: graded at the end of the cycle
Confidence   mean of the active KRs' confidences (0.7) / 1 = 0.7
)okr");
    }

    TEST_CASE("a KPI in Markdown: one row per line of a step") {
        const test::Club club;
        const Explanation e = explain_kpi(club.index, club.kpi_ref("uptime"), club.as_of());
        CHECK(render_markdown(explain_sheet(e)) == R"okr(# KPI club/uptime: Site uptime

club.toml:36  
as of 2026-11-23  

## Steps

| Step | Text |
| --- | --- |
| Bounds | higher is better: ok at or above 99, else breach |
| Check-ins | used 2026-11-01 value 98.2 (club.toml:44): the latest on or before 2026-11-23 |
| Health | 98.2 &lt; min 99: breach |
| Stale | weekly: one period is 7 days; the latest check-in is 22 days old: older than 7, stale |

)okr");
    }

} // TEST_SUITE
