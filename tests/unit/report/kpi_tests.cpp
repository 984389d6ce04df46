// The KPI health of the club: its JSON and its description, as `okr kpi` prints them.
#include "okr/report/kpi.hpp"

#include "fixture.hpp"

#include <doctest/doctest.h>

using namespace okr;
using namespace okr::report;

TEST_SUITE("okr::report::kpi") {

    TEST_CASE("the KPI document: value, bounds, health, staleness and history") {
        const test::Club club;
        const auto rows = build_kpi_rows(club.index, club.evaluation, Selection{});
        CHECK(kpi_json(club.as_of(), rows) == R"okr({
  "schema_version": 1,
  "as_of": "2026-11-23",
  "kpis": [
    {
      "ref": "club/uptime",
      "title": "Site uptime",
      "value": 98.2,
      "min": 99,
      "max": null,
      "health": "breach",
      "stale": true,
      "warn": null,
      "unit": "%",
      "owner": "ann",
      "frequency": "weekly",
      "last_checkin": "2026-11-01",
      "dropped": false,
      "tags": [],
      "history": [
        99.5,
        98.2
      ]
    }
  ]
}
)okr");
    }

    TEST_CASE("the terminal table: a KPI in breach with its bounds and its trend") {
        const test::Club club;
        const auto rows = build_kpi_rows(club.index, club.evaluation, Selection{});
        CHECK(render_terminal(kpi_sheet(club.as_of(), rows, true), Look{80, false}) ==
              R"okr(KPI                  VALUE  HEALTHY  HEALTH          LAST        TREND  OWNER
uptime  Site uptime  98.2%  >= 99    breach (stale)  2026-11-01  █▁     ann
)okr");
    }

    TEST_CASE("Markdown: value, unit and bounds in columns of their own") {
        const test::Club club;
        const auto rows = build_kpi_rows(club.index, club.evaluation, Selection{});
        CHECK(render_markdown(kpi_sheet(club.as_of(), rows, true)) == R"okr(# KPI health

as of 2026-11-23  

## KPIs

| Ref | Title | Owner | Value | Unit | Min | Max | Warn | Health | Stale | Last check-in | Trend |
| --- | --- | --- | ---: | --- | ---: | ---: | ---: | --- | --- | --- | --- |
| uptime | Site uptime | ann | 98.2 | % | 99 | - | - | **breach** | stale | 2026-11-01 | █▁ |

)okr");
    }

} // TEST_SUITE
