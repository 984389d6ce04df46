// The history of a KR and of a KPI of the club, as `okr log` prints them.
#include "okr/report/log.hpp"

#include "fixture.hpp"

#include <doctest/doctest.h>

using namespace okr;
using namespace okr::report;

TEST_SUITE("okr::report::log") {

    TEST_CASE("a KR's document: its cycle, its numbers and its check-ins with their changes") {
        const test::Club club;
        const LogReport log =
            build_kr_log(club.index, club.evaluation, club.kr_ref("grow.members"));
        CHECK(log_json(log) == R"okr({
  "schema_version": 1,
  "as_of": "2026-11-23",
  "kind": "kr",
  "ref": "club/grow.members",
  "title": "Members",
  "unit": null,
  "cycle": {
    "name": "2026-Q4",
    "start": "2026-10-01",
    "end": "2026-12-31",
    "elapsed": 0.582417582418
  },
  "start": 10,
  "target": 50,
  "current": 34,
  "progress": 0.6,
  "score": 0.6,
  "status": "on-track",
  "forecast": 1,
  "forecast_value": 64.5663430421,
  "kpi": null,
  "checkins": [
    {
      "date": "2026-10-15",
      "value": 20,
      "delta": null,
      "confidence": 0.6,
      "note": "open day"
    },
    {
      "date": "2026-11-10",
      "value": 34,
      "delta": 14,
      "confidence": 0.7,
      "note": null
    }
  ]
}
)okr");
    }

    TEST_CASE("a KR in the terminal: a line of facts, the chart and the check-ins") {
        const test::Club club;
        const LogReport log =
            build_kr_log(club.index, club.evaluation, club.kr_ref("grow.members"));
        CHECK(render_terminal(log_sheet(log), Look{80, false}) == R"okr(club/grow.members  Members
10 → 50 · now 34 · progress 60% · on-track · forecast 1.00 · as of 2026-11-23

   64.57 ┤                                                                  ┄┄┄┄
         ┤                                                          ┄┄┄┄┄┄┄┄
         ┤                                                  ┄┄┄┄┄┄┄┄          ··
         ┤                                          ┄┄┄┄┄┄┄┄        ··········
         ┤                                   ┄┄┄┄┄┄┄      ··········
         ┤                           •••●┄┄┄┄  ···········
         ┤                  •••••••••··········
         ┤           ●••••••·········
         ┤    •••••••·····
      10 ┤●•••··
         └──────────────────────────────────────────────────────────────────────
          2026-10-01                                                  2026-12-31
          ● check-in  · ideal  ┄ forecast

DATE        VALUE  CHANGE  CONF  NOTE
2026-10-15     20           60%  open day
2026-11-10     34     +14   70%
)okr");
    }

    TEST_CASE("a KPI in Markdown: its health in the subtitle and its check-ins") {
        const test::Club club;
        const LogReport log = build_kpi_log(club.index, club.evaluation, club.kpi_ref("uptime"));
        CHECK(render_markdown(log_sheet(log)) == R"okr(# club/uptime  Site uptime

KPI · health breach (stale) · as of 2026-11-23  

## Check-ins

| Date | Value | Change | Confidence | Note |
| --- | ---: | ---: | --- | --- |
| 2026-10-01 | 99.5% |  |  |  |
| 2026-11-01 | 98.2% | -1.3 |  |  |

)okr");
    }

} // TEST_SUITE
